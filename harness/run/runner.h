// Running many scenarios: discovery, --filter, --shard, --jobs (scenarios in parallel
// threads; each scenario is self-contained), the mode, and the run's reports (junit.xml,
// results.json, index.html at the top of the output folder, one folder per scenario below).
//
// A scenario file that does not load is an error result carrying the loader's diagnostics;
// the run goes on with the others. Without keep_going, no new scenario starts after the
// first one that did not pass (like make without -k); the ones not started are reported as
// skipped, with the reason. `ikesuite run` from CI and `make run` pass --keep-going.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "harness/run/deviations.h"
#include "harness/scenario/scenario.h"
#include "reports/src/model.h"

namespace ikesuite::harness::run {

struct RunnerOptions {
  std::vector<std::string> paths;     // files or folders; empty: every scenario under scenarios/
  RunMode mode = RunMode::kSim;
  std::vector<std::string> filters;   // substring, or glob (* ? [...]) on name, tags or file
  std::optional<uint64_t> seed;       // replaces every scenario's seed
  unsigned jobs = 1;                  // scenarios in parallel
  unsigned shard_index = 1;           // 1-based: this machine's share of shard_count
  unsigned shard_count = 1;
  std::string out = "reports/latest";  // empty: write nothing
  bool keep_going = false;
  std::string command;                 // for the report, to reproduce the run
  // netns mode runs each scenario through this (harness/netns's run_netns, set by the
  // command line); unset: netns scenarios are reported skipped.
  std::function<reports::ScenarioResult(const Scenario& scenario, const std::string& folder,
                                        const std::string& report_root,
                                        const std::vector<PeerDeviation>& known_deviations)>
      netns_runner;
  // Recorded deviations of peers (deviations.h); each scenario gets the entries for its
  // report folder.
  std::vector<PeerDeviation> known_deviations;
  // True once the run was interrupted (SIGINT): scenarios not yet started are skipped.
  std::function<bool()> interrupted;
  // A scenario started / finished (called from worker threads, serialized by the runner).
  std::function<void(const std::string& name, size_t done, size_t total)> on_start;
  std::function<void(const reports::ScenarioResult& result, size_t done, size_t total)> on_result;
};

// Selects, runs and reports. Fails only when the paths cannot be read or the reports cannot
// be written; scenario problems are results.
Result<reports::RunResult> run_scenarios(const RunnerOptions& options);

// Whether a scenario (name, tags, file) matches one filter.
bool matches_filter(const std::string& filter, const std::string& name,
                    const std::vector<std::string>& tags, const std::string& file);

// "PASS ikev2/net2net-rekey (0.21 s, virtual 9.0 s)" / "FAIL ... : first failure".
std::string result_line(const reports::ScenarioResult& result);

}  // namespace ikesuite::harness::run
