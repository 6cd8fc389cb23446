// pluto against the reference engine for real: two network namespaces joined by a veth
// pair, pluto (the scenario's host "sun", driven through create_libreswan_host) in one and
// ike-refd (host "moon") in the other. moon initiates a childless IKEv2 SA (RFC 6023), so
// neither side needs ESP in the kernel, which this machine's kernel lacks. Needs root and an
// extracted Libreswan (scripts/libreswan-extract.sh); skipped otherwise.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/clock/event_loop.h"
#include "harness/peers/libreswan/libreswan_host.h"
#include "harness/run/daemon_env.h"
#include "harness/run/process.h"
#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/loader.h"

namespace ikesuite::peers {
namespace {

namespace fs = std::filesystem;
using harness::run::Process;
using harness::run::run_checked;
using harness::run::SpawnOptions;
using harness::run::StateChange;

std::string refd_path() {
  if (const char* e = std::getenv("IKESUITE_REFD"); e && *e) return e;
  return IKESUITE_REFD;
}

// Two namespaces "<prefix>-moon" and "<prefix>-sun" with a veth pair between them, removed
// (with every process still inside) when it goes out of scope.
class Namespaces {
 public:
  explicit Namespaces(std::string prefix) : prefix_(std::move(prefix)) {}
  ~Namespaces() {
    for (const auto& ns : made_) {
      // Anything left inside (a daemon the test lost track of) dies with its namespace.
      auto pids = harness::run::run_command({"ip", "netns", "pids", ns});
      if (pids.ok()) {
        std::istringstream in(pids->output);
        for (long pid; in >> pid;) ::kill(static_cast<pid_t>(pid), SIGKILL);
      }
      (void)harness::run::run_command({"ip", "netns", "del", ns});
    }
  }
  Status create() {
    const std::string moon = this->moon(), sun = this->sun();
    for (const auto& ns : {moon, sun}) {
      TRY(run_checked({"ip", "netns", "add", ns}));
      made_.push_back(ns);
    }
    const std::string va = prefix_ + "a", vb = prefix_ + "b";
    TRY(run_checked({"ip", "link", "add", va, "netns", moon, "type", "veth", "peer", "name", vb, "netns", sun}));
    TRY(run_checked({"ip", "-n", moon, "addr", "add", "192.168.0.1/24", "dev", va}));
    TRY(run_checked({"ip", "-n", sun, "addr", "add", "192.168.0.2/24", "dev", vb}));
    for (const auto& [ns, dev] : {std::pair{moon, va}, std::pair{sun, vb}}) {
      TRY(run_checked({"ip", "-n", ns, "link", "set", "lo", "up"}));
      TRY(run_checked({"ip", "-n", ns, "link", "set", dev, "up"}));
    }
    return ok_status();
  }
  std::string moon() const { return prefix_ + "-moon"; }
  std::string sun() const { return prefix_ + "-sun"; }

 private:
  std::string prefix_;
  std::vector<std::string> made_;
};

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/lsd-XXXXXX";
    if (char* d = ::mkdtemp(tmpl)) path = d;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  std::string path;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LibreswanInterop, ChildlessIkeSaWithRefd) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)";
  const std::string root = default_libreswan_root();
  if (::access((root + "/usr/libexec/ipsec/pluto").c_str(), X_OK) != 0)
    GTEST_SKIP() << "no pluto in " << root << ": run scripts/libreswan-extract.sh";
  if (::access(refd_path().c_str(), X_OK) != 0) GTEST_SKIP() << "no ike-refd at " << refd_path();
  if (!harness::run::find_executable("certutil")) GTEST_SKIP() << "certutil (libnss3-tools) missing";

  const std::string file = std::string(IKESUITE_SOURCE_DIR) + "/tests/peers_libreswan/data/childless-ref-libreswan.json";
  harness::LoadOptions lo;
  lo.proposal_check = harness::crypto_proposal_check();
  auto loaded = harness::load_scenario(file, lo);
  ASSERT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].format());
  const harness::Scenario& scenario = *loaded.scenario;

  Namespaces ns("lsd" + std::to_string(::getpid() % 100000));
  ASSERT_TRUE(ns.create().ok());
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());

  auto loop = clock::RealEventLoop::create();
  ASSERT_TRUE(loop.ok());
  clock::RealEventLoop& l = **loop;
  const Time origin = l.now();
  std::vector<StateChange> changes;
  harness::run::HostListener listener;
  listener.on_state = [&](const StateChange& c) { changes.push_back(c); };
  harness::run::DaemonHostEnv env{l, [&l, origin] { return l.now() - origin; }, origin, scenario,
                                  ns.sun(), dir.path + "/sun", dir.path + "/sun.log", 1, listener};
  ASSERT_EQ(::mkdir(env.workdir.c_str(), 0700), 0);

  auto host = create_libreswan_host(*scenario.find_host("sun"), env, root);
  ASSERT_TRUE(host.ok()) << host.error().message();
  Status started = (*host)->start();
  ASSERT_TRUE(started.ok()) << started.error().message();
  EXPECT_TRUE((*host)->running());

  SpawnOptions ro;
  ro.netns = ns.moon();
  ro.output_path = dir.path + "/refd.out";
  const std::string refd_log = dir.path + "/moon.log";
  auto refd = Process::spawn({refd_path(), "--scenario", file, "--host", "moon", "--log", refd_log}, ro);
  ASSERT_TRUE(refd.ok()) << refd.error().message();

  auto established = [&] {
    for (const auto& c : changes)
      if (c.ike && c.conn == "net-net" && c.to == "ESTABLISHED") return true;
    return false;
  };
  const std::string moon_established = "IKE_SA net-net[1] state change: CONNECTING => ESTABLISHED";
  auto deadline = l.now() + seconds(10);
  while (l.now() < deadline && !(established() && read_text(refd_log).find(moon_established) != std::string::npos))
    l.run_until(l.now() + std::chrono::milliseconds(100));

  // pluto's side, through the driver: CREATED => CONNECTING => ESTABLISHED of its state #1.
  ASSERT_TRUE(established()) << read_text(env.log_path);
  ASSERT_GE(changes.size(), 2u);
  EXPECT_EQ(changes[0].host, "sun");
  EXPECT_EQ(changes[0].from, "CREATED");
  EXPECT_EQ(changes[0].to, "CONNECTING");
  EXPECT_EQ(changes[1].from, "CONNECTING");
  EXPECT_EQ(changes[1].to, "ESTABLISHED");
  EXPECT_EQ(changes[1].unique_id, changes[0].unique_id);
  EXPECT_GT(changes[1].t, Time{0});
  EXPECT_LT(changes[1].t, seconds(10));
  // The reference engine's side, from ike-refd's log.
  EXPECT_NE(read_text(refd_log).find(moon_established), std::string::npos) << read_text(refd_log);

  auto sas = (*host)->sas();
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_EQ(sas[0].conn, "net-net");
  EXPECT_EQ(sas[0].state, "ESTABLISHED");
  EXPECT_TRUE(sas[0].children.empty());
  EXPECT_NE((*host)->sa_dump().find("STATE_V2_ESTABLISHED_IKE_SA"), std::string::npos);
  bool logged = false;
  for (const auto& line : (*host)->log_lines())
    logged |= line.text.find("responder established IKE SA") != std::string::npos;
  EXPECT_TRUE(logged);

  // Unsupported features say so instead of pretending.
  EXPECT_EQ((*host)->traffic("net-net", {}).error().code(), ErrorCode::kUnsupported);
  EXPECT_EQ((*host)->add_fault({}).error().code(), ErrorCode::kUnsupported);

  // Terminating the IKE SA: pluto deletes it with a Delete, which the driver reports.
  size_t before = changes.size();
  ASSERT_TRUE((*host)->terminate("net-net", harness::SaKind::kIke).ok());
  auto gone = [&] {
    for (size_t i = before; i < changes.size(); ++i)
      if (changes[i].ike && changes[i].to == "DESTROYING") return true;
    return false;
  };
  deadline = l.now() + seconds(5);
  while (l.now() < deadline && !gone()) l.run_until(l.now() + std::chrono::milliseconds(100));
  ASSERT_TRUE(gone());
  EXPECT_EQ(changes[before].from, "ESTABLISHED");
  EXPECT_EQ(changes[before].to, "DELETING");

  (*host)->stop();
  EXPECT_FALSE((*host)->running());
  (*refd)->terminate();
}

}  // namespace
}  // namespace ikesuite::peers
