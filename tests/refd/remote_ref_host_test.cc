// The harness's remote reference host: two ike-refd processes (moon on 127.0.0.1, sun on
// 127.0.0.2, no namespaces) driven through the ScenarioHost interface, with everything they
// report arriving through the listener in scenario time, as the netns runner uses them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>

#include "harness/refd/remote_ref_host.h"
#include "harness/scenario/loader.h"

namespace ikesuite::refd {
namespace {

using nlohmann::json;
using namespace harness::run;

const std::string kScenario = std::string(IKESUITE_SOURCE_DIR) + "/tests/refd/data/remote.json";

struct Heard {
  std::vector<StateChange> states;
  std::map<std::string, std::vector<IkeKeys>> ike_keys;
  std::map<std::string, std::vector<EspKeys>> esp_keys;
  std::map<std::string, std::vector<LogLine>> logs;
  std::map<std::string, size_t> backend;
  std::vector<std::string> invariants;
};

class RemoteRefHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ikesuite-rrh-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto loop = clock::RealEventLoop::create();
    ASSERT_TRUE(loop.ok());
    loop_ = std::move(*loop);
    origin_ = loop_->now();
    auto loaded = harness::load_scenario(kScenario);
    for (const auto& d : loaded.diagnostics)
      if (d.severity == harness::Severity::kError) ADD_FAILURE() << d.format();
    ASSERT_TRUE(loaded.ok());
    scenario_ = std::move(*loaded.scenario);
  }
  void TearDown() override {
    hosts_.clear();
    std::system(("rm -rf " + dir_).c_str());
  }

  DaemonHostEnv env(const std::string& name) {
    HostListener l;
    l.on_log = [this](const std::string& h, const LogLine& line) { heard_.logs[h].push_back(line); };
    l.on_state = [this](const StateChange& c) { heard_.states.push_back(c); };
    l.on_backend = [this](const std::string& h, const BackendEvent&) { ++heard_.backend[h]; };
    l.on_ike_keys = [this](const std::string& h, const IkeKeys& k) { heard_.ike_keys[h].push_back(k); };
    l.on_esp_keys = [this](const std::string& h, const EspKeys& k) { heard_.esp_keys[h].push_back(k); };
    l.on_invariant = [this](const std::string&, const std::string& w) { heard_.invariants.push_back(w); };
    clock::RealEventLoop* loop = loop_.get();
    Time origin = origin_;
    return DaemonHostEnv{*loop_, [loop, origin] { return loop->now() - origin; }, origin_, scenario_,
                         "", dir_ + "/" + name, dir_ + "/" + name + ".log", 7, l};
  }

  RemoteRefHost& make(const std::string& name) {
    const harness::Host* h = scenario_.find_host(name);
    EXPECT_NE(h, nullptr);
    auto host = create_remote_ref_host(*h, env(name), {IKE_REFD_PATH, kScenario});
    EXPECT_TRUE(host.ok()) << (host.ok() ? "" : host.error().message());
    hosts_.push_back(std::move(*host));
    return static_cast<RemoteRefHost&>(*hosts_.back());
  }

  // Runs the loop (the subscriptions are read on it) until `pred` holds, 10 s at most.
  bool run_until(const std::function<bool()>& pred) {
    for (int i = 0; i < 1000; ++i) {
      if (pred()) return true;
      loop_->run_until(loop_->now() + std::chrono::milliseconds(10));
    }
    return pred();
  }

  size_t count_state(const std::string& host, bool ike, const std::string& to, uint32_t generation = 0) {
    size_t n = 0;
    for (const auto& s : heard_.states)
      if (s.host == host && s.ike == ike && s.to == to && (generation == 0 || s.generation == generation)) ++n;
    return n;
  }

  bool logged(const std::string& host, const std::string& text) {
    for (const auto& l : heard_.logs[host])
      if (l.text.find(text) != std::string::npos) return true;
    return false;
  }

  std::string dir_;
  std::unique_ptr<clock::RealEventLoop> loop_;
  Time origin_{0};
  harness::Scenario scenario_;
  Heard heard_;
  std::vector<std::unique_ptr<ScenarioHost>> hosts_;
};

TEST_F(RemoteRefHostTest, PairEstablishesRekeysAndTerminatesAndReportsThroughTheListener) {
  RemoteRefHost& moon = make("moon");
  RemoteRefHost& sun = make("sun");
  ASSERT_TRUE(moon.start().ok());
  ASSERT_TRUE(sun.start().ok());
  EXPECT_TRUE(moon.running());
  // The start-up lines came as a replay, in scenario time (seconds, not decades).
  ASSERT_TRUE(run_until([&] { return logged("sun", "127.0.0.2[15600]"); }));
  for (const auto& line : sun.log_lines()) {
    EXPECT_GE(line.t, Time{0});
    EXPECT_LT(line.t, std::chrono::seconds(60));
  }
  EXPECT_EQ(heard_.logs["sun"].size(), sun.log_lines().size());

  ASSERT_TRUE(moon.initiate("net-net", false).ok());
  ASSERT_TRUE(run_until([&] {
    return count_state("moon", true, "ESTABLISHED") == 1 && count_state("sun", true, "ESTABLISHED") == 1 &&
           count_state("moon", false, "INSTALLED") == 1 && count_state("sun", false, "INSTALLED") == 1;
  })) << moon.sa_dump();
  for (const auto& s : heard_.states) {
    EXPECT_EQ(s.generation, 1u);
    EXPECT_EQ(s.conn, "net-net");
    EXPECT_LT(s.t, std::chrono::seconds(60));
  }
  // Both ends derived the same IKE SA keys, and each reported the ESP keys of both
  // directions.
  ASSERT_TRUE(run_until([&] { return heard_.esp_keys["moon"].size() == 2 && heard_.esp_keys["sun"].size() == 2; }));
  ASSERT_EQ(heard_.ike_keys["moon"].size(), 1u);
  ASSERT_EQ(heard_.ike_keys["sun"].size(), 1u);
  EXPECT_EQ(heard_.ike_keys["moon"][0].spi_i, heard_.ike_keys["sun"][0].spi_i);
  EXPECT_EQ(heard_.ike_keys["moon"][0].sk_ei, heard_.ike_keys["sun"][0].sk_ei);
  EXPECT_FALSE(heard_.ike_keys["moon"][0].sk_ei.empty());
  EXPECT_GT(heard_.backend["moon"], 0u);
  EXPECT_EQ(heard_.backend["moon"], moon.backend_events().size());

  // What checks read.
  auto sas = moon.sas();
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_EQ(sas[0].state, "ESTABLISHED");
  ASSERT_EQ(sas[0].children.size(), 1u);
  EXPECT_EQ(sas[0].children[0].state, "INSTALLED");
  BackendSnapshot b = sun.backend(std::chrono::seconds(3));
  EXPECT_EQ(b.t, std::chrono::seconds(3));
  ASSERT_EQ(b.sas.size(), 2u);
  EXPECT_EQ(b.reqid_conn[b.sas[0].spec.reqid], "net-net");
  EXPECT_LT(b.sas[0].added, std::chrono::seconds(60));
  EXPECT_GE(b.policies.size(), 2u);
  EXPECT_NE(sun.sa_dump().find("proto esp"), std::string::npos) << sun.sa_dump();
  ASSERT_TRUE(moon.traffic("net-net", {1000, 10, harness::Direction::kBoth}).ok());
  uint64_t bytes = 0;
  for (const auto& e : moon.backend(Time{0}).sas) bytes += e.bytes;
  EXPECT_EQ(bytes, 2000u);

  ASSERT_TRUE(moon.rekey("net-net", harness::SaKind::kChild).ok());
  ASSERT_TRUE(run_until([&] {
    return count_state("moon", false, "INSTALLED") == 2 && count_state("sun", false, "INSTALLED") == 2 &&
           heard_.esp_keys["moon"].size() == 4;
  }));

  ASSERT_TRUE(moon.terminate("net-net", harness::SaKind::kIke).ok());
  ASSERT_TRUE(run_until([&] {
    return count_state("moon", true, "DESTROYING") >= 1 && count_state("sun", true, "DESTROYING") >= 1;
  }));
  EXPECT_TRUE(run_until([&] { return sun.sas().empty() && moon.sas().empty(); }));
  EXPECT_TRUE(heard_.invariants.empty());

  // Errors come back with the daemon's reason and kind.
  Status bad = moon.rekey("nope", harness::SaKind::kChild);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("nope"), std::string::npos);
}

TEST_F(RemoteRefHostTest, StopAndStartAreANewGenerationOfTheSameDaemon) {
  RemoteRefHost& moon = make("moon");
  RemoteRefHost& sun = make("sun");
  ASSERT_TRUE(moon.start().ok());
  ASSERT_TRUE(sun.start().ok());
  const pid_t pid = sun.pid();
  ASSERT_TRUE(moon.initiate("net-net", false).ok());
  ASSERT_TRUE(run_until([&] { return count_state("sun", false, "INSTALLED") == 1; }));
  sun.stop();
  EXPECT_FALSE(sun.running());
  EXPECT_TRUE(sun.daemon_alive());
  EXPECT_TRUE(sun.sas().empty());
  // As with RefHost, the stopping engines took their SAs out of the backend, and the
  // daemon still answers for it.
  EXPECT_TRUE(sun.backend(Time{0}).sas.empty());
  ASSERT_TRUE(sun.start().ok());
  EXPECT_EQ(sun.pid(), pid);
  EXPECT_FALSE(sun.start().ok());  // already running
  ASSERT_TRUE(moon.terminate("net-net", harness::SaKind::kIke).ok());
  ASSERT_TRUE(moon.initiate("net-net", false).ok());
  ASSERT_TRUE(run_until([&] { return count_state("sun", true, "ESTABLISHED", 2) == 1; }));
  EXPECT_TRUE(logged("sun", "restart"));

  // A daemon that dies is replaced on the next start, its generations continuing.
  ::kill(sun.pid(), SIGKILL);
  ASSERT_TRUE(run_until([&] { return !sun.running(); }));
  ASSERT_TRUE(sun.start().ok());
  EXPECT_NE(sun.pid(), pid);
  EXPECT_TRUE(logged("sun", "exited unexpectedly") || logged("sun", "starting a new one"));
  ASSERT_TRUE(moon.terminate("net-net", harness::SaKind::kIke).ok());
  ASSERT_TRUE(moon.initiate("net-net", false).ok());
  EXPECT_TRUE(run_until([&] { return count_state("sun", true, "ESTABLISHED", 3) == 1; }));

  sun.shutdown();
  EXPECT_FALSE(sun.daemon_alive());
  EXPECT_FALSE(sun.running());
  EXPECT_TRUE(logged("sun", "SIGTERM received"));
  EXPECT_FALSE(sun.initiate("net-net", false).ok());
}

TEST_F(RemoteRefHostTest, MisbehaveSendsTheScenarioFilesImpairments) {
  RemoteRefHost& moon = make("moon");
  ASSERT_TRUE(moon.start().ok());
  ASSERT_EQ(scenario_.timeline.size(), 1u);
  const harness::Action& action = scenario_.timeline[0];
  ASSERT_TRUE(moon.misbehave(action.impairments, action.conn, action.clear).ok());
  ASSERT_TRUE(run_until([&] { return logged("moon", "IMPAIR: from now on"); }));
  // An impairment that is written nowhere cannot be sent.
  harness::Impairment made_up;
  Status s = moon.misbehave({made_up}, "net-net", false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kUnsupported);
  // The daemon checks the form as the scenario loader does.
  auto r = moon.request({{"cmd", "misbehave"}, {"conn", "net-net"}, {"impair", json::array({json{{"impair", "explode"}}})}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("misbehave"), std::string::npos) << r.error().message();
  auto fine = moon.request({{"cmd", "misbehave"}, {"clear", true}});
  EXPECT_TRUE(fine.ok()) << fine.error().message();
}

TEST_F(RemoteRefHostTest, StartFailureQuotesTheDaemon) {
  harness::Host venus = *scenario_.find_host("moon");
  venus.name = "venus";
  auto host = create_remote_ref_host(venus, env("venus"), {IKE_REFD_PATH, kScenario});
  ASSERT_TRUE(host.ok());
  Status s = (*host)->start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("exited with status 1"), std::string::npos) << s.error().message();
  EXPECT_NE(s.error().message().find("has no host 'venus'"), std::string::npos) << s.error().message();
  EXPECT_FALSE((*host)->running());

  auto missing = create_remote_ref_host(venus, env("venus"), {"/nonexistent/ike-refd", kScenario});
  ASSERT_TRUE(missing.ok());
  Status m = (*missing)->start();
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message().find("/nonexistent/ike-refd"), std::string::npos) << m.error().message();

  auto no_program = create_remote_ref_host(venus, env("venus"), {"", kScenario});
  EXPECT_FALSE(no_program.ok());
}

}  // namespace
}  // namespace ikesuite::refd
