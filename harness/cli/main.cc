// The ikesuite command: one subcommand per job.
//   ikesuite list [PATH...]    scenarios with their name, tags and what they prove
//   ikesuite check [PATH...]   validate scenario files; every error with file:line:col
//   ikesuite run ...           (not available yet)
//   ikesuite decode ...        (not available yet)
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/discover.h"
#include "harness/scenario/loader.h"

namespace {

using namespace ikesuite::harness;

// Exit codes: 0 fine, 1 scenario errors, 2 usage errors, unreadable paths, unavailable commands.
constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUnavailable = 2;

std::vector<std::string> resolve_paths(const std::vector<std::string>& given, int* status) {
  std::vector<std::string> paths = given;
  if (paths.empty()) paths.push_back(default_scenario_dir());
  auto found = discover_scenarios(paths);
  if (!found.ok()) {
    std::cerr << "ikesuite: " << found.error().reason() << "\n";
    *status = kExitUnavailable;
    return {};
  }
  return *found;
}

LoadOptions load_options() {
  LoadOptions options;
  // engine/crypto's parser: unknown algorithms are reported with its message.
  options.proposal_check = crypto_proposal_check();
  return options;
}

int run_list(const std::vector<std::string>& given, const std::vector<std::string>& tags, bool long_form) {
  int status = kExitOk;
  auto files = resolve_paths(given, &status);
  if (status != kExitOk) return status;
  struct Row {
    std::string name, tags, summary, file;
    bool ok;
  };
  std::vector<Row> rows;
  size_t name_width = 4, tag_width = 4;
  LoadOptions options = load_options();
  for (const auto& file : files) {
    LoadResult r = load_scenario(file, options);
    Row row;
    row.file = file;
    row.ok = r.ok();
    if (!r.ok()) {
      row.name = file;
      row.summary = "(invalid: " + std::to_string(r.errors() + r.suppressed) + " error" +
                    (r.errors() + r.suppressed == 1 ? "" : "s") + "; see `ikesuite check " + file + "`)";
      if (!tags.empty()) continue;
    } else {
      const Scenario& s = *r.scenario;
      bool wanted = std::all_of(tags.begin(), tags.end(), [&](const std::string& t) {
        return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end();
      });
      if (!wanted) continue;
      row.name = s.name;
      for (const auto& t : s.tags) row.tags += (row.tags.empty() ? "" : ",") + t;
      row.summary = s.summary();
    }
    if (!row.ok) status = kExitInvalid;
    name_width = std::max(name_width, row.name.size());
    tag_width = std::max(tag_width, row.tags.size());
    rows.push_back(std::move(row));
  }
  for (const auto& row : rows) {
    if (long_form) {
      std::cout << row.name << "  (" << row.file << ")\n";
      if (!row.tags.empty()) std::cout << "  tags: " << row.tags << "\n";
      std::cout << "  " << row.summary << "\n";
      continue;
    }
    std::string line = row.name + std::string(name_width - row.name.size() + 2, ' ') + row.tags +
                       std::string(tag_width - row.tags.size() + 2, ' ') + row.summary;
    std::cout << line << "\n";
  }
  return status;
}

int run_check(const std::vector<std::string>& given, bool quiet, bool werror, size_t max_errors,
              bool require_files, const std::string& schema) {
  int status = kExitOk;
  auto files = resolve_paths(given, &status);
  if (status != kExitOk) return status;
  LoadOptions options = load_options();
  options.max_errors = max_errors;
  options.check_files = require_files;
  options.schema_path = schema;
  size_t errors = 0, warnings = 0, bad_files = 0;
  for (const auto& file : files) {
    LoadResult r = load_scenario(file, options);
    size_t file_errors = r.errors() + r.suppressed;
    for (const auto& d : r.diagnostics) {
      if (quiet && d.severity == Severity::kWarning) continue;
      std::cout << d.format() << "\n";
    }
    if (r.suppressed > 0)
      std::cout << file << ": " << r.suppressed << " more error" << (r.suppressed == 1 ? "" : "s")
                << " not shown (--max-errors " << max_errors << ")\n";
    errors += file_errors;
    warnings += r.warnings();
    if (file_errors > 0 || (werror && r.warnings() > 0)) ++bad_files;
  }
  if (!quiet || errors > 0) {
    std::cout << files.size() << " scenario file" << (files.size() == 1 ? "" : "s") << " checked: " << errors
              << " error" << (errors == 1 ? "" : "s") << ", " << warnings << " warning" << (warnings == 1 ? "" : "s")
              << "\n";
  }
  return bad_files > 0 ? kExitInvalid : kExitOk;
}

int unavailable(const std::string& command) {
  std::cerr << "ikesuite " << command << ": not available yet\n";
  return kExitUnavailable;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ikesuite: IPsec IKE (IKEv1 + IKEv2) conformance and fuzzing test suite"};
  app.set_version_flag("--version", "ikesuite 0.1.0");
  app.require_subcommand(1);
  app.fallthrough(false);

  int status = kExitOk;

  std::vector<std::string> list_paths;
  std::vector<std::string> list_tags;
  bool list_long = false;
  auto* list = app.add_subcommand("list", "List scenarios: name, tags and what each proves");
  list->add_option("paths", list_paths, "Scenario files or folders (default: scenarios/)");
  list->add_option("--tag", list_tags, "Only scenarios with this tag (repeatable)");
  list->add_flag("-l,--long", list_long, "One paragraph per scenario, with its file");
  list->callback([&] { status = run_list(list_paths, list_tags, list_long); });

  std::vector<std::string> check_paths;
  bool check_quiet = false, check_werror = false, check_files = false;
  size_t check_max = 50;
  std::string check_schema;
  auto* check = app.add_subcommand("check", "Validate scenario files (schema and semantics); exit 1 on errors");
  check->add_option("paths", check_paths, "Scenario files or folders (default: scenarios/)");
  check->add_flag("-q,--quiet", check_quiet, "Print errors only, no warnings and no summary when clean");
  check->add_flag("--werror", check_werror, "Treat warnings as errors");
  check->add_flag("--require-files", check_files, "Certificate, key and CA files must exist");
  check->add_option("--max-errors", check_max, "Errors reported per file (default 50)")->check(CLI::PositiveNumber);
  check->add_option("--schema", check_schema, "Validate against this schema instead of the built-in one");
  check->callback([&] { status = run_check(check_paths, check_quiet, check_werror, check_max, check_files, check_schema); });

  auto* run = app.add_subcommand("run", "Run scenarios and write reports (not available yet)");
  run->allow_extras();
  run->callback([&] { status = unavailable("run"); });

  auto* decode = app.add_subcommand("decode", "Decode IKE messages from a pcap (not available yet)");
  decode->allow_extras();
  decode->callback([&] { status = unavailable("decode"); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; CLI11's own codes for usage errors become ours (2).
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUnavailable;
  }
  return status;
}
