#include "harness/netns/topology.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "harness/netns/scenario_loop.h"
#include "harness/run/process.h"
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
  std::string diags;
  for (const auto& d : r.diagnostics) diags += d.format() + "\n";
  EXPECT_TRUE(r.ok()) << diags;
  return r.ok() ? *r.scenario : Scenario{};
}

#define REQUIRE_NETNS()                                            \
  do {                                                             \
    static const auto why = netns_unavailable();                   \
    if (why) GTEST_SKIP() << *why;                                 \
  } while (0)

bool ns_exists(const std::string& ns) { return fs::exists("/run/netns/" + ns); }

// A UDP socket bound to addr:port inside a namespace (-1 on failure).
int udp_socket(const std::string& ns, const std::string& addr, uint16_t port) {
  auto fd = in_netns(ns, [&]() -> Result<int> {
    int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, addr.c_str(), &a.sin_addr);
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      if (s >= 0) ::close(s);
      return Error(ErrorCode::kSystem, "bind " + addr);
    }
    return s;
  });
  return fd.ok() ? *fd : -1;
}

// Whether a datagram of `size` bytes from `src` in `from_ns` arrives at `dst` in `to_ns`.
bool reaches(const std::string& from_ns, const std::string& src, const std::string& to_ns,
             const std::string& dst, size_t size = 32) {
  int rx = udp_socket(to_ns, dst, 47000);
  int tx = udp_socket(from_ns, src, 0);
  bool ok = false;
  if (rx >= 0 && tx >= 0) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(47000);
    inet_pton(AF_INET, dst.c_str(), &a.sin_addr);
    std::string data(size, 'x');
    (void)::sendto(tx, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    pollfd p{rx, POLLIN, 0};
    ok = ::poll(&p, 1, 1500) == 1;
  }
  if (rx >= 0) ::close(rx);
  if (tx >= 0) ::close(tx);
  return ok;
}

TEST(NetnsUnsupported, PlainScenariosRun) {
  EXPECT_EQ(netns_unsupported(load("ikev2/psk-basic.json")), std::nullopt);
  EXPECT_EQ(netns_unsupported(load("ikev2/nat-traversal.json")), std::nullopt);
}

TEST(NetnsUnsupported, SpoofedFloodsAndDelayAreSimOnly) {
  auto flood = netns_unsupported(load("ikev2/cookie-flood.json"));
  ASSERT_TRUE(flood.has_value());
  EXPECT_NE(flood->find("spoofed"), std::string::npos);
  auto dup = netns_unsupported(load("ikev2/duplicating-link.json"));
  ASSERT_TRUE(dup.has_value());
  EXPECT_NE(dup->find("duplicate"), std::string::npos);
}

TEST(NetnsPrefix, UniqueAndOurs) {
  std::string a = next_prefix(), b = next_prefix();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind(std::string(kNamespacePrefix) + std::to_string(getpid()) + "x", 0), 0u);
}

TEST(Topology, TwoHostsReachEachOtherAndInnerAddressesExist) {
  REQUIRE_NETNS();
  Scenario s = load("ikev2/psk-basic.json");
  auto t = Topology::create(s, next_prefix());
  ASSERT_TRUE(t.ok()) << t.error().message();
  std::string moon = (*t)->netns_of("moon"), sun = (*t)->netns_of("sun");
  EXPECT_TRUE(ns_exists(moon));
  EXPECT_TRUE(ns_exists((*t)->netns_of_router()));
  EXPECT_TRUE(reaches(moon, "192.168.0.1", sun, "192.168.0.2"));
  EXPECT_TRUE(reaches(sun, "192.168.0.2", moon, "192.168.0.1"));
  // The inner subnet's first address is up on lo.
  EXPECT_TRUE(reaches(moon, "10.1.0.1", moon, "10.1.0.1"));
  EXPECT_EQ((*t)->host_of(*IpAddress::parse("192.168.0.2")), "sun");

  // A path down drops in the router, in one direction only.
  ASSERT_TRUE((*t)->set_path_down("moon", "sun", true).ok());
  EXPECT_FALSE(reaches(moon, "192.168.0.1", sun, "192.168.0.2"));
  EXPECT_TRUE(reaches(sun, "192.168.0.2", moon, "192.168.0.1"));
  ASSERT_TRUE((*t)->set_path_down("moon", "sun", false).ok());
  EXPECT_TRUE(reaches(moon, "192.168.0.1", sun, "192.168.0.2"));

  // A host down is unreachable from everyone.
  ASSERT_TRUE((*t)->set_host_down("sun", true).ok());
  EXPECT_FALSE(reaches(moon, "192.168.0.1", sun, "192.168.0.2"));
  EXPECT_FALSE(reaches(sun, "192.168.0.2", moon, "192.168.0.1"));
  ASSERT_TRUE((*t)->set_host_down("sun", false).ok());
  EXPECT_TRUE(reaches(moon, "192.168.0.1", sun, "192.168.0.2"));
  EXPECT_FALSE((*t)->set_host_down("nobody", true).ok());

  // The MTU drops larger packets as with DF set (1400 bytes of UDP payload: 1428 bytes of IP).
  ASSERT_TRUE((*t)->set_path_mtu("moon", "sun", 1280).ok());
  EXPECT_FALSE(reaches(moon, "192.168.0.1", sun, "192.168.0.2", 1400));
  EXPECT_TRUE(reaches(moon, "192.168.0.1", sun, "192.168.0.2", 1200));

  std::string router = (*t)->netns_of_router();
  (*t)->destroy();
  EXPECT_FALSE(ns_exists(moon));
  EXPECT_FALSE(ns_exists(sun));
  EXPECT_FALSE(ns_exists(router));
}

TEST(Topology, NatTranslatesToThePublicAddress) {
  REQUIRE_NETNS();
  Scenario s = load("ikev2/nat-traversal.json");
  auto t = Topology::create(s, next_prefix());
  ASSERT_TRUE(t.ok()) << t.error().message();
  // carol (inside) reaches moon; moon cannot reach carol's private address, and the
  // public address answers nothing unsolicited.
  std::string carol = (*t)->netns_of("carol"), moon = (*t)->netns_of("moon");
  EXPECT_TRUE(reaches(carol, "10.0.0.10", moon, "192.168.0.1"));
  EXPECT_FALSE(reaches(moon, "192.168.0.1", carol, "10.0.0.10"));
  EXPECT_EQ((*t)->host_of(*IpAddress::parse("192.168.0.254")), "carol");
  run::SpawnOptions o;
  o.netns = (*t)->netns_of_router();
  auto rules = run::run_command({"nft", "list", "ruleset"}, o);
  ASSERT_TRUE(rules.ok());
  EXPECT_NE(rules->output.find("snat to 192.168.0.254"), std::string::npos) << rules->output;
}

TEST(Topology, DestructorRemovesEverything) {
  REQUIRE_NETNS();
  Scenario s = load("ikev2/psk-basic.json");
  std::string moon;
  {
    auto t = Topology::create(s, next_prefix());
    ASSERT_TRUE(t.ok()) << t.error().message();
    moon = (*t)->netns_of("moon");
    // Something left running inside: the destructor kills it with the namespace.
    run::SpawnOptions o;
    o.netns = moon;
    auto p = run::Process::spawn({"sleep", "60"}, o);
    ASSERT_TRUE(p.ok());
    (*p).release();  // as if a daemon were forgotten
  }
  EXPECT_FALSE(ns_exists(moon));
}

TEST(Topology, StaleNamespacesOfDeadRunsAreRemoved) {
  REQUIRE_NETNS();
  // A pid that cannot be alive (above pid_max's hard limit), and our own.
  std::string dead = std::string(kNamespacePrefix) + "4194399x1-moon";
  std::string ours = next_prefix() + "-moon";
  ASSERT_TRUE(run::run_checked({"ip", "netns", "add", dead}).ok());
  ASSERT_TRUE(run::run_checked({"ip", "netns", "add", ours}).ok());
  std::string root = (fs::temp_directory_path() / ("ikesuite-stale-" + std::to_string(getpid()))).string();
  fs::create_directories(root + "/" + std::string(kNamespacePrefix) + "4194399x1/moon");
  fs::create_directories(root + "/" + next_prefix() + "/moon");
  auto removed = cleanup_stale_namespaces(root);
  EXPECT_NE(std::find(removed.begin(), removed.end(), dead), removed.end());
  EXPECT_FALSE(ns_exists(dead));
  EXPECT_TRUE(ns_exists(ours));
  EXPECT_FALSE(fs::exists(root + "/" + std::string(kNamespacePrefix) + "4194399x1"));
  size_t left = 0;
  for (const auto& e : fs::directory_iterator(root)) left += e.is_directory() ? 1 : 0;
  EXPECT_EQ(left, 1u);  // ours stays
  fs::remove_all(root);
  (void)run::run_command({"ip", "netns", "delete", ours});
}

TEST(Topology, BrokenScenarioNetworkIsAnErrorAndLeavesNothing) {
  REQUIRE_NETNS();
  Scenario s = load("ikev2/psk-basic.json");
  // Two hosts with the same address: the router cannot route it twice.
  s.hosts[1].addresses = s.hosts[0].addresses;
  std::string prefix = next_prefix();
  auto t = Topology::create(s, prefix);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message().find("192.168.0.1"), std::string::npos) << t.error().message();
  for (const auto& e : fs::directory_iterator("/run/netns"))
    EXPECT_NE(e.path().filename().string().rfind(prefix, 0), 0u) << e.path();
}

}  // namespace
}  // namespace ikesuite::harness::netns
