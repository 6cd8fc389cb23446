// The HTML report page (see html.h); the diagram is in html_diagram.cc.
#include <cctype>
#include <charconv>
#include <map>

#include "reports/src/html.h"
#include "reports/src/output.h"
#include "reports/src/text.h"

namespace ikesuite::reports {

namespace {

// Inside CDATA so that the page is well-formed XML too; browsers read the markers as comments.
constexpr const char* kStyle = R"CSS(
:root { --pass: #2e7d32; --fail: #c62828; --error: #8e24aa; --skip: #757575; --ink: #1d2327;
        --muted: #5f6b73; --line: #d5dbe0; --req: #1f5fa8; --resp: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink);
       background: #f4f6f8; }
header.top { background: #1d2b36; color: #fff; padding: 18px 28px 14px; }
header.top h1 { margin: 0 0 6px; font-size: 22px; font-weight: 600; }
.meta { color: #c9d3da; font-size: 13px; }
.meta span { margin-right: 18px; white-space: nowrap; }
.meta code { color: #fff; }
.counts { margin-top: 10px; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12px; font-weight: 600;
         color: #fff; background: var(--skip); margin-right: 6px; }
.badge.passed { background: var(--pass); } .badge.failed { background: var(--fail); }
.badge.error { background: var(--error); } .badge.skipped { background: var(--skip); }
.badge.total { background: #455a64; }
header.top .badge.zero { background: transparent; color: #90a4ae; box-shadow: inset 0 0 0 1px #4f6270; }
main { padding: 18px 28px 40px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin-bottom: 18px; }
.filters { margin-bottom: 10px; }
.filters input[type=search] { padding: 4px 8px; width: 260px; border: 1px solid #b0bec5; border-radius: 4px; }
.filters label { margin-left: 12px; font-size: 13px; }
.filters button { margin-left: 12px; font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e6eaed; vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
a { color: #1f5fa8; }
section.scenario > details > summary { cursor: pointer; font-size: 16px; padding: 4px 0; }
section.scenario .group, section.scenario .file { color: var(--muted); font-size: 13px; margin-left: 8px; }
.desc { margin: 6px 0 10px; }
.refs { color: var(--muted); font-size: 13px; }
.problem { border-left: 4px solid var(--error); background: #f8f0fa; padding: 8px 12px; white-space: pre-wrap; font-family: "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.problem.skipped { border-color: var(--skip); background: #f3f4f5; }
h3 { font-size: 14px; margin: 18px 0 8px; color: #37474f; }
.diagram { overflow: auto; max-height: 78vh; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.diagram svg { display: block; }
.seq-head { position: sticky; top: 0; z-index: 1; }
.head-bg { fill: #fafbfc; stroke: none; }
.time-head { font: 11px "DejaVu Sans", sans-serif; fill: var(--muted); text-anchor: end; }
.lane-head rect { fill: #eef3f8; stroke: #90a4ae; }
.lane-foreign rect { fill: #fff7e6; stroke: #ffb74d; stroke-dasharray: 4 3; }
.lane-name { font: 600 14px "DejaVu Sans", sans-serif; text-anchor: middle; fill: var(--ink); }
.lane-addr { font: 11px "DejaVu Sans Mono", monospace; text-anchor: middle; fill: #37474f; }
.lane-sub { font: italic 10.5px "DejaVu Sans", sans-serif; text-anchor: middle; fill: var(--muted); }
.lifeline { stroke: #b0bec5; stroke-width: 1.2; stroke-dasharray: 5 4; }
text.time { font: 10.5px "DejaVu Sans Mono", monospace; fill: #37474f; text-anchor: end; }
.note text.time-note { font: 10.5px "DejaVu Sans Mono", monospace; fill: #90a4ae; }
.verdict text.time { font: bold 10.5px "DejaVu Sans Mono", monospace; fill: var(--fail); }
.msg .arrow { stroke-width: 1.6; fill: none; }
.msg-req .arrow { stroke: var(--req); } .msg-req .label { fill: #173f6e; }
.msg-resp .arrow { stroke: var(--resp); } .msg-resp .label { fill: #1f5223; }
.msg-retransmit .arrow { stroke-dasharray: 7 4; }
.msg-dropped .arrow { stroke: #9e9e9e; stroke-dasharray: 5 4; } .msg-dropped .label { fill: #757575; }
.msg-fail .arrow { stroke: var(--fail); stroke-width: 2.2; } .msg-fail .label { fill: var(--fail); font-weight: bold; }
.cross { stroke: var(--fail); stroke-width: 2.4; fill: none; }
.label { font: 11px "DejaVu Sans Mono", monospace; }
.fate { font: 10px "DejaVu Sans", sans-serif; fill: #6d4c41; text-anchor: middle; }
.fail-tag { font: bold 10.5px "DejaVu Sans", sans-serif; fill: var(--fail); }
.msg:hover .label { text-decoration: underline; }
.ah-req path { fill: var(--req); } .ah-resp path { fill: var(--resp); }
.ah-fail path { fill: var(--fail); } .ah-drop path { fill: #9e9e9e; }
.note rect { stroke-width: 1; } .note text { font: 10.5px "DejaVu Sans", sans-serif; fill: #263238; }
.note-state rect { fill: #e3f2fd; stroke: #64b5f6; }
.note-fault rect { fill: #fff3e0; stroke: #fb8c00; } .note-fault text { fill: #bf360c; }
.note-action rect { fill: #eceff1; stroke: #78909c; }
.note-sa rect { fill: #e8f5e9; stroke: #66bb6a; }
.note-note rect { fill: #fffde7; stroke: #fdd835; }
.note-error rect { stroke: var(--fail); stroke-width: 1.6; }
.verdict line { stroke: var(--fail); stroke-width: 1.4; stroke-dasharray: 6 4; }
.verdict rect { fill: #ffebee; stroke: var(--fail); } .verdict text { font: bold 10.5px "DejaVu Sans", sans-serif; fill: var(--fail); }
.gap line { stroke: #dde3e7; stroke-width: 5; stroke-dasharray: 1 5; }
.gap text { font: italic 10px "DejaVu Sans", sans-serif; fill: #90a4ae; text-anchor: end; }
.more { font: italic 12px "DejaVu Sans", sans-serif; fill: var(--muted); }
table.expectations td { font-size: 13px; }
table.expectations tr.fail td { background: #fff5f5; }
table.expectations .verdict-cell { font-weight: 700; }
table.expectations tr.fail .verdict-cell { color: var(--fail); }
table.expectations tr.pass .verdict-cell { color: var(--pass); }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; white-space: pre-wrap; word-break: break-word; }
.deviation { color: #6d4c41; font-style: italic; }
ul.artifacts { margin: 0; padding-left: 20px; }
code.command { background: #eceff1; padding: 2px 7px; border-radius: 4px; font: 12px "DejaVu Sans Mono", monospace;
               color: #263238; user-select: all; }
details.log > summary { cursor: pointer; margin: 4px 0; }
pre.log { max-height: 420px; overflow: auto; background: #263238; color: #eceff1; padding: 10px 12px;
          border-radius: 6px; font: 12px/1.4 "DejaVu Sans Mono", monospace; }
.lvl-error { color: #ff8a80; } .lvl-warning { color: #ffd180; } .lvl-debug { color: #90a4ae; }
footer { color: var(--muted); font-size: 12px; padding: 0 28px 24px; }
)CSS";

constexpr const char* kScript = R"JS(
(function () {
  'use strict';
  window.addEventListener('error', function (e) {
    document.documentElement.setAttribute('data-report-error', String(e.message));
  });
  var search = document.getElementById('filter');
  var boxes = document.querySelectorAll('input[data-status]');
  function apply() {
    var query = search.value.toLowerCase();
    var show = {};
    boxes.forEach(function (b) { show[b.getAttribute('data-status')] = b.checked; });
    document.querySelectorAll('[data-scenario]').forEach(function (el) {
      var visible = show[el.getAttribute('data-status')] !== false;
      if (visible) { visible = query === '' || el.getAttribute('data-name').toLowerCase().indexOf(query) !== -1; }
      el.style.display = visible ? '' : 'none';
    });
  }
  search.addEventListener('input', apply);
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  function expand(open) {
    document.querySelectorAll('section.scenario > details').forEach(function (d) { d.open = open; });
  }
  document.getElementById('expand-all').addEventListener('click', function () { expand(true); });
  document.getElementById('collapse-all').addEventListener('click', function () { expand(false); });
  // A link to a scenario (from the table, or a URL ending in #scenario-3) opens it.
  function open_target() {
    var target = location.hash ? document.getElementById(location.hash.substring(1)) : null;
    var details = target ? target.querySelector('details') : null;
    if (details) { details.open = true; target.scrollIntoView(); }
  }
  window.addEventListener('hashchange', open_target);
  apply();
  open_target();
  document.documentElement.setAttribute('data-report-ready', '1');
})();
)JS";

std::string fixed(double v, int digits) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, digits);
  return r.ec == std::errc() ? std::string(buf, r.ptr) : "?";
}

std::string status_class(const std::string& status) {
  if (status == kPassed || status == kFailed || status == kSkipped) return status;
  return kError;
}

std::string badge(const std::string& status, const std::string& text, bool zero = false) {
  std::string cls = status == "total" ? "total" : status_class(status);
  if (zero) cls += " zero";  // nothing of this kind: shown, but quietly
  return "<span class=\"badge " + cls + "\">" + escape_text(text) + "</span>";
}

// A relative path as a link target: every byte but the unreserved characters of RFC 3986
// §2.3 and "/" percent-encoded, so that "#", "?", "%" or spaces in a file name still name the
// file, and no path can turn into a URL with a scheme ("javascript:..." has its colon
// encoded and stays a relative path).
std::string href_for(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// A path as one shell word, for commands the reader copies.
std::string shell_word(const std::string& word) {
  bool plain = !word.empty();
  for (char ch : word) {
    auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '/' || c == '+' || c == ',')) plain = false;
  }
  if (plain) return word;
  std::string out = "'";
  for (char ch : word) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string scenario_anchor(size_t i) { return "scenario-" + std::to_string(i + 1); }

size_t passed_expectations(const ScenarioResult& s) {
  size_t n = 0;
  for (const auto& e : s.expectations) n += e.passed ? 1 : 0;
  return n;
}

std::string render_summary(const RunResult& run) {
  Counts c = run.counts();
  std::string out = "<header class=\"top\"><h1>ikesuite report</h1><div class=\"meta\">";
  auto meta = [&](const char* label, const std::string& value) {
    if (!value.empty())
      out += "<span>" + std::string(label) + " <code>" + escape_text(value) + "</code></span>";
  };
  meta("version", run.tool_version);
  meta("started", run.started_at);
  meta("mode", run.mode);
  meta("seed", std::to_string(run.seed));
  meta("wall time", fixed(run.wall_seconds, 3) + " s");
  out += "</div>";
  if (!run.command.empty())
    out += "<div class=\"meta\"><span>command <code>" + escape_text(run.command) + "</code></span></div>";
  out += "<div class=\"counts\">" + badge("total", std::to_string(c.total) + " scenarios") +
         badge(kPassed, std::to_string(c.passed) + " passed", c.passed == 0) +
         badge(kFailed, std::to_string(c.failed) + " failed", c.failed == 0) +
         badge(kError, std::to_string(c.errors) + " errors", c.errors == 0) +
         badge(kSkipped, std::to_string(c.skipped) + " skipped", c.skipped == 0) + "</div></header>";
  return out;
}

std::string render_table(const RunResult& run) {
  std::string out = "<div class=\"panel\"><div class=\"filters\">"
                    "<input type=\"search\" id=\"filter\" placeholder=\"filter scenarios by name\"/>";
  for (const char* st : {kPassed, kFailed, kError, kSkipped})
    out += "<label><input type=\"checkbox\" data-status=\"" + std::string(st) + "\" checked=\"checked\"/> " +
           st + "</label>";
  out += "<button type=\"button\" id=\"expand-all\">expand all</button>"
         "<button type=\"button\" id=\"collapse-all\">collapse all</button></div>";
  out += "<table class=\"scenarios\"><thead><tr><th>status</th><th>scenario</th><th>group</th>"
         "<th>messages</th><th>expectations</th><th>virtual s</th><th>wall s</th></tr></thead><tbody>";
  for (size_t i = 0; i < run.scenarios.size(); ++i) {
    const auto& s = run.scenarios[i];
    out += "<tr data-scenario=\"1\" data-status=\"" + status_class(s.status) + "\" data-name=\"" +
           escape_attribute(s.name) + "\"><td>" + badge(s.status, s.status) + "</td><td><a href=\"#" +
           scenario_anchor(i) + "\">" + escape_text(s.name) + "</a></td><td>" +
           escape_text(scenario_group(s)) + "</td><td class=\"num\">" + std::to_string(s.messages.size()) +
           "</td><td class=\"num\">" + std::to_string(passed_expectations(s)) + " / " +
           std::to_string(s.expectations.size()) + "</td><td class=\"num\">" + fixed(s.virtual_seconds, 3) +
           "</td><td class=\"num\">" + fixed(s.wall_seconds, 3) + "</td></tr>";
  }
  out += "</tbody></table></div>";
  return out;
}

std::string render_expectations(const ScenarioResult& s) {
  if (s.expectations.empty()) return "";
  std::string out = "<h3>Expectations</h3><table class=\"expectations\"><thead><tr><th>result</th>"
                    "<th>expectation</th><th>requirement</th><th>expected</th><th>actual</th><th>t</th>"
                    "</tr></thead><tbody>";
  for (const auto& e : s.expectations) {
    out += std::string("<tr class=\"") + (e.passed ? "pass" : "fail") + "\"><td class=\"verdict-cell\">" +
           (e.passed ? "pass" : "FAIL") + "</td><td><b>" + escape_text(e.id) + "</b>";
    if (!e.description.empty()) out += "<br/>" + escape_text(e.description);
    out += "</td><td>" + escape_text(e.rfc) + "</td><td class=\"mono\">" + escape_text(e.expected) +
           "</td><td class=\"mono\">" + escape_text(e.actual);
    if (!e.known_deviation.empty())
      out += "<div class=\"deviation\">known deviation: " + escape_text(e.known_deviation) + "</div>";
    out += "</td><td class=\"num\">" + (e.t ? format_time(*e.t) : std::string("")) + "</td></tr>";
  }
  return out + "</tbody></table>";
}

std::string render_artifacts(const ScenarioResult& s) {
  if (s.artifacts.empty() && s.notes.empty()) return "";
  std::string out;
  if (!s.artifacts.empty()) {
    out += "<h3>Artifacts</h3><ul class=\"artifacts\">";
    for (const auto& [role, path] : s.artifacts) {
      out += "<li>" + escape_text(role) + ": <a href=\"" + escape_attribute(href_for(path)) + "\">" +
             escape_text(path) + "</a>";
      if (role == "keys") out += " <span class=\"refs\">(a Wireshark configuration folder with the key tables)</span>";
      out += "</li>";
    }
    out += "</ul>";
    // The key tables are a complete Wireshark configuration folder (pcaps/src/key_tables.h):
    // pointing WIRESHARK_CONFIG_DIR at it opens the capture with IKE and ESP decrypted.
    auto capture = s.artifacts.find("capture");
    auto keys = s.artifacts.find("keys");
    if (capture != s.artifacts.end() && keys != s.artifacts.end())
      out += "<p class=\"refs\">Decrypted in Wireshark, from the report's folder: <code class=\"command\">" +
             escape_text("WIRESHARK_CONFIG_DIR=" + shell_word(keys->second) + " wireshark " +
                         shell_word(capture->second)) +
             "</code></p>";
  }
  if (!s.notes.empty()) {
    out += "<h3>Notes</h3><ul class=\"artifacts\">";
    for (const auto& n : s.notes) out += "<li>" + escape_text(n) + "</li>";
    out += "</ul>";
  }
  return out;
}

std::string render_logs(const ScenarioResult& s, const HtmlOptions& options) {
  std::map<std::string, std::vector<const Event*>> by_host;
  std::vector<std::string> order;
  for (const auto& h : s.hosts) {
    by_host[h.name];
    order.push_back(h.name);
  }
  for (const auto& e : s.events) {
    if (e.kind != "log") continue;
    if (!by_host.count(e.host)) order.push_back(e.host);
    by_host[e.host].push_back(&e);
  }
  std::string out;
  for (const auto& host : order) {
    const auto& lines = by_host[host];
    auto artifact = s.artifacts.find("log:" + host);
    if (lines.empty() && artifact == s.artifacts.end()) continue;
    out += "<details class=\"log\"><summary>" + escape_text(host.empty() ? "(no host)" : host) + " — " +
           std::to_string(lines.size()) + " log lines";
    if (artifact != s.artifacts.end())
      out += " · <a href=\"" + escape_attribute(href_for(artifact->second)) + "\">full log</a>";
    out += "</summary><pre class=\"log\">";
    size_t shown = 0;
    for (const Event* e : lines) {
      if (shown++ >= options.max_log_lines) {
        out += "… " + std::to_string(lines.size() - options.max_log_lines) + " more lines\n";
        break;
      }
      std::string lvl = e->level == "error" || e->level == "warning" || e->level == "debug" ? e->level : "";
      if (!lvl.empty()) out += "<span class=\"lvl-" + lvl + "\">";
      out += escape_text(format_time(e->t) + "  " + e->text);
      if (!lvl.empty()) out += "</span>";
      out += "\n";
    }
    out += "</pre></details>";
  }
  return out.empty() ? "" : "<h3>Host logs</h3>" + out;
}

std::string render_scenario(const ScenarioResult& s, size_t index, const HtmlOptions& options) {
  std::string out = "<section class=\"scenario panel\" id=\"" + scenario_anchor(index) +
                    "\" data-scenario=\"1\" data-status=\"" + status_class(s.status) + "\" data-name=\"" +
                    escape_attribute(s.name) + "\"><details" +
                    (s.status == kPassed ? "" : " open=\"open\"") + "><summary>" + badge(s.status, s.status) +
                    " <b>" + escape_text(s.name) + "</b><span class=\"group\">" + escape_text(scenario_group(s)) +
                    "</span><span class=\"file\">" + escape_text(s.file) + "</span></summary>";
  if (!s.description.empty()) out += "<p class=\"desc\">" + escape_text(s.description) + "</p>";
  std::string refs;
  for (const auto& r : s.references) refs += (refs.empty() ? "" : "; ") + r;
  std::string tags;
  for (const auto& t : s.tags) tags += (tags.empty() ? "" : ", ") + t;
  if (!refs.empty() || !tags.empty() || !s.mode.empty()) {
    out += "<p class=\"refs\">";
    if (!refs.empty()) out += "references: " + escape_text(refs) + " · ";
    if (!tags.empty()) out += "tags: " + escape_text(tags) + " · ";
    out += "mode " + escape_text(s.mode) + " · seed " + std::to_string(s.seed) + " · virtual " +
           fixed(s.virtual_seconds, 3) + " s · wall " + fixed(s.wall_seconds, 3) + " s</p>";
  }
  if (!s.error.empty())
    out += "<div class=\"problem" + std::string(s.status == kSkipped ? " skipped" : "") + "\">" +
           escape_text(s.error) + "</div>";
  if (!s.messages.empty() || !s.events.empty() || !s.hosts.empty())
    out += "<h3>Message sequence</h3>" +
           render_sequence_diagram(s, "d" + std::to_string(index + 1), options);
  out += render_expectations(s);
  out += render_artifacts(s);
  out += render_logs(s, options);
  out += "</details></section>";
  return out;
}

}  // namespace

std::string render_html(const RunResult& run, const HtmlOptions& options) {
  Counts c = run.counts();
  std::string title = options.title + " — " + std::to_string(c.passed) + " passed, " +
                      std::to_string(c.failed) + " failed, " + std::to_string(c.errors) + " errors";
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\" data-report-ready=\"0\"><head><meta charset=\"utf-8\"/>"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
                    "<meta name=\"generator\" content=\"" + escape_attribute(run.tool_version) + "\"/>"
                    "<title>" + escape_text(title) + "</title><style>/*<![CDATA[*/" + kStyle +
                    "/*]]>*/</style></head><body>";
  out += render_summary(run);
  out += "<main>";
  out += render_table(run);
  for (size_t i = 0; i < run.scenarios.size(); ++i) out += render_scenario(run.scenarios[i], i, options);
  out += "</main><footer>results.json next to this page holds the complete run (schema version " +
         std::to_string(kSchemaVersion) + ").</footer>";
  out += "<script>//<![CDATA[" + std::string(kScript) + "//]]></script></body></html>\n";
  return out;
}

Status write_html(const RunResult& run, const std::string& path, const HtmlOptions& options) {
  return write_file_atomically(path, render_html(run, options));
}

}  // namespace ikesuite::reports
