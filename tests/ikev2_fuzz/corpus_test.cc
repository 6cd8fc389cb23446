// The engine fuzzer's corpora in the normal build: every recorded seed still reaches the
// states it was recorded for (so the recording, sealing and replay machinery works, and the
// engine still accepts what it sent), the committed corpus runs without a broken invariant,
// and so do its truncations. Reproducers of engine bugs (fuzz/corpus/ikev2_engine_crashes/)
// run in a child process each; while one still fails the test is skipped with the list, so
// the bugs stay visible without failing every build until they are fixed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/ikev2_engine/driver.h"
#include "tests/ikev2_fuzz/seeds.h"

namespace ikesuite::ikev2::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(IKESUITE_SOURCE_DIR) / "fuzz" / "corpus";

Bytes read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::pair<std::string, Bytes>> files(const std::string& dir) {
  std::vector<std::pair<std::string, Bytes>> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kCorpus / dir, ec))
    if (entry.is_regular_file())
      out.emplace_back(entry.path().filename().string(), read(entry.path()));
  std::sort(out.begin(), out.end());
  return out;
}

std::string lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "  " + s + "\n";
  return out;
}

TEST(EngineFuzzCorpus, RecordedSeedsReachTheirStates) {
  for (const SeedSpec& spec : seed_specs()) {
    Program p = record(spec);
    EXPECT_GT(p.ops.size(), 1u) << spec.name;
    Outcome o = run(encode(p));
    EXPECT_TRUE(o.violations.empty()) << spec.name << ":\n" << lines(o.violations);
    for (const std::string& state : spec.expect)
      EXPECT_TRUE(o.states_seen.contains(state)) << spec.name << " never reached " << state;
  }
}

TEST(EngineFuzzCorpus, RecordedSeedsCarrySealedMessages) {
  // The point of recording: the peer's protected messages become sealed operations.
  size_t sealed = 0, clear = 0;
  for (const SeedSpec& spec : seed_specs())
    for (const Op& op : record(spec).ops) {
      sealed += std::holds_alternative<SealedOp>(op);
      clear += std::holds_alternative<ClearOp>(op);
    }
  EXPECT_GE(sealed, 100u);
  EXPECT_GE(clear, 10u);
}

TEST(EngineFuzzCorpus, SyntheticSeedsRun) {
  for (const auto& [name, program] : synthetic_programs()) {
    Outcome o = run(encode(program));
    EXPECT_TRUE(o.violations.empty()) << name << ":\n" << lines(o.violations);
  }
}

TEST(EngineFuzzCorpus, CommittedSeedsRun) {
  auto seeds = files("ikev2_engine");
  EXPECT_GE(seeds.size(), 30u) << "run gen_corpus_ikev2_engine";
  for (const auto& [name, data] : seeds) {
    Outcome o = run(data);
    EXPECT_TRUE(o.violations.empty()) << name << ":\n" << lines(o.violations);
  }
}

TEST(EngineFuzzCorpus, TruncatedSeedsRun) {
  for (const auto& [name, data] : files("ikev2_engine")) {
    for (size_t k = 1; k < 8; ++k) {
      size_t n = data.size() * k / 8;
      Outcome o = run(ByteView(data).first(n));
      EXPECT_TRUE(o.violations.empty())
          << name << " cut at " << n << " bytes:\n" << lines(o.violations);
    }
  }
}

TEST(EngineFuzzCorpus, CrashReproducers) {
  std::vector<std::string> failing;
  size_t count = 0;
  for (const auto& [name, data] : files("ikev2_engine_crashes")) {
    ++count;
    std::fflush(nullptr);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Outcome o = run(data);
      _exit(o.violations.empty() ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) continue;
    failing.push_back(name + (WIFSIGNALED(status) ? " (crashes: signal " +
                                                        std::to_string(WTERMSIG(status)) + ")"
                                                  : " (breaks an invariant)"));
  }
  // Every file is a fixed engine bug: one that fails again is a regression.
  EXPECT_GT(count, 0u);
  EXPECT_TRUE(failing.empty()) << failing.size() << " of " << count
                               << " reproducers in fuzz/corpus/ikev2_engine_crashes fail again:\n"
                               << lines(failing);
}

}  // namespace
}  // namespace ikesuite::ikev2::fuzz
