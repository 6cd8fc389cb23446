// What the netns runner hands a host that runs as a daemon in its own network namespace:
// ike-refd for the reference engine (remote_ref_host.h), charon for strongSwan hosts
// (harness/peers/strongswan), pluto for Libreswan hosts (harness/peers/libreswan).
//
// Time: the run is in real time on one RealEventLoop (the harness's thread for the
// scenario). now() gives the scenario's time (zero when the scenario starts), which is the
// time every StateChange, LogLine and BackendEvent the host reports must carry.
#pragma once

#include <functional>
#include <string>

#include "engine/base/time.h"
#include "engine/clock/event_loop.h"
#include "harness/run/host.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::run {

struct DaemonHostEnv {
  clock::RealEventLoop& loop;  // watch the daemon's log, control sockets on it
  std::function<Time()> now;   // the scenario's clock
  // The scenario's Unix time at scenario time zero (to turn a daemon's timestamps into
  // scenario time: t - origin).
  Time origin{0};
  const Scenario& scenario;    // the other hosts (addresses, identities) and the file
  std::string netns;           // the host's network namespace: `ip netns exec <netns> ...`
  // A folder of the host's own (configs, sockets, pid files, run/), removed by the runner
  // after the scenario. Short enough for Unix socket paths (< 80 bytes).
  std::string workdir;
  // Where the daemon's log goes (the scenario's <host>.log): written by the daemon or
  // copied there by the driver; empty: keep it in the workdir only.
  std::string log_path;
  uint64_t seed = 1;
  HostListener listener;
};

}  // namespace ikesuite::harness::run
