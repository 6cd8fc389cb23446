#include "harness/scenario/scenario.h"

#include "harness/scenario/catalogue.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness {

std::string SourceRef::describe() const {
  if (line <= 0) return pointer.empty() ? std::string("the file") : pointer;
  return "line " + std::to_string(line);
}

std::string_view name(RunMode v) {
  switch (v) {
    case RunMode::kSim: return "sim";
    case RunMode::kNetns: return "netns";
  }
  return "?";
}

std::string_view name(Implementation v) {
  switch (v) {
    case Implementation::kRef: return "ref";
    case Implementation::kStrongswan: return "strongswan";
    case Implementation::kLibreswan: return "libreswan";
  }
  return "?";
}

std::string_view name(SaBackendKind v) {
  switch (v) {
    case SaBackendKind::kMemory: return "memory";
    case SaBackendKind::kXfrm: return "xfrm";
    case SaBackendKind::kKernelNetlink: return "kernel-netlink";
    case SaBackendKind::kKernelLibipsec: return "kernel-libipsec";
  }
  return "?";
}

std::string_view name(IkeVersion v) {
  switch (v) {
    case IkeVersion::kAny: return "ike";
    case IkeVersion::kV1: return "ikev1";
    case IkeVersion::kV2: return "ikev2";
  }
  return "?";
}

std::string_view name(AuthMethod v) {
  switch (v) {
    case AuthMethod::kPsk: return "psk";
    case AuthMethod::kPubkey: return "pubkey";
    case AuthMethod::kRsa: return "rsa";
    case AuthMethod::kEcdsa: return "ecdsa";
    case AuthMethod::kNull: return "null";
    case AuthMethod::kNever: return "never";
  }
  return "?";
}

std::string_view name(ConnType v) {
  switch (v) {
    case ConnType::kTunnel: return "tunnel";
    case ConnType::kTransport: return "transport";
    case ConnType::kPassthrough: return "passthrough";
    case ConnType::kDrop: return "drop";
  }
  return "?";
}

std::string_view name(AutoAction v) {
  switch (v) {
    case AutoAction::kIgnore: return "ignore";
    case AutoAction::kAdd: return "add";
    case AutoAction::kRoute: return "route";
    case AutoAction::kStart: return "start";
  }
  return "?";
}

std::string_view name(SaAction v) {
  switch (v) {
    case SaAction::kNone: return "none";
    case SaAction::kClear: return "clear";
    case SaAction::kHold: return "hold";
    case SaAction::kRestart: return "restart";
  }
  return "?";
}

std::string_view name(Fragmentation v) {
  switch (v) {
    case Fragmentation::kNo: return "no";
    case Fragmentation::kYes: return "yes";
    case Fragmentation::kAccept: return "accept";
    case Fragmentation::kForce: return "force";
  }
  return "?";
}

std::string_view name(Childless v) {
  switch (v) {
    case Childless::kAllow: return "allow";
    case Childless::kForce: return "force";
    case Childless::kNever: return "never";
  }
  return "?";
}

std::string_view name(SendCert v) {
  switch (v) {
    case SendCert::kAlways: return "always";
    case SendCert::kIfAsked: return "ifasked";
    case SendCert::kNever: return "never";
  }
  return "?";
}

std::string_view name(SecretType v) {
  switch (v) {
    case SecretType::kPsk: return "PSK";
    case SecretType::kRsa: return "RSA";
    case SecretType::kEcdsa: return "ECDSA";
  }
  return "?";
}

std::string_view name(NatType v) {
  switch (v) {
    case NatType::kFullCone: return "full-cone";
    case NatType::kAddressRestricted: return "address-restricted";
    case NatType::kPortRestricted: return "port-restricted";
    case NatType::kSymmetric: return "symmetric";
  }
  return "?";
}

std::string_view name(SaKind v) { return v == SaKind::kIke ? "ike" : "child"; }
std::string_view name(IpsecProtocol v) { return v == IpsecProtocol::kEsp ? "esp" : "ah"; }

std::string_view name(Direction v) {
  switch (v) {
    case Direction::kIn: return "in";
    case Direction::kOut: return "out";
    case Direction::kFwd: return "fwd";
    case Direction::kBoth: return "both";
  }
  return "?";
}

std::string_view name(SaOp v) {
  switch (v) {
    case SaOp::kAllocSpi: return "alloc-spi";
    case SaOp::kAddSa: return "add-sa";
    case SaOp::kUpdateSa: return "update-sa";
    case SaOp::kDeleteSa: return "delete-sa";
    case SaOp::kAddPolicy: return "add-policy";
    case SaOp::kDeletePolicy: return "delete-policy";
    case SaOp::kExpireSoft: return "expire-soft";
    case SaOp::kExpireHard: return "expire-hard";
  }
  return "?";
}

std::string_view name(MessageKind v) { return v == MessageKind::kRequest ? "request" : "response"; }
std::string_view name(Seen v) { return v == Seen::kSent ? "sent" : "received"; }

std::string_view name(PayloadMatch v) {
  switch (v) {
    case PayloadMatch::kExact: return "exact";
    case PayloadMatch::kOrdered: return "ordered";
    case PayloadMatch::kPrefix: return "prefix";
    case PayloadMatch::kContains: return "contains";
  }
  return "?";
}

std::string_view name(ImpairKind v) { return impairment_info(v).name; }

std::string_view name(ActionKind v) {
  switch (v) {
    case ActionKind::kStart: return "start";
    case ActionKind::kStop: return "stop";
    case ActionKind::kRestart: return "restart";
    case ActionKind::kInitiate: return "initiate";
    case ActionKind::kRekey: return "rekey";
    case ActionKind::kTerminate: return "terminate";
    case ActionKind::kFault: return "fault";
    case ActionKind::kClearFaults: return "clear_faults";
    case ActionKind::kImpair: return "impair";
    case ActionKind::kPartition: return "partition";
    case ActionKind::kHeal: return "heal";
    case ActionKind::kHostDown: return "host_down";
    case ActionKind::kHostUp: return "host_up";
    case ActionKind::kFlood: return "flood";
    case ActionKind::kTraffic: return "traffic";
    case ActionKind::kMisbehave: return "misbehave";
    case ActionKind::kNote: return "note";
  }
  return "?";
}

std::string_view name(CheckKind v) {
  switch (v) {
    case CheckKind::kMessage: return "message";
    case CheckKind::kNoMessage: return "no_message";
    case CheckKind::kSequence: return "sequence";
    case CheckKind::kLog: return "log";
    case CheckKind::kState: return "state";
    case CheckKind::kSaTable: return "sa_table";
    case CheckKind::kSaEvents: return "sa_events";
    case CheckKind::kFinal: return "final";
    case CheckKind::kVerdict: return "verdict";
  }
  return "?";
}

std::string CountRange::describe() const {
  if (max && *max == min) return std::to_string(min);
  if (!max) return "at least " + std::to_string(min);
  if (min == 0) return "at most " + std::to_string(*max);
  return std::to_string(min) + ".." + std::to_string(*max);
}

std::string EventRef::describe() const {
  std::string out;
  switch (kind) {
    case Kind::kExpectation: out = "expectation '" + id + "'"; break;
    case Kind::kAction: out = "action '" + id + "'"; break;
    case Kind::kIkeState:
      out = host + ": IKE SA" + (conn.empty() ? "" : " " + conn) + " " + state;
      break;
    case Kind::kChildState:
      out = host + ": Child SA" + (conn.empty() ? "" : " " + conn) + " " + state;
      break;
    case Kind::kSaEvent:
      out = host + ": " + std::string(name(op)) +
            (direction ? " " + std::string(name(*direction)) : std::string());
      break;
    case Kind::kLog: out = host + ": log /" + regex + "/"; break;
  }
  if (nth != 1) out += " (#" + std::to_string(nth) + ")";
  return out;
}

std::string MessageMatcher::describe() const {
  std::string out;
  if (exchange) {
    out = exchange_name(ike_version, *exchange);
  } else {
    out = ike_version == 1 ? "IKEv1 message" : "IKEv2 message";
  }
  if (kind) out += " " + std::string(name(*kind));
  if (message_id) out += " " + std::to_string(*message_id);
  if (payloads) {
    out += " [";
    for (const auto& p : *payloads) out += " " + p.text;
    out += " ]";
  }
  std::string from_text = !from.empty() ? from : from_address ? from_address->to_string() : "";
  std::string to_text = !to.empty() ? to : to_address ? to_address->to_string() : "";
  if (!from_text.empty()) out += " from " + from_text;
  if (!to_text.empty()) out += " to " + to_text;
  return out;
}

const SourceRef* Connection::key_source(std::string_view key) const {
  for (const auto& [k, src] : explicit_keys)
    if (k == key) return &src;
  return nullptr;
}

const Connection* Host::find_conn(std::string_view conn) const {
  for (const auto& c : conns)
    if (c.name == conn) return &c;
  return nullptr;
}

bool Host::owns(const IpAddress& a) const {
  for (const auto& mine : addresses)
    if (mine == a) return true;
  return false;
}

const Host* Scenario::find_host(std::string_view host) const {
  for (const auto& h : hosts)
    if (h.name == host) return &h;
  return nullptr;
}

const Host* Scenario::host_by_address(const IpAddress& a) const {
  for (const auto& h : hosts)
    if (h.owns(a)) return &h;
  return nullptr;
}

const Expectation* Scenario::find_expectation(std::string_view id) const {
  for (const auto& e : expect)
    if (e.id == id) return &e;
  return nullptr;
}

const Action* Scenario::find_action(std::string_view id) const {
  for (const auto& a : timeline)
    if (a.id == id) return &a;
  return nullptr;
}

IdTarget Scenario::resolve(std::string_view id) const {
  IdTarget t;
  if (id.empty()) return t;
  if ((t.action = find_action(id))) return t;
  for (const auto& e : expect) {
    if (e.id == id) {
      t.expectation = &e;
      return t;
    }
    if (const auto* seq = std::get_if<SequenceCheck>(&e.check)) {
      for (const auto& s : seq->steps)
        if (s.id == id) {
          t.expectation = &e;
          t.step = &s;
          return t;
        }
    } else if (const auto* st = std::get_if<StateCheck>(&e.check)) {
      for (const auto& tr : st->transitions)
        if (tr.id == id) {
          t.transition = &tr;
          return t;
        }
    } else if (const auto* ev = std::get_if<SaEventsCheck>(&e.check)) {
      for (const auto& step : ev->events)
        if (step.id == id) {
          t.sa_event = &step;
          return t;
        }
    }
  }
  return t;
}

std::string Scenario::summary() const {
  auto nl = description.find('\n');
  std::string first = description.substr(0, nl);
  // The first sentence is the summary; descriptions are written as prose.
  auto dot = first.find(". ");
  if (dot != std::string::npos) first = first.substr(0, dot + 1);
  return first;
}

}  // namespace ikesuite::harness
