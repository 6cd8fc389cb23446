// The scenario builder: turns a schema-checked JSON document into the model and performs the
// semantic checks. Internal to harness/scenario; split over builder_*.cc by part of the
// language (hosts and connections, network, timeline, expectations, references).
//
// The builder runs even when the schema reported errors, so one pass reports everything;
// its accessors therefore skip values of the wrong shape silently (the schema has reported
// them) and report only what the schema cannot know.
#pragma once

#include <map>
#include <optional>
#include <regex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/scenario/diagnostics.h"
#include "harness/scenario/json_positions.h"
#include "harness/scenario/loader.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::detail {

using json = nlohmann::json;

// Where each id was declared and what it names, for event references.
struct IdInfo {
  enum class Kind : uint8_t { kAction, kMessage, kSequence, kStep, kTransition, kSaEvent, kOther };
  Kind kind = Kind::kOther;
  std::string pointer;
  std::string what;  // "message check", "action 'initiate'", ... for errors
};

class Builder {
 public:
  Builder(const json& doc, const JsonPositions& positions, Collector& out,
          const LoadOptions& options, Scenario& scenario)
      : doc_(doc), positions_(positions), out_(out), options_(options), sc_(scenario) {}

  void build();

  // ---- helpers shared by the parts ----
  // Object members in file order (nlohmann sorts keys; the position index knows the order).
  std::vector<std::pair<std::string, const json*>> members(const json& obj,
                                                           const std::string& pointer) const;
  SourceRef src(const std::string& pointer) const { return out_.source(pointer); }
  static const json* get(const json& obj, std::string_view key);
  std::optional<std::string> get_string(const json& obj, std::string_view key) const;
  std::optional<bool> get_bool(const json& obj, std::string_view key) const;
  std::optional<int64_t> get_int(const json& obj, std::string_view key) const;
  std::optional<uint64_t> get_uint(const json& obj, std::string_view key) const;
  std::optional<double> get_number(const json& obj, std::string_view key) const;
  // yes/no values: JSON booleans or "yes"/"no".
  std::optional<bool> yes_no(const json& v) const;
  std::optional<Duration> duration(const json& v, const std::string& pointer);
  std::optional<double> probability(const json& v, const std::string& pointer);
  std::optional<CountRange> count(const json& v, const std::string& pointer);
  std::vector<std::string> string_list(const json& v) const;  // string or array of strings
  std::string resolve_path(const std::string& relative, const std::string& pointer);
  bool compile_regex(const std::string& text, const std::string& pointer, std::regex* out);
  // Reports keys of `obj` that are not in `allowed` (besides `common`), naming `what`.
  void check_applicable(const json& obj, const std::string& pointer,
                        std::span<const std::string_view> allowed,
                        std::span<const std::string_view> common, const std::string& what);
  void declare_id(const std::string& id, const std::string& pointer, IdInfo::Kind kind,
                  std::string what);

  // IKE versions the scenario's connections can speak (for matchers without an exchange).
  bool speaks_v1() const { return speaks_v1_; }
  bool speaks_v2() const { return speaks_v2_; }

  const json& doc_;
  const JsonPositions& positions_;
  Collector& out_;
  const LoadOptions& options_;
  Scenario& sc_;

 private:
  // builder_hosts.cc
  void build_hosts();
  void build_host(Host& host, const json& obj, const std::string& pointer);
  void build_settings(Host& host, const json& obj, const std::string& pointer);
  void build_secrets(Host& host, const json& arr, const std::string& pointer);
  void build_conns(Host& host, const json& obj, const std::string& pointer);
  void check_conns();
  void check_conn(const Host& host, const Connection& conn);

 public:
  // builder_hosts.cc (used by the timeline for misbehave)
  std::optional<Impairment> build_impairment(const json& obj, const std::string& pointer,
                                             uint8_t version, const std::string& context);
  Status check_proposal(ProposalKind kind, IkeVersion version, std::string_view proposal) const;

 private:
  // builder_network.cc
  void build_network();
  void parse_link_params(const json& obj, const std::string& pointer, LinkParams& params);
  // A host name or an address the network knows (host, NAT public, blackhole).
  bool known_endpoint(const std::string& text, const std::string& pointer, std::string* host,
                      std::optional<IpAddress>* address, const char* role);

  // builder_timeline.cc
  void build_timeline();
  void build_action(Action& action, const json& obj, const std::string& pointer);
  std::optional<Instant> instant(const json& v, const std::string& pointer);
  std::optional<Window> window(const json& v, const std::string& pointer);
  std::optional<EventRef> event_ref(const json& v, const std::string& pointer);
  const Host* host_ref(const json& obj, const std::string& pointer, const char* key = "host");
  const Connection* conn_ref(const Host* host, const json& obj, const std::string& pointer,
                             bool must_be_loaded);

  // builder_expect.cc
  void build_expectations();
  void build_expectation(Expectation& e, const json& obj, const std::string& pointer);
  std::optional<MessageMatcher> matcher(const json& obj, const std::string& pointer,
                                        bool is_step);
  void build_state_check(StateCheck& c, const json& obj, const std::string& pointer);
  void build_sa_events(SaEventsCheck& c, const json& obj, const std::string& pointer);

  // builder_refs.cc
  void check_references();
  void check_event_ref(EventRef& ref);
  void check_cycles();
  void check_times();

  void build_top_level();

  bool speaks_v1_ = false;
  bool speaks_v2_ = false;
  std::map<std::string, IdInfo> ids_;
  // Event refs written as a bare id (resolved to an action or expectation later), by pointer.
  std::set<std::string> bare_refs_;
  // Resolves %default and also= for build_conns (builder_hosts.cc).
  friend class ConnMerger;
};

// Splits "a, b!" into proposals, reporting misplaced '!' and empty entries.
std::vector<std::string> split_proposals(std::string_view text, const std::string& pointer,
                                         Collector& out);

}  // namespace ikesuite::harness::detail
