// Whole IKEv1 messages: Main Mode 1-4 in clear, an encrypted message 5, Aggressive Mode 1,
// Quick Mode and Informational exchanges (encrypted, then their decrypted payloads).
#include <gtest/gtest.h>

#include "engine/wire/ikev1/message.h"
#include "tests/wire_ikev1/samples.h"
#include "tests/wire_ikev1/test_util.h"

namespace ikesuite::v1 {
namespace {

using testing::fails_inside;
using testing::fails_with;
using testing::prefix;
using testing::set_u32;

std::vector<PayloadType> types_of(const std::vector<Payload>& payloads) {
  std::vector<PayloadType> out;
  for (const auto& p : payloads) out.push_back(p.type);
  return out;
}

class SampleMessage : public ::testing::TestWithParam<samples::Named> {};

TEST_P(SampleMessage, RoundTripsBothWays) {
  const Message& m = GetParam().message;
  auto bytes = serialize(m);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message();
  auto parsed = parse(*bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, m);  // parse(serialize(m)) == m
  auto again = serialize(*parsed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *bytes);  // serialize(parse(bytes)) == bytes
  EXPECT_EQ(parsed->header.length, bytes->size());
}

TEST_P(SampleMessage, EveryTruncationFails) {
  Bytes wire = *serialize(GetParam().message);
  for (size_t n = 0; n < wire.size(); ++n) {
    auto r = parse(prefix(wire, n));
    EXPECT_TRUE(fails_inside(r, 0, n)) << "cut at " << n;
    if (n >= Header::kSize && !r.ok()) {
      EXPECT_EQ(*r.error().notify(), testing::code(NotifyType::UNEQUAL_PAYLOAD_LENGTHS)) << n;
    }
  }
}

TEST_P(SampleMessage, CutPayloadsFailEvenWhenTheHeaderLengthAgrees) {
  const Message& m = GetParam().message;
  Bytes wire = *serialize(m);
  for (size_t n = Header::kSize + 1; n < wire.size(); ++n) {
    Bytes cut = prefix(wire, n);
    set_u32(cut, 24, static_cast<uint32_t>(n));
    auto r = parse(cut);
    if (m.encrypted()) {
      // an encrypted body is opaque: the codec cannot tell a cut, the decryption will
      ASSERT_TRUE(r.ok()) << r.error().message();
      EXPECT_EQ(r->encrypted_body.size(), n - Header::kSize);
      continue;
    }
    EXPECT_TRUE(fails_inside(r, Header::kSize, n - Header::kSize)) << "cut at " << n;
  }
}

INSTANTIATE_TEST_SUITE_P(Ikev1, SampleMessage, ::testing::ValuesIn(samples::all_messages()),
                         [](const ::testing::TestParamInfo<samples::Named>& param_info) {
                           return param_info.param.name;
                         });

TEST(Ikev1MainMode, Message1OffersFourTransformsAndFiveVendorIds) {
  Message m = samples::main_mode_1();
  EXPECT_EQ(types_of(m.payloads),
            (std::vector<PayloadType>{PayloadType::SA, PayloadType::VendorId, PayloadType::VendorId,
                                      PayloadType::VendorId, PayloadType::VendorId,
                                      PayloadType::VendorId}));
  EXPECT_EQ(m.header.cookie_r, 0u);
  const auto& sa = *m.payloads[0].as<SaPayload>();
  ASSERT_EQ(sa.proposals.size(), 1u);
  ASSERT_EQ(sa.proposals[0].transforms.size(), 4u);
  auto last = Phase1Attributes::decode(sa.proposals[0].transforms[3].attributes);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->encryption, OakleyEncryption::TripleDES_CBC);
  EXPECT_EQ(last->lifetimes.at(0).duration, 86400u);
  EXPECT_EQ(m.find_all(PayloadType::VendorId).size(), 5u);
  EXPECT_EQ(m.find_all(PayloadType::VendorId)[2]->as<VendorIdPayload>()->id,
            samples::vid_natt_rfc3947());
}

TEST(Ikev1MainMode, Messages3And4CarryKeNonceAndTwoNatD) {
  for (const Message& m : {samples::main_mode_3(), samples::main_mode_4()}) {
    EXPECT_EQ(types_of(m.payloads),
              (std::vector<PayloadType>{PayloadType::KE, PayloadType::Nonce, PayloadType::NAT_D,
                                        PayloadType::NAT_D}));
    EXPECT_EQ(m.find(PayloadType::KE)->as<KePayload>()->data.size(), 256u);
    EXPECT_EQ(m.find(PayloadType::Nonce)->as<NoncePayload>()->nonce.size(), 32u);
    EXPECT_EQ(m.find(PayloadType::NAT_D)->as<NatDPayload>()->hash.size(), 32u);
  }
}

TEST(Ikev1MainMode, Message5IsOpaqueUntilDecrypted) {
  Message m = samples::main_mode_5();
  Bytes wire = *serialize(m);
  auto parsed = parse(wire);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->encrypted());
  EXPECT_TRUE(parsed->payloads.empty());
  EXPECT_EQ(parsed->header.next_payload, PayloadType::ID);  // the first payload inside
  EXPECT_EQ(parsed->encrypted_body.size(), wire.size() - Header::kSize);
  EXPECT_EQ(parsed->encrypted_body.size() % 16, 0u);

  // What the engine does after decrypting: parse the plaintext, padding allowed.
  Bytes plain = *serialize_chain(samples::main_mode_5_inner());
  Bytes padded = samples::pad_to_block(plain, 16);
  ParseOptions options;
  options.allow_padding = true;
  auto chain = parse_chain(parsed->header.next_payload, padded, Header::kSize, options);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  EXPECT_EQ(chain->payloads, samples::main_mode_5_inner());
  EXPECT_EQ(chain->padding, padded.size() - plain.size());
  EXPECT_NE(chain->padding, 0u);
  Message decrypted{parsed->header, chain->payloads, {}};
  const auto* ic = decrypted.find_notify(NotifyType::INITIAL_CONTACT);
  ASSERT_NE(ic, nullptr);
  EXPECT_EQ(ic->spi, cookie_pair(samples::kCookieI, samples::kCookieR));
  EXPECT_EQ(chain->payloads[0].as<IdPayload>()->to_string(), "192.168.0.1[17/500]");
  // without the option the padding is an error
  EXPECT_TRUE(fails_with(parse_chain(parsed->header.next_payload, padded, Header::kSize),
                         ErrorCode::kTrailingBytes, NotifyType::UNEQUAL_PAYLOAD_LENGTHS,
                         Header::kSize + plain.size()));
}

TEST(Ikev1AggressiveMode, Message1CarriesEverythingAtOnce) {
  Message m = samples::aggressive_1();
  EXPECT_EQ(m.header.exchange, ExchangeType::Aggressive);
  EXPECT_EQ(types_of(m.payloads),
            (std::vector<PayloadType>{PayloadType::SA, PayloadType::KE, PayloadType::Nonce,
                                      PayloadType::ID, PayloadType::VendorId, PayloadType::VendorId,
                                      PayloadType::VendorId, PayloadType::VendorId}));
  EXPECT_EQ(m.find(PayloadType::ID)->as<IdPayload>()->to_string(), "moon.ikesuite.test");
}

TEST(Ikev1QuickMode, Message1DecryptsToHashSaNonceKeIdId) {
  Message m = samples::quick_mode_1();
  EXPECT_TRUE(m.encrypted());
  EXPECT_EQ(m.header.message_id, samples::kQuickModeId);
  EXPECT_EQ(m.header.next_payload, PayloadType::HASH);

  // RFC 2409 Appendix B padding: zeros and a final pad-length byte
  Bytes plain = *serialize_chain(samples::quick_mode_1_inner());
  Bytes padded = samples::pad_to_block(plain, 16);
  if (padded.size() == plain.size()) padded.resize(plain.size() + 16, 0);
  padded.back() = static_cast<uint8_t>(padded.size() - plain.size() - 1);
  ParseOptions options;
  options.allow_padding = true;
  auto chain = parse_chain(m.header.next_payload, padded, Header::kSize, options);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  EXPECT_EQ(types_of(chain->payloads),
            (std::vector<PayloadType>{PayloadType::HASH, PayloadType::SA, PayloadType::Nonce,
                                      PayloadType::KE, PayloadType::ID, PayloadType::ID}));
  EXPECT_EQ(chain->padding, padded.size() - plain.size());

  const auto& sa = *chain->payloads[1].as<SaPayload>();
  ASSERT_EQ(sa.proposals.size(), 1u);
  EXPECT_EQ(sa.proposals[0].protocol, ProtocolId::IPSEC_ESP);
  EXPECT_EQ(sa.proposals[0].spi, hex("c1a2b3c4"));
  auto p2 = Phase2Attributes::decode(sa.proposals[0].transforms.at(0).attributes);
  ASSERT_TRUE(p2.ok()) << p2.error().message();
  EXPECT_EQ(p2->encapsulation, EncapsulationMode::Tunnel);
  EXPECT_EQ(p2->group, GroupDescription::MODP_2048);
  EXPECT_EQ(p2->lifetimes.size(), 2u);
  EXPECT_EQ(chain->payloads[4].as<IdPayload>()->subnet()->to_string(), "10.1.0.0/16");
  EXPECT_EQ(chain->payloads[5].as<IdPayload>()->subnet()->to_string(), "10.2.0.0/16");
}

TEST(Ikev1QuickMode, NatOaCarriesTheOriginalAddresses) {
  auto inner = samples::quick_mode_natoa_inner();
  auto bytes = serialize_chain(inner);
  ASSERT_TRUE(bytes.ok());
  auto chain = parse_chain(inner.front().type, *bytes);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  ASSERT_EQ(chain->payloads, inner);
  EXPECT_EQ(chain->payloads[5].as<NatOaPayload>()->address.to_string(), "192.168.0.1");
  EXPECT_EQ(chain->payloads[6].as<NatOaPayload>()->address.to_string(), "2001:db8::2");
}

TEST(Ikev1Informational, DeleteOfAnEspSaAndOfTheIsakmpSa) {
  Message m = samples::informational_delete();
  EXPECT_TRUE(m.encrypted());
  EXPECT_EQ(m.header.exchange, ExchangeType::Informational);
  Bytes padded = samples::pad_to_block(*serialize_chain(samples::informational_delete_inner()), 16);
  ParseOptions options;
  options.allow_padding = true;
  auto chain = parse_chain(m.header.next_payload, padded, Header::kSize, options);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  ASSERT_EQ(chain->payloads.size(), 3u);
  const auto& esp = *chain->payloads[1].as<DeletePayload>();
  EXPECT_EQ(esp.protocol, ProtocolId::IPSEC_ESP);
  EXPECT_EQ(esp.spis, std::vector<Bytes>{hex("c1a2b3c4")});
  const auto& isakmp = *chain->payloads[2].as<DeletePayload>();
  auto cookies = isakmp.cookies();
  ASSERT_TRUE(cookies);
  EXPECT_EQ(cookies->first, samples::kCookieI);
  EXPECT_EQ(cookies->second, samples::kCookieR);
}

TEST(Ikev1Informational, DpdRUThere) {
  Message clear = samples::in_clear(samples::informational_dpd(), samples::informational_dpd_inner());
  auto parsed = parse(*serialize(clear));
  ASSERT_TRUE(parsed.ok());
  const auto* dpd = parsed->find_notify(NotifyType::R_U_THERE);
  ASSERT_NE(dpd, nullptr);
  EXPECT_EQ(dpd->dpd_sequence(), 1u);
  EXPECT_EQ(split_cookie_pair(dpd->spi)->first, samples::kCookieI);
  EXPECT_EQ(parsed->find_notify(NotifyType::R_U_THERE_ACK), nullptr);
}

TEST(Ikev1Fragments, CarryTheWholeMessageInPieces) {
  auto frags = samples::fragments();
  ASSERT_EQ(frags.size(), 2u);
  Bytes joined;
  for (const auto& f : frags) {
    const auto* p = f.payloads.at(0).as<FragmentPayload>();
    ASSERT_NE(p, nullptr);
    append(joined, p->data);
  }
  EXPECT_FALSE(frags[0].payloads[0].as<FragmentPayload>()->last());
  EXPECT_TRUE(frags[1].payloads[0].as<FragmentPayload>()->last());
  auto whole = parse(joined);
  ASSERT_TRUE(whole.ok()) << whole.error().message();
  EXPECT_EQ(whole->payloads, samples::main_mode_5_rsa_inner());
}

TEST(Ikev1Transaction, ModeConfigRequest) {
  Message m = samples::transaction_request();
  const auto* cp = m.find(PayloadType::Attribute)->as<AttributePayload>();
  ASSERT_NE(cp, nullptr);
  EXPECT_EQ(cp->cfg_type, CfgType::ISAKMP_CFG_REQUEST);
  EXPECT_EQ(cp->identifier, 0x1234);
  EXPECT_EQ(cp->attributes.size(), 3u);
}

TEST(Ikev1Messages, ProposalTransformCountMismatchInAWholeMessage) {
  Bytes wire = *serialize(samples::main_mode_1());
  // header 28 + SA generic header 4 + DOI 4 + Situation 4 = the proposal at 40;
  // its # of Transforms is byte 7 of the proposal
  ASSERT_EQ(wire[47], 4);
  wire[47] = 5;
  auto r = parse(wire);
  EXPECT_TRUE(fails_with(r, ErrorCode::kMalformed, NotifyType::BAD_PROPOSAL_SYNTAX, 47u));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().context(),
            (std::vector<std::string>{"ISAKMP message", "SA payload #1", "proposal #1"}));
  EXPECT_EQ(r.error().message(),
            "ISAKMP message > SA payload #1 > proposal #1 at offset 47: malformed: "
            "# of transforms says 5 but 4 follow");
}

TEST(Ikev1Messages, LookupHelpers) {
  Message m = samples::main_mode_1();
  EXPECT_EQ(m.find(PayloadType::KE), nullptr);
  EXPECT_EQ(m.find_notify(NotifyType::INITIAL_CONTACT), nullptr);
  EXPECT_TRUE(m.find_all(PayloadType::Nonce).empty());
  EXPECT_EQ(default_type(NatOaPayload{}), PayloadType::NAT_OA);
  EXPECT_EQ(default_type(RawPayload{}), PayloadType::None);
  EXPECT_EQ(make_payload(HashPayload{}).type, PayloadType::HASH);
}

}  // namespace
}  // namespace ikesuite::v1
