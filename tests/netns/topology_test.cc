#include "harness/netns/topology.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/netns/delay_line.h"
#include "harness/netns/scenario_loop.h"
#include "harness/run/process.h"
#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/loader.h"
#include "pcaps/src/frame.h"

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

TEST(NetnsUnsupported, FloodsAndLinkImpairmentsRunOnTheDelayLine) {
  for (const char* f : {"ikev2/cookie-flood.json", "ikev2/duplicating-link.json", "ikev2/reordering-link.json",
                        "ikev2/lossy-link.json"}) {
    Scenario s = load(f);
    EXPECT_EQ(netns_unsupported(s), std::nullopt) << f;
    EXPECT_TRUE(Topology::needs_delay_line(s)) << f;
  }
  EXPECT_FALSE(Topology::needs_delay_line(load("ikev2/psk-basic.json")));
  EXPECT_FALSE(Topology::needs_delay_line(load("ikev2/nat-traversal.json")));
}

TEST(NetnsUnsupported, NatsLinuxCannotBe) {
  Scenario s = load("ikev2/nat-traversal.json");
  ASSERT_FALSE(s.network.nats.empty());
  s.network.nats[0].type = NatType::kFullCone;
  auto why = netns_unsupported(s);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("full-cone"), std::string::npos) << *why;
  s.network.nats[0].type = NatType::kPortRestricted;
  s.network.nats[0].public_address = *IpAddress::parse("2001:db8::1");
  why = netns_unsupported(s);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("IPv6"), std::string::npos) << *why;
}

TEST(DelayLinePrefix, NamesThePathAndRejectsOthers) {
  EXPECT_EQ(DelayLine::prefix_for(0, 1), "iks 0 1");
  EXPECT_EQ(DelayLine::parse_prefix("iks 0 1"), (std::pair<size_t, size_t>{0, 1}));
  EXPECT_EQ(DelayLine::parse_prefix("iks 12 3"), (std::pair<size_t, size_t>{12, 3}));
  for (const char* bad : {"", "iks", "iks ", "iks 1", "iks 1 ", "iks  1 2", "iks 1 2 ", "iks a b", "ikz 1 2", "iks -1 2"})
    EXPECT_EQ(DelayLine::parse_prefix(bad), std::nullopt) << bad;
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

// The delay line end to end: a datagram on a path with a delay leaves the kernel's forwarding
// at the router, is read from the NFLOG group with its path, and arrives when the delay line
// sends it on (not before).
TEST(Topology, DelayLineTakesTheImpairedPathOnly) {
  REQUIRE_NETNS();
  Scenario s = load("ikev2/duplicating-link.json");
  auto t = Topology::create(s, next_prefix());
  ASSERT_TRUE(t.ok()) << t.error().message();
  auto imp = (*t)->delay_line("moon", "sun");
  ASSERT_TRUE(imp.has_value());
  EXPECT_EQ(imp->duplicate, 1.0);
  EXPECT_EQ(imp->delay, std::chrono::milliseconds(5));
  EXPECT_EQ(imp->loss, 0.0);
  std::string moon = (*t)->netns_of("moon"), sun = (*t)->netns_of("sun");
  auto line = DelayLine::open((*t)->netns_of_router());
  ASSERT_TRUE(line.ok()) << line.error().message();

  // Held by the router: nothing arrives until the delay line sends it.
  EXPECT_FALSE(reaches(moon, "192.168.0.1", sun, "192.168.0.2"));
  auto taken = (*line)->read();
  ASSERT_TRUE(taken.ok()) << taken.error().message();
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ((*taken)[0].from, 0u);
  EXPECT_EQ((*taken)[0].to, 1u);
  auto d = pcap::decode_frame(pcap::LinkType::Raw, (*taken)[0].packet);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->dst.to_string(), "192.168.0.2[47000]");
  EXPECT_EQ(d->payload.size(), 32u);

  int rx = udp_socket(sun, "192.168.0.2", 47000);
  ASSERT_GE(rx, 0);
  ASSERT_TRUE((*line)->send((*taken)[0].packet).ok());
  pollfd p{rx, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 1500), 1);
  char buf[64];
  EXPECT_EQ(::recv(rx, buf, sizeof buf, 0), 32);
  ::close(rx);

  run::SpawnOptions o;
  o.netns = (*t)->netns_of_router();
  auto rules = run::run_command({"nft", "list", "ruleset"}, o);
  ASSERT_TRUE(rules.ok());
  EXPECT_NE(rules->output.find("log prefix \"iks 0 1\" group 1"), std::string::npos) << rules->output;
  // Clearing the impairment takes the path off the line.
  LinkParams clear;
  clear.duplicate = 0;
  clear.delay = Duration::zero();
  ASSERT_TRUE((*t)->set_path_timing("moon", "sun", clear).ok());
  EXPECT_FALSE((*t)->delay_line("moon", "sun").has_value());
  EXPECT_TRUE(reaches(moon, "192.168.0.1", sun, "192.168.0.2"));
  // Not a datagram of a path is a send error, not a crash.
  EXPECT_FALSE((*line)->send(Bytes{0x45, 0x00}).ok());
}

// Packets a router veth has received (from its host).
uint64_t rx_packets(const std::string& router_ns, const std::string& ifname) {
  run::SpawnOptions o;
  o.netns = router_ns;
  auto r = run::run_command({"ip", "-j", "-s", "link", "show", "dev", ifname}, o);
  if (!r.ok() || r->status != 0) return 0;
  auto j = nlohmann::json::parse(r->output, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.empty()) return 0;
  return j[0]["stats64"]["rx"]["packets"].get<uint64_t>();
}

// Hosts reach addresses nobody answers ARP for through the router: a blackhole's datagrams
// leave the host and the router drops them, as do answers to a flood's spoofed sources.
TEST(Topology, BlackholesAreReachedThroughTheRouter) {
  REQUIRE_NETNS();
  Scenario s = load("ikev2/unreachable-peer.json");
  auto t = Topology::create(s, next_prefix());
  ASSERT_TRUE(t.ok()) << t.error().message();
  ASSERT_TRUE((*t)->add_blackhole(*Subnet::parse("198.51.100.0/24")).ok());
  ASSERT_TRUE((*t)->add_blackhole(*Subnet::parse("198.51.100.0/24")).ok());  // once is enough
  std::string router = (*t)->netns_of_router(), moon = (*t)->netns_of("moon");
  uint64_t before = rx_packets(router, "r0");
  int tx = udp_socket(moon, "192.168.0.1", 0);
  ASSERT_GE(tx, 0);
  for (const char* dst : {"198.51.100.7", "192.168.0.2"}) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(500);
    inet_pton(AF_INET, dst, &a.sin_addr);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(::sendto(tx, "x", 1, 0, reinterpret_cast<sockaddr*>(&a), sizeof a), 1) << dst;
  }
  ::close(tx);
  ::usleep(200000);
  EXPECT_GE(rx_packets(router, "r0"), before + 6);
  run::SpawnOptions o;
  o.netns = router;
  auto routes = run::run_command({"ip", "route", "show", "type", "blackhole"}, o);
  ASSERT_TRUE(routes.ok());
  EXPECT_NE(routes->output.find("198.51.100.0/24"), std::string::npos) << routes->output;
  EXPECT_NE(routes->output.find("192.168.0.2"), std::string::npos) << routes->output;
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
