#include "harness/netns/host_factory.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "engine/net/udp_transport.h"
#include "engine/sa/fd_watcher.h"
#include "engine/sa/xfrm_backend.h"
#include "harness/peers/libreswan/libreswan_host.h"
#include "harness/peers/strongswan/strongswan_host.h"
#include "harness/refd/remote_ref_host.h"
#include "harness/run/daemon_env.h"
#include "harness/run/process.h"
#include "harness/run/ref_host.h"

namespace ikesuite::harness::netns {

namespace {

namespace fs = std::filesystem;

// The reference engine in the harness process, on UDP sockets created inside the host's
// namespace (a socket belongs to the namespace it was made in, whichever thread uses it).
Result<std::unique_ptr<run::ScenarioHost>> in_process_ref_host(HostContext& ctx) {
  std::string ns = ctx.netns;
  std::vector<Endpoint> endpoints = run::listen_endpoints(ctx.host);
  clock::RealEventLoop& real = ctx.loop.real();
  auto holder = std::make_shared<run::RefHost*>(nullptr);
  run::RefHostEnv env{ctx.loop, ctx.seed, ctx.loop.origin(), {}, ctx.log_path, std::move(ctx.listener), {}};
  env.make_transport = [ns, endpoints, &real, holder]() -> Result<std::unique_ptr<net::Transport>> {
    net::UdpOptions udp;
    udp.logger = *holder ? &(*holder)->log() : nullptr;
    return in_netns(ns, [&]() -> Result<std::unique_ptr<net::Transport>> {
      TRY_ASSIGN(auto t, net::UdpTransport::open(real, endpoints, udp));
      return std::unique_ptr<net::Transport>(std::move(t));
    });
  };
  // The kernel's XFRM, opened in the host's namespace (netlink sockets stay in the namespace
  // they were made in); expire events come through the real loop.
  auto watcher = std::make_shared<sa::LoopFdWatcher<clock::RealEventLoop>>(real);
  env.make_kernel_backend = [ns, watcher](Logger* log) -> Result<std::unique_ptr<sa::SaBackend>> {
    return in_netns(ns, [&]() -> Result<std::unique_ptr<sa::SaBackend>> {
      sa::XfrmOptions o;
      o.watcher = watcher.get();
      o.logger = log;
      TRY_ASSIGN(auto b, sa::XfrmBackend::open(o));
      return std::unique_ptr<sa::SaBackend>(std::move(b));
    });
  };
  TRY_ASSIGN(auto host, run::RefHost::create(ctx.host, std::move(env)));
  *holder = host.get();
  return std::unique_ptr<run::ScenarioHost>(std::move(host));
}

run::DaemonHostEnv daemon_env(HostContext& ctx) {
  ScenarioLoop* loop = &ctx.loop;
  run::DaemonHostEnv env{ctx.loop.real(), [loop] { return loop->now(); }, ctx.loop.origin(), ctx.scenario,
                         ctx.netns, ctx.workdir, ctx.log_path, ctx.seed, std::move(ctx.listener)};
  return env;
}

bool executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

}  // namespace

std::string implementation_label(const Host& host) {
  switch (host.implementation) {
    case Implementation::kRef: return "ikesuite";
    case Implementation::kStrongswan: return "strongSwan (charon)";
    case Implementation::kLibreswan: return "Libreswan (pluto)";
  }
  return "?";
}

std::optional<std::string> host_unavailable(const Host& host, const NetnsOptions& options) {
  switch (host.implementation) {
    case Implementation::kRef:
      if (options.ref_hosts == RefHostMode::kDaemon && !executable(options.refd_path))
        return "ike-refd not found at " + options.refd_path + " (--refd)";
      return std::nullopt;
    case Implementation::kStrongswan:
      if (!executable(peers::kCharonPath) || !executable(peers::kSwanctlPath))
        return std::string("strongSwan is not installed (") + peers::kCharonPath + ", " + peers::kSwanctlPath +
               "): make interop, or scripts/setup.sh interop, installs it";
      return std::nullopt;
    case Implementation::kLibreswan: {
      std::string pluto = peers::default_libreswan_root() + "/usr/libexec/ipsec/pluto";
      if (!executable(pluto))
        return "Libreswan is not extracted (" + pluto + " missing): make interop, or scripts/libreswan-extract.sh, "
               "puts it there";
      return std::nullopt;
    }
  }
  return std::nullopt;
}

Result<std::unique_ptr<run::ScenarioHost>> create_host(HostContext& ctx) {
  std::error_code ec;
  fs::create_directories(ctx.workdir, ec);
  if (ec) return Error(ErrorCode::kSystem, "cannot create " + ctx.workdir + ": " + ec.message());
  switch (ctx.host.implementation) {
    case Implementation::kRef:
      if (ctx.options.ref_hosts == RefHostMode::kDaemon) {
        // The daemon reads its host from the scenario file (with the run's seed).
        refd::RemoteRefOptions ro;
        ro.refd_path = ctx.options.refd_path;
        ro.scenario_path = ctx.scenario.file;
        return refd::create_remote_ref_host(ctx.host, daemon_env(ctx), ro);
      }
      return in_process_ref_host(ctx);
    case Implementation::kStrongswan: return peers::create_strongswan_host(ctx.host, daemon_env(ctx));
    case Implementation::kLibreswan:
      return peers::create_libreswan_host(ctx.host, daemon_env(ctx), peers::default_libreswan_root());
  }
  return Error(ErrorCode::kUnsupported, "host '" + ctx.host.name + "': unknown implementation");
}

}  // namespace ikesuite::harness::netns
