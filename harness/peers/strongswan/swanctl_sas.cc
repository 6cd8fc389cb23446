#include "harness/peers/strongswan/swanctl_sas.h"

#include <optional>
#include <string>

#include "engine/base/text.h"

namespace ikesuite::peers {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<SwanctlIkeSa>> parse_list_sas(std::string_view text) {
  std::vector<SwanctlIkeSa> out;
  // The open sections: [0] the message ("list-sa event"), [1] an IKE SA, [2] "child-sas",
  // [3] a Child SA.
  std::vector<std::string> stack;
  bool in_event = false, in_list = false, has_id = false, child_has_id = false;
  size_t line_no = 0;
  auto fail = [&](const std::string& why) {
    return Error(ErrorCode::kMalformed, "swanctl --list-sas line " + std::to_string(line_no) + ": " + why);
  };
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty()) continue;
    if (in_list) {
      if (line == "]") in_list = false;
      continue;  // traffic selectors: not part of the snapshot
    }
    if (line.size() > 2 && line.substr(line.size() - 2) == " {") {
      std::string name(trim(line.substr(0, line.size() - 2)));
      if (stack.empty()) {
        in_event = name == "list-sa event";
      } else if (in_event && stack.size() == 1) {
        out.emplace_back();
        out.back().snapshot.conn = name;
        has_id = false;
      } else if (in_event && stack.size() == 2 && name != "child-sas") {
        // tasks-queued, tasks-active and other lists of an IKE SA.
      } else if (in_event && stack.size() == 3 && stack[2] == "child-sas") {
        out.back().snapshot.children.emplace_back();
        child_has_id = false;
      }
      stack.push_back(name);
      continue;
    }
    if (line == "}") {
      if (stack.empty()) return fail("'}' without an open section");
      if (in_event && stack.size() == 2 && !has_id) return fail("IKE SA without uniqueid");
      if (in_event && stack.size() == 4 && stack[2] == "child-sas" && !child_has_id)
        return fail("Child SA without uniqueid");
      stack.pop_back();
      if (stack.empty()) in_event = false;
      continue;
    }
    size_t eq = line.find(" = ");
    if (eq == std::string_view::npos) {
      if (line.size() > 2 && line.substr(line.size() - 2) == " =") continue;  // empty value
      if (stack.size() >= 2 && line.find(' ') == std::string_view::npos) continue;  // list item
      return fail("not a section, value or list: '" + std::string(line) + "'");
    }
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 3);
    if (value == "[") {
      in_list = true;
      continue;
    }
    if (!in_event || stack.size() < 2) continue;
    if (stack.size() == 2) {
      SwanctlIkeSa& sa = out.back();
      if (key == "uniqueid") {
        auto v = parse_uint<uint32_t>(value);
        if (!v) return fail("uniqueid '" + std::string(value) + "'");
        sa.snapshot.unique_id = *v;
        has_id = true;
      } else if (key == "state") {
        sa.snapshot.state = std::string(value);
      } else if (key == "version") {
        sa.version = parse_uint<int>(value).value_or(0);
      } else if (key == "initiator") {
        sa.initiator = value == "yes";
      } else if (key == "initiator-spi" || key == "responder-spi") {
        auto v = parse_uint<uint64_t>(value, 16);
        if (!v) return fail(std::string(key) + " '" + std::string(value) + "'");
        (key == "initiator-spi" ? sa.spi_i : sa.spi_r) = *v;
      }
    } else if (stack.size() == 4 && stack[2] == "child-sas") {
      run::ChildSnapshot& c = out.back().snapshot.children.back();
      if (key == "name") {
        c.conn = std::string(value);
      } else if (key == "uniqueid") {
        auto v = parse_uint<uint32_t>(value);
        if (!v) return fail("uniqueid '" + std::string(value) + "'");
        c.unique_id = *v;
        child_has_id = true;
      } else if (key == "state") {
        c.state = std::string(value);
      }
    }
  }
  if (!stack.empty() || in_list) return fail("the output ends inside a section");
  return out;
}

}  // namespace ikesuite::peers
