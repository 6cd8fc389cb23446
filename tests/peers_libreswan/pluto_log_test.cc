// pluto's log lines (as Libreswan 4.10 writes them) read back as log lines, charon-style
// state changes and failed SA installs.
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "harness/peers/libreswan/pluto_log.h"

namespace ikesuite::peers {
namespace {

using harness::run::StateChange;

std::vector<std::string> transitions(const std::vector<StateChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes)
    out.push_back(std::string(c.ike ? "IKE " : "CHILD ") + c.conn + "#" + std::to_string(c.unique_id) +
                  " " + c.from + " => " + c.to);
  return out;
}

std::vector<std::string> feed_all(PlutoStateTracker& tr, const std::vector<std::string>& lines,
                                  std::vector<harness::run::BackendEvent>* backend = nullptr) {
  std::vector<StateChange> all;
  Time t{0};
  for (const auto& l : lines) {
    auto out = tr.feed(t, l);
    t += std::chrono::milliseconds(1);
    all.insert(all.end(), out.changes.begin(), out.changes.end());
    if (backend) backend->insert(backend->end(), out.backend.begin(), out.backend.end());
  }
  return transitions(all);
}

TEST(PlutoLog, SplitsTimestamp) {
  auto l = split_pluto_line("Nov 23 18:22:36.455017: \"net-net\" #3: initiator established IKE SA", 2026);
  ASSERT_TRUE(l.unix_time.has_value());
  EXPECT_EQ(l.text, "\"net-net\" #3: initiator established IKE SA");
  std::tm tm{};
  tm.tm_year = 126;
  tm.tm_mon = 10;
  tm.tm_mday = 23;
  tm.tm_hour = 18;
  tm.tm_min = 22;
  tm.tm_sec = 36;
  tm.tm_isdst = -1;
  Time expected = std::chrono::seconds(std::mktime(&tm)) + std::chrono::microseconds(455017);
  EXPECT_EQ(*l.unix_time, expected);
  // A single-digit day is space-padded.
  EXPECT_TRUE(split_pluto_line("Jan  2 00:00:01.000001: x", 2026).unix_time.has_value());
}

TEST(PlutoLog, LinesWithoutTimestamp) {
  for (const char* raw : {"/usr/libexec/ipsec/pluto:  adjusting nssdir to /tmp/x", "| omit-v2-ike-auth-child:yes",
                          "", "Nov 23 18:22:36: short", "Xyz 23 18:22:36.455017: bad month",
                          "Nov 23 18:2x:36.455017: bad minute", "Nov 23 18:22:36.455017 missing colon"}) {
    auto l = split_pluto_line(raw, 2026);
    EXPECT_FALSE(l.unix_time.has_value()) << raw;
    EXPECT_EQ(l.text, raw);
  }
}

TEST(PlutoLog, StateLines) {
  auto s = parse_state_line("\"net-net\" #12: sent IKE_SA_INIT reply {cipher=AES}");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->conn, "net-net");
  EXPECT_EQ(s->serial, 12u);
  EXPECT_EQ(s->body, "sent IKE_SA_INIT reply {cipher=AES}");
  auto inst = parse_state_line("\"rw\"[3] 192.168.0.7 #4: responder established IKE SA");
  ASSERT_TRUE(inst.has_value());
  EXPECT_EQ(inst->conn, "rw");
  EXPECT_EQ(inst->serial, 4u);
  auto err = parse_state_line("ERROR: \"net-net\" #2: netlink response for Add SA x");
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->serial, 2u);
  for (const char* bad : {"loading secrets from \"/tmp/x\"", "\"net-net\": added IKEv2 connection",
                          "\"net-net\" #: x", "\"net-net\" #0: x", "\"net-net\" #99999999999: x",
                          "\"unterminated #1: x", "\"net-net\" #1x: y", "#1: \"net-net\":500 STATE_X"})
    EXPECT_FALSE(parse_state_line(bad).has_value()) << bad;
}

TEST(PlutoLog, StateNames) {
  EXPECT_EQ(pluto_state_name("STATE_V2_ESTABLISHED_IKE_SA")->name, "ESTABLISHED");
  EXPECT_TRUE(pluto_state_name("STATE_V2_ESTABLISHED_IKE_SA")->ike);
  EXPECT_EQ(pluto_state_name("STATE_V2_ESTABLISHED_CHILD_SA")->name, "INSTALLED");
  EXPECT_FALSE(pluto_state_name("STATE_V2_ESTABLISHED_CHILD_SA")->ike);
  EXPECT_EQ(pluto_state_name("STATE_V2_PARENT_I1")->name, "CONNECTING");
  EXPECT_EQ(pluto_state_name("STATE_MAIN_I4")->name, "ESTABLISHED");
  EXPECT_EQ(pluto_state_name("STATE_MAIN_R1")->name, "CONNECTING");
  EXPECT_EQ(pluto_state_name("STATE_QUICK_I2")->name, "INSTALLED");
  EXPECT_FALSE(pluto_state_name("STATE_QUICK_I1")->ike);
  EXPECT_FALSE(pluto_state_name("ESTABLISHED").has_value());
  EXPECT_FALSE(pluto_state_name("").has_value());
}

// Recorded from pluto 4.10 as IKEv2 responder to a childless initiator, then rekeying and
// terminating.
TEST(PlutoLog, Ikev2ResponderRekeyTerminate) {
  PlutoStateTracker tr;
  auto got = feed_all(tr, {
      "\"net-net\" #1: proposal 3:IKE=AES_GCM_C_256-HMAC_SHA2_512-MODP2048 chosen from remote proposals",
      "\"net-net\" #1: sent IKE_SA_INIT reply {cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 group=MODP2048}",
      "\"net-net\" #1: processing decrypted IKE_AUTH request: SK{IDi,N(INITIAL_CONTACT),IDr,AUTH}",
      "\"net-net\" #1: responder established IKE SA; authenticated peer using authby=secret and ID_FQDN '@moon'",
      "\"net-net\" #2: initiating rekey to replace IKE SA #1",
      "\"net-net\" #2: sent CREATE_CHILD_SA request to rekey IKE SA",
      "\"net-net\" #2: initiator rekeyed IKE SA #1 {cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 group=MODP2048}",
      "\"net-net\" #1: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged 11.557252s and sending notification",
      "packet from 192.168.0.1:500: INFORMATIONAL response has no corresponding IKE SA; message dropped",
      "\"net-net\": terminating SAs using this connection",
      "\"net-net\" #2: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged 1.104026s and NOT sending notification",
  });
  std::vector<std::string> want{
      "IKE net-net#1 CREATED => CONNECTING",
      "IKE net-net#1 CONNECTING => ESTABLISHED",
      "IKE net-net#1 ESTABLISHED => REKEYING",
      "IKE net-net#2 CREATED => CONNECTING",
      "IKE net-net#2 CONNECTING => ESTABLISHED",
      "IKE net-net#1 REKEYING => REKEYED",
      "IKE net-net#1 REKEYED => DELETING",
      "IKE net-net#1 DELETING => DESTROYING",
      "IKE net-net#2 ESTABLISHED => DESTROYING",
  };
  EXPECT_EQ(got, want);
  EXPECT_TRUE(tr.sas().empty());
}

// Recorded from pluto 4.10 as IKEv2 initiator on a kernel without ESP: the Child SA's
// install fails and pluto drops the IKE SA without a Delete.
TEST(PlutoLog, Ikev2InitiatorChildInstallFails) {
  PlutoStateTracker tr;
  std::vector<harness::run::BackendEvent> backend;
  auto got = feed_all(tr, {
      "\"net-net\" #1: initiating IKEv2 connection",
      "\"net-net\" #1: sent IKE_SA_INIT request to 192.168.0.1:500",
      "\"net-net\" #1: sent IKE_AUTH request {cipher=AES_CBC_128 integ=HMAC_SHA2_256_128 prf=HMAC_SHA2_256 group=MODP2048}",
      "\"net-net\" #1: initiator established IKE SA; authenticated peer using authby=secret and ID_FQDN '@moon'",
      "ERROR: \"net-net\" #2: netlink response for Add SA esp.162a5e7c@192.168.0.1: Protocol not supported (errno 93)",
      "\"net-net\" #2: setup_half_ipsec_sa() hit fail:",
      "\"net-net\" #2: CHILD SA encountered fatal error: INVALID_SYNTAX",
      "\"net-net\" #1: encountered fatal error in state STATE_V2_ESTABLISHED_IKE_SA",
      "ERROR: \"net-net\" #2: netlink response for Del SA esp.162a5e7c@192.168.0.1: No such process (errno 3)",
      "\"net-net\" #1: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged 0.096387s and NOT sending notification",
  }, &backend);
  std::vector<std::string> want{
      "IKE net-net#1 CREATED => CONNECTING",
      "IKE net-net#1 CONNECTING => ESTABLISHED",
      "CHILD net-net#2 CREATED => INSTALLING",
      "CHILD net-net#2 INSTALLING => DESTROYING",
      "IKE net-net#1 ESTABLISHED => DESTROYING",
  };
  EXPECT_EQ(got, want);
  ASSERT_EQ(backend.size(), 1u);
  EXPECT_EQ(backend[0].op, harness::SaOp::kAddSa);
  EXPECT_FALSE(backend[0].ok);
  EXPECT_EQ(backend[0].err, 93);
  EXPECT_EQ(backend[0].spi, 0x162a5e7cu);
  EXPECT_EQ(backend[0].dst.to_string(), "192.168.0.1");
  EXPECT_EQ(backend[0].error, "Protocol not supported");
  EXPECT_EQ(backend[0].conn, "net-net");
}

TEST(PlutoLog, ChildSaEstablishedAndFailedCreateChild) {
  PlutoStateTracker tr;
  auto got = feed_all(tr, {
      "\"net-net\" #1: initiating IKEv2 connection",
      "\"net-net\" #1: initiator established IKE SA; authenticated peer",
      "\"net-net\" #2: initiator established Child SA using #1; IPsec tunnel [10.2.0.0-10.2.255.255:0-65535 0] -> [10.1.0.0-10.1.255.255:0-65535 0]",
      "\"net-net\" #3: initiating Child SA using IKE SA #1",
      "\"net-net\" #3: sent CREATE_CHILD_SA request for new IPsec SA",
      "\"net-net\" #3: CREATE_CHILD_SA failed with error notification NO_PROPOSAL_CHOSEN",
      "\"net-net\" #3: state transition 'initiate create Child SA (CREATE_CHILD_SA)' failed",
      "\"net-net\" #2: deleting state (STATE_V2_ESTABLISHED_CHILD_SA) aged 3.0s and sending notification",
  });
  std::vector<std::string> want{
      "IKE net-net#1 CREATED => CONNECTING",
      "IKE net-net#1 CONNECTING => ESTABLISHED",
      "CHILD net-net#2 CREATED => INSTALLING",
      "CHILD net-net#2 INSTALLING => INSTALLED",
      "CHILD net-net#3 CREATED => DESTROYING",
      "CHILD net-net#2 INSTALLED => DELETING",
      "CHILD net-net#2 DELETING => DELETED",
      "CHILD net-net#2 DELETED => DESTROYING",
  };
  EXPECT_EQ(got, want);
  ASSERT_EQ(tr.sas().size(), 1u);
  EXPECT_EQ(tr.sas().at(1).state, "ESTABLISHED");
}

TEST(PlutoLog, Ikev1MainAndQuickMode) {
  PlutoStateTracker tr;
  auto got = feed_all(tr, {
      "\"v1\" #1: initiating IKEv1 Main Mode connection",
      "\"v1\" #1: ISAKMP SA established {auth=PRESHARED_KEY cipher=AES_CBC_256 integ=HMAC_SHA2_256 group=MODP2048}",
      "\"v1\" #2: initiating Quick Mode IKEv1+PSK+ENCRYPT+TUNNEL+PFS+UP using isakmp#1",
      "\"v1\" #2: IPsec SA established tunnel mode {ESP=>0x1234 <0x5678 xfrm=AES_CBC_128-HMAC_SHA2_256_128}",
  });
  std::vector<std::string> want{
      "IKE v1#1 CREATED => CONNECTING",
      "IKE v1#1 CONNECTING => ESTABLISHED",
      "CHILD v1#2 CREATED => INSTALLING",
      "CHILD v1#2 INSTALLING => INSTALLED",
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(tr.sas().at(2).parent, 1u);
}

TEST(PlutoLog, UnknownSerialDeletedTakesStateFromName) {
  PlutoStateTracker tr;
  auto got = feed_all(tr, {"\"c\" #7: deleting state (STATE_V2_ESTABLISHED_CHILD_SA) aged 1s and NOT sending notification",
                           "\"c\" #8: deleting state (STATE_V2_PARENT_I1) aged 1s and NOT sending notification",
                           "\"c\" #9: some line pluto prints that changes nothing"});
  std::vector<std::string> want{"CHILD c#7 INSTALLED => DESTROYING", "IKE c#8 CONNECTING => DESTROYING"};
  EXPECT_EQ(got, want);
}

TEST(PlutoLog, ShowStates) {
  auto sas = parse_showstates(
      "000 #1: \"net-net\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); REKEY in 28523s; newest; idle;\n"
      "000 #2: \"net-net\":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child SA); REKEY in 28000s; IKE SA #1; idle;\n"
      "000 #3: \"other\":500 STATE_V2_PARENT_I1 (sent IKE_SA_INIT request); RETRANSMIT in 1s;\n"
      "000 #4: \"v1\":500 STATE_QUICK_I2 (IPsec SA established); isakmp#9;\n"
      "000 garbage line\n"
      "000 #5: \"x\":500 STATE_NOT_A_STATE_PLUTO_HAS (x);\n");
  ASSERT_EQ(sas.size(), 3u);
  EXPECT_EQ(sas[0].conn, "net-net");
  EXPECT_EQ(sas[0].state, "ESTABLISHED");
  ASSERT_EQ(sas[0].children.size(), 1u);
  EXPECT_EQ(sas[0].children[0].state, "INSTALLED");
  EXPECT_EQ(sas[0].children[0].unique_id, 2u);
  EXPECT_EQ(sas[1].state, "CONNECTING");
  EXPECT_EQ(sas[2].state, "none");  // the IKEv1 Child SA's ISAKMP SA is gone
  ASSERT_EQ(sas[2].children.size(), 1u);
  EXPECT_TRUE(parse_showstates("").empty());
}

TEST(PlutoLog, Groups) {
  EXPECT_EQ(pluto_line_group("ERROR: \"c\" #2: netlink response for Add SA x"), LogGroup::kKnl);
  EXPECT_EQ(pluto_line_group("adding UDP interface lsdx-vb 192.168.0.2:500"), LogGroup::kNet);
  EXPECT_EQ(pluto_line_group("loading secrets from \"/x\""), LogGroup::kCfg);
  EXPECT_EQ(pluto_line_group("\"c\" #1: responder established IKE SA"), LogGroup::kIke);
  EXPECT_EQ(pluto_line_group("Starting Pluto"), LogGroup::kDmn);
}

}  // namespace
}  // namespace ikesuite::peers
