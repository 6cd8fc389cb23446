// The SA payload with its nested Proposal and Transform payloads (RFC 2408 §3.4-§3.6) and the
// IPsec DOI Situation (RFC 2407 §4.6.1).
#include <gtest/gtest.h>

#include "engine/wire/ikev1/message.h"
#include "tests/wire_ikev1/test_util.h"

namespace ikesuite::v1 {
namespace {

using testing::fails_inside;
using testing::fails_with;
using testing::prefix;
using testing::set_u16;

constexpr size_t kBase = 28;

// Phase 1: one proposal with two transforms, as an initiator offers AES-256 or 3DES.
const Bytes kPhase1Sa = hex(
    "00"        // Next Payload: NONE
    "00"        // RESERVED
    "005c"      // Payload Length: 92
    "00000001"  // Domain of Interpretation: IPsec
    "00000001"  // Situation: SIT_IDENTITY_ONLY
    // Proposal payload (RFC 2408 §3.5)
    "00"        //   Next Payload: 0, the last proposal
    "00"        //   RESERVED
    "0050"      //   Payload Length: 80
    "01"        //   Proposal #: 1
    "01"        //   Protocol-Id: PROTO_ISAKMP
    "00"        //   SPI Size: 0
    "02"        //   # of Transforms: 2
    // Transform payload (RFC 2408 §3.6)
    "03"        //     Next Payload: 3, another transform follows
    "00"        //     RESERVED
    "0028"      //     Payload Length: 40
    "01"        //     Transform #: 1
    "01"        //     Transform-Id: KEY_IKE
    "0000"      //     RESERVED2
    "8001 0007" //     Encryption Algorithm (TV): AES-CBC
    "800e 0100" //     Key Length (TV): 256
    "8002 0004" //     Hash Algorithm (TV): SHA2-256
    "8003 0001" //     Authentication Method (TV): pre-shared key
    "8004 000e" //     Group Description (TV): MODP 2048
    "800b 0001" //     Life Type (TV): seconds
    "000c 0004 00015180"  // Life Duration (TLV, 4 bytes): 86400
    "00"        //     Next Payload: 0, the last transform
    "00"
    "0020"      //     Payload Length: 32
    "02"        //     Transform #: 2
    "01"        //     Transform-Id: KEY_IKE
    "0000"
    "8001 0005" //     Encryption Algorithm: 3DES-CBC
    "8002 0002" //     Hash Algorithm: SHA
    "8003 0001" //     Authentication Method: pre-shared key
    "8004 0002" //     Group Description: MODP 1024
    "800b 0001" //     Life Type: seconds
    "800c 7080" //     Life Duration (TV): 28800
);

// Offsets of the structure inside kPhase1Sa (relative to the payload start).
constexpr size_t kProposalAt = 12;
constexpr size_t kTransform1At = 20;
constexpr size_t kTransform2At = 60;

SaPayload phase1_expected() {
  Transform t1{1, 1,
               {DataAttribute::make_tv(1, 7), DataAttribute::make_tv(14, 256),
                DataAttribute::make_tv(2, 4), DataAttribute::make_tv(3, 1),
                DataAttribute::make_tv(4, 14), DataAttribute::make_tv(11, 1),
                DataAttribute::make_tlv(12, hex("00015180"))}};
  Transform t2{2, 1,
               {DataAttribute::make_tv(1, 5), DataAttribute::make_tv(2, 2),
                DataAttribute::make_tv(3, 1), DataAttribute::make_tv(4, 2),
                DataAttribute::make_tv(11, 1), DataAttribute::make_tv(12, 28800)}};
  return SaPayload{kDoiIpsec, kSitIdentityOnly, std::nullopt,
                   {Proposal{1, ProtocolId::ISAKMP, {}, {t1, t2}}}};
}

// Phase 2: AH AND ESP, two proposals sharing number 1 (RFC 2408 §4.2).
const Bytes kAhAndEspSa = hex(
    "00 00 0044"
    "00000001 00000001"
    "02"          // Next Payload: 2, another proposal follows
    "00 001c"
    "01"          // Proposal #: 1
    "02"          // Protocol-Id: PROTO_IPSEC_AH
    "04"          // SPI Size: 4
    "01"          // # of Transforms: 1
    "0000a001"    // SPI
    "00 00 0010"
    "01 03 0000"  // Transform #1, AH_SHA
    "8004 0002"   // Encapsulation Mode: Transport
    "8005 0002"   // Authentication Algorithm: HMAC-SHA
    "00"          // Next Payload: 0
    "00 001c"
    "01"          // Proposal #: 1 again: AND
    "03"          // Protocol-Id: PROTO_IPSEC_ESP
    "04 01"
    "0000e001"
    "00 00 0010"
    "01 03 0000"  // Transform #1, ESP_3DES
    "8004 0002"
    "8005 0002");

// SIT_SECRECY with its labeled domain (RFC 2407 §4.6.1), then one proposal.
const Bytes kLabeledSa = hex(
    "00 00 0040"
    "00000001"
    "00000002"   // Situation: SIT_SECRECY
    "00000007"   // Labeled Domain Identifier: 7
    "0002 0000"  // Secrecy Length: 2 octets, RESERVED
    "0102 0000"  // Secrecy Level, padded to 32 bits
    "000c 0000"  // Secrecy Category Length: 12 bits, RESERVED
    "f0f0 0000"  // Secrecy Category Bitmap (2 bytes), padded
    "0001 0000"  // Integrity Length: 1 octet
    "03 000000"  // Integrity Level, padded
    "0000 0000"  // Integrity Category Length: 0 bits
    "00 00 0014"
    "01 01 00 01"
    "00 00 000c 01 01 0000 8001 0005");

TEST(Ikev1SaPayload, ParsesThePhase1Offer) {
  auto c = parse_chain(PayloadType::SA, kPhase1Sa, kBase);
  ASSERT_TRUE(c.ok()) << c.error().message();
  const auto* sa = c->payloads.at(0).as<SaPayload>();
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(*sa, phase1_expected());
  EXPECT_EQ(*serialize_chain(c->payloads), kPhase1Sa);
}

TEST(Ikev1SaPayload, TypedPhase1AttributesOfTheOffer) {
  auto p = Phase1Attributes::decode(phase1_expected().proposals[0].transforms[0].attributes);
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->encryption, OakleyEncryption::AES_CBC);
  EXPECT_EQ(p->key_length, 256);
  EXPECT_EQ(p->hash, OakleyHash::SHA2_256);
  EXPECT_EQ(p->auth_method, OakleyAuthMethod::PreSharedKey);
  EXPECT_EQ(p->group, GroupDescription::MODP_2048);
  ASSERT_EQ(p->lifetimes.size(), 1u);
  EXPECT_EQ(p->lifetimes[0], (LifeLimit{LifeType::Seconds, 86400}));
  EXPECT_TRUE(p->other.empty());
  // encode() gives the same attributes in the same order
  EXPECT_EQ(p->encode(), phase1_expected().proposals[0].transforms[0].attributes);
}

TEST(Ikev1SaPayload, AndProposalsAreKeptAsGiven) {
  auto c = parse_chain(PayloadType::SA, kAhAndEspSa, kBase);
  ASSERT_TRUE(c.ok()) << c.error().message();
  const auto& sa = *c->payloads.at(0).as<SaPayload>();
  ASSERT_EQ(sa.proposals.size(), 2u);
  EXPECT_EQ(sa.proposals[0].number, 1);
  EXPECT_EQ(sa.proposals[1].number, 1);
  EXPECT_EQ(sa.proposals[0].protocol, ProtocolId::IPSEC_AH);
  EXPECT_EQ(sa.proposals[1].protocol, ProtocolId::IPSEC_ESP);
  EXPECT_EQ(sa.proposals[0].spi, hex("0000a001"));
  EXPECT_EQ(sa.proposals[1].transforms[0].id, static_cast<uint8_t>(EspTransformId::ESP_3DES));
  auto p2 = Phase2Attributes::decode(sa.proposals[1].transforms[0].attributes);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2->encapsulation, EncapsulationMode::Transport);
  EXPECT_EQ(p2->auth_algorithm, IpsecAuthAlgorithm::HMAC_SHA);
  EXPECT_EQ(*serialize_chain(c->payloads), kAhAndEspSa);
}

TEST(Ikev1SaPayload, LabeledDomainIsParsedAndRebuilt) {
  auto c = parse_chain(PayloadType::SA, kLabeledSa, kBase);
  ASSERT_TRUE(c.ok()) << c.error().message();
  const auto& sa = *c->payloads.at(0).as<SaPayload>();
  ASSERT_TRUE(sa.labeled_domain);
  EXPECT_EQ(*sa.labeled_domain, (LabeledDomain{7, hex("0102"), 12, hex("f0f0"), hex("03"), 0, {}}));
  EXPECT_EQ(sa.proposals.size(), 1u);
  EXPECT_EQ(*serialize_chain(c->payloads), kLabeledSa);
}

TEST(Ikev1SaPayload, LabeledDomainFailuresArePayloadMalformed) {
  for (size_t n = 12; n < 44; ++n) {  // cut inside the situation data, length field agreeing
    Bytes cut = prefix(kLabeledSa, n);
    set_u16(cut, 2, static_cast<uint16_t>(n));
    auto r = parse_chain(PayloadType::SA, cut, kBase);
    EXPECT_TRUE(fails_with(r, ErrorCode::kTruncated, NotifyType::PAYLOAD_MALFORMED)) << n;
    EXPECT_TRUE(fails_inside(r, kBase, n)) << n;
  }
  // Secrecy Length larger than the payload
  Bytes bad = kLabeledSa;
  set_u16(bad, 16, 0x4000);
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, bad, kBase), ErrorCode::kTruncated,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 20));
  // non-zero padding is tolerated, unless strict
  Bytes pad = kLabeledSa;
  pad[22] = 0xee;
  ASSERT_TRUE(parse_chain(PayloadType::SA, pad, kBase).ok());
  ParseOptions strict;
  strict.strict_reserved = true;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, pad, kBase, strict), ErrorCode::kMalformed,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 22));
}

TEST(Ikev1SaPayload, TheLabeledDomainBelongsToTheIpsecDoiOnly) {
  // The same situation bits under another DOI: no labeled domain, proposals follow directly
  Bytes other = hex(
      "00 00 0020 00000002 00000006 00 00 0014 01 01 00 01 00 00 000c 01 01 0000 8001 0005");
  auto c = parse_chain(PayloadType::SA, other, kBase);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_FALSE(c->payloads[0].as<SaPayload>()->labeled_domain);
  EXPECT_EQ(*serialize_chain(c->payloads), other);

  SaPayload missing = phase1_expected();
  missing.situation = kSitIntegrity;
  EXPECT_FALSE(serialize_body(missing).ok());
  SaPayload extra = phase1_expected();
  extra.labeled_domain = LabeledDomain{};
  EXPECT_FALSE(serialize_body(extra).ok());
  SaPayload bitmap = *parse_chain(PayloadType::SA, kLabeledSa, kBase)->payloads[0].as<SaPayload>();
  bitmap.labeled_domain->secrecy_category_bits = 40;  // says 5 bytes, has 2
  EXPECT_FALSE(serialize_body(bitmap).ok());
}

TEST(Ikev1SaPayload, EveryTruncationFails) {
  for (const Bytes* sa : {&kPhase1Sa, &kAhAndEspSa, &kLabeledSa}) {
    for (size_t n = 0; n < sa->size(); ++n) {
      Bytes cut = prefix(*sa, n);
      EXPECT_TRUE(fails_inside(parse_chain(PayloadType::SA, cut, kBase), kBase, n)) << n;
      // and with the SA's length agreeing, the proposals inside are cut short
      if (n < 4) continue;
      set_u16(cut, 2, static_cast<uint16_t>(n));
      EXPECT_TRUE(fails_inside(parse_chain(PayloadType::SA, cut, kBase), kBase, n)) << n;
    }
  }
}

TEST(Ikev1SaPayload, WithoutProposalsIsBadProposalSyntax) {
  Bytes empty = hex("00 00 000c 00000001 00000001");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, empty, kBase), ErrorCode::kMalformed,
                         NotifyType::BAD_PROPOSAL_SYNTAX, kBase + 12));
  EXPECT_FALSE(serialize_body(SaPayload{}).ok());
  // A DOI alone is truncated
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, hex("00 00 0008 00000001"), kBase),
                         ErrorCode::kTruncated, NotifyType::PAYLOAD_MALFORMED, kBase + 8));
}

TEST(Ikev1SaPayload, TransformCountMustMatch) {
  // # of Transforms says 3, two follow
  Bytes bad = kPhase1Sa;
  bad[kProposalAt + 7] = 3;
  auto r = parse_chain(PayloadType::SA, bad, kBase);
  EXPECT_TRUE(fails_with(r, ErrorCode::kMalformed, NotifyType::BAD_PROPOSAL_SYNTAX,
                         kBase + kProposalAt + 7));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().context(), (std::vector<std::string>{"SA payload #1", "proposal #1"}));
  // says 1, two follow
  bad[kProposalAt + 7] = 1;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, bad, kBase), ErrorCode::kMalformed,
                         NotifyType::BAD_PROPOSAL_SYNTAX, kBase + kProposalAt + 7));
  // says 0
  bad[kProposalAt + 7] = 0;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, bad, kBase), ErrorCode::kMalformed,
                         NotifyType::BAD_PROPOSAL_SYNTAX, kBase + kProposalAt + 7));
}

TEST(Ikev1SaPayload, ProposalAndTransformNextPayloadsAreRestricted) {
  // RFC 2408 §3.5: a proposal's Next Payload is 2 or 0
  Bytes bad = kPhase1Sa;
  bad[kProposalAt] = 5;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, bad, kBase), ErrorCode::kMalformed,
                         NotifyType::BAD_PROPOSAL_SYNTAX, kBase + kProposalAt));
  // RFC 2408 §3.6: a transform's Next Payload is 3 or 0
  bad = kPhase1Sa;
  bad[kTransform1At] = 2;
  auto r = parse_chain(PayloadType::SA, bad, kBase);
  EXPECT_TRUE(fails_with(r, ErrorCode::kMalformed, NotifyType::BAD_PROPOSAL_SYNTAX,
                         kBase + kTransform1At));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().context().back(), "transform #1");
  // the proposal says another proposal follows, the SA ends
  bad = kPhase1Sa;
  bad[kProposalAt] = 2;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, bad, kBase), ErrorCode::kTruncated,
                         NotifyType::BAD_PROPOSAL_SYNTAX, kBase + kPhase1Sa.size()));
  // the last transform says another one follows, the proposal ends
  bad = kPhase1Sa;
  bad[kTransform2At] = 3;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, bad, kBase), ErrorCode::kTruncated,
                         NotifyType::BAD_PROPOSAL_SYNTAX, kBase + kPhase1Sa.size()));
  // the first transform says it is the last, so the second is left over
  bad = kPhase1Sa;
  bad[kTransform1At] = 0;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, bad, kBase), ErrorCode::kTrailingBytes,
                         NotifyType::BAD_PROPOSAL_SYNTAX, kBase + kTransform2At));
}

TEST(Ikev1SaPayload, NestedLengthsMustAgree) {
  struct Case {
    size_t field;  // offset of a 16-bit length inside kPhase1Sa
    uint16_t value;
    ErrorCode code;
    size_t error_at;
  };
  const Case cases[] = {
      {kProposalAt + 2, 7, ErrorCode::kLength, kProposalAt + 2},        // shorter than 8
      {kProposalAt + 2, 81, ErrorCode::kLength, kProposalAt + 2},       // beyond the SA
      {kProposalAt + 2, 79, ErrorCode::kLength, kTransform2At + 2},     // cuts the last transform
      {kTransform1At + 2, 7, ErrorCode::kLength, kTransform1At + 2},    // shorter than 8
      {kTransform1At + 2, 200, ErrorCode::kLength, kTransform1At + 2},  // beyond the proposal
      {kTransform1At + 2, 38, ErrorCode::kLength, kTransform1At + 34},  // cuts a TLV attribute
      {kTransform2At + 2, 30, ErrorCode::kTruncated, kTransform2At + 28},  // cuts a TV attribute
  };
  for (const auto& c : cases) {
    Bytes bad = kPhase1Sa;
    set_u16(bad, c.field, c.value);
    auto r = parse_chain(PayloadType::SA, bad, kBase);
    EXPECT_TRUE(fails_with(r, c.code, NotifyType::BAD_PROPOSAL_SYNTAX, kBase + c.error_at))
        << "length field at " << c.field << " = " << c.value;
  }
  // a proposal that ends inside the SA leaves bytes after the last proposal
  Bytes longer = kPhase1Sa;
  append(longer, hex("00000000"));
  set_u16(longer, 2, static_cast<uint16_t>(longer.size()));
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, longer, kBase), ErrorCode::kTrailingBytes,
                         NotifyType::BAD_PROPOSAL_SYNTAX, kBase + kPhase1Sa.size()));
  // an SPI size beyond the proposal
  Bytes spi = kPhase1Sa;
  spi[kProposalAt + 6] = 200;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, spi, kBase), ErrorCode::kLength,
                         NotifyType::BAD_PROPOSAL_SYNTAX, kBase + kProposalAt + 6));
}

TEST(Ikev1SaPayload, ErrorsCarryTheFullContextPath) {
  Bytes bad = kPhase1Sa;
  set_u16(bad, kTransform2At + 2, 30);
  Bytes message =
      concat({hex("1122334455667788 0000000000000000 01 10 02 00 00000000 00000078"), bad});
  auto m = parse(message);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().context(),
            (std::vector<std::string>{"ISAKMP message", "SA payload #1", "proposal #1",
                                      "transform #2", "attribute #6"}));
  EXPECT_EQ(m.error().offset(), 28 + kTransform2At + 28);
  EXPECT_EQ(*m.error().notify(), testing::code(NotifyType::BAD_PROPOSAL_SYNTAX));
}

TEST(Ikev1SaPayload, CountsAreBounded) {
  auto sa_with = [](size_t proposals, size_t transforms, size_t attributes) {
    Proposal p{1, ProtocolId::ISAKMP, {}, {}};
    for (size_t t = 0; t < transforms; ++t) {
      Transform tr{static_cast<uint8_t>(t + 1), 1, {}};
      for (size_t a = 0; a < attributes; ++a) tr.attributes.push_back(DataAttribute::make_tv(1, 7));
      p.transforms.push_back(tr);
    }
    SaPayload sa;
    sa.proposals.assign(proposals, p);
    return *serialize_chain({make_payload(sa)});
  };
  EXPECT_TRUE(parse_chain(PayloadType::SA, sa_with(kMaxProposals, 1, 1), kBase).ok());
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, sa_with(kMaxProposals + 1, 1, 1), kBase),
                         ErrorCode::kLimit, NotifyType::BAD_PROPOSAL_SYNTAX));
  EXPECT_TRUE(parse_chain(PayloadType::SA, sa_with(1, kMaxTransformsPerProposal, 1), kBase).ok());
  EXPECT_TRUE(fails_with(
      parse_chain(PayloadType::SA, sa_with(1, kMaxTransformsPerProposal + 1, 1), kBase),
      ErrorCode::kLimit, NotifyType::BAD_PROPOSAL_SYNTAX));
  EXPECT_TRUE(parse_chain(PayloadType::SA, sa_with(1, 1, kMaxAttributesPerTransform), kBase).ok());
  EXPECT_TRUE(fails_with(
      parse_chain(PayloadType::SA, sa_with(1, 1, kMaxAttributesPerTransform + 1), kBase),
      ErrorCode::kLimit, NotifyType::BAD_PROPOSAL_SYNTAX));
}

TEST(Ikev1SaPayload, SerializerRefusesWhatParseWouldReject) {
  SaPayload sa = phase1_expected();
  sa.proposals[0].transforms.clear();
  EXPECT_FALSE(serialize_body(sa).ok());
  sa = phase1_expected();
  sa.proposals[0].spi = Bytes(256, 0);
  EXPECT_FALSE(serialize_body(sa).ok());
  sa = phase1_expected();
  sa.proposals[0].transforms.assign(256, sa.proposals[0].transforms[0]);
  EXPECT_FALSE(serialize_body(sa).ok());
  sa = phase1_expected();
  sa.proposals[0].transforms[0].attributes.push_back(DataAttribute::make_tv(0x8001, 1));
  EXPECT_FALSE(serialize_body(sa).ok());
  sa = phase1_expected();
  sa.proposals[0].transforms[0].attributes.push_back(DataAttribute::make_tlv(20, Bytes(70000, 0)));
  EXPECT_FALSE(serialize_body(sa).ok());
}

TEST(Ikev1SaPayload, NonZeroReservedFieldsInsideAnSaAreStrictOnly) {
  Bytes bad = kPhase1Sa;
  bad[kTransform1At + 6] = 1;  // RESERVED2 of transform #1
  bad[kProposalAt + 1] = 1;    // RESERVED of the proposal
  auto lax = parse_chain(PayloadType::SA, bad, kBase);
  ASSERT_TRUE(lax.ok());
  EXPECT_EQ(*lax->payloads[0].as<SaPayload>(), phase1_expected());
  ParseOptions strict;
  strict.strict_reserved = true;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::SA, bad, kBase, strict), ErrorCode::kMalformed,
                         NotifyType::PAYLOAD_MALFORMED, kBase + kProposalAt + 1));
}

}  // namespace
}  // namespace ikesuite::v1
