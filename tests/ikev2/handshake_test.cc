// Two engines over the simulated network: establishment, authentication failure, SA install
// failures on either side (seed 002) and the net2net rekey (seed 001).
#include <gtest/gtest.h>

#include "tests/ikev2/config_util.h"
#include "tests/ikev2/two_hosts.h"

namespace ikesuite::ikev2::testing {
namespace {

constexpr const char* kMoon = "192.168.0.1";
constexpr const char* kSun = "192.168.0.2";

struct MoonSun {
  TwoHosts world;
  Host* moon = nullptr;
  Host* sun = nullptr;

  explicit MoonSun(const std::string& moon_secret = "secret",
                   const std::string& sun_secret = "secret", Settings moon_settings = {},
                   Settings sun_settings = {}) {
    moon = &world.add("moon", kMoon, moon_settings,
                      psk(moon_secret, {"moon.strongswan.org", "sun.strongswan.org"}));
    sun = &world.add("sun", kSun, sun_settings,
                     psk(sun_secret, {"moon.strongswan.org", "sun.strongswan.org"}));
  }
  void configure(PeerConfig moon_conn, PeerConfig sun_conn) {
    ASSERT_TRUE(moon->engine->add_connection(std::move(moon_conn)).ok());
    ASSERT_TRUE(sun->engine->add_connection(std::move(sun_conn)).ok());
  }
  void configure_default() {
    configure(net2net("net-net", kMoon, kSun, "moon.strongswan.org", "sun.strongswan.org",
                      "10.1.0.0/16", "10.2.0.0/16"),
              net2net("net-net", kSun, kMoon, "sun.strongswan.org", "moon.strongswan.org",
                      "10.2.0.0/16", "10.1.0.0/16"));
  }
};

TEST(Ikev2Handshake, PskEstablishesIkeAndChildSa) {
  MoonSun t;
  t.configure_default();
  ASSERT_TRUE(t.moon->engine->initiate("net-net").ok());
  t.world.run_for(1.0);
  auto moon_sas = t.moon->engine->list_sas();
  auto sun_sas = t.sun->engine->list_sas();
  ASSERT_EQ(moon_sas.size(), 1u) << t.moon->log->dump();
  ASSERT_EQ(sun_sas.size(), 1u) << t.sun->log->dump();
  EXPECT_EQ(moon_sas[0].state, IkeSaState::Established) << t.moon->log->dump();
  EXPECT_EQ(sun_sas[0].state, IkeSaState::Established) << t.sun->log->dump();
  ASSERT_EQ(moon_sas[0].children.size(), 1u);
  ASSERT_EQ(sun_sas[0].children.size(), 1u);
  EXPECT_EQ(moon_sas[0].children[0].state, ChildSaState::Installed);
  EXPECT_EQ(moon_sas[0].children[0].spi_in, sun_sas[0].children[0].spi_out);
  EXPECT_EQ(moon_sas[0].children[0].spi_out, sun_sas[0].children[0].spi_in);
  EXPECT_EQ(t.moon->memory->list_sas().size(), 2u);
  EXPECT_EQ(t.sun->memory->list_sas().size(), 2u);
  EXPECT_TRUE(t.moon->log->has("IKE_SA net-net\\[1\\] state change: CONNECTING => ESTABLISHED"));
  EXPECT_TRUE(t.moon->log->has("generating IKE_SA_INIT request 0 \\[ SA KE No N\\(NATD_S_IP\\) "
                               "N\\(NATD_D_IP\\) N\\(FRAG_SUP\\) N\\(HASH_ALG\\) \\]"))
      << t.moon->log->dump();
  EXPECT_TRUE(t.moon->log->has("generating IKE_AUTH request 1 \\[ IDi N\\(INIT_CONTACT\\) IDr "
                               "AUTH SA TSi TSr \\]"))
      << t.moon->log->dump();
  EXPECT_TRUE(t.sun->log->has("authentication of 'moon.strongswan.org' with pre-shared key "
                              "successful"));
  EXPECT_TRUE(t.moon->log->has("CHILD_SA net-net\\{1\\} established with SPIs [0-9a-f]{8}_i "
                               "[0-9a-f]{8}_o and TS 10.1.0.0/16 === 10.2.0.0/16"))
      << t.moon->log->dump();
}

TEST(Ikev2Handshake, WrongPskFailsLikeSeed002) {
  MoonSun t("secret", "other-secret");
  t.configure_default();
  ASSERT_TRUE(t.moon->engine->initiate("net-net").ok());
  t.world.run_for(1.0);
  EXPECT_TRUE(t.moon->engine->list_sas().empty()) << t.moon->log->dump();
  EXPECT_TRUE(t.sun->engine->list_sas().empty()) << t.sun->log->dump();
  const auto& log = *t.moon->log;
  int a = log.find("received AUTHENTICATION_FAILED notify error");
  int b = log.find("CHILD_SA net-net\\{1\\} state change: CREATED => DESTROYING", a < 0 ? 0 : a);
  int c = log.find("IKE_SA net-net\\[1\\] state change: CONNECTING => DESTROYING", b < 0 ? 0 : b);
  EXPECT_GE(a, 0) << log.dump();
  EXPECT_GT(b, a) << log.dump();
  EXPECT_GT(c, b) << log.dump();
  EXPECT_TRUE(t.sun->log->has("tried 1 shared key for 'sun.strongswan.org' - "
                              "'moon.strongswan.org', but MAC mismatched"))
      << t.sun->log->dump();
  EXPECT_TRUE(t.sun->log->has("generating IKE_AUTH response 1 \\[ N\\(AUTH_FAILED\\) \\]"))
      << t.sun->log->dump();
  // The SPI the initiator allocated is released (seed 002's KNL lines).
  EXPECT_TRUE(log.has("deleted SAD entry with SPI")) << log.dump();
  EXPECT_TRUE(t.moon->memory->list_sas().empty());
}

TEST(Ikev2Handshake, ResponderInstallFailureKeepsIkeSa) {
  MoonSun t;
  t.configure_default();
  sa::FaultRule rule;
  rule.op = sa::Operation::AddSa;
  rule.err = EPROTONOSUPPORT;
  t.sun->kernel->add_rule(rule);
  ASSERT_TRUE(t.moon->engine->initiate("net-net").ok());
  t.world.run_for(1.0);
  auto moon_sas = t.moon->engine->list_sas();
  auto sun_sas = t.sun->engine->list_sas();
  ASSERT_EQ(moon_sas.size(), 1u);
  ASSERT_EQ(sun_sas.size(), 1u);
  EXPECT_EQ(moon_sas[0].state, IkeSaState::Established);
  EXPECT_TRUE(moon_sas[0].children.empty()) << t.moon->log->dump();
  EXPECT_TRUE(sun_sas[0].children.empty()) << t.sun->log->dump();
  EXPECT_TRUE(t.sun->log->has("generating IKE_AUTH response 1 \\[ IDr AUTH N\\(NO_PROP\\) \\]"))
      << t.sun->log->dump();
  EXPECT_TRUE(t.moon->log->has("received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built"))
      << t.moon->log->dump();
  EXPECT_TRUE(t.moon->memory->list_sas().empty());
}

TEST(Ikev2Handshake, InitiatorInstallFailureSendsDelete) {
  MoonSun t;
  t.configure_default();
  sa::FaultRule rule;
  rule.op = sa::Operation::AddSa;
  rule.err = EPROTONOSUPPORT;
  t.moon->kernel->add_rule(rule);
  ASSERT_TRUE(t.moon->engine->initiate("net-net").ok());
  t.world.run_for(1.0);
  auto moon_sas = t.moon->engine->list_sas();
  auto sun_sas = t.sun->engine->list_sas();
  ASSERT_EQ(moon_sas.size(), 1u);
  ASSERT_EQ(sun_sas.size(), 1u);
  EXPECT_TRUE(moon_sas[0].children.empty()) << t.moon->log->dump();
  EXPECT_TRUE(sun_sas[0].children.empty()) << t.sun->log->dump();
  EXPECT_TRUE(t.moon->log->has("generating INFORMATIONAL request 2 \\[ D \\]"))
      << t.moon->log->dump();
  EXPECT_TRUE(t.moon->memory->list_sas().empty());
  EXPECT_TRUE(t.sun->memory->list_sas().empty());
}

TEST(Ikev2Handshake, Net2NetRekeyLikeSeed001) {
  Settings moon_settings;
  moon_settings.delete_rekeyed_delay = seconds(2);
  MoonSun t("secret", "secret", moon_settings);
  auto moon_conn = net2net("net-net", kMoon, kSun, "moon.strongswan.org", "sun.strongswan.org",
                           "10.1.0.0/16", "10.2.0.0/16");
  moon_conn.children[0].lifetime = seconds(10);
  moon_conn.children[0].margintime = seconds(5);
  moon_conn.children[0].rekeyfuzz = 0;
  t.configure(moon_conn, net2net("net-net", kSun, kMoon, "sun.strongswan.org",
                                 "moon.strongswan.org", "10.2.0.0/16", "10.1.0.0/16"));
  ASSERT_TRUE(t.moon->engine->initiate("net-net").ok());
  t.world.run_for(1.0);
  auto before = t.moon->engine->list_sas();
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(before[0].children.size(), 1u);
  uint32_t old_in = before[0].children[0].spi_in;
  t.world.run_for(5.5);  // t = 6.5
  const auto& log = *t.moon->log;
  int rekey = log.find("generating CREATE_CHILD_SA request 2 \\[ N\\(REKEY_SA\\) SA No TSi TSr \\]");
  ASSERT_GE(rekey, 0) << log.dump();
  // 5 s after the Child SA was installed.
  EXPECT_NEAR(to_seconds(log.lines[rekey].t), 5.0, 0.1) << log.dump();
  EXPECT_TRUE(log.has("generating INFORMATIONAL request 3 \\[ D \\]")) << log.dump();
  // The old inbound SA survives delete_rekeyed_delay (2 s) ...
  EXPECT_TRUE(t.moon->memory->find_sa({sa::Protocol::ESP, old_in, *IpAddress::parse(kMoon)}));
  t.world.run_for(2.0);  // t = 8.5
  // ... and is gone afterwards.
  EXPECT_FALSE(t.moon->memory->find_sa({sa::Protocol::ESP, old_in, *IpAddress::parse(kMoon)}))
      << log.dump();
  auto after = t.moon->engine->list_sas();
  ASSERT_EQ(after.size(), 1u);
  ASSERT_EQ(after[0].children.size(), 1u) << log.dump();
  EXPECT_NE(after[0].children[0].spi_in, old_in);
  EXPECT_EQ(t.moon->memory->list_sas().size(), 2u);
}

}  // namespace
}  // namespace ikesuite::ikev2::testing
