// UdpTransport over loopback with ephemeral ports; a plain socket plays the peer where the
// test must see or forge the exact UDP payload.
#include "engine/net/udp_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/log.h"

namespace ikesuite::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const IpAddress kLo4 = *IpAddress::parse("127.0.0.1");
const IpAddress kLo6 = *IpAddress::parse("::1");
const Bytes kIke = hex("0011223344556677 0000000000000000 2120220800000000 0000001c");

class RecordingLogger final : public Logger {
 public:
  void log(LogGroup group, int level, std::string_view text) override {
    lines.push_back(std::string(name(group)) + " " + std::to_string(level) + " " +
                    std::string(text));
  }
  bool enabled(LogGroup, int) const override { return true; }
  std::vector<std::string> lines;
};

// A plain UDP socket: sends and receives raw payloads.
class Peer {
 public:
  explicit Peer(const IpAddress& addr) {
    int family = addr.is_v4() ? AF_INET : AF_INET6;
    fd_ = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_storage ss = to_ss(Endpoint{addr, 0});
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&ss), len(addr)), 0);
    socklen_t l = sizeof ss;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &l);
    ep_ = Endpoint{addr, port_of(ss)};
  }
  ~Peer() { ::close(fd_); }
  const Endpoint& endpoint() const { return ep_; }

  void send(const Endpoint& to, ByteView payload) {
    sockaddr_storage ss = to_ss(to);
    ASSERT_EQ(::sendto(fd_, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&ss),
                       len(to.addr)),
              static_cast<ssize_t>(payload.size()));
  }

  // The next datagram and who sent it, within a generous timeout.
  std::optional<std::pair<Endpoint, Bytes>> receive(int timeout_ms = 2000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return std::nullopt;
    Bytes buf(70000);
    sockaddr_storage from{};
    socklen_t l = sizeof from;
    ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &l);
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    Endpoint src;
    if (from.ss_family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&from);
      src.addr = *IpAddress::from_bytes(ByteView(reinterpret_cast<uint8_t*>(&sin->sin_addr), 4));
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&from);
      src.addr = *IpAddress::from_bytes(ByteView(reinterpret_cast<uint8_t*>(&sin6->sin6_addr), 16));
    }
    src.port = port_of(from);
    return std::pair{src, buf};
  }

 private:
  static socklen_t len(const IpAddress& a) {
    return a.is_v4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  }
  static sockaddr_storage to_ss(const Endpoint& ep) {
    sockaddr_storage ss{};
    if (ep.addr.is_v4()) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      sin->sin_family = AF_INET;
      sin->sin_port = htons(ep.port);
      std::memcpy(&sin->sin_addr, ep.addr.bytes().data(), 4);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(ep.port);
      std::memcpy(&sin6->sin6_addr, ep.addr.bytes().data(), 16);
    }
    return ss;
  }
  static uint16_t port_of(const sockaddr_storage& ss) {
    return ss.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port)
                                   : ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
  }
  int fd_ = -1;
  Endpoint ep_;
};

std::unique_ptr<UdpTransport> open_or_die(clock::RealEventLoop& loop, std::vector<Endpoint> eps,
                                          UdpOptions options = {}) {
  auto t = UdpTransport::open(loop, std::move(eps), std::move(options));
  EXPECT_TRUE(t.ok()) << t.error().message();
  return t.ok() ? std::move(t).value() : nullptr;
}

// Collects datagrams; stops the loop once `want` have arrived.
struct Inbox {
  clock::RealEventLoop& loop;
  size_t want;
  std::vector<Datagram> got;
  void attach(Transport& t) {
    t.set_receiver([this](const Datagram& d) {
      got.push_back(d);
      if (got.size() >= want) loop.stop();
    });
  }
  void wait() { loop.run_until(loop.now() + seconds(5)); }
};

TEST(UdpTransport, BindsEphemeralPortsAndReportsThem) {
  clock::RealEventLoop loop;
  auto t = open_or_die(loop, {{kLo4, 0}, {kLo6, 0}});
  ASSERT_TRUE(t);
  auto eps = t->local_endpoints();
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_EQ(eps[0].addr, kLo4);
  EXPECT_EQ(eps[1].addr, kLo6);
  EXPECT_NE(eps[0].port, 0);
  EXPECT_NE(eps[1].port, 0);
  EXPECT_EQ(loop.watched(), 2u);
  t.reset();
  EXPECT_EQ(loop.watched(), 0u);  // the sockets leave the loop with the transport
}

void round_trip(const IpAddress& addr) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{addr, 0}});
  auto b = open_or_die(loop, {{addr, 0}});
  ASSERT_TRUE(a && b);
  Endpoint ea = a->local_endpoints()[0], eb = b->local_endpoints()[0];
  Inbox at_b{loop, 1, {}}, at_a{loop, 1, {}};
  at_b.attach(*b);
  at_a.attach(*a);
  ASSERT_TRUE(a->send(ea, eb, kIke).ok());
  at_b.wait();
  ASSERT_EQ(at_b.got.size(), 1u);
  EXPECT_EQ(at_b.got[0].src, ea);
  EXPECT_EQ(at_b.got[0].dst, eb);
  EXPECT_EQ(at_b.got[0].data, kIke);
  ASSERT_TRUE(b->send(eb, ea, kIke).ok());
  at_a.wait();
  ASSERT_EQ(at_a.got.size(), 1u);
  EXPECT_EQ(at_a.got[0].src, eb);
  EXPECT_EQ(at_a.got[0].data, kIke);
  EXPECT_EQ(a->stats().sent, 1u);
  EXPECT_EQ(b->stats().delivered, 1u);
}

TEST(UdpTransport, RoundTripIPv4) {
  round_trip(kLo4);
}
TEST(UdpTransport, RoundTripIPv6) {
  round_trip(kLo6);
}

TEST(UdpTransport, NoMarkerOnAPlainPort) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{kLo4, 0}});
  Peer peer(kLo4);
  Endpoint ea = a->local_endpoints()[0];
  ASSERT_TRUE(a->send(ea, peer.endpoint(), kIke).ok());
  auto got = peer.receive();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->first, ea);
  EXPECT_EQ(got->second, kIke);
}

TEST(UdpTransport, MarkerOnANattPortBothWays) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{kLo4, 0}});
  Endpoint ea = a->local_endpoints()[0];
  a->set_natt_ports({ea.port});
  Peer peer(kLo4);
  // Sent from the NAT-T port: the marker goes in front.
  ASSERT_TRUE(a->send(ea, peer.endpoint(), kIke).ok());
  auto got = peer.receive();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->second, concat({hex("00000000"), kIke}));
  // Received on it: the marker comes off.
  Inbox inbox{loop, 1, {}};
  inbox.attach(*a);
  peer.send(ea, concat({hex("00000000"), kIke}));
  inbox.wait();
  ASSERT_EQ(inbox.got.size(), 1u);
  EXPECT_EQ(inbox.got[0].data, kIke);
  EXPECT_EQ(inbox.got[0].src, peer.endpoint());
}

TEST(UdpTransport, TwoNattTransportsTalkIke) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{kLo6, 0}});
  auto b = open_or_die(loop, {{kLo6, 0}});
  Endpoint ea = a->local_endpoints()[0], eb = b->local_endpoints()[0];
  a->set_natt_ports({ea.port});
  b->set_natt_ports({eb.port});
  Inbox inbox{loop, 1, {}};
  inbox.attach(*b);
  ASSERT_TRUE(a->send(ea, eb, kIke).ok());
  inbox.wait();
  ASSERT_EQ(inbox.got.size(), 1u);
  EXPECT_EQ(inbox.got[0].data, kIke);
}

TEST(UdpTransport, EspKeepalivesAndJunkAreDroppedOnANattPort) {
  clock::RealEventLoop loop;
  RecordingLogger logger;
  UdpOptions options;
  options.logger = &logger;
  auto a = open_or_die(loop, {{kLo4, 0}}, options);
  Endpoint ea = a->local_endpoints()[0];
  a->set_natt_ports({ea.port});
  Peer peer(kLo4);
  peer.send(ea, hex("ff"));                                  // NAT-keepalive
  peer.send(ea, hex("c0ffee01 00000001 0011223344556677"));  // ESP
  peer.send(ea, hex("0102"));                                // junk
  peer.send(ea, concat({hex("00000000"), kIke}));            // IKE, last
  Inbox inbox{loop, 1, {}};
  inbox.attach(*a);
  inbox.wait();
  ASSERT_EQ(inbox.got.size(), 1u);
  EXPECT_EQ(inbox.got[0].data, kIke);
  const UdpStats& s = a->stats();
  EXPECT_EQ(s.received, 4u);
  EXPECT_EQ(s.keepalives, 1u);
  EXPECT_EQ(s.esp, 1u);
  EXPECT_EQ(s.invalid, 1u);
  EXPECT_EQ(s.delivered, 1u);
  bool logged_junk = false;
  for (const auto& l : logger.lines)
    if (l.find("dropping invalid 2 byte datagram") != std::string::npos) logged_junk = true;
  EXPECT_TRUE(logged_junk);
}

TEST(UdpTransport, PlainPortDeliversWhateverArrives) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{kLo4, 0}});
  Endpoint ea = a->local_endpoints()[0];
  Peer peer(kLo4);
  peer.send(ea, hex("ff"));
  peer.send(ea, concat({hex("00000000"), kIke}));
  Inbox inbox{loop, 2, {}};
  inbox.attach(*a);
  inbox.wait();
  ASSERT_EQ(inbox.got.size(), 2u);
  EXPECT_EQ(inbox.got[0].data, hex("ff"));
  EXPECT_EQ(inbox.got[1].data, concat({hex("00000000"), kIke}));  // nothing stripped on 500
}

TEST(UdpTransport, AnyAddressSocketLearnsTheDestinationAndAnswersFromIt) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{IpAddress::any(IpAddress::Family::kV4), 0}});
  uint16_t port = a->local_endpoints()[0].port;
  Peer peer(kLo4);
  const IpAddress other = *IpAddress::parse("127.0.0.2");  // all of 127/8 is loopback
  peer.send(Endpoint{other, port}, kIke);
  peer.send(Endpoint{kLo4, port}, kIke);
  Inbox inbox{loop, 2, {}};
  inbox.attach(*a);
  inbox.wait();
  ASSERT_EQ(inbox.got.size(), 2u);
  EXPECT_EQ(inbox.got[0].dst, (Endpoint{other, port}));
  EXPECT_EQ(inbox.got[1].dst, (Endpoint{kLo4, port}));
  // The answer leaves from the address the peer used, not the routing table's choice.
  ASSERT_TRUE(a->send(inbox.got[0].dst, inbox.got[0].src, kIke).ok());
  auto reply = peer.receive();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->first, (Endpoint{other, port}));
}

TEST(UdpTransport, AnyAddressIPv6LearnsTheDestination) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{IpAddress::any(IpAddress::Family::kV6), 0}});
  uint16_t port = a->local_endpoints()[0].port;
  Peer peer(kLo6);
  peer.send(Endpoint{kLo6, port}, kIke);
  Inbox inbox{loop, 1, {}};
  inbox.attach(*a);
  inbox.wait();
  ASSERT_EQ(inbox.got.size(), 1u);
  EXPECT_EQ(inbox.got[0].dst, (Endpoint{kLo6, port}));
  ASSERT_TRUE(a->send(inbox.got[0].dst, inbox.got[0].src, kIke).ok());
  auto reply = peer.receive();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->first, (Endpoint{kLo6, port}));
}

TEST(UdpTransport, IPv6AnyAddressDoesNotTakeIPv4) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{IpAddress::any(IpAddress::Family::kV6), 0}});
  uint16_t port = a->local_endpoints()[0].port;
  Inbox inbox{loop, 1, {}};
  inbox.attach(*a);
  Peer peer(kLo4);
  peer.send(Endpoint{kLo4, port}, kIke);  // with IPV6_V6ONLY nobody listens there
  loop.run_until(loop.now() + milliseconds(100));
  EXPECT_TRUE(inbox.got.empty());
}

void large_datagram(const IpAddress& addr, size_t size) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{addr, 0}});
  auto b = open_or_die(loop, {{addr, 0}});
  Endpoint ea = a->local_endpoints()[0], eb = b->local_endpoints()[0];
  Bytes big(size);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7 + 1);
  Inbox inbox{loop, 1, {}};
  inbox.attach(*b);
  ASSERT_TRUE(a->send(ea, eb, big).ok());
  inbox.wait();
  ASSERT_EQ(inbox.got.size(), 1u);
  EXPECT_EQ(inbox.got[0].data, big);
  EXPECT_EQ(b->stats().truncated, 0u);
  // One byte more than UDP can carry is refused by the kernel, and said so.
  Bytes too_big(size + 1);
  auto refused = a->send(ea, eb, too_big);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().sys_errno(), EMSGSIZE);
}

TEST(UdpTransport, LargestIPv4DatagramArrivesIntact) {
  large_datagram(kLo4, kMaxUdpPayloadV4);
}
TEST(UdpTransport, LargestIPv6DatagramArrivesIntact) {
  large_datagram(kLo6, kMaxUdpPayloadV6);
}

TEST(UdpTransport, TruncatedDatagramIsDroppedAndLogged) {
  clock::RealEventLoop loop;
  RecordingLogger logger;
  UdpOptions options;
  options.logger = &logger;
  options.max_datagram = 100;
  auto a = open_or_die(loop, {{kLo4, 0}}, options);
  Endpoint ea = a->local_endpoints()[0];
  Peer peer(kLo4);
  peer.send(ea, Bytes(101, 0x42));
  peer.send(ea, Bytes(100, 0x43));
  Inbox inbox{loop, 1, {}};
  inbox.attach(*a);
  inbox.wait();
  ASSERT_EQ(inbox.got.size(), 1u);
  EXPECT_EQ(inbox.got[0].data, Bytes(100, 0x43));
  EXPECT_EQ(a->stats().truncated, 1u);
  ASSERT_FALSE(logger.lines.empty());
  EXPECT_NE(logger.lines[0].find("NET 1 dropping datagram from " + peer.endpoint().to_string()),
            std::string::npos)
      << logger.lines[0];
  EXPECT_NE(logger.lines[0].find("truncated"), std::string::npos);
}

TEST(UdpTransport, BindErrorNamesTheEndpointAndTheErrno) {
  clock::RealEventLoop loop;
  Peer holder(kLo4);  // no SO_REUSEADDR: the port is taken for good
  Endpoint taken = holder.endpoint();
  auto t = UdpTransport::open(loop, {{kLo4, 0}, taken});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), ErrorCode::kSystem);
  EXPECT_EQ(t.error().sys_errno(), EADDRINUSE);
  EXPECT_EQ(t.error().reason(), "bind " + taken.to_string() + ": Address already in use");
  EXPECT_EQ(loop.watched(), 0u);  // the socket opened first was closed again
}

TEST(UdpTransport, OpenRejectsBadEndpointLists) {
  clock::RealEventLoop loop;
  auto none = UdpTransport::open(loop, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kConfig);
  auto twice = UdpTransport::open(loop, {{kLo4, 40123}, {kLo4, 40123}});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().reason().find("listed twice"), std::string::npos);
  auto familyless = UdpTransport::open(loop, {{IpAddress{}, 500}});
  ASSERT_FALSE(familyless.ok());
  EXPECT_EQ(familyless.error().reason(), "bind %any[500]: no address family");
  UdpOptions options;
  options.max_datagram = 0;
  EXPECT_FALSE(UdpTransport::open(loop, {{kLo4, 0}}, options).ok());
}

TEST(UdpTransport, SendNeedsASocketForTheSource) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{kLo4, 0}});
  Endpoint ea = a->local_endpoints()[0];
  Endpoint other_port{kLo4, static_cast<uint16_t>(ea.port == 1 ? 2 : 1)};
  auto r = a->send(other_port, Endpoint{kLo4, 9}, kIke);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.error().reason(), "no socket bound to " + other_port.to_string());
  auto other_address =
      a->send(Endpoint{*IpAddress::parse("127.0.0.3"), ea.port}, Endpoint{kLo4, 9}, kIke);
  EXPECT_FALSE(other_address.ok());  // bound to 127.0.0.1 only, not to the any-address
  auto mixed = a->send(ea, Endpoint{kLo6, 9}, kIke);
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().code(), ErrorCode::kConfig);
  EXPECT_FALSE(a->send(ea, Endpoint{kLo4, 0}, kIke).ok());
}

TEST(UdpTransport, KernelFailureIsReturnedWithErrno) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{IpAddress::any(IpAddress::Family::kV4), 0}});
  Endpoint ea{IpAddress{}, a->local_endpoints()[0].port};
  // Broadcast without SO_BROADCAST: the kernel refuses with EACCES.
  auto r = a->send(ea, Endpoint{*IpAddress::parse("255.255.255.255"), 500}, kIke);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sys_errno(), EACCES);
  EXPECT_NE(r.error().reason().find("Permission denied"), std::string::npos);
  EXPECT_EQ(a->stats().send_errors, 1u);
}

TEST(UdpTransport, SendUdpAndKeepalivesGoOutAsGiven) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{kLo4, 0}});
  Endpoint ea = a->local_endpoints()[0];
  a->set_natt_ports({ea.port});
  Peer peer(kLo4);
  ASSERT_TRUE(a->send_keepalive(ea, peer.endpoint()).ok());
  ASSERT_TRUE(a->send_udp(ea, peer.endpoint(), kIke).ok());  // no marker added
  auto k = peer.receive();
  auto raw = peer.receive();
  ASSERT_TRUE(k && raw);
  EXPECT_EQ(k->second, hex("ff"));
  EXPECT_EQ(raw->second, kIke);
}

TEST(UdpTransport, ReceiverMayDestroyTheTransport) {
  clock::RealEventLoop loop;
  auto a = open_or_die(loop, {{kLo4, 0}});
  Endpoint ea = a->local_endpoints()[0];
  Peer peer(kLo4);
  for (int i = 0; i < 3; ++i) peer.send(ea, kIke);
  int calls = 0;
  // Make sure all three are queued before the loop reads.
  ::usleep(20000);
  a->set_receiver([&](const Datagram&) {
    ++calls;
    a.reset();
  });
  loop.run_until(loop.now() + seconds(2));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop.watched(), 0u);
}

TEST(UdpTransport, KernelEncapLetsIkeThroughAndSwallowsKeepalives) {
  clock::RealEventLoop loop;
  // Find a free port first: encapsulation is set on NAT-T ports only.
  uint16_t port = 0;
  {
    Peer probe(kLo4);
    port = probe.endpoint().port;
  }
  UdpOptions options;
  options.natt_ports = {port};
  options.kernel_encap = true;
  auto t = UdpTransport::open(loop, {{kLo4, port}}, options);
  if (!t.ok() && t.error().sys_errno() == ENOPROTOOPT)
    GTEST_SKIP() << "kernel without XFRM UDP encapsulation: " << t.error().message();
  ASSERT_TRUE(t.ok()) << t.error().message();
  auto& a = *t;
  Peer peer(kLo4);
  peer.send(Endpoint{kLo4, port}, hex("ff"));
  peer.send(Endpoint{kLo4, port}, concat({hex("00000000"), kIke}));
  Inbox inbox{loop, 1, {}};
  inbox.attach(*a);
  inbox.wait();
  ASSERT_EQ(inbox.got.size(), 1u);
  EXPECT_EQ(inbox.got[0].data, kIke);
  EXPECT_EQ(a->stats().keepalives, 0u);  // the kernel took it
}

}  // namespace
}  // namespace ikesuite::net
