// JUnit XML for CI: one <testsuite>, one <testcase> per scenario (classname: the scenario's
// folder, e.g. "ikev2"; name: the scenario; time: wall seconds). A failed scenario carries a
// <failure> naming its first unmet expectation (expected vs actual) with the messages around
// it; a broken scenario an <error>; a skipped one <skipped> with the reason; every testcase
// a <system-out> with the scenario file, seed and message flow. The document is valid against
// the JUnit schema of Jenkins' xUnit plugin (junit-10.xsd), which GitLab reads as well;
// tests/reports/junit.xsd restates that schema and the tests validate against it.
#pragma once

#include <string>

#include "engine/base/result.h"
#include "reports/src/model.h"

namespace ikesuite::reports {

std::string render_junit(const RunResult& run);
Status write_junit(const RunResult& run, const std::string& path);

// The text of a failure: the expectation (id, description, RFC), expected and actual, when,
// and the messages around it (its related messages, or those nearest its time). Shared by the
// JUnit body and the console summary.
std::string failure_details(const ScenarioResult& s, const Expectation& e);

// The message flow as text, one line per message ("  1.250000  moon -> sun  IKE_AUTH req
// MID 1 [IDi AUTH SA TSi TSr]"), at most `max_lines` lines.
std::string message_flow_text(const ScenarioResult& s, size_t max_lines = 2000);

}  // namespace ikesuite::reports
