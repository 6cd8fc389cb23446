// What every run mode does the same way for one scenario: the outputs (capture.pcap, the
// Wireshark key tables, <host>.log, <host>.sa.txt, result.json), the hosts' reports turned
// into the record the checks read and the report's events, the timeline (absolute instants,
// and "after" instants resolved as their events happen), host actions, and the verdicts.
//
// A mode supplies the clock (virtual or real), the network (simulated, or namespaces and
// veths), the hosts (in-process reference hosts, or daemons in namespaces) and the actions
// on the network (impair, partition, heal, host-down/up, flood).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/clock/event_loop.h"
#include "harness/run/deviations.h"
#include "harness/run/evaluate.h"
#include "harness/run/host.h"
#include "harness/run/trace.h"
#include "harness/scenario/scenario.h"
#include "pcaps/src/key_tables.h"
#include "pcaps/src/pcap_writer.h"
#include "reports/src/model.h"

namespace ikesuite::harness::run {

struct WorldOptions {
  std::string folder;       // the scenario's folder; empty: nothing is written
  std::string report_root;  // the report's top folder (artifact paths are relative to it)
  std::optional<uint64_t> seed;
  // The capture's time base: the Unix time of scenario time zero.
  Time capture_epoch = pcap::kDefaultEpoch;
  // Recorded deviations of peers for this scenario (deviations.h).
  std::vector<PeerDeviation> known_deviations;
};

class World {
 public:
  World(const Scenario& s, const WorldOptions& o, reports::ScenarioResult& result, clock::EventLoop& loop);
  virtual ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Sets up, runs the scenario until its duration, tears down and judges. Everything lands
  // in the result.
  void run();

 protected:
  // The mode's parts, called in this order by run(); teardown() runs whatever happened.
  virtual Status setup_network() = 0;
  // After the outputs and the trace exist (a mode feeds the trace from its network).
  virtual Status attach_trace() = 0;
  virtual Result<std::unique_ptr<ScenarioHost>> make_host(const Host& host, HostListener listener) = 0;
  // Runs the loop until scenario time `end` (or until fail()).
  virtual void run_until(Time end) = 0;
  virtual Status network_action(const Action& a) = 0;
  virtual void teardown() {}
  // How much wider time windows are for this mode's checks (Evaluator::set_time_tolerance).
  virtual Duration time_tolerance() const { return Duration{0}; }
  // "ikesuite", "strongSwan 5.9.8", ...
  virtual std::string implementation_text(const Host& h) const;

  // The scenario's clock (a mode's loop reads scenario time).
  Time now() const { return loop_.now(); }

  void fail(const std::string& why);
  void add_event(Time t, const std::string& host, const std::string& kind, std::string text,
                 const std::string& level = "info");
  void note(std::string text) { notes_.push_back(std::move(text)); }
  // Re-examines what waits for an event (after every observation the mode reports).
  void poll_pending();

  const Scenario& s_;
  const WorldOptions& o_;
  reports::ScenarioResult& result_;
  uint64_t seed_;
  clock::EventLoop& loop_;
  std::optional<pcap::PcapWriter> capture_;
  std::optional<pcap::KeyTables> keys_;
  std::unique_ptr<Trace> trace_;
  std::map<std::string, std::unique_ptr<ScenarioHost>> hosts_;
  std::string error_;

 private:
  Status setup_outputs();
  Status setup_hosts();
  HostListener listener_for(const Host& h);
  void schedule_timeline();
  void schedule_at(Time t, std::function<void()> fn);
  void run_action(size_t index);
  Status do_action(const Action& a);
  void finish();

  RunRecord record_;
  std::unique_ptr<Evaluator> evaluator_;
  std::vector<size_t> pending_actions_;
  std::vector<size_t> pending_snapshots_;
  bool polling_ = false;
  std::vector<std::string> notes_;
};

// A result naming the scenario (name, file, description, references, tags, seed, mode),
// before it ran.
reports::ScenarioResult new_result(const Scenario& s, std::optional<uint64_t> seed, const std::string& mode);

// Artifact paths relative to the report's top folder, and result.json in the folder.
void write_result(reports::ScenarioResult& result, const WorldOptions& options);

}  // namespace ikesuite::harness::run
