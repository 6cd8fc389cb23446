// Validation against the JSON Schema with valijson, and the translation of valijson's
// generic messages ("Value type not permitted by 'type' constraint.") into precise ones
// ("expected a duration: ..., got true"), located at the offending value or key. The schema
// avoids oneOf/anyOf on purpose, so every error valijson reports sits at a leaf.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/base/result.h"
#include "harness/scenario/diagnostics.h"

namespace ikesuite::harness::detail {

class CompiledSchema;

// The schema from `path`, or the built-in one when `path` is empty; compiled once and kept.
Result<std::shared_ptr<const CompiledSchema>> load_schema(const std::string& path);

void check_schema(const CompiledSchema& schema, const nlohmann::json& instance, Collector& out);

// The schema document itself (for tests comparing it with the C++ tables).
const nlohmann::json& schema_document(const CompiledSchema& schema);

}  // namespace ikesuite::harness::detail
