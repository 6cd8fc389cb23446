// Two IKEv1 engines over the simulated network: Main Mode (PSK, RSA signatures), Aggressive
// Mode and Quick Mode (with and without PFS), and the failures RFC 2409 and seed 003 name for
// each message pair: wrong PSK, no PSK, phase-1 and phase-2 proposal mismatch, ID mismatch,
// SA install failures on either side.
#include <gtest/gtest.h>

#include "tests/ikev1/world.h"

namespace ikesuite::ikev1::testing {
namespace {

TEST(Ikev1Handshake, MainModePskAndQuickMode) {
  World w;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  const auto& m = *w.moon->log;
  const auto& s = *w.sun->log;
  EXPECT_TRUE(m.has("initiating Main Mode IKE_SA net-net\\[1\\] to 192.168.0.2"));
  EXPECT_TRUE(m.has("generating ID_PROT request 0 \\[ SA V V V V \\]")) << m.dump();
  EXPECT_TRUE(m.has("parsed ID_PROT response 0 \\[ SA V V \\]")) << m.dump();
  EXPECT_TRUE(m.has("generating ID_PROT request 0 \\[ KE No NAT-D NAT-D \\]"));
  EXPECT_TRUE(m.has("generating ID_PROT request 0 \\[ ID HASH N\\(INITIAL_CONTACT\\) \\]"));
  EXPECT_TRUE(s.has("authentication of 'moon.strongswan.org' with pre-shared key successful"));
  EXPECT_TRUE(m.has("authentication of 'sun.strongswan.org' with pre-shared key successful"));
  // The RFC 2409 exchange states, in order, beside charon's IKE_SA states.
  int i1 = m.find("phase 1 state change: NONE => MAIN_I1");
  int i2 = m.find("phase 1 state change: MAIN_I1 => MAIN_I2", i1 < 0 ? 0 : i1);
  int i3 = m.find("phase 1 state change: MAIN_I2 => MAIN_I3", i2 < 0 ? 0 : i2);
  int i4 = m.find("phase 1 state change: MAIN_I3 => MAIN_I4", i3 < 0 ? 0 : i3);
  int est = m.find("IKE_SA net-net\\[1\\] state change: CONNECTING => ESTABLISHED");
  EXPECT_TRUE(i1 >= 0 && i2 > i1 && i3 > i2 && i4 > i3 && est > i4) << m.dump();
  EXPECT_TRUE(s.has("phase 1 state change: MAIN_R2 => MAIN_R3")) << s.dump();
  EXPECT_TRUE(m.has("IKE_SA net-net\\[1\\] established between "
                    "192.168.0.1\\[moon.strongswan.org\\]...192.168.0.2\\[sun.strongswan.org\\]"));
  // Quick Mode as seed 000 walks it: the responder installs inbound before answering, the
  // initiator both directions before HASH(3), the responder outbound after HASH(3).
  EXPECT_TRUE(m.has("generating QUICK_MODE request [0-9]+ \\[ HASH SA No ID ID \\]")) << m.dump();
  EXPECT_TRUE(s.has("generating QUICK_MODE response [0-9]+ \\[ HASH SA No ID ID \\]")) << s.dump();
  EXPECT_TRUE(m.has("generating QUICK_MODE request [0-9]+ \\[ HASH \\]"));
  int r_in = s.find("adding SAD entry with SPI [0-9a-f]{8} and reqid \\{1\\}");
  int r_resp = s.find("generating QUICK_MODE response");
  int r_h3 = s.find("parsed QUICK_MODE request [0-9]+ \\[ HASH \\]");
  int r_out = s.find("adding SAD entry with SPI [0-9a-f]{8} and reqid \\{1\\}", r_in + 1);
  EXPECT_TRUE(r_in >= 0 && r_resp > r_in && r_h3 > r_resp && r_out > r_h3) << s.dump();
  EXPECT_TRUE(m.has("phase 2 state change: QUICK_I1 => QUICK_I2"));
  EXPECT_TRUE(s.has("phase 2 state change: QUICK_R1 => QUICK_R2"));
  EXPECT_TRUE(m.has("CHILD_SA net-net\\{1\\} established with SPIs [0-9a-f]{8}_i "
                    "[0-9a-f]{8}_o and TS 10.1.0.0/16 === 10.2.0.0/16"))
      << m.dump();
  auto sas = w.moon->memory->list_sas();
  for (const auto& e : sas) EXPECT_EQ(e.spec.mode, sa::Mode::Tunnel);
}

TEST(Ikev1Handshake, QuickModeWithPfs) {
  World w;
  w.moon_conn.children[0].esp_proposals = esp("aes128-sha256-modp2048");
  w.sun_conn.children[0].esp_proposals = esp("aes128-sha256-modp2048");
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  EXPECT_TRUE(w.moon->log->has("generating QUICK_MODE request [0-9]+ \\[ HASH SA No KE ID ID \\]"))
      << w.logs();
  EXPECT_TRUE(w.sun->log->has("generating QUICK_MODE response [0-9]+ \\[ HASH SA No KE ID ID \\]"))
      << w.logs();
  EXPECT_TRUE(w.moon->log->has("selected proposal: ESP:AES_CBC_128/HMAC_SHA2_256_128/MODP_2048"))
      << w.logs();
}

TEST(Ikev1Handshake, PfsRequiredByResponderButNotOffered) {
  World w;
  w.sun_conn.children[0].esp_proposals = esp("aes128-sha256-modp2048");
  w.start();
  w.net.run_for(2.0);
  EXPECT_TRUE(w.established(*w.moon, 0)) << w.logs();
  EXPECT_TRUE(w.established(*w.sun, 0)) << w.logs();
  EXPECT_TRUE(w.sun->log->has("NO_PROPOSAL_CHOSEN")) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->memory->list_sas().empty()) << w.logs();
}

TEST(Ikev1Handshake, MainModeRsaSignatures) {
  World w;
  w.moon_conn.local.id = *Identity::parse("moon.strongswan.org");
  use_certs(w.moon_conn, "moon-rsa", "ca-rsa");
  use_certs(w.sun_conn, "sun-rsa", "ca-rsa");
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  EXPECT_TRUE(w.moon->log->has("generating ID_PROT request 0 \\[ ID CERT SIG")) << w.logs();
  EXPECT_TRUE(w.sun->log->has("authentication of 'moon.strongswan.org' with RSA_EMSA_PKCS1_NULL "
                              "successful"))
      << w.logs();
}

TEST(Ikev1Handshake, UntrustedCertificateFails) {
  World w;
  use_certs(w.moon_conn, "mallory", "ca-rsa");
  use_certs(w.sun_conn, "sun-rsa", "ca-rsa");
  w.start();
  w.net.run_for(30.0);
  EXPECT_FALSE(w.established(*w.sun, 1)) << w.logs();
  EXPECT_TRUE(w.sun->memory->list_sas().empty());
}

TEST(Ikev1Handshake, AggressiveModePsk) {
  World w;
  w.moon_conn.aggressive = true;
  w.sun_conn.aggressive = true;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  EXPECT_TRUE(w.moon->log->has("initiating Aggressive Mode IKE_SA net-net\\[1\\] to 192.168.0.2"));
  EXPECT_TRUE(w.moon->log->has("generating AGGRESSIVE request 0 \\[ SA KE No ID")) << w.logs();
  EXPECT_TRUE(w.sun->log->has("generating AGGRESSIVE response 0 \\[ SA KE No ID")) << w.logs();
  EXPECT_TRUE(w.moon->log->has("phase 1 state change: AGGR_I1 => AGGR_I2")) << w.logs();
  EXPECT_TRUE(w.sun->log->has("phase 1 state change: AGGR_R1 => AGGR_R2")) << w.logs();
}

TEST(Ikev1Handshake, AggressiveModeWrongPskFailsAtMessage2) {
  World w({}, {}, 1, "secret", "other-secret");
  w.moon_conn.aggressive = true;
  w.sun_conn.aggressive = true;
  w.start();
  w.net.run_for(200.0);
  EXPECT_TRUE(w.moon->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty());
  EXPECT_TRUE(w.sun->memory->list_sas().empty());
  // The initiator checks HASH_R first (RFC 2409 §5.4) and reports the failure protected.
  EXPECT_TRUE(w.moon->log->has("integrity check failed: calculated HASH does not match HASH "
                               "payload"))
      << w.logs();
  EXPECT_TRUE(w.moon->log->has("generating INFORMATIONAL_V1 request [0-9]+ \\[ HASH "
                               "N\\(AUTH_FAILED\\) \\]"))
      << w.logs();
  EXPECT_TRUE(w.sun->log->has("half-open timeout")) << w.logs();
}

TEST(Ikev1Handshake, AggressiveModeRefusedWhenNotConfigured) {
  World w;
  w.moon_conn.aggressive = true;
  w.start();
  w.net.run_for(30.0);
  EXPECT_FALSE(w.established(*w.moon, 1)) << w.logs();
  EXPECT_TRUE(w.sun->engine->list_sas().empty()) << w.logs();
}

TEST(Ikev1Handshake, WrongPskFailsAtMessage5) {
  World w({}, {}, 1, "secret", "other-secret");
  w.start();
  w.net.run_for(200.0);
  EXPECT_TRUE(w.moon->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->engine->list_sas().empty()) << w.logs();
  // SKEYID derives from the PSK: the responder cannot decrypt message 5 and answers, as
  // charon does, with a PAYLOAD_MALFORMED the initiator cannot decrypt either.
  EXPECT_TRUE(w.sun->log->has("could not decrypt payloads")) << w.logs();
  EXPECT_TRUE(w.sun->log->has("generating INFORMATIONAL_V1 request [0-9]+ \\[ HASH N\\(PLD_MAL\\) \\]"))
      << w.logs();
  EXPECT_TRUE(w.moon->log->has("giving up after 5 retransmits")) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty());
  EXPECT_TRUE(w.sun->memory->list_sas().empty());
}

TEST(Ikev1Handshake, NoPskForPeer) {
  // sun holds a key for other peers only: it cannot compute SKEYID for moon (RFC 2409 §5.4)
  // and refuses message 3.
  World w({}, {}, 1, "secret", "secret", nullptr, nullptr, {"carol@strongswan.org"});
  w.start();
  w.net.run_for(200.0);
  EXPECT_TRUE(w.moon->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->log->has("no shared key found for")) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty());
}

TEST(Ikev1Handshake, PhaseOneProposalMismatch) {
  World w;
  w.moon_conn.ike_proposals = ike("aes256-sha384-ecp384");
  w.start();
  w.net.run_for(30.0);
  EXPECT_TRUE(w.moon->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->log->has("^no proposal found$")) << w.logs();
  EXPECT_TRUE(w.sun->log->has("generating INFORMATIONAL_V1 request [0-9]+ \\[ N\\(NO_PROP\\) \\]"))
      << w.logs();
  EXPECT_TRUE(w.moon->log->has("received NO_PROPOSAL_CHOSEN")) << w.logs();
}

TEST(Ikev1Handshake, QuickModeProposalMismatch) {
  World w;
  w.moon_conn.children[0].esp_proposals = esp("3des-sha1");
  w.start();
  w.net.run_for(5.0);
  EXPECT_TRUE(w.established(*w.moon, 0)) << w.logs();
  EXPECT_TRUE(w.established(*w.sun, 0)) << w.logs();
  EXPECT_TRUE(w.moon->log->has("received NO_PROPOSAL_CHOSEN")) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->memory->list_sas().empty()) << w.logs();
}

TEST(Ikev1Handshake, QuickModeIdMismatch) {
  World w;
  w.sun_conn.children[0].remote_ts = {*Subnet::parse("10.9.0.0/16")};
  w.start();
  w.net.run_for(5.0);
  EXPECT_TRUE(w.established(*w.moon, 0)) << w.logs();
  EXPECT_TRUE(w.sun->log->has("no matching CHILD_SA config found for 10.2.0.0/16 === 10.1.0.0/16"))
      << w.logs();
  EXPECT_TRUE(w.sun->log->has("generating INFORMATIONAL_V1 request [0-9]+ \\[ HASH N\\(INVAL_ID\\) \\]"))
      << w.logs();
  EXPECT_TRUE(w.moon->log->has("received INVALID_ID_INFORMATION")) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->memory->list_sas().empty()) << w.logs();
}

TEST(Ikev1Handshake, ResponderInstallFailureAtR1) {
  World w;
  sa::FaultRule rule;
  rule.op = sa::Operation::AddSa;
  rule.err = EPROTONOSUPPORT;
  w.sun->kernel->add_rule(rule);
  w.start();
  w.net.run_for(5.0);
  EXPECT_TRUE(w.established(*w.moon, 0)) << w.logs();
  EXPECT_TRUE(w.established(*w.sun, 0)) << w.logs();
  EXPECT_TRUE(w.sun->log->has("unable to add SAD entry with SPI")) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->memory->list_sas().empty()) << w.logs();
}

TEST(Ikev1Handshake, InitiatorInstallFailureAtI2) {
  World w;
  sa::FaultRule rule;
  rule.op = sa::Operation::AddSa;
  rule.inbound = false;
  rule.err = EPROTONOSUPPORT;
  w.moon->kernel->add_rule(rule);
  w.start();
  w.net.run_for(5.0);
  EXPECT_TRUE(w.established(*w.moon, 0)) << w.logs();
  EXPECT_TRUE(w.established(*w.sun, 0)) << w.logs();
  EXPECT_TRUE(w.moon->log->has("unable to add SAD entry with SPI")) << w.logs();
  EXPECT_TRUE(w.sun->log->has("received DELETE for ESP CHILD_SA with SPI")) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->memory->list_sas().empty()) << w.logs();
}

}  // namespace
}  // namespace ikesuite::ikev1::testing
