// The strongSwan host: what it refuses (faults, misbehaviour, simulated traffic, hosts that
// are not strongSwan's, configurations swanctl cannot express), and, as root with charon
// installed, charon (sun) against ike-refd (moon) across two network namespaces: charon
// initiates, rekeys the Child SA and the IKE SA and deletes, then ike-refd initiates; the
// runner hears the state changes, SA installs and keys of both roles through the listener.
#include "harness/peers/strongswan/strongswan_host.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "harness/run/process.h"
#include "harness/scenario/loader.h"

namespace ikesuite::peers {
namespace {

namespace run = harness::run;

using ::testing::HasSubstr;

std::string data_path(const std::string& name) {
  return std::string(IKESUITE_SOURCE_DIR) + "/tests/peers_strongswan/data/" + name;
}

harness::Scenario load_data(const std::string& name) {
  auto r = harness::load_scenario(data_path(name));
  std::string diags;
  for (const auto& d : r.diagnostics) diags += d.format() + "\n";
  EXPECT_TRUE(r.ok()) << diags;
  return r.ok() ? *r.scenario : harness::Scenario{};
}

// A scratch folder removed at the end.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/iks-ss-XXXXXX";
    const char* p = ::mkdtemp(tmpl);
    path = p ? p : "";
  }
  ~TempDir() {
    std::error_code ec;
    // IKESUITE_KEEP=1 keeps the logs and configurations for a look after a failure.
    const char* keep = std::getenv("IKESUITE_KEEP");
    if (keep && std::string(keep) == "1") {
      std::fprintf(stderr, "kept %s\n", path.c_str());
      return;
    }
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

// What the runner heard.
struct Heard {
  std::vector<run::StateChange> states;
  std::vector<run::LogLine> lines;
  std::vector<run::BackendEvent> events;
  std::vector<run::IkeKeys> ike_keys;
  std::vector<run::EspKeys> esp_keys;

  run::HostListener listener() {
    run::HostListener l;
    l.on_state = [this](const run::StateChange& c) { states.push_back(c); };
    l.on_log = [this](const std::string&, const run::LogLine& x) { lines.push_back(x); };
    l.on_backend = [this](const std::string&, const run::BackendEvent& e) { events.push_back(e); };
    l.on_ike_keys = [this](const std::string&, const run::IkeKeys& k) { ike_keys.push_back(k); };
    l.on_esp_keys = [this](const std::string&, const run::EspKeys& k) { esp_keys.push_back(k); };
    return l;
  }
  std::string describe() const {
    std::string out;
    for (const auto& s : states)
      out += (s.ike ? "IKE_SA " : "CHILD_SA ") + s.conn + "#" + std::to_string(s.unique_id) + " " + s.from +
             " => " + s.to + "\n";
    return out + std::to_string(ike_keys.size()) + " IKE keys, " + std::to_string(esp_keys.size()) + " ESP keys";
  }
  bool reached(bool ike, uint32_t id, const std::string& to) const {
    for (const auto& s : states)
      if (s.ike == ike && s.unique_id == id && s.to == to) return true;
    return false;
  }
};

TEST(StrongswanHost, RefusesWhatADaemonCannotDo) {
  clock::RealEventLoop loop;
  harness::Scenario s = load_data("moon-sun.json");
  ASSERT_FALSE(s.hosts.empty());
  TempDir dir;
  run::DaemonHostEnv env{loop, [] { return Time{0}; }, Time{0}, s, "none", dir.path, "", 1, {}};
  // moon is a ref host.
  auto wrong = create_strongswan_host(*s.find_host("moon"), env);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kConfig);

  auto host = create_strongswan_host(*s.find_host("sun"), env);
  ASSERT_TRUE(host.ok()) << host.error().message();
  run::ScenarioHost& h = **host;
  EXPECT_EQ(h.name(), "sun");
  EXPECT_EQ(h.implementation(), harness::Implementation::kStrongswan);
  EXPECT_FALSE(h.running());
  auto fault = h.add_fault(harness::FaultSpec{});
  ASSERT_FALSE(fault.ok());
  EXPECT_EQ(fault.error().code(), ErrorCode::kUnsupported);
  EXPECT_THAT(fault.error().message(), HasSubstr("kernel-netlink"));
  auto mis = h.misbehave({}, "net-net", false);
  ASSERT_FALSE(mis.ok());
  EXPECT_EQ(mis.error().code(), ErrorCode::kUnsupported);
  auto traffic = h.traffic("net-net", harness::TrafficSpec{});
  ASSERT_FALSE(traffic.ok());
  EXPECT_EQ(traffic.error().code(), ErrorCode::kUnsupported);
  // Not started: nothing to drive, nothing to list.
  EXPECT_EQ(h.initiate("net-net", false).error().code(), ErrorCode::kState);
  EXPECT_TRUE(h.sas().empty());
  EXPECT_TRUE(h.backend(Time{0}).sas.empty());
}

TEST(StrongswanHost, UnexpressibleConfigurationFailsAtCreation) {
  clock::RealEventLoop loop;
  harness::Scenario s = load_data("moon-sun.json");
  ASSERT_FALSE(s.hosts.empty());
  harness::Host sun = *s.find_host("sun");
  harness::SourceRef at;
  at.pointer = "/hosts/sun/conns/net-net/impair";
  at.line = 12;
  sun.conns[0].explicit_keys.emplace_back("impair", at);
  TempDir dir;
  run::DaemonHostEnv env{loop, [] { return Time{0}; }, Time{0}, s, "none", dir.path, "", 1, {}};
  auto host = create_strongswan_host(sun, env);
  ASSERT_FALSE(host.ok());
  EXPECT_THAT(host.error().message(), HasSubstr("impair"));
  EXPECT_THAT(host.error().message(), HasSubstr("line 12"));
}

// ---- charon against ike-refd in two namespaces -------------------------------------------

std::string refd_path() {
  if (const char* e = std::getenv("IKESUITE_REFD")) return e;
  return IKESUITE_REFD;
}

// Two namespaces joined by a veth pair, removed with everything in them on destruction.
class Namespaces {
 public:
  Namespaces() {
    std::string tag = "iss" + std::to_string(::getpid() % 100000);
    moon = tag + "-moon";
    sun = tag + "-sun";
    std::string vm = "v" + tag + "m", vs = "v" + tag + "s";
    created_ = true;
    ok_ = sh({"ip", "netns", "add", moon}) && sh({"ip", "netns", "add", sun}) &&
          sh({"ip", "link", "add", vm, "netns", moon, "type", "veth", "peer", "name", vs, "netns", sun}) &&
          sh({"ip", "-n", moon, "addr", "add", "192.168.0.1/24", "dev", vm}) &&
          sh({"ip", "-n", sun, "addr", "add", "192.168.0.2/24", "dev", vs}) &&
          // charon with kernel-libipsec routes the tunnel from an address of its subnet.
          sh({"ip", "-n", moon, "addr", "add", "10.1.0.1/32", "dev", "lo"}) &&
          sh({"ip", "-n", sun, "addr", "add", "10.2.0.1/32", "dev", "lo"}) &&
          sh({"ip", "-n", moon, "link", "set", "lo", "up"}) && sh({"ip", "-n", sun, "link", "set", "lo", "up"}) &&
          sh({"ip", "-n", moon, "link", "set", vm, "up"}) && sh({"ip", "-n", sun, "link", "set", vs, "up"});
  }
  ~Namespaces() {
    for (const auto& ns : {moon, sun}) {
      auto pids = run::run_command({"ip", "netns", "pids", ns});
      if (pids.ok()) {
        std::istringstream in(pids->output);
        for (long pid; in >> pid;) ::kill(static_cast<pid_t>(pid), SIGKILL);
      }
      (void)run::run_command({"ip", "netns", "del", ns});
    }
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  std::string moon, sun;

 private:
  bool sh(const std::vector<std::string>& argv) {
    auto s = run::run_checked(argv);
    if (!s.ok()) error_ = s.error().message();
    return s.ok();
  }
  bool created_ = false;
  bool ok_ = false;
  std::string error_;
};

class StrongswanInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)";
    if (::access(kCharonPath, X_OK) != 0) GTEST_SKIP() << kCharonPath << " is not installed (apt-get install strongswan-charon strongswan-swanctl libcharon-extra-plugins)";
    if (::access(kSwanctlPath, X_OK) != 0) GTEST_SKIP() << kSwanctlPath << " is not installed";
    if (::access(refd_path().c_str(), X_OK) != 0) GTEST_SKIP() << refd_path() << " is not built";
    if (!std::filesystem::exists("/run/netns") && ::access("/sbin/ip", X_OK) != 0)
      GTEST_SKIP() << "no iproute2";
  }

  // Runs the loop until `done` or `timeout`.
  bool run_until(clock::RealEventLoop& loop, const std::function<bool()>& done,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > end) return false;
      loop.run_until(loop.now() + std::chrono::milliseconds(20));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
  }
};

TEST_F(StrongswanInterop, CharonAgainstRefd) {
  Namespaces ns;
  ASSERT_TRUE(ns.ok()) << ns.error();
  harness::Scenario s = load_data("moon-sun.json");
  ASSERT_FALSE(s.hosts.empty());
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  std::filesystem::create_directories(dir.path + "/sun");

  // moon: ike-refd from the same scenario file.
  run::SpawnOptions ro;
  ro.netns = ns.moon;
  ro.output_path = dir.path + "/refd.out";
  std::string ctl = dir.path + "/moon.ctl";
  auto refd = run::Process::spawn({refd_path(), "--scenario", data_path("moon-sun.json"), "--host", "moon",
                                   "--control", ctl, "--log", dir.path + "/moon.log"},
                                  ro);
  ASSERT_TRUE(refd.ok()) << refd.error().message();

  clock::RealEventLoop loop;
  Time origin = loop.now();
  Heard heard;
  run::DaemonHostEnv env{loop, [&loop, origin] { return loop.now() - origin; }, origin, s, ns.sun,
                         dir.path + "/sun", dir.path + "/sun.log", 1, heard.listener()};
  auto created = create_strongswan_host(*s.find_host("sun"), env);
  ASSERT_TRUE(created.ok()) << created.error().message();
  std::unique_ptr<run::ScenarioHost> host = std::move(*created);
  auto started = host->start();
  ASSERT_TRUE(started.ok()) << started.error().message();
  EXPECT_TRUE(host->running());
  for (int i = 0; i < 200 && !std::filesystem::exists(ctl); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(std::filesystem::exists(ctl)) << "ike-refd did not open its control socket";

  // charon initiates: IKE SA and Child SA up, keys of both reported.
  ASSERT_TRUE(host->initiate("net-net", false).ok());
  ASSERT_TRUE(run_until(loop, [&] {
    return heard.reached(false, 1, "INSTALLED") && !heard.ike_keys.empty() && heard.esp_keys.size() >= 2;
  })) << "no Child SA with keys; " << heard.states.size() << " state changes, " << heard.ike_keys.size()
      << " IKE keys, " << heard.esp_keys.size() << " ESP keys";
  EXPECT_TRUE(heard.reached(true, 1, "ESTABLISHED"));
  for (const auto& c : heard.states) {
    EXPECT_EQ(c.host, "sun");
    EXPECT_EQ(c.generation, 1u);
    EXPECT_GE(c.t.count(), 0);
  }
  const run::IkeKeys& ik = heard.ike_keys[0];
  EXPECT_NE(ik.spi_i, 0u);
  EXPECT_NE(ik.spi_r, 0u);
  EXPECT_FALSE(ik.sk_ei.empty());
  EXPECT_FALSE(ik.sk_er.empty());
  EXPECT_NE(ik.sk_ei, ik.sk_er);
  EXPECT_GT(ik.encr_key_bits, 0);
  for (const auto& k : heard.esp_keys) {
    EXPECT_NE(k.spi, 0u);
    EXPECT_FALSE(k.encr_key.empty());
  }
  EXPECT_NE(heard.esp_keys[0].encr_key, heard.esp_keys[1].encr_key);
  size_t adds = 0;
  for (const auto& e : heard.events) adds += e.op == harness::SaOp::kAddSa && e.ok;
  EXPECT_EQ(adds, 2u);
  EXPECT_EQ(host->backend(env.now()).sas.size(), 2u);
  auto sas = host->sas();
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_EQ(sas[0].state, "ESTABLISHED");
  ASSERT_EQ(sas[0].children.size(), 1u);
  EXPECT_EQ(sas[0].children[0].state, "INSTALLED");
  EXPECT_THAT(host->sa_dump(), HasSubstr("INSTALLED"));
  // The scenario keeps ike and chd at 2: the key dumps (level 4) reach neither the runner
  // nor the host's log.
  for (const auto& l : heard.lines) EXPECT_LE(l.level, 2) << l.text;
  EXPECT_EQ(heard.lines.size(), host->log_lines().size());

  // Child SA rekey: a second Child SA with fresh keys, the first one goes.
  ASSERT_TRUE(host->rekey("net-net", harness::SaKind::kChild).ok());
  ASSERT_TRUE(run_until(loop, [&] { return heard.reached(false, 2, "INSTALLED") && heard.esp_keys.size() >= 4; }))
      << "Child SA rekey did not complete";
  ASSERT_TRUE(run_until(loop, [&] { return heard.reached(false, 1, "DELETED") || heard.reached(false, 1, "DESTROYING"); }));

  // IKE SA rekey: the new IKE SA's keys come with its own SPIs.
  ASSERT_TRUE(host->rekey("net-net", harness::SaKind::kIke).ok());
  ASSERT_TRUE(run_until(loop, [&] { return heard.reached(true, 2, "ESTABLISHED") && heard.ike_keys.size() >= 2; }))
      << "IKE SA rekey did not complete";
  EXPECT_NE(heard.ike_keys[1].spi_i, heard.ike_keys[0].spi_i);
  EXPECT_NE(heard.ike_keys[1].sk_ei, heard.ike_keys[0].sk_ei);

  // charon deletes the IKE SA.
  ASSERT_TRUE(host->terminate("net-net", harness::SaKind::kIke).ok());
  ASSERT_TRUE(run_until(loop, [&] { return heard.reached(true, 2, "DESTROYING"); }));
  ASSERT_TRUE(run_until(loop, [&] { return host->backend(env.now()).sas.empty(); }));

  // ike-refd initiates: charon is the responder and still reports both key sets.
  size_t ike_keys_before = heard.ike_keys.size(), esp_before = heard.esp_keys.size();
  auto r = run::run_command({refd_path(), "ctl", "--control", ctl, R"({"cmd":"initiate","conn":"net-net"})"});
  ASSERT_TRUE(r.ok() && r->status == 0) << (r.ok() ? r->output : r.error().message());
  ASSERT_TRUE(run_until(loop, [&] {
    return heard.reached(true, 3, "ESTABLISHED") || heard.reached(true, 4, "ESTABLISHED");
  })) << "charon as responder: no IKE SA\n" << heard.describe();
  ASSERT_TRUE(run_until(loop, [&] {
    return heard.ike_keys.size() > ike_keys_before &&
           heard.esp_keys.size() >= esp_before + 2;
  })) << "charon as responder: no IKE SA with keys\n" << heard.describe();
  EXPECT_NE(heard.ike_keys.back().spi_r, 0u);

  // stop(): charon dies without a word; its userspace SAs are gone.
  host->stop();
  EXPECT_FALSE(host->running());
  EXPECT_TRUE(host->sas().empty());
  EXPECT_TRUE(host->backend(env.now()).sas.empty());
  EXPECT_TRUE(std::filesystem::exists(dir.path + "/sun.log"));
}

}  // namespace
}  // namespace ikesuite::peers
