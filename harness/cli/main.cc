// The ikesuite command: one subcommand per job.
//   ikesuite list [PATH...]    scenarios with their name, tags and what they prove
//   ikesuite check [PATH...]   validate scenario files; every error with file:line:col
//   ikesuite run [PATH...]     run scenarios (sim mode) and write reports
//   ikesuite decode FILE.pcap  every IKE message of a capture, decrypted where keys are given
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/decode/capture_decode.h"
#include "harness/netns/netns_run.h"
#include "harness/netns/topology.h"
#include "harness/run/runner.h"
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

struct RunArgs {
  std::vector<std::string> paths;
  std::string mode = "sim";
  std::vector<std::string> filters;
  std::optional<uint64_t> seed;
  unsigned jobs = 1;
  std::string shard;
  std::string out = "reports/latest";
  bool keep_going = false;
  double netns_max_duration = 120;
  double netns_tolerance = 1.0;
  std::string ref_hosts = "daemon";
  std::string refd;
  std::vector<std::string> known_deviations;
};

// ike-refd is built next to ikesuite.
std::string default_refd_path() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "ike-refd";
  std::string self(buf, static_cast<size_t>(n));
  return self.substr(0, self.rfind('/') + 1) + "ike-refd";
}

std::string command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) out += (i ? " " : "") + std::string(argv[i]);
  return out;
}

int run_run(const RunArgs& args, const std::string& command) {
  run::RunnerOptions options;
  options.paths = args.paths;
  options.mode = args.mode == "netns" ? RunMode::kNetns : RunMode::kSim;
  options.filters = args.filters;
  options.seed = args.seed;
  options.jobs = std::max(1u, args.jobs);
  options.out = args.out;
  options.keep_going = args.keep_going;
  options.command = command;
  for (const auto& file : args.known_deviations) {
    auto loaded = run::load_peer_deviations(file);
    if (!loaded.ok()) {
      std::cerr << "ikesuite run: " << loaded.error().reason() << "\n";
      return kExitUnavailable;
    }
    options.known_deviations.insert(options.known_deviations.end(), loaded->begin(), loaded->end());
  }
  if (options.mode == RunMode::kNetns) {
    netns::NetnsOptions base;
    base.max_duration = ikesuite::seconds(args.netns_max_duration);
    base.time_tolerance = ikesuite::seconds(args.netns_tolerance);
    base.ref_hosts = args.ref_hosts == "inprocess" ? netns::RefHostMode::kInProcess : netns::RefHostMode::kDaemon;
    base.refd_path = args.refd.empty() ? default_refd_path() : args.refd;
    // SIGINT/SIGTERM end the running scenarios cleanly; namespaces a killed run left go now.
    netns::install_interrupt_handler();
    for (const auto& stale : netns::cleanup_stale_namespaces(base.workroot))
      std::cerr << "ikesuite run: removed " << stale << ", left by an earlier run\n";
    options.netns_runner = [base](const Scenario& s, const std::string& folder, const std::string& root,
                                  const std::vector<run::PeerDeviation>& deviations) {
      netns::NetnsOptions o = base;
      o.folder = folder;
      o.report_root = root;
      o.known_deviations = deviations;
      return netns::run_netns(s, o);
    };
    options.interrupted = [] { return netns::interrupted(); };
  }
  if (!args.shard.empty()) {
    unsigned i = 0, n = 0;
    char slash = 0;
    if (std::sscanf(args.shard.c_str(), "%u%c%u", &i, &slash, &n) != 3 || slash != '/' || n == 0 ||
        i == 0 || i > n) {
      std::cerr << "ikesuite run: --shard wants I/N with 1 <= I <= N, e.g. 2/4\n";
      return kExitUnavailable;
    }
    options.shard_index = i;
    options.shard_count = n;
  }
  // The live progress line only on a terminal: a log file gets the result lines alone.
  bool tty = isatty(STDOUT_FILENO) != 0;
  std::vector<std::string> running;
  auto clear_progress = [&] {
    if (tty) std::cout << "\r\033[K";
  };
  auto show_progress = [&](size_t done, size_t total) {
    if (!tty || running.empty()) return;
    std::string line = "[" + std::to_string(done) + "/" + std::to_string(total) + "] running:";
    for (const auto& r : running) line += " " + r;
    if (line.size() > 100) line = line.substr(0, 97) + "...";
    std::cout << line << std::flush;
  };
  options.on_start = [&](const std::string& name, size_t done, size_t total) {
    running.push_back(name);
    clear_progress();
    show_progress(done, total);
  };
  options.on_result = [&](const ikesuite::reports::ScenarioResult& r, size_t done, size_t total) {
    running.erase(std::remove(running.begin(), running.end(), r.name), running.end());
    clear_progress();
    std::cout << run::result_line(r) << "\n";
    show_progress(done, total);
    std::cout << std::flush;
  };
  auto result = run::run_scenarios(options);
  clear_progress();
  if (!result.ok()) {
    std::cerr << "ikesuite run: " << result.error().reason() << "\n";
    return kExitUnavailable;
  }
  auto counts = result->counts();
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f", result->wall_seconds);
  std::cout << counts.total << " scenario" << (counts.total == 1 ? "" : "s") << ": " << counts.passed
            << " passed, " << counts.failed << " failed, " << counts.errors << " error"
            << (counts.errors == 1 ? "" : "s") << ", " << counts.skipped << " skipped in " << secs << " s";
  if (!options.out.empty()) std::cout << "; report: " << options.out << "/index.html";
  std::cout << "\n";
  // Skipped scenarios (netns mode without root, a scenario for sim mode only) are neither a
  // pass nor a failure; a run that passed nothing did not test anything.
  if (counts.failed > 0 || counts.errors > 0) return kExitInvalid;
  return counts.passed > 0 ? kExitOk : kExitUnavailable;
}

int run_decode(const std::string& file, const std::string& keys_path, bool json) {
  decode::KeyRing keys;
  if (!keys_path.empty()) {
    auto loaded = decode::load_keys(keys_path, keys);
    if (!loaded.ok()) {
      std::cerr << "ikesuite decode: " << loaded.error().reason() << "\n";
      return kExitUnavailable;
    }
  }
  auto decoded = decode::decode_capture(file, keys);
  if (!decoded.ok()) {
    std::cerr << "ikesuite decode: " << file << ": " << decoded.error().reason() << "\n";
    return kExitInvalid;
  }
  if (json)
    std::cout << decode::render_json(*decoded).dump(2) << "\n";
  else
    std::cout << decode::render_text(*decoded);
  return kExitOk;
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

  RunArgs run_args;
  uint64_t run_seed = 0;
  auto* run = app.add_subcommand("run", "Run scenarios and write reports; exit 0 only when every scenario passed");
  run->add_option("paths", run_args.paths, "Scenario files or folders (default: scenarios/)");
  run->add_option("--mode", run_args.mode, "sim (default) or netns")->check(CLI::IsMember({"sim", "netns"}));
  run->add_option("--filter", run_args.filters,
                  "Only scenarios whose name, file or tag contains this text or matches this glob (repeatable)")
      ->allow_extra_args(false);
  auto* seed_option = run->add_option("--seed", run_seed, "Seed for every scenario instead of its own");
  run->add_option("-j,--jobs", run_args.jobs, "Scenarios run in parallel (default 1)")->check(CLI::PositiveNumber);
  run->add_option("--shard", run_args.shard, "I/N: run the Ith of N equal shares (CI machines)");
  run->add_option("--out", run_args.out, "Report folder (default reports/latest)");
  run->add_option("--netns-max-duration", run_args.netns_max_duration,
                  "netns mode: skip scenarios longer than this many seconds (default 120)")
      ->check(CLI::PositiveNumber);
  run->add_option("--netns-tolerance", run_args.netns_tolerance,
                  "netns mode: seconds by which checks' time windows widen (default 1)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--ref-hosts", run_args.ref_hosts,
                  "netns mode: reference hosts as ike-refd daemons (default) or in the harness (inprocess)")
      ->check(CLI::IsMember({"daemon", "inprocess"}));
  run->add_option("--refd", run_args.refd, "netns mode: the ike-refd binary (default: next to ikesuite)");
  run->add_option("--known-deviations", run_args.known_deviations,
                  "A peer's recorded deviations (scenarios/interop/expected/*.deviations.json; repeatable)")
      ->allow_extra_args(false);
  run->add_flag("-k,--keep-going", run_args.keep_going,
                "Run every scenario even after one did not pass (default: stop starting new ones)");
  std::string command = command_line(argc, argv);
  run->callback([&] {
    if (*seed_option) run_args.seed = run_seed;
    status = run_run(run_args, command);
  });

  std::string decode_file, decode_keys;
  bool decode_json = false;
  auto* decode = app.add_subcommand("decode", "Every IKE message of a pcap, payload by payload, decrypted with --keys");
  decode->add_option("file", decode_file, "Capture file (pcap or pcapng)")->required();
  decode->add_option("--keys", decode_keys,
                     "A Wireshark profile folder (a scenario's report folder) or an ikev2_decryption_table file");
  decode->add_flag("--json", decode_json, "JSON instead of text");
  decode->callback([&] { status = run_decode(decode_file, decode_keys, decode_json); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; CLI11's own codes for usage errors become ours (2).
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUnavailable;
  }
  return status;
}
