// Two reference engines over real UDP sockets on the loopback interface, driven by the real
// event loop (epoll/timerfd): the same engine code the simulated tests run, on the kernel's
// network stack. The engines bind 127.0.0.1 and 127.0.0.2 on ports the kernel picks, so the
// test needs no privileges and cannot collide with an IKE daemon on port 500.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>

#include "engine/clock/event_loop.h"
#include "engine/ikev2/engine.h"
#include "engine/net/udp_transport.h"
#include "engine/sa/memory_backend.h"
#include "tests/ikev2/config_util.h"
#include "tests/ikev2/two_hosts.h"

namespace ikesuite::ikev2 {
namespace {

using testing::CapturingLogger;

struct UdpHost {
  std::unique_ptr<SeededRandom> rng;
  std::unique_ptr<CapturingLogger> log;
  std::unique_ptr<sa::MemoryBackend> kernel;
  std::unique_ptr<net::UdpTransport> transport;
  std::unique_ptr<Engine> engine;
  Endpoint local;
};

class UdpLoopback : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = clock::RealEventLoop::create();
    ASSERT_TRUE(loop.ok()) << loop.error().message();
    loop_ = std::move(*loop);
    open(moon_, "127.0.0.1", 11);
    open(sun_, "127.0.0.2", 22);
    ASSERT_NE(moon_.local.port, 0);
    ASSERT_NE(sun_.local.port, 0);
  }

  void open(UdpHost& h, const char* addr, uint64_t seed) {
    h.rng = std::make_unique<SeededRandom>(seed);
    h.log = std::make_unique<CapturingLogger>(*loop_);
    h.kernel = std::make_unique<sa::MemoryBackend>(*loop_, *loop_, *h.rng);
    auto t = net::UdpTransport::open(*loop_, {Endpoint{*IpAddress::parse(addr), 0}});
    ASSERT_TRUE(t.ok()) << t.error().message();
    h.transport = std::move(*t);
    h.local = h.transport->local_endpoints().at(0);
  }

  void start_engine(UdpHost& h, Credentials creds) {
    Env env{*loop_, *loop_, *h.rng, *h.log, *h.kernel, *h.transport, nullptr};
    h.engine = std::make_unique<Engine>(env, Settings{}, std::move(creds));
    Engine* e = h.engine.get();
    h.transport->set_receiver([e](const net::Datagram& d) { e->on_datagram(d); });
    h.kernel->set_expire_handler([e](const sa::ExpireEvent& ev) { e->on_expire(ev); });
  }

  // The moon/sun net-net connection of seed 001 between the two loopback endpoints.
  PeerConfig conn(const UdpHost& self, const UdpHost& peer, const char* self_id,
                  const char* peer_id, const char* self_net, const char* peer_net) {
    PeerConfig c = testing::net2net("net-net", self.local.addr.to_string(),
                                    peer.local.addr.to_string(), self_id, peer_id, self_net,
                                    peer_net);
    c.local_port = self.local.port;
    c.remote_port = peer.local.port;
    return c;
  }

  void set_up_pair(const char* moon_secret, const char* sun_secret) {
    start_engine(moon_, testing::psk(moon_secret, {"moon.strongswan.org", "sun.strongswan.org"}));
    start_engine(sun_, testing::psk(sun_secret, {"moon.strongswan.org", "sun.strongswan.org"}));
    ASSERT_TRUE(moon_.engine
                    ->add_connection(conn(moon_, sun_, "moon.strongswan.org",
                                          "sun.strongswan.org", "10.1.0.0/16", "10.2.0.0/16"))
                    .ok());
    ASSERT_TRUE(sun_.engine
                    ->add_connection(conn(sun_, moon_, "sun.strongswan.org",
                                          "moon.strongswan.org", "10.2.0.0/16", "10.1.0.0/16"))
                    .ok());
  }

  // Runs the real loop until `done` holds or `limit` of real time passes.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const Time deadline = loop_->now() + limit;
    while (!done()) {
      if (loop_->now() >= deadline) return false;
      loop_->run_until(std::min(deadline, loop_->now() + std::chrono::milliseconds(20)));
    }
    return true;
  }

  static bool established(const UdpHost& h) {
    auto sas = h.engine->list_sas();
    return sas.size() == 1 && sas[0].state == IkeSaState::Established &&
           sas[0].children.size() == 1 && sas[0].children[0].state == ChildSaState::Installed;
  }

  std::unique_ptr<clock::RealEventLoop> loop_;
  UdpHost moon_, sun_;
};

TEST_F(UdpLoopback, PskHandshakeInstallsMatchingChildSas) {
  set_up_pair("0sv+NkxY9LLZvwj4qCC2o/gGrWDF2d21jL", "0sv+NkxY9LLZvwj4qCC2o/gGrWDF2d21jL");
  ASSERT_TRUE(moon_.engine->initiate("net-net").ok());
  ASSERT_TRUE(run_until([&] { return established(moon_) && established(sun_); },
                        std::chrono::seconds(10)))
      << "moon:\n" << moon_.log->dump() << "sun:\n" << sun_.log->dump();

  auto m = moon_.engine->list_sas().at(0);
  auto s = sun_.engine->list_sas().at(0);
  EXPECT_TRUE(m.initiator);
  EXPECT_FALSE(s.initiator);
  EXPECT_EQ(m.spi_i, s.spi_i);
  EXPECT_EQ(m.spi_r, s.spi_r);
  EXPECT_EQ(m.remote, sun_.local);
  EXPECT_EQ(s.remote, moon_.local);
  // Each side's inbound SPI is the other's outbound one, and both are in the SA backends.
  EXPECT_EQ(m.children[0].spi_in, s.children[0].spi_out);
  EXPECT_EQ(m.children[0].spi_out, s.children[0].spi_in);
  EXPECT_EQ(moon_.kernel->list_sas().size(), 2u);
  EXPECT_EQ(sun_.kernel->list_sas().size(), 2u);
  EXPECT_TRUE(moon_.log->has("IKE_SA net-net\\[1\\] established between 127\\.0\\.0\\.1\\["));
  // Nothing had to be retransmitted on loopback.
  EXPECT_EQ(moon_.engine->stats().retransmits, 0u);
  EXPECT_GE(moon_.transport->stats().delivered, 2u);
}

TEST_F(UdpLoopback, ChildRekeyAndDeleteOverRealSockets) {
  set_up_pair("secret-of-the-loopback", "secret-of-the-loopback");
  ASSERT_TRUE(moon_.engine->initiate("net-net").ok());
  ASSERT_TRUE(run_until([&] { return established(moon_) && established(sun_); },
                        std::chrono::seconds(10)));
  const uint32_t old_spi = moon_.engine->list_sas().at(0).children.at(0).spi_in;

  ASSERT_TRUE(moon_.engine->rekey_child("net-net").ok());
  auto rekeyed = [&](const UdpHost& h) {
    auto sas = h.engine->list_sas();
    if (sas.empty()) return false;
    for (const auto& c : sas[0].children)
      if (c.state == ChildSaState::Installed && c.spi_in != old_spi && c.spi_out != old_spi)
        return true;
    return false;
  };
  ASSERT_TRUE(run_until([&] { return rekeyed(moon_) && rekeyed(sun_); },
                        std::chrono::seconds(10)))
      << moon_.log->dump();
  EXPECT_TRUE(moon_.log->has("CREATE_CHILD_SA request 2 \\[ N\\(REKEY_SA\\)"));

  ASSERT_TRUE(moon_.engine->terminate_ike("net-net").ok());
  ASSERT_TRUE(run_until(
      [&] { return moon_.engine->list_sas().empty() && sun_.engine->list_sas().empty(); },
      std::chrono::seconds(10)))
      << sun_.log->dump();
  EXPECT_TRUE(sun_.log->has("received DELETE for IKE_SA net-net\\[1\\]"));
  EXPECT_TRUE(moon_.kernel->list_sas().empty());
  EXPECT_TRUE(sun_.kernel->list_sas().empty());
}

TEST_F(UdpLoopback, WrongPskFailsOnBothSides) {
  set_up_pair("right-secret", "wrong-secret");
  ASSERT_TRUE(moon_.engine->initiate("net-net").ok());
  ASSERT_TRUE(run_until(
      [&] {
        return moon_.log->has("received AUTHENTICATION_FAILED notify error") &&
               moon_.engine->list_sas().empty();
      },
      std::chrono::seconds(10)))
      << moon_.log->dump() << sun_.log->dump();
  EXPECT_TRUE(sun_.log->has("MAC mismatched"));
  EXPECT_TRUE(sun_.engine->list_sas().empty());
}

}  // namespace
}  // namespace ikesuite::ikev2
