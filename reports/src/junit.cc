#include "reports/src/junit.h"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>

#include "reports/src/output.h"
#include "reports/src/text.h"

namespace ikesuite::reports {

namespace {

constexpr size_t kMaxAroundLines = 20;
constexpr size_t kMaxMessageAttribute = 500;

// JUnit times are plain decimals; a negative, infinite or NaN duration (a runner bug) is
// written as 0 rather than making the document invalid.
std::string seconds3(double s) {
  if (!std::isfinite(s) || s < 0) s = 0;
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, s, std::chars_format::fixed, 3);
  return r.ec == std::errc() ? std::string(buf, r.ptr) : "0.000";
}

std::string pad_left(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string endpoint_name(const std::string& host, const std::string& address) {
  if (!host.empty()) return host;
  return address.empty() ? "?" : address;
}

std::string message_line(const ScenarioResult& s, size_t index) {
  const WireMessage& m = s.messages[index];
  std::string line = pad_left(format_time(m.t), 12) + "  #" + std::to_string(index + 1) + "  " +
                     endpoint_name(m.from, m.src) + " -> " + endpoint_name(m.to, m.dst) + "  " +
                     message_label(m);
  if (m.fate != "delivered" && !m.fate.empty()) line += "  (" + m.fate + ")";
  if (m.retransmit) line += "  (retransmit)";
  if (!m.note.empty()) line += "  -- " + m.note;
  return line;
}

// The JUnit schema's timestamp is an ISO 8601 date and time without a zone; the run's
// started_at is UTC ("...Z"), so the zone is dropped. Anything else is left out.
std::string junit_timestamp(const std::string& started_at) {
  if (started_at.size() < 19) return "";
  const char* shape = "dddd-dd-ddTdd:dd:dd";
  for (size_t i = 0; i < 19; ++i) {
    char c = started_at[i];
    if (shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(c)) : c != shape[i]) return "";
  }
  return started_at.substr(0, 19);
}

std::string attr(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + escape_attribute(value) + "\"";
}

}  // namespace

std::string message_flow_text(const ScenarioResult& s, size_t max_lines) {
  std::string out;
  size_t shown = std::min(s.messages.size(), max_lines);
  for (size_t i = 0; i < shown; ++i) out += message_line(s, i) + "\n";
  if (shown < s.messages.size())
    out += "... " + std::to_string(s.messages.size() - shown) + " more messages\n";
  return out;
}

std::string failure_details(const ScenarioResult& s, const Expectation& e) {
  std::string out = "expectation " + e.id;
  if (!e.description.empty()) out += ": " + e.description;
  if (!e.rfc.empty()) out += " (" + e.rfc + ")";
  out += "\nexpected: " + e.expected + "\nactual:   " + e.actual + "\n";
  if (e.t) out += "at t=" + format_time(*e.t) + "\n";
  if (!e.known_deviation.empty()) out += "known deviation: " + e.known_deviation + "\n";

  if (!s.messages.empty()) {
    size_t n = s.messages.size();
    size_t first = 0, last = 0;  // inclusive window
    std::vector<size_t> related;
    for (size_t r : e.related_messages)
      if (r < n) related.push_back(r);
    if (!related.empty()) {
      auto [lo, hi] = std::minmax_element(related.begin(), related.end());
      first = *lo >= 2 ? *lo - 2 : 0;
      last = std::min(n - 1, *hi + 2);
    } else if (e.t) {
      size_t at = 0;
      while (at < n && s.messages[at].t < *e.t) ++at;
      first = at >= 4 ? at - 4 : 0;
      last = std::min(n - 1, at + 2);
    } else {
      first = n >= 6 ? n - 6 : 0;
      last = n - 1;
    }
    if (last - first + 1 > kMaxAroundLines) last = first + kMaxAroundLines - 1;
    out += "\nmessages around it (> marks those the expectation is about):\n";
    for (size_t i = first; i <= last; ++i) {
      bool marked = std::find(related.begin(), related.end(), i) != related.end();
      out += (marked ? "> " : "  ") + message_line(s, i) + "\n";
    }
  }

  std::string others;
  for (const auto& other : s.expectations)
    if (!other.passed && &other != &e) others += (others.empty() ? "" : ", ") + other.id;
  if (!others.empty()) out += "\nother unmet expectations: " + others + "\n";
  return out;
}

std::string render_junit(const RunResult& run) {
  Counts c = run.counts();
  std::string timestamp = junit_timestamp(run.started_at);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites" + attr("name", "ikesuite") + attr("tests", std::to_string(c.total)) +
         attr("failures", std::to_string(c.failed)) + attr("errors", std::to_string(c.errors)) +
         attr("time", seconds3(run.wall_seconds)) + ">\n";
  out += "  <testsuite" + attr("name", "ikesuite") + attr("tests", std::to_string(c.total)) +
         attr("failures", std::to_string(c.failed)) + attr("errors", std::to_string(c.errors)) +
         attr("skipped", std::to_string(c.skipped)) + attr("time", seconds3(run.wall_seconds));
  if (!timestamp.empty()) out += attr("timestamp", timestamp);
  out += ">\n";
  out += "    <properties>\n";
  for (auto [name, value] : {std::pair<const char*, std::string>{"tool_version", run.tool_version},
                             {"mode", run.mode},
                             {"seed", std::to_string(run.seed)},
                             {"started_at", run.started_at},
                             {"command", run.command}}) {
    if (!value.empty()) out += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
  }
  out += "    </properties>\n";

  for (const auto& s : run.scenarios) {
    // No "file" attribute: the Jenkins JUnit schema does not allow one on <testcase>; the
    // scenario file is named in <system-out> instead.
    out += "    <testcase" + attr("name", s.name) + attr("classname", scenario_group(s)) +
           attr("time", seconds3(s.wall_seconds)) + ">\n";
    if (s.status == kSkipped) {
      out += "      <skipped" + attr("message", s.error.empty() ? "skipped" : s.error) + "/>\n";
    } else if (s.status == kFailed) {
      const Expectation* e = first_failure(s);
      std::string message;
      std::string body;
      if (e) {
        message = "expectation " + e->id + " not met: expected " + e->expected + ", got " + e->actual;
        body = failure_details(s, *e);
      } else {
        message = s.error.empty() ? "scenario failed" : s.error;
        body = s.error;
      }
      out += "      <failure" + attr("message", truncate_chars(message, kMaxMessageAttribute)) +
             attr("type", "expectation") + ">" + escape_text(body) + "</failure>\n";
    } else if (s.status != kPassed) {
      std::string why = s.error.empty() ? "scenario ended with status '" + s.status + "'" : s.error;
      std::string first_line = why.substr(0, why.find('\n'));
      out += "      <error" + attr("message", truncate_chars(first_line, kMaxMessageAttribute)) +
             attr("type", s.status == kError ? "scenario-error" : s.status) + ">" +
             escape_text(why) + "</error>\n";
    }
    std::string system_out;
    if (!s.file.empty()) system_out += "scenario: " + s.file + "\n";
    if (s.seed != 0 || !s.mode.empty())
      system_out += "mode " + (s.mode.empty() ? std::string("?") : s.mode) + ", seed " +
                    std::to_string(s.seed) + ", virtual time " + format_time(s.virtual_seconds) + " s\n";
    if (!s.messages.empty()) system_out += "\nmessage flow:\n" + message_flow_text(s);
    if (!s.artifacts.empty()) {
      system_out += "\nartifacts:\n";
      for (const auto& [role, path] : s.artifacts) system_out += "  " + role + ": " + path + "\n";
    }
    for (const auto& e : s.expectations)
      if (!e.known_deviation.empty())
        system_out += "known deviation: expectation " + e.id + " did not hold (" + e.actual + "); " +
                      e.known_deviation + "\n";
    for (const auto& note : s.notes) system_out += "note: " + note + "\n";
    if (!system_out.empty())
      out += "      <system-out>" + escape_text(system_out) + "</system-out>\n";
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

Status write_junit(const RunResult& run, const std::string& path) {
  return write_file_atomically(path, render_junit(run));
}

}  // namespace ikesuite::reports
