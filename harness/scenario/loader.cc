// The loader's driver (read, parse, index, schema, build) and the builder's shared helpers
// and top-level keys.
#include "harness/scenario/loader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/scenario/builder.h"
#include "harness/scenario/schema_check.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness {

std::string_view name(ProposalKind k) {
  switch (k) {
    case ProposalKind::kIke: return "ike";
    case ProposalKind::kEsp: return "esp";
    case ProposalKind::kAh: return "ah";
  }
  return "?";
}

Status check_proposal_syntax(ProposalKind kind, IkeVersion version, std::string_view proposal) {
  (void)kind;
  (void)version;
  if (proposal.empty()) return Error(ErrorCode::kConfig, "empty proposal");
  size_t start = 0;
  while (true) {
    size_t dash = proposal.find('-', start);
    std::string_view token = proposal.substr(start, dash == std::string_view::npos ? proposal.npos : dash - start);
    if (token.empty())
      return Error(ErrorCode::kConfig, "empty algorithm in proposal '" + std::string(proposal) + "'");
    for (char c : token) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
      if (!ok)
        return Error(ErrorCode::kConfig, "invalid character '" + std::string(1, c) +
                                             "' in proposal '" + std::string(proposal) +
                                             "' (algorithms are lowercase keywords joined by '-')");
    }
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  return ok_status();
}

namespace detail {

// ---- shared helpers ---------------------------------------------------------------------

std::vector<std::pair<std::string, const json*>> Builder::members(const json& obj,
                                                                  const std::string& pointer) const {
  std::vector<std::pair<std::string, const json*>> out;
  if (!obj.is_object()) return out;
  for (auto it = obj.begin(); it != obj.end(); ++it) out.emplace_back(it.key(), &it.value());
  auto order = [&](const std::pair<std::string, const json*>& m) {
    auto p = positions_.key(json_pointer_append(pointer, m.first));
    return p ? std::make_pair(p->line, p->column) : std::make_pair(0, 0);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const auto& a, const auto& b) { return order(a) < order(b); });
  return out;
}

const json* Builder::get(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(key));
  return it == obj.end() ? nullptr : &*it;
}

std::optional<std::string> Builder::get_string(const json& obj, std::string_view key) const {
  const json* v = get(obj, key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<bool> Builder::get_bool(const json& obj, std::string_view key) const {
  const json* v = get(obj, key);
  if (!v || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

std::optional<int64_t> Builder::get_int(const json& obj, std::string_view key) const {
  const json* v = get(obj, key);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  return std::nullopt;
}

std::optional<uint64_t> Builder::get_uint(const json& obj, std::string_view key) const {
  const json* v = get(obj, key);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  if (v->is_number_integer() && v->get<int64_t>() >= 0) return static_cast<uint64_t>(v->get<int64_t>());
  return std::nullopt;
}

std::optional<double> Builder::get_number(const json& obj, std::string_view key) const {
  const json* v = get(obj, key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

std::optional<bool> Builder::yes_no(const json& v) const {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    auto r = parse_yes_no(v.get<std::string>());
    if (r.ok()) return *r;
  }
  return std::nullopt;
}

std::optional<Duration> Builder::duration(const json& v, const std::string& pointer) {
  Result<Duration> d = Error(ErrorCode::kConfig, "");
  if (v.is_number()) {
    d = duration_from_seconds(v.get<double>());
  } else if (v.is_string()) {
    d = parse_duration(v.get<std::string>());
  } else {
    return std::nullopt;
  }
  if (!d.ok()) {
    out_.value_error(pointer, d.error().reason());
    return std::nullopt;
  }
  return *d;
}

std::optional<double> Builder::probability(const json& v, const std::string& pointer) {
  if (v.is_number()) {
    double p = v.get<double>();
    if (p < 0 || p > 1) return std::nullopt;  // the schema reports the range
    return p;
  }
  if (!v.is_string()) return std::nullopt;
  auto p = parse_probability(v.get<std::string>());
  if (!p.ok()) {
    out_.value_error(pointer, p.error().reason());
    return std::nullopt;
  }
  return *p;
}

std::optional<CountRange> Builder::count(const json& v, const std::string& pointer) {
  if (v.is_number_integer() && v.get<int64_t>() >= 0) return CountRange::exactly(v.get<uint64_t>());
  if (!v.is_object()) return std::nullopt;
  CountRange c{0, std::nullopt};
  auto min = get_uint(v, "min");
  auto max = get_uint(v, "max");
  if (!get(v, "min") && !get(v, "max")) {
    out_.error(pointer, "a count needs \"min\" and/or \"max\"");
    return std::nullopt;
  }
  if (min) c.min = *min;
  if (max) c.max = *max;
  if (min && max && *min > *max) {
    out_.error(json_pointer_append(pointer, "min"),
               "min " + std::to_string(*min) + " is greater than max " + std::to_string(*max));
    return std::nullopt;
  }
  return c;
}

std::vector<std::string> Builder::string_list(const json& v) const {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array()) {
    for (const auto& e : v)
      if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::string Builder::resolve_path(const std::string& relative, const std::string& pointer) {
  namespace fs = std::filesystem;
  fs::path p(relative);
  fs::path resolved = p.is_absolute() ? p : (fs::path(sc_.directory) / p).lexically_normal();
  if (options_.check_files) {
    std::error_code ec;
    if (!fs::exists(resolved, ec))
      out_.value_error(pointer, "no such file: " + resolved.string());
  }
  return resolved.string();
}

namespace {

std::string regex_problem(std::regex_constants::error_type code) {
  using namespace std::regex_constants;
  switch (code) {
    case error_collate: return "invalid collating element";
    case error_ctype: return "invalid character class";
    case error_escape: return "invalid escape or trailing backslash";
    case error_backref: return "invalid back reference";
    case error_brack: return "unmatched '[' or ']'";
    case error_paren: return "unmatched '(' or ')'";
    case error_brace: return "unmatched '{' or '}'";
    case error_badbrace: return "invalid range in '{}'";
    case error_range: return "invalid character range";
    case error_space: return "out of memory";
    case error_badrepeat: return "'*', '+', '?' or '{' with nothing to repeat";
    case error_complexity: return "too complex";
    case error_stack: return "too complex (stack)";
    default: return "invalid";
  }
}

}  // namespace

bool Builder::compile_regex(const std::string& text, const std::string& pointer, std::regex* out) {
  try {
    std::regex re(text, std::regex::ECMAScript);
    if (out) *out = std::move(re);
    return true;
  } catch (const std::regex_error& e) {
    out_.value_error(pointer, "invalid regular expression /" + text + "/: " + regex_problem(e.code()));
    return false;
  }
}

void Builder::check_applicable(const json& obj, const std::string& pointer,
                               std::span<const std::string_view> allowed,
                               std::span<const std::string_view> common, const std::string& what) {
  if (!obj.is_object()) return;
  for (const auto& [key, value] : members(obj, pointer)) {
    (void)value;
    bool ok = std::find(allowed.begin(), allowed.end(), key) != allowed.end() ||
              std::find(common.begin(), common.end(), key) != common.end();
    if (ok) continue;
    std::string takes;
    for (auto k : allowed) takes += (takes.empty() ? "" : ", ") + std::string(k);
    out_.key_error(json_pointer_append(pointer, key),
                   "'" + key + "' does not apply to " + what +
                       (takes.empty() ? std::string(" (it takes no further keys)")
                                      : " (it takes: " + takes + ")"));
  }
}

void Builder::declare_id(const std::string& id, const std::string& pointer, IdInfo::Kind kind,
                         std::string what) {
  if (id.empty()) return;
  bool ok = std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == ':';
  });
  if (!ok) {
    out_.value_error(pointer, "id '" + id + "' may use only letters, digits, '-', '_', '.' and ':'");
    return;
  }
  auto [it, fresh] = ids_.emplace(id, IdInfo{kind, pointer, std::move(what)});
  if (!fresh) {
    auto first = positions_.locate(it->second.pointer);
    out_.value_error(pointer, "id '" + id + "' is already used at line " + std::to_string(first.line) +
                                  " (" + it->second.what + ")");
  }
}

std::vector<std::string> split_proposals(std::string_view text, const std::string& pointer,
                                         Collector& out) {
  std::vector<std::string> list;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    bool last = comma == std::string_view::npos;
    if (item.empty() || item == "!") {
      out.value_error(pointer, "empty proposal in '" + std::string(text) + "'");
    } else {
      auto bang = item.find('!');
      if (bang != std::string_view::npos && (!last || bang + 1 != item.size())) {
        out.value_error(pointer, "'!' (strict) belongs at the very end of the list '" +
                                     std::string(text) + "'");
      }
      list.emplace_back(item);
    }
    if (last) break;
    start = comma + 1;
  }
  return list;
}

Status Builder::check_proposal(ProposalKind kind, IkeVersion version,
                               std::string_view proposal) const {
  if (!proposal.empty() && proposal.back() == '!') proposal.remove_suffix(1);
  if (options_.proposal_check) return options_.proposal_check(kind, version, proposal);
  return check_proposal_syntax(kind, version, proposal);
}

// ---- top level --------------------------------------------------------------------------

void Builder::build_top_level() {
  const json& d = doc_;
  if (auto v = get_string(d, "name")) {
    sc_.name = *v;
    bool ok = std::all_of(v->begin(), v->end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!ok && !v->empty())
      out_.value_error("/name", "a scenario name uses lowercase letters, digits, '-' and '_'");
    std::string stem = std::filesystem::path(sc_.file).stem().string();
    if (ok && !v->empty() && std::filesystem::path(sc_.file).extension() == ".json" && stem != *v)
      out_.warning("/name", "the name '" + *v + "' differs from the file name '" + stem + ".json'");
  }
  if (auto v = get_string(d, "description")) {
    sc_.description = *v;
    bool blank = std::all_of(v->begin(), v->end(), [](char c) { return c == ' ' || c == '\n' || c == '\t'; });
    if (blank && !v->empty()) out_.value_error("/description", "the description must say what the scenario proves");
  }
  if (const json* refs = get(d, "references"); refs && refs->is_array()) {
    for (size_t i = 0; i < refs->size(); ++i) {
      if (!(*refs)[i].is_string()) continue;
      std::string r = (*refs)[i].get<std::string>();
      sc_.references.push_back(r);
      // "RFC 7296 §2.8", "RFC 7296" — a malformed RFC number is most likely a typo.
      if (r.rfind("RFC", 0) == 0) {
        size_t p = 3;
        if (p < r.size() && r[p] == ' ') ++p;
        size_t digits = 0;
        while (p + digits < r.size() && std::isdigit(static_cast<unsigned char>(r[p + digits]))) ++digits;
        if (digits == 0)
          out_.value_error(json_pointer_append("/references", i),
                           "an RFC reference reads \"RFC <number> §<section>\", got '" + r + "'");
      }
    }
  }
  if (const json* tags = get(d, "tags"); tags && tags->is_array()) {
    for (size_t i = 0; i < tags->size(); ++i) {
      if (!(*tags)[i].is_string()) continue;
      std::string t = (*tags)[i].get<std::string>();
      bool ok = std::all_of(t.begin(), t.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      });
      if (!ok && !t.empty())
        out_.value_error(json_pointer_append("/tags", i), "a tag uses lowercase letters, digits, '-' and '_'");
      sc_.tags.push_back(t);
    }
  }
  if (auto v = get_uint(d, "seed")) sc_.seed = *v;
  if (const json* v = get(d, "duration")) {
    if (auto dur = duration(*v, "/duration")) {
      sc_.duration = *dur;
      if (dur->count() == 0) out_.value_error("/duration", "a scenario must run for some time");
    }
  }
  sc_.modes = {RunMode::kSim, RunMode::kNetns};
  if (const json* modes = get(d, "modes"); modes && modes->is_array()) {
    sc_.modes.clear();
    for (const auto& m : *modes) {
      if (!m.is_string()) continue;
      if (m.get<std::string>() == "sim") sc_.modes.insert(RunMode::kSim);
      if (m.get<std::string>() == "netns") sc_.modes.insert(RunMode::kNetns);
    }
  }
}

void Builder::build() {
  build_top_level();
  build_hosts();
  build_network();
  check_conns();
  build_timeline();
  build_expectations();
  check_references();
}

}  // namespace detail

// ---- the driver -------------------------------------------------------------------------

LoadResult load_scenario_text(std::string_view text, const std::string& file,
                              const std::string& directory, const LoadOptions& options) {
  LoadResult result;
  JsonPositions positions = JsonPositions::index(text);
  detail::Collector out(file, &positions, options.max_errors);

  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while
    // parsing value - invalid literal; last read: 'tru,'" -> the part after the position.
    std::string what = e.what();
    auto colon = what.find(": ", what.find("parse error"));
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    // nlohmann counts the position after what it read; the tokenizer stops where the bad
    // token starts, which is where the eye should go. The position makes nlohmann's "last
    // read" echo redundant (and it may hold raw invalid bytes), so it goes.
    TextPosition where = positions.at_offset(e.byte > 0 ? e.byte - 1 : 0);
    if (auto start = positions.syntax_error()) where = *start;
    auto last = reason.find("; last read: ");
    if (last != std::string::npos) {
      auto rest = reason.find("'; ", last + 13);
      reason.erase(last, rest == std::string::npos ? std::string::npos : rest + 1 - last);
    }
    out.error_at(where, "invalid JSON: " + reason);
    result.diagnostics = out.finish(&result.suppressed);
    return result;
  }
  if (auto stop = positions.syntax_error()) {
    // Valid JSON the tokenizer refused: nesting beyond its depth limit. Validating it would
    // recurse as deep, so stop here.
    out.error_at(*stop, "invalid JSON: nested deeper than a scenario can be (512 levels)");
    result.diagnostics = out.finish(&result.suppressed);
    return result;
  }
  if (!doc.is_object()) {
    out.error("", "a scenario is a JSON object");
    result.diagnostics = out.finish(&result.suppressed);
    return result;
  }
  for (const auto& dup : positions.duplicate_keys()) {
    auto tokens = json_pointer_tokens(dup.pointer);
    std::string key = tokens.empty() ? "" : tokens.back();
    out.key_error(dup.pointer, "duplicate key '" + key + "' (first at line " +
                                   std::to_string(dup.first.line) + ", column " +
                                   std::to_string(dup.first.column) + ")");
  }

  auto schema = detail::load_schema(options.schema_path);
  if (!schema.ok()) {
    out.error("", schema.error().reason());
  } else {
    detail::check_schema(**schema, doc, out);
  }

  Scenario scenario;
  scenario.file = file;
  scenario.directory = directory;
  detail::Builder builder(doc, positions, out, options, scenario);
  builder.build();

  if (out.errors() == 0) result.scenario = std::move(scenario);
  result.diagnostics = out.finish(&result.suppressed);
  return result;
}

LoadResult load_scenario(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    LoadResult result;
    detail::Collector out(path, nullptr, options.max_errors);
    out.error_without_position("is a directory, not a scenario file");
    result.diagnostics = out.finish(&result.suppressed);
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    detail::Collector out(path, nullptr, options.max_errors);
    out.error_without_position(std::string("cannot read: ") + std::strerror(errno));
    result.diagnostics = out.finish(&result.suppressed);
    return result;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string directory = std::filesystem::path(path).parent_path().string();
  if (directory.empty()) directory = ".";
  return load_scenario_text(ss.str(), path, directory, options);
}

}  // namespace ikesuite::harness
