#include "engine/base/bytes.h"

#include <gtest/gtest.h>

namespace ikesuite {
namespace {

TEST(Bytes, HexRoundTrip) {
  Bytes b = {0x00, 0x0a, 0xff, 0x10};
  EXPECT_EQ(to_hex(b), "000aff10");
  EXPECT_EQ(from_hex("000AFF10"), b);
  EXPECT_EQ(from_hex("00:0a ff\n10"), b);
}

TEST(Bytes, HexRejectsBadInput) {
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
  EXPECT_TRUE(from_hex("").has_value());
}

TEST(Bytes, ConcatAndCompare) {
  Bytes a = hex("0102"), b = hex("03");
  EXPECT_EQ(concat({a, b}), hex("010203"));
  EXPECT_TRUE(equal_ct(a, hex("0102")));
  EXPECT_FALSE(equal_ct(a, hex("0103")));
  EXPECT_FALSE(equal_ct(a, hex("01")));
}

}  // namespace
}  // namespace ikesuite
