// Run results as the scenario runner fills them, for the report tests: a passing Child SA
// rekey in the manner of strongSwan's net2net-rekey, an IKE_AUTH whose request a lossy link
// drops twice (failing a timing expectation), a scenario file that could not be loaded, a
// skipped netns scenario, and a long run with hundreds of messages.
#pragma once

#include <cstddef>
#include <string>

#include "reports/src/model.h"

namespace ikesuite::reports::testing {

// Text a peer could log that must not break any report: markup, a CDATA end, a script end,
// control characters, a C1 control, invalid UTF-8.
inline const std::string kHostileText =
    "peer said </script><svg onload=alert(1)> ]]> & \"quoted\" 'single' \x01\x1b[31m\x7f"
    "\xc2\x85 bad:\xff\xfe\xc3 end";

ScenarioResult passing_rekey();           // status passed, 8 messages, notes, artifacts
ScenarioResult failing_lossy_auth();      // status failed, dropped messages, faults, hostile logs
ScenarioResult broken_scenario();         // status error
ScenarioResult skipped_netns();           // status skipped
ScenarioResult long_rekeying(size_t rekeys);  // status passed, 4 + 4 * rekeys messages

// passing_rekey, failing_lossy_auth, broken_scenario, skipped_netns.
RunResult sample_run();

}  // namespace ikesuite::reports::testing
