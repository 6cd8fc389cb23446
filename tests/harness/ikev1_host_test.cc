// The IKEv1 engine in the reference host: keyexchange=ikev1 connections translated into
// ikev1::PeerConfig (defaults, strict lists, errors naming the connection), scenarios/ikev1
// run in sim mode with the trace labelling and decrypting IKEv1 messages as charon logs them,
// and the IV chain of RFC 2409 Appendix B checked against a wrong IV.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "engine/crypto/cipher.h"
#include "engine/crypto/hash.h"
#include "engine/crypto/ikev1_keys.h"
#include "harness/decode/ike_decode.h"
#include "harness/run/ref_config.h"
#include "harness/run/ref_host.h"
#include "harness/run/runner.h"
#include "harness/run/sim_world.h"
#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/loader.h"

namespace ikesuite::harness::run {
namespace {

namespace fs = std::filesystem;

const std::string kV1Scenarios = std::string(IKESUITE_SOURCE_DIR) + "/scenarios/ikev1";

LoadOptions v1_load_options() {
  LoadOptions o;
  o.proposal_check = crypto_proposal_check();
  return o;
}

Scenario load_v1(const std::string& file) {
  auto r = load_scenario(kV1Scenarios + "/" + file, v1_load_options());
  std::string diags;
  for (const auto& d : r.diagnostics) diags += d.format() + "\n";
  EXPECT_TRUE(r.ok()) << diags;
  return r.ok() ? *r.scenario : Scenario{};
}

std::string v1_temp_dir(const std::string& name) {
  std::string dir = (fs::temp_directory_path() /
                     ("ikesuite-v1host-" + name + "-" + std::to_string(::getpid())))
                        .string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

SimOptions v1_options(const std::string& folder) {
  SimOptions o;
  o.folder = folder;
  o.report_root = fs::path(folder).parent_path().string();
  o.wall_offset = std::chrono::duration_cast<Duration>(
      std::chrono::system_clock::now().time_since_epoch());
  return o;
}

std::string v1_failures(const reports::ScenarioResult& r) {
  std::string out = r.error;
  for (const auto& e : r.expectations)
    if (!e.passed) out += "\n" + e.id + ": expected " + e.expected + "; " + e.actual;
  return out;
}

const Host& host_named(const Scenario& s, const std::string& name) {
  for (const auto& h : s.hosts)
    if (h.name == name) return h;
  ADD_FAILURE() << "no host " << name;
  return s.hosts.front();
}

TEST(V1Config, Ikev1ConnectionsGoToTheIkev1Engine) {
  Scenario s = load_v1("main-quick-psk.json");
  auto config = build_ref_config(host_named(s, "moon"));
  ASSERT_TRUE(config.ok()) << config.error().reason();
  EXPECT_TRUE(config->connections.empty());
  ASSERT_EQ(config->v1_connections.size(), 1u);
  const ikev1::PeerConfig& pc = config->v1_connections[0];
  EXPECT_EQ(pc.name, "net-net");
  EXPECT_FALSE(pc.aggressive);
  EXPECT_EQ(pc.local.auth, ikev2::AuthClass::Psk);
  EXPECT_EQ(pc.keyingtries, 1u);
  // "aes128-sha256-modp2048!" is strict: one transform, no defaults appended.
  ASSERT_EQ(pc.ike_proposals.size(), 1u);
  EXPECT_EQ(pc.ike_proposals[0].encryption, v1::OakleyEncryption::AES_CBC);
  EXPECT_EQ(pc.ike_proposals[0].key_length, 128);
  EXPECT_EQ(pc.ike_proposals[0].hash, v1::OakleyHash::SHA2_256);
  EXPECT_EQ(pc.ike_proposals[0].group, v2::DhGroup::MODP_2048);
  ASSERT_EQ(pc.children.size(), 1u);
  ASSERT_EQ(pc.children[0].esp_proposals.size(), 1u);
  EXPECT_EQ(pc.children[0].esp_proposals[0].pfs_group, v2::DhGroup::None);
  ASSERT_EQ(pc.children[0].local_ts.size(), 1u);
  EXPECT_EQ(pc.children[0].local_ts[0].to_string(), "10.1.0.0/16");
}

TEST(V1Config, EmptyAndNonStrictListsGetCharonsIkev1Defaults) {
  auto ike = build_v1_ike_proposals({});
  ASSERT_TRUE(ike.ok()) << ike.error().reason();
  auto defaults = crypto::parse_ikev1_ike_proposals(kDefaultV1IkeProposal);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(*ike, *defaults);
  auto more = build_v1_ike_proposals({"3des-sha1-modp1024"});
  ASSERT_TRUE(more.ok());
  ASSERT_EQ(more->size(), 1 + defaults->size());
  EXPECT_EQ((*more)[0].encryption, v1::OakleyEncryption::TripleDES_CBC);
  EXPECT_EQ((*more)[1], (*defaults)[0]);
  auto esp = build_v1_esp_proposals({"aes256-sha1-modp2048!"});
  ASSERT_TRUE(esp.ok());
  ASSERT_EQ(esp->size(), 1u);
  EXPECT_EQ((*esp)[0].pfs_group, v2::DhGroup::MODP_2048);
  auto esp_defaults = build_v1_esp_proposals({});
  ASSERT_TRUE(esp_defaults.ok());
  EXPECT_FALSE(esp_defaults->empty());
}

TEST(V1Config, ErrorsNameTheConnection) {
  Scenario s = load_v1("main-quick-psk.json");
  Host host = host_named(s, "moon");
  ASSERT_FALSE(host.conns.empty());
  Connection* conn = nullptr;
  for (auto& c : host.conns)
    if (c.name == "net-net") conn = &c;
  ASSERT_NE(conn, nullptr);
  std::vector<std::string> notes;

  Connection bad = *conn;
  bad.ike = {"aes128gcm16-prfsha256-modp2048!"};  // no AEAD in IKEv1 phase 1
  auto r = build_v1_peer_config(host, bad, notes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason().find("conn 'net-net'"), std::string::npos) << r.error().reason();

  bad = *conn;
  bad.ah = {"sha256"};
  r = build_v1_peer_config(host, bad, notes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason().find("conn 'net-net': ah="), std::string::npos);

  bad = *conn;
  bad.left.auth = AuthMethod::kNull;
  bad.right.auth = AuthMethod::kNull;
  r = build_v1_peer_config(host, bad, notes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason().find("authby=null"), std::string::npos);

  bad = *conn;
  bad.right.auth = AuthMethod::kPubkey;  // leftauth psk, rightauth pubkey
  r = build_v1_peer_config(host, bad, notes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason().find("one authentication method"), std::string::npos);

  bad = *conn;
  bad.auto_action = AutoAction::kRoute;
  r = build_v1_peer_config(host, bad, notes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason().find("auto=route"), std::string::npos);
}

TEST(V1Impairments, RulesMapWhereTheIkev1EngineHasThem) {
  Impairment imp;
  imp.kind = ImpairKind::kBadHash;
  imp.exchange_version = 1;
  imp.exchange = static_cast<uint8_t>(v1::ExchangeType::QuickMode);
  imp.message = MessageKind::kResponse;
  auto r = to_v1_engine_rule(imp);
  ASSERT_TRUE(r.ok()) << r.error().reason();
  EXPECT_EQ(r->kind, ikev1::ImpairKind::BadHash);
  EXPECT_EQ(r->exchange, v1::ExchangeType::QuickMode);
  EXPECT_EQ(r->response, true);
  // bad_hash is IKEv1 only, bad_icv IKEv2 only.
  EXPECT_FALSE(to_engine_rule(imp, "c").ok());
  imp.kind = ImpairKind::kBadIcv;
  EXPECT_FALSE(to_v1_engine_rule(imp).ok());
  // An IKEv2 exchange does not name an IKEv1 message.
  imp.kind = ImpairKind::kDropMessage;
  imp.exchange_version = 2;
  imp.exchange = 34;
  EXPECT_FALSE(to_v1_engine_rule(imp).ok());
}

TEST(V1SimRun, MainQuickPskPassesAndTheTraceIsDecrypted) {
  std::string dir = v1_temp_dir("mq") + "/ikev1/main-quick-psk";
  auto r = run_sim(load_v1("main-quick-psk.json"), v1_options(dir));
  EXPECT_EQ(r.status, reports::kPassed) << v1_failures(r);
  // Main Mode (6) + Quick Mode (3), every encrypted one opened.
  ASSERT_GE(r.messages.size(), 9u);
  EXPECT_EQ(r.messages[0].exchange, "ID_PROT");
  EXPECT_EQ(r.messages[0].summary.rfind("ID_PROT request 0 [ SA", 0), 0u) << r.messages[0].summary;
  EXPECT_EQ(r.messages[1].summary.rfind("ID_PROT response 0 [ SA", 0), 0u) << r.messages[1].summary;
  EXPECT_TRUE(r.messages[4].encrypted);
  EXPECT_TRUE(r.messages[4].decrypted);
  EXPECT_EQ(r.messages[4].summary, "ID_PROT request 0 [ ID HASH N(INITIAL_CONTACT) ]")
      << r.messages[4].summary;
  EXPECT_EQ(r.messages[5].summary, "ID_PROT response 0 [ ID HASH ]") << r.messages[5].summary;
  for (size_t i = 6; i < 9; ++i) {
    EXPECT_EQ(r.messages[i].exchange, "QUICK_MODE") << i;
    EXPECT_TRUE(r.messages[i].decrypted) << i << " " << r.messages[i].summary;
  }
  EXPECT_NE(r.messages[6].summary.find("request"), std::string::npos);
  EXPECT_NE(r.messages[6].summary.find("[ HASH SA No ID ID ]"), std::string::npos) << r.messages[6].summary;
  EXPECT_NE(r.messages[7].summary.find("response"), std::string::npos);
  EXPECT_NE(r.messages[8].summary.find("request"), std::string::npos);
  EXPECT_NE(r.messages[8].summary.find("[ HASH ]"), std::string::npos) << r.messages[8].summary;
  EXPECT_TRUE(fs::exists(dir + "/ikev1_decryption_table"));
  EXPECT_TRUE(fs::exists(dir + "/esp_sa"));
}

// An encrypted Quick Mode message made here: HASH, SA-less for brevity (HASH only, as
// HASH(3) is), encrypted with AES-128-CBC under a known Ka and IV.
struct Sealed {
  Bytes datagram;
  Bytes iv;
  Bytes last_block;
  decode::Ikev1Keys keys;
};

Sealed seal_hash3() {
  Sealed out;
  out.keys.cookie_i = 0x1122334455667788ull;
  out.keys.cookie_r = 0x99aabbccddeeff00ull;
  out.keys.encr = v1::OakleyEncryption::AES_CBC;
  out.keys.encr_key_bits = 128;
  out.keys.hash = v1::OakleyHash::SHA2_256;
  out.keys.ka = Bytes(16, 0x42);
  out.iv = Bytes(16, 0x17);
  std::vector<v1::Payload> inner = {v1::make_payload(v1::HashPayload{Bytes(32, 0xab)})};
  auto plain = v1::serialize_chain(inner);
  EXPECT_TRUE(plain.ok());
  auto cipher = crypto::Cipher::create_v1(out.keys.encr, 128);
  EXPECT_TRUE(cipher.ok());
  auto sealed = crypto::ikev1_encrypt(*cipher, out.keys.ka, out.iv, *plain);
  EXPECT_TRUE(sealed.ok());
  out.last_block = sealed->next_iv;
  v1::Message m;
  m.header.cookie_i = out.keys.cookie_i;
  m.header.cookie_r = out.keys.cookie_r;
  m.header.exchange = v1::ExchangeType::QuickMode;
  m.header.flags = v1::kFlagEncryption;
  m.header.message_id = 0x12345678;
  m.header.next_payload = v1::PayloadType::HASH;
  m.encrypted_body = sealed->data;
  auto bytes = v1::serialize(m);
  EXPECT_TRUE(bytes.ok());
  out.datagram = *bytes;
  return out;
}

TEST(V1Decode, DecryptsWithKaAndTheChainedIv) {
  Sealed s = seal_hash3();
  auto d = decode::decode_message(s.datagram, decode::KeyRing{});
  EXPECT_EQ(d.family, 1);
  EXPECT_TRUE(d.encrypted);
  EXPECT_FALSE(d.decrypted);
  EXPECT_NE(d.summary.find("[ E ]"), std::string::npos) << d.summary;
  auto next = decode::decrypt_v1(d, s.keys, s.iv);
  ASSERT_TRUE(next.ok()) << next.error().reason();
  EXPECT_EQ(*next, s.last_block);  // RFC 2409 Appendix B: the next IV is the last block
  EXPECT_TRUE(d.decrypted);
  EXPECT_EQ(d.summary, "QUICK_MODE request 305419896 [ HASH ]");
  decode::set_v1_direction(d, true);
  EXPECT_EQ(d.summary, "QUICK_MODE response 305419896 [ HASH ]");
  ASSERT_EQ(d.payloads.size(), 1u);
  EXPECT_TRUE(d.payloads[0].inner);
  EXPECT_EQ(d.payloads[0].label, "HASH");
}

TEST(V1Decode, WrongIvOrKeyLeavesTheMessageEncryptedWithTheReason) {
  Sealed s = seal_hash3();
  auto d = decode::decode_message(s.datagram, decode::KeyRing{});
  // A wrong IV garbles the first block, which holds the HASH payload's header.
  auto next = decode::decrypt_v1(d, s.keys, Bytes(16, 0));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, s.last_block);  // the chain goes on whatever the plaintext
  EXPECT_FALSE(d.decrypted);
  EXPECT_NE(d.problem.find("do not parse"), std::string::npos) << d.problem;
  EXPECT_NE(d.summary.find("[ E ]"), std::string::npos) << d.summary;

  decode::Ikev1Keys wrong = s.keys;
  wrong.ka = Bytes(16, 0x43);
  d = decode::decode_message(s.datagram, decode::KeyRing{});
  (void)decode::decrypt_v1(d, wrong, s.iv);
  EXPECT_FALSE(d.decrypted);

  // A body that is not whole blocks cannot be CBC at all.
  Bytes cut = s.datagram;
  cut.resize(cut.size() - 3);
  cut[27] = static_cast<uint8_t>(cut.size());  // keep the header's Length consistent
  d = decode::decode_message(cut, decode::KeyRing{});
  if (d.parsed) {
    EXPECT_FALSE(decode::decrypt_v1(d, s.keys, s.iv).ok());
    EXPECT_FALSE(d.decrypted);
  }
  // Not an encrypted IKEv1 message.
  decode::DecodedMessage empty;
  EXPECT_FALSE(decode::decrypt_v1(empty, s.keys, s.iv).ok());
}

TEST(V1Decode, IvDerivationsFollowRfc2409AppendixB) {
  decode::Ikev1Keys keys;
  keys.encr = v1::OakleyEncryption::AES_CBC;
  keys.encr_key_bits = 128;
  keys.hash = v1::OakleyHash::SHA2_256;
  Bytes gi(256, 1), gr(256, 2);
  auto iv1 = decode::ikev1_phase1_iv(keys, gi, gr);
  ASSERT_TRUE(iv1.ok());
  auto direct = crypto::phase1_iv(crypto::Hash::kSha256, gi, gr, 16);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(*iv1, *direct);
  EXPECT_EQ(iv1->size(), 16u);
  auto iv2 = decode::ikev1_phase2_iv(keys, Bytes(16, 9), 7);
  auto direct2 = crypto::phase2_iv(crypto::Hash::kSha256, Bytes(16, 9), 7, 16);
  ASSERT_TRUE(iv2.ok() && direct2.ok());
  EXPECT_EQ(*iv2, *direct2);
  // A hash the decoder does not know is an error, not a wrong IV.
  keys.hash = static_cast<v1::OakleyHash>(3);  // Tiger
  EXPECT_FALSE(decode::ikev1_phase1_iv(keys, gi, gr).ok());
}

}  // namespace
}  // namespace ikesuite::harness::run
