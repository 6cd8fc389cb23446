// JUnit XML checked by libxml2 (xmllint): well-formed, valid against the Jenkins/GitLab
// schema (tests/reports/junit.xsd), and holding one testcase per scenario with the right
// outcome element and text.
#include <gtest/gtest.h>

#include <limits>

#include "reports/src/junit.h"
#include "tests/reports/sample_runs.h"
#include "tests/reports/test_util.h"

namespace ikesuite::reports {
namespace {

using testing::count_of;
using testing::run_command;
using testing::TempDir;

class JunitTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  // Writes the document and checks it with xmllint: well-formed and schema-valid.
  std::string write_and_validate(const RunResult& run, const std::string& name = "junit.xml") {
    std::string path = dir_.file(name);
    EXPECT_TRUE(write_junit(run, path).ok());
    auto wf = run_command("xmllint --noout '" + path + "'");
    EXPECT_EQ(wf.exit_code, 0) << wf.output;
    auto valid = run_command("xmllint --noout --schema '" + testing::source_path("tests/reports/junit.xsd") +
                             "' '" + path + "'");
    EXPECT_EQ(valid.exit_code, 0) << valid.output;
    return path;
  }

  // The string value of an XPath expression over the document, as libxml2 computes it.
  std::string xpath(const std::string& path, const std::string& expression) {
    auto r = run_command("xmllint --xpath '" + expression + "' '" + path + "'");
    EXPECT_EQ(r.exit_code, 0) << expression << ": " << r.output;
    if (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();  // xmllint adds one
    return r.output;
  }

  TempDir dir_;
};

TEST_F(JunitTest, SampleRunIsValidWithOneTestcasePerScenario) {
  REQUIRE_XMLLINT();
  std::string path = write_and_validate(testing::sample_run());
  EXPECT_EQ(xpath(path, "count(/testsuites/testsuite)"), "1");
  EXPECT_EQ(xpath(path, "count(//testcase)"), "4");
  EXPECT_EQ(xpath(path, "string(/testsuites/testsuite/@tests)"), "4");
  EXPECT_EQ(xpath(path, "string(/testsuites/testsuite/@failures)"), "1");
  EXPECT_EQ(xpath(path, "string(/testsuites/testsuite/@errors)"), "1");
  EXPECT_EQ(xpath(path, "string(/testsuites/testsuite/@skipped)"), "1");
  EXPECT_EQ(xpath(path, "string(/testsuites/testsuite/@time)"), "0.250");
  EXPECT_EQ(xpath(path, "string(/testsuites/testsuite/@timestamp)"), "2024-05-01T12:00:00");
  EXPECT_EQ(xpath(path, "string(//property[@name=\"seed\"]/@value)"), "1");
  EXPECT_EQ(xpath(path, "string(//property[@name=\"command\"]/@value)"), "ikesuite run --seed 1 scenarios/ikev2");
  // classname is the scenario's folder, name the scenario, time its wall seconds.
  EXPECT_EQ(xpath(path, "string(//testcase[1]/@classname)"), "ikev2");
  EXPECT_EQ(xpath(path, "string(//testcase[1]/@name)"), "net2net-rekey");
  EXPECT_EQ(xpath(path, "string(//testcase[1]/@time)"), "0.042");
  EXPECT_EQ(xpath(path, "string(//testcase[2]/@classname)"), "ikev2.lossy");
  EXPECT_EQ(xpath(path, "string(//testcase[4]/@classname)"), "netns");
}

TEST_F(JunitTest, OutcomeElementsCarryTheRightMessages) {
  REQUIRE_XMLLINT();
  std::string path = write_and_validate(testing::sample_run());
  // The passing scenario has no outcome element.
  EXPECT_EQ(xpath(path, "count(//testcase[@name=\"net2net-rekey\"]/*[name()!=\"system-out\"])"), "0");

  // The failure names the first unmet expectation with expected and actual.
  const std::string failure = "//testcase[@name=\"lossy-ike-auth\"]/failure";
  EXPECT_EQ(xpath(path, "count(//testcase[@name=\"lossy-ike-auth\"]/*[name()!=\"system-out\"])"), "1");
  EXPECT_EQ(xpath(path, "string(" + failure + "/@message)"),
            "expectation established-in-time not met: expected moon IKE ESTABLISHED by t=10.000, got "
            "ESTABLISHED at t=11.216 after 2 retransmissions");
  EXPECT_EQ(xpath(path, "string(" + failure + "/@type)"), "expectation");
  std::string body = xpath(path, "string(" + failure + ")");
  EXPECT_NE(body.find("expectation established-in-time: The IKE SA is ESTABLISHED on moon within 10 s despite "
                      "the losses. (RFC 7296 §2.1)"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("expected: moon IKE ESTABLISHED by t=10.000\nactual:   ESTABLISHED at t=11.216"),
            std::string::npos);
  // The messages around it, the related ones marked.
  EXPECT_NE(body.find(">    11.210000  #5  moon -> sun  IKE_AUTH req MID 1 [IDi N(INIT_CONTACT) IDr AUTH SA TSi "
                      "TSr]  (retransmit)"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(">    11.214000  #6  sun -> moon  IKE_AUTH resp MID 1"), std::string::npos);
  EXPECT_NE(body.find("\n      4.010000  #4  moon -> sun  IKE_AUTH req MID 1 [IDi N(INIT_CONTACT) IDr AUTH SA TSi "
                      "TSr]  (dropped)  (retransmit)"),
            std::string::npos);
  EXPECT_NE(body.find("other unmet expectations: child-on-sun"), std::string::npos);

  // A scenario that could not run is an error with its first line as the message.
  const std::string error = "//testcase[@name=\"broken-lifetime\"]/error";
  EXPECT_EQ(xpath(path, "string(" + error + "/@message)"),
            "scenarios/ikev2/broken-lifetime.json:14:22: $.hosts.moon.conns.net-net.lifetime: \"ten\" is not a "
            "duration");
  EXPECT_EQ(xpath(path, "string(" + error + "/@type)"), "scenario-error");
  EXPECT_NE(xpath(path, "string(" + error + ")").find("hint: durations look like"), std::string::npos);

  // A skipped scenario says why.
  EXPECT_EQ(xpath(path, "string(//testcase[@name=\"xfrm-install-failure\"]/skipped/@message)"),
            "netns mode needs root");

  // system-out has the scenario file, the seed and the message flow.
  std::string out = xpath(path, "string(//testcase[@name=\"net2net-rekey\"]/system-out)");
  EXPECT_NE(out.find("scenario: scenarios/ikev2/net2net-rekey.json"), std::string::npos) << out;
  EXPECT_NE(out.find("mode sim, seed 1"), std::string::npos);
  EXPECT_NE(out.find("  5.015000  #5  moon -> sun  CREATE_CHILD_SA req MID 2 [N(REKEY_SA) SA No TSi TSr]"),
            std::string::npos);
  EXPECT_NE(out.find("capture: ikev2/net2net-rekey/capture.pcap"), std::string::npos);
}

TEST_F(JunitTest, HostileTextStaysText) {
  REQUIRE_XMLLINT();
  RunResult run = testing::sample_run();
  run.scenarios[0].name = testing::kHostileText;
  run.scenarios[2].error = testing::kHostileText + "\n" + testing::kHostileText;
  run.command = testing::kHostileText;
  std::string path = write_and_validate(run);
  std::string xml = testing::read_text(path);
  EXPECT_EQ(xml.find("<svg"), std::string::npos);
  EXPECT_EQ(xml.find("</script>"), std::string::npos);
  EXPECT_EQ(count_of(xml, "]]>"), 0u);
  // What libxml2 reads back is the text with its control bytes shown and invalid bytes
  // replaced.
  std::string name = xpath(path, "string(//testcase[1]/@name)");
  EXPECT_EQ(name,
            "peer said </script><svg onload=alert(1)> ]]> & \"quoted\" 'single' \\x01\\x1b[31m\\x7f\\u0085 "
            "bad:\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
  std::string error = xpath(path, "string(//testcase[3]/error/@message)");
  EXPECT_EQ(error, name);  // the first line only
}

TEST_F(JunitTest, LongTextIsShortenedInAttributesOnly) {
  REQUIRE_XMLLINT();
  RunResult run = testing::sample_run();
  std::string huge;
  for (int i = 0; i < 5000; ++i) huge += "N(REKEY_SA) SA No KE TSi TSr ";
  run.scenarios[1].expectations[1].actual = huge;
  std::string path = write_and_validate(run);
  std::string message = xpath(path, "string(//testcase[2]/failure/@message)");
  EXPECT_LE(message.size(), 520u);
  EXPECT_EQ(message.substr(message.size() - 3), "\xE2\x80\xA6");
  EXPECT_NE(xpath(path, "string(//testcase[2]/failure)").find(huge), std::string::npos);
}

TEST_F(JunitTest, EdgeCasesStayValid) {
  REQUIRE_XMLLINT();
  RunResult empty;
  std::string path = write_and_validate(empty, "empty.xml");
  EXPECT_EQ(xpath(path, "string(/testsuites/testsuite/@tests)"), "0");
  EXPECT_EQ(xpath(path, "count(//testcase)"), "0");

  RunResult odd = testing::sample_run();
  odd.started_at = "yesterday";  // not ISO 8601: left out rather than invalid
  odd.wall_seconds = -1;
  odd.scenarios[0].wall_seconds = std::numeric_limits<double>::quiet_NaN();
  odd.scenarios[0].status = "crashed";  // unknown status: an error of that type
  odd.scenarios[0].error = "";
  odd.scenarios[1].expectations.clear();  // failed without a failed expectation
  odd.scenarios[1].error = "peer process exited with status 139";
  path = write_and_validate(odd, "odd.xml");
  EXPECT_EQ(xpath(path, "count(/testsuites/testsuite/@timestamp)"), "0");
  EXPECT_EQ(xpath(path, "string(/testsuites/testsuite/@time)"), "0.000");
  EXPECT_EQ(xpath(path, "string(//testcase[1]/@time)"), "0.000");
  EXPECT_EQ(xpath(path, "string(//testcase[1]/error/@type)"), "crashed");
  EXPECT_EQ(xpath(path, "string(//testcase[1]/error/@message)"), "scenario ended with status 'crashed'");
  EXPECT_EQ(xpath(path, "string(//testcase[2]/failure/@message)"), "peer process exited with status 139");
  EXPECT_EQ(xpath(path, "string(/testsuites/testsuite/@errors)"), "2");
}

TEST(FailureDetails, WindowAroundTheExpectation) {
  ScenarioResult s = testing::long_rekeying(20);  // 84 messages
  Expectation e;
  e.id = "late-rekey";
  e.expected = "a";
  e.actual = "b";
  e.related_messages = {40, 41, 500};  // an index out of range is ignored
  std::string text = failure_details(s, e);
  EXPECT_EQ(count_of(text, "\n> "), 2u);
  EXPECT_NE(text.find("#39 "), std::string::npos);  // two before
  EXPECT_NE(text.find("#44 "), std::string::npos);  // two after
  EXPECT_EQ(text.find("#38 "), std::string::npos);
  EXPECT_EQ(text.find("#45 "), std::string::npos);

  // Without related messages, the window is around the expectation's time.
  Expectation timed = e;
  timed.related_messages.clear();
  timed.t = 100.0;
  text = failure_details(s, timed);
  EXPECT_NE(text.find("at t=100.000000"), std::string::npos);
  EXPECT_NE(text.find("\n    100.000000  #41 "), std::string::npos) << text;
  EXPECT_NE(text.find("#37 "), std::string::npos);  // four before
  EXPECT_NE(text.find("#43 "), std::string::npos);  // two after
  EXPECT_EQ(text.find("#36 "), std::string::npos);
  EXPECT_EQ(text.find("#44 "), std::string::npos);
  EXPECT_EQ(count_of(text, "\n> "), 0u);

  // Without either, the last messages of the run.
  Expectation untimed = e;
  untimed.related_messages.clear();
  text = failure_details(s, untimed);
  EXPECT_NE(text.find("#84 "), std::string::npos);
  EXPECT_EQ(text.find("#78 "), std::string::npos);
}

TEST(FailureDetails, MessageFlowIsBounded) {
  ScenarioResult s = testing::long_rekeying(10);  // 44 messages
  std::string flow = message_flow_text(s, 40);
  EXPECT_EQ(count_of(flow, "\n"), 41u);
  EXPECT_NE(flow.find("... 4 more messages"), std::string::npos);
  EXPECT_EQ(count_of(message_flow_text(s), "\n"), 44u);
}

}  // namespace
}  // namespace ikesuite::reports
