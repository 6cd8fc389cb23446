// netns mode for one scenario: its own namespaces (topology.h), the hosts as daemons inside
// them (ike-refd for reference hosts, charon for strongSwan hosts, pluto for Libreswan
// hosts), libpcap captures on the router's side of every host's veth (a datagram is "sent"
// when it enters the router and "delivered" when it leaves towards its receiver, so the
// router's rules drop it in between as the simulated network would), real time on a real
// loop whose clock reads scenario time, and the same outputs and verdicts as sim mode
// (world.h). Everything it created is removed when the scenario ends, fails, or the run is
// interrupted.
#pragma once

#include <optional>
#include <string>

#include "engine/base/time.h"
#include "harness/run/deviations.h"
#include "harness/scenario/scenario.h"
#include "reports/src/model.h"

namespace ikesuite::harness::netns {

enum class RefHostMode : uint8_t {
  kDaemon,     // one ike-refd process per reference host (the default)
  kInProcess,  // the reference engine inside the harness, on sockets opened in the namespace
};

struct NetnsOptions {
  std::string folder;       // the scenario's folder; empty: nothing is written
  std::string report_root;
  std::optional<uint64_t> seed;
  RefHostMode ref_hosts = RefHostMode::kDaemon;
  std::string refd_path;  // the ike-refd binary (default: next to the running ikesuite)
  // Scenarios whose duration is longer run in sim mode only (they are reported skipped).
  Duration max_duration = seconds(120);
  // Time windows of checks widen by this much (Evaluator::set_time_tolerance): real daemons
  // on a shared machine are late by tens to hundreds of milliseconds.
  Duration time_tolerance = std::chrono::milliseconds(1000);
  // Where hosts' private folders go (configs, sockets): <workroot>/<prefix>/<host>.
  std::string workroot = "/tmp";
  std::vector<run::PeerDeviation> known_deviations;
};

// Runs one scenario in netns mode. Skipped (with the reason) when this machine or the
// scenario cannot: no root, a network condition netns mode cannot make, a peer daemon
// that is not installed.
reports::ScenarioResult run_netns(const Scenario& scenario, const NetnsOptions& options);

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (call it before starting worker
// threads, so they inherit the mask) and handles them on a thread of its own: the first one
// ends every running netns scenario (each tears down what it created and reports an error
// "interrupted"); a second one exits at once (daemons die with the harness; the namespaces
// left are removed by the next run's cleanup_stale_namespaces).
void install_interrupt_handler();
bool interrupted();

}  // namespace ikesuite::harness::netns
