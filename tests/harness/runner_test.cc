// The sim runner over real scenario files: verdicts, outputs, broken scenarios, broken
// engine behaviour (a misbehaving host must fail the checks that judge it), determinism,
// the capture under tshark with the written key tables, and `ikesuite decode`.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/decode/capture_decode.h"
#include "harness/run/deviations.h"
#include "harness/run/runner.h"
#include "harness/run/sim_world.h"
#include "harness/scenario/crypto_proposals.h"
#include "harness/scenario/loader.h"

namespace ikesuite::harness::run {
namespace {

namespace fs = std::filesystem;

const std::string kScenarios = std::string(IKESUITE_SOURCE_DIR) + "/scenarios/ikev2";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_dir(const std::string& name) {
  std::string dir = (fs::temp_directory_path() / ("ikesuite-harness-" + name + "-" +
                                                  std::to_string(::getpid())))
                        .string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

LoadOptions load_options() {
  LoadOptions o;
  o.proposal_check = crypto_proposal_check();
  return o;
}

Scenario load(const std::string& file) {
  auto r = load_scenario(kScenarios + "/" + file, load_options());
  std::string diags;
  for (const auto& d : r.diagnostics) diags += d.format() + "\n";
  EXPECT_TRUE(r.ok()) << diags;
  return r.ok() ? *r.scenario : Scenario{};
}

// A scenario file changed by `edit`, loaded as if it were in scenarios/ikev2.
LoadResult load_edited(const std::string& file, const std::function<void(nlohmann::ordered_json&)>& edit) {
  auto j = nlohmann::ordered_json::parse(read(kScenarios + "/" + file));
  edit(j);
  return load_scenario_text(j.dump(2), kScenarios + "/" + file, kScenarios, load_options());
}

SimOptions options_in(const std::string& folder) {
  SimOptions o;
  o.folder = folder;
  o.report_root = fs::path(folder).parent_path().string();
  // The real time (certificates are checked against it; nothing written depends on it).
  o.wall_offset = std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch());
  return o;
}

const reports::Expectation* find_expectation(const reports::ScenarioResult& r, const std::string& id) {
  for (const auto& e : r.expectations)
    if (e.id == id) return &e;
  return nullptr;
}

std::string failures(const reports::ScenarioResult& r) {
  std::string out = r.error;
  for (const auto& e : r.expectations)
    if (!e.passed) out += "\n" + e.id + ": expected " + e.expected + "; " + e.actual;
  return out;
}

TEST(SimRun, PskBasicPassesAndWritesItsFolder) {
  std::string dir = temp_dir("psk") + "/ikev2/psk-basic";
  auto r = run_sim(load("psk-basic.json"), options_in(dir));
  EXPECT_EQ(r.status, reports::kPassed) << failures(r);
  EXPECT_FALSE(r.expectations.empty());
  EXPECT_DOUBLE_EQ(r.virtual_seconds, 10.0);
  // Setup in two exchanges: four messages, all decrypted where encrypted.
  ASSERT_GE(r.messages.size(), 4u);
  EXPECT_EQ(r.messages[0].exchange, "IKE_SA_INIT");
  EXPECT_EQ(r.messages[0].from, "moon");
  EXPECT_EQ(r.messages[2].exchange, "IKE_AUTH");
  EXPECT_TRUE(r.messages[2].encrypted);
  EXPECT_TRUE(r.messages[2].decrypted);
  EXPECT_NE(std::find(r.messages[2].payloads.begin(), r.messages[2].payloads.end(), "AUTH"),
            r.messages[2].payloads.end());
  for (const char* f : {"capture.pcap", "moon.log", "sun.log", "moon.sa.txt", "sun.sa.txt",
                        "result.json", "ikev2_decryption_table", "esp_sa", "preferences"})
    EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/ikev2_decryption_table").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The log is charon-shaped and stamped with the virtual clock.
  std::string log = read(dir + "/moon.log");
  EXPECT_NE(log.find("00:00:00.000"), std::string::npos);
  EXPECT_NE(log.find("state change: CONNECTING => ESTABLISHED"), std::string::npos) << log;
  EXPECT_EQ(r.artifacts.at("capture"), "psk-basic/capture.pcap");
  auto j = nlohmann::json::parse(read(dir + "/result.json"));
  EXPECT_EQ(j["status"], "passed");
}

TEST(SimRun, Net2netRekeyTimingAndBackendChecks) {
  std::string dir = temp_dir("rekey") + "/net2net-rekey";
  auto r = run_sim(load("net2net-rekey.json"), options_in(dir));
  const auto* rekey = find_expectation(r, "rekey");
  ASSERT_NE(rekey, nullptr);
  EXPECT_TRUE(rekey->passed) << rekey->expected << "; " << rekey->actual;
  ASSERT_TRUE(rekey->t.has_value());
  EXPECT_NEAR(*rekey->t, 5.0, 0.1);
  ASSERT_FALSE(rekey->related_messages.empty());
  EXPECT_EQ(r.messages[rekey->related_messages.front()].exchange, "CREATE_CHILD_SA");
  EXPECT_EQ(r.status, reports::kPassed) << failures(r);
}

TEST(SimRun, LateRekeyFailsNamingExpectedAndActual) {
  // moon's lifetime 12 s instead of 10 s: the rekey comes 2 s later than the scenario says.
  auto loaded = load_edited("net2net-rekey.json", [](nlohmann::ordered_json& j) {
    j["hosts"]["moon"]["conns"]["%default"]["lifetime"] = "12s";
  });
  ASSERT_TRUE(loaded.ok());
  auto r = run_sim(*loaded.scenario, options_in(temp_dir("late") + "/x"));
  EXPECT_EQ(r.status, reports::kFailed);
  const auto* rekey = find_expectation(r, "rekey");
  ASSERT_NE(rekey, nullptr);
  EXPECT_FALSE(rekey->passed);
  EXPECT_NE(rekey->expected.find("CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No TSi TSr ]"), std::string::npos)
      << rekey->expected;
  EXPECT_NE(rekey->expected.find("between 4.9 and 5.1 s after moon's Child SA net-net entered INSTALLED (at 0.00"),
            std::string::npos)
      << rekey->expected;
  EXPECT_NE(rekey->actual.find("found it at 7.00"), std::string::npos) << rekey->actual;
  EXPECT_NE(rekey->actual.find("too late"), std::string::npos) << rekey->actual;
}

// A failure recorded as a known deviation of an implementation present in the run is
// excused (the scenario passes, the expectation carries the reason); one that passes gets
// a note; a record for an implementation that is not in the run changes nothing.
TEST(SimRun, KnownDeviationsExcuseRecordedFailuresOnly) {
  auto loaded = load_edited("net2net-rekey.json", [](nlohmann::ordered_json& j) {
    j["hosts"]["moon"]["conns"]["%default"]["lifetime"] = "12s";
  });
  ASSERT_TRUE(loaded.ok());
  PeerDeviation late;
  late.implementation = Implementation::kRef;
  late.scenario = "ikev2/net2net-rekey";
  late.expectation = "rekey";
  late.reason = "this build rekeys later on purpose";
  PeerDeviation fine = late;
  fine.expectation = "ike-established";
  PeerDeviation other = late;
  other.implementation = Implementation::kStrongswan;
  SimOptions o = options_in(temp_dir("deviation") + "/x");
  o.known_deviations = {other};
  EXPECT_EQ(run_sim(*loaded.scenario, o).status, reports::kFailed);
  o.known_deviations = {late, fine};
  auto r = run_sim(*loaded.scenario, o);
  const auto* rekey = find_expectation(r, "rekey");
  ASSERT_NE(rekey, nullptr);
  // The rekey moved, so the checks anchored on it may fail too: only the recorded one is
  // excused, and the run fails while others fail.
  EXPECT_TRUE(rekey->passed);
  EXPECT_NE(rekey->known_deviation.find("this build rekeys later on purpose"), std::string::npos);
  EXPECT_NE(rekey->actual.find("too late"), std::string::npos);
  bool others_failed = false;
  for (const auto& e : r.expectations) others_failed = others_failed || !e.passed;
  EXPECT_EQ(r.status, others_failed ? reports::kFailed : reports::kPassed);
  bool noted = false;
  for (const auto& n : r.notes) noted = noted || n.find("'ike-established' passed although") != std::string::npos;
  EXPECT_EQ(noted, find_expectation(r, "ike-established") != nullptr);
}

TEST(PeerDeviations, FileIsValidated) {
  std::string dir = temp_dir("deviation-files");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  };
  auto good = load_peer_deviations(write("good.json", R"({"implementation": "strongswan", "version": "5.9.8",
    "deviations": [{"scenario": "interop/strongswan/x", "expectation": "e", "reason": "because"}]})"));
  ASSERT_TRUE(good.ok()) << good.error().message();
  ASSERT_EQ(good->size(), 1u);
  EXPECT_EQ((*good)[0].implementation, Implementation::kStrongswan);
  EXPECT_EQ((*good)[0].version, "5.9.8");
  struct Bad {
    const char* text;
    const char* pointer;
  } bad[] = {
      {"not json", "not valid JSON"},
      {"[]", "/: must be an object"},
      {R"({"implementation": "racoon", "deviations": []})", "/implementation"},
      {R"({"implementation": "libreswan"})", "/deviations"},
      {R"({"implementation": "libreswan", "deviations": [{"scenario": "a", "expectation": "b"}]})",
       "/deviations/0/reason"},
      {R"({"implementation": "libreswan", "deviations": [{"scenario": "a", "expectation": "b", "reason": "c", "x": 1}]})",
       "/deviations/0/x"},
      {R"({"implementation": "libreswan", "deviations": [], "extra": 1})", "/extra"},
  };
  for (const auto& b : bad) {
    auto r = load_peer_deviations(write("bad.json", b.text));
    ASSERT_FALSE(r.ok()) << b.text;
    EXPECT_NE(r.error().message().find(b.pointer), std::string::npos) << r.error().message();
    EXPECT_NE(r.error().message().find("bad.json"), std::string::npos);
  }
  EXPECT_FALSE(load_peer_deviations(dir + "/missing.json").ok());
}

TEST(SimRun, OmittedRekeySaNotifyFailsTheRekeyCheck) {
  // A deliberately broken engine behaviour: moon leaves N(REKEY_SA) out of its rekey request.
  auto loaded = load_edited("net2net-rekey.json", [](nlohmann::ordered_json& j) {
    j["timeline"].push_back({{"at", 1},
                             {"host", "moon"},
                             {"action", "misbehave"},
                             {"impair", {{{"impair", "omit_payload"},
                                          {"payload", "N(REKEY_SA)"},
                                          {"exchange", "CREATE_CHILD_SA"}}}}});
  });
  std::string diags;
  for (const auto& d : loaded.diagnostics) diags += d.format() + "\n";
  ASSERT_TRUE(loaded.ok()) << diags;
  auto r = run_sim(*loaded.scenario, options_in(temp_dir("omit") + "/x"));
  EXPECT_EQ(r.status, reports::kFailed) << failures(r);
  const auto* rekey = find_expectation(r, "rekey");
  ASSERT_NE(rekey, nullptr);
  EXPECT_FALSE(rekey->passed);
  EXPECT_NE(rekey->expected.find("N(REKEY_SA)"), std::string::npos);
  // What happened instead: the request without the notify.
  EXPECT_NE(rekey->actual.find("CREATE_CHILD_SA request 2 [ SA No TSi TSr ]"), std::string::npos)
      << rekey->actual;
}

TEST(SimRun, DroppedDeleteFailsTheDeleteChecks) {
  auto loaded = load_edited("net2net-rekey.json", [](nlohmann::ordered_json& j) {
    j["hosts"]["moon"]["conns"]["net-net"]["impair"] = {
        {{"impair", "drop_message"}, {"exchange", "INFORMATIONAL"}, {"message", "request"}}};
  });
  ASSERT_TRUE(loaded.ok());
  auto r = run_sim(*loaded.scenario, options_in(temp_dir("drop") + "/x"));
  EXPECT_EQ(r.status, reports::kFailed);
  const auto* del = find_expectation(r, "delete");
  ASSERT_NE(del, nullptr);
  EXPECT_FALSE(del->passed);
  EXPECT_NE(del->expected.find("INFORMATIONAL request 3 [ D ]"), std::string::npos);
  EXPECT_NE(del->actual.find("none found"), std::string::npos) << del->actual;
}

TEST(Runner, BrokenFilesAreErrorsWithDiagnosticsAndTheRunGoesOn) {
  std::string dir = temp_dir("broken");
  std::string scenarios = dir + "/scenarios";
  fs::create_directories(scenarios);
  {
    std::ofstream(scenarios + "/bad-json.json") << "{\"name\": \"bad-json\", \n  \"hosts\": [1, }\n";
  }
  {
    auto j = nlohmann::ordered_json::parse(read(kScenarios + "/psk-basic.json"));
    j["name"] = "unknown-host";
    j["timeline"][0]["host"] = "venus";
    // Certificates and keys resolve against the original folder.
    std::ofstream(scenarios + "/unknown-host.json") << j.dump(2);
  }
  fs::copy_file(kScenarios + "/psk-basic.json", scenarios + "/psk-basic.json");
  RunnerOptions o;
  o.paths = {scenarios};
  o.out = dir + "/out";
  o.keep_going = true;
  auto run = run_scenarios(o);
  ASSERT_TRUE(run.ok()) << run.error().reason();
  ASSERT_EQ(run->scenarios.size(), 3u);
  std::map<std::string, const reports::ScenarioResult*> by;
  for (const auto& s : run->scenarios) by[s.name] = &s;
  ASSERT_TRUE(by.count("bad-json"));
  EXPECT_EQ(by["bad-json"]->status, reports::kError);
  EXPECT_NE(by["bad-json"]->error.find("bad-json.json:2:"), std::string::npos) << by["bad-json"]->error;
  ASSERT_TRUE(by.count("unknown-host"));
  EXPECT_EQ(by["unknown-host"]->status, reports::kError);
  EXPECT_NE(by["unknown-host"]->error.find("venus"), std::string::npos) << by["unknown-host"]->error;
  ASSERT_TRUE(by.count("psk-basic"));
  EXPECT_EQ(by["psk-basic"]->status, reports::kPassed) << failures(*by["psk-basic"]);
  auto counts = run->counts();
  EXPECT_EQ(counts.errors, 2u);
  EXPECT_EQ(counts.passed, 1u);
  for (const char* f : {"junit.xml", "results.json", "index.html"}) EXPECT_TRUE(fs::exists(o.out + "/" + f)) << f;
}

TEST(Runner, WithoutKeepGoingTheRestIsSkipped) {
  std::string dir = temp_dir("stop");
  fs::create_directories(dir + "/scenarios");
  std::ofstream(dir + "/scenarios/a-broken.json") << "{";
  fs::copy_file(kScenarios + "/psk-basic.json", dir + "/scenarios/psk-basic.json");
  RunnerOptions o;
  o.paths = {dir + "/scenarios"};
  o.out = "";
  auto run = run_scenarios(o);
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->scenarios.size(), 2u);
  EXPECT_EQ(run->scenarios[0].status, reports::kError);
  EXPECT_EQ(run->scenarios[1].status, reports::kSkipped);
  EXPECT_NE(run->scenarios[1].error.find("--keep-going"), std::string::npos);
}

// The runner library alone has no netns mode (harness/netns provides it to the command line):
// scenarios are skipped with the reason, never passed.
TEST(Runner, NetnsModeWithoutItsRunnerSkipsAndNeverPasses) {
  RunnerOptions o;
  o.paths = {kScenarios + "/psk-basic.json"};
  o.out = "";
  o.mode = RunMode::kNetns;
  auto run = run_scenarios(o);
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->scenarios.size(), 1u);
  EXPECT_EQ(run->scenarios[0].status, reports::kSkipped);
  EXPECT_EQ(run->scenarios[0].error, "netns mode is not available in this program");
}

TEST(Runner, FilterAndShard) {
  EXPECT_TRUE(matches_filter("rekey", "net2net-rekey", {}, "x.json"));
  EXPECT_TRUE(matches_filter("psk", "basic", {"psk"}, "x.json"));
  EXPECT_FALSE(matches_filter("ps", "basic", {"psk"}, "x.json"));
  EXPECT_TRUE(matches_filter("net2net-*", "net2net-rekey", {}, "x.json"));
  EXPECT_FALSE(matches_filter("*-psk", "net2net-rekey", {}, "x.json"));
  EXPECT_TRUE(matches_filter("ikev2/*", "a", {}, "ikev2/a.json"));
  RunnerOptions o;
  o.paths = {kScenarios};
  o.out = "";
  o.filters = {"proposal-*"};
  o.keep_going = true;
  o.shard_count = 2;
  o.shard_index = 1;
  auto first = run_scenarios(o);
  o.shard_index = 2;
  auto second = run_scenarios(o);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->scenarios.size() + second->scenarios.size(), 4u);
  for (const auto& s : first->scenarios)
    for (const auto& t : second->scenarios) EXPECT_NE(s.name, t.name);
  EXPECT_EQ(scenario_folder("scenarios/ikev2/psk-basic.json", "psk-basic"), "ikev2/psk-basic");
  EXPECT_EQ(scenario_folder("/tmp/x.json", "x"), "x");
}

TEST(SimRun, SameSeedSameBytes) {
  std::string a = temp_dir("det-a") + "/s", b = temp_dir("det-b") + "/s";
  Scenario s = load("net2net-rekey.json");
  auto ra = run_sim(s, options_in(a));
  auto rb = run_sim(s, options_in(b));
  EXPECT_EQ(read(a + "/capture.pcap"), read(b + "/capture.pcap"));
  EXPECT_EQ(read(a + "/moon.log"), read(b + "/moon.log"));
  EXPECT_EQ(read(a + "/ikev2_decryption_table"), read(b + "/ikev2_decryption_table"));
  ra.wall_seconds = rb.wall_seconds = 0;
  ra.artifacts.clear();
  rb.artifacts.clear();
  EXPECT_TRUE(ra == rb);
  // Another seed gives other SPIs and nonces.
  SimOptions other = options_in(temp_dir("det-c") + "/s");
  other.seed = 99;
  run_sim(s, other);
  EXPECT_NE(read(a + "/capture.pcap"), read(other.folder + "/capture.pcap"));
}

TEST(Decode, CaptureListsTheTraceMessages) {
  std::string dir = temp_dir("decode") + "/s";
  auto r = run_sim(load("net2net-rekey.json"), options_in(dir));
  decode::KeyRing keys;
  auto loaded = decode::load_keys(dir, keys);
  ASSERT_TRUE(loaded.ok()) << loaded.error().reason();
  EXPECT_GE(keys.size(), 1u);
  auto d = decode::decode_capture(dir + "/capture.pcap", keys);
  ASSERT_TRUE(d.ok()) << d.error().reason();
  ASSERT_EQ(d->messages.size(), r.messages.size());
  for (size_t i = 0; i < r.messages.size(); ++i) {
    EXPECT_EQ(d->messages[i].message.summary, r.messages[i].summary) << i;
    EXPECT_TRUE(!d->messages[i].message.encrypted || d->messages[i].message.decrypted) << i;
  }
  // Without keys the encrypted ones stay "E"/"EF".
  auto plain = decode::decode_capture(dir + "/capture.pcap", decode::KeyRing{});
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain->messages[2].message.summary.find(" E"), std::string::npos)
      << plain->messages[2].message.summary;
  std::string text = decode::render_text(*d);
  EXPECT_NE(text.find("CREATE_CHILD_SA"), std::string::npos);
}

TEST(Decode, UnreadableCaptureNamesTheProblem) {
  std::string dir = temp_dir("decode-bad");
  std::ofstream(dir + "/x.pcap") << "not a capture";
  auto d = decode::decode_capture(dir + "/x.pcap", decode::KeyRing{});
  EXPECT_FALSE(d.ok());
}

TEST(Tshark, Net2netRekeyCaptureDecryptsWithTheKeyTables) {
  if (std::system("command -v tshark >/dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed";
  std::string dir = temp_dir("tshark") + "/s";
  auto r = run_sim(load("net2net-rekey.json"), options_in(dir));
  std::string cmd = "WIRESHARK_CONFIG_DIR=" + dir + " tshark -r " + dir + "/capture.pcap -V 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  size_t correct = 0, pos = 0;
  while ((pos = out.find("Integrity Checksum Data", pos)) != std::string::npos) {
    size_t eol = out.find('\n', pos);
    EXPECT_NE(out.substr(pos, eol - pos).find("[correct]"), std::string::npos) << out.substr(pos, eol - pos);
    ++correct;
    pos = eol;
  }
  // Every encrypted message (each of its fragments, when fragmented) has a checked ICV.
  size_t encrypted = 0;
  for (const auto& m : r.messages) encrypted += m.encrypted ? 1 : 0;
  EXPECT_GE(correct, encrypted);
  EXPECT_GT(correct, 0u);
  EXPECT_NE(out.find("Delete"), std::string::npos);
}

}  // namespace
}  // namespace ikesuite::harness::run

namespace ikesuite::harness::run {
namespace {

std::vector<const reports::WireMessage*> messages_of(const reports::ScenarioResult& r, const std::string& from,
                                                     const std::string& exchange, bool response) {
  std::vector<const reports::WireMessage*> out;
  for (const auto& m : r.messages)
    if (m.from == from && m.exchange == exchange && m.response == response) out.push_back(&m);
  return out;
}

TEST(Impairments, DelayMessageHoldsTheRequestBack) {
  auto loaded = load_edited("psk-basic.json", [](nlohmann::ordered_json& j) {
    j["hosts"]["moon"]["conns"]["net-net"]["impair"] = {
        {{"impair", "delay_message"}, {"exchange", "IKE_AUTH"}, {"message", "request"}, {"delay", "1s"}}};
  });
  ASSERT_TRUE(loaded.ok());
  auto r = run_sim(*loaded.scenario, options_in(temp_dir("delay") + "/x"));
  auto auth = messages_of(r, "moon", "IKE_AUTH", false);
  ASSERT_FALSE(auth.empty());
  EXPECT_GE(auth.front()->t, 1.0);
  EXPECT_LT(auth.front()->t, 1.1);
}

TEST(Impairments, IgnoredRequestIsRetransmitted) {
  auto loaded = load_edited("psk-basic.json", [](nlohmann::ordered_json& j) {
    j["hosts"]["sun"]["conns"]["net-net"]["impair"] = {
        {{"impair", "ignore_message"}, {"exchange", "IKE_AUTH"}, {"message", "request"}, {"count", 1}}};
  });
  ASSERT_TRUE(loaded.ok());
  auto r = run_sim(*loaded.scenario, options_in(temp_dir("ignore") + "/x"));
  auto auth = messages_of(r, "moon", "IKE_AUTH", false);
  ASSERT_EQ(auth.size(), 2u);
  EXPECT_FALSE(auth[0]->retransmit);
  EXPECT_TRUE(auth[1]->retransmit);
  // RFC 7296 §2.1 with charon's defaults: the first retransmission after 4 s.
  EXPECT_NEAR(auth[1]->t - auth[0]->t, 4.0, 0.01);
  EXPECT_EQ(messages_of(r, "sun", "IKE_AUTH", true).size(), 1u);
}

TEST(Impairments, ForcedProposalIsRefused) {
  auto loaded = load_edited("psk-basic.json", [](nlohmann::ordered_json& j) {
    j["hosts"]["moon"]["conns"]["net-net"]["impair"] = {
        {{"impair", "force_proposal"}, {"exchange", "IKE_SA_INIT"}, {"proposal", "3des-md5-modp1024"}}};
    j["hosts"]["sun"]["conns"]["net-net"]["ike"] = "aes128-sha256-modp2048!";
  });
  std::string diags;
  for (const auto& d : loaded.diagnostics) diags += d.format() + "\n";
  ASSERT_TRUE(loaded.ok()) << diags;
  auto r = run_sim(*loaded.scenario, options_in(temp_dir("force") + "/x"));
  auto answers = messages_of(r, "sun", "IKE_SA_INIT", true);
  ASSERT_FALSE(answers.empty());
  EXPECT_EQ(answers.front()->summary, "IKE_SA_INIT response 0 [ N(NO_PROP) ]");
  EXPECT_EQ(r.status, reports::kFailed);
}

TEST(Impairments, MajorVersionIsAnsweredWithInvalidMajorVersion) {
  auto r = run_sim(load("invalid-major-version.json"), options_in(temp_dir("major") + "/x"));
  EXPECT_EQ(r.status, reports::kPassed) << failures(r);
}

}  // namespace
}  // namespace ikesuite::harness::run

namespace ikesuite::harness::run {
namespace {

TEST(Timeline, AfterEventsAreResolvedAsTheyHappen) {
  // A rekey 2 s after moon's Child SA is installed, and a note 1 s after that rekey action.
  auto loaded = load_edited("psk-basic.json", [](nlohmann::ordered_json& j) {
    j["timeline"].push_back({{"at", {{"after", {{"host", "moon"}, {"child_state", "INSTALLED"}, {"conn", "net-net"}}},
                                     {"delay", 2}}},
                             {"id", "late-rekey"},
                             {"host", "moon"},
                             {"action", "rekey"},
                             {"conn", "net-net"}});
    j["timeline"].push_back({{"at", {{"after", "late-rekey"}, {"delay", 1}}}, {"action", "note"}, {"text", "after the rekey"}});
  });
  std::string diags;
  for (const auto& d : loaded.diagnostics) diags += d.format() + "\n";
  ASSERT_TRUE(loaded.ok()) << diags;
  auto r = run_sim(*loaded.scenario, options_in(temp_dir("after") + "/x"));
  auto rekeys = messages_of(r, "moon", "CREATE_CHILD_SA", false);
  ASSERT_EQ(rekeys.size(), 1u);
  EXPECT_NEAR(rekeys.front()->t, 2.002, 0.01);
  bool noted = false;
  for (const auto& e : r.events)
    if (e.kind == "note" && e.text == "note: after the rekey") {
      noted = true;
      EXPECT_NEAR(e.t, rekeys.front()->t + 1.0, 0.01);
    }
  EXPECT_TRUE(noted);
}

}  // namespace
}  // namespace ikesuite::harness::run
