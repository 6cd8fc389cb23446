#include "engine/base/result.h"

#include "engine/base/bytes.h"

#include <gtest/gtest.h>

namespace ikesuite {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error(ErrorCode::kMalformed, "not a digit", 3);
  return c - '0';
}

Result<int> sum_two(char a, char b) {
  TRY_ASSIGN(int x, parse_digit(a));
  TRY_ASSIGN(int y, parse_digit(b));
  return x + y;
}

Status check(char c) {
  TRY_IN(parse_digit(c), "digit");
  return {};
}

TEST(Result, ValuesAndErrorsPropagate) {
  auto ok = sum_two('3', '4');
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 7);
  auto bad = sum_two('3', 'x');
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(bad.error().offset(), 3u);
}

TEST(Result, ContextReadsOutermostFirst) {
  auto s = check('q');
  ASSERT_FALSE(s.ok());
  Error e = std::move(s).error().within("message");
  EXPECT_EQ(e.message(), "message > digit at offset 3: malformed: not a digit");
}

TEST(Result, NotifyTravelsWithTheError) {
  Error e = Error(ErrorCode::kUnsupported, "critical").with_notify(1, {0x2a});
  ASSERT_TRUE(e.notify());
  EXPECT_EQ(*e.notify(), 1);
  EXPECT_EQ(e.notify_data(), Bytes{0x2a});
}

}  // namespace
}  // namespace ikesuite
