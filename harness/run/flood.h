// The datagrams of a flood action (RFC 7296 §2.6's threat: spoofed IKE_SA_INIT requests that
// make a responder keep half-open SAs), the same in every run mode: sim mode injects them
// into the simulated network, netns mode sends them from the router with the spoofed source.
#pragma once

#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::run {

struct FloodDatagram {
  Duration at{0};  // after the action
  Endpoint src;    // a random address of the flood's source range, port 500
  Endpoint dst;    // the target's address of the sources' family, the flood's port
  Bytes udp;       // the UDP payload (with the non-ESP marker on port 4500)
};

// Every datagram of flood action `a` (count of them, `rate` per second), drawn from `seed`'s
// stream for the action's target: the same seed gives the same flood.
Result<std::vector<FloodDatagram>> flood_datagrams(const Scenario& s, const Action& a, uint64_t seed);

}  // namespace ikesuite::harness::run
