// Building and decoding the link-layer frames that carry IKE (and UDP-encapsulated ESP) in a
// capture. The writer synthesizes Ethernet + IPv4/IPv6 + UDP around a datagram; the reader
// peels any of the link types real captures come in down to UDP. Both work on bytes through
// wire::Writer and wire::Reader only, so they are pure functions, testable and fuzzable
// without libpcap.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/base/time.h"

namespace ikesuite::pcap {

// LINKTYPE_* values of the tcpdump.org registry (what a pcap file header stores). libpcap
// hands some of them back as platform DLT_* numbers; link_type_from_dlt() maps those.
enum class LinkType : uint16_t {
  Null = 0,         // BSD loopback: 4-byte address family in host byte order
  Ethernet = 1,     // Ethernet II, optionally with 802.1Q / 802.1ad tags
  Raw = 101,        // a bare IPv4 or IPv6 packet
  Loop = 108,       // OpenBSD loopback: like Null, but the family is in network byte order
  LinuxSll = 113,   // Linux "cooked" capture v1 (tcpdump -i any)
  Ipv4 = 228,
  Ipv6 = 229,
  Nflog = 239,      // Linux netfilter log (tcpdump -i nflog:<group>): a header and TLVs
  LinuxSll2 = 276,  // Linux "cooked" capture v2 (tcpdump -i any, libpcap >= 1.10)
};

std::string_view name(LinkType t);
// The link type for a DLT value as pcap_datalink() reports it (DLT_RAW is 12 or 14 depending on
// the platform, while files store 101); nullopt for link types the reader does not decode.
std::optional<LinkType> link_type_from_dlt(int dlt);

inline constexpr uint8_t kIpProtoUdp = 17;
inline constexpr uint8_t kIpProtoEsp = 50;

using MacAddress = std::array<uint8_t, 6>;

// A locally administered unicast MAC derived from an IP address, so the synthesized Ethernet
// header is stable and each host keeps one MAC across a capture: 02:00:a:b:c:d for IPv4, and
// 06 followed by the last five bytes of the address for IPv6.
MacAddress fake_mac(const IpAddress& addr);

// RFC 1071 Internet checksum over the concatenation of `parts` (an odd-length part is
// continued by the next part's first byte, as if the parts were one buffer).
uint16_t internet_checksum(std::initializer_list<ByteView> parts);

// The UDP header and payload with its checksum computed over the IPv4 or IPv6 pseudo-header
// (RFC 768; RFC 8200 §8.1). A computed checksum of zero is sent as 0xffff. Fails with kLimit
// when the datagram does not fit the 16-bit UDP length.
Result<Bytes> build_udp(const Endpoint& src, const Endpoint& dst, ByteView payload);

// An IPv4 (RFC 791: IHL 5, DF set, TTL 64, header checksum) or IPv6 (RFC 8200: hop limit 64,
// no extension headers) packet around `payload`. `ip_id` is used only for IPv4. Fails when the
// addresses are of different or no family, or the payload does not fit the length field.
Result<Bytes> build_ip_packet(const IpAddress& src, const IpAddress& dst, uint8_t protocol,
                              ByteView payload, uint16_t ip_id);

// An Ethernet II frame around an IP packet, with fake_mac() addresses.
Result<Bytes> build_ethernet_frame(const IpAddress& src, const IpAddress& dst, ByteView ip_packet);

// Ethernet + IP + UDP, as PcapWriter writes it.
Result<Bytes> build_udp_frame(const Endpoint& src, const Endpoint& dst, ByteView payload,
                              uint16_t ip_id);

// What a captured frame turned out to be.
enum class FrameKind : uint8_t {
  kUdp,       // a complete UDP datagram (payload and endpoints are set)
  kFragment,  // an IPv4 or IPv6 fragment (not reassembled)
  kNotUdp,    // IP, but another transport (ESP, ICMP, TCP, ...)
  kNotIp,     // ARP, LLDP, another ethertype or address family
};

struct DecodedFrame {
  FrameKind kind = FrameKind::kNotIp;
  uint8_t ip_protocol = 0;  // the last Next Header / Protocol seen, for kNotUdp
  Endpoint src;
  Endpoint dst;
  ByteView payload;  // the UDP payload (a view into the frame)
  // Whether the UDP checksum verifies; nullopt when the sender left it zero (IPv4 only).
  std::optional<bool> checksum_ok;
};

// One NFLOG record (LINKTYPE_NFLOG): what an nftables "log group" or iptables NFLOG rule
// handed to user space. The TLVs' length and type fields are in the capturing machine's byte
// order (libpcap's definition of the link type); this reads them in this machine's order.
struct NflogRecord {
  uint8_t family = 0;    // AF_INET (2) or AF_INET6 (10)
  uint16_t group = 0;    // the log group (resource id)
  std::string prefix;    // the rule's log prefix, "" without one
  ByteView packet;       // the IP packet (NFULA_PAYLOAD); empty when the record has none
  // The packet's own receive time (NFULA_TIMESTAMP, since the Unix epoch), when the kernel
  // had one: libpcap stamps NFLOG records with the time it read them.
  std::optional<Time> timestamp;
};
Result<NflogRecord> decode_nflog(ByteView frame);

// Recomputes the UDP checksum of an IPv4 or IPv6 packet in place (a packet taken from inside
// a host's stack may carry a partial checksum that the NIC, or a veth, was to finish). Fails
// on a packet that is not one whole UDP datagram.
Status refresh_udp_checksum(Bytes& ip_packet);

// Decodes one captured frame. Errors (kTruncated, kMalformed, kLength) carry the offset of the
// bad field within the frame; a frame cut short by the capture's snap length fails this way.
Result<DecodedFrame> decode_frame(LinkType link_type, ByteView frame);

}  // namespace ikesuite::pcap
