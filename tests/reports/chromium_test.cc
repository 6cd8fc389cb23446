// The HTML report in a real browser: headless Chromium loads a page with a passing and a
// failing scenario, its inline script must run to the end (it marks the page
// data-report-ready="1" and records any uncaught error in data-report-error), nothing may
// reach the console (a script error, or an SVG attribute Chromium cannot parse, is logged
// there), and the screenshot must show a drawn page with the failure in red.
//
// Needs Debian's chromium (scripts/setup.sh browser); without it the test fails, it does not
// skip. IKESUITE_REPORTS_KEEP=<dir> keeps the page, the DOM and the screenshot for a person.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <sstream>

#include "reports/src/html.h"
#include "tests/reports/png_check.h"
#include "tests/reports/sample_runs.h"
#include "tests/reports/test_util.h"

namespace ikesuite::reports {
namespace {

using testing::count_of;
using testing::keep_dir;
using testing::read_text;
using testing::run_command;
using testing::TempDir;

struct BrowserRun {
  int exit_code = -1;
  std::string dom;
  std::string log;
  std::string screenshot;
  double seconds = 0;
};

// One Chromium process both dumps the DOM after load and takes the screenshot, which keeps
// the test within a few seconds. Flags: no sandbox (tests may run as root), no GPU, and no
// network activity of Chromium's own (QUIC, background fetches, component updates, sync).
BrowserRun load_in_chromium(const TempDir& dir, const std::string& page, const std::string& fragment = "") {
  BrowserRun b;
  b.screenshot = dir.file("screenshot.png");
  std::string command =
      "( timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--hide-scrollbars --user-data-dir='" + dir.file("profile") + "' "
      "--enable-logging=stderr --v=0 --window-size=1400,2000 --dump-dom "
      "--screenshot='" + b.screenshot + "' 'file://" + page + fragment + "' >'" + dir.file("dom.html") +
      "' 2>'" + dir.file("chromium.log") + "' )";
  auto start = std::chrono::steady_clock::now();
  auto r = run_command(command);
  b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  b.exit_code = r.exit_code;
  b.dom = read_text(dir.file("dom.html"));
  b.log = read_text(dir.file("chromium.log"));
  return b;
}

// Console lines Chromium writes to stderr: "[...:INFO:CONSOLE:12] "Uncaught ...", source: ...".
std::string console_lines(const std::string& log) {
  std::istringstream in(log);
  std::string line, out;
  while (std::getline(in, line))
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos)
      out += line + "\n";
  return out;
}

void keep(const TempDir& dir, const std::string& prefix) {
  std::string keep_to = keep_dir();
  if (keep_to.empty()) return;
  std::error_code ec;
  for (const char* name : {"report.html", "dom.html", "screenshot.png", "chromium.log"})
    std::filesystem::copy_file(dir.file(name), keep_to + "/" + prefix + name,
                               std::filesystem::copy_options::overwrite_existing, ec);
}

RunResult pass_and_fail() {
  RunResult run = testing::sample_run();
  run.scenarios = {testing::passing_rekey(), testing::failing_lossy_auth()};
  return run;
}

TEST(Chromium, ReportLoadsWithoutErrorsAndDrawsTheDiagram) {
  if (!testing::have_command("chromium")) FAIL() << "install chromium (scripts/setup.sh browser)";
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string page = dir.file("report.html");
  ASSERT_TRUE(write_html(pass_and_fail(), page).ok());

  BrowserRun b = load_in_chromium(dir, page);
  keep(dir, "");
  ASSERT_EQ(b.exit_code, 0) << b.log;
  EXPECT_LT(b.seconds, 30) << "a page of two scenarios should load in a few seconds";

  // The inline script ran to its end and saw no uncaught error.
  EXPECT_NE(b.dom.find("data-report-ready=\"1\""), std::string::npos) << b.dom.substr(0, 400);
  EXPECT_EQ(b.dom.find("data-report-error=\""), std::string::npos);
  EXPECT_EQ(console_lines(b.log), "");
  // The hostile log line stayed text: no element was made from it.
  EXPECT_EQ(b.dom.find("<svg onload"), std::string::npos);
  EXPECT_NE(b.dom.find("&lt;svg onload=alert(1)&gt;"), std::string::npos);
  // Both scenarios are on the page; the failing one is open, the passing one closed.
  EXPECT_NE(b.dom.find("net2net-rekey"), std::string::npos);
  EXPECT_NE(b.dom.find("lossy-ike-auth"), std::string::npos);

  auto stats = testing::png_stats(b.screenshot);
  ASSERT_TRUE(stats.ok()) << stats.error().message();
  EXPECT_EQ(stats->width, 1400u);
  EXPECT_EQ(stats->height, 2000u);
  // Not blank: the most common colour (the page background) covers well under all of it, and
  // text, badges and the diagram bring many colours.
  EXPECT_LT(static_cast<double>(stats->background), 0.95 * static_cast<double>(stats->pixels));
  EXPECT_GT(stats->distinct_colours, 64u);
  // The failing scenario is open: its failed expectation and messages are drawn in red, and
  // requests in blue, responses in green.
  EXPECT_GT(stats->reddish, 500u);
  EXPECT_GT(stats->bluish, 500u);
  EXPECT_GT(stats->greenish, 200u);
}

TEST(Chromium, FragmentOpensThePassingScenario) {
  if (!testing::have_command("chromium")) FAIL() << "install chromium (scripts/setup.sh browser)";
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string page = dir.file("report.html");
  ASSERT_TRUE(write_html(pass_and_fail(), page).ok());

  BrowserRun b = load_in_chromium(dir, page, "#scenario-1");
  keep(dir, "scenario-1-");
  ASSERT_EQ(b.exit_code, 0) << b.log;
  EXPECT_NE(b.dom.find("data-report-ready=\"1\""), std::string::npos);
  EXPECT_EQ(console_lines(b.log), "");
  // Following a link to a scenario opens it, so a passing scenario's diagram is one click
  // (or one URL) away.
  size_t section = b.dom.find("id=\"scenario-1\"");
  ASSERT_NE(section, std::string::npos);
  size_t details = b.dom.find("<details", section);
  ASSERT_NE(details, std::string::npos);
  EXPECT_NE(b.dom.substr(details, 40).find("open"), std::string::npos) << b.dom.substr(details, 80);
}

}  // namespace
}  // namespace ikesuite::reports
