#include "engine/ikev2/ts.h"

#include <algorithm>

namespace ikesuite::ikev2 {

v2::TrafficSelector selector_for(const Subnet& subnet, uint8_t protocol) {
  return v2::TrafficSelector::from_subnet(subnet, protocol);
}

std::optional<v2::TrafficSelector> intersect(const v2::TrafficSelector& a,
                                             const v2::TrafficSelector& b) {
  if (a.type != b.type || !a.raw.empty() || !b.raw.empty()) return std::nullopt;
  if (a.start_address.family() != b.start_address.family()) return std::nullopt;
  if (a.ip_protocol && b.ip_protocol && a.ip_protocol != b.ip_protocol) return std::nullopt;
  v2::TrafficSelector out = a;
  out.ip_protocol = a.ip_protocol ? a.ip_protocol : b.ip_protocol;
  out.start_port = std::max(a.start_port, b.start_port);
  out.end_port = std::min(a.end_port, b.end_port);
  out.start_address = std::max(a.start_address, b.start_address);
  out.end_address = std::min(a.end_address, b.end_address);
  if (out.start_port > out.end_port || out.start_address > out.end_address) return std::nullopt;
  return out;
}

std::vector<v2::TrafficSelector> narrow(const std::vector<v2::TrafficSelector>& proposed,
                                        const std::vector<v2::TrafficSelector>& allowed) {
  std::vector<v2::TrafficSelector> out;
  for (const auto& p : proposed)
    for (const auto& a : allowed)
      if (auto i = intersect(p, a)) {
        if (std::find(out.begin(), out.end(), *i) == out.end()) out.push_back(*i);
      }
  return out;
}

bool contains(const v2::TrafficSelector& outer, const v2::TrafficSelector& inner) {
  auto i = intersect(outer, inner);
  return i && *i == inner;
}

bool all_within(const std::vector<v2::TrafficSelector>& got,
                const std::vector<v2::TrafficSelector>& offered) {
  if (got.empty()) return false;
  for (const auto& g : got) {
    bool ok = false;
    for (const auto& o : offered) ok |= contains(o, g);
    if (!ok) return false;
  }
  return true;
}

std::optional<Subnet> as_subnet(const v2::TrafficSelector& ts) { return ts.to_subnet(); }

std::string to_string(const v2::TrafficSelector& ts) { return ts.to_string(); }

std::string to_string(const std::vector<v2::TrafficSelector>& ts) {
  std::string out;
  for (const auto& t : ts) {
    if (!out.empty()) out += " ";
    out += to_string(t);
  }
  return out;
}

}  // namespace ikesuite::ikev2
