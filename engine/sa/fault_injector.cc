#include "engine/sa/fault_injector.h"

#include "engine/sa/kernel_error.h"

namespace ikesuite::sa {

FaultInjector::FaultInjector(std::unique_ptr<SaBackend> inner, Logger* logger)
    : inner_(std::move(inner)), logger_(logger), kind_(std::string(inner_->kind()) + "+faults") {
  // Hear expiries first to keep the direction table current; then pass them on.
  inner_->set_expire_handler([this](const ExpireEvent& event) {
    if (event.hard) inbound_.erase(event.key);
    if (auto handler = handler_) handler(event);
  });
}

FaultInjector::~FaultInjector() { inner_->set_expire_handler(nullptr); }

FaultRuleId FaultInjector::add_rule(FaultRule rule) {
  FaultRuleId id = next_id_++;
  rules_.push_back(RuleState{id, std::move(rule), 0, 0});
  return id;
}

bool FaultInjector::remove_rule(FaultRuleId id) {
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (it->id == id) {
      rules_.erase(it);
      return true;
    }
  }
  return false;
}

void FaultInjector::clear_rules() { rules_.clear(); }

std::vector<FaultInjector::RuleState> FaultInjector::rules() const { return rules_; }

void FaultInjector::set_expire_handler(std::function<void(const ExpireEvent&)> handler) {
  handler_ = std::move(handler);
}

void FaultInjector::inject_expire(const ExpireEvent& event) {
  if (logger_)
    logger_->log(LogGroup::kKnl, 1,
                 std::string("injected ") + (event.hard ? "hard" : "soft") + " expire for " +
                     std::string(name(event.key.protocol)) + " SA " + spi_hex(event.key.spi) +
                     " dst " + event.key.dst.to_string());
  if (auto handler = handler_) handler(event);
}

std::optional<Error> FaultInjector::check(const Call& call, const std::string& target) {
  RuleState* firing = nullptr;
  for (auto& r : rules_) {
    const FaultRule& rule = r.rule;
    if (rule.op != call.op) continue;
    if (rule.protocol && rule.protocol != call.protocol) continue;
    if (rule.inbound && rule.inbound != call.inbound) continue;
    if (rule.spi && rule.spi != call.spi) continue;
    // Every matching rule counts the call, whichever of them fires: "the 2nd add-sa" means
    // the engine's 2nd add-sa, failed or not.
    ++r.matched;
    if (firing || r.exhausted() || r.matched < rule.nth.value_or(1)) continue;
    firing = &r;
  }
  if (!firing) return std::nullopt;
  ++firing->fired;
  Error error = kernel_error(target, firing->rule.err);
  fired_.push_back(FaultFiring{firing->id, call.op, firing->matched, target, firing->rule.err,
                               error.reason(), firing->rule.note});
  if (logger_) {
    std::string line = "injected fault (rule " + std::to_string(firing->id);
    if (!firing->rule.note.empty()) line += ": " + firing->rule.note;
    line += "): " + error.reason();
    logger_->log(LogGroup::kKnl, 1, line);
  }
  return error;
}

std::optional<bool> FaultInjector::direction_of(const SaKey& key) const {
  if (auto it = inbound_.find(key); it != inbound_.end()) return it->second;
  if (auto sa = inner_->find_sa(key)) return sa->spec.inbound;
  return std::nullopt;
}

Result<uint32_t> FaultInjector::allocate_spi(Protocol protocol, const IpAddress& src,
                                             const IpAddress& dst) {
  // SPIs are allocated for inbound SAs only (RFC 7296 2.17: each end picks the SPI it
  // receives with).
  if (auto e = check(Call{Operation::AllocSpi, protocol, true, std::nullopt},
                     describe_alloc_spi(protocol, src, dst)))
    return std::move(*e);
  auto spi = inner_->allocate_spi(protocol, src, dst);
  if (spi.ok()) inbound_[SaKey{protocol, *spi, dst}] = true;
  return spi;
}

Status FaultInjector::add_sa(const SaSpec& spec) {
  if (auto e = check(Call{Operation::AddSa, spec.key.protocol, spec.inbound, spec.key.spi},
                     describe_add_sa(spec)))
    return std::move(*e);
  auto st = inner_->add_sa(spec);
  if (st.ok()) inbound_[spec.key] = spec.inbound;
  return st;
}

Status FaultInjector::update_sa(const SaKey& key, const SaUpdate& update) {
  if (auto e = check(Call{Operation::UpdateSa, key.protocol, direction_of(key), key.spi},
                     describe_sa(Operation::UpdateSa, key)))
    return std::move(*e);
  auto st = inner_->update_sa(key, update);
  if (st.ok() && update.new_dst && *update.new_dst != key.dst) {
    if (auto it = inbound_.find(key); it != inbound_.end()) {
      bool inbound = it->second;
      inbound_.erase(it);
      inbound_[SaKey{key.protocol, key.spi, *update.new_dst}] = inbound;
    }
  }
  return st;
}

Status FaultInjector::delete_sa(const SaKey& key) {
  if (auto e = check(Call{Operation::DeleteSa, key.protocol, direction_of(key), key.spi},
                     describe_sa(Operation::DeleteSa, key)))
    return std::move(*e);
  auto st = inner_->delete_sa(key);
  if (st.ok()) inbound_.erase(key);
  return st;
}

Status FaultInjector::add_policy(const PolicySpec& policy) {
  std::optional<Protocol> protocol;
  if (policy.action == PolicyAction::Protect) protocol = policy.protocol;
  if (auto e = check(Call{Operation::AddPolicy, protocol, policy.direction != Direction::Out,
                          std::nullopt},
                     describe_policy(Operation::AddPolicy, policy.selector, policy.direction)))
    return std::move(*e);
  auto st = inner_->add_policy(policy);
  if (st.ok()) policy_protocol_[PolicyKey{policy.selector, policy.direction}] = protocol;
  return st;
}

Status FaultInjector::delete_policy(const Selector& selector, Direction direction) {
  std::optional<Protocol> protocol;
  PolicyKey key{selector, direction};
  if (auto it = policy_protocol_.find(key); it != policy_protocol_.end()) {
    protocol = it->second;
  } else {
    for (const auto& p : inner_->list_policies()) {
      if (p.selector == selector && p.direction == direction && p.action == PolicyAction::Protect)
        protocol = p.protocol;
    }
  }
  if (auto e = check(Call{Operation::DeletePolicy, protocol, direction != Direction::Out,
                          std::nullopt},
                     describe_policy(Operation::DeletePolicy, selector, direction)))
    return std::move(*e);
  auto st = inner_->delete_policy(selector, direction);
  if (st.ok()) policy_protocol_.erase(key);
  return st;
}

std::unique_ptr<FaultInjector> with_faults(std::unique_ptr<SaBackend> inner, Logger* logger) {
  return std::make_unique<FaultInjector>(std::move(inner), logger);
}

}  // namespace ikesuite::sa
