#include "harness/netns/netns_run.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "harness/netns/topology.h"
#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/loader.h"

namespace ikesuite::harness::netns {
namespace {

namespace fs = std::filesystem;

const std::string kScenarios = std::string(IKESUITE_SOURCE_DIR) + "/scenarios";

Scenario load(const std::string& file) {
  LoadOptions o;
  o.proposal_check = crypto_proposal_check();
  auto r = load_scenario(kScenarios + "/" + file, o);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r.scenario : Scenario{};
}

std::string temp_dir(const std::string& name) {
  std::string dir = (fs::temp_directory_path() / ("ikesuite-netns-" + name + "-" + std::to_string(getpid()))).string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// No namespace of this process is left.
void expect_no_namespaces_left() {
  std::string ours = std::string(kNamespacePrefix) + std::to_string(getpid()) + "x";
  if (!fs::exists("/run/netns")) return;
  for (const auto& e : fs::directory_iterator("/run/netns"))
    EXPECT_NE(e.path().filename().string().rfind(ours, 0), 0u) << "left behind: " << e.path();
}

NetnsOptions options(const std::string& folder, RefHostMode mode) {
  NetnsOptions o;
  o.folder = folder;
  o.report_root = fs::path(folder).parent_path().string();
  o.ref_hosts = mode;
  o.refd_path = IKE_REFD_BINARY;
  return o;
}

void expect_passed(const reports::ScenarioResult& r) {
  std::string failures;
  for (const auto& e : r.expectations)
    if (!e.passed) failures += e.id + ": expected " + e.expected + "; " + e.actual + "\n";
  EXPECT_EQ(r.status, reports::kPassed) << r.error << failures;
}

TEST(NetnsRun, SkipsWithTheReasonWhenTheScenarioCannotRun) {
  Scenario s = load("ikev2/nat-traversal.json");
  ASSERT_FALSE(s.network.nats.empty());
  s.network.nats[0].type = NatType::kFullCone;
  auto r = run_netns(s, options(temp_dir("skip"), RefHostMode::kInProcess));
  EXPECT_EQ(r.status, reports::kSkipped);
  EXPECT_FALSE(r.error.empty());
  Scenario longer = load("ikev2/psk-basic.json");
  NetnsOptions o = options(temp_dir("skip2"), RefHostMode::kInProcess);
  o.max_duration = seconds(5);
  auto r2 = run_netns(longer, o);
  EXPECT_EQ(r2.status, reports::kSkipped);
  EXPECT_NE(r2.error.find("--netns-max-duration"), std::string::npos) << r2.error;
}

TEST(NetnsRun, PskBasicPassesWithTheEngineInProcess) {
  if (auto why = netns_unavailable()) GTEST_SKIP() << *why;
  std::string dir = temp_dir("inproc") + "/psk-basic";
  auto r = run_netns(load("ikev2/psk-basic.json"), options(dir, RefHostMode::kInProcess));
  expect_passed(r);
  EXPECT_EQ(r.mode, "netns");
  // The capture holds the real frames: four IKE messages, each sent and delivered once.
  ASSERT_GE(r.messages.size(), 4u);
  for (const auto& m : r.messages) EXPECT_EQ(m.fate, "delivered") << m.summary;
  EXPECT_GT(fs::file_size(dir + "/capture.pcap"), 24u + 4 * 60);
  EXPECT_TRUE(fs::exists(dir + "/ikev2_decryption_table"));
  EXPECT_TRUE(fs::exists(dir + "/moon.log"));
  expect_no_namespaces_left();
}

// The delay line carries a link that duplicates every datagram: each one is delivered twice,
// and the trace says so.
TEST(NetnsRun, DuplicatingLinkRunsOnTheDelayLine) {
  if (auto why = netns_unavailable()) GTEST_SKIP() << *why;
  std::string dir = temp_dir("dup") + "/duplicating-link";
  auto r = run_netns(load("ikev2/duplicating-link.json"), options(dir, RefHostMode::kInProcess));
  expect_passed(r);
  size_t duplicated = 0;
  for (const auto& m : r.messages) duplicated += m.fate == "duplicated" ? 1 : 0;
  EXPECT_GE(duplicated, 4u);
  expect_no_namespaces_left();
}

// A receiver that goes down while a datagram sits on the delay line does not get it, as the
// simulated network checks the receiver on arrival.
TEST(NetnsRun, DelayLineDropsForAReceiverThatWentDown) {
  if (auto why = netns_unavailable()) GTEST_SKIP() << *why;
  std::string dir = temp_dir("hostdown") + "/duplicating-link";
  Scenario s = load("ikev2/duplicating-link.json");
  ASSERT_FALSE(s.network.links.empty());
  s.network.links[0].params.delay = seconds(2);
  s.network.links[0].params.duplicate = 0.0;
  Action down;
  down.kind = ActionKind::kHostDown;
  down.host = "sun";
  down.at.offset = seconds(1);
  s.timeline.push_back(down);
  s.duration = seconds(3);
  s.expect.clear();
  auto r = run_netns(s, options(dir, RefHostMode::kInProcess));
  EXPECT_EQ(r.status, reports::kPassed) << r.error;
  ASSERT_FALSE(r.messages.empty());
  EXPECT_EQ(r.messages[0].summary.rfind("IKE_SA_INIT request 0", 0), 0u) << r.messages[0].summary;
  EXPECT_EQ(r.messages[0].fate, "dropped");
  EXPECT_NE(r.messages[0].note.find("host-down"), std::string::npos) << r.messages[0].note;
  expect_no_namespaces_left();
}

// A flood's spoofed requests leave the router with their spoofed sources; the answers to them
// are dropped there (no route), as in sim mode.
TEST(NetnsRun, CookieFloodSpoofsFromTheRouter) {
  if (auto why = netns_unavailable()) GTEST_SKIP() << *why;
  std::string dir = temp_dir("flood") + "/cookie-flood";
  // The flood alone (its first 3 s; the whole scenario runs in the netns suite).
  Scenario s = load("ikev2/cookie-flood.json");
  s.duration = seconds(3);
  s.expect.clear();
  auto r = run_netns(s, options(dir, RefHostMode::kInProcess));
  expect_passed(r);
  size_t from_flood = 0, unrouted = 0;
  for (const auto& m : r.messages) {
    if (m.src.rfind("198.51.100.", 0) == 0) ++from_flood;
    if (m.dst.rfind("198.51.100.", 0) == 0 && m.fate == "dropped") ++unrouted;
  }
  EXPECT_EQ(from_flood, 50u);
  EXPECT_GE(unrouted, 40u);
  expect_no_namespaces_left();
}

// A reference host on the kernel's XFRM: this kernel refuses ESP, which is seed 002 for real
// (on a kernel with ESP the scenario is skipped with the reason).
TEST(NetnsRun, XfrmBackendMeetsTheKernel) {
  if (auto why = netns_unavailable()) GTEST_SKIP() << *why;
  std::string dir = temp_dir("xfrm") + "/xfrm-install-fail";
  auto r = run_netns(load("netns/xfrm-install-fail.json"), options(dir, RefHostMode::kInProcess));
  if (kernel_has_esp()) {
    EXPECT_EQ(r.status, reports::kSkipped);
    EXPECT_NE(r.error.find("installs ESP"), std::string::npos) << r.error;
    return;
  }
  expect_passed(r);
  std::ifstream log(dir + "/sun.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("Protocol not supported (errno 93)"), std::string::npos);
  expect_no_namespaces_left();
}

// The default: one ike-refd per reference host, heard through its event subscription.
TEST(NetnsRun, Net2netRekeyPassesWithIkeRefdDaemons) {
  if (auto why = netns_unavailable()) GTEST_SKIP() << *why;
  std::string dir = temp_dir("daemon") + "/net2net-rekey";
  auto r = run_netns(load("ikev2/net2net-rekey.json"), options(dir, RefHostMode::kDaemon));
  expect_passed(r);
  EXPECT_TRUE(fs::exists(dir + "/moon.log"));
  EXPECT_TRUE(fs::exists(dir + "/ikev2_decryption_table"));
  expect_no_namespaces_left();
}

TEST(NetnsRun, PartitionDropsInTheRouterAndTheTraceSaysSo) {
  if (auto why = netns_unavailable()) GTEST_SKIP() << *why;
  Scenario s = load("ikev2/psk-basic.json");
  // sun cannot hear moon: IKE_SA_INIT is sent, retransmitted, and never delivered.
  s.duration = seconds(3);
  s.expect.clear();
  Action part;
  part.kind = ActionKind::kPartition;
  part.at.offset = Duration{0};
  part.host = "";
  s.timeline.insert(s.timeline.begin(), part);
  auto r = run_netns(s, options(temp_dir("partition") + "/p", RefHostMode::kInProcess));
  EXPECT_EQ(r.status, reports::kPassed) << r.error;
  ASSERT_FALSE(r.messages.empty());
  for (const auto& m : r.messages) EXPECT_EQ(m.fate, "dropped") << m.summary;
  expect_no_namespaces_left();
}

}  // namespace
}  // namespace ikesuite::harness::netns
