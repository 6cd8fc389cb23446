#include "reports/src/json.h"

#include <cctype>
#include <limits>
#include <type_traits>

#include "reports/src/output.h"

namespace ikesuite::reports {

using json = nlohmann::ordered_json;

namespace {

template <typename T>
json optional_value(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// --- reading -------------------------------------------------------------------------------
// A reader per model type. Each checks the JSON type (and range, for integers) of every value
// it takes, so a results.json edited by hand or written by another tool fails with the path
// of the bad value instead of being half read. Missing keys and nulls keep the defaults, which
// lets a reader of schema 1 take a document that a later writer extended with new keys.

Error bad_value(const std::string& path, const std::string& expected, const json& found) {
  std::string what = found.type_name();
  if (found.is_primitive() && !found.is_null()) what += " " + found.dump(-1, ' ', false, json::error_handler_t::replace);
  if (what.size() > 80) what = what.substr(0, 77) + "...";
  return Error(ErrorCode::kMalformed, path + ": expected " + expected + ", found " + what);
}

Status read(const json& j, const std::string& path, std::string& out) {
  if (!j.is_string()) return bad_value(path, "a string", j);
  out = j.get<std::string>();
  return ok_status();
}

Status read(const json& j, const std::string& path, bool& out) {
  if (!j.is_boolean()) return bad_value(path, "true or false", j);
  out = j.get<bool>();
  return ok_status();
}

Status read(const json& j, const std::string& path, double& out) {
  if (!j.is_number()) return bad_value(path, "a number", j);
  out = j.get<double>();
  return ok_status();
}

// Integers: only JSON integers (not 1.5, not "1") inside the range of the field.
template <typename T>
  requires std::is_integral_v<T> && (!std::is_same_v<T, bool>)
Status read(const json& j, const std::string& path, T& out) {
  constexpr auto kMax = std::numeric_limits<T>::max();
  constexpr auto kMin = std::numeric_limits<T>::min();
  std::string expected = std::is_signed_v<T>
                             ? "an integer from " + std::to_string(kMin) + " to " + std::to_string(kMax)
                             : "an unsigned integer up to " + std::to_string(kMax);
  if (j.is_number_unsigned()) {
    auto v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(kMax)) return bad_value(path, expected, j);
    out = static_cast<T>(v);
    return ok_status();
  }
  if (j.is_number_integer()) {
    auto v = j.get<int64_t>();
    if constexpr (std::is_signed_v<T>) {
      if (v < static_cast<int64_t>(kMin) || v > static_cast<int64_t>(kMax))
        return bad_value(path, expected, j);
    } else {
      if (v < 0) return bad_value(path, expected, j);
    }
    out = static_cast<T>(v);
    return ok_status();
  }
  return bad_value(path, expected, j);
}

template <typename T>
Status read(const json& j, const std::string& path, std::vector<T>& out);
template <typename T>
Status read(const json& j, const std::string& path, std::optional<T>& out);
Status read(const json& j, const std::string& path, std::map<std::string, std::string>& out);
Status read(const json& j, const std::string& path, WireMessage& m);
Status read(const json& j, const std::string& path, Event& e);
Status read(const json& j, const std::string& path, Expectation& e);
Status read(const json& j, const std::string& path, HostInfo& h);
Status read(const json& j, const std::string& path, ScenarioResult& s);
Status read(const json& j, const std::string& path, RunResult& r);

template <typename T>
Status read(const json& j, const std::string& path, std::vector<T>& out) {
  if (!j.is_array()) return bad_value(path, "an array", j);
  out.clear();
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    T value{};
    TRY(read(j[i], path + "[" + std::to_string(i) + "]", value));
    out.push_back(std::move(value));
  }
  return ok_status();
}

template <typename T>
Status read(const json& j, const std::string& path, std::optional<T>& out) {
  if (j.is_null()) {
    out.reset();
    return ok_status();
  }
  T value{};
  TRY(read(j, path, value));
  out = std::move(value);
  return ok_status();
}

// JSON object keys as a path component: $.artifacts["log:moon"].
std::string member_path(const std::string& path, const std::string& key) {
  bool plain = !key.empty();
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) plain = false;
  if (plain) return path + "." + key;
  json quoted = key;
  return path + "[" + quoted.dump(-1, ' ', false, json::error_handler_t::replace) + "]";
}

Status read(const json& j, const std::string& path, std::map<std::string, std::string>& out) {
  if (!j.is_object()) return bad_value(path, "an object", j);
  out.clear();
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string value;
    TRY(read(it.value(), member_path(path, it.key()), value));
    out[it.key()] = std::move(value);
  }
  return ok_status();
}

// A member of an object: absent or null leaves `out` at its default.
template <typename T>
Status field(const json& object, const std::string& path, const char* key, T& out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return ok_status();
  return read(*it, member_path(path, key), out);
}

template <typename T>
Status field(const json& object, const std::string& path, const char* key, std::optional<T>& out) {
  auto it = object.find(key);
  if (it == object.end()) {
    out.reset();
    return ok_status();
  }
  return read(*it, member_path(path, key), out);
}

Status read(const json& j, const std::string& path, WireMessage& m) {
  if (!j.is_object()) return bad_value(path, "a message object", j);
  m = WireMessage{};
  TRY(field(j, path, "t", m.t));
  TRY(field(j, path, "from", m.from));
  TRY(field(j, path, "to", m.to));
  TRY(field(j, path, "src", m.src));
  TRY(field(j, path, "dst", m.dst));
  TRY(field(j, path, "ike_version", m.ike_version));
  TRY(field(j, path, "exchange", m.exchange));
  TRY(field(j, path, "response", m.response));
  TRY(field(j, path, "message_id", m.message_id));
  TRY(field(j, path, "payloads", m.payloads));
  TRY(field(j, path, "summary", m.summary));
  TRY(field(j, path, "bytes", m.bytes));
  TRY(field(j, path, "fate", m.fate));
  TRY(field(j, path, "retransmit", m.retransmit));
  TRY(field(j, path, "encrypted", m.encrypted));
  TRY(field(j, path, "decrypted", m.decrypted));
  TRY(field(j, path, "frame", m.frame));
  TRY(field(j, path, "note", m.note));
  return ok_status();
}

Status read(const json& j, const std::string& path, Event& e) {
  if (!j.is_object()) return bad_value(path, "an event object", j);
  e = Event{};
  TRY(field(j, path, "t", e.t));
  TRY(field(j, path, "host", e.host));
  TRY(field(j, path, "kind", e.kind));
  TRY(field(j, path, "text", e.text));
  TRY(field(j, path, "level", e.level));
  return ok_status();
}

Status read(const json& j, const std::string& path, Expectation& e) {
  if (!j.is_object()) return bad_value(path, "an expectation object", j);
  e = Expectation{};
  TRY(field(j, path, "id", e.id));
  TRY(field(j, path, "description", e.description));
  TRY(field(j, path, "rfc", e.rfc));
  TRY(field(j, path, "passed", e.passed));
  TRY(field(j, path, "expected", e.expected));
  TRY(field(j, path, "actual", e.actual));
  TRY(field(j, path, "t", e.t));
  TRY(field(j, path, "related_messages", e.related_messages));
  TRY(field(j, path, "known_deviation", e.known_deviation));
  return ok_status();
}

Status read(const json& j, const std::string& path, HostInfo& h) {
  if (!j.is_object()) return bad_value(path, "a host object", j);
  h = HostInfo{};
  TRY(field(j, path, "name", h.name));
  TRY(field(j, path, "implementation", h.implementation));
  TRY(field(j, path, "version", h.version));
  TRY(field(j, path, "addresses", h.addresses));
  return ok_status();
}

Status read(const json& j, const std::string& path, ScenarioResult& s) {
  if (!j.is_object()) return bad_value(path, "a scenario object", j);
  s = ScenarioResult{};
  TRY(field(j, path, "name", s.name));
  TRY(field(j, path, "file", s.file));
  // "group" is derived from "file" and not read back.
  TRY(field(j, path, "description", s.description));
  TRY(field(j, path, "references", s.references));
  TRY(field(j, path, "tags", s.tags));
  TRY(field(j, path, "status", s.status));
  TRY(field(j, path, "error", s.error));
  TRY(field(j, path, "wall_seconds", s.wall_seconds));
  TRY(field(j, path, "virtual_seconds", s.virtual_seconds));
  TRY(field(j, path, "seed", s.seed));
  TRY(field(j, path, "mode", s.mode));
  TRY(field(j, path, "hosts", s.hosts));
  TRY(field(j, path, "messages", s.messages));
  TRY(field(j, path, "events", s.events));
  TRY(field(j, path, "expectations", s.expectations));
  TRY(field(j, path, "artifacts", s.artifacts));
  TRY(field(j, path, "notes", s.notes));
  return ok_status();
}

Status read(const json& j, const std::string& path, RunResult& r) {
  if (!j.is_object()) return bad_value(path, "a results object", j);
  r = RunResult{};
  TRY(field(j, path, "tool_version", r.tool_version));
  TRY(field(j, path, "started_at", r.started_at));
  TRY(field(j, path, "mode", r.mode));
  TRY(field(j, path, "seed", r.seed));
  TRY(field(j, path, "wall_seconds", r.wall_seconds));
  TRY(field(j, path, "command", r.command));
  // "counts" is derived from the scenarios and not read back.
  TRY(field(j, path, "scenarios", r.scenarios));
  return ok_status();
}

template <typename T>
void read_or_throw(const json& j, T& out) {
  auto status = read(j, "$", out);
  if (!status.ok()) throw json::other_error::create(501, status.error().reason(), &j);
}

}  // namespace

// --- writing -------------------------------------------------------------------------------

void to_json(json& j, const WireMessage& m) {
  j = json{{"t", m.t},
           {"from", m.from},
           {"to", m.to},
           {"src", m.src},
           {"dst", m.dst},
           {"ike_version", m.ike_version},
           {"exchange", m.exchange},
           {"response", m.response},
           {"message_id", m.message_id},
           {"payloads", m.payloads},
           {"summary", m.summary},
           {"bytes", m.bytes},
           {"fate", m.fate},
           {"retransmit", m.retransmit},
           {"encrypted", m.encrypted},
           {"decrypted", m.decrypted},
           {"frame", optional_value(m.frame)},
           {"note", m.note}};
}

void to_json(json& j, const Event& e) {
  j = json{{"t", e.t}, {"host", e.host}, {"kind", e.kind}, {"text", e.text}, {"level", e.level}};
}

void to_json(json& j, const Expectation& e) {
  j = json{{"id", e.id},
           {"description", e.description},
           {"rfc", e.rfc},
           {"passed", e.passed},
           {"expected", e.expected},
           {"actual", e.actual},
           {"t", optional_value(e.t)},
           {"related_messages", e.related_messages},
           {"known_deviation", e.known_deviation}};
}

void to_json(json& j, const HostInfo& h) {
  j = json{{"name", h.name},
           {"implementation", h.implementation},
           {"version", h.version},
           {"addresses", h.addresses}};
}

void to_json(json& j, const ScenarioResult& s) {
  j = json{{"name", s.name},
           {"file", s.file},
           {"group", scenario_group(s)},
           {"description", s.description},
           {"references", s.references},
           {"tags", s.tags},
           {"status", s.status},
           {"error", s.error},
           {"wall_seconds", s.wall_seconds},
           {"virtual_seconds", s.virtual_seconds},
           {"seed", s.seed},
           {"mode", s.mode},
           {"hosts", s.hosts},
           {"messages", s.messages},
           {"events", s.events},
           {"expectations", s.expectations},
           {"artifacts", s.artifacts},
           {"notes", s.notes}};
}

void to_json(json& j, const RunResult& r) {
  Counts c = r.counts();
  j = json{{"schema_version", kSchemaVersion},
           {"tool_version", r.tool_version},
           {"started_at", r.started_at},
           {"mode", r.mode},
           {"seed", r.seed},
           {"wall_seconds", r.wall_seconds},
           {"command", r.command},
           {"counts",
            json{{"total", c.total},
                 {"passed", c.passed},
                 {"failed", c.failed},
                 {"errors", c.errors},
                 {"skipped", c.skipped}}},
           {"scenarios", r.scenarios}};
}

void from_json(const json& j, WireMessage& m) { read_or_throw(j, m); }
void from_json(const json& j, Event& e) { read_or_throw(j, e); }
void from_json(const json& j, Expectation& e) { read_or_throw(j, e); }
void from_json(const json& j, HostInfo& h) { read_or_throw(j, h); }
void from_json(const json& j, ScenarioResult& s) { read_or_throw(j, s); }
void from_json(const json& j, RunResult& r) { read_or_throw(j, r); }

std::string render_json(const RunResult& run) {
  json j = run;
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<RunResult> parse_run_result(std::string_view text) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 2: ...".
    std::string what = e.what();
    auto bracket = what.find("] ");
    return Error(ErrorCode::kMalformed,
                 "not valid JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)),
                 e.byte == 0 ? 0 : e.byte - 1);
  }
  if (!j.is_object()) return bad_value("$", "a results object", j);
  auto version = j.find("schema_version");
  if (version == j.end()) return Error(ErrorCode::kMalformed, "no schema_version: not an ikesuite results file");
  if (!version->is_number_integer()) return bad_value("$.schema_version", "an integer", *version);
  if (version->get<int64_t>() != kSchemaVersion)
    return Error(ErrorCode::kUnsupported, "schema_version " + version->dump() +
                                              " (this ikesuite reads version " +
                                              std::to_string(kSchemaVersion) + ")");
  RunResult run;
  TRY(read(j, "$", run));
  return run;
}

Status write_json(const RunResult& run, const std::string& path) {
  return write_file_atomically(path, render_json(run));
}

Result<RunResult> read_json(const std::string& path) {
  TRY_ASSIGN(std::string text, read_file(path));
  auto run = parse_run_result(text);
  if (!run.ok()) return std::move(run).error().within(path);
  return run;
}

}  // namespace ikesuite::reports
