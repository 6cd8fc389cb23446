// The small rules of the model the writers share: groups, counts, labels, times.
#include <gtest/gtest.h>

#include "reports/src/model.h"
#include "tests/reports/sample_runs.h"

namespace ikesuite::reports {
namespace {

ScenarioResult in_file(const std::string& file) {
  ScenarioResult s;
  s.file = file;
  return s;
}

TEST(Model, GroupIsTheFolderBelowScenarios) {
  EXPECT_EQ(scenario_group(in_file("scenarios/ikev2/net2net-rekey.json")), "ikev2");
  EXPECT_EQ(scenario_group(in_file("scenarios/ikev2/rekey/collision.json")), "ikev2.rekey");
  EXPECT_EQ(scenario_group(in_file("/home/ci/ikesuite/scenarios/ikev1/main-mode.json")), "ikev1");
  EXPECT_EQ(scenario_group(in_file("scenarios/top-level.json")), "scenarios");
  EXPECT_EQ(scenario_group(in_file("")), "scenarios");
  EXPECT_EQ(scenario_group(in_file("local.json")), "scenarios");
  // Outside a scenarios/ tree the innermost folder names the group.
  EXPECT_EQ(scenario_group(in_file("/tmp/mine/interop/x.json")), "interop");
}

TEST(Model, CountsByStatus) {
  RunResult run = testing::sample_run();
  EXPECT_EQ(run.counts(), (Counts{4, 1, 1, 1, 1}));
  run.scenarios.push_back(run.scenarios[0]);
  run.scenarios.back().status = "crashed";  // an unknown status counts as an error
  EXPECT_EQ(run.counts(), (Counts{5, 1, 1, 2, 1}));
  EXPECT_EQ(RunResult{}.counts(), Counts{});
}

TEST(Model, FirstFailure) {
  ScenarioResult s = testing::failing_lossy_auth();
  ASSERT_NE(first_failure(s), nullptr);
  EXPECT_EQ(first_failure(s)->id, "established-in-time");
  EXPECT_EQ(first_failure(testing::passing_rekey()), nullptr);
}

TEST(Model, MessageLabelReadsLikeTheFigures) {
  ScenarioResult s = testing::passing_rekey();
  EXPECT_EQ(message_label(s.messages[4]), "CREATE_CHILD_SA req MID 2 [N(REKEY_SA) SA No TSi TSr]");
  EXPECT_EQ(message_label(s.messages[7]), "INFORMATIONAL resp MID 3 [D]");
  WireMessage v1;
  v1.ike_version = 1;
  v1.payloads = {"HASH", "SA", "No", "ID", "ID"};
  v1.message_id = 0x1234abcd;
  EXPECT_EQ(message_label(v1), "ISAKMP req MID 305441741 [HASH SA No ID ID]");
  WireMessage empty;
  EXPECT_EQ(message_label(empty), "IKE req MID 0 []");
}

TEST(Model, TimesHaveMicrosecondPrecision) {
  EXPECT_EQ(format_time(0), "0.000000");
  EXPECT_EQ(format_time(5.0151), "5.015100");
  EXPECT_EQ(format_time(12345.6789004), "12345.678900");
  EXPECT_EQ(format_time(1e300).substr(0, 3), "100");
}

}  // namespace
}  // namespace ikesuite::reports
