// Quick Mode client identities (RFC 2409 §5.5 IDci/IDcr, RFC 2407 §4.6.2): the traffic an
// IPsec SA protects, as an address range with an IP protocol and a port. IKEv1 has no
// narrowing: the responder accepts the initiator's selectors when its policy contains them and
// sends them back unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/wire/ikev1/message.h"

namespace ikesuite::ikev1 {

struct TrafficSelector {
  IpAddress first;
  IpAddress last;
  uint8_t protocol = 0;  // 0 = any
  uint16_t port = 0;     // 0 = any

  static TrafficSelector from_subnet(const Subnet& subnet, uint8_t protocol = 0,
                                     uint16_t port = 0);
  static TrafficSelector host(const IpAddress& address) {
    return from_subnet(Subnet{address, static_cast<unsigned>(address.size() * 8)});
  }
  // From an IDci/IDcr payload: an address, subnet or range ID (others are
  // INVALID_ID_INFORMATION).
  static Result<TrafficSelector> from_id(const v1::IdPayload& id);
  // The ID payload: IPV4_ADDR for a single address, ADDR_SUBNET for a prefix, ADDR_RANGE
  // otherwise.
  v1::IdPayload to_id() const;
  // The selector as one prefix, when it is one.
  std::optional<Subnet> subnet() const;
  bool is_host(const IpAddress& a) const { return first == a && last == a; }
  // Whether every packet this selector admits, `outer` admits too.
  bool within(const TrafficSelector& outer) const;
  // charon's notation: "10.1.0.0/16", "10.1.0.5..10.1.0.9", "10.1.0.0/16[udp/500]".
  std::string to_string() const;
  bool operator==(const TrafficSelector&) const = default;
};

}  // namespace ikesuite::ikev1
