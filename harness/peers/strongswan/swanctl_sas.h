// `swanctl --list-sas --pretty`: charon's IKE and Child SAs, as the vici "list-sa" events
// print them, read into the snapshots checks use (charon's state names) and the IKE SPIs
// the log does not carry.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "harness/run/host.h"

namespace ikesuite::peers {

namespace run = harness::run;

struct SwanctlIkeSa {
  run::IkeSnapshot snapshot;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  bool initiator = false;
  int version = 0;
};

// Fails on text that is not the --pretty form (unbalanced sections, a line that is neither
// a section, a value nor a list item, an IKE SA without uniqueid).
Result<std::vector<SwanctlIkeSa>> parse_list_sas(std::string_view text);

}  // namespace ikesuite::peers
