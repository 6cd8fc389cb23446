// How an engine sends and receives IKE datagrams. The engine hands over IKE message bytes
// and the endpoints; the transport adds and strips the 4-byte non-ESP marker on its NAT-T
// ports (RFC 3948 §2.2; port 4500 unless configured otherwise), drops ESP-in-UDP and
// NAT-keepalive packets it receives there, and reports everything else to the receiver. Two
// implementations: UdpTransport (real sockets on a RealEventLoop, udp_transport.h) and the
// SimNetwork's per-host transports (in-process, virtual time, sim_network.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"

namespace ikesuite::net {

inline constexpr uint16_t kIkePort = 500;
inline constexpr uint16_t kNattPort = 4500;

// The largest UDP payload an IPv4 / IPv6 datagram can carry (65535 minus the IP and UDP
// headers; IPv6 counts only the UDP header against its 16-bit payload length).
inline constexpr size_t kMaxUdpPayloadV4 = 65507;
inline constexpr size_t kMaxUdpPayloadV6 = 65527;

struct Datagram {
  Endpoint src;
  Endpoint dst;  // the local address and port that received it
  Bytes data;    // the IKE message, without the non-ESP marker
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `ike` from `src` (one of this host's addresses and ports) to `dst`. Adds the
  // non-ESP marker when `src.port` is one of the transport's NAT-T ports: the marker belongs
  // to the socket, not to the peer's port, because a NAT in between may rewrite the peer's
  // 500 or 4500 to any port.
  virtual Status send(const Endpoint& src, const Endpoint& dst, ByteView ike) = 0;
  // Sends a UDP payload exactly as given: NAT-keepalives (RFC 3948 §2.3), and misbehaviour
  // on purpose (a missing or corrupt marker, ESP-looking junk).
  virtual Status send_udp(const Endpoint& src, const Endpoint& dst, ByteView udp_payload) = 0;
  // Where received IKE datagrams go (called on the loop's thread).
  virtual void set_receiver(std::function<void(const Datagram&)> receiver) = 0;
  // Addresses and ports this transport listens on.
  virtual std::vector<Endpoint> local_endpoints() const = 0;

  // RFC 3948 §2.3: a NAT-keepalive is a single 0xFF octet, sent from the NAT-T port to keep a
  // NAT's mapping open.
  Status send_keepalive(const Endpoint& src, const Endpoint& dst) {
    static constexpr uint8_t kKeepalive[1] = {0xff};
    return send_udp(src, dst, ByteView(kKeepalive));
  }
};

// RFC 3948 §2.2: on port 4500, a datagram starting with four zero bytes is IKE (the marker
// is stripped); a single 0xff byte is a NAT-keepalive (§2.3); anything else of at least 8
// bytes with a non-zero SPI is ESP; shorter junk is invalid.
enum class Udp4500Kind { kIke, kEsp, kKeepalive, kInvalid };
Udp4500Kind classify_4500(ByteView udp_payload);

// How IKE travels on a port: as is (port 500), or behind the non-ESP marker (the NAT-T port).
enum class Framing : uint8_t { kPlain, kNonEspMarker };

// The framing of a local port, given the ports that carry the marker.
Framing framing_for_port(uint16_t local_port, std::span<const uint16_t> natt_ports);
// The UDP payload that carries `ike` with this framing.
Bytes frame_ike(Framing framing, ByteView ike);
// The IKE message inside a received UDP payload: for kPlain the payload itself, for
// kNonEspMarker what follows the marker; nullopt for ESP, keepalives and junk.
std::optional<ByteView> unframe_ike(Framing framing, ByteView udp_payload);

// The view from the wire, for capture decoders and taps that see both ports but not which
// side owns the socket: the marker is present when either port is 4500. A NAT rewrites the
// port of its inside host only, so this holds on both sides of it unless both ends are
// NATed away from 4500.
Framing framing_on_wire(uint16_t src_port, uint16_t dst_port);
Bytes frame_ike(uint16_t src_port, uint16_t dst_port, ByteView ike);
std::optional<ByteView> unframe_ike(uint16_t src_port, uint16_t dst_port, ByteView udp_payload);

}  // namespace ikesuite::net
