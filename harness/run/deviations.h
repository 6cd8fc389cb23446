// Known deviations of a peer implementation, kept per peer in a file beside the interop
// scenarios (scenarios/interop/expected/<peer>.json), so a run tells "the peer deviates as
// recorded" from "something regressed":
//
//   {"implementation": "strongswan", "version": "5.9.8",
//    "deviations": [
//      {"scenario": "interop/strongswan/install-fail-responder", "expectation": "no-prop",
//       "reason": "charon answers ... where RFC 7296 §... asks for ..."}]}
//
// "scenario" is the scenario's report folder (its path below scenarios/ without .json).
// A listed expectation of a scenario that has a host of that implementation is excused when
// it fails (the scenario passes, the expectation shows the deviation and its reason); when it
// passes, the report notes that the recorded deviation was not seen. A scenario's own
// verdict check works the same way.
#pragma once

#include <string>
#include <vector>

#include "engine/base/result.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::run {

struct PeerDeviation {
  Implementation implementation = Implementation::kRef;
  std::string version;      // as recorded; informational
  std::string scenario;     // report folder, "interop/strongswan/psk-ref-initiates"
  std::string expectation;  // its id
  std::string reason;
  std::string source;       // "file:index" for the report
};

// Reads one file; errors name the file and the JSON pointer of what is wrong.
Result<std::vector<PeerDeviation>> load_peer_deviations(const std::string& path);

}  // namespace ikesuite::harness::run
