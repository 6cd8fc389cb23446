// Sim mode end to end for one scenario: a virtual clock (with the real time of the run's
// start as wall offset for certificate checks), the simulated network seeded from the
// scenario's seed (links, defaults, MTUs, NATs and blackholes from its "network"), one host
// object per scenario host, the timeline (absolute instants, and "after" instants resolved
// as their events happen), the run until `duration`, the trace, and the verdict of every
// check. Outputs go to the scenario's folder as the run goes (capture.pcap flushed per
// packet, key tables, <host>.log) and at its end (<host>.sa.txt, result.json).
//
// A scenario is self-contained: nothing here is global, so scenarios run in parallel threads.
#pragma once

#include <optional>
#include <string>

#include "engine/base/time.h"
#include "harness/run/deviations.h"
#include "harness/scenario/scenario.h"
#include "reports/src/model.h"

namespace ikesuite::harness::run {

struct SimOptions {
  // The scenario's folder; empty: nothing is written (tests).
  std::string folder;
  // The report's top folder, for the artifact paths in the result (relative to it).
  std::string report_root;
  // Replaces the scenario's seed.
  std::optional<uint64_t> seed;
  // Unix time of the run's start, for certificate validity (zero: take the real clock's).
  Duration wall_offset{0};
  std::vector<PeerDeviation> known_deviations;
};

// Runs the scenario and returns its result: passed, failed (with every expectation's
// expected and actual), or error (the scenario could not be run as written: a host the
// engine cannot configure, an unsupported action, an engine invariant violation).
reports::ScenarioResult run_sim(const Scenario& scenario, const SimOptions& options);

// The folder of a scenario below the report's top folder: its path below "scenarios/"
// without ".json" ("scenarios/ikev2/psk-basic.json" -> "ikev2/psk-basic"), else its name.
std::string scenario_folder(const std::string& file, const std::string& name);

}  // namespace ikesuite::harness::run
