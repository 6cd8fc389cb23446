// Fault injection for SA backends: a decorator that makes chosen kernel operations fail with
// a chosen errno, so scenarios can reproduce "the kernel refused the Child SA" (seed 002:
// strongSwan's "unable to install inbound and outbound IPsec SA (SAD) in kernel") on the
// memory backend, on the virtual clock, without a kernel that lacks ESP.
//
// A failing call never reaches the inner backend and returns the Error a kernel failure
// would (kernel_error.h), so the engine logs and handles it exactly as a real one. Rules can
// be added and removed at any time; scenarios inject faults mid-run.
#pragma once

#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/log.h"
#include "engine/sa/sa_backend.h"

namespace ikesuite::sa {

struct FaultRule {
  Operation op = Operation::AddSa;
  // 1-based: the first matching call (counted from when the rule was added) that fails;
  // unset means the first.
  std::optional<uint32_t> nth;
  // Matching: a rule that names a field matches only calls that have that field with that
  // value. alloc-spi has a protocol and is always inbound but has no SPI yet; add-sa has
  // all three; update-sa and delete-sa have protocol and SPI, and a direction when the SA
  // was added (or its SPI allocated) through this injector or the inner backend knows it;
  // policies are inbound for directions in and fwd, and have the template's protocol when
  // they protect traffic.
  std::optional<Protocol> protocol;
  std::optional<bool> inbound;
  std::optional<uint32_t> spi;
  int err = EPROTONOSUPPORT;
  // How many calls fail, from the nth on; 0 means every matching call from the nth on.
  uint32_t times = 1;
  std::string note;  // why, for the fired() history and the log
};

using FaultRuleId = uint64_t;

// One injected failure.
struct FaultFiring {
  FaultRuleId rule = 0;
  Operation op = Operation::AddSa;
  uint64_t call = 0;    // the rule's count of matching calls when it fired (1-based)
  std::string target;   // "add SA ESP 0xc14f1c0a 192.168.0.2 => 192.168.0.1"
  int err = 0;
  std::string message;  // the Error's reason, as the engine sees it
  std::string note;
};

class FaultInjector final : public SaBackend {
 public:
  // `logger`, when given, gets a KNL line at level 1 for every injected failure.
  explicit FaultInjector(std::unique_ptr<SaBackend> inner, Logger* logger = nullptr);
  ~FaultInjector() override;

  FaultRuleId add_rule(FaultRule rule);
  // False if there is no such rule.
  bool remove_rule(FaultRuleId id);
  void clear_rules();

  struct RuleState {
    FaultRuleId id = 0;
    FaultRule rule;
    uint64_t matched = 0;  // matching calls seen
    uint32_t fired = 0;    // failures injected
    bool exhausted() const { return rule.times != 0 && fired >= rule.times; }
  };
  std::vector<RuleState> rules() const;
  // Every injected failure, oldest first (kept across clear_rules()).
  const std::vector<FaultFiring>& fired() const { return fired_; }
  void clear_fired() { fired_.clear(); }

  // Delivers an expire event as if the kernel had sent it (a spurious or early expiry); it
  // does not touch the inner backend's SAs.
  void inject_expire(const ExpireEvent& event);

  SaBackend& inner() { return *inner_; }
  const SaBackend& inner() const { return *inner_; }

  std::string_view kind() const override { return kind_; }
  Result<uint32_t> allocate_spi(Protocol protocol, const IpAddress& src,
                                const IpAddress& dst) override;
  Status add_sa(const SaSpec& spec) override;
  Status update_sa(const SaKey& key, const SaUpdate& update) override;
  Status delete_sa(const SaKey& key) override;
  Status add_policy(const PolicySpec& policy) override;
  Status delete_policy(const Selector& selector, Direction direction) override;
  std::vector<SaEntry> list_sas() const override { return inner_->list_sas(); }
  std::vector<PolicySpec> list_policies() const override { return inner_->list_policies(); }
  std::optional<SaEntry> find_sa(const SaKey& key) const override { return inner_->find_sa(key); }
  std::vector<SpiReservation> list_reserved_spis() const override {
    return inner_->list_reserved_spis();
  }
  void set_expire_handler(std::function<void(const ExpireEvent&)> handler) override;

 private:
  // What a rule can match on, for one call.
  struct Call {
    Operation op;
    std::optional<Protocol> protocol;
    std::optional<bool> inbound;
    std::optional<uint32_t> spi;
  };
  struct PolicyKey {
    Selector selector;
    Direction direction;
    auto operator<=>(const PolicyKey&) const = default;
  };

  // The injected error for this call, if a rule fires.
  std::optional<Error> check(const Call& call, const std::string& target);
  std::optional<bool> direction_of(const SaKey& key) const;

  std::unique_ptr<SaBackend> inner_;
  Logger* logger_;
  std::string kind_;
  std::vector<RuleState> rules_;
  FaultRuleId next_id_ = 1;
  std::vector<FaultFiring> fired_;
  std::function<void(const ExpireEvent&)> handler_;
  // Directions of SAs and SPIs that went through, and protocols of policies, so update,
  // delete and delete-policy calls can be matched on them.
  std::map<SaKey, bool> inbound_;
  std::map<PolicyKey, std::optional<Protocol>> policy_protocol_;
};

std::unique_ptr<FaultInjector> with_faults(std::unique_ptr<SaBackend> inner,
                                           Logger* logger = nullptr);

}  // namespace ikesuite::sa
