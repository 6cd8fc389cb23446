#include "engine/ikev1/ts.h"

namespace ikesuite::ikev1 {

namespace {

std::optional<unsigned> prefix_between(const IpAddress& first, const IpAddress& last) {
  if (first.family() != last.family() || first.empty()) return std::nullopt;
  unsigned bits = static_cast<unsigned>(first.size() * 8);
  for (unsigned p = 0; p <= bits; ++p)
    if (first.masked(p) == first && first.last_in(p) == last) return p;
  return std::nullopt;
}

}  // namespace

TrafficSelector TrafficSelector::from_subnet(const Subnet& subnet, uint8_t protocol,
                                             uint16_t port) {
  return TrafficSelector{subnet.first(), subnet.last(), protocol, port};
}

Result<TrafficSelector> TrafficSelector::from_id(const v1::IdPayload& id) {
  TRY_ASSIGN(auto range, id.range());
  if (range.first > range.second)
    return Error(ErrorCode::kMalformed, "ID range " + id.to_string() + " ends before it starts")
        .with_notify(static_cast<uint16_t>(v1::NotifyType::INVALID_ID_INFORMATION));
  return TrafficSelector{range.first, range.second, id.protocol, id.port};
}

v1::IdPayload TrafficSelector::to_id() const {
  if (first == last) return v1::IdPayload::from_address(first, protocol, port);
  if (auto s = subnet()) return v1::IdPayload::from_subnet(*s, protocol, port);
  return v1::IdPayload::from_range(first, last, protocol, port);
}

std::optional<Subnet> TrafficSelector::subnet() const {
  auto p = prefix_between(first, last);
  if (!p) return std::nullopt;
  return Subnet{first, *p};
}

bool TrafficSelector::within(const TrafficSelector& outer) const {
  if (first.family() != outer.first.family()) return false;
  if (outer.protocol != 0 && outer.protocol != protocol) return false;
  if (outer.port != 0 && outer.port != port) return false;
  return outer.first <= first && last <= outer.last;
}

std::string TrafficSelector::to_string() const {
  std::string out;
  if (auto s = subnet()) {
    out = s->to_string();
  } else {
    out = first.to_string() + ".." + last.to_string();
  }
  if (protocol != 0 || port != 0) {
    out += "[" + std::to_string(protocol);
    if (port != 0) out += "/" + std::to_string(port);
    out += "]";
  }
  return out;
}

}  // namespace ikesuite::ikev1
