#include "reports/src/model.h"

#include <charconv>
#include <filesystem>

namespace ikesuite::reports {

Counts RunResult::counts() const {
  Counts c;
  for (const auto& s : scenarios) {
    ++c.total;
    if (s.status == kPassed) ++c.passed;
    else if (s.status == kFailed) ++c.failed;
    else if (s.status == kSkipped) ++c.skipped;
    else ++c.errors;  // "error" and anything a runner wrote that is not a known status
  }
  return c;
}

std::string scenario_group(const ScenarioResult& s) {
  std::filesystem::path parent = std::filesystem::path(s.file).parent_path();
  std::vector<std::string> parts;
  for (const auto& part : parent) {
    std::string p = part.string();
    if (p.empty() || p == "/" || p == ".") continue;
    if (p == "scenarios") {
      parts.clear();  // keep what follows the last "scenarios" folder
      continue;
    }
    parts.push_back(p);
  }
  if (parts.empty()) return "scenarios";
  // Outside a scenarios/ tree, only the innermost folder names the group.
  bool under_scenarios = s.file.find("scenarios/") != std::string::npos;
  if (!under_scenarios) return parts.back();
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '.';
    out += p;
  }
  return out;
}

const Expectation* first_failure(const ScenarioResult& s) {
  for (const auto& e : s.expectations)
    if (!e.passed) return &e;
  return nullptr;
}

std::string message_label(const WireMessage& m) {
  std::string out = m.exchange.empty() ? (m.ike_version == 1 ? "ISAKMP" : "IKE") : m.exchange;
  out += m.response ? " resp" : " req";
  out += " MID " + std::to_string(m.message_id);
  out += " [";
  for (size_t i = 0; i < m.payloads.size(); ++i) {
    if (i) out += ' ';
    out += m.payloads[i];
  }
  out += ']';
  return out;
}

std::string format_time(double seconds) {
  char buf[400];  // room for any finite double in fixed notation
  auto r = std::to_chars(buf, buf + sizeof buf, seconds, std::chars_format::fixed, 6);
  if (r.ec != std::errc()) return "?";
  return std::string(buf, r.ptr);
}

}  // namespace ikesuite::reports
