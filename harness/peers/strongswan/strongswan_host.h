// A strongSwan host of a netns scenario: charon 5.9 in the host's network namespace (with a
// private mount namespace, so its fixed /run/charon.pid is its own), configured from the
// scenario (charon_config.h), driven with swanctl over its vici socket, and judged from its
// file log (charon_log.h) and `swanctl --list-sas`.
//
// charon cannot be told to misbehave or to fail an SA install: add_fault, misbehave and
// traffic answer kUnsupported. A real install failure comes from sa_backend kernel-netlink
// (or xfrm) on a kernel without ESP.
#pragma once

#include <memory>

#include "engine/base/result.h"
#include "harness/run/daemon_env.h"
#include "harness/run/host.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::peers {

// Where charon and swanctl are (Debian's packages).
inline constexpr const char* kCharonPath = "/usr/lib/ipsec/charon";
inline constexpr const char* kSwanctlPath = "/usr/sbin/swanctl";

// Renders the host's configuration (failing on what strongSwan cannot express) and returns
// the host, not yet started. `host` and env.scenario must outlive it.
Result<std::unique_ptr<harness::run::ScenarioHost>> create_strongswan_host(
    const harness::Host& host, harness::run::DaemonHostEnv env);

}  // namespace ikesuite::peers
