#include "engine/sa/fault_injector.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "engine/base/random.h"
#include "engine/sa/memory_backend.h"
#include "tests/sa/fake_loop.h"
#include "tests/sa/test_specs.h"

namespace ikesuite::sa {
namespace {

using testing::esp_in;
using testing::esp_out;
using testing::moon;
using testing::sun;

class RecordingLogger final : public Logger {
 public:
  void log(LogGroup group, int level, std::string_view text) override {
    lines.push_back(std::string(name(group)) + " " + std::to_string(level) + " " +
                    std::string(text));
  }
  bool enabled(LogGroup, int) const override { return true; }
  std::vector<std::string> lines;
};

class SaFaultInjector : public ::testing::Test {
 protected:
  SaFaultInjector() {
    auto memory = make_memory_backend(loop_, loop_, random_);
    memory_ = memory.get();
    faults_ = with_faults(std::move(memory), &logger_);
    faults_->set_expire_handler([this](const ExpireEvent& e) { events_.push_back(e); });
  }

  testing::FakeLoop loop_;
  SeededRandom random_{11};
  RecordingLogger logger_;
  MemoryBackend* memory_ = nullptr;
  std::unique_ptr<FaultInjector> faults_;
  std::vector<ExpireEvent> events_;
};

TEST_F(SaFaultInjector, PassesThroughWithoutRules) {
  EXPECT_EQ(faults_->kind(), "memory+faults");
  auto spi = faults_->allocate_spi(Protocol::ESP, sun(), moon());
  ASSERT_TRUE(spi.ok());
  ASSERT_TRUE(faults_->add_sa(esp_in(*spi)).ok());
  ASSERT_TRUE(faults_->add_policy(testing::policy_out()).ok());
  EXPECT_EQ(faults_->list_sas().size(), 1u);
  EXPECT_EQ(faults_->list_policies().size(), 1u);
  EXPECT_TRUE(faults_->find_sa(SaKey{Protocol::ESP, *spi, moon()}));
  EXPECT_TRUE(faults_->fired().empty());
  // The inner backend's expiries reach the engine through the decorator.
  loop_.run_until(seconds(10));
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_FALSE(events_[0].hard);
  EXPECT_TRUE(events_[1].hard);
}

TEST_F(SaFaultInjector, NthCallFailsLikeTheKernel) {
  FaultRule rule;
  rule.op = Operation::AddSa;
  rule.nth = 2;
  rule.note = "seed 002: the kernel has no ESP";
  FaultRuleId id = faults_->add_rule(rule);

  ASSERT_TRUE(faults_->add_sa(esp_out(0xcb131d54)).ok());
  auto st = faults_->add_sa(esp_in(0xc14f1c0a));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().sys_errno(), EPROTONOSUPPORT);
  EXPECT_EQ(st.error().code(), ErrorCode::kSystem);
  EXPECT_EQ(st.error().reason(),
            "add SA ESP 0xc14f1c0a 192.168.0.2 => 192.168.0.1: Protocol not supported (errno 93)");
  // The failed call never reached the inner backend.
  EXPECT_FALSE(memory_->find_sa(SaKey{Protocol::ESP, 0xc14f1c0a, moon()}));
  // times = 1: the third call goes through.
  ASSERT_TRUE(faults_->add_sa(esp_in(0xc14f1c0b)).ok());
  EXPECT_EQ(memory_->list_sas().size(), 2u);

  ASSERT_EQ(faults_->fired().size(), 1u);
  const FaultFiring& f = faults_->fired()[0];
  EXPECT_EQ(f.rule, id);
  EXPECT_EQ(f.op, Operation::AddSa);
  EXPECT_EQ(f.call, 2u);
  EXPECT_EQ(f.target, "add SA ESP 0xc14f1c0a 192.168.0.2 => 192.168.0.1");
  EXPECT_EQ(f.err, EPROTONOSUPPORT);
  EXPECT_EQ(f.message, st.error().reason());
  EXPECT_EQ(f.note, "seed 002: the kernel has no ESP");
  auto rules = faults_->rules();
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].matched, 3u);
  EXPECT_EQ(rules[0].fired, 1u);
  EXPECT_TRUE(rules[0].exhausted());

  ASSERT_EQ(logger_.lines.size(), 1u);
  EXPECT_EQ(logger_.lines[0],
            "KNL 1 injected fault (rule 1: seed 002: the kernel has no ESP): add SA ESP "
            "0xc14f1c0a 192.168.0.2 => 192.168.0.1: Protocol not supported (errno 93)");
}

TEST_F(SaFaultInjector, TimesCountsFailuresAndZeroMeansEveryTime) {
  FaultRule three;
  three.op = Operation::AddPolicy;
  three.times = 3;
  three.err = ENOBUFS;
  faults_->add_rule(three);
  for (int i = 0; i < 3; ++i) {
    auto st = faults_->add_policy(testing::policy_out());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().reason(),
              "add policy 10.1.0.0/16 === 10.2.0.0/16 out: No buffer space available (errno 105)");
  }
  EXPECT_TRUE(faults_->add_policy(testing::policy_out()).ok());

  faults_->clear_rules();
  FaultRule always;
  always.op = Operation::DeleteSa;
  always.nth = 2;
  always.times = 0;
  always.err = EBUSY;
  faults_->add_rule(always);
  for (uint32_t spi = 0x100; spi < 0x105; ++spi) ASSERT_TRUE(faults_->add_sa(esp_in(spi)).ok());
  EXPECT_TRUE(faults_->delete_sa(SaKey{Protocol::ESP, 0x100, moon()}).ok());
  for (uint32_t spi = 0x101; spi < 0x105; ++spi) {
    auto st = faults_->delete_sa(SaKey{Protocol::ESP, spi, moon()});
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().sys_errno(), EBUSY);
  }
  EXPECT_EQ(memory_->list_sas().size(), 4u);
  EXPECT_FALSE(faults_->rules()[0].exhausted());
  EXPECT_EQ(faults_->fired().size(), 7u);  // history survives clear_rules()
}

TEST_F(SaFaultInjector, MatchesByProtocolDirectionAndSpi) {
  FaultRule ah_only;
  ah_only.op = Operation::AddSa;
  ah_only.protocol = Protocol::AH;
  ah_only.times = 0;
  faults_->add_rule(ah_only);
  FaultRule inbound_only;
  inbound_only.op = Operation::AddSa;
  inbound_only.inbound = true;
  inbound_only.spi = 0xdead;
  inbound_only.err = ENOMEM;
  faults_->add_rule(inbound_only);

  EXPECT_TRUE(faults_->add_sa(esp_out(0xdead)).ok());  // outbound: neither rule
  EXPECT_TRUE(faults_->add_sa(esp_in(0xbeef)).ok());   // inbound, other SPI
  auto in = faults_->add_sa(esp_in(0xdead));
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().sys_errno(), ENOMEM);
  SaSpec ah = esp_out(0x1234);
  ah.key.protocol = Protocol::AH;
  ah.encr_key.clear();
  auto ah_st = faults_->add_sa(ah);
  ASSERT_FALSE(ah_st.ok());
  EXPECT_EQ(ah_st.error().sys_errno(), EPROTONOSUPPORT);
  EXPECT_EQ(ah_st.error().reason(),
            "add SA AH 0x00001234 192.168.0.1 => 192.168.0.2: Protocol not supported (errno 93)");
}

TEST_F(SaFaultInjector, DirectionOfDeletesIsKnownFromTheAdd) {
  FaultRule rule;
  rule.op = Operation::DeleteSa;
  rule.inbound = false;
  rule.err = ESRCH;
  faults_->add_rule(rule);
  ASSERT_TRUE(faults_->add_sa(esp_in(0x500)).ok());
  ASSERT_TRUE(faults_->add_sa(esp_out(0x600)).ok());
  EXPECT_TRUE(faults_->delete_sa(SaKey{Protocol::ESP, 0x500, moon()}).ok());
  auto st = faults_->delete_sa(SaKey{Protocol::ESP, 0x600, sun()});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kNotFound);  // ESRCH reads as "no such SA"
  EXPECT_EQ(st.error().reason(),
            "delete SA ESP 0x00000600 dst 192.168.0.2: No such process (errno 3)");
  // A delete of an SA nobody knows has no direction: a rule that needs one does not match.
  FaultRule any;
  any.op = Operation::DeleteSa;
  any.inbound = true;
  faults_->clear_rules();
  faults_->add_rule(any);
  auto unknown = faults_->delete_sa(SaKey{Protocol::ESP, 0x999, moon()});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().sys_errno(), ESRCH);  // the memory backend's own answer
  EXPECT_EQ(faults_->fired().size(), 1u);
}

TEST_F(SaFaultInjector, AllocSpiIsInboundAndHasNoSpi) {
  FaultRule by_spi;
  by_spi.op = Operation::AllocSpi;
  by_spi.spi = 0x100;
  faults_->add_rule(by_spi);
  EXPECT_TRUE(faults_->allocate_spi(Protocol::ESP, sun(), moon()).ok());

  FaultRule outbound;
  outbound.op = Operation::AllocSpi;
  outbound.inbound = false;
  faults_->add_rule(outbound);
  EXPECT_TRUE(faults_->allocate_spi(Protocol::ESP, sun(), moon()).ok());

  FaultRule inbound;
  inbound.op = Operation::AllocSpi;
  inbound.inbound = true;
  inbound.protocol = Protocol::ESP;
  inbound.err = ENOENT;
  faults_->add_rule(inbound);
  auto r = faults_->allocate_spi(Protocol::ESP, sun(), moon());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason(),
            "allocate SPI ESP 192.168.0.2 => 192.168.0.1: No such file or directory (errno 2)");
  EXPECT_EQ(memory_->list_reserved_spis().size(), 2u);
}

TEST_F(SaFaultInjector, ReleasingAnAllocatedSpiIsAnInboundDelete) {
  FaultRule rule;
  rule.op = Operation::DeleteSa;
  rule.inbound = true;
  faults_->add_rule(rule);
  auto spi = faults_->allocate_spi(Protocol::ESP, sun(), moon());
  ASSERT_TRUE(spi.ok());
  EXPECT_FALSE(faults_->delete_sa(SaKey{Protocol::ESP, *spi, moon()}).ok());
  EXPECT_EQ(memory_->list_reserved_spis().size(), 1u);
}

TEST_F(SaFaultInjector, PolicyRulesMatchDirectionAndTemplateProtocol) {
  FaultRule rule;
  rule.op = Operation::DeletePolicy;
  rule.inbound = true;
  rule.protocol = Protocol::ESP;
  rule.err = EAGAIN;
  faults_->add_rule(rule);
  ASSERT_TRUE(faults_->add_policy(testing::policy_out()).ok());
  ASSERT_TRUE(faults_->add_policy(testing::policy_in(Direction::Fwd)).ok());
  PolicySpec pass = testing::policy_in(Direction::In);
  pass.action = PolicyAction::Pass;
  ASSERT_TRUE(faults_->add_policy(pass).ok());

  EXPECT_TRUE(faults_->delete_policy(testing::net2net(), Direction::Out).ok());  // outbound
  EXPECT_TRUE(faults_->delete_policy(pass.selector, Direction::In).ok());  // no protocol
  auto st = faults_->delete_policy(pass.selector, Direction::Fwd);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().sys_errno(), EAGAIN);
  EXPECT_EQ(memory_->list_policies().size(), 1u);
}

TEST_F(SaFaultInjector, RulesAddedMidRunCountFromThen) {
  for (uint32_t spi = 0x100; spi < 0x103; ++spi) ASSERT_TRUE(faults_->add_sa(esp_in(spi)).ok());
  FaultRule rule;
  rule.op = Operation::AddSa;
  rule.nth = 2;
  FaultRuleId id = faults_->add_rule(rule);
  EXPECT_TRUE(faults_->add_sa(esp_in(0x103)).ok());
  EXPECT_FALSE(faults_->add_sa(esp_in(0x104)).ok());
  EXPECT_TRUE(faults_->remove_rule(id));
  EXPECT_FALSE(faults_->remove_rule(id));
  EXPECT_TRUE(faults_->add_sa(esp_in(0x104)).ok());
}

TEST_F(SaFaultInjector, EveryMatchingRuleCountsTheCallFirstFiringWins) {
  FaultRule first;
  first.op = Operation::UpdateSa;
  first.nth = 1;
  first.err = EIO;
  FaultRule second;
  second.op = Operation::UpdateSa;
  second.nth = 2;
  second.err = EFAULT;
  faults_->add_rule(first);
  faults_->add_rule(second);
  ASSERT_TRUE(faults_->add_sa(esp_out(0x100)).ok());
  SaUpdate u;
  u.encap = UdpEncap{};
  auto a = faults_->update_sa(SaKey{Protocol::ESP, 0x100, sun()}, u);
  auto b = faults_->update_sa(SaKey{Protocol::ESP, 0x100, sun()}, u);
  auto c = faults_->update_sa(SaKey{Protocol::ESP, 0x100, sun()}, u);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().sys_errno(), EIO);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().sys_errno(), EFAULT);  // the second rule saw call 1 as well
  EXPECT_EQ(b.error().reason(),
            "update SA ESP 0x00000100 dst 192.168.0.2: Bad address (errno 14)");
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(memory_->find_sa(SaKey{Protocol::ESP, 0x100, sun()})->spec.encap, UdpEncap{});
}

TEST_F(SaFaultInjector, InjectedExpiryReachesTheHandler) {
  ASSERT_TRUE(faults_->add_sa(esp_in(0x700)).ok());
  faults_->inject_expire(ExpireEvent{SaKey{Protocol::ESP, 0x700, moon()}, 1, false});
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_FALSE(events_[0].hard);
  EXPECT_EQ(events_[0].key.spi, 0x700u);
  EXPECT_TRUE(memory_->find_sa(SaKey{Protocol::ESP, 0x700, moon()}));
}

TEST_F(SaFaultInjector, DecoratesAnyBackend) {
  // The decorator also sits over a decorator (scenario layering), naming both.
  auto outer = with_faults(std::move(faults_));
  EXPECT_EQ(outer->kind(), "memory+faults+faults");
}

}  // namespace
}  // namespace ikesuite::sa
