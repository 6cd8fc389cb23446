#include "pcaps/src/frame.h"

#include <gtest/gtest.h>

#include "engine/wire/writer.h"

namespace ikesuite::pcap {
namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
Endpoint ep(const char* addr, uint16_t port) { return Endpoint{ip(addr), port}; }

Bytes udp_ip_packet(const Endpoint& src, const Endpoint& dst, ByteView payload, uint16_t id = 7) {
  auto udp = build_udp(src, dst, payload);
  EXPECT_TRUE(udp.ok());
  auto packet = build_ip_packet(src.addr, dst.addr, kIpProtoUdp, *udp, id);
  EXPECT_TRUE(packet.ok());
  return *packet;
}

Bytes with_prefix(std::initializer_list<ByteView> parts) { return concat(parts); }

TEST(InternetChecksum, MatchesTheRfc1071Example) {
  // RFC 1071 §3: the one's complement sum of 0001 f203 f4f5 f6f7 is ddf2.
  EXPECT_EQ(internet_checksum({hex("0001f203f4f5f6f7")}), 0xffff - 0xddf2);
  // Splitting the data at an odd offset changes nothing.
  EXPECT_EQ(internet_checksum({hex("0001f2"), hex("03f4f5f6f7")}), 0xffff - 0xddf2);
  // An odd trailing byte is padded with zero on the right.
  EXPECT_EQ(internet_checksum({hex("01")}), 0xffff - 0x0100);
}

TEST(BuildIpPacket, Ipv4HeaderIsExactlyRight) {
  // A header with a well-known checksum: 192.168.0.1 -> 192.168.0.199, UDP, 0x73 bytes, DF.
  Bytes payload(0x73 - 20, 0xab);
  auto packet = build_ip_packet(ip("192.168.0.1"), ip("192.168.0.199"), kIpProtoUdp, payload, 0);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(to_hex(ByteView(*packet).first(20)), "45000073000040004011b861c0a80001c0a800c7");
  EXPECT_EQ(packet->size(), 0x73u);
}

TEST(BuildIpPacket, Ipv6Header) {
  Bytes payload = to_bytes("abc");
  auto packet = build_ip_packet(ip("2001:db8::1"), ip("2001:db8::2"), 50, payload, 99);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(to_hex(ByteView(*packet).first(8)), "6000000000033240");
  EXPECT_EQ(packet->size(), 40u + 3u);
}

TEST(BuildIpPacket, RejectsMixedFamiliesAndOversizedPayloads) {
  EXPECT_FALSE(build_ip_packet(ip("192.0.2.1"), ip("2001:db8::1"), 17, {}, 0).ok());
  EXPECT_FALSE(build_ip_packet(IpAddress(), IpAddress(), 17, {}, 0).ok());
  Bytes huge(65536, 0);
  auto v4 = build_ip_packet(ip("192.0.2.1"), ip("192.0.2.2"), 17, huge, 0);
  ASSERT_FALSE(v4.ok());
  EXPECT_EQ(v4.error().code(), ErrorCode::kLimit);
  EXPECT_FALSE(build_udp(ep("192.0.2.1", 500), ep("192.0.2.2", 500), huge).ok());
  EXPECT_FALSE(build_udp(ep("192.0.2.1", 500), ep("2001:db8::2", 500), {}).ok());
}

TEST(FakeMac, IsStableLocallyAdministeredAndDistinct) {
  EXPECT_EQ(fake_mac(ip("192.0.2.1")), (MacAddress{0x02, 0x00, 192, 0, 2, 1}));
  EXPECT_EQ(fake_mac(ip("2001:db8::a:b:c")), (MacAddress{0x06, 0x0a, 0x00, 0x0b, 0x00, 0x0c}));
  EXPECT_NE(fake_mac(ip("192.0.2.1")), fake_mac(ip("192.0.2.2")));
}

TEST(DecodeFrame, RoundTripsIpv4AndIpv6Udp) {
  for (auto [src, dst] : {std::pair{ep("192.0.2.1", 500), ep("198.51.100.7", 4500)},
                          std::pair{ep("2001:db8::1", 4500), ep("2001:db8:1::99", 500)}}) {
    Bytes payload = to_bytes("an IKE message");
    auto frame = build_udp_frame(src, dst, payload, 42);
    ASSERT_TRUE(frame.ok());
    auto d = decode_frame(LinkType::Ethernet, *frame);
    ASSERT_TRUE(d.ok()) << d.error().message();
    EXPECT_EQ(d->kind, FrameKind::kUdp);
    EXPECT_EQ(d->src, src);
    EXPECT_EQ(d->dst, dst);
    EXPECT_EQ(Bytes(d->payload.begin(), d->payload.end()), payload);
    EXPECT_EQ(d->checksum_ok, std::optional<bool>(true));
  }
}

TEST(DecodeFrame, IgnoresEthernetPadding) {
  auto frame = build_udp_frame(ep("192.0.2.1", 4500), ep("192.0.2.2", 4500), hex("ff"), 1);
  ASSERT_TRUE(frame.ok());
  // A NAT-keepalive frame is shorter than Ethernet's 60-byte minimum; NICs pad it.
  Bytes padded = *frame;
  padded.resize(60, 0);
  auto d = decode_frame(LinkType::Ethernet, padded);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(to_hex(d->payload), "ff");
  EXPECT_EQ(d->checksum_ok, std::optional<bool>(true));
}

TEST(DecodeFrame, DetectsBadAndMissingUdpChecksums) {
  Bytes packet = udp_ip_packet(ep("192.0.2.1", 500), ep("192.0.2.2", 500), to_bytes("payload"));
  wire::Writer w;
  w.bytes(packet);
  w.patch_u8(packet.size() - 1, 'X');  // corrupt the payload
  auto corrupt = std::move(w).finish();
  auto d = decode_frame(LinkType::Raw, *corrupt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->checksum_ok, std::optional<bool>(false));

  wire::Writer z;
  z.bytes(packet);
  z.patch_u16(20 + 6, 0);  // RFC 768: zero checksum = none computed
  auto zero = std::move(z).finish();
  d = decode_frame(LinkType::Raw, *zero);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->checksum_ok.has_value());
}

TEST(DecodeFrame, EveryTruncationFails) {
  auto frame = build_udp_frame(ep("192.0.2.1", 500), ep("192.0.2.2", 500), to_bytes("0123456789"), 3);
  ASSERT_TRUE(frame.ok());
  for (size_t n = 0; n < frame->size(); ++n) {
    auto d = decode_frame(LinkType::Ethernet, ByteView(*frame).first(n));
    EXPECT_FALSE(d.ok()) << "prefix of " << n << " bytes decoded";
  }
  auto v6 = build_udp_frame(ep("2001:db8::1", 500), ep("2001:db8::2", 500), to_bytes("0123"), 0);
  ASSERT_TRUE(v6.ok());
  for (size_t n = 0; n < v6->size(); ++n)
    EXPECT_FALSE(decode_frame(LinkType::Ethernet, ByteView(*v6).first(n)).ok()) << n;
}

TEST(DecodeFrame, TruncationErrorsCarryOffsets) {
  Bytes packet = udp_ip_packet(ep("192.0.2.1", 500), ep("192.0.2.2", 500), to_bytes("xyz"));
  auto d = decode_frame(LinkType::Raw, ByteView(packet).first(30));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(d.error().offset(), 2u);  // the total length field that promised more
}

Bytes ipv4_with(uint8_t version_ihl, uint16_t total_length, uint16_t flags_fragment,
                uint8_t protocol, ByteView rest) {
  wire::Writer w;
  w.u8(version_ihl);
  w.u8(0);
  w.u16(total_length);
  w.u16(0);
  w.u16(flags_fragment);
  w.u8(64);
  w.u8(protocol);
  w.u16(0);
  w.bytes(hex("c0000201c0000202"));
  w.bytes(rest);
  return *std::move(w).finish();
}

TEST(DecodeFrame, RejectsInconsistentIpv4Headers) {
  Bytes udp = hex("01f401f4000b0000616263");  // 500 -> 500, length 11, "abc"
  // IHL below 5.
  auto d = decode_frame(LinkType::Raw, ipv4_with(0x44, 31, 0, 17, udp));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kLength);
  // Total length smaller than the header.
  d = decode_frame(LinkType::Raw, ipv4_with(0x45, 19, 0, 17, udp));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kLength);
  // Version 6 in an IPv4 link type.
  EXPECT_FALSE(decode_frame(LinkType::Ipv4, ipv4_with(0x65, 31, 0, 17, udp)).ok());
  // Raw IP with version 5.
  EXPECT_FALSE(decode_frame(LinkType::Raw, ipv4_with(0x55, 31, 0, 17, udp)).ok());
  // UDP length below 8 and beyond the IP payload.
  d = decode_frame(LinkType::Raw, ipv4_with(0x45, 31, 0, 17, hex("01f401f400070000616263")));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kLength);
  d = decode_frame(LinkType::Raw, ipv4_with(0x45, 31, 0, 17, hex("01f401f4000c0000616263")));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kLength);
  // The consistent version decodes (checksum zero: none).
  d = decode_frame(LinkType::Raw, ipv4_with(0x45, 31, 0, 17, udp));
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(to_hex(d->payload), "616263");
}

TEST(DecodeFrame, Ipv4OptionsAreSkipped) {
  Bytes udp = hex("01f401f4000b0000616263");
  Bytes packet = ipv4_with(0x46, 35, 0, 17, concat({hex("01010100"), udp}));  // 4 bytes of NOPs
  auto d = decode_frame(LinkType::Raw, packet);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->kind, FrameKind::kUdp);
  EXPECT_EQ(to_hex(d->payload), "616263");
}

TEST(DecodeFrame, SkipsFragmentsAndOtherProtocols) {
  Bytes udp = hex("01f401f4000b0000616263");
  auto d = decode_frame(LinkType::Raw, ipv4_with(0x45, 31, 0x2000, 17, udp));  // MF
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, FrameKind::kFragment);
  d = decode_frame(LinkType::Raw, ipv4_with(0x45, 31, 0x0010, 17, udp));  // offset 128
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, FrameKind::kFragment);
  d = decode_frame(LinkType::Raw, ipv4_with(0x45, 31, 0x4000, 50, udp));  // ESP
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, FrameKind::kNotUdp);
  EXPECT_EQ(d->ip_protocol, 50);
}

Bytes ipv6_with(uint8_t next_header, ByteView body) {
  wire::Writer w;
  w.u32(0x60000000);
  w.u16(static_cast<uint16_t>(body.size()));
  w.u8(next_header);
  w.u8(64);
  w.bytes(ip("2001:db8::1").bytes());
  w.bytes(ip("2001:db8::2").bytes());
  w.bytes(body);
  return *std::move(w).finish();
}

TEST(DecodeFrame, WalksIpv6ExtensionHeaders) {
  Bytes udp = *build_udp(ep("2001:db8::1", 500), ep("2001:db8::2", 500), to_bytes("abc"));
  // Hop-by-Hop (8 bytes, PadN) -> Destination Options (16 bytes) -> UDP
  Bytes hbh = hex("3c00010400000000");
  Bytes dst = hex("1101010c000000000000000000000000");
  auto d = decode_frame(LinkType::Ipv6, ipv6_with(0, concat({hbh, dst, udp})));
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->kind, FrameKind::kUdp);
  EXPECT_EQ(to_hex(d->payload), "616263");
  EXPECT_EQ(d->checksum_ok, std::optional<bool>(true));

  // An atomic fragment (offset 0, M clear) holds the whole datagram.
  d = decode_frame(LinkType::Ipv6, ipv6_with(44, concat({hex("1100000012345678"), udp})));
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->kind, FrameKind::kUdp);
  // A first fragment (M set) and a later one (offset 8) are fragments.
  d = decode_frame(LinkType::Ipv6, ipv6_with(44, concat({hex("1100000112345678"), udp})));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, FrameKind::kFragment);
  d = decode_frame(LinkType::Ipv6, ipv6_with(44, concat({hex("1100000812345678"), udp})));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, FrameKind::kFragment);
  // AH in front of UDP (transport mode): 12-byte ICV, length field (24/4 - 2) = 4.
  Bytes ah = concat({hex("1104000000001000000000010000000000000000"), hex("00000000")});
  d = decode_frame(LinkType::Ipv6, ipv6_with(51, concat({ah, udp})));
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->kind, FrameKind::kUdp);
  // ESP and No Next Header are not UDP.
  d = decode_frame(LinkType::Ipv6, ipv6_with(50, hex("0000100000000001")));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, FrameKind::kNotUdp);
  d = decode_frame(LinkType::Ipv6, ipv6_with(59, {}));
  ASSERT_FALSE(d.ok());  // payload length 0 is a jumbogram
  EXPECT_EQ(d.error().code(), ErrorCode::kUnsupported);
}

TEST(DecodeFrame, RejectsBadIpv6ExtensionChains) {
  // An extension header whose length runs past the payload.
  EXPECT_FALSE(decode_frame(LinkType::Ipv6, ipv6_with(0, hex("1105000000000000"))).ok());
  // Seventeen Destination Options headers in a row.
  Bytes chain;
  for (int i = 0; i < 17; ++i) append(chain, hex("3c00010400000000"));
  append(chain, hex("3b00010400000000"));
  auto d = decode_frame(LinkType::Ipv6, ipv6_with(60, chain));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kLimit);
  // Payload length beyond the captured bytes.
  Bytes packet = ipv6_with(17, hex("01f401f4000b0000616263"));
  EXPECT_FALSE(decode_frame(LinkType::Ipv6, ByteView(packet).first(packet.size() - 1)).ok());
}

TEST(DecodeFrame, ReadsEveryLinkType) {
  Endpoint src = ep("192.0.2.1", 500), dst = ep("192.0.2.2", 500);
  Bytes v4 = udp_ip_packet(src, dst, to_bytes("v4"));
  Bytes v6 = udp_ip_packet(ep("2001:db8::1", 4500), ep("2001:db8::2", 4500), to_bytes("v6"));
  struct Case {
    LinkType type;
    Bytes frame;
    const char* payload;
  } cases[] = {
      {LinkType::Raw, v4, "v4"},
      {LinkType::Raw, v6, "v6"},
      {LinkType::Ipv4, v4, "v4"},
      {LinkType::Ipv6, v6, "v6"},
      // 802.1Q, then 802.1ad + 802.1Q
      {LinkType::Ethernet, with_prefix({hex("020000000002020000000001"), hex("8100 0064 0800"), v4}), "v4"},
      {LinkType::Ethernet,
       with_prefix({hex("020000000002020000000001"), hex("88a8 0001 8100 0064 86dd"), v6}), "v6"},
      // Linux cooked v1: outgoing, ARPHRD_ETHER, 6-byte address
      {LinkType::LinuxSll, with_prefix({hex("0004 0001 0006 020000000001 0000 0800"), v4}), "v4"},
      // Linux cooked v2: protocol, reserved, ifindex 3, ARPHRD_ETHER, incoming, 6-byte address
      {LinkType::LinuxSll2,
       with_prefix({hex("86dd 0000 00000003 0001 00 06 0200000000010000"), v6}), "v6"},
      // BSD loopback: AF_INET little-endian (as written on x86), AF_INET6 as on Darwin (30)
      {LinkType::Null, with_prefix({hex("02000000"), v4}), "v4"},
      {LinkType::Null, with_prefix({hex("1e000000"), v6}), "v6"},
      // OpenBSD loopback: network byte order, AF_INET6 = 24
      {LinkType::Loop, with_prefix({hex("00000018"), v6}), "v6"},
      {LinkType::Loop, with_prefix({hex("00000002"), v4}), "v4"},
  };
  for (const auto& c : cases) {
    auto d = decode_frame(c.type, c.frame);
    ASSERT_TRUE(d.ok()) << name(c.type) << ": " << d.error().message();
    EXPECT_EQ(d->kind, FrameKind::kUdp) << name(c.type);
    EXPECT_EQ(std::string(d->payload.begin(), d->payload.end()), c.payload) << name(c.type);
    EXPECT_EQ(d->checksum_ok, std::optional<bool>(true)) << name(c.type);
  }
}

TEST(DecodeFrame, NonIpFramesAreClassifiedNotFailed) {
  auto arp = decode_frame(LinkType::Ethernet, hex("ffffffffffff020000000001 0806 0001080006040001"));
  ASSERT_TRUE(arp.ok());
  EXPECT_EQ(arp->kind, FrameKind::kNotIp);
  // 802.3 frame: a length where the ethertype would be.
  auto llc = decode_frame(LinkType::Ethernet, hex("ffffffffffff020000000001 0026 4242030000"));
  ASSERT_TRUE(llc.ok());
  EXPECT_EQ(llc->kind, FrameKind::kNotIp);
  auto null_other = decode_frame(LinkType::Null, hex("07000000 00"));
  ASSERT_TRUE(null_other.ok());
  EXPECT_EQ(null_other->kind, FrameKind::kNotIp);
  auto sll_other = decode_frame(LinkType::LinuxSll, hex("0000 0304 0000 0000000000000000 0004 aa"));
  ASSERT_TRUE(sll_other.ok());
  EXPECT_EQ(sll_other->kind, FrameKind::kNotIp);
}

TEST(DecodeFrame, BoundsVlanStacks) {
  Bytes frame = hex("020000000002020000000001");
  for (int i = 0; i < 5; ++i) append(frame, hex("81000001"));
  append(frame, hex("0800"));
  auto d = decode_frame(LinkType::Ethernet, frame);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kLimit);
}

TEST(LinkTypeFromDlt, MapsPlatformNumbers) {
  EXPECT_EQ(link_type_from_dlt(1), LinkType::Ethernet);
  EXPECT_EQ(link_type_from_dlt(12), LinkType::Raw);
  EXPECT_EQ(link_type_from_dlt(14), LinkType::Raw);
  EXPECT_EQ(link_type_from_dlt(101), LinkType::Raw);
  EXPECT_EQ(link_type_from_dlt(113), LinkType::LinuxSll);
  EXPECT_EQ(link_type_from_dlt(276), LinkType::LinuxSll2);
  EXPECT_EQ(link_type_from_dlt(0), LinkType::Null);
  EXPECT_EQ(link_type_from_dlt(108), LinkType::Loop);
  EXPECT_FALSE(link_type_from_dlt(127).has_value());  // 802.11 radiotap
}

}  // namespace
}  // namespace ikesuite::pcap
