// Seeds for the IKEv2 engine fuzzer, recorded from real exchanges. A seed takes one host's
// view (the target): a World is run with the network left whole (WorldOptions::record), a
// script makes the hosts act, and every datagram the peer sends the target after the start
// state's cut becomes an operation: IKE_SA_INIT messages as clear messages with their exact
// header, everything else as a sealed message carrying the decrypted inner payload chain, so
// that the fuzzer mutates payloads, not ciphertext. The program starts by partitioning the
// two hosts, so in the fuzz world the target hears the peer only through these operations;
// because both worlds are deterministic and the target sees the same messages at the same
// virtual times, it behaves as it did in the recording, and the recorded AUTH payloads,
// SPIs and message IDs stay valid.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/ikev2_engine/program.h"

namespace ikesuite::ikev2::fuzz {

// One step of a recording: an operation the target performs (applied in the recording and
// emitted into the program: API calls, kernel events, time), an API call of the peer
// (applied in the recording only; the peer's messages are what get emitted), or the same
// API call made by both at the same instant (collisions).
struct Step {
  enum class Who : uint8_t { Target, Peer, Both };
  Who who = Who::Target;
  Op op;
};

Step target(Op op);
Step peer(ApiCall call);
Step both(ApiCall call);
Step wait_ms(uint32_t ms);

struct SeedSpec {
  std::string name;
  StartState start = StartState::Established;
  bool swap_roles = false;
  uint8_t variant = 0;
  Side target = Side::Responder;
  std::vector<Step> script;
  // States (World::states_seen() entries) the target must reach when the seed is replayed.
  std::vector<std::string> expect;
};

// The recorded program of a spec.
Program record(const SeedSpec& spec);

// Every recorded seed the generator writes.
std::vector<SeedSpec> seed_specs();

// Seeds written as programs rather than recorded: lossy networks, replays, junk on port 4500,
// kernel faults, hand-made inner payloads.
std::vector<std::pair<std::string, Program>> synthetic_programs();

}  // namespace ikesuite::ikev2::fuzz
