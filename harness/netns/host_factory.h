// The host object of each scenario host in netns mode, by implementation: the reference
// engine (ike-refd in the host's namespace, or in the harness on sockets opened there),
// strongSwan's charon, Libreswan's pluto.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "harness/netns/netns_run.h"
#include "harness/netns/scenario_loop.h"
#include "harness/run/host.h"

namespace ikesuite::harness::netns {

struct HostContext {
  const Scenario& scenario;
  const Host& host;
  ScenarioLoop& loop;
  std::string netns;
  std::string workdir;   // the host's own folder (created here, removed by the run)
  std::string log_path;  // the scenario folder's <host>.log, or empty
  uint64_t seed = 1;
  run::HostListener listener;
  const NetnsOptions& options;
};

Result<std::unique_ptr<run::ScenarioHost>> create_host(HostContext& ctx);

// Why a host cannot run here (its daemon is not installed), or nullopt.
std::optional<std::string> host_unavailable(const Host& host, const NetnsOptions& options);

// "ikesuite", "strongSwan (charon)", "Libreswan (pluto)" for the report.
std::string implementation_label(const Host& host);

}  // namespace ikesuite::harness::netns
