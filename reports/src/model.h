// The run-result model: what a run of ikesuite found, scenario by scenario, in a shape the
// three report writers (JUnit XML, results.json, HTML) render and the scenario runner fills.
// Plain values, no behaviour beyond counting: the runner decides what passed, the writers
// only show it. results.json is this model serialized (json.h), versioned by
// kSchemaVersion and documented in docs/reports.md.
//
// Times: `t` fields are virtual seconds since the start of the run (the scenario's clock, as
// the packet-flow figures show them); wall_seconds are real elapsed time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ikesuite::reports {

inline constexpr int kSchemaVersion = 1;

// One IKE datagram as it crossed (or failed to cross) the network.
struct WireMessage {
  double t = 0;
  std::string from, to;  // host names ("moon", "sun"); empty when no host of the scenario owns
                         // the address (a spoofed or stray packet)
  std::string src, dst;  // endpoints as charon logs them: "192.168.0.1[500]"
  int ike_version = 2;   // 1 or 2
  std::string exchange;  // "IKE_SA_INIT", "CREATE_CHILD_SA", "INFORMATIONAL"; v1: "ID_PROT",
                         // "AGGRESSIVE", "QUICK_MODE", "INFORMATIONAL", "TRANSACTION"
  bool response = false;
  uint32_t message_id = 0;
  // Payload labels in charon's short form, inner (decrypted) ones included, in order:
  // "SA", "KE", "No", "N(NATD_S_IP)", "IDi", "AUTH", "TSi", "TSr", "D", "EF(1/3)".
  std::vector<std::string> payloads;
  // The line charon would log for it: "sending packet: ... / generating CREATE_CHILD_SA
  // request 2 [ N(REKEY_SA) SA No TSi TSr ]".
  std::string summary;
  size_t bytes = 0;  // IKE message size (UDP payload without the non-ESP marker)
  // What the network did with it: "delivered", "dropped", "duplicated", "delayed",
  // "reordered", "corrupted".
  std::string fate = "delivered";
  bool retransmit = false;  // a retransmission of an earlier request or response
  bool encrypted = false;   // carries SK/SKF (v2) or has the E flag (v1)
  bool decrypted = false;   // its inner payloads are known (listed in `payloads`)
  std::optional<uint64_t> frame;  // 1-based frame number in the run's capture
  std::string note;  // what a misbehaviour hook did to it ("omitted KE"), a decode error, ...

  bool operator==(const WireMessage&) const = default;
};

// Something that happened on a host besides sending and receiving.
struct Event {
  double t = 0;
  std::string host;
  // "state" (IKE/Child SA state changes), "log" (a host log line), "fault" (an injected
  // fault took effect), "action" (a timeline action: initiate, rekey, restart),
  // "sa" (kernel SA/policy installed or deleted), "note" (anything else worth marking).
  std::string kind;
  std::string text;
  // "debug", "info", "warning" or "error"; for log lines, charon's "IKE 1" style group and
  // level may also be given.
  std::string level = "info";

  bool operator==(const Event&) const = default;
};

// One checked requirement.
struct Expectation {
  std::string id;           // "rekey-before-expiry"
  std::string description;  // what was checked, in words
  std::string rfc;          // the requirement it tests: "RFC 7296 §2.8"
  bool passed = false;
  std::string expected;
  std::string actual;
  std::optional<double> t;  // when it was decided (or the time window's end)
  std::vector<size_t> related_messages;  // indices into ScenarioResult::messages
  // A recorded deviation of the peer that explains a failure (interop runs), with the
  // reason: the expectation did not hold, and counts as passed because the peer is known to
  // behave this way (a regression is a failure without one).
  std::string known_deviation;

  bool operator==(const Expectation&) const = default;
};

struct HostInfo {
  std::string name;            // "moon"
  std::string implementation;  // "ikesuite", "strongswan", "libreswan"
  std::string version;         // "5.9.8", empty for the reference engine
  std::vector<std::string> addresses;

  bool operator==(const HostInfo&) const = default;
};

// How a scenario ended.
inline constexpr const char* kPassed = "passed";
inline constexpr const char* kFailed = "failed";    // an expectation was not met
inline constexpr const char* kError = "error";      // the scenario could not be run as written
inline constexpr const char* kSkipped = "skipped";  // not run (needs root, a peer, ...)

struct ScenarioResult {
  std::string name;         // "net2net-rekey"
  std::string file;         // "scenarios/ikev2/net2net-rekey.json"
  std::string description;
  std::vector<std::string> references;  // "RFC 7296 §2.8", "strongSwan testing/tests/..."
  std::vector<std::string> tags;
  std::string status = kPassed;
  std::string error;  // why, for "error" and "skipped"
  double wall_seconds = 0;
  double virtual_seconds = 0;
  uint64_t seed = 0;
  std::string mode;  // "sim", "netns", "interop"
  std::vector<HostInfo> hosts;
  std::vector<WireMessage> messages;
  std::vector<Event> events;
  std::vector<Expectation> expectations;
  // Files that belong to the scenario, by role, as paths relative to the report's folder:
  // "capture" -> "ikev2/net2net-rekey/capture.pcap", "keys" -> ".../keys" (a Wireshark config
  // folder), "log:moon" -> ".../moon.log".
  std::map<std::string, std::string> artifacts;
  // Remarks for the reader: "not decryptable by Wireshark: ENCR_CHACHA20_POLY1305".
  std::vector<std::string> notes;

  bool operator==(const ScenarioResult&) const = default;
};

struct Counts {
  size_t total = 0, passed = 0, failed = 0, errors = 0, skipped = 0;
  bool operator==(const Counts&) const = default;
};

struct RunResult {
  std::string tool_version;  // "ikesuite 0.1.0"
  std::string started_at;    // ISO 8601 UTC: "2024-05-01T12:00:00Z"
  std::string mode;          // "sim", "netns", "interop"
  uint64_t seed = 0;
  double wall_seconds = 0;
  std::string command;       // the command line that produced the run, for reproducing it
  std::vector<ScenarioResult> scenarios;

  Counts counts() const;
  bool operator==(const RunResult&) const = default;
};

// The folder part of a scenario file below "scenarios/" ("scenarios/ikev2/rekey/x.json" ->
// "ikev2.rekey"), which JUnit uses as the class name; "scenarios" when there is none.
std::string scenario_group(const ScenarioResult& s);

// The first expectation that failed, if any.
const Expectation* first_failure(const ScenarioResult& s);

// "CREATE_CHILD_SA req MID 2 [N(REKEY_SA) SA No TSi TSr]": the label of a message in
// diagrams and failure reports.
std::string message_label(const WireMessage& m);

// "12.345678": virtual seconds as reports print them.
std::string format_time(double seconds);

}  // namespace ikesuite::reports
