// Traffic selectors (RFC 7296 §2.9, §3.13): building them from configured subnets, narrowing
// them as a responder, and checking a responder's narrowing as an initiator.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/base/ip.h"
#include "engine/sa/sa_backend.h"
#include "engine/wire/ikev2/message.h"

namespace ikesuite::ikev2 {

v2::TrafficSelector selector_for(const Subnet& subnet, uint8_t protocol = 0);
// The intersection of two selectors, if they overlap.
std::optional<v2::TrafficSelector> intersect(const v2::TrafficSelector& a,
                                             const v2::TrafficSelector& b);
// Every non-empty intersection of an element of `proposed` with an element of `allowed`.
std::vector<v2::TrafficSelector> narrow(const std::vector<v2::TrafficSelector>& proposed,
                                        const std::vector<v2::TrafficSelector>& allowed);
// Whether `inner` lies within `outer`.
bool contains(const v2::TrafficSelector& outer, const v2::TrafficSelector& inner);
bool all_within(const std::vector<v2::TrafficSelector>& got,
                const std::vector<v2::TrafficSelector>& offered);
// The selector as a subnet when it is exactly one (for the kernel policy and logs).
std::optional<Subnet> as_subnet(const v2::TrafficSelector& ts);
// charon's notation: "10.1.0.0/16", "10.1.0.5..10.1.0.9", "10.1.0.0/16[tcp/80]".
std::string to_string(const v2::TrafficSelector& ts);
std::string to_string(const std::vector<v2::TrafficSelector>& ts);

}  // namespace ikesuite::ikev2
