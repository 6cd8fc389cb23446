// NFLOG records (LINKTYPE_NFLOG): what netns mode's delay line reads from the router, and what
// `tcpdump -i nflog:<group>` writes.
#include <cstring>

#include <gtest/gtest.h>

#include "pcaps/src/frame.h"

namespace ikesuite::pcap {
namespace {

// One TLV: length (header included) and type in this machine's byte order, value, padding
// to four octets.
void tlv(Bytes& out, uint16_t type, ByteView value) {
  uint16_t length = static_cast<uint16_t>(4 + value.size());
  uint8_t head[4];
  std::memcpy(head, &length, 2);
  std::memcpy(head + 2, &type, 2);
  out.insert(out.end(), head, head + 4);
  out.insert(out.end(), value.begin(), value.end());
  while (out.size() % 4) out.push_back(0);
}

Bytes udp_packet(const char* src, const char* dst) {
  Endpoint s{*IpAddress::parse(src), 500}, d{*IpAddress::parse(dst), 4500};
  Bytes payload{0, 0, 0, 0, 'i', 'k', 'e'};
  auto udp = build_udp(s, d, payload);
  auto ip = build_ip_packet(s.addr, d.addr, kIpProtoUdp, *udp, 9);
  return *ip;
}

Bytes record(uint8_t family, ByteView packet, const char* prefix, std::optional<std::pair<uint64_t, uint64_t>> ts) {
  Bytes out{family, 0, 0x00, 0x01};  // version 0, resource id 1
  tlv(out, 1, hex("08000300"));      // NFULA_PACKET_HDR: hw protocol, hook
  if (prefix) {
    std::string p(prefix);
    Bytes v(p.begin(), p.end());
    v.push_back(0);
    tlv(out, 10, v);
  }
  if (ts) {
    Bytes v(16);
    for (int i = 0; i < 8; ++i) {
      v[7 - i] = static_cast<uint8_t>(ts->first >> (8 * i));
      v[15 - i] = static_cast<uint8_t>(ts->second >> (8 * i));
    }
    tlv(out, 3, v);
  }
  tlv(out, 5, hex("00000007"));  // NFULA_IFINDEX_OUTDEV
  if (!packet.empty()) tlv(out, 9, packet);
  return out;
}

TEST(Nflog, RecordDecodesToPrefixTimestampAndPacket) {
  Bytes packet = udp_packet("192.168.0.1", "192.168.0.2");
  Bytes rec = record(2, packet, "iks 0 1", std::pair<uint64_t, uint64_t>{1795481731, 685285});
  auto r = decode_nflog(rec);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->family, 2);
  EXPECT_EQ(r->group, 1);
  EXPECT_EQ(r->prefix, "iks 0 1");
  ASSERT_TRUE(r->timestamp.has_value());
  EXPECT_EQ(r->timestamp->count(), 1795481731685285000LL);
  EXPECT_EQ(Bytes(r->packet.begin(), r->packet.end()), packet);
  auto f = decode_frame(LinkType::Nflog, rec);
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(f->kind, FrameKind::kUdp);
  EXPECT_EQ(f->src.to_string(), "192.168.0.1[500]");
  EXPECT_EQ(f->dst.to_string(), "192.168.0.2[4500]");
  EXPECT_EQ(link_type_from_dlt(239), LinkType::Nflog);
}

TEST(Nflog, Ipv6AndNoPrefixNoTimestamp) {
  Bytes packet = udp_packet("2001:db8::1", "2001:db8::2");
  Bytes rec = record(10, packet, nullptr, std::nullopt);
  auto r = decode_nflog(rec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->prefix, "");
  EXPECT_FALSE(r->timestamp.has_value());
  auto f = decode_frame(LinkType::Nflog, rec);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->dst.to_string(), "2001:db8::2[4500]");
}

TEST(Nflog, WithoutPayloadIsNotIp) {
  Bytes rec = record(2, {}, "iks 0 1", std::nullopt);
  auto f = decode_frame(LinkType::Nflog, rec);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->kind, FrameKind::kNotIp);
}

TEST(Nflog, BrokenRecordsAreErrors) {
  Bytes good = record(2, udp_packet("192.168.0.1", "192.168.0.2"), "iks 0 1", std::nullopt);
  EXPECT_FALSE(decode_nflog(ByteView(good).first(3)).ok());  // header cut short
  Bytes version = good;
  version[1] = 1;
  EXPECT_FALSE(decode_nflog(version).ok());
  Bytes short_tlv = good;
  uint16_t three = 3;
  std::memcpy(short_tlv.data() + 4, &three, 2);  // a TLV shorter than its own header
  EXPECT_FALSE(decode_nflog(short_tlv).ok());
  Bytes past_end = good;
  uint16_t huge = 0x4000;
  std::memcpy(past_end.data() + 4, &huge, 2);  // a TLV running past the record
  EXPECT_FALSE(decode_nflog(past_end).ok());
  Bytes cut = good;
  cut.resize(good.size() - 10);  // the payload TLV truncated
  EXPECT_FALSE(decode_nflog(cut).ok());
  // A timestamp TLV too short for its two 64-bit fields.
  Bytes ts{2, 0, 0, 1};
  tlv(ts, 3, hex("0000000000000001"));
  EXPECT_FALSE(decode_nflog(ts).ok());
}

// The veth's partial checksum (or none) is replaced by the real one; nothing else changes.
TEST(RefreshUdpChecksum, FixesOnlyTheChecksum) {
  for (auto [src, dst] : {std::pair{"192.168.0.1", "192.168.0.2"}, std::pair{"2001:db8::1", "2001:db8::2"}}) {
    Bytes good = udp_packet(src, dst);
    size_t at = good[0] >> 4 == 4 ? 20 + 6 : 40 + 6;
    Bytes broken = good;
    broken[at] = 0x12;
    broken[at + 1] = 0x34;
    auto before = decode_frame(LinkType::Raw, broken);
    ASSERT_TRUE(before.ok());
    EXPECT_EQ(before->checksum_ok, false);
    ASSERT_TRUE(refresh_udp_checksum(broken).ok());
    EXPECT_EQ(broken, good);
    EXPECT_EQ(decode_frame(LinkType::Raw, broken)->checksum_ok, true);
  }
  Bytes not_udp = udp_packet("192.168.0.1", "192.168.0.2");
  not_udp[9] = 50;  // ESP
  EXPECT_FALSE(refresh_udp_checksum(not_udp).ok());
  Bytes truncated = udp_packet("192.168.0.1", "192.168.0.2");
  truncated.resize(24);
  EXPECT_FALSE(refresh_udp_checksum(truncated).ok());
}

}  // namespace
}  // namespace ikesuite::pcap
