#include "harness/scenario/schema_check.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "harness/scenario/values.h"

namespace ikesuite::harness::detail {

using json = nlohmann::json;

class CompiledSchema {
 public:
  json document;
  valijson::Schema schema;
};

namespace {

Result<std::shared_ptr<const CompiledSchema>> compile(const std::string& text,
                                                      const std::string& origin) {
  auto compiled = std::make_shared<CompiledSchema>();
  try {
    compiled->document = json::parse(text);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(compiled->document);
    parser.populateSchema(adapter, compiled->schema);
  } catch (const std::exception& e) {
    return Error(ErrorCode::kConfig, origin + ": not a usable JSON Schema: " + e.what());
  }
  return std::shared_ptr<const CompiledSchema>(std::move(compiled));
}

// ---- walking the schema alongside the instance ------------------------------------------

const json* resolve(const json& root, const json* node) {
  for (int hops = 0; node && node->is_object() && node->contains("$ref") && hops < 32; ++hops) {
    const auto& ref = (*node)["$ref"];
    if (!ref.is_string()) return node;
    std::string target = ref.get<std::string>();
    if (target.rfind("#", 0) != 0) return node;
    try {
      node = &root.at(json::json_pointer(target.substr(1)));
    } catch (const std::exception&) {
      return nullptr;
    }
  }
  return node;
}

// The subschema that governs `token` inside `parent_schema`, given the instance's parent.
const json* child_schema(const json& root, const json* parent_schema, const json& parent,
                         const std::string& token) {
  const json* s = resolve(root, parent_schema);
  if (!s || !s->is_object()) return nullptr;
  if (parent.is_object()) {
    if (s->contains("properties") && (*s)["properties"].contains(token))
      return &(*s)["properties"][token];
    if (s->contains("additionalProperties") && (*s)["additionalProperties"].is_object())
      return &(*s)["additionalProperties"];
    return nullptr;
  }
  if (parent.is_array() && s->contains("items") && (*s)["items"].is_object())
    return &(*s)["items"];
  return nullptr;
}

struct Located {
  std::string pointer;
  const json* value = nullptr;   // the instance value, if it exists
  const json* schema = nullptr;  // the governing subschema, resolved
};

// valijson's context is "<root>", then "[key]" or "[index]" per level; keys and indexes look
// alike, so the instance decides which it is.
Located locate(const json& schema_root, const json& instance,
               const std::vector<std::string>& context) {
  Located out;
  const json* value = &instance;
  const json* schema = &schema_root;
  for (const auto& part : context) {
    if (part == "<root>") continue;
    std::string token = part.size() >= 2 && part.front() == '[' && part.back() == ']'
                            ? part.substr(1, part.size() - 2)
                            : part;
    const json* next_schema = value ? child_schema(schema_root, schema, *value, token) : nullptr;
    const json* next_value = nullptr;
    if (value && value->is_object()) {
      auto it = value->find(token);
      if (it != value->end()) next_value = &*it;
      out.pointer = json_pointer_append(out.pointer, token);
    } else if (value && value->is_array()) {
      size_t index = 0;
      try {
        index = std::stoul(token);
      } catch (const std::exception&) {
      }
      if (index < value->size()) next_value = &(*value)[index];
      out.pointer = json_pointer_append(out.pointer, index);
    } else {
      out.pointer = json_pointer_append(out.pointer, token);
    }
    value = next_value;
    schema = next_schema;
  }
  out.value = value;
  out.schema = resolve(schema_root, schema);
  return out;
}

// ---- messages ---------------------------------------------------------------------------

std::string describe_value(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::string: {
      std::string s = v.get<std::string>();
      if (s.size() > 60) s = s.substr(0, 57) + "...";
      return "'" + s + "'";
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return v.dump();
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    default: return "a value";
  }
}

std::string type_phrase(const std::string& t) {
  if (t == "number") return "a number";
  if (t == "integer") return "an integer";
  if (t == "string") return "a string";
  if (t == "boolean") return "true or false";
  if (t == "object") return "an object";
  if (t == "array") return "an array";
  if (t == "null") return "null";
  return t;
}

// Definitions describe themselves as noun phrases ("a duration: ..."); property
// descriptions are sentences. Only the former reads well after "expected".
std::optional<std::string> noun_description(const json* schema) {
  if (!schema || !schema->is_object() || !schema->contains("description")) return std::nullopt;
  const auto& d = (*schema)["description"];
  if (!d.is_string()) return std::nullopt;
  std::string s = d.get<std::string>();
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return std::nullopt;
  return s;
}

std::string expected_phrase(const json* schema) {
  if (auto d = noun_description(schema)) return *d;
  if (!schema || !schema->contains("type")) return "another value";
  const auto& t = (*schema)["type"];
  if (t.is_string()) return type_phrase(t.get<std::string>());
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (i) out += i + 1 == t.size() ? " or " : ", ";
    out += type_phrase(t[i].get<std::string>());
  }
  return out;
}

std::string format_number(const json& n) {
  if (n.is_number_float()) {
    double d = n.get<double>();
    if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  }
  return n.dump();
}

std::vector<std::string> enum_strings(const json* schema) {
  std::vector<std::string> out;
  if (!schema || !schema->contains("enum")) return out;
  for (const auto& e : (*schema)["enum"]) out.push_back(e.is_string() ? e.get<std::string>() : e.dump());
  return out;
}

// "for action 'initiate'" when the object is an action or a check, for missing keys.
std::string discriminator(const json* value) {
  if (!value || !value->is_object()) return "";
  for (const char* key : {"action", "check", "impair"}) {
    auto it = value->find(key);
    if (it != value->end() && it->is_string())
      return std::string(" (") + key + " '" + it->get<std::string>() + "' needs it)";
  }
  return "";
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// Pulls the quoted name out of "...: 'foo'." / "Missing required property 'foo'."
std::string quoted_name(const std::string& message) {
  auto end = message.rfind('\'');
  if (end == std::string::npos || end == 0) return "";
  auto start = message.rfind('\'', end - 1);
  if (start == std::string::npos) return "";
  return message.substr(start + 1, end - start - 1);
}

void translate(const json& schema_root, const json& instance,
               const valijson::ValidationResults::Error& e, Collector& out) {
  const std::string& m = e.description;
  // Wrappers repeat a leaf error one level up; the leaf says it better.
  if (starts_with(m, "Failed to validate") || starts_with(m, "Failed to any values")) return;
  Located at = locate(schema_root, instance, e.context);
  const json* value = at.value;

  if (starts_with(m, "Object contains a property that could not be validated")) {
    // valijson names only the first unknown key of an object; report them all.
    std::vector<std::string> keys;
    std::vector<std::string> known;
    if (at.schema && at.schema->contains("properties"))
      for (const auto& [k, unused] : (*at.schema)["properties"].items()) known.push_back(k);
    if (value && value->is_object() && at.schema && at.schema->contains("properties")) {
      for (const auto& [k, unused] : value->items())
        if (std::find(known.begin(), known.end(), k) == known.end()) keys.push_back(k);
    }
    if (keys.empty()) keys.push_back(quoted_name(m));
    for (const auto& key : keys)
      out.schema_error(json_pointer_append(at.pointer, key), true,
                       "unknown key '" + key + "'" + did_you_mean(key, known));
    return;
  }
  if (starts_with(m, "Missing required property")) {
    out.schema_error(at.pointer, false,
                     "missing required key '" + quoted_name(m) + "'" + discriminator(value));
    return;
  }
  if (starts_with(m, "Value type not permitted")) {
    out.schema_error(at.pointer, false,
                     "expected " + expected_phrase(at.schema) + ", got " +
                         (value ? describe_value(*value) : std::string("another type")));
    return;
  }
  if (starts_with(m, "Failed to match against any enum values")) {
    auto options = enum_strings(at.schema);
    std::string text = value ? describe_value(*value) : "the value";
    std::string hint = value && value->is_string() ? did_you_mean(value->get<std::string>(), options) : "";
    std::string list;
    for (size_t i = 0; i < options.size(); ++i) list += (i ? ", " : "") + options[i];
    out.schema_error(at.pointer, false, text + " is not one of: " + list + hint);
    return;
  }
  if (starts_with(m, "Failed to match regex specified by 'pattern'")) {
    std::string text = value ? describe_value(*value) : "the value";
    if (auto d = noun_description(at.schema)) {
      out.schema_error(at.pointer, false, text + " is not " + *d);
    } else {
      std::string pattern = at.schema && at.schema->contains("pattern")
                                ? (*at.schema)["pattern"].get<std::string>()
                                : "the expected pattern";
      out.schema_error(at.pointer, false, text + " does not match " + pattern);
    }
    return;
  }
  if (starts_with(m, "Expected number")) {
    std::string text = value ? describe_value(*value) : "the value";
    const json* s = at.schema;
    if (s && (m.find("greater than or equal") != std::string::npos) && s->contains("minimum")) {
      out.schema_error(at.pointer, false, text + " is below the minimum " + format_number((*s)["minimum"]));
    } else if (s && m.find("greater than") != std::string::npos && s->contains("exclusiveMinimum")) {
      out.schema_error(at.pointer, false,
                       text + " must be greater than " + format_number((*s)["exclusiveMinimum"]));
    } else if (s && m.find("less than or equal") != std::string::npos && s->contains("maximum")) {
      out.schema_error(at.pointer, false, text + " is above the maximum " + format_number((*s)["maximum"]));
    } else {
      out.schema_error(at.pointer, false, text + ": " + m);
    }
    return;
  }
  if (starts_with(m, "String should be no fewer than")) {
    size_t n = at.schema && at.schema->contains("minLength") ? (*at.schema)["minLength"].get<size_t>() : 1;
    out.schema_error(at.pointer, false,
                     n == 1 ? std::string("must not be empty")
                            : "must be at least " + std::to_string(n) + " characters long");
    return;
  }
  if (starts_with(m, "Array should contain no fewer than") || starts_with(m, "Object should have no fewer than")) {
    const char* key = starts_with(m, "Array") ? "minItems" : "minProperties";
    size_t n = at.schema && at.schema->contains(key) ? (*at.schema)[key].get<size_t>() : 1;
    out.schema_error(at.pointer, false,
                     n == 1 ? std::string("must not be empty")
                            : "needs at least " + std::to_string(n) + " entries");
    return;
  }
  if (starts_with(m, "Array should contain no more than")) {
    size_t n = at.schema && at.schema->contains("maxItems") ? (*at.schema)["maxItems"].get<size_t>() : 0;
    out.schema_error(at.pointer, false, "takes at most " + std::to_string(n) + " entries");
    return;
  }
  if (starts_with(m, "Elements at indexes #")) {
    // "Elements at indexes #0 and #2 violate uniqueness constraint."
    size_t first = 0, second = 0;
    if (std::sscanf(m.c_str(), "Elements at indexes #%zu and #%zu", &first, &second) == 2) {
      out.schema_error(json_pointer_append(at.pointer, second), false,
                       "repeats " + json_pointer_append(at.pointer, first));
      return;
    }
  }
  out.schema_error(at.pointer, false, m);
}

}  // namespace

Result<std::shared_ptr<const CompiledSchema>> load_schema(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const CompiledSchema>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(path);
  if (it != cache.end()) return it->second;
  std::string text;
  std::string origin = path.empty() ? "built-in schema" : path;
  if (path.empty()) {
    text = std::string(builtin_schema());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error(ErrorCode::kConfig, path + ": cannot read the schema");
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  TRY_ASSIGN(auto compiled, compile(text, origin));
  cache.emplace(path, compiled);
  return compiled;
}

void check_schema(const CompiledSchema& schema, const json& instance, Collector& out) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(instance);
  try {
    validator.validate(schema.schema, adapter, &results);
  } catch (const std::exception& e) {
    out.error("", std::string("schema validation failed: ") + e.what());
    return;
  }
  for (const auto& e : results) translate(schema.document, instance, e, out);
}

const json& schema_document(const CompiledSchema& schema) { return schema.document; }

}  // namespace ikesuite::harness::detail
