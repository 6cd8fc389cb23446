// The fuzz world (fuzz/ikev2_engine/driver.h): its start states are the states they name,
// sealed messages get past the engine's integrity check into the handlers, and each
// invariant check fires when its invariant is broken behind the engine's back.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/net/transport.h"
#include "engine/wire/ikev2/message.h"
#include "fuzz/ikev2_engine/driver.h"

namespace ikesuite::ikev2::fuzz {
namespace {

std::vector<const IkeSa*> live(const World& w, Side s) { return w.live_ike_sas(s); }

bool mentions(const std::vector<std::string>& violations, const std::string& text) {
  return std::any_of(violations.begin(), violations.end(),
                     [&](const std::string& v) { return v.find(text) != std::string::npos; });
}

std::string all(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

// The header of the last datagram a host sent.
v2::Header last_sent_header(const World& w, Side from) {
  for (auto it = w.sent().rbegin(); it != w.sent().rend(); ++it) {
    if (it->from != from) continue;
    auto ike = net::unframe_ike(it->src.port, it->dst.port, it->udp_payload);
    if (!ike) continue;
    auto h = v2::parse_header(*ike);
    if (h.ok()) return *h;
  }
  ADD_FAILURE() << "nothing sent";
  return {};
}

TEST(EngineFuzzWorld, FreshResponderHasNoSas) {
  World w(StartState::FreshResponder, false, 0);
  EXPECT_TRUE(live(w, Side::Initiator).empty());
  EXPECT_TRUE(live(w, Side::Responder).empty());
  EXPECT_TRUE(w.violations().empty()) << all(w.violations());
}

TEST(EngineFuzzWorld, InitSentWaitsForTheResponse) {
  World w(StartState::InitSent, false, 0);
  auto ini = live(w, Side::Initiator);
  ASSERT_EQ(ini.size(), 1u);
  EXPECT_EQ(ini[0]->state, IkeSaState::Connecting);
  ASSERT_TRUE(ini[0]->outstanding.has_value());
  EXPECT_EQ(ini[0]->outstanding->exchange, v2::ExchangeType::IkeSaInit);
  EXPECT_TRUE(live(w, Side::Responder).empty());
}

TEST(EngineFuzzWorld, InitAnsweredLeavesAHalfOpenResponder) {
  World w(StartState::InitAnswered, false, 0);
  auto ini = live(w, Side::Initiator);
  auto res = live(w, Side::Responder);
  ASSERT_EQ(ini.size(), 1u);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(ini[0]->spi_r, 0u) << "the response was lost";
  EXPECT_EQ(res[0]->state, IkeSaState::Connecting);
  EXPECT_EQ(res[0]->expected_request_mid, 1u);
  EXPECT_TRUE(res[0]->suite.has_value()) << "keys derived, waiting for IKE_AUTH";
}

TEST(EngineFuzzWorld, EstablishedHasInstalledChildSas) {
  for (bool swap : {false, true}) {
    World w(StartState::Established, swap, 0);
    for (Side s : {Side::Initiator, Side::Responder}) {
      auto sas = live(w, s);
      ASSERT_EQ(sas.size(), 1u);
      EXPECT_EQ(sas[0]->state, IkeSaState::Established);
      ASSERT_EQ(sas[0]->children.size(), 1u);
      EXPECT_EQ(sas[0]->children[0]->state, ChildSaState::Installed);
      EXPECT_EQ(w.memory(s).list_sas().size(), 2u);
    }
    EXPECT_EQ(live(w, Side::Initiator)[0]->initiator, true);
    EXPECT_TRUE(w.violations().empty()) << all(w.violations());
  }
}

TEST(EngineFuzzWorld, OutstandingExchangeStates) {
  {
    World w(StartState::ChildRekeying, false, 0);
    auto sas = live(w, Side::Initiator);
    ASSERT_EQ(sas.size(), 1u);
    ASSERT_TRUE(sas[0]->outstanding.has_value());
    EXPECT_EQ(sas[0]->outstanding->exchange, v2::ExchangeType::CreateChildSa);
    EXPECT_EQ(sas[0]->children.front()->state, ChildSaState::Rekeying);
  }
  {
    World w(StartState::IkeRekeying, false, 0);
    auto sas = live(w, Side::Initiator);
    ASSERT_EQ(sas.size(), 1u);
    EXPECT_EQ(sas[0]->state, IkeSaState::Rekeying);
  }
  {
    World w(StartState::Deleting, false, 0);
    auto sas = live(w, Side::Initiator);
    ASSERT_EQ(sas.size(), 1u);
    EXPECT_EQ(sas[0]->state, IkeSaState::Deleting);
    // The responder never heard of it.
    EXPECT_EQ(live(w, Side::Responder)[0]->state, IkeSaState::Established);
  }
}

TEST(EngineFuzzWorld, RecordModeLeavesTheNetworkWhole) {
  WorldOptions options;
  options.record = true;
  World w(StartState::ChildRekeying, false, 0, options);
  // The rekey and the Delete of the old Child SA went through.
  EXPECT_FALSE(live(w, Side::Initiator)[0]->outstanding.has_value());
  EXPECT_TRUE(w.states_seen().contains("initiator CHILD REKEYED"));
  EXPECT_TRUE(w.states_seen().contains("responder CHILD DELETED"));
  // Two exchanges (four datagrams) after the cut.
  EXPECT_EQ(w.sent_total() - w.cut_at(), 4u);
}

TEST(EngineFuzzWorld, SealedRequestReachesTheHandler) {
  World w(StartState::Established, false, 0);
  w.apply(NetworkOp{NetworkKind::Partition});
  // An empty INFORMATIONAL request (a liveness check, RFC 7296 §2.4) from the initiator.
  SealedOp dpd;
  dpd.at = {Side::Responder, PortMode::Ike500, 0};
  dpd.exchange = 37;
  uint64_t before = w.engine(Side::Responder).stats().integrity_failures;
  w.apply(dpd);
  w.check();
  EXPECT_EQ(w.engine(Side::Responder).stats().integrity_failures, before);
  v2::Header h = last_sent_header(w, Side::Responder);
  EXPECT_TRUE(h.response());
  EXPECT_EQ(h.exchange, v2::ExchangeType::Informational);
  EXPECT_EQ(h.message_id, 2u);
  EXPECT_EQ(live(w, Side::Responder)[0]->expected_request_mid, 3u);
  EXPECT_TRUE(w.violations().empty()) << all(w.violations());
}

TEST(EngineFuzzWorld, SealedOnPort4500AndAsFragment) {
  World w(StartState::Established, false, variant::kFragments);
  w.apply(NetworkOp{NetworkKind::Partition});
  SealedOp part;
  part.at = {Side::Initiator, PortMode::Natt4500, 0};
  part.exchange = 37;
  part.fragment = std::make_pair(uint8_t{1}, uint8_t{1});
  w.apply(part);
  // The responder's first request on this IKE SA, answered.
  v2::Header h = last_sent_header(w, Side::Initiator);
  EXPECT_TRUE(h.response());
  EXPECT_EQ(h.message_id, 0u);
  EXPECT_EQ(live(w, Side::Initiator)[0]->expected_request_mid, 1u);
  EXPECT_EQ(w.engine(Side::Initiator).stats().integrity_failures, 0u);
}

TEST(EngineFuzzWorld, MutatedReplayFailsIntegrity) {
  World w(StartState::Established, false, 0);
  w.apply(NetworkOp{NetworkKind::Partition});
  w.apply(ApiOp{Side::Initiator, ApiCall::RekeyChild});
  // The rekey request, its last byte (in the ICV) flipped.
  const auto& d = w.sent().back();
  ASSERT_EQ(d.from, Side::Initiator);
  w.apply(ReplayOp{0, 1, static_cast<uint16_t>(d.udp_payload.size() - 1), 0x01});
  EXPECT_EQ(w.engine(Side::Responder).stats().integrity_failures, 1u);
}

TEST(EngineFuzzWorld, ClearInitRequestMakesAHalfOpenSa) {
  World source(StartState::InitSent, false, 0);
  const auto& request = source.sent().back();
  World w(StartState::FreshResponder, false, 0);
  w.apply(RawOp{{Side::Responder, PortMode::Ike500, 0}, request.udp_payload});
  auto res = live(w, Side::Responder);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0]->state, IkeSaState::Connecting);
  EXPECT_TRUE(w.violations().empty()) << all(w.violations());
}

TEST(EngineFuzzWorld, HardExpireDeletesTheChildSa) {
  World w(StartState::Established, false, 0);
  w.apply(KernelOp{Side::Initiator, KernelKind::HardExpire, 0, 1, 0, 0, 0, 0});
  w.check();
  EXPECT_TRUE(w.violations().empty()) << all(w.violations());
  EXPECT_TRUE(w.states_seen().contains("initiator CHILD DELETING"));
  EXPECT_TRUE(live(w, Side::Initiator)[0]->children.empty());
  EXPECT_TRUE(live(w, Side::Responder)[0]->children.empty());
}

TEST(EngineFuzzWorld, TimeIsCapped) {
  World w(StartState::FreshResponder, false, 0);
  Time t0 = w.loop().now();
  w.apply(TimeOp{0xffff});
  EXPECT_EQ(w.loop().now() - t0, seconds(0x7fff % 301));
  w.apply(TimeOp{250});
  EXPECT_EQ(w.loop().now() - t0, seconds(0x7fff % 301) + std::chrono::milliseconds(250));
}

// --- the checks themselves ------------------------------------------------------------------

TEST(EngineFuzzChecks, SaMissingFromTheBackend) {
  World w(StartState::Established, false, 0);
  const ChildSa& c = *live(w, Side::Responder)[0]->children[0];
  ASSERT_TRUE(w.memory(Side::Responder)
                  .delete_sa({c.protocol, c.spi_in, live(w, Side::Responder)[0]->local.addr})
                  .ok());
  w.check();
  EXPECT_TRUE(mentions(w.violations(), "believes inbound SA")) << all(w.violations());
}

TEST(EngineFuzzChecks, StrayReservationAndPolicy) {
  World w(StartState::Established, false, 0);
  auto& m = w.memory(Side::Initiator);
  ASSERT_TRUE(m.allocate_spi(sa::Protocol::ESP, w.endpoint(Side::Responder, 500).addr,
                             w.endpoint(Side::Initiator, 500).addr)
                  .ok());
  sa::PolicySpec p;
  p.selector.src = *Subnet::parse("10.9.0.0/16");
  p.selector.dst = *Subnet::parse("10.8.0.0/16");
  p.reqid = 999;
  p.action = sa::PolicyAction::Drop;
  ASSERT_TRUE(m.add_policy(p).ok());
  w.check();
  EXPECT_TRUE(mentions(w.violations(), "reservation of SPI")) << all(w.violations());
  EXPECT_TRUE(mentions(w.violations(), "reqid 999")) << all(w.violations());
  w.finish();
  EXPECT_TRUE(mentions(w.violations(), "keeps 1 SPI reservations")) << all(w.violations());
  EXPECT_TRUE(mentions(w.violations(), "keeps 1 policies")) << all(w.violations());
}

TEST(EngineFuzzChecks, SecondOutstandingRequestOnTheWire) {
  World w(StartState::Established, false, 0);
  // Misbehaviour on purpose: the engine skips message IDs, which looks on the wire like a
  // request sent before the previous one was answered.
  ImpairRule skip;
  skip.kind = ImpairKind::MessageId;
  skip.exchange = v2::ExchangeType::CreateChildSa;
  skip.response = false;
  skip.value = 5;
  w.engine(Side::Initiator).impairments().add(skip);
  w.apply(ApiOp{Side::Initiator, ApiCall::RekeyChild});
  EXPECT_TRUE(mentions(w.violations(), "without having received the response to request 6"))
      << all(w.violations());
}

TEST(EngineFuzzChecks, CleanRunHasNoViolations) {
  World w(StartState::Established, false, 0);
  for (ApiCall c : {ApiCall::RekeyChild, ApiCall::RekeyIke, ApiCall::Initiate,
                    ApiCall::TerminateChild, ApiCall::TerminateIke}) {
    w.apply(ApiOp{Side::Initiator, c});
    w.apply(TimeOp{3000});
    w.check();
  }
  w.finish();
  EXPECT_TRUE(w.violations().empty()) << all(w.violations());
}

}  // namespace
}  // namespace ikesuite::ikev2::fuzz
