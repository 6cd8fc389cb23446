// The moon/sun world the IKEv1 engine tests share: two engines, their connections, and the
// consistency checks every scenario ends with.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "engine/crypto/pki.h"
#include "tests/ikev1/two_hosts.h"

namespace ikesuite::ikev1::testing {

constexpr const char* kMoon = "192.168.0.1";
constexpr const char* kSun = "192.168.0.2";

inline std::string data_path(const std::string& file) {
  return std::string(IKESUITE_SOURCE_DIR) + "/tests/data/crypto/" + file;
}

struct World {
  TwoHosts net;
  Host* moon = nullptr;
  Host* sun = nullptr;
  PeerConfig moon_conn;
  PeerConfig sun_conn;

  explicit World(Settings moon_settings = {}, Settings sun_settings = {}, uint64_t seed = 1,
                 const std::string& moon_secret = "secret",
                 const std::string& sun_secret = "secret", Observer* moon_observer = nullptr,
                 Observer* sun_observer = nullptr,
                 std::vector<std::string> sun_psk_ids = {"moon.strongswan.org",
                                                         "sun.strongswan.org"})
      : net(seed) {
    moon = &net.add("moon", kMoon, moon_settings,
                    psk(moon_secret, {"moon.strongswan.org", "sun.strongswan.org"}),
                    moon_observer);
    sun = &net.add("sun", kSun, sun_settings, psk(sun_secret, sun_psk_ids), sun_observer);
    moon_conn = net2net("net-net", kMoon, kSun, "moon.strongswan.org", "sun.strongswan.org",
                        "10.1.0.0/16", "10.2.0.0/16");
    sun_conn = net2net("net-net", kSun, kMoon, "sun.strongswan.org", "moon.strongswan.org",
                       "10.2.0.0/16", "10.1.0.0/16");
  }
  void configure() {
    ASSERT_TRUE(moon->engine->add_connection(moon_conn).ok());
    ASSERT_TRUE(sun->engine->add_connection(sun_conn).ok());
  }
  void start() {
    configure();
    ASSERT_TRUE(moon->engine->initiate("net-net").ok());
  }
  std::string logs() const { return "moon:\n" + moon->log->dump() + "sun:\n" + sun->log->dump(); }
  static size_t installed(const IkeSaInfo& sa) {
    size_t n = 0;
    for (const auto& c : sa.children) n += c.state == ikev2::ChildSaState::Installed;
    return n;
  }
  bool established(Host& h, size_t children = 1) const {
    auto sas = h.engine->list_sas();
    size_t up = 0;
    for (const auto& sa : sas)
      if (sa.state == ikev2::IkeSaState::Established && installed(sa) == children) ++up;
    return up == 1;
  }
  bool both_established(size_t children = 1) const {
    return established(*moon, children) && established(*sun, children);
  }
  // The SPIs pair up across the hosts and the backends hold exactly the installed SAs.
  void expect_consistent_child() const {
    auto m = moon->engine->list_sas();
    auto s = sun->engine->list_sas();
    std::vector<ikev2::ChildSaInfo> mc, sc;
    for (const auto& sa : m)
      for (const auto& c : sa.children)
        if (c.state == ikev2::ChildSaState::Installed) mc.push_back(c);
    for (const auto& sa : s)
      for (const auto& c : sa.children)
        if (c.state == ikev2::ChildSaState::Installed) sc.push_back(c);
    ASSERT_EQ(mc.size(), 1u) << logs();
    ASSERT_EQ(sc.size(), 1u) << logs();
    EXPECT_EQ(mc[0].spi_in, sc[0].spi_out);
    EXPECT_EQ(mc[0].spi_out, sc[0].spi_in);
    EXPECT_EQ(moon->memory->list_sas().size(), 2u) << logs();
    EXPECT_EQ(sun->memory->list_sas().size(), 2u) << logs();
  }
};

inline void use_certs(PeerConfig& c, const std::string& mine, const std::string& ca) {
  auto cert = crypto::Certificate::load_file(data_path(mine + ".crt"));
  auto key = crypto::PrivateKey::load_pem_file(data_path(mine + ".key"));
  auto cacert = crypto::Certificate::load_file(data_path(ca + ".crt"));
  ASSERT_TRUE(cert.ok() && key.ok() && cacert.ok());
  c.local.auth = AuthClass::PubKey;
  c.local.cert = std::make_shared<crypto::Certificate>(*cert);
  c.local.key = std::make_shared<crypto::PrivateKey>(*key);
  c.remote.auth = AuthClass::PubKey;
  c.remote.cas = {std::make_shared<crypto::Certificate>(*cacert)};
}

}  // namespace ikesuite::ikev1::testing
