#include "harness/scenario/values.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace ikesuite::harness {
namespace {

TEST(Durations, IpsecConfUnits) {
  EXPECT_EQ(*parse_duration("10s"), seconds(10));
  EXPECT_EQ(*parse_duration("5m"), seconds(300));
  EXPECT_EQ(*parse_duration("1h"), seconds(3600));
  EXPECT_EQ(*parse_duration("2d"), seconds(172800));
  EXPECT_EQ(*parse_duration("30"), seconds(30));
  EXPECT_EQ(*parse_duration("1.5h"), seconds(5400));
  EXPECT_EQ(*parse_duration("500ms"), seconds(0.5));
  EXPECT_EQ(*parse_duration("0.1"), seconds(0.1));
  EXPECT_EQ(*parse_duration(" 4s "), seconds(4));
  EXPECT_EQ(*parse_duration("0"), Duration{0});
}

TEST(Durations, Rejected) {
  for (const char* bad : {"", "s", "10 sec", "10x", "-1s", "1.s", ".5", "1,5s", "10ss", "ms", "1e3"}) {
    auto d = parse_duration(bad);
    EXPECT_FALSE(d.ok()) << bad;
  }
  EXPECT_EQ(parse_duration("10 sec").error().reason(),
            "not a duration: '10 sec' (use seconds, or a number with ms, s, m, h or d)");
  EXPECT_FALSE(parse_duration("99999d").ok());  // beyond 10 years
  EXPECT_FALSE(duration_from_seconds(-1).ok());
  EXPECT_EQ(*duration_from_seconds(2.5), seconds(2.5));
}

TEST(Durations, Described) {
  EXPECT_EQ(describe_duration(seconds(5)), "5s");
  EXPECT_EQ(describe_duration(seconds(4.9)), "4.9s");
  EXPECT_EQ(describe_duration(seconds(0.25)), "0.25s");
  EXPECT_EQ(describe_duration(Duration{0}), "0s");
}

TEST(Percentages, RekeyfuzzAndProbabilities) {
  EXPECT_DOUBLE_EQ(*parse_percent("0%"), 0.0);
  EXPECT_DOUBLE_EQ(*parse_percent("100%"), 1.0);
  EXPECT_DOUBLE_EQ(*parse_percent("250%"), 2.5);
  EXPECT_FALSE(parse_percent("50").ok());
  EXPECT_FALSE(parse_percent("%").ok());
  EXPECT_DOUBLE_EQ(*parse_probability("30%"), 0.3);
  EXPECT_DOUBLE_EQ(*parse_probability("0.5%"), 0.005);
  EXPECT_FALSE(parse_probability("101%").ok());
}

TEST(YesNo, Values) {
  EXPECT_TRUE(*parse_yes_no("yes"));
  EXPECT_FALSE(*parse_yes_no("no"));
  EXPECT_TRUE(*parse_yes_no("true"));
  EXPECT_FALSE(parse_yes_no("maybe").ok());
}

TEST(TrafficSelectors, SubnetsProtocolsPorts) {
  auto ts = parse_traffic_selector("10.1.0.0/16");
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->subnet.to_string(), "10.1.0.0/16");
  EXPECT_EQ(ts->protocol, 0);
  EXPECT_EQ(ts->port_from, 0);
  EXPECT_EQ(ts->port_to, 0xffff);

  ts = parse_traffic_selector("192.168.0.1[udp/500]");
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->subnet.prefix, 32u);
  EXPECT_EQ(ts->protocol, 17);
  EXPECT_EQ(ts->port_from, 500);
  EXPECT_EQ(ts->port_to, 500);

  ts = parse_traffic_selector("fec1::/16[tcp/1000-2000]");
  ASSERT_TRUE(ts.ok());
  EXPECT_TRUE(ts->subnet.addr.is_v6());
  EXPECT_EQ(ts->protocol, 6);
  EXPECT_EQ(ts->port_from, 1000);
  EXPECT_EQ(ts->port_to, 2000);

  ts = parse_traffic_selector("10.0.0.0/8[icmp]");
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->protocol, 1);

  // The host bits are cleared, as strongSwan does.
  EXPECT_EQ(parse_traffic_selector("10.1.2.3/16")->subnet.to_string(), "10.1.0.0/16");

  auto list = parse_traffic_selectors("10.1.0.0/16, 10.3.0.0/16");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);

  for (const char* bad : {"10.1.0.0/33", "10.1.0.0/16[tcp", "10.1.0.0/16[foo/1]", "10.1.0.0/16[tcp/99999]",
                          "10.1.0.0/16[tcp/2000-1000]", "moon", "10.1.0.0/16[gre/5]", ""}) {
    EXPECT_FALSE(parse_traffic_selector(bad).ok()) << bad;
  }
  EXPECT_FALSE(parse_traffic_selectors("10.1.0.0/16,,10.2.0.0/16").ok());
  EXPECT_FALSE(parse_traffic_selectors("10.1.0.0/16,").ok());
}

TEST(ProtoPort, LeftProtoport) {
  auto pp = parse_protoport("tcp/80");
  ASSERT_TRUE(pp.ok());
  EXPECT_EQ(pp->protocol, 6);
  EXPECT_EQ(pp->port_from, 80);
  pp = parse_protoport("17/%any");
  ASSERT_TRUE(pp.ok());
  EXPECT_EQ(pp->protocol, 17);
  EXPECT_EQ(pp->port_to, 0xffff);
  EXPECT_EQ(*parse_ip_protocol("%any"), 0);
  EXPECT_EQ(*parse_ip_protocol("icmpv6"), 58);
  EXPECT_EQ(*parse_ip_protocol("132"), 132);
  EXPECT_FALSE(parse_ip_protocol("256").ok());
  EXPECT_FALSE(parse_ip_protocol("tpc").ok());
}

TEST(Secrets, PskForms) {
  EXPECT_EQ(*parse_psk("0x0102ff"), (Bytes{1, 2, 0xff}));
  EXPECT_EQ(*parse_psk("0sAQL/"), (Bytes{1, 2, 0xff}));
  EXPECT_EQ(*parse_psk("0sAQ=="), (Bytes{1}));
  EXPECT_EQ(*parse_psk("0sAQI="), (Bytes{1, 2}));
  EXPECT_EQ(*parse_psk("secret"), (Bytes{'s', 'e', 'c', 'r', 'e', 't'}));
  for (const char* bad : {"0x", "0x123", "0xzz", "0s", "0sAQ", "0sA===", "0s====", "0sAQ=A", ""}) {
    EXPECT_FALSE(parse_psk(bad).ok()) << bad;
  }
  EXPECT_EQ(*parse_hex("deadBEEF"), (Bytes{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_TRUE(parse_hex("").ok());
}

TEST(Errno, NamesAndNumbers) {
  EXPECT_EQ(*parse_errno("EPROTONOSUPPORT"), EPROTONOSUPPORT);
  EXPECT_EQ(*parse_errno("enomem"), ENOMEM);
  EXPECT_EQ(*parse_errno("93"), 93);
  EXPECT_EQ(errno_name(EPROTONOSUPPORT), "EPROTONOSUPPORT");
  EXPECT_EQ(errno_name(4000), "4000");
  auto bad = parse_errno("EPROTONOSUPORT");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().reason().find("did you mean 'EPROTONOSUPPORT'?"), std::string::npos);
  EXPECT_FALSE(parse_errno("0").ok());
  EXPECT_FALSE(parse_errno("4096").ok());
}

TEST(DhGroups, RegistryAndStrongswanNames) {
  EXPECT_EQ(*parse_dh_group("modp2048"), 14);
  EXPECT_EQ(*parse_dh_group("MODP_2048"), 14);
  EXPECT_EQ(*parse_dh_group("ecp256"), 19);
  EXPECT_EQ(*parse_dh_group("x25519"), 31);
  EXPECT_EQ(*parse_dh_group("curve25519"), 31);
  EXPECT_EQ(*parse_dh_group("14"), 14);
  auto bad = parse_dh_group("modp2049");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().reason().find("did you mean 'modp2048'?"), std::string::npos);
}

TEST(Exchanges, BothVersionsByName) {
  auto e = parse_exchange("CREATE_CHILD_SA");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->version, 2);
  EXPECT_EQ(e->value, 36);
  e = parse_exchange("QUICK_MODE");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->version, 1);
  EXPECT_EQ(e->value, 32);
  e = parse_exchange("INFORMATIONAL_V1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->version, 1);
  EXPECT_EQ(e->value, 5);
  e = parse_exchange("informational");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->version, 2);
  EXPECT_FALSE(parse_exchange("37"));  // the names are the contract
  EXPECT_FALSE(parse_exchange("NONE"));
  EXPECT_FALSE(parse_exchange("MAIN_MODE"));
  EXPECT_EQ(exchange_name(2, 35), "IKE_AUTH");
  EXPECT_EQ(exchange_name(1, 2), "ID_PROT");
}

TEST(Notifies, RfcNamesCharonNamesNumbers) {
  EXPECT_EQ(*parse_notify("NO_PROPOSAL_CHOSEN", 2), 14);
  EXPECT_EQ(*parse_notify("NO_PROP", 2), 14);
  EXPECT_EQ(*parse_notify("AUTH_FAILED", 2), 24);
  EXPECT_EQ(*parse_notify("NATD_S_IP", 2), 16388);
  EXPECT_EQ(*parse_notify("INVAL_KE", 2), 17);
  EXPECT_EQ(*parse_notify("ts-unacceptable", 2), 38);
  EXPECT_EQ(*parse_notify("40000", 2), 40000);
  EXPECT_EQ(*parse_notify("DPD", 1), 36136);
  EXPECT_EQ(*parse_notify("R_U_THERE_ACK", 1), 36137);
  EXPECT_EQ(*parse_notify("NO_PROP", 1), 14);
  EXPECT_EQ(*parse_notify("INVALID_ID_INFORMATION", 1), 18);
  EXPECT_FALSE(parse_notify("REKEY_SA", 1).ok());  // IKEv2 only
  auto bad = parse_notify("NO_PROPOSAL_CHOSN", 2);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason(), "unknown IKEv2 notify 'NO_PROPOSAL_CHOSN' (did you mean 'NO_PROPOSAL_CHOSEN'?)");
  EXPECT_EQ(notify_name(14, 2), "NO_PROPOSAL_CHOSEN");
  EXPECT_EQ(notify_short_name(14, 2), "NO_PROP");
  EXPECT_EQ(notify_short_name(36136, 1), "DPD");
  EXPECT_EQ(notify_name(40000, 2), "NOTIFY(40000)");
}

TEST(PayloadLabels, CharonLabels) {
  auto l = parse_payload_label("N(REKEY_SA)", 2);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->type, 41);
  EXPECT_EQ(l->notify, 16393);
  EXPECT_EQ(l->text, "N(REKEY_SA)");

  l = parse_payload_label("N(NO_PROP)", 2);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->text, "N(NO_PROPOSAL_CHOSEN)");

  l = parse_payload_label("N", 2);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->type, 41);
  EXPECT_FALSE(l->notify);

  EXPECT_EQ(parse_payload_label("No", 2)->type, 40);
  EXPECT_EQ(parse_payload_label("Nonce", 2)->text, "No");
  EXPECT_EQ(parse_payload_label("Delete", 2)->text, "D");
  EXPECT_EQ(parse_payload_label("TSi", 2)->type, 44);
  EXPECT_EQ(parse_payload_label("EF(1/3)", 2)->type, 53);
  EXPECT_EQ(parse_payload_label("E", 2)->type, 46);
  auto cp = parse_payload_label("CPRQ(ADDR DNS)", 2);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->type, 47);
  EXPECT_EQ(cp->cp_type, 1);
  EXPECT_EQ(parse_payload_label("EAP/REQ/ID", 2)->type, 48);
  EXPECT_EQ(parse_payload_label("200", 2)->text, "PAYLOAD(200)");

  EXPECT_EQ(parse_payload_label("HASH", 1)->type, 8);
  EXPECT_EQ(parse_payload_label("NAT-D", 1)->type, 20);
  EXPECT_EQ(parse_payload_label("N(DPD)", 1)->notify, 36136);
  EXPECT_EQ(parse_payload_label("ID", 1)->type, 5);

  auto bad = parse_payload_label("TSx", 2);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason(), "unknown IKEv2 payload label 'TSx' (did you mean 'TSi'?)");
  EXPECT_FALSE(parse_payload_label("HASH", 2).ok());
  EXPECT_FALSE(parse_payload_label("TSi", 1).ok());
  EXPECT_FALSE(parse_payload_label("N(BOGUS)", 2).ok());
  EXPECT_FALSE(parse_payload_label("0", 2).ok());
  EXPECT_FALSE(parse_payload_label("", 2).ok());
}

TEST(Summaries, CharonMessageLines) {
  auto s = parse_message_summary("CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No TSi TSr ]");
  ASSERT_TRUE(s.ok()) << s.error().reason();
  EXPECT_EQ(s->exchange.value, 36);
  EXPECT_EQ(s->kind, MessageKind::kRequest);
  EXPECT_EQ(s->message_id, 2u);
  ASSERT_EQ(s->payloads.size(), 5u);
  EXPECT_EQ(s->payloads[0].text, "N(REKEY_SA)");
  EXPECT_EQ(s->payloads[4].text, "TSr");

  s = parse_message_summary("INFORMATIONAL response 3 [ ]");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->payloads.empty());

  s = parse_message_summary("IKE_AUTH response 1 [ IDr AUTH N(MOBIKE_SUP) N(NO_ADD_ADDR) N(NO_PROP) ]");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->payloads.size(), 5u);

  s = parse_message_summary("QUICK_MODE request 2716713456 [ HASH SA No ID ID ]");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->exchange.version, 1);

  for (const char* bad : {"CREATE_CHILD_SA request 2", "CREATE_CHILD_SA 2 [ SA ]", "CREATE_CHILD_SA ask 2 [ SA ]",
                          "FOO request 2 [ SA ]", "IKE_AUTH request x [ SA ]", "IKE_AUTH request 1 [ HASH ]",
                          "IKE_AUTH request 1 [ SA"}) {
    EXPECT_FALSE(parse_message_summary(bad).ok()) << bad;
  }
  auto labels = split_labels(" N(X)  CPRQ(ADDR DNS) SA ");
  ASSERT_EQ(labels.size(), 3u);
  EXPECT_EQ(labels[1], "CPRQ(ADDR DNS)");
}

TEST(States, Names) {
  EXPECT_TRUE(is_ike_state("ESTABLISHED"));
  EXPECT_FALSE(is_ike_state("INSTALLED"));
  EXPECT_TRUE(is_child_state("INSTALLED"));
  EXPECT_FALSE(is_child_state("ESTABLISHED"));
  auto t = parse_transition("CREATED=>DESTROYING");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->first, "CREATED");
  EXPECT_EQ(t->second, "DESTROYING");
  EXPECT_FALSE(parse_transition("CREATED -> DESTROYING").ok());
  EXPECT_FALSE(parse_transition(" => DESTROYING").ok());
}

TEST(Suggestions, PlausibleTyposOnly) {
  std::vector<std::string> keys{"leftsubnet", "rightsubnet", "lifetime", "ike"};
  EXPECT_EQ(closest_match("lefsubnet", keys), "leftsubnet");
  EXPECT_EQ(closest_match("lifetme", keys), "lifetime");
  EXPECT_FALSE(closest_match("xyz", keys));
  EXPECT_FALSE(closest_match("esp", keys));  // one letter from nothing useful
  EXPECT_EQ(did_you_mean("lefsubnet", keys), " (did you mean 'leftsubnet'?)");
  EXPECT_EQ(did_you_mean("zzz", keys), "");
}

}  // namespace
}  // namespace ikesuite::harness
