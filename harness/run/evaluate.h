// Judging a run: the times of the events a scenario refers to (expectations, sequence steps,
// state transitions, sa_events steps, actions, state entries, SA backend operations, log
// lines), and the verdict of every check kind, each failure saying what was expected and
// what happened, with the closest candidates:
//
//   expected CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No TSi TSr ] from moon to sun between
//   4.9 and 5.1 s after moon's Child SA net-net entered INSTALLED (at 0.002 s); found it at
//   7.003 s (1.901 s too late)
//
// The evaluator reads a record that may still be growing: the sim world asks it for event
// times while the run goes on (to schedule "after" actions and snapshots), and once more at
// the end for the checks. An event time, once found, never changes as the record grows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/time.h"
#include "harness/run/host.h"
#include "harness/run/trace.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::run {

// What a run leaves to be judged.
struct RunRecord {
  const Trace* trace = nullptr;
  std::map<std::string, const ScenarioHost*> hosts;
  std::vector<StateChange> states;  // every host, in the order they happened
  // When each timeline action ran (by index in Scenario::timeline); unset: it did not run.
  std::vector<std::optional<Time>> action_times;
  // sa_table checks with an `at`: the snapshot taken then (by index in Scenario::expect).
  std::map<size_t, BackendSnapshot> table_snapshots;
  // At the end of the run.
  std::map<std::string, std::vector<IkeSnapshot>> final_sas;
  std::map<std::string, BackendSnapshot> final_tables;
  Time end{0};
};

struct CheckOutcome {
  bool passed = false;
  std::string expected;
  std::string actual;
  std::optional<Time> t;         // when it was decided (its matching event, or its window's end)
  std::vector<size_t> messages;  // related trace messages (indices into Trace::messages())
};

class Evaluator {
 public:
  Evaluator(const Scenario& scenario, const RunRecord& record)
      : scenario_(scenario), record_(record) {}

  // When the event happened, if it has (so far).
  std::optional<Time> event_time(const EventRef& ref);
  // When an instant falls, if its event has happened.
  std::optional<Time> instant_time(const Instant& at);

  CheckOutcome check(const Expectation& e);

  // Real-time runs: every time window is this much wider for checks that something
  // happened (and this much narrower for checks that nothing did), because daemons on a
  // shared machine are not punctual to the millisecond as the virtual clock is. Zero in sim
  // mode.
  void set_time_tolerance(Duration tolerance) { tolerance_ = tolerance; }

  // "moon's Child SA net-net entered INSTALLED", "action 'go'", "expectation 'rekey'".
  std::string describe_event(const EventRef& ref) const;
  // "7.003 s"
  static std::string seconds_text(Time t);

 private:
  struct Span;
  struct SaInstance;
  Span window(const std::optional<Window>& w, bool absence = false);
  std::string describe_window(const std::optional<Window>& w, const Span& span) const;
  // " (1.901 s too late)": how far a time misses a window.
  std::string relative_miss(const Span& span, Time t) const;
  std::vector<std::string> differences(const MessageMatcher& m, const Observation& o) const;
  bool static_match(const MessageMatcher& m, const Observation& o) const {
    return differences(m, o).empty();
  }
  std::string describe_matcher(const MessageMatcher& m) const;
  std::string describe_observation(const Observation& o) const;
  std::string closest(const MessageMatcher& m, size_t from_index) const;
  std::vector<SaInstance> instances(const std::string& host, bool ike, const std::string& conn) const;

  CheckOutcome check_message(const Expectation& e, const MessageCheck& c);
  CheckOutcome check_no_message(const Expectation& e, const NoMessageCheck& c);
  CheckOutcome check_sequence(const Expectation& e, const SequenceCheck& c);
  CheckOutcome check_log(const Expectation& e, const LogCheck& c);
  CheckOutcome check_state(const Expectation& e, const StateCheck& c);
  CheckOutcome check_sa_table(const Expectation& e, const SaTableCheck& c);
  CheckOutcome check_sa_events(const Expectation& e, const SaEventsCheck& c);
  CheckOutcome check_final(const Expectation& e, const FinalCheck& c);
  CheckOutcome check_verdict(const Expectation& e, const VerdictCheck& c);

  const Scenario& scenario_;
  const RunRecord& record_;
  // Times found for ids (expectations, steps, transitions, sa_events steps), by element.
  std::map<const void*, Time> resolved_;
  std::set<const void*> evaluating_;
  Duration tolerance_{0};
};

}  // namespace ikesuite::harness::run
