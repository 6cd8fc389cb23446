// RFC 3948 §2.2 and §2.3: telling IKE, ESP and NAT-keepalives apart on the NAT-T port. Only
// the leading marker is looked at, through span views after a length check; the IKE message
// itself is left to the codec.
#include <algorithm>

#include "engine/net/transport.h"

namespace ikesuite::net {

namespace {

constexpr size_t kMarkerSize = 4;
constexpr uint8_t kMarker[kMarkerSize] = {0, 0, 0, 0};
// RFC 4303 §2: an ESP packet holds at least an SPI and a sequence number.
constexpr size_t kMinEspSize = 8;

bool starts_with_marker(ByteView payload) {
  return payload.size() >= kMarkerSize &&
         std::equal(kMarker, kMarker + kMarkerSize, payload.first(kMarkerSize).begin());
}

}  // namespace

Udp4500Kind classify_4500(ByteView udp_payload) {
  if (udp_payload.size() == 1 && udp_payload.front() == 0xff) return Udp4500Kind::kKeepalive;
  // RFC 3948 §2.2: the SPI of ESP-in-UDP is never zero, so four zero octets mean IKE.
  if (starts_with_marker(udp_payload)) return Udp4500Kind::kIke;
  if (udp_payload.size() >= kMinEspSize) return Udp4500Kind::kEsp;
  return Udp4500Kind::kInvalid;
}

Framing framing_for_port(uint16_t local_port, std::span<const uint16_t> natt_ports) {
  return std::find(natt_ports.begin(), natt_ports.end(), local_port) != natt_ports.end()
             ? Framing::kNonEspMarker
             : Framing::kPlain;
}

Bytes frame_ike(Framing framing, ByteView ike) {
  if (framing == Framing::kPlain) return Bytes(ike.begin(), ike.end());
  return concat({ByteView(kMarker), ike});
}

std::optional<ByteView> unframe_ike(Framing framing, ByteView udp_payload) {
  if (framing == Framing::kPlain) return udp_payload;
  if (classify_4500(udp_payload) != Udp4500Kind::kIke) return std::nullopt;
  return udp_payload.subspan(kMarkerSize);
}

Framing framing_on_wire(uint16_t src_port, uint16_t dst_port) {
  return src_port == kNattPort || dst_port == kNattPort ? Framing::kNonEspMarker : Framing::kPlain;
}

Bytes frame_ike(uint16_t src_port, uint16_t dst_port, ByteView ike) {
  return frame_ike(framing_on_wire(src_port, dst_port), ike);
}

std::optional<ByteView> unframe_ike(uint16_t src_port, uint16_t dst_port, ByteView udp_payload) {
  return unframe_ike(framing_on_wire(src_port, dst_port), udp_payload);
}

}  // namespace ikesuite::net
