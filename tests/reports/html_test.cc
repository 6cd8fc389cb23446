// The HTML report: well-formed (as XML, which it is written to be, and to libxml2's HTML
// parser), self-contained, safe with hostile text, and showing what a reader needs: failed
// expectations marked, dropped messages drawn with a cross, notes on the lifelines, large
// scenarios drawn in full.
#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "reports/src/html.h"
#include "tests/reports/sample_runs.h"
#include "tests/reports/test_util.h"

namespace ikesuite::reports {
namespace {

using testing::count_of;
using testing::run_command;
using testing::TempDir;

class HtmlTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  // Writes the page and checks it with xmllint, as XML and as HTML. libxml2's HTML parser
  // knows HTML 4 only, so it reports every HTML5 and SVG element as an invalid tag; those
  // reports are expected, anything else (a mismatched or unclosed tag, a broken attribute)
  // fails the test.
  std::string write_and_check(const RunResult& run, const HtmlOptions& options = {}) {
    std::string path = dir_.file("report.html");
    EXPECT_TRUE(write_html(run, path, options).ok());
    auto xml = run_command("xmllint --noout '" + path + "'");
    EXPECT_EQ(xml.exit_code, 0) << xml.output.substr(0, 2000);
    auto html = run_command("xmllint --html --noout '" + path + "'");
    std::istringstream lines(html.output);
    std::string line, unexpected;
    while (std::getline(lines, line))
      if (line.find("parser error") != std::string::npos && line.find(" invalid") == std::string::npos)
        unexpected += line + "\n";
    EXPECT_EQ(unexpected, "");
    return path;
  }

  std::string xpath(const std::string& path, const std::string& expression) {
    auto r = run_command("xmllint --xpath '" + expression + "' '" + path + "'");
    EXPECT_EQ(r.exit_code, 0) << expression << ": " << r.output.substr(0, 500);
    if (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
    return r.output;
  }

  TempDir dir_;
};

// The markup of the scenario section with the given anchor.
std::string section(const std::string& page, const std::string& id) {
  size_t start = page.find("<section class=\"scenario panel\" id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  size_t end = page.find("</section>", start);
  return page.substr(start, end - start);
}

TEST_F(HtmlTest, WellFormedAndSelfContained) {
  REQUIRE_XMLLINT();
  std::string path = write_and_check(testing::sample_run());
  std::string page = testing::read_text(path);
  EXPECT_EQ(page.substr(0, 16), "<!DOCTYPE html>\n");
  // Nothing is fetched: no external scripts, styles, fonts or images.
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(count_of(page, "http://"), count_of(page, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(count_of(page, "url("), count_of(page, "url(#"));
  // One style, one script, both inline.
  EXPECT_EQ(count_of(page, "<style>"), 1u);
  EXPECT_EQ(count_of(page, "<script>"), 1u);
  // The summary.
  EXPECT_EQ(xpath(path, "string(//title)"), "ikesuite report — 1 passed, 1 failed, 1 errors");
  EXPECT_NE(page.find(">4 scenarios</span>"), std::string::npos);
  EXPECT_NE(page.find("seed <code>1</code>"), std::string::npos);
  EXPECT_NE(page.find("mode <code>sim</code>"), std::string::npos);
  EXPECT_EQ(xpath(path, "count(//table[@class=\"scenarios\"]/tbody/tr)"), "4");
  EXPECT_EQ(xpath(path, "string(//table[@class=\"scenarios\"]/tbody/tr[2]/@data-status)"), "failed");
  EXPECT_EQ(xpath(path, "string(//table[@class=\"scenarios\"]/tbody/tr[2]/td[5])"), "1 / 3");
}

TEST_F(HtmlTest, FailuresAreMarkedInRed) {
  REQUIRE_XMLLINT();
  std::string path = write_and_check(testing::sample_run());
  // Non-passing scenarios are open, the passing one closed.
  EXPECT_EQ(xpath(path, "count(//section[@id=\"scenario-1\"]/details[@open])"), "0");
  EXPECT_EQ(xpath(path, "count(//section[@id=\"scenario-2\"]/details[@open])"), "1");
  EXPECT_EQ(xpath(path, "count(//section[@id=\"scenario-3\"]/details[@open])"), "1");
  // The expectations table: one failed row per unmet expectation, with expected and actual.
  const std::string rows = "//section[@id=\"scenario-2\"]//table[@class=\"expectations\"]/tbody/tr";
  EXPECT_EQ(xpath(path, "count(" + rows + "[@class=\"fail\"])"), "2");
  EXPECT_EQ(xpath(path, "count(" + rows + "[@class=\"pass\"])"), "1");
  EXPECT_EQ(xpath(path, "string(" + rows + "[2]/td[1])"), "FAIL");
  EXPECT_EQ(xpath(path, "string(" + rows + "[2]/td[3])"), "RFC 7296 §2.1");
  EXPECT_EQ(xpath(path, "string(" + rows + "[2]/td[4])"), "moon IKE ESTABLISHED by t=10.000");
  EXPECT_EQ(xpath(path, "string(" + rows + "[2]/td[5])"), "ESTABLISHED at t=11.216 after 2 retransmissions");
  EXPECT_NE(xpath(path, "string(" + rows + "[3]/td[5])").find("known deviation: the simulated peer"),
            std::string::npos);
  // In the diagram the related messages are drawn as failed and carry the expectation's id.
  std::string page = testing::read_text(path);
  std::string failing = section(page, "scenario-2");
  EXPECT_NE(failing.find("<g class=\"msg msg-req msg-fail msg-retransmit\" data-index=\"4\">"), std::string::npos);
  EXPECT_NE(failing.find("<g class=\"msg msg-resp msg-fail\" data-index=\"5\">"), std::string::npos);
  EXPECT_EQ(count_of(failing, "\">\xE2\x9C\x97 established-in-time</text>"), 2u);
  EXPECT_EQ(count_of(failing, "marker-end=\"url(#d2-fail)\""), 2u);
  // The failed expectation without messages is a red line across the diagram at its time.
  EXPECT_EQ(count_of(failing, "<g class=\"verdict\">"), 1u);
  EXPECT_NE(failing.find(">14.500</text>"), std::string::npos);
  // Nothing is red in the passing scenario.
  std::string passing = section(page, "scenario-1");
  EXPECT_EQ(passing.find("msg-fail"), std::string::npos);
  EXPECT_EQ(passing.find("<g class=\"verdict\""), std::string::npos);
  // The error and the skip reason are shown.
  EXPECT_NE(section(page, "scenario-3").find("<div class=\"problem\">scenarios/ikev2/broken-lifetime.json:14:22"),
            std::string::npos);
  EXPECT_NE(section(page, "scenario-4").find("<div class=\"problem skipped\">netns mode needs root</div>"),
            std::string::npos);
}

TEST_F(HtmlTest, DroppedMessagesEndInACross) {
  std::string page = render_html(testing::sample_run());
  std::string failing = section(page, "scenario-2");
  EXPECT_EQ(count_of(failing, "msg-dropped"), 2u);
  EXPECT_EQ(count_of(failing, "<path class=\"cross\""), 2u);
  EXPECT_EQ(count_of(failing, "url(#d2-drop)"), 0u);  // a lost message has no arrowhead
  // The labels say what happened, and so do the tooltips.
  EXPECT_NE(failing.find("<g class=\"msg msg-req msg-dropped\" data-index=\"2\">"), std::string::npos);
  EXPECT_NE(failing.find("<g class=\"msg msg-req msg-dropped msg-retransmit\" data-index=\"3\">"), std::string::npos);
  EXPECT_NE(failing.find("TSr] (dropped)</text>"), std::string::npos);
  EXPECT_NE(failing.find("348 bytes, dropped, retransmission, encrypted (decrypted), frame #4"), std::string::npos);
  // The duplicated stray datagram is marked ×2 and comes from a lane of its own.
  EXPECT_NE(failing.find("\xC3\x97" "2</text>"), std::string::npos);
  EXPECT_NE(failing.find("<g class=\"lane-head lane-foreign\"><title>203.0.113.66 (not a scenario host)"),
            std::string::npos);
}

TEST_F(HtmlTest, LifelinesNotesAndTimes) {
  std::string page = render_html(testing::sample_run());
  std::string passing = section(page, "scenario-1");
  // Lifeline heads with names and addresses.
  EXPECT_NE(passing.find("<text class=\"lane-name\" x=\"381\" y=\"24\">moon</text>"), std::string::npos) << passing.substr(0, 3000);
  EXPECT_NE(passing.find(">192.168.0.1</text>"), std::string::npos);
  EXPECT_NE(passing.find(">192.168.0.2</text>"), std::string::npos);
  EXPECT_EQ(count_of(passing, "<line class=\"lifeline\""), 2u);
  // Arrows with the figures' labels.
  EXPECT_NE(passing.find(">CREATE_CHILD_SA req MID 2 [N(REKEY_SA) SA No TSi TSr]</text>"), std::string::npos);
  EXPECT_NE(passing.find(">INFORMATIONAL resp MID 3 [D]</text>"), std::string::npos);
  EXPECT_EQ(count_of(passing, "<g class=\"msg "), 8u);
  // State changes, SA events and actions as notes; log lines are not drawn.
  EXPECT_EQ(count_of(passing, "<g class=\"note note-state\">"), 8u);
  EXPECT_EQ(count_of(passing, "<g class=\"note note-sa\">"), 5u);
  EXPECT_EQ(count_of(passing, "<g class=\"note note-action\">"), 1u);
  EXPECT_NE(passing.find("\xE2\x96\xB6 initiate net-net</text>"), std::string::npos);
  std::string failing = section(page, "scenario-2");
  EXPECT_NE(failing.find("<g class=\"note note-fault\">"), std::string::npos);
  EXPECT_NE(failing.find("\xE2\x9A\xA1 network: drop the next 2 datagrams"), std::string::npos);
  // Whole milliseconds: three decimals in the margin, and a pause shown as a gap.
  EXPECT_NE(passing.find(">5.015</text>"), std::string::npos);
  EXPECT_NE(passing.find(">+4.999 s</text>"), std::string::npos);
  ScenarioResult fine = testing::passing_rekey();
  fine.messages[1].t = 0.0020005;
  EXPECT_NE(render_sequence_diagram(fine, "x").find(">0.002001</text>"), std::string::npos);
  // Log lines are in the collapsible host logs, by host, with their level.
  EXPECT_NE(failing.find("<details class=\"log\"><summary>sun — 2 log lines"), std::string::npos);
  EXPECT_NE(failing.find("<span class=\"lvl-error\">11.214000  peer said &lt;/script&gt;"), std::string::npos);
}

TEST_F(HtmlTest, HostileTextCannotBreakThePage) {
  REQUIRE_XMLLINT();
  RunResult run = testing::sample_run();
  run.scenarios[0].name = testing::kHostileText;
  run.scenarios[0].description = testing::kHostileText;
  run.scenarios[0].hosts[0].name = testing::kHostileText;
  run.scenarios[0].messages[0].payloads.push_back(testing::kHostileText);
  run.scenarios[0].events[1].text = testing::kHostileText;
  run.scenarios[0].artifacts["log:" + testing::kHostileText] = testing::kHostileText;
  run.command = testing::kHostileText;
  run.tool_version = testing::kHostileText;
  std::string path = write_and_check(run);
  std::string page = testing::read_text(path);
  EXPECT_EQ(count_of(page, "</script>"), 1u);  // the page's own
  EXPECT_EQ(page.find("<svg onload"), std::string::npos);
  EXPECT_EQ(count_of(page, "]]>"), 2u);  // the ends of the style and script CDATA sections
  // Read back by an XML parser, the name is the text with controls shown.
  EXPECT_EQ(xpath(path, "string(//section[@id=\"scenario-1\"]//summary/b)"),
            "peer said </script><svg onload=alert(1)> ]]> & \"quoted\" 'single' \\x01\\x1b[31m\\x7f\\u0085 "
            "bad:\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
  // A link cannot become a javascript: URL.
  std::string failing = section(page, "scenario-2");
  EXPECT_NE(failing.find("href=\"javascript%3Aalert%281%29\""), std::string::npos);
  EXPECT_EQ(page.find("href=\"javascript:"), std::string::npos);
}

TEST_F(HtmlTest, HundredsOfMessagesAreDrawn) {
  REQUIRE_XMLLINT();
  RunResult run;
  run.scenarios = {testing::long_rekeying(150)};  // 604 messages, 150 notes
  std::string path = write_and_check(run);
  std::string page = testing::read_text(path);
  EXPECT_EQ(count_of(page, "<g class=\"msg "), 604u);
  EXPECT_EQ(count_of(page, "<g class=\"note "), 150u);
  EXPECT_EQ(page.find("not drawn"), std::string::npos);
  // The diagram is one tall SVG in a scrolling box, with the lifeline heads kept in view.
  EXPECT_EQ(xpath(path, "count(//div[@class=\"diagram\"])"), "1");
  std::string height = xpath(path, "string(//*[local-name()=\"svg\"][@class=\"seq-body\"]/@height)");
  EXPECT_GT(std::stod(height), 604 * 30.0);
  EXPECT_NE(page.find(".diagram { overflow: auto;"), std::string::npos);
  EXPECT_NE(page.find(".seq-head { position: sticky;"), std::string::npos);
  EXPECT_NE(page.find(">INFORMATIONAL resp MID 301 [D]</text>"), std::string::npos);  // the last one

  // A bound on the rows keeps a runaway scenario from making a page no browser can open.
  HtmlOptions bounded;
  bounded.max_diagram_rows = 100;
  std::string short_page = render_html(run, bounded);
  EXPECT_EQ(count_of(short_page, "<g class=\"msg ") + count_of(short_page, "<g class=\"note "), 100u);
  EXPECT_NE(short_page.find("654 more messages and events are not drawn; results.json has them all"),
            std::string::npos);
}

TEST_F(HtmlTest, LongLabelsAreWrappedThenTruncatedWithTheFullTextInTheTooltip) {
  ScenarioResult s = testing::passing_rekey();
  std::vector<std::string> many;
  for (int i = 0; i < 200; ++i) many.push_back("N(UNKNOWN_" + std::to_string(40000 + i) + ")");
  s.messages[4].payloads = many;
  std::string diagram = render_sequence_diagram(s, "t");
  std::string full = message_label(s.messages[4]);
  size_t group = diagram.find("data-index=\"4\"");
  ASSERT_NE(group, std::string::npos);
  std::string row = diagram.substr(group, diagram.find("</g>", group) - group);
  EXPECT_NE(row.find("<title>" + full + "\n"), std::string::npos);  // the whole label
  EXPECT_EQ(count_of(row, "<text class=\"label\""), 3u);           // at most three lines
  EXPECT_NE(row.find(">CREATE_CHILD_SA req MID 2</text>"), std::string::npos);  // the head first
  EXPECT_NE(row.find("\xE2\x80\xA6</text>"), std::string::npos);               // then cut
  // A label that fits stays on one line.
  EXPECT_NE(diagram.find(">INFORMATIONAL req MID 3 [D]</text>"), std::string::npos);
}

TEST_F(HtmlTest, ArtifactsAreLinkedByRelativePath) {
  ScenarioResult s = testing::passing_rekey();
  s.artifacts["log:moon"] = "ikev2/net2net rekey/moon #1.log";
  RunResult run;
  run.scenarios = {s};
  std::string page = render_html(run);
  EXPECT_NE(page.find("<a href=\"ikev2/net2net-rekey/capture.pcap\">ikev2/net2net-rekey/capture.pcap</a>"),
            std::string::npos);
  // "#" and spaces still name the file.
  EXPECT_NE(page.find("<a href=\"ikev2/net2net%20rekey/moon%20%231.log\">"), std::string::npos);
  // How to open the capture decrypted, ready to copy.
  EXPECT_NE(page.find("<code class=\"command\">WIRESHARK_CONFIG_DIR=ikev2/net2net-rekey/keys wireshark "
                      "ikev2/net2net-rekey/capture.pcap</code>"),
            std::string::npos);
  s.artifacts["capture"] = "it's here/capture.pcap";
  run.scenarios = {s};
  EXPECT_NE(render_html(run).find("wireshark &#39;it&#39;\\&#39;&#39;s here/capture.pcap&#39;</code>"),
            std::string::npos);
  // The host log links to its full file.
  EXPECT_NE(page.find("moon — 3 log lines · <a href=\"ikev2/net2net%20rekey/moon%20%231.log\">full log</a>"),
            std::string::npos);
}

TEST_F(HtmlTest, SparseInputStillRenders) {
  REQUIRE_XMLLINT();
  RunResult run;
  write_and_check(run);  // no scenarios at all
  ScenarioResult bare;
  bare.name = "no-hosts";
  WireMessage m;
  m.src = "10.0.0.1[500]";
  m.dst = "10.0.0.2[4500]";
  m.exchange = "IKE_SA_INIT";
  WireMessage nan_time = m;
  nan_time.t = std::numeric_limits<double>::quiet_NaN();  // a runner bug must not break the page
  WireMessage negative_time = m;
  negative_time.t = -3;
  bare.messages = {m, nan_time, negative_time};
  Event e;
  e.kind = "note";
  e.text = "no host named";
  Event unknown_kind;
  unknown_kind.kind = "mystery";
  unknown_kind.host = "moon";
  unknown_kind.t = 1e300;
  bare.events = {e, unknown_kind};
  ScenarioResult nothing;
  nothing.name = "silent";
  nothing.status = kFailed;
  nothing.hosts = {HostInfo{"moon", "", "", {}}};
  run.scenarios = {bare, nothing};
  std::string page = testing::read_text(write_and_check(run));
  // Lanes come from the addresses when no host is named.
  EXPECT_NE(page.find("<title>10.0.0.1 (not a scenario host)</title>"), std::string::npos);
  EXPECT_NE(page.find("<title>10.0.0.2 (not a scenario host)</title>"), std::string::npos);
  EXPECT_NE(page.find("no messages were exchanged"), std::string::npos);
}

}  // namespace
}  // namespace ikesuite::reports
