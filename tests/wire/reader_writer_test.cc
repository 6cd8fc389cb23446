#include <gtest/gtest.h>

#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::wire {
namespace {

TEST(Reader, ReadsBigEndianFields) {
  Bytes data = hex("01 0203 040506 0708090a 0b0c0d0e0f101112");
  Reader r(data);
  EXPECT_EQ(*r.u8(), 0x01);
  EXPECT_EQ(*r.u16(), 0x0203);
  EXPECT_EQ(*r.u24(), 0x040506u);
  EXPECT_EQ(*r.u32(), 0x0708090au);
  EXPECT_EQ(*r.u64(), 0x0b0c0d0e0f101112ull);
  EXPECT_TRUE(r.empty());
  EXPECT_TRUE(r.expect_done().ok());
}

TEST(Reader, EveryGetterStopsAtTheEnd) {
  Bytes data = hex("aabbcc");
  Reader r(data, 100);
  ASSERT_TRUE(r.u8().ok());
  auto v = r.u32();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(v.error().offset(), 101u);
  EXPECT_FALSE(r.u24().ok());
  EXPECT_FALSE(r.u64().ok());
  EXPECT_FALSE(r.bytes(3).ok());
  EXPECT_FALSE(r.sub(3).ok());
  EXPECT_FALSE(r.skip(3).ok());
  EXPECT_EQ(r.remaining(), 2u);  // failed reads consume nothing
  EXPECT_EQ(*r.u16(), 0xbbcc);
  EXPECT_FALSE(r.u8().ok());
}

TEST(Reader, SubViewCannotReadIntoItsNeighbour) {
  Bytes data = hex("0001020304");
  Reader r(data, 10);
  auto child = r.sub(2);
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->offset(), 10u);
  EXPECT_EQ(*child->u16(), 0x0001);
  EXPECT_FALSE(child->u8().ok());
  EXPECT_EQ(r.offset(), 12u);
  EXPECT_EQ(*r.u8(), 0x02);
}

TEST(Reader, TrailingBytesAreReported) {
  Bytes data = hex("0102");
  Reader r(data, 4);
  ASSERT_TRUE(r.u8().ok());
  auto s = r.expect_done();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kTrailingBytes);
  EXPECT_EQ(s.error().offset(), 5u);
}

TEST(Writer, WritesAndPatchesLengths) {
  Writer w;
  w.u8(0x2a);
  size_t len = w.reserve_u16();
  size_t start = w.size() - 3;
  w.u32(0xdeadbeef);
  w.u24(0x010203);
  w.patch_length_u16(len, start);
  auto out = std::move(w).finish();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, hex("2a000a deadbeef 010203"));
}

TEST(Writer, LengthOverflowIsAnError) {
  Writer w;
  size_t len = w.reserve_u8();
  w.zeros(300);
  w.patch_length_u8(len, 0);
  auto out = std::move(w).finish();
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kLimit);
}

TEST(Writer, U24OverflowIsAnError) {
  Writer w;
  w.u24(0x1000000);
  EXPECT_FALSE(std::move(w).finish().ok());
}

}  // namespace
}  // namespace ikesuite::wire
