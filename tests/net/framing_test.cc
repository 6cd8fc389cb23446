#include <gtest/gtest.h>

#include <vector>

#include "engine/base/bytes.h"
#include "engine/net/transport.h"

namespace ikesuite::net {
namespace {

// An IKEv2 header's worth of bytes: SPIi (non-zero, as RFC 7296 §3.1 requires) onwards.
const Bytes kIke = hex("0011223344556677 0000000000000000 2120220800000000 0000001c");

TEST(Classify4500, KeepaliveIsOneFfOctet) {
  EXPECT_EQ(classify_4500(hex("ff")), Udp4500Kind::kKeepalive);
  // Only exactly one octet: RFC 3948 §2.3.
  EXPECT_EQ(classify_4500(hex("ffff")), Udp4500Kind::kInvalid);
  EXPECT_EQ(classify_4500(hex("ff000000 00000001")), Udp4500Kind::kEsp);
}

TEST(Classify4500, MarkerMeansIke) {
  EXPECT_EQ(classify_4500(concat({hex("00000000"), kIke})), Udp4500Kind::kIke);
  // The marker alone still is IKE (an empty message the codec will reject).
  EXPECT_EQ(classify_4500(hex("00000000")), Udp4500Kind::kIke);
  EXPECT_EQ(classify_4500(hex("00000000 00000000")), Udp4500Kind::kIke);
}

TEST(Classify4500, NonZeroSpiWithSequenceNumberIsEsp) {
  EXPECT_EQ(classify_4500(hex("c0ffee01 00000001")), Udp4500Kind::kEsp);
  EXPECT_EQ(classify_4500(hex("00000001 00000001 aabbccdd")), Udp4500Kind::kEsp);
  EXPECT_EQ(classify_4500(hex("01000000 00000000")), Udp4500Kind::kEsp);
}

TEST(Classify4500, ShortJunkIsInvalid) {
  EXPECT_EQ(classify_4500(ByteView{}), Udp4500Kind::kInvalid);
  EXPECT_EQ(classify_4500(hex("00")), Udp4500Kind::kInvalid);
  EXPECT_EQ(classify_4500(hex("fe")), Udp4500Kind::kInvalid);
  // Every truncation of the marker, and of an ESP header below SPI + sequence number.
  Bytes marker = hex("00000000");
  for (size_t n = 0; n < 4; ++n)
    EXPECT_EQ(classify_4500(ByteView(marker).first(n)), Udp4500Kind::kInvalid) << n;
  Bytes esp = hex("c0ffee01 00000001");
  for (size_t n = 2; n < 8; ++n)
    EXPECT_EQ(classify_4500(ByteView(esp).first(n)), Udp4500Kind::kInvalid) << n;
  EXPECT_EQ(classify_4500(hex("000000")), Udp4500Kind::kInvalid);
}

TEST(Framing, PlainLeavesTheMessageAlone) {
  EXPECT_EQ(frame_ike(Framing::kPlain, kIke), kIke);
  auto back = unframe_ike(Framing::kPlain, kIke);
  ASSERT_TRUE(back);
  EXPECT_EQ(Bytes(back->begin(), back->end()), kIke);
  // On port 500 nothing is stripped, even four leading zeros.
  Bytes zeros = concat({hex("00000000"), kIke});
  auto same = unframe_ike(Framing::kPlain, zeros);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->size(), zeros.size());
}

TEST(Framing, MarkerRoundTrip) {
  Bytes framed = frame_ike(Framing::kNonEspMarker, kIke);
  ASSERT_EQ(framed.size(), kIke.size() + 4);
  EXPECT_EQ(Bytes(framed.begin(), framed.begin() + 4), hex("00000000"));
  auto back = unframe_ike(Framing::kNonEspMarker, framed);
  ASSERT_TRUE(back);
  EXPECT_EQ(Bytes(back->begin(), back->end()), kIke);
}

TEST(Framing, UnframeRejectsEspKeepalivesAndJunkOnTheNattPort) {
  EXPECT_FALSE(unframe_ike(Framing::kNonEspMarker, hex("ff")));
  EXPECT_FALSE(unframe_ike(Framing::kNonEspMarker, hex("c0ffee01 00000001 0102")));
  EXPECT_FALSE(unframe_ike(Framing::kNonEspMarker, hex("000000")));
  EXPECT_FALSE(unframe_ike(Framing::kNonEspMarker, ByteView{}));
  // An IKE message sent without the marker looks like ESP (its SPIi is not zero).
  EXPECT_FALSE(unframe_ike(Framing::kNonEspMarker, kIke));
}

TEST(Framing, FramingForPortFollowsTheNattList) {
  std::vector<uint16_t> standard{kNattPort};
  EXPECT_EQ(framing_for_port(500, standard), Framing::kPlain);
  EXPECT_EQ(framing_for_port(4500, standard), Framing::kNonEspMarker);
  EXPECT_EQ(framing_for_port(33000, standard), Framing::kPlain);
  std::vector<uint16_t> custom{4501, 14500};
  EXPECT_EQ(framing_for_port(4500, custom), Framing::kPlain);
  EXPECT_EQ(framing_for_port(14500, custom), Framing::kNonEspMarker);
  EXPECT_EQ(framing_for_port(4500, {}), Framing::kPlain);
}

TEST(Framing, WireViewUsesPort4500OnEitherSide) {
  EXPECT_EQ(framing_on_wire(500, 500), Framing::kPlain);
  EXPECT_EQ(framing_on_wire(4500, 4500), Framing::kNonEspMarker);
  // Behind a NAT: the inside host's 4500 became a high port, the peer's did not.
  EXPECT_EQ(framing_on_wire(40001, 4500), Framing::kNonEspMarker);
  EXPECT_EQ(framing_on_wire(4500, 40001), Framing::kNonEspMarker);
  // Its 500 became a high port: still no marker, unlike a rule of "any port but 500".
  EXPECT_EQ(framing_on_wire(40000, 500), Framing::kPlain);
  EXPECT_EQ(framing_on_wire(500, 40000), Framing::kPlain);

  Bytes framed = frame_ike(40001, 4500, kIke);
  EXPECT_EQ(framed.size(), kIke.size() + 4);
  EXPECT_EQ(frame_ike(40000, 500, kIke), kIke);
  auto back = unframe_ike(4500, 40001, framed);
  ASSERT_TRUE(back);
  EXPECT_EQ(Bytes(back->begin(), back->end()), kIke);
  EXPECT_FALSE(unframe_ike(4500, 4500, hex("ff")));
}

}  // namespace
}  // namespace ikesuite::net
