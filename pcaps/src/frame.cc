#include "pcaps/src/frame.h"

#include <algorithm>
#include <cstring>

#include <string>

#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::pcap {

namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr uint16_t kEtherTypeVlan = 0x8100;     // IEEE 802.1Q
constexpr uint16_t kEtherTypeQinQ = 0x88a8;     // IEEE 802.1ad
constexpr uint16_t kEtherTypeQinQOld = 0x9100;  // pre-standard double tagging

constexpr uint8_t kTtl = 64;
constexpr size_t kIpv4HeaderSize = 20;
constexpr size_t kUdpHeaderSize = 8;
// Bounds the IPv6 extension-header walk; real packets carry a handful at most.
constexpr int kMaxIpv6ExtensionHeaders = 16;

// IPv6 extension headers the decoder walks through (RFC 8200 §4): Hop-by-Hop Options,
// Routing, Destination Options, Mobility (RFC 6275), HIP (RFC 7401), Shim6 (RFC 5533).
constexpr bool is_generic_extension(uint8_t nh) {
  return nh == 0 || nh == 43 || nh == 60 || nh == 135 || nh == 139 || nh == 140;
}

// RFC 768 / RFC 8200 §8.1 pseudo-header for the UDP checksum.
Bytes pseudo_header(const IpAddress& src, const IpAddress& dst, size_t udp_length) {
  wire::Writer w;
  w.bytes(src.bytes());
  w.bytes(dst.bytes());
  if (src.is_v4()) {
    w.u8(0);
    w.u8(kIpProtoUdp);
    w.u16(static_cast<uint16_t>(udp_length));
  } else {
    w.u32(static_cast<uint32_t>(udp_length));
    w.zeros(3);
    w.u8(kIpProtoUdp);
  }
  return std::move(w).finish().value_or(Bytes{});
}

Error frame_error(ErrorCode code, std::string reason, size_t offset) {
  return Error(code, std::move(reason), offset);
}

// Reads the UDP header and payload out of `r` (positioned at the UDP header, bounded by the
// IP payload length) and fills `out`.
Status decode_udp(wire::Reader& r, const IpAddress& src, const IpAddress& dst, DecodedFrame& out) {
  ByteView segment = r.peek_rest();
  size_t header_offset = r.offset();
  TRY_ASSIGN(uint16_t src_port, r.u16());
  TRY_ASSIGN(uint16_t dst_port, r.u16());
  TRY_ASSIGN(uint16_t length, r.u16());
  TRY_ASSIGN(uint16_t checksum, r.u16());
  if (length < kUdpHeaderSize)
    return frame_error(ErrorCode::kLength,
                       "UDP length " + std::to_string(length) + " is below the header size",
                       header_offset + 4);
  if (length > segment.size())
    return frame_error(ErrorCode::kLength,
                       "UDP length " + std::to_string(length) + " exceeds the " +
                           std::to_string(segment.size()) + " bytes the IP packet carries",
                       header_offset + 4);
  TRY_ASSIGN(ByteView payload, r.bytes(length - kUdpHeaderSize));
  out.kind = FrameKind::kUdp;
  out.ip_protocol = kIpProtoUdp;
  out.src = Endpoint{src, src_port};
  out.dst = Endpoint{dst, dst_port};
  out.payload = payload;
  if (checksum == 0 && src.is_v4()) {
    out.checksum_ok.reset();  // RFC 768: zero means the sender computed none
  } else {
    Bytes pseudo = pseudo_header(src, dst, length);
    ByteView udp = segment.first(length);
    out.checksum_ok = checksum != 0 && internet_checksum({pseudo, udp}) == 0;
  }
  return ok_status();
}

Result<DecodedFrame> decode_ipv4(ByteView packet, size_t base) {
  wire::Reader r(packet, base);
  DecodedFrame out;
  TRY_ASSIGN(uint8_t version_ihl, r.u8());
  if ((version_ihl >> 4) != 4)
    return frame_error(ErrorCode::kMalformed, "IP version " + std::to_string(version_ihl >> 4) +
                                                  " in an IPv4 frame", base);
  size_t header_length = static_cast<size_t>(version_ihl & 0x0f) * 4;
  if (header_length < kIpv4HeaderSize)
    return frame_error(ErrorCode::kLength,
                       "IPv4 header length " + std::to_string(header_length) + " is below 20",
                       base);
  TRY(r.skip(1));  // DSCP/ECN
  TRY_ASSIGN(uint16_t total_length, r.u16());
  TRY(r.skip(2));  // identification
  TRY_ASSIGN(uint16_t flags_fragment, r.u16());
  TRY(r.skip(1));  // TTL
  TRY_ASSIGN(uint8_t protocol, r.u8());
  TRY(r.skip(2));  // header checksum
  TRY_ASSIGN(ByteView src_bytes, r.bytes(4));
  TRY_ASSIGN(ByteView dst_bytes, r.bytes(4));
  TRY(r.skip(header_length - kIpv4HeaderSize));  // options
  if (total_length < header_length)
    return frame_error(ErrorCode::kLength,
                       "IPv4 total length " + std::to_string(total_length) +
                           " is below its header length",
                       base + 2);
  if (total_length > packet.size())
    return frame_error(ErrorCode::kTruncated,
                       "IPv4 total length " + std::to_string(total_length) + " but only " +
                           std::to_string(packet.size()) + " bytes captured",
                       base + 2);
  out.ip_protocol = protocol;
  // RFC 791: More Fragments set or a non-zero offset means this is not the whole datagram.
  if ((flags_fragment & 0x2000) || (flags_fragment & 0x1fff)) {
    out.kind = FrameKind::kFragment;
    return out;
  }
  if (protocol != kIpProtoUdp) {
    out.kind = FrameKind::kNotUdp;
    return out;
  }
  auto src = IpAddress::from_bytes(src_bytes);
  auto dst = IpAddress::from_bytes(dst_bytes);
  // Bytes past the total length are link-layer padding (Ethernet pads to 60 bytes).
  TRY_ASSIGN(wire::Reader body, wire::Reader(packet, base).sub(total_length));
  TRY(body.skip(header_length));
  TRY(decode_udp(body, *src, *dst, out));
  return out;
}

Result<DecodedFrame> decode_ipv6(ByteView packet, size_t base) {
  wire::Reader r(packet, base);
  DecodedFrame out;
  TRY_ASSIGN(uint32_t first_word, r.u32());
  if ((first_word >> 28) != 6)
    return frame_error(ErrorCode::kMalformed,
                       "IP version " + std::to_string(first_word >> 28) + " in an IPv6 frame",
                       base);
  TRY_ASSIGN(uint16_t payload_length, r.u16());
  TRY_ASSIGN(uint8_t next_header, r.u8());
  TRY(r.skip(1));  // hop limit
  TRY_ASSIGN(ByteView src_bytes, r.bytes(16));
  TRY_ASSIGN(ByteView dst_bytes, r.bytes(16));
  if (payload_length == 0)
    // RFC 2675 jumbograms put the real length in a Hop-by-Hop option; UDP over them is not
    // something IKE does.
    return frame_error(ErrorCode::kUnsupported, "IPv6 jumbogram (payload length 0)", base + 4);
  if (payload_length > r.remaining())
    return frame_error(ErrorCode::kTruncated,
                       "IPv6 payload length " + std::to_string(payload_length) + " but only " +
                           std::to_string(r.remaining()) + " bytes captured",
                       base + 4);
  TRY_ASSIGN(wire::Reader body, r.sub(payload_length));
  for (int i = 0;; ++i) {
    out.ip_protocol = next_header;
    if (next_header == kIpProtoUdp) break;
    if (i >= kMaxIpv6ExtensionHeaders)
      return frame_error(ErrorCode::kLimit, "more than 16 IPv6 extension headers", body.offset());
    if (is_generic_extension(next_header)) {
      // RFC 8200 §4.3-4.6: Next Header, Hdr Ext Len in 8-octet units not counting the first 8.
      TRY_ASSIGN(next_header, body.u8());
      TRY_ASSIGN(uint8_t ext_length, body.u8());
      TRY(body.skip(static_cast<size_t>(ext_length) * 8 + 6));
    } else if (next_header == 44) {
      // RFC 8200 §4.5 fragment header. An "atomic" fragment (offset 0, M clear; RFC 6946)
      // holds the whole datagram and is decoded as such.
      TRY_ASSIGN(next_header, body.u8());
      TRY(body.skip(1));
      TRY_ASSIGN(uint16_t offset_flags, body.u16());
      TRY(body.skip(4));  // identification
      if ((offset_flags & 0xfff8) || (offset_flags & 0x0001)) {
        out.kind = FrameKind::kFragment;
        return out;
      }
    } else if (next_header == 51) {
      // RFC 4302 §2.2: AH authenticates but does not hide what follows; its length field
      // counts 4-octet units minus 2.
      TRY_ASSIGN(next_header, body.u8());
      TRY_ASSIGN(uint8_t ah_length, body.u8());
      TRY(body.skip((static_cast<size_t>(ah_length) + 2) * 4 - 2));
    } else {
      out.kind = FrameKind::kNotUdp;  // ESP, No Next Header (59), ICMPv6, TCP, ...
      return out;
    }
  }
  auto src = IpAddress::from_bytes(src_bytes);
  auto dst = IpAddress::from_bytes(dst_bytes);
  TRY(decode_udp(body, *src, *dst, out));
  return out;
}

Result<DecodedFrame> decode_by_ethertype(uint16_t ethertype, ByteView frame, size_t offset) {
  ByteView rest = frame.subspan(offset);
  if (ethertype == kEtherTypeIpv4) return decode_ipv4(rest, offset);
  if (ethertype == kEtherTypeIpv6) return decode_ipv6(rest, offset);
  DecodedFrame out;
  out.kind = FrameKind::kNotIp;
  return out;
}

Result<DecodedFrame> decode_by_version(ByteView frame, size_t offset) {
  wire::Reader r(frame.subspan(offset), offset);
  TRY_ASSIGN(uint8_t first, r.u8());
  if ((first >> 4) == 4) return decode_ipv4(frame.subspan(offset), offset);
  if ((first >> 4) == 6) return decode_ipv6(frame.subspan(offset), offset);
  return frame_error(ErrorCode::kMalformed,
                     "raw IP frame with version " + std::to_string(first >> 4), offset);
}

uint32_t byte_swap(uint32_t v) {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | (v >> 24);
}

// BSD loopback address families: AF_INET is 2 everywhere; AF_INET6 is 10 on Linux, 24 on
// NetBSD/OpenBSD, 28 on FreeBSD and 30 on Darwin. The field is in the writer's byte order
// (Null) or network order (Loop), so both orders are tried.
Result<DecodedFrame> decode_loopback(ByteView frame) {
  wire::Reader r(frame);
  TRY_ASSIGN(uint32_t family, r.u32());
  for (uint32_t f : {family, byte_swap(family)}) {
    if (f == 2) return decode_ipv4(frame.subspan(4), 4);
    if (f == 10 || f == 24 || f == 28 || f == 30) return decode_ipv6(frame.subspan(4), 4);
  }
  DecodedFrame out;
  out.kind = FrameKind::kNotIp;
  return out;
}

}  // namespace

std::string_view name(LinkType t) {
  switch (t) {
    case LinkType::Null: return "NULL (BSD loopback)";
    case LinkType::Ethernet: return "EN10MB (Ethernet)";
    case LinkType::Raw: return "RAW (IPv4/IPv6)";
    case LinkType::Loop: return "LOOP (OpenBSD loopback)";
    case LinkType::LinuxSll: return "LINUX_SLL (Linux cooked v1)";
    case LinkType::Ipv4: return "IPV4";
    case LinkType::Ipv6: return "IPV6";
    case LinkType::Nflog: return "NFLOG (Linux netfilter log)";
    case LinkType::LinuxSll2: return "LINUX_SLL2 (Linux cooked v2)";
  }
  return "unknown";
}

std::optional<LinkType> link_type_from_dlt(int dlt) {
  switch (dlt) {
    case 0: return LinkType::Null;
    case 1: return LinkType::Ethernet;
    case 12:   // DLT_RAW on most platforms
    case 14:   // DLT_RAW on OpenBSD
    case 101:  // LINKTYPE_RAW, as stored in files
      return LinkType::Raw;
    case 108: return LinkType::Loop;
    case 113: return LinkType::LinuxSll;
    case 228: return LinkType::Ipv4;
    case 229: return LinkType::Ipv6;
    case 239: return LinkType::Nflog;
    case 276: return LinkType::LinuxSll2;
    default: return std::nullopt;
  }
}

MacAddress fake_mac(const IpAddress& addr) {
  MacAddress mac{};
  wire::Reader r(addr.bytes());
  if (addr.is_v4()) {
    mac[0] = 0x02;
    mac[1] = 0x00;
    for (size_t i = 2; i < 6; ++i) mac[i] = r.u8().value_or(0);
  } else if (addr.is_v6()) {
    mac[0] = 0x06;
    (void)r.skip(11);
    for (size_t i = 1; i < 6; ++i) mac[i] = r.u8().value_or(0);
  } else {
    mac[0] = 0x02;
  }
  return mac;
}

uint16_t internet_checksum(std::initializer_list<ByteView> parts) {
  uint32_t sum = 0;
  bool high = true;  // whether the next byte is the high byte of a 16-bit word
  for (ByteView part : parts) {
    for (uint8_t b : part) {
      sum += high ? static_cast<uint32_t>(b) << 8 : b;
      high = !high;
      // Folding as we go keeps the sum within 32 bits for any length.
      sum = (sum & 0xffff) + (sum >> 16);
    }
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

Result<Bytes> build_udp(const Endpoint& src, const Endpoint& dst, ByteView payload) {
  if (src.addr.empty() || src.addr.family() != dst.addr.family())
    return Error(ErrorCode::kMalformed, "UDP endpoints " + src.to_string() + " and " +
                                            dst.to_string() + " are not of one IP family");
  size_t length = kUdpHeaderSize + payload.size();
  if (length > 0xffff)
    return Error(ErrorCode::kLimit, "UDP payload of " + std::to_string(payload.size()) +
                                        " bytes does not fit a UDP datagram");
  wire::Writer w;
  w.u16(src.port);
  w.u16(dst.port);
  w.u16(static_cast<uint16_t>(length));
  size_t checksum_pos = w.size();
  w.u16(0);
  w.bytes(payload);
  Bytes pseudo = pseudo_header(src.addr, dst.addr, length);
  uint16_t checksum = internet_checksum({pseudo, w.data()});
  // RFC 768: a computed zero is transmitted as all ones (zero means "no checksum").
  w.patch_u16(checksum_pos, checksum == 0 ? 0xffff : checksum);
  return std::move(w).finish();
}

Result<Bytes> build_ip_packet(const IpAddress& src, const IpAddress& dst, uint8_t protocol,
                              ByteView payload, uint16_t ip_id) {
  if (src.empty() || src.family() != dst.family())
    return Error(ErrorCode::kMalformed, "addresses " + src.to_string() + " and " +
                                            dst.to_string() + " are not of one IP family");
  wire::Writer w;
  if (src.is_v4()) {
    size_t total = kIpv4HeaderSize + payload.size();
    if (total > 0xffff)
      return Error(ErrorCode::kLimit, "IPv4 packet of " + std::to_string(total) +
                                          " bytes exceeds the 16-bit total length");
    w.u8(0x45);  // version 4, IHL 5
    w.u8(0);     // DSCP/ECN
    w.u16(static_cast<uint16_t>(total));
    w.u16(ip_id);
    w.u16(0x4000);  // DF: IKE over UDP is sent unfragmented (RFC 7383 §1)
    w.u8(kTtl);
    w.u8(protocol);
    size_t checksum_pos = w.size();
    w.u16(0);
    w.bytes(src.bytes());
    w.bytes(dst.bytes());
    w.patch_u16(checksum_pos, internet_checksum({w.data()}));
  } else {
    if (payload.size() > 0xffff)
      return Error(ErrorCode::kLimit, "IPv6 payload of " + std::to_string(payload.size()) +
                                          " bytes exceeds the 16-bit payload length");
    w.u32(0x60000000);  // version 6, traffic class 0, flow label 0
    w.u16(static_cast<uint16_t>(payload.size()));
    w.u8(protocol);
    w.u8(kTtl);
    w.bytes(src.bytes());
    w.bytes(dst.bytes());
  }
  w.bytes(payload);
  return std::move(w).finish();
}

Result<Bytes> build_ethernet_frame(const IpAddress& src, const IpAddress& dst,
                                   ByteView ip_packet) {
  if (src.empty() || src.family() != dst.family())
    return Error(ErrorCode::kMalformed, "addresses " + src.to_string() + " and " +
                                            dst.to_string() + " are not of one IP family");
  MacAddress dst_mac = fake_mac(dst);
  MacAddress src_mac = fake_mac(src);
  wire::Writer w;
  w.bytes(dst_mac);
  w.bytes(src_mac);
  w.u16(src.is_v4() ? kEtherTypeIpv4 : kEtherTypeIpv6);
  w.bytes(ip_packet);
  return std::move(w).finish();
}

Result<Bytes> build_udp_frame(const Endpoint& src, const Endpoint& dst, ByteView payload,
                              uint16_t ip_id) {
  TRY_ASSIGN(Bytes udp, build_udp(src, dst, payload));
  TRY_ASSIGN(Bytes ip, build_ip_packet(src.addr, dst.addr, kIpProtoUdp, udp, ip_id));
  return build_ethernet_frame(src.addr, dst.addr, ip);
}

Result<NflogRecord> decode_nflog(ByteView frame) {
  // nflog_hdr: family, version (0), resource id (network order); then TLVs of a 16-bit length
  // (header included) and a 16-bit type, each padded to a multiple of 4 octets.
  constexpr uint16_t kTimestamp = 3, kPayload = 9, kPrefix = 10;
  wire::Reader r(frame);
  NflogRecord rec;
  TRY_ASSIGN(rec.family, r.u8());
  TRY_ASSIGN(uint8_t version, r.u8());
  if (version != 0)
    return frame_error(ErrorCode::kMalformed, "NFLOG version " + std::to_string(version), 1);
  TRY_ASSIGN(rec.group, r.u16());
  while (r.remaining() > 0) {
    size_t at = r.offset();
    TRY_ASSIGN(ByteView head, r.bytes(4));
    uint16_t length, type;
    std::memcpy(&length, head.data(), 2);
    std::memcpy(&type, head.data() + 2, 2);
    type &= 0x7fff;  // NLA_F_NESTED
    if (length < 4) return frame_error(ErrorCode::kLength, "NFLOG TLV length " + std::to_string(length), at);
    auto value_r = r.bytes(length - 4u);
    if (!value_r.ok()) return std::move(value_r).error().within("NFLOG TLV");
    ByteView value = *value_r;
    size_t pad = (4 - length % 4) % 4;
    if (r.remaining() > 0) TRY_IN(r.skip(std::min(pad, r.remaining())), "NFLOG TLV padding");
    if (type == kPayload) rec.packet = value;
    if (type == kTimestamp) {
      // nfulnl_msg_packet_timestamp: seconds and microseconds, 64 bits each, network order.
      wire::Reader t(value, at + 4);
      TRY_ASSIGN(uint64_t sec, t.u64());
      TRY_ASSIGN(uint64_t usec, t.u64());
      if (sec < (1ull << 40) && usec < 1000000)
        rec.timestamp = Time(std::chrono::seconds(sec) + std::chrono::microseconds(usec));
    }
    if (type == kPrefix) {
      std::string_view text(reinterpret_cast<const char*>(value.data()), value.size());
      rec.prefix = std::string(text.substr(0, text.find('\0')));
    }
  }
  return rec;
}

Status refresh_udp_checksum(Bytes& ip_packet) {
  TRY_ASSIGN(DecodedFrame d, decode_by_version(ip_packet, 0));
  if (d.kind != FrameKind::kUdp)
    return Error(ErrorCode::kMalformed, "not a whole UDP datagram: its checksum cannot be computed");
  size_t udp_at = static_cast<size_t>(d.payload.data() - ip_packet.data()) - 8;
  TRY_ASSIGN(Bytes udp, build_udp(d.src, d.dst, d.payload));
  std::copy(udp.begin(), udp.begin() + 8, ip_packet.begin() + static_cast<std::ptrdiff_t>(udp_at));
  return {};
}

Result<DecodedFrame> decode_frame(LinkType link_type, ByteView frame) {
  switch (link_type) {
    case LinkType::Ethernet: {
      wire::Reader r(frame);
      TRY_IN(r.skip(12), "Ethernet header");  // destination and source MAC
      TRY_ASSIGN(uint16_t ethertype, r.u16());
      // 802.1Q / 802.1ad tags (possibly stacked): a 2-byte TCI, then the next ethertype.
      for (int tags = 0; ethertype == kEtherTypeVlan || ethertype == kEtherTypeQinQ ||
                         ethertype == kEtherTypeQinQOld;
           ++tags) {
        if (tags >= 4)
          return frame_error(ErrorCode::kLimit, "more than 4 VLAN tags", r.offset());
        TRY_IN(r.skip(2), "VLAN tag");
        TRY_ASSIGN(ethertype, r.u16());
      }
      return decode_by_ethertype(ethertype, frame, r.position());
    }
    case LinkType::LinuxSll: {
      // packet type, ARPHRD type, address length, 8 address bytes, protocol
      wire::Reader r(frame);
      TRY_IN(r.skip(14), "Linux cooked header");
      TRY_ASSIGN(uint16_t protocol, r.u16());
      return decode_by_ethertype(protocol, frame, r.position());
    }
    case LinkType::LinuxSll2: {
      // protocol, reserved, interface index, ARPHRD type, packet type, address length, address
      wire::Reader r(frame);
      TRY_ASSIGN(uint16_t protocol, r.u16());
      TRY_IN(r.skip(18), "Linux cooked v2 header");
      return decode_by_ethertype(protocol, frame, r.position());
    }
    case LinkType::Raw: return decode_by_version(frame, 0);
    case LinkType::Ipv4: return decode_ipv4(frame, 0);
    case LinkType::Ipv6: return decode_ipv6(frame, 0);
    case LinkType::Null:
    case LinkType::Loop: return decode_loopback(frame);
    case LinkType::Nflog: {
      TRY_ASSIGN(NflogRecord rec, decode_nflog(frame));
      if (rec.packet.empty()) {
        DecodedFrame out;
        out.kind = FrameKind::kNotIp;
        return out;
      }
      return decode_by_version(frame, static_cast<size_t>(rec.packet.data() - frame.data()));
    }
  }
  return Error(ErrorCode::kUnsupported, "link type " + std::to_string(static_cast<int>(link_type)));
}

}  // namespace ikesuite::pcap
