// Every scenario under scenarios/ loads without an error or a warning, and every deliberately
// broken file under tests/scenario/bad/ produces exactly the diagnostics in its .expected
// file (file:line:col, JSON pointer, message), as `ikesuite check` prints them.
//
// After a deliberate change of messages, IKESUITE_UPDATE_GOLDEN=1 rewrites the .expected
// files; review the diff before committing it.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/discover.h"
#include "harness/scenario/loader.h"

namespace ikesuite::harness {
namespace {

namespace fs = std::filesystem;

const std::string kSource = IKESUITE_SOURCE_DIR;

std::vector<std::string> scenario_files() {
  auto files = discover_scenarios({kSource + "/scenarios"});
  return files.ok() ? *files : std::vector<std::string>{};
}

std::vector<std::string> bad_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kSource + "/tests/scenario/bad"))
    if (e.path().extension() == ".json") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string test_name(const std::string& path) {
  std::string stem = fs::path(path).stem().string();
  std::string dir = fs::path(path).parent_path().filename().string();
  std::string out = dir + "_" + stem;
  std::replace_if(out.begin(), out.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return out;
}

class ScenarioFile : public ::testing::TestWithParam<std::string> {};

// As `ikesuite check` loads them: with engine/crypto's proposal parser.
LoadOptions options() {
  LoadOptions o;
  o.proposal_check = crypto_proposal_check();
  return o;
}

TEST_P(ScenarioFile, LoadsWithoutErrorsOrWarnings) {
  auto r = load_scenario(GetParam(), options());
  std::string report;
  for (const auto& d : r.diagnostics) report += d.format() + "\n";
  EXPECT_TRUE(r.ok()) << report;
  // A scenario about a misconfiguration (tag "misconfiguration") may draw the checker's
  // warning about it, by design; every other one loads silently.
  bool misconfigured = r.ok() && std::find(r.scenario->tags.begin(), r.scenario->tags.end(),
                                           "misconfiguration") != r.scenario->tags.end();
  if (misconfigured) {
    for (const auto& d : r.diagnostics) EXPECT_EQ(d.severity, Severity::kWarning) << report;
  } else {
    EXPECT_TRUE(r.diagnostics.empty()) << report;
  }
  if (r.ok()) {
    EXPECT_EQ(r.scenario->name, fs::path(GetParam()).stem().string());
    EXPECT_FALSE(r.scenario->references.empty());
    EXPECT_FALSE(r.scenario->expect.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioFile, ::testing::ValuesIn(scenario_files()),
                         [](const auto& p) { return test_name(p.param); });

// Names are unique within a folder (ikev1/dpd-dead-peer and ikev2/dpd-dead-peer are two
// scenarios: report folders and JUnit class names carry the folder).
TEST(ScenarioCorpus, EnoughIkev2ScenariosWithUniqueNames) {
  std::set<std::string> names;
  size_t ikev2 = 0;
  for (const auto& f : scenario_files()) {
    std::string key = fs::path(f).parent_path().filename().string() + "/" + fs::path(f).stem().string();
    EXPECT_TRUE(names.insert(key).second) << "duplicate name " << f;
    if (fs::path(f).parent_path().filename() == "ikev2") ++ikev2;
  }
  EXPECT_GE(ikev2, 24u);
}

class BadFile : public ::testing::TestWithParam<std::string> {};

TEST_P(BadFile, ProducesTheExpectedDiagnostics) {
  const std::string file = GetParam();
  const std::string dir = kSource + "/tests/scenario/bad";
  const std::string display = "tests/scenario/bad/" + file;
  const std::string expected_path = dir + "/" + fs::path(file).stem().string() + ".expected";
  auto r = load_scenario_text(read(dir + "/" + file), display, dir, options());
  std::string actual;
  for (const auto& d : r.diagnostics) actual += d.format() + "\n";
  if (std::getenv("IKESUITE_UPDATE_GOLDEN")) {
    std::ofstream(expected_path, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path << "; actual:\n" << actual;
  EXPECT_EQ(actual, read(expected_path));
  // Broken files fail; warn-*.json files load but warn.
  if (file.rfind("warn-", 0) == 0) {
    EXPECT_TRUE(r.ok());
    EXPECT_GT(r.warnings(), 0u);
  } else {
    EXPECT_FALSE(r.ok());
    EXPECT_GT(r.errors(), 0u);
  }
  // Every diagnostic names a position and a pointer.
  for (const auto& d : r.diagnostics) {
    EXPECT_GT(d.line, 0) << d.format();
    EXPECT_GT(d.column, 0) << d.format();
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadFile, ::testing::ValuesIn(bad_files()),
                         [](const auto& p) { return test_name("bad/" + p.param); });

TEST(BadCorpus, EveryExpectedFileHasItsScenario) {
  for (const auto& e : fs::directory_iterator(kSource + "/tests/scenario/bad")) {
    if (e.path().extension() != ".expected") continue;
    fs::path json = e.path();
    json.replace_extension(".json");
    EXPECT_TRUE(fs::exists(json)) << e.path() << " has no scenario";
  }
}

}  // namespace
}  // namespace ikesuite::harness
