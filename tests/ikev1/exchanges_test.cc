// Two IKEv1 engines beyond the first handshake: proposal families, phase-2 and phase-1
// rekeying, Delete (RFC 2408 §3.15), DPD (RFC 3706), keyingtries, NAT-T (RFC 3947),
// transport mode, retransmissions and duplicates, lossy links.
#include <gtest/gtest.h>

#include <cstdio>

#include "engine/base/time.h"
#include "tests/ikev1/world.h"

namespace ikesuite::ikev1::testing {
namespace {

std::string hex32(uint32_t v) {
  char buf[9];
  snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

struct Suite {
  std::string ike;
  std::string esp;
};

class Ikev1Suites : public ::testing::TestWithParam<Suite> {};

TEST_P(Ikev1Suites, EstablishesAndRekeys) {
  World w;
  w.moon_conn.ike_proposals = ike(GetParam().ike);
  w.sun_conn.ike_proposals = w.moon_conn.ike_proposals;
  w.moon_conn.children[0].esp_proposals = esp(GetParam().esp);
  w.sun_conn.children[0].esp_proposals = w.moon_conn.children[0].esp_proposals;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  ASSERT_TRUE(w.moon->engine->rekey_child("net-net").ok());
  w.net.run_for(10.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
}

INSTANTIATE_TEST_SUITE_P(
    ProposalFamilies, Ikev1Suites,
    ::testing::Values(Suite{"aes128-sha256-modp2048", "aes128-sha256"},
                      Suite{"aes256-sha384-ecp384", "aes256-sha384-ecp384"},
                      Suite{"aes192-sha512-ecp521", "aes192-sha512"},
                      Suite{"3des-sha1-modp1024", "3des-sha1"},
                      Suite{"aes128-sha1-modp1536", "aes128gcm16"},
                      Suite{"aes256-sha256-modp3072", "aes256-sha512-modp3072"}),
    [](const ::testing::TestParamInfo<Suite>& param) {
      std::string n = param.param.ike;
      for (char& c : n)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      return n;
    });

TEST(Ikev1Rekey, SoftExpireStartsQuickModeAndDeletesOld) {
  World w;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  auto before = w.moon->engine->list_sas()[0].children[0];
  // lifetime 1200 s, margintime 180 s: the inbound SA's soft expiry is at 840..1020 s.
  w.net.run_for(1100.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  auto after = w.moon->engine->list_sas()[0].children[0];
  EXPECT_NE(before.spi_in, after.spi_in);
  EXPECT_NE(before.spi_out, after.spi_out);
  EXPECT_TRUE(w.moon->log->has("received DELETE for ESP CHILD_SA with SPI|sending DELETE for ESP "
                               "CHILD_SA with SPI|generating INFORMATIONAL_V1 request [0-9]+ "
                               "\\[ HASH D \\]"))
      << w.logs();
  EXPECT_TRUE(w.moon->log->has("deleting SAD entry with SPI " + hex32(before.spi_in)) ||
              w.moon->log->has("deleted SAD entry with SPI " + hex32(before.spi_in)))
      << w.logs();
}

TEST(Ikev1Rekey, ExplicitChildRekeyWithPfs) {
  World w;
  w.moon_conn.children[0].esp_proposals = esp("aes128-sha256-modp2048");
  w.sun_conn.children[0].esp_proposals = esp("aes128-sha256-modp2048");
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  ASSERT_TRUE(w.moon->engine->rekey_child("net-net").ok());
  w.net.run_for(10.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  auto sas = w.moon->engine->list_sas();
  EXPECT_EQ(sas[0].children[0].unique_id, 2u) << w.logs();
}

TEST(Ikev1Rekey, PhaseOneReauthenticationKeepsChild) {
  World w;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  ASSERT_TRUE(w.moon->engine->rekey_ike("net-net").ok());
  w.net.run_for(20.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  auto sas = w.moon->engine->list_sas();
  ASSERT_EQ(sas.size(), 1u) << w.logs();
  EXPECT_EQ(sas[0].unique_id, 2u) << w.logs();
  EXPECT_TRUE(w.moon->log->has("initiating Main Mode IKE_SA net-net\\[2\\] to 192.168.0.2"));
}

TEST(Ikev1Rekey, IkeLifetimeReauthenticates) {
  World w;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  // ikelifetime 3600 s, margintime 180 s: reauthentication before 3420 s.
  w.net.run_for(3500.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  EXPECT_GE(w.moon->engine->list_sas()[0].unique_id, 2u) << w.logs();
}

TEST(Ikev1Delete, TerminateChildSendsDelete) {
  World w;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  auto child = w.moon->engine->list_sas()[0].children[0];
  ASSERT_TRUE(w.moon->engine->terminate_child("net-net").ok());
  w.net.run_for(2.0);
  EXPECT_TRUE(w.established(*w.moon, 0)) << w.logs();
  EXPECT_TRUE(w.established(*w.sun, 0)) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->memory->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.moon->log->has("generating INFORMATIONAL_V1 request [0-9]+ \\[ HASH D \\]"))
      << w.logs();
  EXPECT_TRUE(w.sun->log->has("received DELETE for ESP CHILD_SA with SPI " +
                              hex32(child.spi_in)))
      << w.logs();
}

TEST(Ikev1Delete, TerminateIkeRemovesEverything) {
  World w;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  ASSERT_TRUE(w.moon->engine->terminate_ike("net-net").ok());
  w.net.run_for(2.0);
  EXPECT_TRUE(w.moon->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty());
  EXPECT_TRUE(w.sun->memory->list_sas().empty());
  EXPECT_TRUE(w.sun->log->has("received DELETE for IKE_SA net-net\\[1\\]")) << w.logs();
}

TEST(Ikev1Liveness, DeadPeerDetectedByDpd) {
  World w;
  w.moon_conn.dpd_delay = seconds(10);
  w.moon_conn.dpd_timeout = seconds(60);
  w.moon_conn.dpd_action = DpdAction::Clear;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.net.run_for(30.0);
  // A live peer answers R-U-THERE with R-U-THERE-ACK.
  EXPECT_TRUE(w.moon->log->has("generating INFORMATIONAL_V1 request [0-9]+ \\[ HASH N\\(DPD\\) \\]"))
      << w.logs();
  EXPECT_TRUE(w.sun->log->has("generating INFORMATIONAL_V1 request [0-9]+ \\[ HASH "
                              "N\\(DPD_ACK\\) \\]"))
      << w.logs();
  ASSERT_TRUE(w.both_established()) << w.logs();
  ASSERT_TRUE(w.net.net().set_host_up("sun", false).ok());
  w.net.run_for(200.0);
  EXPECT_TRUE(w.moon->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.moon->memory->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.moon->log->has("sending DPD request with sequence number [0-9]+")) << w.logs();
  EXPECT_TRUE(w.moon->log->has("DPD check timed out after 60s, enforcing DPD action"))
      << w.logs();
}

TEST(Ikev1Liveness, UnreachablePeerWithKeyingtries) {
  World w;
  w.moon_conn.keyingtries = 3;
  ASSERT_TRUE(w.net.net().set_host_up("sun", false).ok());
  w.start();
  w.net.run_for(600.0);
  EXPECT_TRUE(w.moon->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.moon->log->has("peer not responding, trying again \\(2/3\\)")) << w.logs();
  EXPECT_TRUE(w.moon->log->has("peer not responding, trying again \\(3/3\\)")) << w.logs();
  EXPECT_TRUE(w.moon->log->has("establishing IKE_SA failed, peer not responding")) << w.logs();
  // charon's schedule: retransmits at 4, 11.2, 24.16, 47.49, 89.48 s.
  // charon's IKEv1 wording: message 1 is the first of moon's requests (seq 1).
  int first = w.moon->log->find("sending retransmit 1 of request message ID 0, seq 1$");
  int fifth = w.moon->log->find("sending retransmit 5 of request message ID 0, seq 1$");
  ASSERT_GE(first, 0) << w.logs();
  ASSERT_GE(fifth, 0) << w.logs();
  EXPECT_NEAR(to_seconds(w.moon->log->lines[first].t), 4.0, 0.01);
  EXPECT_NEAR(to_seconds(w.moon->log->lines[fifth].t), 89.48, 0.05);
}

TEST(Ikev1Retransmit, ResponderResendsItsLastMessage) {
  World w;
  // Main Mode message 2 and Quick Mode message 2 are lost once each: moon retransmits its
  // message and sun answers the retransmission with its stored answer (RFC 2408 §5).
  for (auto ex : {v1::ExchangeType::IdentityProtection, v1::ExchangeType::QuickMode}) {
    ImpairRule drop;
    drop.kind = ImpairKind::Drop;
    drop.exchange = ex;
    drop.response = true;
    drop.count = 1;
    w.sun->engine->impairments().add(drop);
  }
  w.start();
  w.net.run_for(30.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  // Numbered as charon's task manager numbers them: moon's Main Mode requests are 1 to 3 and
  // Quick Mode message 1 is its 4th request; sun's Quick Mode message 2 its 4th response.
  EXPECT_TRUE(w.moon->log->has("sending retransmit 1 of request message ID 0, seq 1$")) << w.logs();
  EXPECT_TRUE(w.moon->log->has("sending retransmit 1 of request message ID [1-9][0-9]*, seq 4$"))
      << w.logs();
  EXPECT_TRUE(w.sun->log->has("received retransmit of request with ID 0, "
                              "retransmitting response"))
      << w.logs();
  // In Quick Mode the responder retransmits message 2 itself until HASH(3) arrives, so the
  // initiator's copy of message 1 needs no answer of its own.
  EXPECT_TRUE(w.sun->log->has("sending retransmit 1 of response message ID [1-9][0-9]*, seq 4$"))
      << w.logs();
  EXPECT_FALSE(w.sun->log->has("of request message ID")) << w.logs();
}

TEST(Ikev1Retransmit, DuplicatedMessagesAreAbsorbed) {
  World w;
  ImpairRule dup;
  dup.kind = ImpairKind::Duplicate;
  w.moon->engine->impairments().add(dup);
  w.sun->engine->impairments().add(dup);
  w.start();
  w.net.run_for(20.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
}

TEST(Ikev1Transport, UseTransportMode) {
  World w;
  for (PeerConfig* c : {&w.moon_conn, &w.sun_conn}) {
    c->children[0].mode = sa::Mode::Transport;
    c->children[0].local_ts.clear();
    c->children[0].remote_ts.clear();
  }
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  for (const auto& e : w.moon->memory->list_sas()) EXPECT_EQ(e.spec.mode, sa::Mode::Transport);
}

TEST(Ikev1Nat, InitiatorBehindNatFloatsTo4500) {
  World w;
  net::NatSpec nat;
  nat.name = "moon-nat";
  nat.inside = {"moon"};
  nat.public_address = *IpAddress::parse("192.168.0.254");
  ASSERT_TRUE(w.net.net().add_nat(nat).ok());
  w.sun_conn.remote_addr = IpAddress();  // %any: the peer arrives from the NAT's address
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
  EXPECT_TRUE(w.moon->log->has("local host is behind NAT, sending keep alives")) << w.logs();
  EXPECT_TRUE(w.sun->log->has("remote host is behind NAT")) << w.logs();
  EXPECT_TRUE(w.moon->log->has("sending packet: from 192.168.0.1\\[4500\\] to 192.168.0.2\\[4500\\]"))
      << w.logs();
  for (const auto& e : w.moon->memory->list_sas()) EXPECT_TRUE(e.spec.encap.has_value());
  for (const auto& e : w.sun->memory->list_sas()) EXPECT_TRUE(e.spec.encap.has_value());
  w.net.run_for(300.0);
  EXPECT_TRUE(w.moon->log->has("sending keep alive to 192.168.0.2\\[4500\\]")) << w.logs();
  // The rekeyed SAs go after delete_rekeyed_delay (5 s).
  ASSERT_TRUE(w.moon->engine->rekey_child("net-net").ok());
  w.net.run_for(10.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
}

TEST(Ikev1Nat, ForceEncapsulation) {
  World w;
  w.moon_conn.force_encap = true;
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  for (const auto& e : w.moon->memory->list_sas()) EXPECT_TRUE(e.spec.encap.has_value());
  for (const auto& e : w.sun->memory->list_sas()) EXPECT_TRUE(e.spec.encap.has_value());
}

TEST(Ikev1Nat, TransportModeSendsNatOa) {
  World w;
  net::NatSpec nat;
  nat.name = "moon-nat";
  nat.inside = {"moon"};
  nat.public_address = *IpAddress::parse("192.168.0.254");
  ASSERT_TRUE(w.net.net().add_nat(nat).ok());
  w.sun_conn.remote_addr = IpAddress();
  for (PeerConfig* c : {&w.moon_conn, &w.sun_conn}) {
    c->children[0].mode = sa::Mode::Transport;
    c->children[0].local_ts.clear();
    c->children[0].remote_ts.clear();
  }
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  // RFC 3947 §5.2: the original addresses travel in NAT-OA payloads in Quick Mode.
  // The IDs are the hosts' addresses and are left out (RFC 2409 §5.5).
  EXPECT_TRUE(w.moon->log->has("generating QUICK_MODE request [0-9]+ \\[ HASH SA No NAT-OA NAT-OA \\]"))
      << w.logs();
  EXPECT_TRUE(w.sun->log->has("generating QUICK_MODE response [0-9]+ \\[ HASH SA No NAT-OA NAT-OA \\]"))
      << w.logs();
  for (const auto& e : w.sun->memory->list_sas()) {
    EXPECT_EQ(e.spec.mode, sa::Mode::Transport);
    EXPECT_TRUE(e.spec.encap.has_value());
  }
}

TEST(Ikev1Protection, BadHashInMessage5IsRefused) {
  World w;
  ImpairRule bad;
  bad.kind = ImpairKind::BadHash;
  bad.exchange = v1::ExchangeType::IdentityProtection;
  bad.response = false;
  w.moon->engine->impairments().add(bad);
  w.start();
  w.net.run_for(200.0);
  EXPECT_TRUE(w.sun->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.moon->engine->list_sas().empty()) << w.logs();
  EXPECT_TRUE(w.sun->log->has("N\\(AUTH_FAILED\\)|N\\(INVAL_HASH\\)")) << w.logs();
}

TEST(Ikev1Protection, BadHashInQuickModeIsRefused) {
  World w;
  ImpairRule bad;
  bad.kind = ImpairKind::BadHash;
  bad.exchange = v1::ExchangeType::QuickMode;
  w.moon->engine->impairments().add(bad);
  w.start();
  w.net.run_for(5.0);
  EXPECT_TRUE(w.established(*w.moon, 0)) << w.logs();
  EXPECT_TRUE(w.established(*w.sun, 0)) << w.logs();
  EXPECT_TRUE(w.sun->log->has("N\\(INVAL_HASH\\)")) << w.logs();
  EXPECT_TRUE(w.sun->memory->list_sas().empty()) << w.logs();
}

TEST(Ikev1Protection, CommitBitIsRefused) {
  World w;
  ImpairRule commit;
  commit.kind = ImpairKind::HeaderFlags;
  commit.exchange = v1::ExchangeType::QuickMode;
  commit.value = 0x02;
  commit.count = 1;
  w.moon->engine->impairments().add(commit);
  w.start();
  w.net.run_for(5.0);
  EXPECT_TRUE(w.established(*w.sun, 0)) << w.logs();
  EXPECT_TRUE(w.sun->log->has("the Commit bit \\(RFC 2408 §3.1\\) is set")) << w.logs();
  EXPECT_TRUE(w.sun->memory->list_sas().empty()) << w.logs();
}

class Ikev1Lossy : public ::testing::TestWithParam<int> {};

TEST_P(Ikev1Lossy, ConvergesWithLossAndDuplication) {
  World w({}, {}, static_cast<uint64_t>(GetParam()));
  net::Impairment imp;
  imp.loss = 0.3;
  imp.duplicate = 0.2;
  imp.reorder = 0.2;
  imp.delay = std::chrono::milliseconds(20);
  imp.jitter = std::chrono::milliseconds(10);
  ASSERT_TRUE(w.net.net().set_default_impairment(imp).ok());
  w.moon_conn.keyingtries = 0;
  w.start();
  w.net.run_for(300.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  w.expect_consistent_child();
}

INSTANTIATE_TEST_SUITE_P(Seeds, Ikev1Lossy, ::testing::Range(1, 9));

}  // namespace
}  // namespace ikesuite::ikev1::testing
