// results.json: the run-result model as versioned, stable JSON (docs/reports.md describes
// every field). Keys are written in a fixed order and every key is always present (null
// where a value is absent), so two runs diff cleanly. Readers ignore keys they do not know,
// fill defaults for keys that are missing or null, refuse a value of the wrong type or range
// (naming its JSON path) and refuse another schema_version.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/base/result.h"
#include "reports/src/model.h"

namespace ikesuite::reports {

// nlohmann conversions (ADL), for embedding the model in other JSON documents. from_json
// checks exactly as parse_run_result() does and throws nlohmann::json::other_error (id 501)
// with the same message on a bad value; parse_run_result() itself throws nothing.
void to_json(nlohmann::ordered_json& j, const WireMessage& m);
void to_json(nlohmann::ordered_json& j, const Event& e);
void to_json(nlohmann::ordered_json& j, const Expectation& e);
void to_json(nlohmann::ordered_json& j, const HostInfo& h);
void to_json(nlohmann::ordered_json& j, const ScenarioResult& s);
void to_json(nlohmann::ordered_json& j, const RunResult& r);
void from_json(const nlohmann::ordered_json& j, WireMessage& m);
void from_json(const nlohmann::ordered_json& j, Event& e);
void from_json(const nlohmann::ordered_json& j, Expectation& e);
void from_json(const nlohmann::ordered_json& j, HostInfo& h);
void from_json(const nlohmann::ordered_json& j, ScenarioResult& s);
void from_json(const nlohmann::ordered_json& j, RunResult& r);

// The document, indented by 2, ending in a newline. Invalid UTF-8 in any string is replaced
// by U+FFFD rather than failing the write.
std::string render_json(const RunResult& run);

// Parses a results.json document. kMalformed for invalid JSON (with the byte offset) or a
// value of the wrong type or range (the reason names its JSON path, e.g.
// "$.scenarios[0].messages[3].message_id: expected an unsigned integer up to 4294967295,
// found -1"); kUnsupported for another schema_version.
Result<RunResult> parse_run_result(std::string_view text);

// Writes results.json atomically (temporary file + rename).
Status write_json(const RunResult& run, const std::string& path);
Result<RunResult> read_json(const std::string& path);

}  // namespace ikesuite::reports
