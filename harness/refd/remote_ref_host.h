// A reference-engine host of a netns run: ike-refd started inside the host's network
// namespace, driven over its control socket, and heard through its event subscription, so
// that the runner sees the same ScenarioHost a sim run's in-process RefHost is.
//
// start() the first time spawns
//   ike-refd --scenario FILE --host NAME --control WORKDIR/NAME.ctl --log LOG --seed S
// in env.netns, waits (bounded) until the control socket answers, and subscribes with replay
// on a second connection read on env.loop; every event goes to env.listener with its time
// turned into scenario time (t - env.origin). stop() and later start() are the daemon's
// "stop" and "start" requests, so a restart is what it is for RefHost: a new generation in
// the same process, whose SA backend, faults, fault counters and misbehaviour stay. The process ends with shutdown() or the destructor: a shutdown request, then
// SIGTERM (SIGKILL after a grace period). If the daemon dies, the next start() spawns a new
// one; its generations continue the numbering.
//
// Requests are synchronous on their own connection with a short timeout: ike-refd answers
// each at once, and never waits for the harness, so the loop is not held up.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/base/result.h"
#include "harness/refd/events_json.h"
#include "harness/run/daemon_env.h"
#include "harness/run/host.h"
#include "harness/run/process.h"

namespace ikesuite::refd {

struct RemoteRefOptions {
  std::string refd_path;      // the ike-refd program
  std::string scenario_path;  // the scenario file the host is taken from
  // How long the daemon may take until its control socket answers.
  std::chrono::milliseconds start_timeout{10000};
  // How long a request may wait for its answer.
  std::chrono::milliseconds request_timeout{5000};
};

class RemoteRefHost final : public harness::run::ScenarioHost {
 public:
  RemoteRefHost(const harness::Host& host, harness::run::DaemonHostEnv env,
                RemoteRefOptions options);
  ~RemoteRefHost() override;
  RemoteRefHost(const RemoteRefHost&) = delete;
  RemoteRefHost& operator=(const RemoteRefHost&) = delete;

  const std::string& name() const override { return host_.name; }
  harness::Implementation implementation() const override {
    return harness::Implementation::kRef;
  }
  Status start() override;
  void stop() override;
  bool running() const override;

  Status initiate(const std::string& conn, bool ike_only) override;
  Status rekey(const std::string& conn, harness::SaKind sa) override;
  Status terminate(const std::string& conn, harness::SaKind sa) override;
  Status add_fault(const harness::FaultSpec& fault) override;
  void clear_faults() override;
  // The impairments go to ike-refd in the scenario file's form, looked up in the file by
  // where each was written (Impairment::src): impairments that come from no scenario file
  // are refused (kUnsupported).
  Status misbehave(const std::vector<harness::Impairment>& impairments, const std::string& conn,
                   bool clear) override;
  Status traffic(const std::string& conn, const harness::TrafficSpec& traffic) override;

  std::vector<harness::run::IkeSnapshot> sas() const override;
  // The daemon's tables, times in scenario time; the last one seen if the daemon is gone.
  harness::run::BackendSnapshot backend(Time now) const override;
  const std::vector<harness::run::BackendEvent>& backend_events() const override {
    return backend_events_;
  }
  const std::vector<harness::run::LogLine>& log_lines() const override { return log_lines_; }
  std::string sa_dump() const override;

  // Ends the daemon (after collecting the events it still sends). Idempotent.
  void shutdown();
  // Whether the ike-refd process is alive.
  bool daemon_alive() const;
  const std::string& control_path() const { return control_path_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  // Events received through the subscription (their "seq" is below this).
  uint64_t events_received() const { return next_seq_; }

  // One request and its answer; an answer with "ok": false is an error with its reason
  // (and its code when the daemon names one).
  Result<nlohmann::json> request(const nlohmann::json& request) const;

 private:
  Status spawn_daemon();
  Status subscribe();
  void close_subscription();
  void read_events();
  void handle_line(std::string_view line);
  void deliver(const Event& event);
  void note(const std::string& text);
  std::string failure_detail() const;
  Result<const nlohmann::json*> scenario_doc();
  Status request_ok(const nlohmann::json& request) const;

  harness::Host host_;
  harness::run::DaemonHostEnv env_;
  RemoteRefOptions options_;
  std::string control_path_;
  std::string log_path_;
  std::string output_path_;
  std::unique_ptr<harness::run::Process> process_;
  bool engine_running_ = false;
  int sub_fd_ = -1;
  std::string in_;
  uint64_t next_seq_ = 0;
  uint32_t generation_offset_ = 0;
  uint32_t last_generation_ = 0;
  std::vector<harness::run::LogLine> log_lines_;
  std::vector<harness::run::BackendEvent> backend_events_;
  mutable harness::run::BackendSnapshot last_backend_;
  mutable std::string last_dump_;
  std::optional<nlohmann::json> scenario_doc_;
};

// The remote host for `host` (a reference-engine host of the scenario in
// options.scenario_path); nothing runs until start().
Result<std::unique_ptr<harness::run::ScenarioHost>> create_remote_ref_host(
    const harness::Host& host, harness::run::DaemonHostEnv env, RemoteRefOptions options);

}  // namespace ikesuite::refd
