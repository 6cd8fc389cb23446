#include "engine/net/sim_network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/clock/event_loop.h"

namespace ikesuite::net {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

const IpAddress kMoon = ip("192.168.0.1");
const IpAddress kSun = ip("192.168.0.2");
const IpAddress kVenus = ip("192.168.0.3");
const Bytes kIke = hex("0011223344556677 0000000000000000 2120220800000000 0000001c");

// A WireEvent with its payload copied out.
struct Event {
  Time time{0};
  uint64_t datagram = 0;
  uint32_t copy = 0;
  Fate fate = Fate::kSent;
  DropReason reason = DropReason::kNone;
  std::string segment, from, to, nat;
  Endpoint src, dst;
  Bytes payload;

  std::string str() const {
    std::string s = format_seconds(time) + " #" + std::to_string(datagram) + "." +
                    std::to_string(copy) + " " + std::string(name(fate));
    if (reason != DropReason::kNone) s += "(" + std::string(name(reason)) + ")";
    s += " " + segment + " " + from + ">" + to + " " + src.to_string() + ">" + dst.to_string();
    if (!nat.empty()) s += " nat=" + nat;
    return s + " " + to_hex(payload);
  }
};

struct Received {
  Time time{0};
  Datagram datagram;
};

// A host on the network with its inbox.
struct Node {
  std::unique_ptr<Transport> transport;
  std::vector<Received> inbox;
};

// Bytes with a sequence number, so tests can tell datagrams apart.
Bytes numbered(uint32_t n) {
  Bytes b = kIke;
  b.push_back(static_cast<uint8_t>(n >> 24));
  b.push_back(static_cast<uint8_t>(n >> 16));
  b.push_back(static_cast<uint8_t>(n >> 8));
  b.push_back(static_cast<uint8_t>(n));
  return b;
}

uint32_t number_of(const Bytes& b) {
  size_t n = b.size();
  return uint32_t{b[n - 4]} << 24 | uint32_t{b[n - 3]} << 16 | uint32_t{b[n - 2]} << 8 | b[n - 1];
}

using Strings = std::vector<std::string>;

class SimNetworkTest : public ::testing::Test {
 protected:
  explicit SimNetworkTest(uint64_t seed = 1) : net(loop, seed) {
    net.add_tap([this](const WireEvent& e) {
      events.push_back(Event{e.time, e.datagram, e.copy, e.fate, e.reason, e.segment, e.from, e.to,
                             e.nat, e.src, e.dst, Bytes(e.payload.begin(), e.payload.end())});
    });
  }

  Node& attach(const std::string& name, std::vector<IpAddress> addresses,
               SimHostOptions options = {}) {
    auto t = net.attach(name, std::move(addresses), std::move(options));
    EXPECT_TRUE(t.ok()) << t.error().message();
    Node& node = nodes[name];
    node.transport = std::move(t).value();
    node.transport->set_receiver([this, &node](const Datagram& d) {
      node.inbox.push_back(Received{loop.now(), d});
    });
    return node;
  }

  std::vector<Event> of_datagram(uint64_t id) const {
    std::vector<Event> out;
    for (const auto& e : events) {
      if (e.datagram == id) out.push_back(e);
    }
    return out;
  }

  Strings fates(uint64_t id) const {
    Strings out;
    for (const auto& e : of_datagram(id)) {
      std::string f(name(e.fate));
      if (e.reason != DropReason::kNone) f += "(" + std::string(name(e.reason)) + ")";
      out.push_back(f);
    }
    return out;
  }

  clock::VirtualEventLoop loop;
  SimNetwork net;
  std::map<std::string, Node> nodes;
  std::vector<Event> events;
};

// -- delivery -------------------------------------------------------------------------------

TEST_F(SimNetworkTest, DeliversAfterTheDefaultLinkDelay) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  EXPECT_TRUE(sun.inbox.empty());  // never delivered inside send()
  EXPECT_EQ(net.in_flight(), 1u);
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 1u);
  EXPECT_EQ(sun.inbox[0].time, microseconds(500));
  EXPECT_EQ(sun.inbox[0].datagram.src, (Endpoint{kMoon, 500}));
  EXPECT_EQ(sun.inbox[0].datagram.dst, (Endpoint{kSun, 500}));
  EXPECT_EQ(sun.inbox[0].datagram.data, kIke);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(
      events[0].str(),
      "0.000000 #1.0 sent internet moon>sun 192.168.0.1[500]>192.168.0.2[500] " + to_hex(kIke));
  EXPECT_EQ(events[1].str(),
            "0.000500 #1.0 delivered internet moon>sun 192.168.0.1[500]>192.168.0.2[500] " +
                to_hex(kIke));
  EXPECT_EQ(net.in_flight(), 0u);
}

TEST_F(SimNetworkTest, DelayIsPerDirection) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Impairment slow;
  slow.delay = milliseconds(20);
  ASSERT_TRUE(net.set_impairment("moon", "sun", slow, false).ok());
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(sun.transport->send({kSun, 500}, {kMoon, 500}, kIke).ok());
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 1u);
  ASSERT_EQ(moon.inbox.size(), 1u);
  EXPECT_EQ(sun.inbox[0].time, milliseconds(20));
  EXPECT_EQ(moon.inbox[0].time, microseconds(500));
  EXPECT_EQ(net.impairment("moon", "sun").delay, milliseconds(20));
  EXPECT_EQ(net.impairment("sun", "moon"), Impairment{});
  net.clear_impairment("moon", "sun");
  EXPECT_EQ(net.impairment("moon", "sun"), Impairment{});
}

TEST_F(SimNetworkTest, DefaultImpairmentAppliesToPairsWithoutTheirOwn) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Node& venus = attach("venus", {kVenus});
  Impairment def;
  def.delay = milliseconds(3);
  ASSERT_TRUE(net.set_default_impairment(def).ok());
  Impairment fast;
  fast.delay = microseconds(100);
  ASSERT_TRUE(net.set_impairment("moon", "venus", fast).ok());
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kVenus, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(sun.inbox.at(0).time, milliseconds(3));
  EXPECT_EQ(venus.inbox.at(0).time, microseconds(100));
}

TEST_F(SimNetworkTest, MarkerOnNattPortsOnTheWireOnly) {
  attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Transport& moon = *nodes["moon"].transport;
  ASSERT_TRUE(moon.send({kMoon, 4500}, {kSun, 4500}, kIke).ok());
  ASSERT_TRUE(moon.send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 2u);
  EXPECT_EQ(sun.inbox[0].datagram.data, kIke);
  EXPECT_EQ(sun.inbox[1].datagram.data, kIke);
  EXPECT_EQ(of_datagram(1)[0].payload, concat({hex("00000000"), kIke}));  // on the wire
  EXPECT_EQ(of_datagram(2)[0].payload, kIke);
}

TEST_F(SimNetworkTest, EspAndKeepalivesStopAtTheTransport) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  ASSERT_TRUE(moon.transport->send_keepalive({kMoon, 4500}, {kSun, 4500}).ok());
  ASSERT_TRUE(moon.transport->send_udp({kMoon, 4500}, {kSun, 4500}, hex("c0ffee01 00000001")).ok());
  ASSERT_TRUE(moon.transport->send_udp({kMoon, 4500}, {kSun, 4500}, hex("0102")).ok());
  ASSERT_TRUE(moon.transport->send_udp({kMoon, 500}, {kSun, 500}, hex("ff")).ok());  // port 500
  loop.run();
  HostCounters c = net.host_counters("sun");
  EXPECT_EQ(c.keepalives_discarded, 1u);
  EXPECT_EQ(c.esp_discarded, 1u);
  EXPECT_EQ(c.invalid_discarded, 1u);
  EXPECT_EQ(c.ike_received, 1u);
  EXPECT_EQ(c.in.delivered, 4u);  // the network delivered all four
  ASSERT_EQ(sun.inbox.size(), 1u);
  EXPECT_EQ(sun.inbox[0].datagram.data, hex("ff"));  // plain port: delivered as is
}

TEST_F(SimNetworkTest, CustomPortsAndNattPorts) {
  SimHostOptions custom;
  custom.ports = {500, 4500, 14500};
  custom.natt_ports = {14500};
  Node& moon = attach("moon", {kMoon}, custom);
  Node& sun = attach("sun", {kSun}, custom);
  ASSERT_TRUE(moon.transport->send({kMoon, 14500}, {kSun, 14500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoon, 4500}, {kSun, 4500}, kIke).ok());  // plain here
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 2u);
  EXPECT_EQ(of_datagram(1)[0].payload.size(), kIke.size() + 4);
  EXPECT_EQ(of_datagram(2)[0].payload, kIke);
  EXPECT_EQ(sun.inbox[0].datagram.data, kIke);
  EXPECT_EQ(sun.inbox[1].datagram.data, kIke);
  EXPECT_EQ(moon.transport->local_endpoints().size(), 3u);
}

TEST_F(SimNetworkTest, IPv6Hosts) {
  Node& moon = attach("moon", {kMoon, ip("fec0::1")});
  Node& sun = attach("sun", {ip("fec0::2")});
  ASSERT_TRUE(moon.transport->send({ip("fec0::1"), 500}, {ip("fec0::2"), 500}, kIke).ok());
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 1u);
  EXPECT_EQ(sun.inbox[0].datagram.src, (Endpoint{ip("fec0::1"), 500}));
  EXPECT_EQ(moon.transport->local_endpoints().size(), 4u);
}

TEST_F(SimNetworkTest, ReceiverCanAnswerAndDetachInsideItsCallback) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  sun.transport->set_receiver([&](const Datagram& d) {
    ASSERT_TRUE(sun.transport->send(d.dst, d.src, d.data).ok());
    sun.transport.reset();  // a host that answers once and leaves
  });
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  ASSERT_EQ(moon.inbox.size(), 1u);
  EXPECT_EQ(moon.inbox[0].time, microseconds(1000));
  EXPECT_EQ(fates(2), (Strings{"sent", "dropped(no-listener)"}));
}

// -- reproducibility and randomness ---------------------------------------------------------

Strings run_scenario(uint64_t seed) {
  clock::VirtualEventLoop loop;
  SimNetwork net(loop, seed);
  Strings trace;
  net.add_tap([&](const WireEvent& e) {
    trace.push_back(format_seconds(e.time) + " " + std::to_string(e.datagram) + "." +
                    std::to_string(e.copy) + " " + std::string(name(e.fate)) + " " +
                    std::string(name(e.reason)) + " " + e.src.to_string() + ">" +
                    e.dst.to_string());
  });
  Impairment rough;
  rough.loss = 0.2;
  rough.duplicate = 0.1;
  rough.reorder = 0.2;
  rough.delay = milliseconds(5);
  rough.jitter = milliseconds(2);
  EXPECT_TRUE(net.set_default_impairment(rough).ok());
  auto moon = std::move(net.attach("moon", {kMoon})).value();
  auto sun = std::move(net.attach("sun", {kSun})).value();
  sun->set_receiver([&](const Datagram& d) { EXPECT_TRUE(sun->send(d.dst, d.src, d.data).ok()); });
  for (uint32_t i = 0; i < 200; ++i) {
    loop.schedule(milliseconds(i), [&, i] {
      EXPECT_TRUE(moon->send({kMoon, 500}, {kSun, 500}, numbered(i)).ok());
    });
  }
  loop.run();
  return trace;
}

TEST(SimNetworkSeed, SameSeedSameEventsDifferentSeedDifferentEvents) {
  auto a = run_scenario(42);
  auto b = run_scenario(42);
  auto c = run_scenario(43);
  EXPECT_GT(a.size(), 400u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST_F(SimNetworkTest, LossRateIsWithinStatisticalBounds) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Impairment lossy;
  lossy.loss = 0.3;
  ASSERT_TRUE(net.set_impairment("moon", "sun", lossy).ok());
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  }
  loop.run();
  // 0.3 * 10000 = 3000 lost; sigma = sqrt(n p (1-p)) ~ 46; allow 5 sigma.
  double lost = static_cast<double>(n - static_cast<int>(sun.inbox.size()));
  EXPECT_NEAR(lost, 3000, 230);
  TrafficCounters c = net.link_counters("moon", "sun");
  EXPECT_EQ(c.sent, static_cast<uint64_t>(n));
  EXPECT_EQ(c.dropped_by(DropReason::kLoss), static_cast<uint64_t>(lost));
  EXPECT_EQ(c.delivered, sun.inbox.size());
  // Lost datagrams are dropped when sent.
  for (const auto& e : events) {
    if (e.fate == Fate::kDropped) {
      EXPECT_EQ(e.time, Time{0});
    }
  }
}

TEST_F(SimNetworkTest, LossOfZeroAndOne) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Node& venus = attach("venus", {kVenus});
  Impairment all;
  all.loss = 1;
  ASSERT_TRUE(net.set_impairment("moon", "sun", all).ok());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
    ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kVenus, 500}, kIke).ok());
  }
  loop.run();
  EXPECT_TRUE(sun.inbox.empty());
  EXPECT_EQ(venus.inbox.size(), 100u);
}

TEST_F(SimNetworkTest, DuplicatesAreDeliveredTwice) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Impairment dup;
  dup.duplicate = 0.25;
  ASSERT_TRUE(net.set_impairment("moon", "sun", dup).ok());
  const uint32_t n = 4000;
  for (uint32_t i = 0; i < n; ++i) {
    ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, numbered(i)).ok());
  }
  loop.run();
  std::map<uint32_t, int> seen;
  for (const auto& r : sun.inbox) ++seen[number_of(r.datagram.data)];
  EXPECT_EQ(seen.size(), n);  // every datagram arrived
  int twice = 0;
  for (const auto& [num, count] : seen) {
    EXPECT_LE(count, 2);
    if (count == 2) ++twice;
  }
  // 1000 expected; sigma ~ 27.
  EXPECT_NEAR(twice, 1000, 140);
  auto dup_events = std::count_if(events.begin(), events.end(),
                                  [](const Event& e) { return e.fate == Fate::kDuplicated; });
  EXPECT_EQ(dup_events, twice);
  EXPECT_EQ(net.link_counters("moon", "sun").duplicated, static_cast<uint64_t>(twice));
  EXPECT_EQ(sun.inbox.size(), n + static_cast<size_t>(twice));
}

TEST_F(SimNetworkTest, ReorderHoldsCopiesBackByTheReorderDelay) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Impairment shuffle;
  shuffle.reorder = 0.3;
  shuffle.reorder_delay = milliseconds(10);
  shuffle.delay = milliseconds(1);
  ASSERT_TRUE(net.set_impairment("moon", "sun", shuffle).ok());
  const uint32_t n = 300;
  for (uint32_t i = 0; i < n; ++i) {
    loop.schedule(milliseconds(i), [&, i] {
      ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, numbered(i)).ok());
    });
  }
  loop.run();
  ASSERT_EQ(sun.inbox.size(), n);
  std::set<uint32_t> held;
  for (const auto& e : events) {
    if (e.fate == Fate::kReordered) held.insert(number_of(e.payload));
  }
  EXPECT_NEAR(static_cast<double>(held.size()), 90, 40);
  int inversions = 0;
  for (size_t i = 0; i < sun.inbox.size(); ++i) {
    uint32_t num = number_of(sun.inbox[i].datagram.data);
    Duration transit = sun.inbox[i].time - milliseconds(num);
    EXPECT_EQ(transit, held.contains(num) ? milliseconds(11) : milliseconds(1)) << num;
    if (i > 0 && num < number_of(sun.inbox[i - 1].datagram.data)) ++inversions;
  }
  EXPECT_GT(inversions, 10);
  EXPECT_EQ(net.link_counters("moon", "sun").reordered, held.size());
}

TEST_F(SimNetworkTest, JitterStaysWithinItsBounds) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Impairment jittery;
  jittery.delay = milliseconds(10);
  jittery.jitter = milliseconds(3);
  ASSERT_TRUE(net.set_impairment("moon", "sun", jittery).ok());
  const uint32_t n = 2000;
  for (uint32_t i = 0; i < n; ++i) {
    loop.schedule(milliseconds(i), [&, i] {
      ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, numbered(i)).ok());
    });
  }
  loop.run();
  ASSERT_EQ(sun.inbox.size(), n);
  Duration lo = Duration::max(), hi = Duration::min();
  double sum = 0;
  for (const auto& r : sun.inbox) {
    Duration transit = r.time - milliseconds(number_of(r.datagram.data));
    EXPECT_GE(transit, milliseconds(7));
    EXPECT_LE(transit, milliseconds(13));
    lo = std::min(lo, transit);
    hi = std::max(hi, transit);
    sum += to_seconds(transit);
  }
  EXPECT_LT(lo, microseconds(7100));
  EXPECT_GT(hi, microseconds(12900));
  EXPECT_NEAR(sum / n, 0.010, 0.0002);
}

TEST_F(SimNetworkTest, JitterLargerThanTheDelayNeverGoesBelowZero) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Impairment wild;
  wild.delay = milliseconds(1);
  wild.jitter = milliseconds(5);
  ASSERT_TRUE(net.set_impairment("moon", "sun", wild).ok());
  for (uint32_t i = 0; i < 500; ++i) {
    loop.schedule(milliseconds(10 * i), [&, i] {
      ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, numbered(i)).ok());
    });
  }
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 500u);
  int instant = 0;
  for (const auto& r : sun.inbox) {
    Duration transit = r.time - milliseconds(10 * number_of(r.datagram.data));
    EXPECT_GE(transit, Duration::zero());
    EXPECT_LE(transit, milliseconds(6));
    if (transit == Duration::zero()) ++instant;
  }
  EXPECT_GT(instant, 100);  // about 4 in 10 draws fall below zero and are clamped
}

TEST_F(SimNetworkTest, ImpairmentsAreValidated) {
  Impairment bad;
  bad.loss = 1.5;
  auto r = net.set_impairment("moon", "sun", bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kConfig);
  EXPECT_NE(r.error().message().find("loss probability"), std::string::npos);
  bad = Impairment{};
  bad.duplicate = -0.1;
  EXPECT_FALSE(net.set_default_impairment(bad).ok());
  bad = Impairment{};
  bad.reorder = std::nan("");
  EXPECT_FALSE(net.set_default_impairment(bad).ok());
  bad = Impairment{};
  bad.delay = -milliseconds(1);
  EXPECT_FALSE(net.set_impairment("a", "b", bad).ok());
  bad = Impairment{};
  bad.jitter = -milliseconds(1);
  EXPECT_FALSE(bad.validate().ok());
  bad = Impairment{};
  bad.reorder_delay = -milliseconds(1);
  EXPECT_FALSE(bad.validate().ok());
  EXPECT_EQ(net.impairment("moon", "sun"), Impairment{});  // nothing was stored
}

// -- partitions, hosts down, routing --------------------------------------------------------

TEST_F(SimNetworkTest, PartitionAndHeal) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  Node& venus = attach("venus", {kVenus});
  net.partition("sun", "moon");
  EXPECT_TRUE(net.partitioned("moon", "sun"));
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(sun.transport->send({kSun, 500}, {kMoon, 500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kVenus, 500}, kIke).ok());
  loop.run();
  EXPECT_TRUE(sun.inbox.empty());
  EXPECT_TRUE(moon.inbox.empty());
  EXPECT_EQ(venus.inbox.size(), 1u);
  EXPECT_EQ(fates(1), (Strings{"sent", "dropped(partition)"}));
  EXPECT_EQ(fates(2), (Strings{"sent", "dropped(partition)"}));
  net.heal("moon", "sun");
  EXPECT_FALSE(net.partitioned("sun", "moon"));
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(sun.inbox.size(), 1u);
  net.partition("moon", "sun");
  net.partition("moon", "venus");
  net.heal_all();
  EXPECT_FALSE(net.partitioned("moon", "venus"));
  EXPECT_EQ(net.link_counters("moon", "sun").dropped_by(DropReason::kPartition), 1u);
  EXPECT_EQ(net.link_counters("sun", "moon").dropped_by(DropReason::kPartition), 1u);
}

TEST_F(SimNetworkTest, DownHostNeitherReceivesNorSends) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  ASSERT_TRUE(net.set_host_up("sun", false).ok());
  EXPECT_FALSE(net.host_up("sun"));
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(sun.transport->send({kSun, 500}, {kMoon, 500}, kIke).ok());
  loop.run();
  EXPECT_TRUE(sun.inbox.empty());
  EXPECT_TRUE(moon.inbox.empty());
  auto one = of_datagram(1);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[1].reason, DropReason::kHostDown);
  EXPECT_EQ(one[1].time, microseconds(500));  // found down on arrival
  auto two = of_datagram(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].reason, DropReason::kHostDown);
  EXPECT_EQ(two[1].time, microseconds(0));  // never left

  ASSERT_TRUE(net.set_host_up("sun", true).ok());
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(sun.inbox.size(), 1u);

  // Going down while a datagram is on its way loses it.
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.schedule(microseconds(200), [&] { ASSERT_TRUE(net.set_host_up("sun", false).ok()); });
  loop.run();
  EXPECT_EQ(sun.inbox.size(), 1u);
  EXPECT_EQ(fates(4), (Strings{"sent", "dropped(host-down)"}));
  EXPECT_FALSE(net.set_host_up("nobody", true).ok());
  EXPECT_FALSE(net.host_up("nobody"));
}

TEST_F(SimNetworkTest, NoRouteAndNoListener) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {ip("203.0.113.9"), 500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 501}, kIke).ok());
  loop.run();
  auto lost = of_datagram(1);
  ASSERT_EQ(lost.size(), 2u);
  EXPECT_EQ(lost[1].reason, DropReason::kNoRoute);
  EXPECT_EQ(lost[1].to, "");
  EXPECT_EQ(lost[1].time, Time{0});
  EXPECT_EQ(fates(2), (Strings{"sent", "dropped(no-listener)"}));
  HostCounters mc = net.host_counters("moon");
  EXPECT_EQ(mc.out.sent, 2u);
  EXPECT_EQ(mc.out.dropped_by(DropReason::kNoRoute), 1u);
  EXPECT_EQ(mc.out.dropped_by(DropReason::kNoListener), 1u);
  EXPECT_EQ(net.host_counters("sun").in.dropped_by(DropReason::kNoListener), 1u);

  // A host whose transport is gone listens nowhere; attaching again brings it back.
  sun.transport.reset();
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(fates(3), (Strings{"sent", "dropped(no-listener)"}));
  Node& sun2 = attach("sun", {kSun});
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(sun2.inbox.size(), 1u);
  EXPECT_EQ(net.host_counters("sun").in.sent, 3u);  // counters survive a restart
}

TEST_F(SimNetworkTest, AttachValidatesHostsAndAddresses) {
  attach("moon", {kMoon});
  auto again = net.attach("moon", {kMoon});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kState);
  auto taken = net.attach("sun", {kMoon});
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().reason(), "address 192.168.0.1 of host 'sun' belongs to host 'moon'");
  EXPECT_FALSE(net.attach("", {kSun}).ok());
  EXPECT_FALSE(net.attach("sun", {}).ok());
  EXPECT_FALSE(net.attach("sun", {kSun, kSun}).ok());
  EXPECT_FALSE(net.attach("sun", {IpAddress{}}).ok());
  EXPECT_FALSE(net.attach("sun", {IpAddress::any(IpAddress::Family::kV4)}).ok());
  SimHostOptions bad;
  bad.ports = {};
  EXPECT_FALSE(net.attach("sun", {kSun}, bad).ok());
  bad.ports = {500, 0};
  EXPECT_FALSE(net.attach("sun", {kSun}, bad).ok());
  bad.ports = {500};
  bad.natt_ports = {4500};
  EXPECT_FALSE(net.attach("sun", {kSun}, bad).ok());
  EXPECT_EQ(net.hosts(), (Strings{"moon"}));
}

TEST_F(SimNetworkTest, SendValidatesSourceDestinationAndSize) {
  Node& moon = attach("moon", {kMoon});
  auto foreign = moon.transport->send({kSun, 500}, {kSun, 500}, kIke);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(foreign.error().reason(), "moon: no socket bound to 192.168.0.2[500]");
  EXPECT_FALSE(moon.transport->send({kMoon, 501}, {kSun, 500}, kIke).ok());
  EXPECT_FALSE(moon.transport->send({kMoon, 500}, {ip("::1"), 500}, kIke).ok());
  EXPECT_FALSE(moon.transport->send({kMoon, 500}, {kSun, 0}, kIke).ok());
  EXPECT_TRUE(moon.transport->send_udp({kMoon, 500}, {kSun, 500}, Bytes(kMaxUdpPayloadV4)).ok());
  auto big = moon.transport->send_udp({kMoon, 500}, {kSun, 500}, Bytes(kMaxUdpPayloadV4 + 1));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code(), ErrorCode::kLimit);
  // On the NAT-T port the marker counts against the limit too.
  EXPECT_FALSE(moon.transport->send({kMoon, 4500}, {kSun, 4500}, Bytes(kMaxUdpPayloadV4 - 3)).ok());
  // Only the one valid send reached the wire (and, with nobody at 192.168.0.2, no further).
  EXPECT_EQ(fates(1), (Strings{"sent", "dropped(no-route)"}));
  EXPECT_EQ(events.size(), 2u);
}

TEST_F(SimNetworkTest, MovedHostLosesWhatWasSentToItsOldAddress) {
  Node& moon = attach("moon", {kMoon});
  Node& sun = attach("sun", {kSun});
  const IpAddress new_sun = ip("192.168.0.20");
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(net.set_addresses("sun", {new_sun}).ok());
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {new_sun, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(fates(1), (Strings{"sent", "dropped(no-route)"}));
  ASSERT_EQ(sun.inbox.size(), 1u);
  EXPECT_EQ(sun.inbox[0].datagram.dst, (Endpoint{new_sun, 500}));
  EXPECT_EQ(sun.transport->local_endpoints()[0].addr, new_sun);
  EXPECT_FALSE(sun.transport->send({kSun, 500}, {kMoon, 500}, kIke).ok());
  EXPECT_FALSE(net.set_addresses("sun", {kMoon}).ok());
  EXPECT_FALSE(net.set_addresses("nobody", {kMoon}).ok());
}

TEST_F(SimNetworkTest, InjectedDatagramsComeFromAnywhere) {
  Node& sun = attach("sun", {kSun});
  for (uint8_t i = 1; i <= 50; ++i) {
    ASSERT_TRUE(net.inject({IpAddress::v4(198, 51, 100, i), 500}, {kSun, 500}, kIke).ok());
  }
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 50u);
  EXPECT_EQ(sun.inbox[49].datagram.src, (Endpoint{IpAddress::v4(198, 51, 100, 50), 500}));
  EXPECT_EQ(net.link_counters("injector", "sun").delivered, 50u);
  EXPECT_EQ(net.host_counters("sun").in.delivered, 50u);
  EXPECT_EQ(events[0].from, "injector");
  EXPECT_FALSE(net.inject({kSun, 500}, {ip("::2"), 500}, kIke).ok());
  EXPECT_FALSE(net.inject({kSun, 500}, {kMoon, 500}, Bytes(70000)).ok());
}

// -- NAT ------------------------------------------------------------------------------------

class SimNatTest : public SimNetworkTest {
 protected:
  const IpAddress kMoonPrivate = ip("10.1.0.1");
  const IpAddress kCarolPrivate = ip("10.1.0.2");
  const IpAddress kPublic = ip("192.168.0.100");

  NatSpec spec() {
    NatSpec s;
    s.name = "home";
    s.inside = {"moon", "carol"};
    s.public_address = kPublic;
    return s;
  }
};

TEST_F(SimNatTest, TranslatesBothWaysWithHighPorts) {
  ASSERT_TRUE(net.add_nat(spec()).ok());
  Node& moon = attach("moon", {kMoonPrivate});
  Node& sun = attach("sun", {kSun});
  // IKE_SA_INIT from 500, then the switch to 4500 (RFC 7296 §2.23).
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 1u);
  Endpoint mapped500{kPublic, 32768};
  EXPECT_EQ(sun.inbox[0].datagram.src, mapped500);
  ASSERT_TRUE(sun.transport->send({kSun, 500}, mapped500, kIke).ok());
  loop.run();
  ASSERT_EQ(moon.inbox.size(), 1u);
  EXPECT_EQ(moon.inbox[0].datagram.src, (Endpoint{kSun, 500}));
  EXPECT_EQ(moon.inbox[0].datagram.dst, (Endpoint{kMoonPrivate, 500}));

  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 4500}, {kSun, 4500}, kIke).ok());
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 2u);
  Endpoint mapped4500{kPublic, 32769};
  EXPECT_EQ(sun.inbox[1].datagram.src, mapped4500);
  EXPECT_EQ(sun.inbox[1].datagram.data, kIke);  // marker stripped on sun's 4500
  ASSERT_TRUE(sun.transport->send({kSun, 4500}, mapped4500, kIke).ok());
  loop.run();
  ASSERT_EQ(moon.inbox.size(), 2u);
  EXPECT_EQ(moon.inbox[1].datagram.data, kIke);  // and on moon's 4500
  EXPECT_EQ(moon.inbox[1].datagram.dst, (Endpoint{kMoonPrivate, 4500}));

  // What each segment saw.
  auto out = of_datagram(1);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(
      out[0].str(),
      "0.000000 #1.0 sent home:inside moon>sun 10.1.0.1[500]>192.168.0.2[500] " + to_hex(kIke));
  EXPECT_EQ(out[1].str(),
            "0.000000 #1.0 forwarded internet moon>sun 192.168.0.100[32768]>192.168.0.2[500] "
            "nat=home " +
                to_hex(kIke));
  EXPECT_EQ(out[2].str(),
            "0.000500 #1.0 delivered internet moon>sun 192.168.0.100[32768]>192.168.0.2[500] "
            "nat=home " +
                to_hex(kIke));
  auto back = of_datagram(2);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].segment, "internet");
  EXPECT_EQ(back[0].to, "moon");  // known through the mapping at send time
  EXPECT_EQ(back[1].fate, Fate::kForwarded);
  EXPECT_EQ(back[1].segment, "home:inside");
  EXPECT_EQ(back[1].dst, (Endpoint{kMoonPrivate, 500}));
  EXPECT_EQ(back[1].time, microseconds(1000));  // translated on arrival
  EXPECT_EQ(back[2].fate, Fate::kDelivered);
  EXPECT_EQ(of_datagram(4)[0].payload, concat({hex("00000000"), kIke}));

  auto mappings = net.nat_mappings("home");
  ASSERT_TRUE(mappings.ok());
  ASSERT_EQ(mappings->size(), 2u);
  EXPECT_EQ((*mappings)[0].inside, (Endpoint{kMoonPrivate, 500}));
  EXPECT_EQ((*mappings)[0].public_endpoint, mapped500);
  EXPECT_EQ((*mappings)[0].expires, (*mappings)[0].last_used + seconds(120));
  EXPECT_FALSE((*mappings)[0].remote);
  EXPECT_EQ((*mappings)[1].inside, (Endpoint{kMoonPrivate, 4500}));
  EXPECT_FALSE(net.nat_mappings("nope").ok());
}

TEST_F(SimNatTest, EndpointIndependentMappingReusesThePort) {
  ASSERT_TRUE(net.add_nat(spec()).ok());
  Node& moon = attach("moon", {kMoonPrivate});
  Node& sun = attach("sun", {kSun});
  Node& venus = attach("venus", {kVenus});
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kVenus, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(sun.inbox.at(0).datagram.src, venus.inbox.at(0).datagram.src);
  EXPECT_EQ(net.nat_mappings("home")->size(), 1u);
}

TEST_F(SimNatTest, SymmetricMappingUsesAPortPerPeer) {
  NatSpec s = spec();
  s.mapping = NatMapping::kAddressAndPortDependent;
  ASSERT_TRUE(net.add_nat(s).ok());
  Node& moon = attach("moon", {kMoonPrivate});
  Node& sun = attach("sun", {kSun});
  Node& venus = attach("venus", {kVenus});
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kVenus, 500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(sun.inbox.at(0).datagram.src, (Endpoint{kPublic, 32768}));
  EXPECT_EQ(venus.inbox.at(0).datagram.src, (Endpoint{kPublic, 32769}));
  EXPECT_EQ(sun.inbox.at(1).datagram.src, (Endpoint{kPublic, 32768}));
  auto m = net.nat_mappings("home");
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].remote, (Endpoint{kSun, 500}));
}

TEST_F(SimNatTest, FilteringDecidesWhoMayAnswer) {
  for (NatFiltering filtering :
       {NatFiltering::kEndpointIndependent, NatFiltering::kAddressDependent,
        NatFiltering::kAddressAndPortDependent}) {
    clock::VirtualEventLoop l;
    SimNetwork n(l, 7);
    std::vector<DropReason> drops;
    n.add_tap([&](const WireEvent& e) {
      if (e.fate == Fate::kDropped) drops.push_back(e.reason);
    });
    NatSpec s = spec();
    s.filtering = filtering;
    ASSERT_TRUE(n.add_nat(s).ok());
    auto moon = std::move(n.attach("moon", {kMoonPrivate})).value();
    auto sun = std::move(n.attach("sun", {kSun})).value();
    auto venus = std::move(n.attach("venus", {kVenus})).value();
    int received = 0;
    moon->set_receiver([&](const Datagram&) { ++received; });
    ASSERT_TRUE(moon->send({kMoonPrivate, 500}, {kSun, 500}, kIke).ok());
    l.run();
    Endpoint mapped{kPublic, 32768};
    ASSERT_TRUE(sun->send({kSun, 500}, mapped, kIke).ok());      // the peer itself
    ASSERT_TRUE(sun->send({kSun, 4500}, mapped, kIke).ok());     // same address, other port
    ASSERT_TRUE(venus->send({kVenus, 500}, mapped, kIke).ok());  // a stranger
    l.run();
    switch (filtering) {
      case NatFiltering::kEndpointIndependent:
        EXPECT_EQ(received, 3);
        EXPECT_TRUE(drops.empty());
        break;
      case NatFiltering::kAddressDependent:
        EXPECT_EQ(received, 2);
        EXPECT_EQ(drops, (std::vector<DropReason>{DropReason::kNatFiltered}));
        break;
      case NatFiltering::kAddressAndPortDependent:
        EXPECT_EQ(received, 1);
        EXPECT_EQ(drops,
                  (std::vector<DropReason>{DropReason::kNatFiltered, DropReason::kNatFiltered}));
        break;
    }
  }
}

TEST_F(SimNatTest, UnsolicitedAndPrivateDestinationsAreUnreachable) {
  ASSERT_TRUE(net.add_nat(spec()).ok());
  Node& moon = attach("moon", {kMoonPrivate});
  Node& sun = attach("sun", {kSun});
  ASSERT_TRUE(sun.transport->send({kSun, 500}, {kPublic, 500}, kIke).ok());
  ASSERT_TRUE(sun.transport->send({kSun, 500}, {kMoonPrivate, 500}, kIke).ok());
  loop.run();
  EXPECT_TRUE(moon.inbox.empty());
  auto first = of_datagram(1);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].to, "home");  // no mapping: the NAT is as far as it is known to go
  EXPECT_EQ(first[1].reason, DropReason::kNatNoMapping);
  EXPECT_EQ(first[1].nat, "home");
  EXPECT_EQ(first[1].time, microseconds(500));
  EXPECT_EQ(fates(2), (Strings{"sent", "dropped(no-route)"}));
  EXPECT_EQ(net.link_counters("sun", "home").dropped_by(DropReason::kNatNoMapping), 1u);
}

TEST_F(SimNatTest, MappingsExpireWhenIdleAndKeepalivesKeepThem) {
  NatSpec s = spec();
  s.mapping_timeout = seconds(30);
  ASSERT_TRUE(net.add_nat(s).ok());
  Node& moon = attach("moon", {kMoonPrivate});
  Node& sun = attach("sun", {kSun});
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 4500}, {kSun, 4500}, kIke).ok());
  loop.run();
  Endpoint mapped = sun.inbox.at(0).datagram.src;
  EXPECT_EQ(mapped, (Endpoint{kPublic, 32768}));
  // RFC 3948 §2.3: keepalives every 20 s hold the mapping for 100 s.
  for (int t = 20; t <= 100; t += 20) {
    loop.schedule(seconds(t), [&] {
      ASSERT_TRUE(moon.transport->send_keepalive({kMoonPrivate, 4500}, {kSun, 4500}).ok());
    });
  }
  loop.schedule(seconds(110), [&] {
    ASSERT_TRUE(sun.transport->send({kSun, 4500}, mapped, kIke).ok());
  });
  loop.run();
  ASSERT_EQ(moon.inbox.size(), 1u);
  EXPECT_EQ(net.host_counters("sun").keepalives_discarded, 5u);
  // Silence for longer than the timeout: the mapping is gone.
  loop.run_until(seconds(150));
  EXPECT_TRUE(net.nat_mappings("home")->empty());
  ASSERT_TRUE(sun.transport->send({kSun, 4500}, mapped, kIke).ok());
  loop.run();
  EXPECT_EQ(moon.inbox.size(), 1u);
  EXPECT_EQ(events.back().reason, DropReason::kNatNoMapping);
  // The next datagram out gets a new port: the peer sees the NAT mapping change.
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 4500}, {kSun, 4500}, kIke).ok());
  loop.run();
  EXPECT_EQ(sun.inbox.back().datagram.src, (Endpoint{kPublic, 32769}));
}

TEST_F(SimNatTest, InboundTrafficRefreshesOnlyWhenConfigured) {
  for (bool refresh : {true, false}) {
    clock::VirtualEventLoop l;
    SimNetwork n(l, 1);
    NatSpec s = spec();
    s.mapping_timeout = seconds(30);
    s.inbound_refresh = refresh;
    ASSERT_TRUE(n.add_nat(s).ok());
    auto moon = std::move(n.attach("moon", {kMoonPrivate})).value();
    auto sun = std::move(n.attach("sun", {kSun})).value();
    int received = 0;
    moon->set_receiver([&](const Datagram&) { ++received; });
    ASSERT_TRUE(moon->send({kMoonPrivate, 500}, {kSun, 500}, kIke).ok());
    Endpoint mapped{kPublic, 32768};
    for (int t = 20; t <= 60; t += 20) {
      l.schedule(seconds(t), [&] { ASSERT_TRUE(sun->send({kSun, 500}, mapped, kIke).ok()); });
    }
    l.run();
    EXPECT_EQ(received, refresh ? 3 : 1) << refresh;
  }
}

TEST_F(SimNatTest, InsideHostsTalkDirectly) {
  ASSERT_TRUE(net.add_nat(spec()).ok());
  Node& moon = attach("moon", {kMoonPrivate});
  Node& carol = attach("carol", {kCarolPrivate});
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kCarolPrivate, 500}, kIke).ok());
  loop.run();
  ASSERT_EQ(carol.inbox.size(), 1u);
  EXPECT_EQ(carol.inbox[0].datagram.src, (Endpoint{kMoonPrivate, 500}));
  EXPECT_EQ(fates(1), (Strings{"sent", "delivered"}));
  EXPECT_EQ(of_datagram(1)[1].segment, "home:inside");
  EXPECT_TRUE(net.nat_mappings("home")->empty());
}

TEST_F(SimNatTest, HairpinThroughThePublicAddressObeysFiltering) {
  for (NatFiltering filtering :
       {NatFiltering::kEndpointIndependent, NatFiltering::kAddressAndPortDependent}) {
    clock::VirtualEventLoop l;
    SimNetwork n(l, 3);
    std::vector<std::string> moon_fates;
    NatSpec s = spec();
    s.filtering = filtering;
    ASSERT_TRUE(n.add_nat(s).ok());
    auto moon = std::move(n.attach("moon", {kMoonPrivate})).value();
    auto carol = std::move(n.attach("carol", {kCarolPrivate})).value();
    auto sun = std::move(n.attach("sun", {kSun})).value();
    std::vector<Datagram> at_carol;
    carol->set_receiver([&](const Datagram& d) { at_carol.push_back(d); });
    n.add_tap([&](const WireEvent& e) {
      if (e.from == "moon") moon_fates.push_back(std::string(name(e.fate)));
    });
    // carol's mapping exists (made towards sun); moon sends to carol's public endpoint.
    ASSERT_TRUE(carol->send({kCarolPrivate, 500}, {kSun, 500}, kIke).ok());
    l.run();
    ASSERT_TRUE(moon->send({kMoonPrivate, 500}, {kPublic, 32768}, kIke).ok());
    l.run();
    if (filtering == NatFiltering::kEndpointIndependent) {
      ASSERT_EQ(at_carol.size(), 1u);
      EXPECT_EQ(at_carol[0].src, (Endpoint{kPublic, 32769}));  // moon's own mapping
      EXPECT_EQ(at_carol[0].dst, (Endpoint{kCarolPrivate, 500}));
      EXPECT_EQ(moon_fates, (Strings{"sent", "forwarded", "forwarded", "delivered"}));
    } else {
      // carol only ever sent to sun: moon's public endpoint is filtered.
      EXPECT_TRUE(at_carol.empty());
      EXPECT_EQ(moon_fates, (Strings{"sent", "forwarded", "dropped"}));
    }
  }
}

TEST_F(SimNatTest, BothPeersBehindTheirOwnNats) {
  ASSERT_TRUE(net.add_nat(spec()).ok());
  NatSpec office;
  office.name = "office";
  office.inside = {"sun"};
  office.public_address = ip("192.168.0.200");
  office.filtering = NatFiltering::kEndpointIndependent;  // a port opened towards anyone
  ASSERT_TRUE(net.add_nat(office).ok());
  const IpAddress sun_private = ip("10.2.0.1");
  Node& moon = attach("moon", {kMoonPrivate});
  Node& sun = attach("sun", {sun_private});
  Node& venus = attach("venus", {kVenus});
  // sun opens a mapping (towards venus); moon then reaches sun through it.
  ASSERT_TRUE(sun.transport->send({sun_private, 4500}, {kVenus, 4500}, kIke).ok());
  loop.run();
  Endpoint sun_public = venus.inbox.at(0).datagram.src;
  EXPECT_EQ(sun_public, (Endpoint{office.public_address, 32768}));
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 4500}, sun_public, kIke).ok());
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 1u);
  EXPECT_EQ(sun.inbox[0].datagram.src, (Endpoint{kPublic, 32768}));
  EXPECT_EQ(sun.inbox[0].datagram.dst, (Endpoint{sun_private, 4500}));
  EXPECT_EQ(sun.inbox[0].datagram.data, kIke);
  EXPECT_EQ(fates(2), (Strings{"sent", "forwarded", "forwarded", "delivered"}));
  auto path = of_datagram(2);
  EXPECT_EQ(path[0].segment, "home:inside");
  EXPECT_EQ(path[1].segment, "internet");
  EXPECT_EQ(path[2].segment, "office:inside");
  EXPECT_EQ(path[0].to, "sun");
  // And back: home lets the answer in, since moon sent to exactly that endpoint.
  ASSERT_TRUE(sun.transport->send({sun_private, 4500}, sun.inbox[0].datagram.src, kIke).ok());
  loop.run();
  ASSERT_EQ(moon.inbox.size(), 1u);
  EXPECT_EQ(moon.inbox[0].datagram.src, sun_public);
}

TEST_F(SimNatTest, PreservedPortsAndExhaustion) {
  NatSpec s = spec();
  s.preserve_ports = true;
  s.mapping = NatMapping::kAddressAndPortDependent;
  s.first_port = 40000;
  s.last_port = 40001;
  ASSERT_TRUE(net.add_nat(s).ok());
  Node& moon = attach("moon", {kMoonPrivate});
  Node& sun = attach("sun", {kSun});
  Node& venus = attach("venus", {kVenus});
  Node& earth = attach("earth", {ip("192.168.0.4")});
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kVenus, 500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 4500}, {kSun, 4500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 4500}, {kVenus, 4500}, kIke).ok());
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {ip("192.168.0.4"), 500}, kIke).ok());
  loop.run();
  ASSERT_EQ(sun.inbox.size(), 2u);
  ASSERT_EQ(venus.inbox.size(), 2u);
  EXPECT_EQ(sun.inbox[0].datagram.src, (Endpoint{kPublic, 500}));      // kept
  EXPECT_EQ(venus.inbox[0].datagram.src, (Endpoint{kPublic, 40000}));  // 500 is taken
  EXPECT_EQ(sun.inbox[1].datagram.src, (Endpoint{kPublic, 4500}));     // kept
  EXPECT_EQ(venus.inbox[1].datagram.src, (Endpoint{kPublic, 40001}));
  EXPECT_TRUE(earth.inbox.empty());
  EXPECT_EQ(fates(5), (Strings{"sent", "dropped(nat-exhausted)"}));
}

TEST_F(SimNatTest, ImpairmentsAndPartitionsFollowTheEndHosts) {
  ASSERT_TRUE(net.add_nat(spec()).ok());
  Node& moon = attach("moon", {kMoonPrivate});
  Node& sun = attach("sun", {kSun});
  Impairment slow;
  slow.delay = milliseconds(40);
  ASSERT_TRUE(net.set_impairment("moon", "sun", slow).ok());
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(sun.inbox.at(0).time, milliseconds(40));
  ASSERT_TRUE(sun.transport->send({kSun, 500}, {kPublic, 32768}, kIke).ok());
  loop.run();
  EXPECT_EQ(moon.inbox.at(0).time, milliseconds(80));
  net.partition("moon", "sun");
  ASSERT_TRUE(moon.transport->send({kMoonPrivate, 500}, {kSun, 500}, kIke).ok());
  ASSERT_TRUE(sun.transport->send({kSun, 500}, {kPublic, 32768}, kIke).ok());
  loop.run();
  EXPECT_EQ(fates(3), (Strings{"sent", "forwarded", "dropped(partition)"}));
  EXPECT_EQ(fates(4), (Strings{"sent", "dropped(partition)"}));
  EXPECT_EQ(net.link_counters("moon", "sun").dropped_by(DropReason::kPartition), 1u);
  EXPECT_EQ(net.link_counters("sun", "moon").dropped_by(DropReason::kPartition), 1u);
}

TEST_F(SimNatTest, IPv6IsNotTranslatedByAnIPv4Nat) {
  ASSERT_TRUE(net.add_nat(spec()).ok());
  Node& moon = attach("moon", {kMoonPrivate, ip("2001:db8::1")});
  Node& sun = attach("sun", {kSun, ip("2001:db8::2")});
  ASSERT_TRUE(moon.transport->send({ip("2001:db8::1"), 500}, {ip("2001:db8::2"), 500}, kIke).ok());
  ASSERT_TRUE(sun.transport->send({ip("2001:db8::2"), 500}, {ip("2001:db8::1"), 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(sun.inbox.at(0).datagram.src, (Endpoint{ip("2001:db8::1"), 500}));
  EXPECT_EQ(moon.inbox.size(), 1u);
  EXPECT_EQ(of_datagram(1)[0].segment, "internet");
}

TEST_F(SimNatTest, AddNatValidates) {
  attach("sun", {kSun});
  NatSpec s = spec();
  s.public_address = kSun;
  EXPECT_EQ(net.add_nat(s).error().reason(),
            "public address 192.168.0.2 of NAT 'home' belongs to host 'sun'");
  s = spec();
  s.name = "";
  EXPECT_FALSE(net.add_nat(s).ok());
  s = spec();
  s.name = "sun";
  EXPECT_FALSE(net.add_nat(s).ok());
  s = spec();
  s.public_address = IpAddress{};
  EXPECT_FALSE(net.add_nat(s).ok());
  s = spec();
  s.first_port = 2000;
  s.last_port = 1000;
  EXPECT_FALSE(net.add_nat(s).ok());
  s = spec();
  s.mapping_timeout = Duration::zero();
  EXPECT_FALSE(net.add_nat(s).ok());
  s = spec();
  s.inside = {};
  EXPECT_FALSE(net.add_nat(s).ok());
  s = spec();
  s.inside = {"moon", "moon"};
  EXPECT_FALSE(net.add_nat(s).ok());
  ASSERT_TRUE(net.add_nat(spec()).ok());
  EXPECT_FALSE(net.add_nat(spec()).ok());  // the name again
  s = spec();
  s.name = "office";
  s.public_address = ip("192.168.0.200");
  EXPECT_EQ(net.add_nat(s).error().reason(), "host 'moon' is inside NAT 'home' already");
  s.inside = {"dave"};
  s.public_address = kPublic;
  EXPECT_FALSE(net.add_nat(s).ok());
  // A host cannot take a NAT's public address or name.
  EXPECT_FALSE(net.attach("dave", {kPublic}).ok());
  EXPECT_FALSE(net.attach("home", {ip("192.168.0.9")}).ok());
}

// -- taps and counters ----------------------------------------------------------------------

class SimTapTest : public SimNetworkTest {
 protected:
  SimTapTest() : SimNetworkTest(99) {}
};

TEST_F(SimTapTest, EveryDatagramIsSentOnceAndEveryCopyEndsOnce) {
  NatSpec s;
  s.name = "home";
  s.inside = {"moon"};
  s.public_address = ip("192.168.0.100");
  s.filtering = NatFiltering::kEndpointIndependent;
  ASSERT_TRUE(net.add_nat(s).ok());
  Node& moon = attach("moon", {ip("10.1.0.1")});
  Node& sun = attach("sun", {kSun});
  Node& venus = attach("venus", {kVenus});
  Impairment rough;
  rough.loss = 0.15;
  rough.duplicate = 0.2;
  rough.reorder = 0.2;
  rough.delay = milliseconds(2);
  rough.jitter = milliseconds(1);
  ASSERT_TRUE(net.set_default_impairment(rough).ok());
  // Every third datagram a host receives is answered.
  auto echo = [this](Node& node) {
    node.transport->set_receiver([this, &node](const Datagram& d) {
      node.inbox.push_back(Received{loop.now(), d});
      if (node.inbox.size() % 3 == 0) (void)node.transport->send(d.dst, d.src, d.data);
    });
  };
  echo(sun);
  echo(venus);
  echo(moon);
  for (uint32_t i = 0; i < 300; ++i) {
    loop.schedule(milliseconds(i), [&, i] {
      Endpoint from{ip("10.1.0.1"), static_cast<uint16_t>(i % 2 ? 500 : 4500)};
      (void)moon.transport->send(from, {i % 3 ? kSun : kVenus, from.port}, numbered(i));
      if (i % 50 == 0) (void)sun.transport->send({kSun, 500}, {ip("203.0.113.1"), 500}, kIke);
      if (i % 40 == 0) (void)sun.transport->send({kSun, 500}, {kVenus, 999}, kIke);
      if (i == 100) (void)net.set_host_up("venus", false);
      if (i == 200) (void)net.set_host_up("venus", true);
      if (i == 150) net.partition("moon", "sun");
      if (i == 180) net.heal_all();
    });
  }
  loop.run();
  EXPECT_EQ(net.in_flight(), 0u);

  std::map<uint64_t, int> sent;
  std::map<std::pair<uint64_t, uint32_t>, int> ends;
  std::map<uint64_t, uint32_t> copies;
  std::set<std::pair<uint64_t, uint32_t>> ended;
  std::set<DropReason> reasons;
  Time last{0};
  for (const auto& e : events) {
    EXPECT_GE(e.time, last);  // events come in time order
    last = e.time;
    auto key = std::pair{e.datagram, e.copy};
    EXPECT_FALSE(ended.contains(key)) << "event after the end: " << e.str();
    if (e.fate == Fate::kSent) {
      ++sent[e.datagram];
      EXPECT_EQ(e.copy, 0u);
    }
    if (e.fate == Fate::kDuplicated) copies[e.datagram] = 1;
    if (e.fate == Fate::kDelivered || e.fate == Fate::kDropped) {
      ++ends[key];
      ended.insert(key);
    }
    if (e.fate == Fate::kDropped) {
      reasons.insert(e.reason);
      EXPECT_NE(e.reason, DropReason::kNone);
    }
  }
  uint64_t datagrams = sent.size();
  EXPECT_GT(datagrams, 300u);
  for (const auto& [id, n] : sent) {
    EXPECT_EQ(n, 1) << id;
    uint32_t extra = copies.contains(id) ? copies.at(id) : 0;
    for (uint32_t c = 0; c <= extra; ++c) {
      EXPECT_EQ((ends[std::pair{id, c}]), 1) << id << "." << c;
    }
  }
  EXPECT_EQ(ends.size(), datagrams + copies.size());
  for (DropReason r : {DropReason::kLoss, DropReason::kPartition, DropReason::kHostDown,
                       DropReason::kNoRoute, DropReason::kNoListener}) {
    EXPECT_TRUE(reasons.contains(r)) << name(r);
  }

  // The counters tell the same story.
  uint64_t sent_total = 0, delivered = 0, duplicated = 0;
  for (const char* h : {"moon", "sun", "venus"}) {
    HostCounters c = net.host_counters(h);
    sent_total += c.out.sent;
    delivered += c.out.delivered;
    duplicated += c.out.duplicated;
    EXPECT_EQ(c.out.sent + c.out.duplicated, c.out.delivered + c.out.dropped_total()) << h;
    EXPECT_EQ(c.in.delivered, nodes[h].inbox.size() + c.esp_discarded + c.keepalives_discarded +
                                  c.invalid_discarded)
        << h;
  }
  EXPECT_EQ(sent_total, datagrams);
  EXPECT_EQ(duplicated, copies.size());
  auto delivered_events = std::count_if(events.begin(), events.end(),
                                        [](const Event& e) { return e.fate == Fate::kDelivered; });
  EXPECT_EQ(delivered, static_cast<uint64_t>(delivered_events));
  uint64_t link_sent = 0;
  for (const auto& [pair, c] : net.all_link_counters()) link_sent += c.sent;
  // Datagrams with no route belong to no link.
  EXPECT_EQ(link_sent, datagrams - net.host_counters("sun").out.dropped_by(DropReason::kNoRoute));
}

TEST_F(SimNetworkTest, TapsCanBeRemovedEvenFromInsideATap) {
  Node& moon = attach("moon", {kMoon});
  attach("sun", {kSun});
  int calls = 0;
  size_t id = 0;
  id = net.add_tap([&](const WireEvent&) {
    ++calls;
    net.remove_tap(id);
  });
  int other = 0;
  size_t other_id = net.add_tap([&](const WireEvent&) { ++other; });
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(other, 2);
  net.remove_tap(other_id);
  ASSERT_TRUE(moon.transport->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  EXPECT_EQ(other, 2);
}

TEST(SimNetworkLifetime, TransportOutlivingTheNetworkFailsCleanly) {
  clock::VirtualEventLoop loop;
  std::unique_ptr<Transport> moon;
  {
    SimNetwork net(loop, 1);
    moon = std::move(net.attach("moon", {kMoon})).value();
    auto sun = std::move(net.attach("sun", {kSun})).value();
    ASSERT_TRUE(moon->send({kMoon, 500}, {kSun, 500}, kIke).ok());
    EXPECT_EQ(loop.pending(), 1u);
  }
  EXPECT_EQ(loop.pending(), 0u);  // what was in flight went with the network
  auto r = moon->send({kMoon, 500}, {kSun, 500}, kIke);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kState);
  EXPECT_TRUE(moon->local_endpoints().empty());
  loop.run();
}

TEST(SimNetworkLoop, RunsOnARealEventLoopToo) {
  clock::RealEventLoop loop;
  SimNetwork net(loop, 5);
  auto moon = std::move(net.attach("moon", {kMoon})).value();
  auto sun = std::move(net.attach("sun", {kSun})).value();
  Impairment imp;
  imp.delay = milliseconds(2);
  ASSERT_TRUE(net.set_default_impairment(imp).ok());
  std::vector<Bytes> got;
  sun->set_receiver([&](const Datagram& d) { got.push_back(d.data); });
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(moon->send({kMoon, 500}, {kSun, 500}, kIke).ok());
  loop.run();
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(2));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], kIke);
}

TEST(SimNetworkNames, FatesReasonsAndLinks) {
  EXPECT_EQ(name(Fate::kSent), "sent");
  EXPECT_EQ(name(Fate::kForwarded), "forwarded");
  EXPECT_EQ(name(Fate::kDuplicated), "duplicated");
  EXPECT_EQ(name(Fate::kReordered), "reordered");
  EXPECT_EQ(name(Fate::kDelivered), "delivered");
  EXPECT_EQ(name(Fate::kDropped), "dropped");
  EXPECT_EQ(name(DropReason::kHostDown), "host-down");
  EXPECT_EQ(name(DropReason::kNatExhausted), "nat-exhausted");
  EXPECT_EQ(name(DropReason::kNone), "");
  EXPECT_EQ(link_name("sun", "moon"), "moon<->sun");
  EXPECT_EQ(link_name("moon", "sun"), "moon<->sun");
  EXPECT_EQ(inside_segment("home"), "home:inside");
}

}  // namespace
}  // namespace ikesuite::net
