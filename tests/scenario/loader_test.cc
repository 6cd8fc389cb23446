// The loader's model and plumbing: %default/also= merging, defaults, typed values, the
// pluggable proposal check, error limits and formats. The error texts of broken files are
// covered by the corpus in tests/scenario/bad/ (corpus_test.cc).
#include "harness/scenario/loader.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

// A small valid scenario that tests change.
json base() {
  return json::parse(R"j({
    "name": "t",
    "description": "A test scenario.",
    "references": ["RFC 7296 §1.2"],
    "duration": 30,
    "hosts": {
      "moon": {
        "addresses": ["192.168.0.1"],
        "subnets": ["10.1.0.0/16"],
        "secrets": [{"type": "PSK", "ids": ["moon", "sun"], "secret": "0x0102030405060708"}],
        "conns": {
          "home": {"left": "192.168.0.1", "leftid": "moon", "leftsubnet": "10.1.0.0/16",
                   "right": "192.168.0.2", "rightid": "sun", "rightsubnet": "10.2.0.0/16",
                   "authby": "psk", "auto": "add", "keyexchange": "ikev2"}
        }
      },
      "sun": {
        "addresses": ["192.168.0.2"],
        "subnets": ["10.2.0.0/16"],
        "secrets": [{"type": "PSK", "secret": "0x0102030405060708"}],
        "conns": {
          "home": {"left": "192.168.0.2", "leftid": "sun", "leftsubnet": "10.2.0.0/16",
                   "right": "192.168.0.1", "rightid": "moon", "rightsubnet": "10.1.0.0/16",
                   "authby": "psk", "auto": "add", "keyexchange": "ikev2"}
        }
      }
    },
    "timeline": [{"at": 0, "host": "moon", "action": "initiate", "conn": "home"}],
    "expect": [{"check": "final", "host": "moon", "ike_sas": 1}]
  })j");
}

LoadResult load(const json& doc, const LoadOptions& options = {}) {
  return load_scenario_text(doc.dump(2), "t.json", "/work/sc", options);
}

std::vector<std::string> messages(const LoadResult& r, Severity severity = Severity::kError) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    if (d.severity == severity) out.push_back(d.pointer + ": " + d.message);
  return out;
}

std::string all(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.format() + "\n";
  return out;
}

TEST(Loader, BaseScenarioLoads) {
  auto r = load(base());
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_TRUE(r.diagnostics.empty()) << all(r);
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.duration, seconds(30));
  EXPECT_EQ(s.modes, (std::set<RunMode>{RunMode::kSim, RunMode::kNetns}));
  ASSERT_EQ(s.hosts.size(), 2u);
  EXPECT_EQ(s.hosts[0].name, "moon");  // file order
  EXPECT_EQ(s.hosts[0].implementation, Implementation::kRef);
  EXPECT_EQ(s.hosts[0].sa_backend, SaBackendKind::kMemory);
  ASSERT_EQ(s.hosts[0].secrets.size(), 1u);
  EXPECT_EQ(s.hosts[0].secrets[0].secret, (Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
  const Connection* c = s.hosts[0].find_conn("home");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->version, IkeVersion::kV2);
  EXPECT_EQ(c->auto_action, AutoAction::kAdd);
  EXPECT_EQ(*c->left.auth, AuthMethod::kPsk);
  EXPECT_EQ(*c->right.auth, AuthMethod::kPsk);
  EXPECT_EQ(c->left.address->to_string(), "192.168.0.1");
  EXPECT_EQ(c->right.address->to_string(), "192.168.0.2");
  ASSERT_EQ(c->left.subnets.size(), 1u);
  EXPECT_EQ(c->left.subnets[0].subnet.to_string(), "10.1.0.0/16");
  // ipsec.conf defaults for what the file leaves out.
  EXPECT_EQ(c->ike_lifetime, seconds(3 * 3600));
  EXPECT_EQ(c->lifetime, seconds(3600));
  EXPECT_EQ(c->margintime, seconds(540));
  EXPECT_DOUBLE_EQ(c->rekeyfuzz, 1.0);
  EXPECT_EQ(c->keyingtries, 3u);
  EXPECT_TRUE(c->reauth);
  EXPECT_TRUE(c->mobike);
  EXPECT_EQ(c->fragmentation, Fragmentation::kYes);
  EXPECT_EQ(c->dpd_action, SaAction::kNone);
  ASSERT_EQ(s.timeline.size(), 1u);
  EXPECT_EQ(s.timeline[0].kind, ActionKind::kInitiate);
  EXPECT_TRUE(s.timeline[0].at.absolute());
  EXPECT_EQ(s.timeline[0].src.pointer, "/timeline/0");
  EXPECT_GT(s.timeline[0].src.line, 0);
  ASSERT_EQ(s.expect.size(), 1u);
  EXPECT_EQ(s.expect[0].kind(), CheckKind::kFinal);
}

TEST(Loader, DefaultIsMergedIntoEachConnAndConnValuesWin) {
  json d = base();
  d["hosts"]["moon"]["conns"]["%default"] = {
      {"ikelifetime", "60m"}, {"lifetime", "10s"}, {"margintime", "5s"}, {"rekeyfuzz", "0%"},
      {"keyingtries", 1},     {"mobike", "no"},    {"esp", "aes128-sha256"}};
  d["hosts"]["moon"]["conns"]["home"]["esp"] = "aes256gcm16";
  d["hosts"]["moon"]["conns"]["other"] = {{"left", "192.168.0.1"}, {"right", "192.168.0.2"}, {"authby", "psk"},
                                          {"auto", "add"},        {"keylife", "20m"},         {"rekeymargin", "3m"}};
  auto r = load(d);
  ASSERT_TRUE(r.ok()) << all(r);
  const Host& moon = r.scenario->hosts[0];
  ASSERT_EQ(moon.conns.size(), 2u);  // %default is no connection
  const Connection* home = moon.find_conn("home");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->ike_lifetime, seconds(3600));
  EXPECT_EQ(home->lifetime, seconds(10));
  EXPECT_EQ(home->margintime, seconds(5));
  EXPECT_DOUBLE_EQ(home->rekeyfuzz, 0.0);
  EXPECT_EQ(home->keyingtries, 1u);
  EXPECT_FALSE(home->mobike);
  EXPECT_EQ(home->esp, std::vector<std::string>{"aes256gcm16"});
  // Where each value was written: lifetime in %default, esp in the conn.
  ASSERT_NE(home->key_source("lifetime"), nullptr);
  EXPECT_EQ(home->key_source("lifetime")->pointer, "/hosts/moon/conns/%default/lifetime");
  EXPECT_EQ(home->key_source("esp")->pointer, "/hosts/moon/conns/home/esp");
  EXPECT_EQ(home->key_source("reauth"), nullptr);

  const Connection* other = moon.find_conn("other");
  ASSERT_NE(other, nullptr);
  // keylife and rekeymargin are ipsec.conf's other names for lifetime and margintime; the
  // conn's own values win over %default's.
  EXPECT_EQ(other->lifetime, seconds(1200));
  EXPECT_EQ(other->margintime, seconds(180));
  EXPECT_EQ(other->key_source("lifetime")->pointer, "/hosts/moon/conns/other/keylife");
  EXPECT_EQ(other->esp, std::vector<std::string>{"aes128-sha256"});
}

TEST(Loader, AlsoIncludesSectionsInOrderAndTheConnWins) {
  json d = base();
  auto& conns = d["hosts"]["moon"]["conns"];
  conns["proposals"] = {{"ike", "aes128-sha256-modp2048"}, {"esp", "aes128-sha256"}, {"auto", "ignore"}};
  conns["timers"] = {{"also", "proposals"}, {"lifetime", "20m"}, {"margintime", "1m"}, {"auto", "ignore"}};
  conns["home"]["also"] = json::array({"timers"});
  conns["home"]["margintime"] = "2m";
  auto r = load(d);
  ASSERT_TRUE(r.ok()) << all(r);
  const Connection* home = r.scenario->hosts[0].find_conn("home");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->ike, std::vector<std::string>{"aes128-sha256-modp2048"});
  EXPECT_EQ(home->lifetime, seconds(1200));
  EXPECT_EQ(home->margintime, seconds(120));
  EXPECT_EQ(home->auto_action, AutoAction::kAdd);
  // Templates stay in the model, marked as not loaded.
  EXPECT_EQ(r.scenario->hosts[0].find_conn("timers")->auto_action, AutoAction::kIgnore);
}

TEST(Loader, ConnWithoutAutoIsNotLoadedAndSaysSo) {
  json d = base();
  d["hosts"]["sun"]["conns"]["home"].erase("auto");
  auto r = load(d);
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_THAT(messages(r, Severity::kWarning),
              ::testing::Contains(HasSubstr("conn 'home' is not loaded: auto defaults to ignore")));
}

TEST(Loader, ProposalCheckIsPluggable) {
  json d = base();
  d["hosts"]["moon"]["conns"]["home"]["ike"] = "aes128-sha256-modp2048, aes257-sha256-modp2048!";
  d["hosts"]["moon"]["conns"]["home"]["esp"] = "aes128gcm16";
  std::vector<std::string> seen;
  LoadOptions options;
  options.proposal_check = [&](ProposalKind kind, IkeVersion version, std::string_view proposal) -> Status {
    seen.push_back(std::string(name(kind)) + ":" + std::string(name(version)) + ":" + std::string(proposal));
    if (proposal.find("aes257") != std::string_view::npos)
      return Error(ErrorCode::kConfig, "unknown algorithm 'aes257'");
    return ok_status();
  };
  auto r = load(d, options);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(messages(r), ::testing::ElementsAre("/hosts/moon/conns/home/ike: unknown algorithm 'aes257'"));
  // The strict '!' is stripped before the check; each proposal is checked on its own.
  EXPECT_THAT(seen, ::testing::IsSupersetOf({"ike:ikev2:aes128-sha256-modp2048", "ike:ikev2:aes257-sha256-modp2048",
                                             "esp:ikev2:aes128gcm16"}));
  const auto& diag = r.diagnostics.at(0);
  EXPECT_EQ(diag.file, "t.json");
  EXPECT_GT(diag.line, 1);
  EXPECT_GT(diag.column, 1);
}

TEST(Loader, DefaultProposalCheckIsSyntaxOnly) {
  EXPECT_TRUE(check_proposal_syntax(ProposalKind::kIke, IkeVersion::kV2, "aes256-sha256-modp2048").ok());
  EXPECT_TRUE(check_proposal_syntax(ProposalKind::kEsp, IkeVersion::kV2, "aes128gcm16-prfsha256-ecp256").ok());
  EXPECT_FALSE(check_proposal_syntax(ProposalKind::kIke, IkeVersion::kV2, "aes256--sha256").ok());
  EXPECT_FALSE(check_proposal_syntax(ProposalKind::kIke, IkeVersion::kV2, "AES256").ok());
  EXPECT_FALSE(check_proposal_syntax(ProposalKind::kIke, IkeVersion::kV2, "").ok());
  EXPECT_FALSE(check_proposal_syntax(ProposalKind::kIke, IkeVersion::kV2, "aes;sha").ok());
}

TEST(Loader, EveryErrorOfAFileIsReportedUpToTheLimit) {
  json d = base();
  for (int i = 0; i < 30; ++i) d["timeline"].push_back({{"at", 1}, {"host", "nobody" + std::to_string(i)}, {"action", "stop"}});
  LoadOptions options;
  options.max_errors = 10;
  auto r = load(d, options);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.errors(), 10u);
  EXPECT_EQ(r.suppressed, 20u);
  // Sorted by position.
  for (size_t i = 1; i < r.diagnostics.size(); ++i)
    EXPECT_LE(r.diagnostics[i - 1].line, r.diagnostics[i].line);
}

TEST(Loader, InvalidJsonIsLocated) {
  auto r = load_scenario_text("{\n  \"name\": \"x\",\n  \"duration\": tru\n}\n", "x.json", ".");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.column, 15);
  EXPECT_THAT(d.format(), HasSubstr("x.json:3:15: /: invalid JSON: syntax error while parsing value"));

  r = load_scenario_text("{\"a\": 1,}", "y.json", ".");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].line, 1);
  EXPECT_EQ(r.diagnostics[0].column, 9);

  r = load_scenario_text("[1, 2]", "z.json", ".");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].format(), "z.json:1:1: /: a scenario is a JSON object");
}

TEST(Loader, DeepNestingIsRefusedBeforeValidation) {
  std::string text = "{\"hosts\": " + std::string(20000, '[') + std::string(20000, ']') + "}";
  auto r = load_scenario_text(text, "deep.json", ".");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].format(), "deep.json:1:523: /: invalid JSON: nested deeper than a scenario can be (512 levels)");
}

TEST(Loader, UnreadableFile) {
  auto r = load_scenario("/nonexistent/scenario.json");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].format(), "/nonexistent/scenario.json: cannot read: No such file or directory");
  r = load_scenario("/tmp");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].format(), "/tmp: is a directory, not a scenario file");
}

TEST(Loader, DiagnosticFormat) {
  Diagnostic d{Severity::kError, "a.json", 23, 7, "/hosts/moon/conns/home/ike", "unknown algorithm 'aes257'"};
  EXPECT_EQ(d.format(), "a.json:23:7: /hosts/moon/conns/home/ike: unknown algorithm 'aes257'");
  d.severity = Severity::kWarning;
  EXPECT_EQ(d.format(), "a.json:23:7: warning: /hosts/moon/conns/home/ike: unknown algorithm 'aes257'");
  d.pointer = "";
  EXPECT_EQ(d.format(), "a.json:23:7: warning: /: unknown algorithm 'aes257'");
}

TEST(Loader, PathsResolveAgainstTheScenarioDirectory) {
  json d = base();
  auto& moon = d["hosts"]["moon"];
  moon["certs"] = {"../pki/moonCert.pem"};
  moon["secrets"].push_back({{"type", "RSA"}, {"file", "../pki/moonKey.pem"}});
  moon["conns"]["home"]["authby"] = "pubkey";
  moon["conns"]["home"]["leftcert"] = "../pki/moonCert.pem";
  d["hosts"]["sun"]["conns"]["home"]["rightauth"] = "pubkey";
  d["hosts"]["sun"]["conns"]["home"]["leftauth"] = "psk";
  d["hosts"]["sun"]["conns"]["home"].erase("authby");
  auto r = load(d);
  ASSERT_TRUE(r.ok()) << all(r);
  const Host& h = r.scenario->hosts[0];
  EXPECT_EQ(h.certs, std::vector<std::string>{"/work/pki/moonCert.pem"});
  EXPECT_EQ(h.find_conn("home")->left.cert, "/work/pki/moonCert.pem");
  EXPECT_EQ(h.secrets.at(1).file, "/work/pki/moonKey.pem");
  const Connection* sun = r.scenario->hosts[1].find_conn("home");
  EXPECT_EQ(*sun->left.auth, AuthMethod::kPsk);
  EXPECT_EQ(*sun->right.auth, AuthMethod::kPubkey);

  LoadOptions strict;
  strict.check_files = true;
  r = load(d, strict);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(messages(r), ::testing::Contains("/hosts/moon/certs/0: no such file: /work/pki/moonCert.pem"));
}

TEST(Loader, TimelineAndExpectationsAreTyped) {
  json d = base();
  d["timeline"] = json::parse(R"j([
    {"at": "500ms", "id": "go", "host": "moon", "action": "initiate", "conn": "home"},
    {"at": {"after": "go", "delay": "2s"}, "host": "moon", "action": "rekey", "conn": "home"},
    {"at": 3, "host": "moon", "action": "terminate", "conn": "home"},
    {"at": 1, "host": "moon", "action": "fault", "op": "add-sa", "direction": "in", "errno": "EPROTONOSUPPORT", "times": "always"},
    {"at": 1, "action": "impair", "between": ["moon", "sun"], "loss": "30%", "delay": "10ms"},
    {"at": 1, "host": "sun", "action": "misbehave", "conn": "home",
     "impair": [{"impair": "add_notify", "exchange": "IKE_AUTH", "message": "response", "notify": "N(TEMP_FAIL)", "count": 1}]},
    {"at": 2, "action": "note", "text": "halfway"}
  ])j");
  d["expect"] = json::parse(R"j([
    {"check": "message", "id": "init", "summary": "IKE_SA_INIT request 0 [ SA KE No ]", "match": "prefix", "from": "moon", "to": "192.168.0.2"},
    {"check": "message", "exchange": "IKE_AUTH", "kind": "response", "nth": 2, "at": {"after": {"expectation": "init"}, "min": 0.1, "max": 3}},
    {"check": "sa_events", "host": "moon", "events": [
      {"op": "add-sa", "direction": "in", "result": "failed", "errno": "EPROTONOSUPPORT", "bind": "in1"},
      {"op": "delete-sa", "sa": "in1", "at": {"after": {"host": "moon", "ike_state": "ESTABLISHED"}, "max": 1}}]},
    {"check": "state", "host": "moon", "sa": "ike", "transitions": ["CONNECTING => ESTABLISHED", {"transition": "ESTABLISHED => DELETING", "id": "del"}]},
    {"check": "log", "host": "moon", "lines": ["received .* notify"], "absent": ["error"]},
    {"check": "sa_table", "host": "moon", "at": {"after": "del", "delay": 1}, "inbound": {"max": 0}}
  ])j");
  auto r = load(d);
  ASSERT_TRUE(r.ok()) << all(r);
  const Scenario& s = *r.scenario;
  ASSERT_EQ(s.timeline.size(), 7u);
  EXPECT_EQ(s.timeline[0].at.offset, seconds(0.5));
  ASSERT_FALSE(s.timeline[1].at.absolute());
  EXPECT_EQ(s.timeline[1].at.after->kind, EventRef::Kind::kAction);  // a bare id resolved
  EXPECT_EQ(s.timeline[1].at.offset, seconds(2));
  EXPECT_EQ(s.timeline[1].sa, SaKind::kChild);
  EXPECT_EQ(s.timeline[2].sa, SaKind::kIke);  // terminate defaults to the IKE SA
  const auto& fault = s.timeline[3].fault;
  EXPECT_EQ(fault.op, SaOp::kAddSa);
  EXPECT_EQ(fault.times, 0u);
  EXPECT_EQ(fault.err_name, "EPROTONOSUPPORT");
  EXPECT_EQ(*fault.direction, Direction::kIn);
  EXPECT_DOUBLE_EQ(*s.timeline[4].link.loss, 0.3);
  EXPECT_EQ(*s.timeline[4].link.delay, seconds(0.01));
  ASSERT_EQ(s.timeline[5].impairments.size(), 1u);
  const Impairment& imp = s.timeline[5].impairments[0];
  EXPECT_EQ(imp.kind, ImpairKind::kAddNotify);
  EXPECT_EQ(*imp.exchange, 35);
  EXPECT_EQ(*imp.message, MessageKind::kResponse);
  EXPECT_EQ(*imp.notify, 43);
  EXPECT_EQ(imp.count, 1u);

  const auto& init = std::get<MessageCheck>(s.expect[0].check).matcher;
  EXPECT_EQ(init.ike_version, 2);
  EXPECT_EQ(*init.exchange, 34);
  EXPECT_EQ(*init.kind, MessageKind::kRequest);
  EXPECT_EQ(*init.message_id, 0u);
  EXPECT_EQ(init.match, PayloadMatch::kPrefix);
  EXPECT_EQ(init.from, "moon");
  EXPECT_EQ(init.to, "sun");  // the address named its owner
  EXPECT_EQ(init.describe(), "IKE_SA_INIT request 0 [ SA KE No ] from moon to sun");
  const auto& auth = std::get<MessageCheck>(s.expect[1].check);
  EXPECT_EQ(*auth.matcher.nth, 2u);
  ASSERT_TRUE(auth.matcher.at);
  EXPECT_EQ(auth.matcher.at->min, seconds(0.1));
  EXPECT_EQ(*auth.matcher.at->max, seconds(3));
  EXPECT_EQ(auth.matcher.at->after->kind, EventRef::Kind::kExpectation);
  const auto& events = std::get<SaEventsCheck>(s.expect[2].check).events;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(*events[0].ok, false);
  EXPECT_EQ(events[0].bind, "in1");
  EXPECT_EQ(events[1].sa, "in1");
  EXPECT_EQ(events[1].at->after->kind, EventRef::Kind::kIkeState);
  const auto& state = std::get<StateCheck>(s.expect[3].check);
  ASSERT_EQ(state.transitions.size(), 2u);
  EXPECT_EQ(state.transitions[1].id, "del");
  const auto& log = std::get<LogCheck>(s.expect[4].check);
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_TRUE(std::regex_search("received AUTHENTICATION_FAILED notify error", log.lines[0].regex));
  const auto& table = std::get<SaTableCheck>(s.expect[5].check);
  ASSERT_TRUE(table.at);
  EXPECT_EQ(table.at->after->id, "del");
  EXPECT_EQ(*table.inbound->max, 0u);
}

TEST(Loader, CyclesOfAfterReferencesAreFound) {
  json d = base();
  d["timeline"] = json::parse(R"j([
    {"at": 0, "host": "moon", "action": "initiate", "conn": "home"},
    {"at": {"after": "b"}, "id": "a", "host": "moon", "action": "rekey", "conn": "home"},
    {"at": {"after": {"action": "a"}, "delay": 1}, "id": "b", "host": "moon", "action": "rekey", "conn": "home"}
  ])j");
  auto r = load(d);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(messages(r), ::testing::Contains(HasSubstr("cycle of \"after\" references: ")));
}

TEST(Loader, ActionsChainedAfterTheEndAreErrors) {
  json d = base();
  d["timeline"] = json::parse(R"j([
    {"at": 20, "id": "a", "host": "moon", "action": "initiate", "conn": "home"},
    {"at": {"after": "a", "delay": 15}, "host": "moon", "action": "rekey", "conn": "home"}
  ])j");
  auto r = load(d);
  EXPECT_THAT(messages(r), ::testing::ElementsAre(
                               "/timeline/1/at: this action falls at 35s, after the scenario ends (duration 30s)"));
}

TEST(Loader, RealSeedScenarioModel) {
  auto r = load_scenario(std::string(IKESUITE_SOURCE_DIR) + "/scenarios/ikev2/net2net-rekey.json");
  ASSERT_TRUE(r.ok()) << all(r);
  const Scenario& s = *r.scenario;
  const Host* moon = s.find_host("moon");
  const Host* sun = s.find_host("sun");
  ASSERT_TRUE(moon && sun);
  EXPECT_EQ(*moon->settings.delete_rekeyed_delay, 2u);
  const Connection* mc = moon->find_conn("net-net");
  const Connection* sc = sun->find_conn("net-net");
  ASSERT_TRUE(mc && sc);
  EXPECT_EQ(mc->lifetime, seconds(10));
  EXPECT_EQ(mc->margintime, seconds(5));
  EXPECT_DOUBLE_EQ(mc->rekeyfuzz, 0.0);
  EXPECT_EQ(mc->ike_lifetime, seconds(3600));
  EXPECT_EQ(mc->keyingtries, 1u);
  EXPECT_FALSE(mc->mobike);
  EXPECT_EQ(mc->left.id, "@moon.strongswan.org");
  EXPECT_EQ(sc->lifetime, seconds(1200));  // keylife=20m
  EXPECT_EQ(sc->margintime, seconds(180));  // rekeymargin=3m
  const Expectation* rekey = s.find_expectation("rekey");
  ASSERT_NE(rekey, nullptr);
  const auto& m = std::get<MessageCheck>(rekey->check).matcher;
  ASSERT_TRUE(m.payloads);
  std::vector<std::string> labels;
  for (const auto& p : *m.payloads) labels.push_back(p.text);
  EXPECT_EQ(labels, (std::vector<std::string>{"N(REKEY_SA)", "SA", "No", "TSi", "TSr"}));
  EXPECT_EQ(m.at->after->kind, EventRef::Kind::kChildState);
  EXPECT_EQ(m.at->min, seconds(4.9));
  EXPECT_EQ(*m.at->max, seconds(5.1));
}

}  // namespace
}  // namespace ikesuite::harness

namespace ikesuite::harness {
namespace {

TEST(Loader, IdsResolveToWhatTheyName) {
  auto r = load_scenario(std::string(IKESUITE_SOURCE_DIR) + "/scenarios/ikev2/net2net-rekey.json");
  ASSERT_TRUE(r.ok());
  const Scenario& s = *r.scenario;
  auto rekey = s.resolve("rekey");
  ASSERT_TRUE(rekey.found());
  EXPECT_EQ(rekey.expectation->id, "rekey");
  EXPECT_FALSE(s.resolve("nothing").found());
  EXPECT_FALSE(s.resolve("").found());
}

}  // namespace
}  // namespace ikesuite::harness

namespace ikesuite::harness {
namespace {

TEST(CryptoProposals, TheParserJudgesAlgorithms) {
  EXPECT_TRUE(check_proposal_with_crypto(ProposalKind::kIke, IkeVersion::kV2, "aes128-sha256-modp2048").ok());
  EXPECT_TRUE(check_proposal_with_crypto(ProposalKind::kEsp, IkeVersion::kV2, "aes256gcm16").ok());
  EXPECT_TRUE(check_proposal_with_crypto(ProposalKind::kIke, IkeVersion::kV1, "aes128-sha256-modp2048").ok());
  EXPECT_TRUE(check_proposal_with_crypto(ProposalKind::kEsp, IkeVersion::kV1, "aes128-sha256").ok());
  auto bad = check_proposal_with_crypto(ProposalKind::kIke, IkeVersion::kV2, "aes257-sha256-modp2048");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().reason(), HasSubstr("aes257"));
  // An IKE proposal needs a key exchange method; ESP does not.
  EXPECT_FALSE(check_proposal_with_crypto(ProposalKind::kIke, IkeVersion::kV2, "aes128-sha256").ok());

  json d = base();
  d["hosts"]["moon"]["conns"]["home"]["ike"] = "aes257-sha256-modp2048";
  LoadOptions options;
  options.proposal_check = crypto_proposal_check();
  auto r = load(d, options);
  ASSERT_EQ(r.errors(), 1u) << all(r);
  EXPECT_EQ(r.diagnostics[0].pointer, "/hosts/moon/conns/home/ike");
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("aes257"));
}

}  // namespace
}  // namespace ikesuite::harness
