// ike-refd: one reference-engine host on real UDP sockets, in real time. It reads a scenario
// file, takes one of its hosts (addresses, connections, secrets, certificates, settings, log
// levels) and runs it as a daemon: auto=start connections are initiated at once, and a
// JSON-lines control socket initiates, rekeys, terminates, lists SAs and injects SA backend
// faults. The harness's netns mode starts one per host; by hand it is the engine to point
// another IKE daemon at.
//
//   ike-refd --scenario scenarios/ikev2/psk-basic.json --host moon --control /tmp/moon.ctl
//   ike-refd ctl --control /tmp/moon.ctl '{"cmd":"list-sas"}'
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "engine/clock/event_loop.h"
#include "engine/net/udp_transport.h"
#include "engine/sa/fd_watcher.h"
#include "engine/sa/xfrm_backend.h"
#include "harness/refd/commands.h"
#include "harness/refd/control_server.h"
#include "harness/refd/event_feed.h"
#include "harness/refd/events_json.h"
#include "harness/run/ref_host.h"
#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/loader.h"

namespace {

using namespace ikesuite;

constexpr int kExitOk = 0;
constexpr int kExitConfig = 1;  // the scenario or the host cannot be run
constexpr int kExitUsage = 2;
constexpr int kExitSystem = 3;  // sockets, signals

// "2026-11-23 16:32:03.401" in local time, for a Time on the real clock's Unix scale.
std::string wall_stamp(Time t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03d", buf, static_cast<int>(ms % 1000));
  return out;
}

int run_daemon(const std::string& scenario_file, const std::string& host_name,
               const std::string& control_path, const std::string& log_path, uint64_t seed) {
  harness::LoadOptions options;
  options.proposal_check = harness::crypto_proposal_check();
  options.check_files = true;
  harness::LoadResult loaded = harness::load_scenario(scenario_file, options);
  for (const auto& d : loaded.diagnostics) std::cerr << d.format() << "\n";
  if (!loaded.ok()) {
    std::cerr << "ike-refd: " << scenario_file << " does not load (" << loaded.errors()
              << " error(s) above)\n";
    return kExitConfig;
  }
  const harness::Scenario& scenario = *loaded.scenario;
  const harness::Host* host = scenario.find_host(host_name);
  if (!host) {
    std::string names;
    for (const auto& h : scenario.hosts) names += (names.empty() ? "" : ", ") + h.name;
    std::cerr << "ike-refd: " << scenario_file << " has no host '" << host_name
              << "' (hosts: " << names << ")\n";
    return kExitConfig;
  }
  if (host->implementation != harness::Implementation::kRef) {
    std::cerr << "ike-refd: host '" << host_name << "' is a "
              << harness::name(host->implementation)
              << " host in the scenario; ike-refd runs the reference engine's hosts only\n";
    return kExitConfig;
  }

  auto loop_or = clock::RealEventLoop::create();
  if (!loop_or.ok()) {
    std::cerr << "ike-refd: " << loop_or.error().message() << "\n";
    return kExitSystem;
  }
  clock::RealEventLoop& loop = **loop_or;

  harness::run::RefHost* self = nullptr;
  const std::vector<Endpoint> endpoints = harness::run::listen_endpoints(*host);
  auto make_transport = [&loop, &self, endpoints]() -> Result<std::unique_ptr<net::Transport>> {
    net::UdpOptions udp;
    udp.logger = self ? &self->log() : nullptr;
    TRY_ASSIGN(auto t, net::UdpTransport::open(loop, endpoints, udp));
    return std::unique_ptr<net::Transport>(std::move(t));
  };
  // The log goes to --log (appended, flushed per line) or stderr, stamped with the local
  // date and time as a daemon's log is, rather than with the run clock of a scenario.
  std::FILE* log_file = stderr;
  if (!log_path.empty()) {
    log_file = std::fopen(log_path.c_str(), "a");
    if (!log_file) {
      std::cerr << "ike-refd: cannot open log file " << log_path << ": " << std::strerror(errno)
                << "\n";
      return kExitSystem;
    }
  }
  struct FileCloser {
    std::FILE* f;
    ~FileCloser() {
      if (f != stderr) std::fclose(f);
    }
  } closer{log_file};
  // Everything the host reports also goes to the subscribers of the control socket (the
  // harness's remote host), and is kept for those that ask for a replay.
  refd::EventFeed feed(loop);
  harness::run::HostListener listener;
  listener.on_log = [log_file, &feed](const std::string&, const harness::run::LogLine& line) {
    std::string text = harness::run::HostLog::format(line);
    text.erase(0, text.find(' ') + 1);  // the run-clock stamp
    std::fprintf(log_file, "%s %s\n", wall_stamp(line.t).c_str(), text.c_str());
    std::fflush(log_file);
    feed.publish(refd::log_event(line));
  };
  listener.on_state = [&feed](const harness::run::StateChange& c) {
    feed.publish(refd::state_event(c));
  };
  listener.on_backend = [&feed](const std::string&, const harness::run::BackendEvent& e) {
    feed.publish(refd::backend_event(e));
  };
  listener.on_ike_keys = [&feed](const std::string&, const harness::run::IkeKeys& k) {
    feed.publish(refd::ike_keys_event(k));
  };
  listener.on_ikev1_keys = [&feed](const std::string&, const harness::run::Ikev1Keys& k) {
    feed.publish(refd::ikev1_keys_event(k));
  };
  listener.on_esp_keys = [&feed](const std::string&, const harness::run::EspKeys& k) {
    feed.publish(refd::esp_keys_event(k));
  };
  listener.on_invariant = [&feed](const std::string&, const std::string& what) {
    feed.publish(refd::invariant_event(what));
  };
  // A real clock: certificates are checked against the time itself (no wall offset).
  harness::run::RefHostEnv env{loop, seed ? seed : scenario.seed, Duration{0}, make_transport,
                               std::string(), listener, {}};
  // "sa_backend": "xfrm": the kernel's SAD/SPD of the namespace ike-refd runs in.
  sa::LoopFdWatcher<clock::RealEventLoop> watcher(loop);
  env.make_kernel_backend = [&watcher](Logger* log) -> Result<std::unique_ptr<sa::SaBackend>> {
    sa::XfrmOptions o;
    o.watcher = &watcher;
    o.logger = log;
    TRY_ASSIGN(auto b, sa::XfrmBackend::open(o));
    return std::unique_ptr<sa::SaBackend>(std::move(b));
  };
  auto created = harness::run::RefHost::create(*host, std::move(env));
  if (!created.ok()) {
    std::cerr << "ike-refd: host '" << host_name << "': " << created.error().message() << "\n";
    return kExitConfig;
  }
  std::unique_ptr<harness::run::RefHost> ref = std::move(*created);
  self = ref.get();

  // SIGINT/SIGTERM end the loop through a signalfd, so shutdown runs on the loop's thread.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sfd < 0 || !loop.watch(sfd, [&loop, sfd] {
                        signalfd_siginfo info;
                        while (::read(sfd, &info, sizeof(info)) == sizeof(info)) loop.stop();
                      }).ok()) {
    std::cerr << "ike-refd: cannot watch signals\n";
    return kExitSystem;
  }

  if (Status s = ref->start(); !s.ok()) {
    std::cerr << "ike-refd: host '" << host_name << "' does not start: " << s.error().message()
              << "\n";
    return kExitSystem;
  }
  std::unique_ptr<refd::ControlServer> control;
  refd::CommandHandler handler(*ref, [&loop] { loop.stop(); });
  handler.set_clock(&loop);
  handler.set_scenario(scenario_file, options);
  if (!control_path.empty()) {
    auto server = refd::ControlServer::open(
        loop, control_path, [&handler](const nlohmann::json& r) { return handler.handle(r); });
    if (!server.ok()) {
      std::cerr << "ike-refd: " << server.error().message() << "\n";
      ref->stop();
      return kExitSystem;
    }
    control = std::move(*server);
    control->set_feed(&feed);
  }
  std::string where;
  for (const auto& e : endpoints) where += (where.empty() ? "" : ", ") + e.to_string();
  ref->log().log(LogGroup::kDmn, 1, "ike-refd: host '" + host_name + "' of " + scenario.name +
                                        " listening on " + where +
                                        (control ? ", control socket " + control_path : ""));
  loop.run();
  control.reset();
  ref->stop();
  loop.unwatch(sfd);
  ::close(sfd);
  return kExitOk;
}

int run_ctl(const std::string& control_path, const std::string& request_text, int timeout_ms) {
  nlohmann::json request = nlohmann::json::parse(request_text, nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    std::cerr << "ike-refd ctl: the request must be one JSON object, e.g. '{\"cmd\":\"list-sas\"}'\n";
    return kExitUsage;
  }
  auto response = refd::control_request(control_path, request, timeout_ms);
  if (!response.ok()) {
    std::cerr << "ike-refd ctl: " << response.error().message() << "\n";
    return kExitSystem;
  }
  std::cout << response->dump(2) << "\n";
  return response->value("ok", false) ? kExitOk : kExitConfig;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ike-refd: the ikesuite reference IKE engine as a daemon on real UDP sockets"};
  std::string scenario, host, control, log_path, request;
  uint64_t seed = 0;
  int timeout_ms = 10000;
  app.add_option("--scenario", scenario, "Scenario file whose host to run");
  app.add_option("--host", host, "Name of the host in the scenario");
  app.add_option("--control", control, "Unix socket for JSON-lines control requests");
  app.add_option("--log", log_path, "Write the charon-style log here (default: stderr)");
  app.add_option("--seed", seed, "Seed for the engine's randomness (default: the scenario's)");
  CLI::App* ctl = app.add_subcommand("ctl", "Send one request to a running ike-refd and print the answer");
  ctl->add_option("request", request, "The request, one JSON object, e.g. '{\"cmd\":\"list-sas\"}'")
      ->required();
  std::string ctl_control;
  ctl->add_option("--control", ctl_control, "The daemon's control socket");
  ctl->add_option("--timeout-ms", timeout_ms, "How long to wait for the answer")
      ->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (ctl->parsed()) {
    if (!ctl_control.empty()) control = ctl_control;
    if (control.empty()) {
      std::cerr << "ike-refd ctl: --control SOCKET is required\n";
      return kExitUsage;
    }
    return run_ctl(control, request, timeout_ms);
  }
  if (scenario.empty() || host.empty()) {
    std::cerr << "ike-refd: --scenario FILE and --host NAME are required (see --help)\n";
    return kExitUsage;
  }
  return run_daemon(scenario, host, control, log_path, seed);
}
