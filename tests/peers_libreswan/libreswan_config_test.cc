// Rendering of ipsec.conf and ipsec.secrets for pluto, and the errors for what pluto cannot
// express.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "harness/peers/libreswan/libreswan_config.h"
#include "harness/peers/libreswan/libreswan_host.h"
#include "harness/run/process.h"
#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/loader.h"

namespace ikesuite::peers {
namespace {

using harness::Host;
using harness::LoadOptions;

// A two-host scenario whose host "sun" is a Libreswan host with the given connection keys
// (JSON object members) and secrets.
harness::Scenario load(const std::string& conn_keys, const std::string& secrets =
                           R"([{"type": "PSK", "ids": ["moon.strongswan.org", "sun.strongswan.org"], "secret": "0x0102030405060708"}])") {
  std::string text = R"({
  "name": "render", "description": "rendering", "references": ["RFC 7296"], "modes": ["netns"],
  "duration": 5,
  "expect": [{"check": "final", "host": "sun", "ike_sas": 0}],
  "hosts": {
    "moon": {"addresses": ["192.168.0.1"], "secrets": [{"type": "PSK", "secret": "x"}],
             "conns": {"c": {"left": "192.168.0.1", "right": "192.168.0.2", "authby": "psk", "auto": "add"}}},
    "sun": {"implementation": "libreswan", "sa_backend": "xfrm", "addresses": ["192.168.0.2"],
            "subnets": ["10.2.0.0/16"],
            "secrets": )" + secrets + R"(,
            "conns": {"net-net": {"left": "192.168.0.2", "right": "192.168.0.1",
                                  "leftid": "@sun.strongswan.org", "rightid": "moon.strongswan.org",
                                  "authby": "psk", "auto": "add")" +
                     (conn_keys.empty() ? "" : ", " + conn_keys) + R"(}}}
  }
})";
  LoadOptions o;
  o.proposal_check = harness::crypto_proposal_check();
  auto r = harness::load_scenario_text(text, "render.json", ".", o);
  std::string diags;
  for (const auto& d : r.diagnostics) diags += d.format() + "\n";
  EXPECT_TRUE(r.ok()) << diags;
  return r.ok() ? *r.scenario : harness::Scenario{};
}

const Host& sun(const harness::Scenario& s) {
  static const Host none;
  const Host* h = s.find_host("sun");
  return h ? *h : none;
}

TEST(LibreswanConfig, RendersConnAndSecrets) {
  auto s = load(R"("keyexchange": "ikev2", "leftsubnet": "10.2.0.0/16", "rightsubnet": "10.1.0.0/16",
                   "ike": "aes128-sha256-modp2048", "esp": "aes128-sha256", "ikelifetime": "1h",
                   "lifetime": "20m", "margintime": "3m", "rekeyfuzz": "50%", "mobike": "no",
                   "dpdaction": "clear", "dpddelay": "10s", "keyingtries": "%forever")");
  auto c = render_libreswan_config(sun(s));
  ASSERT_TRUE(c.ok()) << c.error().message();
  const std::string& conf = c->ipsec_conf;
  EXPECT_NE(conf.find("config setup\n\tikev1-policy=accept\n"), std::string::npos) << conf;
  for (const char* line :
       {"conn net-net\n", "\tikev2=insist\n", "\tauthby=secret\n", "\tleft=192.168.0.2\n",
        "\tright=192.168.0.1\n", "\tleftid=@sun.strongswan.org\n", "\trightid=@moon.strongswan.org\n",
        "\tleftsubnet=10.2.0.0/16\n", "\trightsubnet=10.1.0.0/16\n", "\tleftupdown=/bin/true\n",
        "\tike=aes_cbc_128-sha2_256_128-sha2_256;modp2048\n", "\tesp=aes_cbc_128-sha2_256_128\n",
        "\tpfs=no\n", "\tesn=no\n", "\tikelifetime=3600s\n", "\tsalifetime=1200s\n",
        "\trekeymargin=180s\n", "\trekeyfuzz=50%\n", "\tkeyingtries=%forever\n", "\tdpddelay=10s\n",
        "\tdpdaction=clear\n", "\tmobike=no\n", "\tauto=add\n"})
    EXPECT_NE(conf.find(line), std::string::npos) << "missing " << line << " in\n" << conf;
  EXPECT_EQ(c->ipsec_secrets,
            "@moon.strongswan.org @sun.strongswan.org : PSK 0x0102030405060708\n");
  // The peer's template conn of moon is not part of sun's file.
  EXPECT_EQ(conf.find("conn c\n"), std::string::npos);
}

TEST(LibreswanConfig, Ikev1AggressiveWithPfs) {
  auto s = load(R"("keyexchange": "ikev1", "aggressive": "yes", "ike": "aes256-sha1-modp3072",
                   "esp": "aes128-sha256-modp2048")");
  auto c = render_libreswan_config(sun(s));
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_NE(c->ipsec_conf.find("\tikev2=no\n"), std::string::npos);
  EXPECT_NE(c->ipsec_conf.find("\taggressive=yes\n"), std::string::npos);
  EXPECT_NE(c->ipsec_conf.find("\tike=aes_cbc_256-sha1;modp3072\n"), std::string::npos) << c->ipsec_conf;
  EXPECT_NE(c->ipsec_conf.find("\tesp=aes_cbc_128-sha2_256_128;modp2048\n"), std::string::npos) << c->ipsec_conf;
  EXPECT_NE(c->ipsec_conf.find("\tpfs=yes\n"), std::string::npos);
  EXPECT_EQ(c->ipsec_conf.find("\tmobike="), std::string::npos);
}

TEST(LibreswanConfig, ProposalTranslation) {
  auto ike = pluto_ike_proposals({"aes128-aes256-sha256-sha1-modp2048-ecp256",
                                  "aes256gcm16-prfsha384-x25519!"},
                                 false, "ike");
  ASSERT_TRUE(ike.ok()) << ike.error().message();
  EXPECT_EQ(*ike, "aes_cbc_128+aes_cbc_256-sha2_256_128+sha1_96-sha2_256+sha1;modp2048+dh19,"
                  "aes_gcm_c_256-sha2_384;dh31");
  auto esp = pluto_esp_proposals({"aes128gcm16", "chacha20poly1305-ecp384", "aes256ctr-aesxcbc"},
                                 false, "esp");
  ASSERT_TRUE(esp.ok()) << esp.error().message();
  EXPECT_EQ(*esp, "aes_gcm_c_128,chacha20_poly1305;dh20,aes_ctr_256-aes128_xcbc_96");
  EXPECT_TRUE(esp_wants_pfs({"aes128-sha256-modp2048"}, false));
  EXPECT_FALSE(esp_wants_pfs({"aes128-sha256"}, false));
}

TEST(LibreswanConfig, ProposalsPlutoDoesNotOffer) {
  auto modp1024 = pluto_ike_proposals({"aes128-sha256-modp1024"}, false, "conn 'x': ike");
  ASSERT_FALSE(modp1024.ok());
  EXPECT_EQ(modp1024.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(modp1024.error().reason().find("key exchange method 2"), std::string::npos)
      << modp1024.error().reason();
  EXPECT_NE(modp1024.error().reason().find("conn 'x': ike"), std::string::npos);
  auto cmac = pluto_ike_proposals({"aes128-aescmac-modp2048"}, false, "ike");
  EXPECT_FALSE(cmac.ok());
  auto x448 = pluto_esp_proposals({"aes128-sha256-curve448"}, false, "esp");
  EXPECT_FALSE(x448.ok());
  auto bad = pluto_ike_proposals({"aes257-sha256-modp2048"}, false, "ike");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kConfig);
}

TEST(LibreswanConfig, UnexpressibleKeyNamesItsSource) {
  auto s = load(R"("closeaction": "restart")");
  auto c = render_libreswan_config(sun(s));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kUnsupported);
  const std::string& why = c.error().reason();
  EXPECT_NE(why.find("conn 'net-net'"), std::string::npos) << why;
  EXPECT_NE(why.find("closeaction"), std::string::npos) << why;
  EXPECT_NE(why.find("line "), std::string::npos) << why;
}

TEST(LibreswanConfig, RefusesWhatPlutoCannotDo) {
  EXPECT_FALSE(render_libreswan_config(sun(load(R"("leftsubnet": "10.2.0.0/16,10.3.0.0/16")"))).ok());
  EXPECT_FALSE(render_libreswan_config(sun(load(R"("leftsubnet": "10.2.0.0/16[tcp/80]")"))).ok());
  EXPECT_FALSE(render_libreswan_config(sun(load(R"("inactivity": "30s")"))).ok());
  harness::Connection pubkey;
  pubkey.name = "pk";
  pubkey.left.auth = harness::AuthMethod::kPubkey;
  pubkey.right.auth = harness::AuthMethod::kPubkey;
  auto pk = render_conn(pubkey);
  ASSERT_FALSE(pk.ok());
  EXPECT_NE(pk.error().reason().find("NSS"), std::string::npos) << pk.error().reason();
  pubkey.left.auth = harness::AuthMethod::kPsk;  // mixed methods: one authby= cannot say it
  EXPECT_FALSE(render_conn(pubkey).ok());
  EXPECT_FALSE(render_libreswan_config(sun(load(R"("lifebytes": 100000)"))).ok());
  auto rsa = render_libreswan_config(sun(load("", R"([{"type": "RSA", "file": "key.pem"}])")));
  ASSERT_FALSE(rsa.ok());
  EXPECT_NE(rsa.error().reason().find("NSS"), std::string::npos);
}

// pluto's own configuration parser as the judge: `addconn --checkconfig` rejects unknown
// keywords and bad values.
TEST(LibreswanConfig, AcceptedByAddconn) {
  const std::string addconn = default_libreswan_root() + "/usr/libexec/ipsec/addconn";
  if (::access(addconn.c_str(), X_OK) != 0)
    GTEST_SKIP() << "no " << addconn << ": run scripts/libreswan-extract.sh";
  const char* variants[] = {
      R"("keyexchange": "ikev2", "leftsubnet": "10.2.0.0/16", "rightsubnet": "10.1.0.0/16",
         "ike": "aes128-aes256-sha256-sha1-modp2048-ecp256, aes256gcm16-prfsha384-x25519",
         "esp": "aes128gcm16-esn-noesn, chacha20poly1305-ecp384", "rekeyfuzz": "50%",
         "dpdaction": "restart", "dpddelay": "10s", "keyingtries": "%forever", "mobike": "no",
         "fragmentation": "force", "forceencaps": "yes", "replay_window": 64, "reqid": 7,
         "leftprotoport": "tcp/80", "rightprotoport": "udp")",
      R"("keyexchange": "ikev1", "aggressive": "yes", "ike": "aes256-sha1-modp3072, 3des-md5-modp1536",
         "esp": "aes128-sha256-modp2048", "type": "transport", "dpdaction": "clear",
         "dpdtimeout": "60s", "rekey": "no")",
  };
  for (const char* keys : variants) {
    auto c = render_libreswan_config(sun(load(keys)));
    ASSERT_TRUE(c.ok()) << c.error().message();
    char path[] = "/tmp/lsd-conf-XXXXXX";
    int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, c->ipsec_conf.data(), c->ipsec_conf.size()),
              static_cast<ssize_t>(c->ipsec_conf.size()));
    ::close(fd);
    auto r = harness::run::run_command({addconn, "--config", path, "--checkconfig"});
    ::unlink(path);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 0) << r->output << "\n" << c->ipsec_conf;
  }
}

TEST(LibreswanConfig, Identities) {
  EXPECT_EQ(pluto_id("moon.strongswan.org"), "@moon.strongswan.org");
  EXPECT_EQ(pluto_id("@moon"), "@moon");
  EXPECT_EQ(pluto_id("192.168.0.1"), "192.168.0.1");
  EXPECT_EQ(pluto_id("C=CH, O=strongSwan, CN=moon"), "\"C=CH, O=strongSwan, CN=moon\"");
  EXPECT_EQ(pluto_id("%any"), "%any");
}

}  // namespace
}  // namespace ikesuite::peers
