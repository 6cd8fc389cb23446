// The HTML report: one self-contained file (inline CSS, inline SVG, a few lines of inline
// JavaScript for filtering; nothing fetched from anywhere) that a person opens from a CI
// artifact or a local run:
//  - a summary (counts, time, seed, mode) and a table of scenarios,
//  - per scenario a message sequence diagram in the manner of the packet-flow figures
//    (hosts as lifelines, each IKE message an arrow labelled "CREATE_CHILD_SA req MID 2
//    [N(REKEY_SA) SA No TSi TSr]", virtual time in the left margin, dropped messages ending
//    in a cross, state changes, faults and actions as notes on the lifelines, failed
//    expectations and their messages in red),
//  - the expectations (expected vs actual, RFC), the host logs (collapsible) and links to the
//    artifacts by relative path.
// All text is escaped (reports/src/text.h). The markup is well-formed XML as well as HTML, so
// xmllint can check it.
#pragma once

#include <cstddef>
#include <string>

#include "engine/base/result.h"
#include "reports/src/model.h"

namespace ikesuite::reports {

struct HtmlOptions {
  std::string title = "ikesuite report";
  // Rows drawn per diagram; the rest is summarized in a last row (results.json has it all).
  size_t max_diagram_rows = 3000;
  // Log lines shown per host.
  size_t max_log_lines = 20000;
};

std::string render_html(const RunResult& run, const HtmlOptions& options = {});
Status write_html(const RunResult& run, const std::string& path, const HtmlOptions& options = {});

// The message sequence diagram of one scenario: a sticky header <svg> with the lifeline heads
// and the body <svg>, inside a scrollable <div>. `id_prefix` keeps marker ids unique when
// several diagrams share a page.
std::string render_sequence_diagram(const ScenarioResult& s, const std::string& id_prefix,
                                    const HtmlOptions& options = {});

}  // namespace ikesuite::reports
