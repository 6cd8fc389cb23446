// A host running the reference engine: its own seeded randomness, a log on the run's clock,
// the 'memory' SA backend wrapped in the fault injector and the recording decorator, a
// transport from whatever network the run uses, and both reference engines on that one
// transport and backend, with one observer that reports state changes and keys. Datagrams
// are routed by the IKE header's major version; keyexchange=ikev1 connections belong to the
// IKEv1 engine, every other one to the IKEv2 engine. The IKEv1 engine allocates reqids from
// kIkev1FirstReqid on, so the two engines never share a reqid on the backend.
//
// The same object serves the sim runner (transport from the SimNetwork, virtual loop) and
// the standalone daemon (UDP sockets, real loop).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/random.h"
#include "engine/clock/event_loop.h"
#include "engine/ikev1/engine.h"
#include "engine/ikev2/engine.h"
#include "engine/net/transport.h"
#include "engine/sa/fault_injector.h"
#include "engine/sa/memory_backend.h"
#include "harness/run/host.h"
#include "harness/run/ref_config.h"

namespace ikesuite::harness::run {

struct RefHostEnv {
  clock::EventLoop& loop;  // the host's clock and timers
  uint64_t seed = 1;       // the run's seed; the host forks its own stream by name
  // Added to the loop's clock for certificate validity: the wall-clock time of the run's
  // start for a virtual clock, zero for a real one.
  Duration wall_offset{0};
  // A fresh transport for each start of the host.
  std::function<Result<std::unique_ptr<net::Transport>>()> make_transport;
  std::string log_path;  // <host>.log; empty: in memory only
  HostListener listener;
  // netns mode: the kernel's SA backend (XFRM) in the host's namespace, for hosts with
  // "sa_backend": "xfrm", logging to the given logger. Empty in sim mode, where such hosts
  // cannot run.
  std::function<Result<std::unique_ptr<sa::SaBackend>>(Logger* log)> make_kernel_backend;
};

// The IKEv1 engine's first reqid: the IKEv2 engine numbers from 1 on the same backend.
inline constexpr uint32_t kIkev1FirstReqid = 1001;

class RefHost final : public ScenarioHost {
 public:
  // Builds the configuration (errors name the connection and the problem) and the backend;
  // the engine comes with start().
  static Result<std::unique_ptr<RefHost>> create(const Host& host, RefHostEnv env);
  ~RefHost() override;

  const std::string& name() const override { return host_.name; }
  Implementation implementation() const override { return Implementation::kRef; }
  Status start() override;
  void stop() override;
  bool running() const override { return engine_ != nullptr; }

  Status initiate(const std::string& conn, bool ike_only) override;
  Status rekey(const std::string& conn, SaKind sa) override;
  Status terminate(const std::string& conn, SaKind sa) override;
  Status add_fault(const FaultSpec& fault) override;
  void clear_faults() override;
  Status misbehave(const std::vector<Impairment>& impairments, const std::string& conn,
                   bool clear) override;
  Status traffic(const std::string& conn, const TrafficSpec& traffic) override;

  std::vector<IkeSnapshot> sas() const override;
  BackendSnapshot backend(Time now) const override;
  const std::vector<BackendEvent>& backend_events() const override { return recorder_->events(); }
  const std::vector<LogLine>& log_lines() const override { return log_->lines(); }
  std::string sa_dump() const override;

  HostLog& log() { return *log_; }
  ikev2::Engine* engine() { return engine_.get(); }
  ikev1::Engine* engine_v1() { return engine_v1_.get(); }
  const RefConfig& config() const { return config_; }
  uint32_t generation() const { return generation_; }

 private:
  class Observer;
  RefHost(const Host& host, RefHostEnv env, RefConfig config);
  // The SA backend chain: memory (sim mode and "sa_backend": "memory") or the kernel's, under
  // the fault injector and the recorder.
  Status open_backend();
  void on_datagram(const net::Datagram& d);
  Status add_connection_impairments();
  bool is_v1_conn(const std::string& conn) const;
  // Which engine a misbehave/impairment for `conn` (empty: any) goes to, as rules.
  Status rules_for(const Impairment& imp, const std::string& conn,
                   std::vector<ikev2::ImpairRule>& v2, std::vector<ikev1::ImpairRule>& v1) const;

  Host host_;
  RefHostEnv env_;
  RefConfig config_;
  SeededRandom engine_rng_;
  SeededRandom kernel_rng_;
  std::unique_ptr<HostLog> log_;
  sa::MemoryBackend* memory_ = nullptr;  // owned by faults_; null on the kernel's backend
  sa::SaBackend* base_ = nullptr;        // the memory or kernel backend, owned by faults_
  std::unique_ptr<sa::FaultInjector> faults_;
  std::unique_ptr<RecordingBackend> recorder_;
  std::unique_ptr<Observer> observer_;
  std::unique_ptr<net::Transport> transport_;
  std::unique_ptr<ikev2::Engine> engine_;
  std::unique_ptr<ikev1::Engine> engine_v1_;
  // Impairments given by misbehave actions, kept across restarts of the daemon.
  std::vector<ikev2::ImpairRule> misbehaviour_;
  std::vector<ikev1::ImpairRule> misbehaviour_v1_;
  uint32_t generation_ = 0;
};

// A scenario impairment as an engine rule (IKEv2); errors for what the engine cannot do.
Result<ikev2::ImpairRule> to_engine_rule(const Impairment& imp, const std::string& conn);
// The same for the IKEv1 engine (engine/ikev1/impair.h; bad_hash is IKEv1 only).
Result<ikev1::ImpairRule> to_v1_engine_rule(const Impairment& imp);

// Where a reference host listens on real sockets: every address of the host on every IKE
// port its connections use, plus the NAT-T port (ike-refd, netns mode).
std::vector<Endpoint> listen_endpoints(const Host& host);

// A stable 64-bit label for a name (FNV-1a), for forking seeded streams by host name.
uint64_t stream_label(std::string_view name);

}  // namespace ikesuite::harness::run
