// The JSON form of host events and snapshots: every structure survives the trip through a
// line of text unchanged, and damaged lines are errors that say what is wrong.
#include <gtest/gtest.h>

#include "harness/refd/events_json.h"

namespace ikesuite::refd {
namespace {

using nlohmann::json;
using namespace harness::run;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
Subnet net(const char* text) { return *Subnet::parse(text); }

// Through text, as the socket carries it.
Event trip(const json& event) {
  auto e = parse_event_line(event.dump());
  EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message()) << " for " << event.dump();
  return e.ok() ? *e : Event{};
}

TEST(EventsJson, LogLineRoundTrip) {
  LogLine line{from_us(1795000000123456), LogGroup::kChd, 2, "CHILD_SA net-net{1} established \"quoted\"\n"};
  json j = log_event(line);
  j["seq"] = 17;
  Event e = trip(j);
  EXPECT_EQ(e.kind, EventKind::kLog);
  EXPECT_EQ(e.seq, 17u);
  EXPECT_EQ(e.log.t, line.t);
  EXPECT_EQ(e.log.group, LogGroup::kChd);
  EXPECT_EQ(e.log.level, 2);
  EXPECT_EQ(e.log.text, line.text);
  EXPECT_EQ(j["group"], "CHD");
  EXPECT_EQ(j["t_us"], 1795000000123456);
}

TEST(EventsJson, StateChangeRoundTrip) {
  StateChange c;
  c.t = from_us(42);
  c.host = "moon";
  c.generation = 3;
  c.ike = false;
  c.conn = "net-net";
  c.unique_id = 7;
  c.from = "INSTALLING";
  c.to = "INSTALLED";
  Event e = trip(state_event(c));
  EXPECT_EQ(e.kind, EventKind::kState);
  EXPECT_EQ(e.state.t, c.t);
  EXPECT_EQ(e.state.host, "moon");
  EXPECT_EQ(e.state.generation, 3u);
  EXPECT_FALSE(e.state.ike);
  EXPECT_EQ(e.state.conn, "net-net");
  EXPECT_EQ(e.state.unique_id, 7u);
  EXPECT_EQ(e.state.from, "INSTALLING");
  EXPECT_EQ(e.state.to, "INSTALLED");
}

TEST(EventsJson, BackendEventRoundTripWithAndWithoutOptionalFields) {
  BackendEvent b;
  b.t = from_us(99);
  b.op = harness::SaOp::kAddSa;
  b.direction = harness::Direction::kIn;
  b.protocol = harness::IpsecProtocol::kAh;
  b.spi = 0xc1a5f00d;
  b.dst = ip("2001:db8::1");
  b.ok = false;
  b.err = 22;
  b.error = "Invalid argument";
  b.conn = "net-net";
  b.reqid = 1001;
  b.injected = true;
  b.text = "add SA AH 0xc1a5f00d";
  Event e = trip(backend_event(b));
  ASSERT_EQ(e.kind, EventKind::kBackend);
  const BackendEvent& r = e.backend;
  EXPECT_EQ(r.t, b.t);
  EXPECT_EQ(r.op, b.op);
  EXPECT_EQ(r.direction, b.direction);
  EXPECT_EQ(r.protocol, b.protocol);
  EXPECT_EQ(r.spi, b.spi);
  EXPECT_EQ(r.dst, b.dst);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.err, 22);
  EXPECT_EQ(r.error, b.error);
  EXPECT_EQ(r.conn, b.conn);
  EXPECT_EQ(r.reqid, 1001u);
  EXPECT_TRUE(r.injected);
  EXPECT_EQ(r.text, b.text);

  BackendEvent policy;
  policy.op = harness::SaOp::kExpireHard;
  Event p = trip(backend_event(policy));
  EXPECT_FALSE(p.backend.direction.has_value());
  EXPECT_FALSE(p.backend.protocol.has_value());
  EXPECT_TRUE(p.backend.dst.empty());
  EXPECT_EQ(p.backend.op, harness::SaOp::kExpireHard);
}

TEST(EventsJson, KeyEventsRoundTrip) {
  IkeKeys k;
  k.spi_i = 0xfedcba9876543210ull;  // beyond 2^63: JSON numbers must keep it exactly
  k.spi_r = 1;
  k.encr = v2::EncrId::AES_GCM_16;
  k.encr_key_bits = 256;
  k.integ = v2::IntegId::None;
  k.sk_ei = hex("00112233");
  k.sk_er = hex("ffeeddcc");
  k.sk_ai = {};
  k.sk_ar = hex("01");
  Event e = trip(ike_keys_event(k));
  ASSERT_EQ(e.kind, EventKind::kIkeKeys);
  EXPECT_EQ(e.ike_keys.spi_i, k.spi_i);
  EXPECT_EQ(e.ike_keys.spi_r, 1u);
  EXPECT_EQ(e.ike_keys.encr, k.encr);
  EXPECT_EQ(e.ike_keys.encr_key_bits, 256);
  EXPECT_EQ(e.ike_keys.integ, k.integ);
  EXPECT_EQ(e.ike_keys.sk_ei, k.sk_ei);
  EXPECT_EQ(e.ike_keys.sk_er, k.sk_er);
  EXPECT_TRUE(e.ike_keys.sk_ai.empty());
  EXPECT_EQ(e.ike_keys.sk_ar, k.sk_ar);

  Ikev1Keys v1k;
  v1k.cookie_i = 0x8000000000000001ull;
  v1k.cookie_r = 2;
  v1k.encr = v1::OakleyEncryption::AES_CBC;
  v1k.encr_key_bits = 128;
  v1k.hash = v1::OakleyHash::SHA2_512;
  v1k.ka = hex("abcd");
  v1k.skeyid_d = hex("1234");
  v1k.skeyid_a = hex("5678");
  Event v = trip(ikev1_keys_event(v1k));
  ASSERT_EQ(v.kind, EventKind::kIkev1Keys);
  EXPECT_EQ(v.ikev1_keys.cookie_i, v1k.cookie_i);
  EXPECT_EQ(v.ikev1_keys.cookie_r, 2u);
  EXPECT_EQ(v.ikev1_keys.encr, v1k.encr);
  EXPECT_EQ(v.ikev1_keys.encr_key_bits, 128);
  EXPECT_EQ(v.ikev1_keys.hash, v1k.hash);
  EXPECT_EQ(v.ikev1_keys.ka, v1k.ka);
  EXPECT_EQ(v.ikev1_keys.skeyid_d, v1k.skeyid_d);
  EXPECT_EQ(v.ikev1_keys.skeyid_a, v1k.skeyid_a);

  EspKeys esp;
  esp.src = ip("127.0.0.1");
  esp.dst = ip("127.0.0.2");
  esp.spi = 0xffffffff;
  esp.encr = v2::EncrId::AES_CBC;
  esp.integ = v2::IntegId::HMAC_SHA2_256_128;
  esp.encr_key = hex("000102030405060708090a0b0c0d0e0f");
  esp.integ_key = hex("aa");
  Event s = trip(esp_keys_event(esp));
  ASSERT_EQ(s.kind, EventKind::kEspKeys);
  EXPECT_EQ(s.esp_keys.src, esp.src);
  EXPECT_EQ(s.esp_keys.dst, esp.dst);
  EXPECT_EQ(s.esp_keys.spi, esp.spi);
  EXPECT_EQ(s.esp_keys.encr, esp.encr);
  EXPECT_EQ(s.esp_keys.integ, esp.integ);
  EXPECT_EQ(s.esp_keys.encr_key, esp.encr_key);
  EXPECT_EQ(s.esp_keys.integ_key, esp.integ_key);
}

TEST(EventsJson, InvariantAndOverflowRoundTrip) {
  Event i = trip(invariant_event("IKE_SA net-net[1]: ESTABLISHED => CONNECTING"));
  EXPECT_EQ(i.kind, EventKind::kInvariant);
  EXPECT_EQ(i.what, "IKE_SA net-net[1]: ESTABLISHED => CONNECTING");
  json o = overflow_event();
  o["resume"] = 12;  // extra members are fine
  EXPECT_EQ(trip(o).kind, EventKind::kOverflow);
}

BackendSnapshot sample_snapshot() {
  BackendSnapshot s;
  s.t = from_us(1795000000000001);
  sa::SaEntry e;
  e.spec.key = {sa::Protocol::ESP, 0xc0ffee01, ip("127.0.0.1")};
  e.spec.src = ip("127.0.0.2");
  e.spec.mode = sa::Mode::Transport;
  e.spec.reqid = 1;
  e.spec.inbound = true;
  e.spec.encr = v2::EncrId::AES_GCM_16;
  e.spec.encr_key = hex("00112233445566778899aabbccddeeff01020304");
  e.spec.integ = v2::IntegId::None;
  e.spec.esn = true;
  e.spec.replay_window = 64;
  e.spec.lifetime = {1, 2, 3, 4, 5, 6, 7, 8};
  e.spec.encap = sa::UdpEncap{4500, 31337};
  e.spec.selector = {net("10.2.0.0/16"), net("10.1.0.0/16"), 6, 0, 443};
  e.spec.label = "net-net{1}";
  e.added = from_us(1795000000000000);
  e.bytes = 1000;
  e.packets = 10;
  e.first_use = from_us(1795000000000500);
  e.soft_expired = true;
  s.sas.push_back(e);
  sa::SaEntry plain;
  plain.spec.key = {sa::Protocol::AH, 7, ip("::1")};
  plain.spec.src = ip("::2");
  plain.spec.integ = v2::IntegId::HMAC_SHA2_512_256;
  plain.spec.integ_key = hex("ab");
  plain.added = from_us(5);
  s.sas.push_back(plain);
  sa::PolicySpec p;
  p.selector = {net("10.1.0.0/16"), net("10.2.0.0/16"), 0, 0, 0};
  p.direction = sa::Direction::Fwd;
  p.tmpl_src = ip("127.0.0.2");
  p.tmpl_dst = ip("127.0.0.1");
  p.protocol = sa::Protocol::ESP;
  p.mode = sa::Mode::Tunnel;
  p.reqid = 1;
  p.priority = 367231;
  p.action = sa::PolicyAction::Protect;
  s.policies.push_back(p);
  sa::PolicySpec pass;
  pass.action = sa::PolicyAction::Drop;
  pass.selector = {net("0.0.0.0/0"), net("0.0.0.0/0"), 17, 500, 500};
  s.policies.push_back(pass);
  s.reqid_conn = {{1, "net-net"}, {1001, "v1-conn"}};
  return s;
}

TEST(EventsJson, BackendSnapshotRoundTrip) {
  BackendSnapshot s = sample_snapshot();
  json j = json::parse(backend_snapshot_json(s).dump());
  auto r = parse_backend_snapshot(j);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->t, s.t);
  ASSERT_EQ(r->sas.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const sa::SaEntry& a = s.sas[i];
    const sa::SaEntry& b = r->sas[i];
    EXPECT_EQ(b.spec.key, a.spec.key);
    EXPECT_EQ(b.spec.src, a.spec.src);
    EXPECT_EQ(b.spec.mode, a.spec.mode);
    EXPECT_EQ(b.spec.reqid, a.spec.reqid);
    EXPECT_EQ(b.spec.inbound, a.spec.inbound);
    EXPECT_EQ(b.spec.encr, a.spec.encr);
    EXPECT_EQ(b.spec.encr_key, a.spec.encr_key);
    EXPECT_EQ(b.spec.integ, a.spec.integ);
    EXPECT_EQ(b.spec.integ_key, a.spec.integ_key);
    EXPECT_EQ(b.spec.esn, a.spec.esn);
    EXPECT_EQ(b.spec.replay_window, a.spec.replay_window);
    EXPECT_EQ(b.spec.lifetime, a.spec.lifetime);
    EXPECT_EQ(b.spec.encap, a.spec.encap);
    EXPECT_EQ(b.spec.selector, a.spec.selector);
    EXPECT_EQ(b.spec.label, a.spec.label);
    EXPECT_EQ(b.added, a.added);
    EXPECT_EQ(b.bytes, a.bytes);
    EXPECT_EQ(b.packets, a.packets);
    EXPECT_EQ(b.first_use, a.first_use);
    EXPECT_EQ(b.soft_expired, a.soft_expired);
  }
  EXPECT_EQ(r->policies, s.policies);
  EXPECT_EQ(r->reqid_conn, s.reqid_conn);
}

TEST(EventsJson, IkeSnapshotsRoundTrip) {
  std::vector<IkeSnapshot> sas{
      {"net-net", 1, "ESTABLISHED", {{"net-net", 1, "INSTALLED"}, {"net-net", 2, "REKEYED"}}},
      {"v1", 2, "CONNECTING", {}}};
  auto r = parse_ike_snapshots(json::parse(ike_snapshots_json(sas).dump()));
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].conn, "net-net");
  EXPECT_EQ((*r)[0].unique_id, 1u);
  EXPECT_EQ((*r)[0].state, "ESTABLISHED");
  ASSERT_EQ((*r)[0].children.size(), 2u);
  EXPECT_EQ((*r)[0].children[1].unique_id, 2u);
  EXPECT_EQ((*r)[0].children[1].state, "REKEYED");
  EXPECT_EQ((*r)[1].state, "CONNECTING");
  EXPECT_TRUE((*r)[1].children.empty());
}

// The reason of a failed parse, or "" if it parsed.
std::string why(std::string_view line) {
  auto r = parse_event_line(line);
  return r.ok() ? std::string() : r.error().message();
}

TEST(EventsJson, GarbledAndIncompleteLinesAreErrors) {
  EXPECT_NE(why("{\"event\":\"log\",\"t_us\":1"), "");  // cut off
  EXPECT_NE(why("not json at all"), "");
  EXPECT_NE(why(""), "");
  EXPECT_NE(why("[1,2,3]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(why("{\"t_us\":1}").find("missing \"event\""), std::string::npos);
  EXPECT_NE(why("{\"event\":7}").find("missing \"event\""), std::string::npos);
  EXPECT_NE(why("{\"event\":\"teleport\"}").find("unknown kind 'teleport'"), std::string::npos);

  json log = log_event({from_us(1), LogGroup::kIke, 1, "x"});
  for (const char* key : {"t_us", "group", "level", "text"}) {
    json broken = log;
    broken.erase(key);
    EXPECT_NE(why(broken.dump()).find(std::string("\"") + key + "\""), std::string::npos) << key;
  }
  json bad_group = log;
  bad_group["group"] = "XYZ";
  EXPECT_NE(why(bad_group.dump()).find("\"group\""), std::string::npos);
  json bad_level = log;
  bad_level["level"] = 99;
  EXPECT_NE(why(bad_level.dump()).find("\"level\""), std::string::npos);
  json bad_time = log;
  bad_time["t_us"] = "soon";
  EXPECT_NE(why(bad_time.dump()).find("\"t_us\""), std::string::npos);
  json bad_seq = log;
  bad_seq["seq"] = -1;
  EXPECT_NE(why(bad_seq.dump()).find("\"seq\""), std::string::npos);

  StateChange c;
  json state = state_event(c);
  state["unique_id"] = 1ull << 40;  // beyond uint32
  EXPECT_NE(why(state.dump()).find("\"unique_id\""), std::string::npos);
  state = state_event(c);
  state["ike"] = "yes";
  EXPECT_NE(why(state.dump()).find("\"ike\""), std::string::npos);

  BackendEvent b;
  json backend = backend_event(b);
  backend["op"] = "explode";
  EXPECT_NE(why(backend.dump()).find("\"op\""), std::string::npos);
  backend = backend_event(b);
  backend["dst"] = "300.1.1.1";
  EXPECT_NE(why(backend.dump()).find("\"dst\""), std::string::npos);
  backend = backend_event(b);
  backend["direction"] = "sideways";
  EXPECT_NE(why(backend.dump()).find("\"direction\""), std::string::npos);

  IkeKeys k;
  json keys = ike_keys_event(k);
  keys["sk_ei"] = "xyz";
  EXPECT_NE(why(keys.dump()).find("\"sk_ei\""), std::string::npos);
  keys = ike_keys_event(k);
  keys["sk_ei"] = "abc";  // odd number of digits
  EXPECT_NE(why(keys.dump()).find("\"sk_ei\""), std::string::npos);
  keys = ike_keys_event(k);
  keys["encr"] = 70000;  // beyond the 16-bit transform ID
  EXPECT_NE(why(keys.dump()).find("\"encr\""), std::string::npos);

  json esp = esp_keys_event(EspKeys{});
  esp.erase("spi");
  EXPECT_NE(why(esp.dump()).find("\"spi\""), std::string::npos);
  EXPECT_NE(why("{\"event\":\"invariant\"}").find("\"what\""), std::string::npos);
}

TEST(EventsJson, DamagedSnapshotsAreErrors) {
  json good = backend_snapshot_json(sample_snapshot());
  ASSERT_TRUE(parse_backend_snapshot(good).ok());
  EXPECT_FALSE(parse_backend_snapshot(json::array()).ok());
  json j = good;
  j["sas"][0].erase("lifetime");
  EXPECT_NE(parse_backend_snapshot(j).error().message().find("\"lifetime\""), std::string::npos);
  j = good;
  j["sas"][0]["protocol"] = "GRE";
  EXPECT_NE(parse_backend_snapshot(j).error().message().find("\"protocol\""), std::string::npos);
  j = good;
  j["sas"][0]["selector"]["src"] = "10.0.0.0/99";
  EXPECT_NE(parse_backend_snapshot(j).error().message().find("\"src\""), std::string::npos);
  j = good;
  j["policies"][0]["action"] = "maybe";
  EXPECT_NE(parse_backend_snapshot(j).error().message().find("\"action\""), std::string::npos);
  j = good;
  j["policies"] = json::array({42});
  EXPECT_FALSE(parse_backend_snapshot(j).ok());
  j = good;
  j["reqid_conn"]["x1"] = "net-net";
  EXPECT_NE(parse_backend_snapshot(j).error().message().find("reqid_conn"), std::string::npos);
  j = good;
  j["reqid_conn"]["99999999999"] = "net-net";
  EXPECT_FALSE(parse_backend_snapshot(j).ok());
  j = good;
  j["reqid_conn"]["5"] = 5;
  EXPECT_FALSE(parse_backend_snapshot(j).ok());

  EXPECT_FALSE(parse_ike_snapshots(json::object()).ok());
  EXPECT_FALSE(parse_ike_snapshots(json::array({json::array()})).ok());
  json sas = ike_snapshots_json({{"c", 1, "ESTABLISHED", {{"c", 1, "INSTALLED"}}}});
  sas[0]["children"][0].erase("state");
  EXPECT_NE(parse_ike_snapshots(sas).error().message().find("\"state\""), std::string::npos);
  sas = ike_snapshots_json({{"c", 1, "ESTABLISHED", {}}});
  sas[0]["children"] = "none";
  EXPECT_NE(parse_ike_snapshots(sas).error().message().find("\"children\""), std::string::npos);
}

}  // namespace
}  // namespace ikesuite::refd
