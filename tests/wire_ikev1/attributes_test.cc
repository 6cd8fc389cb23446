// Data Attributes (RFC 2408 §3.3) and the typed phase-1 (RFC 2409 Appendix A) and phase-2
// (RFC 2407 §4.5) attribute sets.
#include <gtest/gtest.h>

#include "engine/wire/ikev1/message.h"
#include "tests/wire_ikev1/test_util.h"

namespace ikesuite::v1 {
namespace {

uint16_t cls(OakleyAttribute a) { return static_cast<uint16_t>(a); }
uint16_t cls(IpsecAttribute a) { return static_cast<uint16_t>(a); }

TEST(Ikev1DataAttribute, TvAndTlvOnTheWire) {
  // TV: AF=1, class 1, value 7 / TLV: AF=0, class 12, length 4, value 86400
  Bytes wire = hex("8001 0007" "000c 0004 00015180");
  auto attrs = parse_attributes(wire, 100);
  ASSERT_TRUE(attrs.ok());
  ASSERT_EQ(attrs->size(), 2u);
  EXPECT_EQ((*attrs)[0], DataAttribute::make_tv(1, 7));
  EXPECT_EQ((*attrs)[1], DataAttribute::make_tlv(12, hex("00015180")));
  EXPECT_EQ(*serialize_attributes(*attrs), wire);
}

TEST(Ikev1DataAttribute, NumbersFromTvAndTlv) {
  EXPECT_EQ(*DataAttribute::make_tv(12, 28800).number(), 28800u);
  EXPECT_EQ(*DataAttribute::make_tlv(12, hex("00015180")).number(), 86400u);
  EXPECT_EQ(*DataAttribute::make_tlv(12, hex("01")).number(), 1u);
  EXPECT_EQ(*DataAttribute::make_tlv(12, hex("0102030405060708")).number(), 0x0102030405060708ull);
  // leading zeros beyond 8 bytes are harmless, significant bytes beyond 64 bits are not
  EXPECT_EQ(*DataAttribute::make_tlv(12, hex("00000000000000000000ff")).number(), 0xffu);
  EXPECT_FALSE(DataAttribute::make_tlv(12, hex("010000000000000000")).number().ok());
  EXPECT_FALSE(DataAttribute::make_tlv(12, {}).number().ok());
}

TEST(Ikev1DataAttribute, MakeNumberPicksTheShortestForm) {
  EXPECT_EQ(DataAttribute::make_number(12, 3600), DataAttribute::make_tv(12, 3600));
  EXPECT_EQ(DataAttribute::make_number(12, 0xffff), DataAttribute::make_tv(12, 0xffff));
  EXPECT_EQ(DataAttribute::make_number(12, 0x10000), DataAttribute::make_tlv(12, hex("00010000")));
  EXPECT_EQ(DataAttribute::make_number(12, 0x100000000ull),
            DataAttribute::make_tlv(12, hex("0000000100000000")));
}

TEST(Ikev1Phase1Attributes, DecodeEncodeRoundTrip) {
  Phase1Attributes p;
  p.encryption = OakleyEncryption::AES_CBC;
  p.key_length = 128;
  p.hash = OakleyHash::SHA;
  p.auth_method = OakleyAuthMethod::XAUTH_INIT_PSK;
  p.group = GroupDescription::ECP_256;
  p.group_type = OakleyGroupType::ECP;
  p.lifetimes = {{LifeType::Seconds, 3600}, {LifeType::Kilobytes, 1000000}};
  p.prf = 3;
  p.field_size = 256;
  p.other = {DataAttribute::make_tlv(cls(OakleyAttribute::GroupPrime), hex("ff"))};
  auto attrs = p.encode();
  auto back = Phase1Attributes::decode(attrs);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, p);
  // the kilobytes limit does not fit 16 bits: a 4-byte TLV
  EXPECT_EQ(attrs.at(9), DataAttribute::make_tlv(cls(OakleyAttribute::LifeDuration), hex("000f4240")));
  // and the whole set survives the wire
  auto wire = serialize_attributes(attrs);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(*Phase1Attributes::decode(*parse_attributes(*wire)), p);
}

TEST(Ikev1Phase1Attributes, EncodesInTheUsualOrder) {
  Phase1Attributes p;
  p.lifetimes = {{LifeType::Seconds, 28800}};
  p.group = GroupDescription::MODP_2048;
  p.auth_method = OakleyAuthMethod::PreSharedKey;
  p.hash = OakleyHash::SHA2_256;
  p.key_length = 256;
  p.encryption = OakleyEncryption::AES_CBC;
  EXPECT_EQ(*serialize_attributes(p.encode()),
            hex("8001 0007  800e 0100  8002 0004  8003 0001  8004 000e  800b 0001  800c 7080"));
}

TEST(Ikev1Phase1Attributes, RejectsMalformedSets) {
  auto tv = [](OakleyAttribute a, uint16_t v) { return DataAttribute::make_tv(cls(a), v); };
  struct Case {
    const char* what;
    std::vector<DataAttribute> attrs;
  };
  const Case cases[] = {
      {"basic attribute as TLV",
       {DataAttribute::make_tlv(cls(OakleyAttribute::EncryptionAlgorithm), hex("0007"))}},
      {"repeated attribute",
       {tv(OakleyAttribute::HashAlgorithm, 2), tv(OakleyAttribute::HashAlgorithm, 4)}},
      {"duration without type", {tv(OakleyAttribute::LifeDuration, 60)}},
      {"type without duration", {tv(OakleyAttribute::LifeType, 1)}},
      {"two types in a row",
       {tv(OakleyAttribute::LifeType, 1), tv(OakleyAttribute::LifeType, 2),
        tv(OakleyAttribute::LifeDuration, 60)}},
      {"unreadable duration",
       {tv(OakleyAttribute::LifeType, 1),
        DataAttribute::make_tlv(cls(OakleyAttribute::LifeDuration), {})}},
  };
  for (const auto& c : cases) {
    auto r = Phase1Attributes::decode(c.attrs);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(*r.error().notify(), testing::code(NotifyType::BAD_PROPOSAL_SYNTAX)) << c.what;
  }
}

TEST(Ikev1Phase1Attributes, UnknownClassesAreKeptInOrder) {
  std::vector<DataAttribute> attrs = {
      DataAttribute::make_tv(cls(OakleyAttribute::EncryptionAlgorithm), 5),
      DataAttribute::make_tv(16384, 1),  // private use
      DataAttribute::make_tlv(cls(OakleyAttribute::GroupOrder), hex("01")),
      DataAttribute::make_tv(16385, 2)};
  auto p = Phase1Attributes::decode(attrs);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->other.size(), 3u);
  EXPECT_EQ(p->other[0].type, 16384);
  EXPECT_EQ(p->other[1].type, cls(OakleyAttribute::GroupOrder));
  EXPECT_EQ(p->encode(), attrs);
}

TEST(Ikev1Phase2Attributes, DecodeEncodeRoundTrip) {
  Phase2Attributes p;
  p.lifetimes = {{LifeType::Seconds, 3600}, {LifeType::Kilobytes, 4608000}};
  p.group = GroupDescription::MODP_2048;
  p.encapsulation = EncapsulationMode::UdpTunnel;
  p.auth_algorithm = IpsecAuthAlgorithm::HMAC_SHA2_512;
  p.key_length = 256;
  p.key_rounds = 12;
  p.ecn_tunnel = 1;
  p.esn = true;
  p.other = {DataAttribute::make_tv(cls(IpsecAttribute::CompressDictionarySize), 4096)};
  auto back = Phase2Attributes::decode(p.encode());
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, p);

  Phase2Attributes esp;
  esp.lifetimes = {{LifeType::Seconds, 3600}};
  esp.encapsulation = EncapsulationMode::Tunnel;
  esp.auth_algorithm = IpsecAuthAlgorithm::HMAC_SHA2_256;
  esp.key_length = 128;
  esp.esn = true;
  EXPECT_EQ(*serialize_attributes(esp.encode()),
            hex("8001 0001  8002 0e10  8004 0001  8005 0005  8006 0080  800b 0001"));
}

TEST(Ikev1Phase2Attributes, EsnHasOneValue) {
  auto two = Phase2Attributes::decode(
      {DataAttribute::make_tv(cls(IpsecAttribute::ExtendedSequenceNumber), 2)});
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(*two.error().notify(), testing::code(NotifyType::ATTRIBUTES_NOT_SUPPORTED));
  auto twice = Phase2Attributes::decode({DataAttribute::make_tv(11, 1), DataAttribute::make_tv(11, 1)});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(*twice.error().notify(), testing::code(NotifyType::BAD_PROPOSAL_SYNTAX));
  EXPECT_FALSE(Phase2Attributes::decode({DataAttribute::make_tlv(11, hex("0001"))}).ok());
}

TEST(Ikev1Phase2Attributes, LifeDurationsMayBeLongTlvs) {
  auto p = Phase2Attributes::decode(
      {DataAttribute::make_tv(1, 2), DataAttribute::make_tlv(2, hex("0000000100000000"))});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->lifetimes.at(0), (LifeLimit{LifeType::Kilobytes, 0x100000000ull}));
}

TEST(Ikev1Transforms, BuildersSetTheTransformIds) {
  Phase1Attributes p1;
  p1.encryption = OakleyEncryption::TripleDES_CBC;
  Transform t = ike_transform(3, p1);
  EXPECT_EQ(t.number, 3);
  EXPECT_EQ(t.id, static_cast<uint8_t>(IsakmpTransformId::KEY_IKE));
  ASSERT_NE(t.find(cls(OakleyAttribute::EncryptionAlgorithm)), nullptr);
  EXPECT_EQ(t.find(cls(OakleyAttribute::HashAlgorithm)), nullptr);
  Transform e = ipsec_transform(1, static_cast<uint8_t>(EspTransformId::ESP_AES_GCM_16), {});
  EXPECT_EQ(e.id, 20);
  EXPECT_TRUE(e.attributes.empty());
}

}  // namespace
}  // namespace ikesuite::v1
