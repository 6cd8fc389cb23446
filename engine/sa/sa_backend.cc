#include "engine/sa/sa_backend.h"

namespace ikesuite::sa {

std::string_view name(Protocol p) {
  switch (p) {
    case Protocol::ESP: return "ESP";
    case Protocol::AH: return "AH";
  }
  return "PROTO?";
}

std::string_view name(Mode m) {
  switch (m) {
    case Mode::Tunnel: return "TUNNEL";
    case Mode::Transport: return "TRANSPORT";
  }
  return "MODE?";
}

std::string_view name(Direction d) {
  switch (d) {
    case Direction::In: return "in";
    case Direction::Out: return "out";
    case Direction::Fwd: return "fwd";
  }
  return "dir?";
}

std::string_view name(PolicyAction a) {
  switch (a) {
    case PolicyAction::Protect: return "protect";
    case PolicyAction::Pass: return "pass";
    case PolicyAction::Drop: return "drop";
  }
  return "action?";
}

std::string_view name(Operation op) {
  switch (op) {
    case Operation::AllocSpi: return "alloc-spi";
    case Operation::AddSa: return "add-sa";
    case Operation::UpdateSa: return "update-sa";
    case Operation::DeleteSa: return "delete-sa";
    case Operation::AddPolicy: return "add-policy";
    case Operation::DeletePolicy: return "delete-policy";
  }
  return "operation?";
}

namespace {

std::string_view ip_protocol_name(uint8_t p) {
  switch (p) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "ipv6-icmp";
    case 132: return "sctp";
    default: return {};
  }
}

// strongSwan prints a traffic selector's protocol and port after the subnet:
// "10.1.0.0/16[tcp/80]"; nothing when both are "any".
std::string side(const Subnet& net, uint8_t proto, uint16_t port) {
  std::string out = net.addr.empty() ? std::string("%any") : net.to_string();
  if (proto == 0 && port == 0) return out;
  out += '[';
  auto pname = ip_protocol_name(proto);
  if (proto == 0) {
    out += "any";
  } else if (!pname.empty()) {
    out += pname;
  } else {
    out += std::to_string(proto);
  }
  if (port != 0) {
    out += '/';
    out += std::to_string(port);
  }
  out += ']';
  return out;
}

}  // namespace

std::string Selector::to_string() const {
  return side(src, ip_protocol, src_port) + " === " + side(dst, ip_protocol, dst_port);
}

}  // namespace ikesuite::sa
