#include "harness/run/recording_backend.h"

#include <cstdio>

#include "harness/scenario/values.h"

namespace ikesuite::harness::run {

namespace {

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

Direction policy_direction(sa::Direction d) {
  switch (d) {
    case sa::Direction::In: return Direction::kIn;
    case sa::Direction::Out: return Direction::kOut;
    case sa::Direction::Fwd: return Direction::kFwd;
  }
  return Direction::kIn;
}

}  // namespace

std::string conn_of_label(std::string_view label) {
  auto brace = label.find_first_of("{[");
  return std::string(label.substr(0, brace));
}

IpsecProtocol to_model(sa::Protocol p) {
  return p == sa::Protocol::AH ? IpsecProtocol::kAh : IpsecProtocol::kEsp;
}

RecordingBackend::RecordingBackend(sa::SaBackend& inner, const Clock& clock,
                                   const sa::FaultInjector* faults)
    : inner_(inner), clock_(clock), faults_(faults) {}

size_t RecordingBackend::record(BackendEvent e, const Status& status, size_t fired_before) {
  e.t = clock_.now();
  if (!status.ok()) {
    e.ok = false;
    e.err = status.error().sys_errno();
    e.error = status.error().message();
    e.injected = faults_ && faults_->fired().size() > fired_before;
    e.text += ": " + errno_name(e.err);
  }
  events_.push_back(std::move(e));
  size_t index = events_.size() - 1;
  if (listener_) listener_(index);
  return index;
}

void RecordingBackend::learn_conn(const sa::SaKey& key, const std::string& conn, uint32_t reqid) {
  SaFacts& f = facts(key);
  if (conn.empty()) return;
  f.conn = conn;
  f.reqid = reqid;
  if (reqid) reqids_[reqid] = conn;
  // Earlier events about this SA (its SPI allocation) belong to the same connection.
  for (size_t i : f.events)
    if (events_[i].conn.empty()) events_[i].conn = conn;
  f.events.clear();
}

std::string RecordingBackend::conn_of_reqid(uint32_t reqid) const {
  auto it = reqids_.find(reqid);
  return it == reqids_.end() ? std::string() : it->second;
}

Result<uint32_t> RecordingBackend::allocate_spi(sa::Protocol protocol, const IpAddress& src,
                                                const IpAddress& dst) {
  size_t before = faults_ ? faults_->fired().size() : 0;
  auto spi = inner_.allocate_spi(protocol, src, dst);
  BackendEvent e;
  e.op = SaOp::kAllocSpi;
  e.direction = Direction::kIn;
  e.protocol = to_model(protocol);
  e.dst = dst;
  if (spi.ok()) e.spi = *spi;
  e.text = "allocate SPI " + std::string(sa::name(protocol)) + (spi.ok() ? " 0x" + hex32(*spi) : "") +
           " " + src.to_string() + " => " + dst.to_string();
  Status s = spi.ok() ? Status{} : Status(spi.error());
  size_t index = record(std::move(e), s, before);
  if (spi.ok()) {
    SaFacts& f = facts({protocol, *spi, dst});
    f.inbound = true;
    f.events.push_back(index);
  }
  return spi;
}

Status RecordingBackend::add_sa(const sa::SaSpec& spec) {
  size_t before = faults_ ? faults_->fired().size() : 0;
  Status s = inner_.add_sa(spec);
  BackendEvent e;
  e.op = SaOp::kAddSa;
  e.direction = spec.inbound ? Direction::kIn : Direction::kOut;
  e.protocol = to_model(spec.key.protocol);
  e.spi = spec.key.spi;
  e.dst = spec.key.dst;
  e.reqid = spec.reqid;
  e.conn = conn_of_label(spec.label);
  e.text = "add SA " + std::string(sa::name(spec.key.protocol)) + " 0x" + hex32(spec.key.spi) +
           " " + spec.src.to_string() + " => " + spec.key.dst.to_string() +
           (spec.inbound ? " (in)" : " (out)") + (spec.label.empty() ? "" : " " + spec.label);
  record(std::move(e), s, before);
  SaFacts& f = facts(spec.key);
  f.inbound = spec.inbound;
  learn_conn(spec.key, conn_of_label(spec.label), spec.reqid);
  return s;
}

Status RecordingBackend::update_sa(const sa::SaKey& key, const sa::SaUpdate& update) {
  size_t before = faults_ ? faults_->fired().size() : 0;
  Status s = inner_.update_sa(key, update);
  auto it = sas_.find(key);
  BackendEvent e;
  e.op = SaOp::kUpdateSa;
  if (it != sas_.end()) {
    e.direction = it->second.inbound ? Direction::kIn : Direction::kOut;
    e.conn = it->second.conn;
    e.reqid = it->second.reqid;
  }
  e.protocol = to_model(key.protocol);
  e.spi = key.spi;
  e.dst = key.dst;
  e.text = "update SA " + std::string(sa::name(key.protocol)) + " 0x" + hex32(key.spi) + " " +
           key.dst.to_string();
  record(std::move(e), s, before);
  return s;
}

Status RecordingBackend::delete_sa(const sa::SaKey& key) {
  size_t before = faults_ ? faults_->fired().size() : 0;
  Status s = inner_.delete_sa(key);
  auto it = sas_.find(key);
  BackendEvent e;
  e.op = SaOp::kDeleteSa;
  if (it != sas_.end()) {
    e.direction = it->second.inbound ? Direction::kIn : Direction::kOut;
    e.conn = it->second.conn;
    e.reqid = it->second.reqid;
  }
  e.protocol = to_model(key.protocol);
  e.spi = key.spi;
  e.dst = key.dst;
  e.text = "delete SA " + std::string(sa::name(key.protocol)) + " 0x" + hex32(key.spi) + " " +
           key.dst.to_string() +
           (e.direction ? (*e.direction == Direction::kIn ? " (in)" : " (out)") : "");
  size_t index = record(std::move(e), s, before);
  if (it != sas_.end() && it->second.conn.empty()) it->second.events.push_back(index);
  return s;
}

Status RecordingBackend::add_policy(const sa::PolicySpec& policy) {
  size_t before = faults_ ? faults_->fired().size() : 0;
  Status s = inner_.add_policy(policy);
  BackendEvent e;
  e.op = SaOp::kAddPolicy;
  e.direction = policy_direction(policy.direction);
  if (policy.action == sa::PolicyAction::Protect) e.protocol = to_model(policy.protocol);
  e.reqid = policy.reqid;
  e.conn = conn_of_reqid(policy.reqid);
  e.text = "add policy " + policy.selector.to_string() + " " +
           std::string(sa::name(policy.direction)) + " " + std::string(sa::name(policy.action));
  record(std::move(e), s, before);
  if (s.ok()) policies_[{policy.selector, policy.direction}] = {policy.protocol, policy.reqid};
  return s;
}

Status RecordingBackend::delete_policy(const sa::Selector& selector, sa::Direction direction) {
  size_t before = faults_ ? faults_->fired().size() : 0;
  Status s = inner_.delete_policy(selector, direction);
  BackendEvent e;
  e.op = SaOp::kDeletePolicy;
  e.direction = policy_direction(direction);
  auto it = policies_.find({selector, direction});
  if (it != policies_.end()) {
    e.protocol = to_model(it->second.first);
    e.reqid = it->second.second;
    e.conn = conn_of_reqid(e.reqid);
    if (s.ok()) policies_.erase(it);
  }
  e.text = "delete policy " + selector.to_string() + " " + std::string(sa::name(direction));
  record(std::move(e), s, before);
  return s;
}

void RecordingBackend::set_expire_handler(std::function<void(const sa::ExpireEvent&)> handler) {
  handler_ = std::move(handler);
  inner_.set_expire_handler([this](const sa::ExpireEvent& ev) {
    BackendEvent e;
    e.op = ev.hard ? SaOp::kExpireHard : SaOp::kExpireSoft;
    auto it = sas_.find(ev.key);
    if (it != sas_.end()) {
      e.direction = it->second.inbound ? Direction::kIn : Direction::kOut;
      e.conn = it->second.conn;
    }
    e.protocol = to_model(ev.key.protocol);
    e.spi = ev.key.spi;
    e.dst = ev.key.dst;
    e.reqid = ev.reqid;
    e.text = std::string(ev.hard ? "hard" : "soft") + " expire of SA " +
             std::string(sa::name(ev.key.protocol)) + " 0x" + hex32(ev.key.spi) + " " +
             ev.key.dst.to_string();
    record(std::move(e), Status{}, 0);
    if (handler_) handler_(ev);
  });
}

}  // namespace ikesuite::harness::run
