// strongswan.conf and swanctl.conf rendered from scenario hosts: golden snippets of what
// charon must read, starter's lifetime arithmetic, and keys that cannot be expressed.
#include "harness/peers/strongswan/charon_config.h"

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/scenario/loader.h"

namespace ikesuite::peers {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A scenario with moon (ref) and sun (strongSwan) whose sun conn carries `conn_keys`.
std::string scenario_text(const std::string& sun_extra, const std::string& conn_keys) {
  return R"({
  "name": "render", "description": "rendering", "references": ["RFC 7296"], "modes": ["netns"],
  "duration": 10,
  "hosts": {
    "moon": {"addresses": ["192.168.0.1"], "subnets": ["10.1.0.0/16"],
             "secrets": [{"type": "PSK", "secret": "0x0102"}],
             "conns": {"net-net": {"left": "192.168.0.1", "right": "192.168.0.2",
                                   "leftsubnet": "10.1.0.0/16", "rightsubnet": "10.2.0.0/16",
                                   "authby": "psk", "auto": "add"}}},
    "sun": {"implementation": "strongswan", "addresses": ["192.168.0.2"],
            "subnets": ["10.2.0.0/16"], )" +
         sun_extra + R"(
            "secrets": [{"type": "PSK", "ids": ["moon.strongswan.org", "sun.strongswan.org"],
                         "secret": "0x7d9ccb8a"}],
            "conns": {"net-net": {"left": "192.168.0.2", "right": "192.168.0.1",
                                  "leftid": "@sun.strongswan.org", "rightid": "@moon.strongswan.org",
                                  "leftsubnet": "10.2.0.0/16", "rightsubnet": "10.1.0.0/16",
                                  "authby": "psk")" +
         conn_keys + R"(}}}
  },
  "timeline": [],
  "expect": [{"check": "final", "host": "sun", "conn": "net-net", "ike_sas": 0}]
})";
}

harness::Scenario load(const std::string& text) {
  auto r = harness::load_scenario_text(text, "render.json", ".");
  std::string diags;
  for (const auto& d : r.diagnostics) diags += d.message + "\n";
  EXPECT_TRUE(r.ok()) << diags;
  return r.ok() ? *r.scenario : harness::Scenario{};
}

const harness::Host& sun(const harness::Scenario& s) {
  static const harness::Host kNone;
  const harness::Host* h = s.find_host("sun");
  return h ? *h : kNone;
}

TEST(SwanctlConf, BasicPskConnection) {
  auto s = load(scenario_text("", R"(, "auto": "start", "keyexchange": "ikev2", "mobike": "no")"));
  auto conf = render_swanctl_conf(sun(s));
  ASSERT_TRUE(conf.ok()) << conf.error().message();
  EXPECT_THAT(*conf, HasSubstr("connections {\n  net-net {\n    version = 2\n"
                               "    local_addrs = 192.168.0.2\n    remote_addrs = 192.168.0.1\n"));
  EXPECT_THAT(*conf, HasSubstr("    local {\n      auth = psk\n      id = @sun.strongswan.org\n    }\n"));
  EXPECT_THAT(*conf, HasSubstr("    remote {\n      auth = psk\n      id = @moon.strongswan.org\n    }\n"));
  EXPECT_THAT(*conf, HasSubstr("        local_ts = 10.2.0.0/16\n        remote_ts = 10.1.0.0/16\n"));
  EXPECT_THAT(*conf, HasSubstr("        mode = tunnel\n"));
  EXPECT_THAT(*conf, HasSubstr("        start_action = start\n"));
  EXPECT_THAT(*conf, HasSubstr("    mobike = no\n"));
  // ipsec.conf defaults, written out because swanctl's differ: keyingtries 3, no DPD,
  // reauthentication every ikelifetime - margintime (3h - 9m).
  EXPECT_THAT(*conf, HasSubstr("    keyingtries = 3\n"));
  EXPECT_THAT(*conf, HasSubstr("    dpd_delay = 0s\n"));
  EXPECT_THAT(*conf, HasSubstr("    rekey_time = 0s\n    reauth_time = 10260s\n    over_time = 540s\n"
                               "    rand_time = 540s\n"));
  // Child: lifetime 1h, rekey at 1h - 9m, up to 9m earlier.
  EXPECT_THAT(*conf, HasSubstr("        rekey_time = 3060s\n        life_time = 3600s\n"
                               "        rand_time = 540s\n"));
  EXPECT_THAT(*conf, HasSubstr("secrets {\n  ike-1 {\n    id-1 = moon.strongswan.org\n"
                               "    id-2 = sun.strongswan.org\n    secret = 0x7d9ccb8a\n  }\n}\n"));
  // No ';' anywhere: charon's parser rejects them.
  EXPECT_THAT(*conf, Not(HasSubstr(";")));
}

TEST(SwanctlConf, ProposalsLifetimesAndOptions) {
  auto s = load(scenario_text("", R"(, "auto": "route", "ike": "aes256-sha256-modp2048!",
      "esp": "aes128gcm16,aes128-sha256", "lifetime": "20s", "margintime": "5s",
      "rekeyfuzz": "0%", "ikelifetime": "60s", "reauth": "no", "dpdaction": "restart",
      "dpddelay": "10s", "fragmentation": "force",
      "forceencaps": "yes", "reqid": 7, "replay_window": 64, "keyingtries": "%forever")"));
  auto conf = render_swanctl_conf(sun(s));
  ASSERT_TRUE(conf.ok()) << conf.error().message();
  EXPECT_THAT(*conf, HasSubstr("    proposals = aes256-sha256-modp2048\n"));
  EXPECT_THAT(*conf, HasSubstr("        esp_proposals = aes128gcm16, aes128-sha256, default\n"));
  EXPECT_THAT(*conf, HasSubstr("    keyingtries = 0\n"));
  EXPECT_THAT(*conf, HasSubstr("    rekey_time = 55s\n    reauth_time = 0s\n    over_time = 5s\n"
                               "    rand_time = 0s\n"));
  EXPECT_THAT(*conf, HasSubstr("    dpd_delay = 10s\n    dpd_timeout = 150s\n"));
  EXPECT_THAT(*conf, HasSubstr("        rekey_time = 15s\n        life_time = 20s\n        rand_time = 0s\n"));
  EXPECT_THAT(*conf, HasSubstr("        dpd_action = restart\n"));
  EXPECT_THAT(*conf, HasSubstr("        start_action = trap\n"));
  EXPECT_THAT(*conf, HasSubstr("        reqid = 7\n"));
  EXPECT_THAT(*conf, HasSubstr("        replay_window = 64\n"));
  EXPECT_THAT(*conf, HasSubstr("    fragmentation = force\n"));
  EXPECT_THAT(*conf, HasSubstr("    encap = yes\n"));
}

TEST(SwanctlConf, IgnoredConnectionsAreLeftOut) {
  auto s = load(scenario_text("", R"(, "auto": "ignore")"));
  auto conf = render_swanctl_conf(sun(s));
  ASSERT_TRUE(conf.ok());
  EXPECT_THAT(*conf, Not(HasSubstr("net-net")));
}

TEST(SwanctlConf, UnexpressibleKeyIsAnErrorWithItsPosition) {
  auto s = load(scenario_text("", R"(, "auto": "add", "rightsourceip": "10.3.0.0/24")"));
  auto conf = render_swanctl_conf(sun(s));
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.error().code(), ErrorCode::kConfig);
  EXPECT_THAT(conf.error().message(), HasSubstr("rightsourceip"));
  EXPECT_THAT(conf.error().message(), HasSubstr("line "));
  EXPECT_THAT(conf.error().message(), HasSubstr("/hosts/sun/conns/net-net/rightsourceip"));
  EXPECT_THAT(conf.error().message(), HasSubstr("pool"));
}

TEST(SwanctlConf, ProposalListConversion) {
  EXPECT_EQ(swanctl_proposals({}), "");
  EXPECT_EQ(swanctl_proposals({"aes128-sha256-modp2048"}), "aes128-sha256-modp2048, default");
  EXPECT_EQ(swanctl_proposals({"aes128-sha256-modp2048", "aes256-sha384-ecp384!"}),
            "aes128-sha256-modp2048, aes256-sha384-ecp384");
}

TEST(SwanctlConf, StarterLifetimes) {
  harness::Connection c;
  c.ike_lifetime = seconds(3600);
  c.lifetime = seconds(1200);
  c.margintime = seconds(100);
  c.rekeyfuzz = 0.5;
  c.reauth = false;
  IkeTimes it = ike_times(c);
  EXPECT_EQ(it.rekey_time, 3500u);
  EXPECT_EQ(it.reauth_time, 0u);
  EXPECT_EQ(it.over_time, 100u);
  EXPECT_EQ(it.rand_time, 50u);
  ChildTimes ct = child_times(c);
  EXPECT_EQ(ct.life_time, 1200u);
  EXPECT_EQ(ct.rekey_time, 1100u);
  EXPECT_EQ(ct.rand_time, 50u);
  // rekey=no: the SAs simply expire.
  c.rekey = false;
  EXPECT_EQ(ike_times(c).rekey_time, 0u);
  EXPECT_EQ(ike_times(c).reauth_time, 0u);
  EXPECT_EQ(child_times(c).rekey_time, 0u);
  EXPECT_EQ(child_times(c).life_time, 1200u);
  // A margin beyond the lifetime does not wrap around.
  c.rekey = true;
  c.margintime = seconds(5000);
  EXPECT_EQ(child_times(c).rekey_time, 0u);
  // Volume limits: rekey at life - margin.
  c.life_bytes = 1000000;
  c.margin_bytes = 100000;
  c.rekeyfuzz = 1.0;
  EXPECT_EQ(child_times(c).rekey_bytes, 900000u);
  EXPECT_EQ(child_times(c).rand_bytes, 100000u);
}

TEST(StrongswanConf, PluginsLoggingAndSettings) {
  auto s = load(scenario_text(R"("sa_backend": "kernel-libipsec",
      "settings": {"retransmit_timeout": 1.5, "retransmit_tries": 2, "make_before_break": true},
      "log": {"default": 1, "ike": 3, "net": 2},)",
                              R"(, "auto": "add")"));
  auto conf = render_strongswan_conf(sun(s), {"/tmp/w/run/charon.vici", "/tmp/w/charon.log"});
  ASSERT_TRUE(conf.ok()) << conf.error().message();
  EXPECT_THAT(*conf, HasSubstr("include /etc/strongswan.d/*.conf\ncharon {\n  load_modular = yes\n"));
  EXPECT_THAT(*conf, HasSubstr("  retransmit_timeout = 1.5\n"));
  EXPECT_THAT(*conf, HasSubstr("  retransmit_tries = 2\n"));
  EXPECT_THAT(*conf, HasSubstr("  make_before_break = yes\n"));
  EXPECT_THAT(*conf, HasSubstr("    kernel-libipsec {\n      load = yes\n    }\n"));
  EXPECT_THAT(*conf, HasSubstr("    vici {\n      socket = unix:///tmp/w/run/charon.vici\n    }\n"));
  EXPECT_THAT(*conf, HasSubstr("    stroke {\n      load = no\n    }\n"));
  EXPECT_THAT(*conf, HasSubstr("      path = /tmp/w/charon.log\n"));
  EXPECT_THAT(*conf, HasSubstr("      time_add_ms = yes\n"));
  EXPECT_THAT(*conf, HasSubstr("      log_level = yes\n"));
  EXPECT_THAT(*conf, HasSubstr("      ike_name = yes\n"));
  // The scenario's levels, raised where the driver needs more: keys at 4, SAs at 2.
  EXPECT_THAT(*conf, HasSubstr("      default = 1\n"));
  EXPECT_THAT(*conf, HasSubstr("      ike = 4\n"));
  EXPECT_THAT(*conf, HasSubstr("      chd = 4\n"));
  EXPECT_THAT(*conf, HasSubstr("      knl = 2\n"));
  EXPECT_THAT(*conf, HasSubstr("      esp = 2\n"));
  EXPECT_THAT(*conf, HasSubstr("      net = 2\n"));
  EXPECT_THAT(*conf, Not(HasSubstr(";")));
}

TEST(StrongswanConf, KernelNetlinkLeavesLibipsecOff) {
  auto s = load(scenario_text(R"("sa_backend": "kernel-netlink",)", R"(, "auto": "add")"));
  auto conf = render_strongswan_conf(sun(s), {"/w/run/charon.vici", "/w/charon.log"});
  ASSERT_TRUE(conf.ok());
  EXPECT_THAT(*conf, HasSubstr("    kernel-libipsec {\n      load = no\n    }\n"));
}

TEST(StrongswanConf, AggressiveModePskIsAllowedOnlyWhenAsked) {
  // charon answers Aggressive Mode with a PSK only with this setting (RFC 2409 §5.4's
  // offline attack on HASH_R); a scenario asking for aggressive=yes with a PSK needs it.
  auto aggressive = load(scenario_text(
      "", R"(, "auto": "add", "keyexchange": "ikev1", "aggressive": "yes")"));
  auto conf = render_strongswan_conf(sun(aggressive), {"/w/run/charon.vici", "/w/charon.log"});
  ASSERT_TRUE(conf.ok());
  EXPECT_THAT(*conf, HasSubstr("  i_dont_care_about_security_and_use_aggressive_mode_psk = yes\n"));

  auto main_mode = load(scenario_text("", R"(, "auto": "add", "keyexchange": "ikev1")"));
  conf = render_strongswan_conf(sun(main_mode), {"/w/run/charon.vici", "/w/charon.log"});
  ASSERT_TRUE(conf.ok());
  EXPECT_THAT(*conf, Not(HasSubstr("aggressive_mode_psk")));

  // A template (auto=ignore) is not loaded, so it asks for nothing.
  auto ignored = load(scenario_text(
      "", R"(, "auto": "add", "keyexchange": "ikev1"}, "tmpl": {"left": "192.168.0.2",
      "right": "192.168.0.1", "authby": "psk", "keyexchange": "ikev1", "aggressive": "yes")"));
  conf = render_strongswan_conf(sun(ignored), {"/w/run/charon.vici", "/w/charon.log"});
  ASSERT_TRUE(conf.ok());
  EXPECT_THAT(*conf, Not(HasSubstr("aggressive_mode_psk")));
}

TEST(SwanctlConf, CertificateFilesAreAbsoluteAndKeysGoToThePrivateFolder) {
  // Paths as a loader resolves them for a scenario named by a relative path: swanctl would
  // look for them under its own x509/, x509ca/ folders.
  auto s = load(R"({
  "name": "render", "description": "rendering", "references": ["RFC 7296"], "modes": ["netns"],
  "duration": 10,
  "hosts": {
    "moon": {"addresses": ["192.168.0.1"], "subnets": ["10.1.0.0/16"],
             "secrets": [{"type": "PSK", "secret": "0x0102"}],
             "conns": {"net-net": {"left": "192.168.0.1", "right": "192.168.0.2",
                                   "authby": "psk", "auto": "add"}}},
    "sun": {"implementation": "strongswan", "addresses": ["192.168.0.2"],
            "certs": ["pki/sunCert.pem"], "cacerts": ["pki/strongswanCert.pem"],
            "secrets": [{"type": "RSA", "file": "pki/sunKey.pem"},
                        {"type": "ECDSA", "file": "pki/sunEcdsaKey.pem"}],
            "conns": {"net-net": {"left": "192.168.0.2", "right": "192.168.0.1",
                                  "leftcert": "pki/sunCert.pem", "auto": "add"}}}
  },
  "timeline": [],
  "expect": [{"check": "final", "host": "sun", "conn": "net-net", "ike_sas": 0}]
})");
  const harness::Host& h = sun(s);
  auto conf = render_swanctl_conf(h);
  ASSERT_TRUE(conf.ok()) << conf.error().message();
  std::string cwd = std::filesystem::current_path().string();
  EXPECT_THAT(*conf, HasSubstr("      certs = " + cwd + "/pki/sunCert.pem\n"));
  EXPECT_THAT(*conf, HasSubstr("    cacert = " + cwd + "/pki/strongswanCert.pem\n"));
  // secrets.private<x> sections only carry passphrases: none is written.
  EXPECT_THAT(*conf, Not(HasSubstr("private")));
  auto keys = private_key_files(h);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_THAT(keys[0], ::testing::EndsWith("pki/sunKey.pem"));
  EXPECT_THAT(keys[1], ::testing::EndsWith("pki/sunEcdsaKey.pem"));
}

TEST(StrongswanConf, LogLevelsNeverLowerTheScenarios) {
  harness::LogLevels l;
  l.default_level = 3;
  l.groups = {{"knl", 4}};
  auto levels = charon_log_levels(l);
  auto level_of = [&](const std::string& g) {
    for (const auto& x : levels)
      if (x.group == g) return x.level;
    return -100;
  };
  EXPECT_EQ(level_of("default"), 3);
  EXPECT_EQ(level_of("knl"), 4);
  EXPECT_EQ(level_of("ike"), 4);
  EXPECT_EQ(level_of("cfg"), 3);
}

}  // namespace
}  // namespace ikesuite::peers
