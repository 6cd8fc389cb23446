#include "harness/run/runner.h"

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <thread>

#include "harness/run/sim_world.h"
#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/discover.h"
#include "harness/scenario/loader.h"
#include "reports/src/html.h"
#include "reports/src/json.h"
#include "reports/src/junit.h"

namespace ikesuite::harness::run {

namespace {

namespace fs = std::filesystem;

struct Item {
  std::string file;
  std::optional<Scenario> scenario;
  std::string load_error;  // the loader's diagnostics
  std::string name;
  std::vector<std::string> tags;
};

std::string iso_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

reports::ScenarioResult bare_result(const Item& item) {
  reports::ScenarioResult r;
  r.name = item.name;
  r.file = item.file;
  r.tags = item.tags;
  if (item.scenario) {
    r.description = item.scenario->description;
    r.references = item.scenario->references;
    r.seed = item.scenario->seed;
  }
  return r;
}

}  // namespace

bool matches_filter(const std::string& filter, const std::string& name,
                    const std::vector<std::string>& tags, const std::string& file) {
  bool glob = filter.find_first_of("*?[") != std::string::npos;
  auto one = [&](const std::string& text) {
    if (glob) return fnmatch(filter.c_str(), text.c_str(), 0) == 0;
    return text.find(filter) != std::string::npos;
  };
  if (one(name) || one(file)) return true;
  for (const auto& t : tags)
    if (glob ? one(t) : t == filter) return true;
  return false;
}

std::string result_line(const reports::ScenarioResult& r) {
  std::string folder = scenario_folder(r.file, r.name);
  std::string status = r.status == reports::kPassed    ? "PASS"
                       : r.status == reports::kFailed  ? "FAIL"
                       : r.status == reports::kSkipped ? "SKIP"
                                                       : "ERROR";
  std::string line = status + " " + folder;
  if (r.status == reports::kSkipped) return line + ": " + r.error;
  line += " (" + fixed(r.wall_seconds, 2) + " s, virtual " + fixed(r.virtual_seconds, 1) + " s)";
  if (r.status == reports::kFailed) {
    if (const auto* e = reports::first_failure(r)) {
      size_t failed = 0;
      for (const auto& x : r.expectations) failed += x.passed ? 0 : 1;
      line += ": " + e->id + ": expected " + e->expected + "; " + e->actual;
      if (failed > 1) line += " (and " + std::to_string(failed - 1) + " more)";
    }
  } else if (r.status == reports::kError) {
    std::string first = r.error.substr(0, r.error.find('\n'));
    line += ": " + first;
  }
  return line;
}

Result<reports::RunResult> run_scenarios(const RunnerOptions& options) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths.push_back(default_scenario_dir());
  TRY_ASSIGN(auto files, discover_scenarios(paths));
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());

  LoadOptions load;
  load.proposal_check = crypto_proposal_check();
  std::vector<Item> items;
  for (const auto& file : files) {
    Item item;
    item.file = file;
    LoadResult r = load_scenario(file, load);
    if (r.ok()) {
      item.scenario = std::move(r.scenario);
      item.name = item.scenario->name;
      item.tags = item.scenario->tags;
    } else {
      item.name = fs::path(file).stem().string();
      for (const auto& d : r.diagnostics) item.load_error += d.format() + "\n";
      if (r.suppressed) item.load_error += std::to_string(r.suppressed) + " more errors not shown\n";
      if (item.load_error.empty()) item.load_error = "the file does not load\n";
    }
    bool wanted = options.filters.empty();
    for (const auto& f : options.filters)
      wanted = wanted || matches_filter(f, item.name, item.tags, file);
    if (wanted) items.push_back(std::move(item));
  }
  // --shard I/N: every Nth scenario of the stable (sorted) order.
  if (options.shard_count > 1) {
    std::vector<Item> mine;
    for (size_t i = 0; i < items.size(); ++i)
      if (i % options.shard_count == options.shard_index - 1) mine.push_back(std::move(items[i]));
    items = std::move(mine);
  }

  reports::RunResult run;
  run.tool_version = "ikesuite 0.1.0";
  run.started_at = iso_now();
  run.mode = options.mode == RunMode::kSim ? "sim" : "netns";
  run.seed = options.seed.value_or(0);
  run.command = options.command;
  run.scenarios.resize(items.size());

  Duration wall = std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch());
  std::string out = options.out;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  size_t done = 0;

  auto finish_one = [&](size_t i, reports::ScenarioResult r) {
    std::lock_guard<std::mutex> lock(mu);
    run.scenarios[i] = std::move(r);
    ++done;
    if (run.scenarios[i].status != reports::kPassed && run.scenarios[i].status != reports::kSkipped &&
        !options.keep_going)
      stop = true;
    if (options.on_result) options.on_result(run.scenarios[i], done, items.size());
  };

  auto worker = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= items.size()) return;
      const Item& item = items[i];
      reports::ScenarioResult r = bare_result(item);
      r.mode = run.mode;
      if (stop) {
        r.status = reports::kSkipped;
        r.error = "not run: an earlier scenario did not pass (--keep-going runs them all)";
        finish_one(i, std::move(r));
        continue;
      }
      if (!item.scenario) {
        r.status = reports::kError;
        r.error = "the scenario file does not load:\n" + item.load_error;
        finish_one(i, std::move(r));
        continue;
      }
      const Scenario& s = *item.scenario;
      if (options.interrupted && options.interrupted()) {
        r.status = reports::kSkipped;
        r.error = "not run: the run was interrupted";
        finish_one(i, std::move(r));
        continue;
      }
      std::string folder;
      if (!out.empty()) {
        folder = out + "/" + scenario_folder(s.file, s.name);
        // A folder left by an earlier run must not mix its files into this one's.
        std::error_code ec;
        fs::remove_all(folder, ec);
      }
      std::vector<PeerDeviation> deviations;
      for (const auto& d : options.known_deviations)
        if (d.scenario == scenario_folder(s.file, s.name)) deviations.push_back(d);
      if (options.mode == RunMode::kNetns) {
        if (!options.netns_runner) {
          r.status = reports::kSkipped;
          r.error = "netns mode is not available in this program";
          finish_one(i, std::move(r));
          continue;
        }
        if (options.on_start) {
          std::lock_guard<std::mutex> lock(mu);
          options.on_start(s.name, done, items.size());
        }
        finish_one(i, options.netns_runner(s, folder, out, deviations));
        continue;
      }
      if (!s.modes.count(RunMode::kSim)) {
        r.status = reports::kSkipped;
        r.error = "the scenario runs in netns mode only";
        finish_one(i, std::move(r));
        continue;
      }
      if (options.on_start) {
        std::lock_guard<std::mutex> lock(mu);
        options.on_start(s.name, done, items.size());
      }
      SimOptions sim;
      sim.seed = options.seed;
      sim.known_deviations = deviations;
      sim.wall_offset = wall;
      if (!out.empty()) {
        sim.report_root = out;
        sim.folder = folder;
      }
      finish_one(i, run_sim(s, sim));
    }
  };
  unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(std::max<size_t>(items.size(), 1))));
  if (jobs == 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!out.empty()) {
    TRY(reports::write_junit(run, out + "/junit.xml"));
    TRY(reports::write_json(run, out + "/results.json"));
    TRY(reports::write_html(run, out + "/index.html"));
  }
  return run;
}

}  // namespace ikesuite::harness::run
