// How an engine sends and receives IKE datagrams. The engine hands over IKE message bytes
// and the endpoints; the transport adds and strips the 4-byte non-ESP marker on port 4500
// (RFC 3948 §2.2), drops ESP-in-UDP and NAT-keepalive packets it receives there, and reports
// everything else to the receiver. Two implementations: UdpTransport (real sockets on a
// RealEventLoop) and the SimNetwork's per-host transports (in-process, virtual time).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"

namespace ikesuite::net {

inline constexpr uint16_t kIkePort = 500;
inline constexpr uint16_t kNattPort = 4500;

struct Datagram {
  Endpoint src;
  Endpoint dst;
  Bytes data;  // the IKE message, without the non-ESP marker
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `ike` from `src` (one of this host's addresses and ports) to `dst`. Adds the
  // non-ESP marker when either port is not 500 (RFC 3948: IKE on 4500 carries the marker).
  virtual Status send(const Endpoint& src, const Endpoint& dst, ByteView ike) = 0;
  // Where received IKE datagrams go (called on the loop's thread).
  virtual void set_receiver(std::function<void(const Datagram&)> receiver) = 0;
  // Addresses and ports this transport listens on.
  virtual std::vector<Endpoint> local_endpoints() const = 0;
};

// RFC 3948 §2.2: on port 4500, a datagram starting with four zero bytes is IKE (the marker
// is stripped); a single 0xff byte is a NAT-keepalive; anything else is ESP.
enum class Udp4500Kind { kIke, kEsp, kKeepalive, kInvalid };
Udp4500Kind classify_4500(ByteView udp_payload);
// The UDP payload for an IKE message sent between these ports (marker added when needed).
Bytes frame_ike(uint16_t src_port, uint16_t dst_port, ByteView ike);
// The IKE message inside a received UDP payload, or nullopt for ESP/keepalive/garbage.
std::optional<ByteView> unframe_ike(uint16_t src_port, uint16_t dst_port, ByteView udp_payload);

}  // namespace ikesuite::net
