// charon's file log read back: single lines, selected proposals, and two real logs of
// charon 5.9.8 (data/): an initiator with kernel-libipsec that establishes, rekeys the Child
// SA and deletes; and an initiator with kernel-netlink whose ESP SA installs fail.
#include "harness/peers/strongswan/charon_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ikesuite::peers {
namespace {

using harness::Direction;
using harness::SaOp;
using ::testing::ElementsAre;

std::string data(const std::string& name) {
  std::ifstream f(std::string(IKESUITE_SOURCE_DIR) + "/tests/peers_strongswan/data/" + name);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

struct Collected {
  std::vector<run::LogLine> lines;
  std::vector<run::StateChange> states;
  std::vector<run::BackendEvent> events;
  std::vector<FoundIkeKeys> ike_keys;
  std::vector<run::EspKeys> esp_keys;
};

CharonLogParser::Sink sink(Collected& c) {
  CharonLogParser::Sink s;
  s.on_line = [&c](const CharonLine&, const run::LogLine& l) { c.lines.push_back(l); };
  s.on_state = [&c](const run::StateChange& x) { c.states.push_back(x); };
  s.on_backend = [&c](const run::BackendEvent& e) { c.events.push_back(e); };
  s.on_ike_keys = [&c](const FoundIkeKeys& k) { c.ike_keys.push_back(k); };
  s.on_esp_keys = [&c](const run::EspKeys& k) { c.esp_keys.push_back(k); };
  return s;
}

void feed_all(CharonLogParser& p, const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) p.feed(line);
  p.flush();
}

// 2026-11-23 00:00:00 UTC.
constexpr int64_t kDay = 20780;  // days since 1970-01-01
Time unix_at(int h, int m, int s, int ms) {
  return std::chrono::seconds(kDay * 86400 + h * 3600 + m * 60 + s) + std::chrono::milliseconds(ms);
}

TEST(CharonLine, ParsesTimeThreadGroupLevelAndIkeSa) {
  auto l = parse_charon_line(
      "2026-11-23 18:22:01.707 13[CHD2] <net-net|1> CHILD_SA net-net{1} state change: INSTALLING => INSTALLED");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->unix_time, unix_at(18, 22, 1, 707));
  EXPECT_EQ(l->thread, 13);
  EXPECT_EQ(l->group, "CHD");
  EXPECT_EQ(l->level, 2);
  EXPECT_EQ(l->ike_name, "net-net");
  EXPECT_EQ(l->ike_id, 1u);
  EXPECT_EQ(l->text, "CHILD_SA net-net{1} state change: INSTALLING => INSTALLED");
}

TEST(CharonLine, WithoutIkeSaAndWithLeadingSpaces) {
  auto l = parse_charon_line("2026-11-23 18:21:10.474 00[KNL2]     10.1.0.1");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->thread, 0);
  EXPECT_EQ(l->ike_id, 0u);
  EXPECT_EQ(l->text, "    10.1.0.1");
  auto n = parse_charon_line("2026-11-23 18:21:10.474 07[IKE-1] silent");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->level, -1);
}

TEST(CharonLine, IkeSaWithoutConfiguration) {
  // A responder's IKE SA before IKE_AUTH has no name yet.
  auto l = parse_charon_line(
      "2026-11-23 19:08:50.268 14[IKE2] <3> IKE_SA (unnamed)[3] state change: CREATED => CONNECTING");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->ike_id, 3u);
  EXPECT_EQ(l->ike_name, "");
  EXPECT_EQ(l->text, "IKE_SA (unnamed)[3] state change: CREATED => CONNECTING");
  // Not an IKE SA prefix: kept as text.
  auto t = parse_charon_line("2026-11-23 19:08:50.268 14[IKE2] <abc> text");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->ike_id, 0u);
  EXPECT_EQ(t->text, "<abc> text");
}

TEST(CharonLine, GarbledLinesAreRejected) {
  for (const char* bad : {
           "",
           "garbage",
           "2026-11-23 18:22:01 13[IKE2] no milliseconds",
           "2026-13-23 18:22:01.707 13[IKE2] month 13",
           "2026-11-23 25:22:01.707 13[IKE2] hour 25",
           "2026-11-23 18:22:01.707 [IKE2] no thread",
           "2026-11-23 18:22:01.707 13[ike2] lower-case group",
           "2026-11-23 18:22:01.707 13[IKE] no level",
           "2026-11-23 18:22:01.707 13[IKE2 unclosed",
           "2026-11-23 18:22:01.707 13[IKE2]x no space",
           "2026-11-23 18:22:0",
       }) {
    EXPECT_FALSE(parse_charon_line(bad)) << bad;
  }
}

TEST(SelectedProposal, IkeAndEsp) {
  auto p = parse_selected_proposal("IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->protocol, "IKE");
  EXPECT_EQ(p->encr, v2::EncrId::AES_CBC);
  EXPECT_EQ(p->encr_key_bits, 128);
  EXPECT_EQ(p->integ, v2::IntegId::HMAC_SHA2_256_128);
  auto e = parse_selected_proposal("ESP:AES_GCM_16_256/NO_EXT_SEQ");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->encr, v2::EncrId::AES_GCM_16);
  EXPECT_EQ(e->encr_key_bits, 256);
  EXPECT_EQ(e->integ, v2::IntegId::None);
  auto c = parse_selected_proposal("ESP:CHACHA20_POLY1305/NO_EXT_SEQ");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->encr, v2::EncrId::CHACHA20_POLY1305);
  EXPECT_EQ(c->encr_key_bits, 256);
  auto d = parse_selected_proposal("IKE:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->encr, v2::EncrId::TripleDES);
  EXPECT_EQ(d->integ, v2::IntegId::HMAC_SHA1_96);
  EXPECT_FALSE(parse_selected_proposal("FOO:AES_CBC_128"));
  EXPECT_FALSE(parse_selected_proposal("IKE:"));
  EXPECT_FALSE(parse_selected_proposal("IKE:AES_CBC_128//CURVE_25519"));
  EXPECT_FALSE(parse_selected_proposal("no colon"));
}

TEST(CharonLogParser, LibipsecInitiatorLog) {
  Collected c;
  Time origin = unix_at(18, 22, 0, 0);
  CharonLogParser p(origin, sink(c));
  feed_all(p, data("charon-libipsec-initiator.log"));

  // Every line of the file is a log line.
  EXPECT_EQ(c.lines.size(), 505u);
  EXPECT_EQ(c.lines.front().group, LogGroup::kDmn);

  std::vector<std::string> ike, child;
  for (const auto& s : c.states)
    (s.ike ? ike : child).push_back(s.conn + "[" + std::to_string(s.unique_id) + "] " + s.from + " => " + s.to);
  EXPECT_THAT(ike, ElementsAre("net-net[1] CREATED => CONNECTING", "net-net[1] CONNECTING => ESTABLISHED",
                               "net-net[1] ESTABLISHED => DELETING", "net-net[1] DELETING => DESTROYING"));
  EXPECT_THAT(child, ElementsAre("net-net[1] CREATED => INSTALLING", "net-net[1] INSTALLING => INSTALLED",
                                 "net-net[1] INSTALLED => REKEYING", "net-net[2] CREATED => INSTALLING",
                                 "net-net[2] INSTALLING => INSTALLED", "net-net[1] REKEYING => REKEYED",
                                 "net-net[1] REKEYED => DELETING", "net-net[1] DELETING => DELETED",
                                 "net-net[2] INSTALLED => DESTROYING", "net-net[1] DELETED => DESTROYING"));
  // Scenario time: the IKE SA was established at 18:22:01.707.
  EXPECT_EQ(c.states[1].t, std::chrono::milliseconds(1707));

  // The IKE SA's keys, from the Sk_* dumps, with the selected proposal's algorithms.
  ASSERT_EQ(c.ike_keys.size(), 1u);
  const FoundIkeKeys& k = c.ike_keys[0];
  EXPECT_EQ(k.conn, "net-net");
  EXPECT_EQ(k.unique_id, 1u);
  EXPECT_EQ(k.keys.encr, v2::EncrId::AES_CBC);
  EXPECT_EQ(k.keys.encr_key_bits, 128);
  EXPECT_EQ(k.keys.integ, v2::IntegId::HMAC_SHA2_256_128);
  EXPECT_EQ(to_hex(k.keys.sk_ei), "4e5fa0660c9fdf8abd573f0df87e518c");
  EXPECT_EQ(to_hex(k.keys.sk_er), "c232287f6d6a3156844d745957ccb84e");
  EXPECT_EQ(to_hex(k.keys.sk_ai), "769e9457316b74f4264eb4005f1fc3922f153b28fdbc190fb00390a17cdd3012");
  EXPECT_EQ(k.keys.sk_ar.size(), 32u);

  // ESP keys of both Child SAs, both directions. moon initiated both exchanges, so its
  // outbound SAs use the initiator's keys (RFC 7296 §2.17).
  ASSERT_EQ(c.esp_keys.size(), 4u);
  EXPECT_EQ(c.esp_keys[0].spi, 0xc8d3efbcu);
  EXPECT_EQ(c.esp_keys[0].src.to_string(), "192.168.0.2");
  EXPECT_EQ(c.esp_keys[0].dst.to_string(), "192.168.0.1");
  EXPECT_EQ(c.esp_keys[0].encr, v2::EncrId::AES_GCM_16);
  EXPECT_EQ(to_hex(c.esp_keys[0].encr_key), "785249d0db383b4896a395e008e1f53e4ba8f77e");  // responder's
  EXPECT_EQ(c.esp_keys[1].spi, 0x92b0fd22u);
  EXPECT_EQ(to_hex(c.esp_keys[1].encr_key), "1b423c75165909e23c916bd18ca2c5197f9d657e");  // initiator's
  EXPECT_EQ(c.esp_keys[2].spi, 0xf1264177u);
  EXPECT_EQ(c.esp_keys[3].spi, 0x0701c919u);
  EXPECT_EQ(to_hex(c.esp_keys[3].encr_key), "d3415fcea29b3b2cefb167853391f1b64c11fae1");

  // The SA backend: SPI allocations, four SA adds (all fine), policies, then deletes.
  std::vector<std::string> sa_ops;
  for (const auto& e : c.events)
    if (e.op == SaOp::kAddSa || e.op == SaOp::kDeleteSa) sa_ops.push_back(e.text + (e.ok ? "" : " FAILED"));
  EXPECT_THAT(sa_ops, ElementsAre("add SA ESP 0xc8d3efbc 192.168.0.2 => 192.168.0.1 (in)",
                                  "add SA ESP 0x92b0fd22 192.168.0.1 => 192.168.0.2 (out)",
                                  "add SA ESP 0xf1264177 192.168.0.2 => 192.168.0.1 (in)",
                                  "add SA ESP 0x0701c919 192.168.0.1 => 192.168.0.2 (out)",
                                  "delete SA ESP 0x92b0fd22 192.168.0.2 (out)",
                                  "delete SA ESP 0xf1264177 192.168.0.1 (in)",
                                  "delete SA ESP 0x0701c919 192.168.0.2 (out)",
                                  "delete SA ESP 0xc8d3efbc 192.168.0.1 (in)"));
  for (const auto& e : c.events) {
    if (e.op != SaOp::kAddSa) continue;
    EXPECT_EQ(e.conn, "net-net");
    EXPECT_EQ(e.reqid, 1u);
  }
  size_t allocs = 0;
  for (const auto& e : c.events) allocs += e.op == SaOp::kAllocSpi && e.ok;
  EXPECT_EQ(allocs, 2u);
  // Everything was deleted again.
  auto snap = p.snapshot(Time{0});
  EXPECT_TRUE(snap.sas.empty());
  EXPECT_TRUE(snap.policies.empty());
}

TEST(CharonLogParser, BackendTableWhileInstalled) {
  Collected c;
  CharonLogParser p(Time{0}, sink(c));
  std::istringstream in(data("charon-libipsec-initiator.log"));
  // Up to the first Child SA's INSTALLED state.
  for (std::string line; std::getline(in, line);) {
    p.feed(line);
    if (line.find("CHILD_SA net-net{1} state change: INSTALLING => INSTALLED") != std::string::npos) break;
  }
  auto snap = p.snapshot(Time{0});
  ASSERT_EQ(snap.sas.size(), 2u);
  EXPECT_EQ(snap.policies.size(), 2u);
  EXPECT_EQ(snap.reqid_conn.at(1), "net-net");
  for (const auto& e : snap.sas) {
    EXPECT_EQ(e.spec.reqid, 1u);
    EXPECT_EQ(e.spec.inbound, e.spec.key.spi == 0xc8d3efbcu);
  }
  p.vanish();
  EXPECT_TRUE(p.snapshot(Time{0}).sas.empty());
}

TEST(CharonLogParser, NetlinkInstallFailure) {
  Collected c;
  CharonLogParser p(Time{0}, sink(c));
  feed_all(p, data("charon-netlink-install-failure.log"));
  std::vector<const run::BackendEvent*> adds;
  for (const auto& e : c.events)
    if (e.op == SaOp::kAddSa) adds.push_back(&e);
  ASSERT_EQ(adds.size(), 2u);
  for (const auto* e : adds) {
    EXPECT_FALSE(e->ok);
    EXPECT_EQ(e->err, 38);  // ENOSYS from this kernel's XFRM without ESP
    EXPECT_EQ(e->error, "Function not implemented");
    EXPECT_EQ(e->reqid, 1u);
  }
  EXPECT_EQ(adds[0]->direction, Direction::kIn);
  EXPECT_EQ(adds[1]->direction, Direction::kOut);
  // The policies charon then tries to remove were never there.
  size_t failed_policy_deletes = 0;
  for (const auto& e : c.events) failed_policy_deletes += e.op == SaOp::kDeletePolicy && !e.ok;
  EXPECT_EQ(failed_policy_deletes, 2u);
  EXPECT_TRUE(p.snapshot(Time{0}).sas.empty());
  // The IKE SA came up (its keys are reported), the Child SA never did.
  EXPECT_EQ(c.ike_keys.size(), 1u);
  bool installed = false;
  for (const auto& s : c.states) installed |= !s.ike && s.to == "INSTALLED";
  EXPECT_FALSE(installed);
}

// The header and offset lines of a dump, on one thread.
std::string dump_lines(int thread, const std::string& header, const std::vector<std::string>& rows) {
  std::string t = std::to_string(thread);
  std::string out = "2026-11-23 18:22:01.660 " + t + "[IKE4] <net-net|1> " + header + "\n";
  for (const auto& r : rows) out += "2026-11-23 18:22:01.660 " + t + "[IKE4] <net-net|1> " + r + "\n";
  return out;
}

std::string established(int thread) {
  return "2026-11-23 18:22:01.707 " + std::to_string(thread) +
         "[IKE2] <net-net|1> IKE_SA net-net[1] state change: CONNECTING => ESTABLISHED\n";
}

std::string full_ike_keys(int thread) {
  return dump_lines(thread, "Sk_ai secret => 4 bytes @ 0x1", {"   0: 01 02 03 04                                      ...."}) +
         dump_lines(thread, "Sk_ar secret => 4 bytes @ 0x1", {"   0: 05 06 07 08                                      ...."}) +
         dump_lines(thread, "Sk_ei secret => 4 bytes @ 0x1", {"   0: 09 0A 0B 0C                                      ...."}) +
         dump_lines(thread, "Sk_er secret => 4 bytes @ 0x1", {"   0: 0D 0E 0F 10                                      ...."});
}

TEST(CharonLogParser, CompleteDumpsMakeKeys) {
  Collected c;
  CharonLogParser p(Time{0}, sink(c));
  feed_all(p, full_ike_keys(10) + established(10));
  ASSERT_EQ(c.ike_keys.size(), 1u);
  EXPECT_EQ(to_hex(c.ike_keys[0].keys.sk_ei), "090a0b0c");
  EXPECT_EQ(to_hex(c.ike_keys[0].keys.sk_ar), "05060708");
}

TEST(CharonLogParser, TruncatedDumpIsNotAKey) {
  Collected c;
  CharonLogParser p(Time{0}, sink(c));
  // Sk_ei announces 20 bytes, its only row has 16, then the thread logs something else.
  std::string text =
      full_ike_keys(10) +
      dump_lines(10, "Sk_ei secret => 20 bytes @ 0x1",
                 {"   0: 4F 11 F2 71 73 55 25 66 54 B1 EE 76 F6 86 14 ED  O..qsU%fT..v...."}) +
      "2026-11-23 18:22:01.661 10[IKE1] <net-net|1> authentication of 'moon' (myself) with pre-shared key\n" +
      "2026-11-23 18:22:01.662 10[IKE4] <net-net|1>   16: 01 02 03 04                                      ....\n" +
      established(10);
  feed_all(p, text);
  ASSERT_EQ(c.ike_keys.size(), 1u);
  // The earlier complete Sk_ei stays; the cut one never replaced it.
  EXPECT_EQ(to_hex(c.ike_keys[0].keys.sk_ei), "090a0b0c");

  // Without any complete Sk_ei, no keys at all.
  Collected c2;
  CharonLogParser p2(Time{0}, sink(c2));
  std::string partial = dump_lines(10, "Sk_ai secret => 4 bytes @ 0x1", {"   0: 01 02 03 04  ...."}) +
                        dump_lines(10, "Sk_ar secret => 4 bytes @ 0x1", {"   0: 05 06 07 08  ...."}) +
                        dump_lines(10, "Sk_ei secret => 4 bytes @ 0x1", {"   0: 09 0A 0B  ..."}) +
                        dump_lines(10, "Sk_er secret => 4 bytes @ 0x1", {"   0: 0D 0E 0F 10  ...."}) +
                        established(10);
  feed_all(p2, partial);
  EXPECT_TRUE(c2.ike_keys.empty());
}

TEST(CharonLogParser, DumpRowsWithWrongOffsetOrBadHexAreRejected) {
  for (const char* row : {"  16: 09 0A 0B 0C  ....",   // offset 16 where 0 is due
                          "   0: 09 0A 0B 0G  ....",   // not hex
                          "   0: 090A0B0C",            // no separators
                          "   0 09 0A 0B 0C  ....",    // no colon
                          "   0: 09 0A 0B"}) {         // the line ends early
    Collected c;
    CharonLogParser p(Time{0}, sink(c));
    std::string text = dump_lines(10, "Sk_ai secret => 4 bytes @ 0x1", {"   0: 01 02 03 04  ...."}) +
                       dump_lines(10, "Sk_ar secret => 4 bytes @ 0x1", {"   0: 05 06 07 08  ...."}) +
                       dump_lines(10, "Sk_ei secret => 4 bytes @ 0x1", {row}) +
                       dump_lines(10, "Sk_er secret => 4 bytes @ 0x1", {"   0: 0D 0E 0F 10  ...."}) +
                       established(10);
    feed_all(p, text);
    EXPECT_TRUE(c.ike_keys.empty()) << row;
  }
}

TEST(CharonLogParser, DumpsOfOtherThreadsDoNotInterrupt) {
  Collected c;
  CharonLogParser p(Time{0}, sink(c));
  std::string text =
      full_ike_keys(10).substr(0) +
      "2026-11-23 18:22:01.660 07[ESP2] no matching outbound IPsec policy for fe80::1 == ff02::2 [58]\n" +
      established(10);
  feed_all(p, text);
  EXPECT_EQ(c.ike_keys.size(), 1u);
}

TEST(CharonLogParser, LifetimeExpiriesAreBackendEvents) {
  // kernel-libipsec's (or XFRM's) soft and hard expiries reach charon's kernel handler,
  // which logs the rekey and delete jobs it creates (seed 001).
  Collected c;
  CharonLogParser p(unix_at(18, 22, 0, 0), sink(c));
  feed_all(p,
           "2026-11-23 18:22:01.707 13[CHD2] <net-net|1> adding inbound ESP SA\n"
           "2026-11-23 18:22:01.707 13[CHD2] <net-net|1>   SPI 0xc8d3efbc, src 192.168.0.2 dst 192.168.0.1\n"
           "2026-11-23 18:22:01.708 13[CHD1] <net-net|1> CHILD_SA net-net{1} state change: INSTALLING => INSTALLED\n"
           "2026-11-23 18:22:06.707 05[KNL1] creating rekey job for CHILD_SA ESP/0xc8d3efbc/192.168.0.1\n"
           "2026-11-23 18:22:11.707 06[KNL1] creating delete job for CHILD_SA ESP/0xc8d3efbc/192.168.0.1\n"
           "2026-11-23 18:22:11.708 06[KNL1] creating rekey job for CHILD_SA ESP/0xzz/192.168.0.1\n"
           "2026-11-23 18:22:11.709 06[KNL1] creating rekey job for CHILD_SA ESP/0x01020304\n");
  std::vector<const run::BackendEvent*> expiries;
  for (const auto& e : c.events)
    if (e.op == SaOp::kExpireSoft || e.op == SaOp::kExpireHard) expiries.push_back(&e);
  ASSERT_EQ(expiries.size(), 2u);
  EXPECT_EQ(expiries[0]->op, SaOp::kExpireSoft);
  EXPECT_EQ(expiries[0]->spi, 0xc8d3efbcu);
  EXPECT_EQ(expiries[0]->dst.to_string(), "192.168.0.1");
  ASSERT_TRUE(expiries[0]->direction.has_value());
  EXPECT_EQ(*expiries[0]->direction, Direction::kIn);
  EXPECT_EQ(expiries[0]->protocol, harness::IpsecProtocol::kEsp);
  EXPECT_EQ(expiries[0]->t, std::chrono::milliseconds(6707));
  EXPECT_EQ(expiries[1]->op, SaOp::kExpireHard);
  EXPECT_EQ(expiries[1]->spi, 0xc8d3efbcu);
  EXPECT_EQ(expiries[1]->t, std::chrono::milliseconds(11707));
}

TEST(CharonLogParser, GarbledLinesAreSkipped) {
  Collected c;
  CharonLogParser p(Time{0}, sink(c));
  feed_all(p,
           "2026-11-23 18:22:01.707 13[IKE2] <net-net|1> IKE_SA net-net[1] state change: CONNECTING => ESTABLISHED\n"
           "2026-11-23 18:22:01.70\n"
           "\x01\x02 binary\n"
           "2026-11-23 18:22:01.708 13[IKE2] <net-net|1> IKE_SA net-net[x] state change: A => B\n"
           "2026-11-23 18:22:01.708 13[IKE2] <net-net|1> IKE_SA net-net[2] state change: CONNECTING\n"
           "2026-11-23 18:22:01.708 13[IKE2] <net-net|1> IKE_SA net-net[2] state change: lower => case\n"
           "2026-11-23 18:22:01.709 13[CHD2] <net-net|1> CHILD_SA net-net{4} state change: CREATED => INSTALLING\n");
  ASSERT_EQ(c.states.size(), 2u);
  EXPECT_TRUE(c.states[0].ike);
  EXPECT_FALSE(c.states[1].ike);
  EXPECT_EQ(c.states[1].unique_id, 4u);
  EXPECT_EQ(c.lines.size(), 5u);  // the four well-formed lines, whatever their text, and the last
}

}  // namespace
}  // namespace ikesuite::peers
