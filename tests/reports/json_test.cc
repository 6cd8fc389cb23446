// results.json: a faithful, stable, versioned round trip, and a reader that refuses what it
// cannot trust with the JSON path of the bad value.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>

#include "reports/src/json.h"
#include "reports/src/output.h"
#include "reports/src/text.h"
#include "tests/reports/sample_runs.h"
#include "tests/reports/test_util.h"

namespace ikesuite::reports {
namespace {

using json = nlohmann::ordered_json;
using testing::sample_run;
using testing::TempDir;

// The sample run with every string valid UTF-8 (JSON cannot carry the hostile text's invalid
// bytes; they become U+FFFD, tested separately).
RunResult valid_sample() {
  RunResult run = sample_run();
  for (auto& s : run.scenarios) {
    for (auto& e : s.events) e.text = sanitize_utf8(e.text);
    for (auto& e : s.expectations) e.actual = sanitize_utf8(e.actual);
  }
  return run;
}

// Edits one value of the rendered sample and parses the result.
Result<RunResult> parse_with(const std::function<void(json&)>& edit) {
  json j = json::parse(render_json(valid_sample()));
  edit(j);
  return parse_run_result(j.dump());
}

std::string reason_of(const Result<RunResult>& r) { return r.ok() ? "(parsed)" : r.error().reason(); }

TEST(Json, RoundTripKeepsEveryField) {
  RunResult run = valid_sample();
  run.scenarios.push_back(testing::long_rekeying(3));
  run.scenarios[0].messages[0].frame.reset();
  run.scenarios[0].expectations[0].t.reset();
  run.scenarios[0].seed = UINT64_MAX;  // the full range survives
  run.scenarios[0].messages[1].message_id = UINT32_MAX;
  run.scenarios[0].messages[1].t = 0.1 + 0.2;  // a double that needs 17 digits
  auto parsed = parse_run_result(render_json(run));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_TRUE(*parsed == run);
  // Field by field for a readable failure if the whole comparison fails.
  ASSERT_EQ(parsed->scenarios.size(), run.scenarios.size());
  for (size_t i = 0; i < run.scenarios.size(); ++i) {
    const auto& a = parsed->scenarios[i];
    const auto& b = run.scenarios[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_TRUE(a.messages == b.messages) << a.name;
    EXPECT_TRUE(a.events == b.events) << a.name;
    EXPECT_TRUE(a.expectations == b.expectations) << a.name;
    EXPECT_TRUE(a.hosts == b.hosts) << a.name;
    EXPECT_EQ(a.artifacts, b.artifacts);
    EXPECT_EQ(a.notes, b.notes);
  }
  EXPECT_EQ(parsed->counts(), run.counts());
}

TEST(Json, RenderingIsStable) {
  std::string first = render_json(valid_sample());
  auto parsed = parse_run_result(first);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(render_json(*parsed), first);
  EXPECT_EQ(first.back(), '\n');
}

TEST(Json, DocumentShapeIsFixed) {
  json j = json::parse(render_json(sample_run()));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"schema_version", "tool_version", "started_at", "mode", "seed",
                                            "wall_seconds", "command", "counts", "scenarios"}));
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["counts"], json::parse(R"({"total":4,"passed":1,"failed":1,"errors":1,"skipped":1})"));
  const json& s = j["scenarios"][1];
  EXPECT_EQ(s["group"], "ikev2.lossy");
  EXPECT_EQ(s["status"], "failed");
  // Absent optionals are written as null, not left out.
  const json& skipped = j["scenarios"][3];
  EXPECT_TRUE(skipped.contains("messages"));
  EXPECT_TRUE(skipped["messages"].empty());
  RunResult run = sample_run();
  run.scenarios[0].messages[0].frame.reset();
  json k = json::parse(render_json(run));
  EXPECT_TRUE(k["scenarios"][0]["messages"][0]["frame"].is_null());
  std::vector<std::string> message_keys;
  for (auto it = k["scenarios"][0]["messages"][0].begin(); it != k["scenarios"][0]["messages"][0].end(); ++it)
    message_keys.push_back(it.key());
  EXPECT_EQ(message_keys, (std::vector<std::string>{"t", "from", "to", "src", "dst", "ike_version", "exchange",
                                                    "response", "message_id", "payloads", "summary", "bytes",
                                                    "fate", "retransmit", "encrypted", "decrypted", "frame",
                                                    "note"}));
}

TEST(Json, InvalidUtf8IsReplacedNotFatal) {
  RunResult run = sample_run();  // carries the hostile text with its invalid bytes
  std::string text = render_json(run);
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);
  auto parsed = parse_run_result(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  const std::string& actual = parsed->scenarios[1].expectations[2].actual;
  EXPECT_EQ(actual, sanitize_utf8(run.scenarios[1].expectations[2].actual));
  EXPECT_NE(actual.find("</script><svg onload=alert(1)> ]]>"), std::string::npos);
}

TEST(Json, RefusesAnotherSchemaVersion) {
  for (int version : {0, 2, 99, -1}) {
    auto r = parse_with([&](json& j) { j["schema_version"] = version; });
    ASSERT_FALSE(r.ok()) << version;
    EXPECT_EQ(r.error().code(), ErrorCode::kUnsupported);
    EXPECT_NE(r.error().reason().find("schema_version " + std::to_string(version)), std::string::npos)
        << r.error().reason();
  }
  auto missing = parse_with([](json& j) { j.erase("schema_version"); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kMalformed);
  EXPECT_NE(reason_of(missing).find("no schema_version"), std::string::npos);
  for (json bad : {json("1"), json(1.0), json(nullptr), json::array({1})}) {
    auto r = parse_with([&](json& j) { j["schema_version"] = bad; });
    ASSERT_FALSE(r.ok()) << bad.dump();
    EXPECT_EQ(r.error().code(), ErrorCode::kMalformed) << bad.dump();
    EXPECT_NE(reason_of(r).find("$.schema_version: expected an integer"), std::string::npos) << reason_of(r);
  }
}

TEST(Json, RefusesWhatIsNotJson) {
  for (std::string text : std::vector<std::string>{"", "{", "{\"schema_version\": 1,}", "nul",
                                                  "{\"schema_version\": 1} trailing", "{\"a\":\"\xFF\"}"}) {
    auto r = parse_run_result(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code(), ErrorCode::kMalformed);
    EXPECT_NE(r.error().reason().find("not valid JSON"), std::string::npos) << r.error().reason();
    EXPECT_TRUE(r.error().offset().has_value());
  }
  for (std::string text : std::vector<std::string>{"[]", "1", "\"results\"", "null"}) {
    auto r = parse_run_result(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().reason().find("$: expected a results object"), std::string::npos) << r.error().reason();
  }
}

TEST(Json, WrongTypesAndRangesNameTheirPath) {
  struct Case {
    std::function<void(json&)> edit;
    std::string reason;
  };
  auto msg0 = [](json& j) -> json& { return j["scenarios"][0]["messages"][0]; };
  std::vector<Case> cases = {
      {[&](json& j) { msg0(j)["message_id"] = -1; },
       "$.scenarios[0].messages[0].message_id: expected an unsigned integer up to 4294967295, found number -1"},
      {[&](json& j) { msg0(j)["message_id"] = 4294967296ull; },
       "$.scenarios[0].messages[0].message_id: expected an unsigned integer up to 4294967295"},
      {[&](json& j) { msg0(j)["message_id"] = "2"; },
       "$.scenarios[0].messages[0].message_id: expected an unsigned integer up to 4294967295, found string \"2\""},
      {[&](json& j) { msg0(j)["message_id"] = 1.5; }, "$.scenarios[0].messages[0].message_id: expected"},
      {[&](json& j) { msg0(j)["ike_version"] = 2.0; }, "$.scenarios[0].messages[0].ike_version: expected an integer"},
      {[&](json& j) { msg0(j)["response"] = "yes"; }, "$.scenarios[0].messages[0].response: expected true or false"},
      {[&](json& j) { msg0(j)["response"] = 1; }, "$.scenarios[0].messages[0].response: expected true or false"},
      {[&](json& j) { msg0(j)["t"] = "0.5"; }, "$.scenarios[0].messages[0].t: expected a number"},
      {[&](json& j) { msg0(j)["payloads"] = "SA KE"; }, "$.scenarios[0].messages[0].payloads: expected an array"},
      {[&](json& j) { msg0(j)["payloads"][1] = 33; }, "$.scenarios[0].messages[0].payloads[1]: expected a string"},
      {[&](json& j) { msg0(j)["bytes"] = -5; }, "$.scenarios[0].messages[0].bytes: expected an unsigned integer"},
      {[&](json& j) { msg0(j)["frame"] = "1"; }, "$.scenarios[0].messages[0].frame: expected an unsigned integer"},
      {[&](json& j) { j["scenarios"][0]["messages"][3] = "IKE_AUTH"; },
       "$.scenarios[0].messages[3]: expected a message object"},
      {[&](json& j) { j["scenarios"][1]["expectations"][1]["passed"] = "false"; },
       "$.scenarios[1].expectations[1].passed: expected true or false"},
      {[&](json& j) { j["scenarios"][1]["expectations"][1]["related_messages"] = json::array({4, -1}); },
       "$.scenarios[1].expectations[1].related_messages[1]: expected an unsigned integer"},
      {[&](json& j) { j["scenarios"][1]["events"][0] = nullptr; }, "$.scenarios[1].events[0]: expected an event object"},
      {[&](json& j) { j["scenarios"][0]["hosts"][1]["addresses"] = json::array({json::object()}); },
       "$.scenarios[0].hosts[1].addresses[0]: expected a string, found object"},
      {[&](json& j) { j["scenarios"][0]["artifacts"]["log:moon"] = 5; },
       "$.scenarios[0].artifacts[\"log:moon\"]: expected a string, found number 5"},
      {[&](json& j) { j["scenarios"][0]["artifacts"] = json::array(); }, "$.scenarios[0].artifacts: expected an object"},
      {[&](json& j) { j["scenarios"][2]["seed"] = -7; }, "$.scenarios[2].seed: expected an unsigned integer"},
      {[&](json& j) { j["scenarios"][2] = "broken"; }, "$.scenarios[2]: expected a scenario object"},
      {[&](json& j) { j["scenarios"] = json::object(); }, "$.scenarios: expected an array"},
      {[&](json& j) { j["wall_seconds"] = true; }, "$.wall_seconds: expected a number"},
  };
  for (const auto& c : cases) {
    auto r = parse_with(c.edit);
    ASSERT_FALSE(r.ok()) << c.reason;
    EXPECT_EQ(r.error().code(), ErrorCode::kMalformed);
    EXPECT_EQ(r.error().reason().substr(0, c.reason.size()), c.reason) << r.error().reason();
  }
}

TEST(Json, MissingKeysAndNullsTakeDefaultsAndUnknownKeysAreIgnored) {
  auto r = parse_run_result(R"({"schema_version": 1, "future_key": {"x": [1, 2]},
    "scenarios": [{"name": "minimal", "messages": [{"exchange": "IKE_SA_INIT", "frame": null, "later": 1}],
                   "expectations": [{"id": "e", "t": null}], "status": null}]})");
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->scenarios.size(), 1u);
  const ScenarioResult& s = r->scenarios[0];
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.status, kPassed);
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_EQ(s.messages[0].exchange, "IKE_SA_INIT");
  EXPECT_EQ(s.messages[0].ike_version, 2);
  EXPECT_EQ(s.messages[0].fate, "delivered");
  EXPECT_FALSE(s.messages[0].frame.has_value());
  EXPECT_FALSE(s.expectations[0].t.has_value());
  EXPECT_FALSE(s.expectations[0].passed);
  // "counts" and "group" are derived: values in the file do not override them.
  auto derived = parse_with([](json& j) {
    j["counts"]["passed"] = 1000;
    j["scenarios"][0]["group"] = "elsewhere";
  });
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(derived->counts().passed, 1u);
  EXPECT_EQ(scenario_group(derived->scenarios[0]), "ikev2");
}

TEST(Json, NlohmannConversionsCheckTheSameWay) {
  json j = testing::passing_rekey();
  ScenarioResult back = j.get<ScenarioResult>();
  EXPECT_TRUE(back == testing::passing_rekey());
  j["messages"][0]["response"] = "no";
  EXPECT_THROW(j.get<ScenarioResult>(), json::other_error);
  try {
    (void)j.get<ScenarioResult>();
  } catch (const json::other_error& e) {
    EXPECT_NE(std::string(e.what()).find("$.messages[0].response: expected true or false"), std::string::npos)
        << e.what();
  }
}

TEST(Json, WritesAtomicallyAndReadsBack) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.file("latest/nested/results.json");
  RunResult run = valid_sample();
  ASSERT_TRUE(write_json(run, path).ok());
  auto back = read_json(path);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_TRUE(*back == run);
  // Only the document is left in the folder: no temporary file.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.file("latest/nested"))) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "results.json");
  }
  EXPECT_EQ(files, 1u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  // Rewriting replaces the document as a whole.
  run.scenarios.resize(1);
  ASSERT_TRUE(write_json(run, path).ok());
  EXPECT_EQ(read_json(path)->scenarios.size(), 1u);
}

TEST(Json, ReadErrorsNameTheFile) {
  TempDir dir;
  auto missing = read_json(dir.file("absent.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kSystem);
  std::string path = dir.file("v2.json");
  testing::write_text(path, R"({"schema_version": 2})");
  auto newer = read_json(path);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(newer.error().message().find(path), std::string::npos) << newer.error().message();
  // A folder where the file should go cannot be written over.
  std::filesystem::create_directories(dir.file("taken/results.json"));
  EXPECT_FALSE(write_json(valid_sample(), dir.file("taken/results.json")).ok());
}

}  // namespace
}  // namespace ikesuite::reports
