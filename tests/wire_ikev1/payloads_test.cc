// Every IKEv1 payload type (the SA has its own file): a hand-assembled example, commented
// field by field after the RFC figures, parsed and serialized back byte for byte; truncation
// at every byte; inconsistent lengths; bad values.
#include <gtest/gtest.h>

#include <cctype>

#include "engine/wire/ikev1/message.h"
#include "tests/wire_ikev1/test_util.h"

namespace ikesuite::v1 {
namespace {

using testing::fails_inside;
using testing::fails_with;
using testing::prefix;
using testing::set_u16;

// Payload chains are parsed as if they followed a 28-byte ISAKMP header, so that offsets in
// errors are the absolute ones of a datagram.
constexpr size_t kBase = 28;

const std::string kCookies = "1122334455667788" "99aabbccddeeff00";

struct Example {
  std::string name;
  PayloadType type;
  Bytes wire;  // one payload: generic header + body, Next Payload NONE
  PayloadBody expected;
  size_t min_body;  // shorter bodies (with a consistent length field) must fail
};

std::vector<Example> examples() {
  return {
      // RFC 2408 §3.7 Key Exchange
      {"KE", PayloadType::KE,
       hex("00"                  // Next Payload: NONE
           "00"                  // RESERVED
           "000c"                // Payload Length: 12
           "0102030405060708"),  // Key Exchange Data
       KePayload{hex("0102030405060708")}, 0},
      // RFC 2408 §3.8 + RFC 2407 §4.6.2: a phase-1 ID_IPV4_ADDR on UDP/500
      {"ID_IPV4_ADDR", PayloadType::ID,
       hex("00" "00" "000c"
           "01"         // ID Type: ID_IPV4_ADDR
           "11"         // Protocol ID: 17 (UDP)
           "01f4"       // Port: 500
           "c0a80001"), // Identification Data: 192.168.0.1
       IdPayload{IdType::IPV4_ADDR, 17, 500, hex("c0a80001")}, 8},
      // RFC 2407 §4.6.2.4: a Quick Mode IDci for 10.1.0.0/16, any protocol and port
      {"ID_IPV4_ADDR_SUBNET", PayloadType::ID,
       hex("00" "00" "0010"
           "04"         // ID Type: ID_IPV4_ADDR_SUBNET
           "00" "0000"  // Protocol ID, Port: any
           "0a010000"   // address 10.1.0.0
           "ffff0000"), // netmask 255.255.0.0
       IdPayload{IdType::IPV4_ADDR_SUBNET, 0, 0, hex("0a010000ffff0000")}, 12},
      // RFC 2407 §4.6.2.3
      {"ID_FQDN", PayloadType::ID,
       hex("00" "00" "001a"
           "02"  // ID Type: ID_FQDN
           "00" "0000"
           "6d6f6f6e2e696b6573756974652e74657374"),  // "moon.ikesuite.test"
       IdPayload{IdType::FQDN, 0, 0, to_bytes("moon.ikesuite.test")}, 4},
      // RFC 2408 §3.9 Certificate
      {"CERT", PayloadType::CERT,
       hex("00" "00" "000a"
           "04"           // Cert Encoding: X.509 Certificate - Signature
           "3003020101"), // Certificate Data (a DER SEQUENCE)
       CertPayload{CertEncoding::X509_SIGNATURE, hex("3003020101")}, 1},
      // RFC 2408 §3.10 Certificate Request, no authority: any CA
      {"CR", PayloadType::CR,
       hex("00" "00" "0005"
           "04"),  // Cert. Type: X.509 Certificate - Signature
       CertRequestPayload{CertEncoding::X509_SIGNATURE, {}}, 1},
      // RFC 2408 §3.11 Hash (HMAC-SHA1 size)
      {"HASH", PayloadType::HASH,
       hex("00" "00" "0018"
           "000102030405060708090a0b0c0d0e0f10111213"),  // Hash Data
       HashPayload{hex("000102030405060708090a0b0c0d0e0f10111213")}, 0},
      // RFC 2408 §3.12 Signature
      {"SIG", PayloadType::SIG,
       hex("00" "00" "000c"
           "3006020101020102"),  // Signature Data
       SignaturePayload{hex("3006020101020102")}, 0},
      // RFC 2408 §3.13 Nonce
      {"Nonce", PayloadType::Nonce,
       hex("00" "00" "0014"
           "f0e0d0c0b0a090807060504030201000"),  // Nonce Data (16 bytes)
       NoncePayload{hex("f0e0d0c0b0a090807060504030201000")}, 0},
      // RFC 2408 §3.14 + RFC 2407 §4.6.3.3 INITIAL-CONTACT about the ISAKMP SA
      {"N(INITIAL_CONTACT)", PayloadType::Notification,
       hex("00" "00" "001c"
           "00000001"  // DOI: IPsec
           "01"        // Protocol ID: PROTO_ISAKMP
           "10"        // SPI Size: 16
           "6002"      // Notify Message Type: INITIAL-CONTACT (24578)
           + kCookies),  // SPI: CKY-I | CKY-R
       NotifyPayload{kDoiIpsec, ProtocolId::ISAKMP, hex(kCookies), NotifyType::INITIAL_CONTACT, {}},
       8},
      // RFC 3706 §5 R-U-THERE with sequence number 1
      {"N(R_U_THERE)", PayloadType::Notification,
       hex("00" "00" "0020"
           "00000001" "01" "10"
           "8d28"  // Notify Message Type: R-U-THERE (36136)
           + kCookies +
           "00000001"),  // Notification Data: sequence number
       NotifyPayload{kDoiIpsec, ProtocolId::ISAKMP, hex(kCookies), NotifyType::R_U_THERE,
                     hex("00000001")},
       8},
      // RFC 2408 §3.15 Delete of one ESP SA
      {"D(ESP)", PayloadType::Delete,
       hex("00" "00" "0010"
           "00000001"   // DOI: IPsec
           "03"         // Protocol-Id: PROTO_IPSEC_ESP
           "04"         // SPI Size: 4
           "0001"       // # of SPIs: 1
           "c1a2b3c4"), // SPI
       DeletePayload{kDoiIpsec, ProtocolId::IPSEC_ESP, 4, {hex("c1a2b3c4")}}, 12},
      // RFC 2408 §3.15: Delete of the ISAKMP SA, the cookies as a 16-byte SPI
      {"D(ISAKMP)", PayloadType::Delete,
       hex("00" "00" "001c"
           "00000001" "01" "10" "0001" + kCookies),
       DeletePayload{kDoiIpsec, ProtocolId::ISAKMP, 16, {hex(kCookies)}}, 24},
      // RFC 2408 §3.16 Vendor ID: RFC 3706 DPD
      {"VID", PayloadType::VendorId,
       hex("00" "00" "0014"
           "afcad71368a1f1c96b8696fc77570100"),  // Vendor ID
       VendorIdPayload{hex("afcad71368a1f1c96b8696fc77570100")}, 0},
      // draft-dukes-ike-mode-cfg §3.2: Attribute payload, ISAKMP_CFG_REQUEST
      {"ATTR", PayloadType::Attribute,
       hex("00" "00" "0014"
           "01"           // Type: ISAKMP_CFG_REQUEST
           "00"           // RESERVED
           "1234"         // Identifier
           "0001" "0000"  // INTERNAL_IP4_ADDRESS, TLV, length 0 (asking)
           "0003" "0000"  // INTERNAL_IP4_DNS, TLV, length 0
           "c088" "0000"),  // XAUTH_TYPE (16520) as TV (AF bit): Generic (0)
       AttributePayload{CfgType::ISAKMP_CFG_REQUEST, 0x1234,
                        {DataAttribute::make_tlv(1, {}), DataAttribute::make_tlv(3, {}),
                         DataAttribute::make_tv(16520, 0)}},
       4},
      // RFC 3947 §3.2 NAT-D: HASH(CKY-I | CKY-R | IP | Port), SHA-1 sized
      {"NAT-D", PayloadType::NAT_D,
       hex("00" "00" "0018" "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"),
       NatDPayload{hex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3")}, 0},
      // draft-ietf-ipsec-nat-t-ike-02/03 numbered NAT-D 130
      {"NAT-D(draft)", PayloadType::NAT_D_DRAFT,
       hex("00" "00" "0018" "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"),
       NatDPayload{hex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3")}, 0},
      // RFC 3947 §5.2 NAT-OA with an IPv4 address
      {"NAT-OA", PayloadType::NAT_OA,
       hex("00" "00" "000c"
           "01"         // ID Type: ID_IPV4_ADDR
           "000000"     // RESERVED, RESERVED
           "c0a80001"), // IPv4 Address: 192.168.0.1
       NatOaPayload{IpAddress::v4(192, 168, 0, 1)}, 8},
      // The draft number 131 with an IPv6 address
      {"NAT-OA(draft)", PayloadType::NAT_OA_DRAFT,
       hex("00" "00" "0018"
           "05"  // ID Type: ID_IPV6_ADDR
           "000000"
           "20010db8000000000000000000000002"),  // 2001:db8::2
       NatOaPayload{*IpAddress::parse("2001:db8::2")}, 20},
      // IKEv1 fragment (type 132): the last of three fragments of message ID 9
      {"FRAG", PayloadType::Fragment,
       hex("00" "00" "000c"
           "0009"       // Fragment ID
           "03"         // Fragment Number
           "01"         // Flags: LAST_FRAGMENT
           "deadbeef"), // Fragment Data
       FragmentPayload{9, 3, kFragmentFlagLast, hex("deadbeef")}, 4},
      // A type this codec does not know (RFC 2408 has no critical bit): kept raw
      {"unknown(99)", static_cast<PayloadType>(99), hex("00" "00" "0008" "01020304"),
       RawPayload{hex("01020304")}, 0},
  };
}

class PayloadExample : public ::testing::TestWithParam<Example> {};

TEST_P(PayloadExample, ParsesIntoTheExpectedValue) {
  const Example& ex = GetParam();
  auto chain = parse_chain(ex.type, ex.wire, kBase);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  ASSERT_EQ(chain->payloads.size(), 1u);
  EXPECT_EQ(chain->payloads[0].type, ex.type);
  EXPECT_EQ(chain->payloads[0].body, ex.expected);
  EXPECT_EQ(chain->padding, 0u);
}

TEST_P(PayloadExample, SerializesBackByteForByte) {
  const Example& ex = GetParam();
  auto bytes = serialize_chain({Payload{ex.type, ex.expected}});
  ASSERT_TRUE(bytes.ok()) << bytes.error().message();
  EXPECT_EQ(to_hex(*bytes), to_hex(ex.wire));
}

TEST_P(PayloadExample, EveryTruncationFails) {
  const Example& ex = GetParam();
  for (size_t n = 0; n < ex.wire.size(); ++n) {
    Bytes cut = prefix(ex.wire, n);
    auto chain = parse_chain(ex.type, cut, kBase);
    EXPECT_TRUE(fails_inside(chain, kBase, cut.size())) << "cut at " << n;
    if (!chain.ok()) {
      EXPECT_EQ(*chain.error().notify(), testing::code(NotifyType::PAYLOAD_MALFORMED)) << n;
      EXPECT_FALSE(chain.error().context().empty()) << n;
    }
  }
}

// A body cut short with a length field that agrees: shorter than the fixed fields fails,
// anything that parses serializes back to the same bytes.
TEST_P(PayloadExample, ShortBodiesFailOrRoundTrip) {
  const Example& ex = GetParam();
  for (size_t n = 0; n + 4 < ex.wire.size(); ++n) {
    Bytes cut = prefix(ex.wire, 4 + n);
    set_u16(cut, 2, static_cast<uint16_t>(cut.size()));
    auto chain = parse_chain(ex.type, cut, kBase);
    if (n < ex.min_body || !chain.ok()) {
      EXPECT_TRUE(fails_inside(chain, kBase, cut.size())) << "body of " << n << " bytes";
      continue;
    }
    auto back = serialize_chain(chain->payloads);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(to_hex(*back), to_hex(cut)) << "body of " << n << " bytes";
  }
}

TEST_P(PayloadExample, LengthShorterThanTheGenericHeaderFails) {
  const Example& ex = GetParam();
  for (uint16_t len = 0; len < 4; ++len) {
    Bytes bad = ex.wire;
    set_u16(bad, 2, len);
    EXPECT_TRUE(fails_with(parse_chain(ex.type, bad, kBase), ErrorCode::kLength,
                           NotifyType::PAYLOAD_MALFORMED, kBase + 2))
        << "length " << len;
  }
}

TEST_P(PayloadExample, LengthBeyondTheDataFails) {
  const Example& ex = GetParam();
  Bytes bad = ex.wire;
  set_u16(bad, 2, static_cast<uint16_t>(bad.size() + 1));
  EXPECT_TRUE(fails_with(parse_chain(ex.type, bad, kBase), ErrorCode::kLength,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 2));
}

TEST_P(PayloadExample, BytesAfterTheLastPayloadAreUnequalLengthsOrPadding) {
  const Example& ex = GetParam();
  Bytes longer = ex.wire;
  longer.push_back(0);
  EXPECT_TRUE(fails_with(parse_chain(ex.type, longer, kBase), ErrorCode::kTrailingBytes,
                         NotifyType::UNEQUAL_PAYLOAD_LENGTHS, kBase + ex.wire.size()));
  ParseOptions padded;
  padded.allow_padding = true;
  auto chain = parse_chain(ex.type, longer, kBase, padded);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  EXPECT_EQ(chain->padding, 1u);
  EXPECT_EQ(chain->payloads.at(0).body, ex.expected);
}

TEST_P(PayloadExample, ParseBodyAgreesWithTheChain) {
  const Example& ex = GetParam();
  Bytes body(ex.wire.begin() + 4, ex.wire.end());
  auto parsed = parse_body(ex.type, body, kBase + 4);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, ex.expected);
  auto back = serialize_body(*parsed);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, body);
}

INSTANTIATE_TEST_SUITE_P(Ikev1, PayloadExample, ::testing::ValuesIn(examples()),
                         [](const ::testing::TestParamInfo<Example>& param_info) {
                           std::string n;
                           for (char c : param_info.param.name)
                             n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

// --- Bad values, payload by payload ---------------------------------------------------------

TEST(Ikev1IdPayload, AddressTypesNeedTheirExactLength) {
  // ID_IPV4_ADDR with 5 bytes of data
  Bytes bad = hex("00 00 000d 01 00 0000 c0a8000101");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::ID, bad, kBase), ErrorCode::kLength,
                         NotifyType::INVALID_ID_INFORMATION, kBase + 8));
  // ID_IPV6_ADDR_SUBNET with 16 bytes (needs 32)
  bad = hex("00 00 0018 06 00 0000 20010db8000000000000000000000000");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::ID, bad, kBase), ErrorCode::kLength,
                         NotifyType::INVALID_ID_INFORMATION));
  // and the serializer refuses to build one
  EXPECT_FALSE(serialize_body(IdPayload{IdType::IPV4_ADDR, 0, 0, hex("0102")}).ok());
}

TEST(Ikev1IdPayload, HelpersBuildAndReadAddressesSubnetsAndRanges) {
  auto a = IdPayload::from_address(IpAddress::v4(192, 0, 2, 1), 17, 500);
  EXPECT_EQ(a.type, IdType::IPV4_ADDR);
  EXPECT_EQ(a.data, hex("c0000201"));
  EXPECT_EQ(*a.address(), IpAddress::v4(192, 0, 2, 1));
  EXPECT_EQ(a.subnet()->to_string(), "192.0.2.1/32");
  EXPECT_EQ(a.to_string(), "192.0.2.1[17/500]");

  auto s = IdPayload::from_subnet(*Subnet::parse("10.1.2.3/16"));
  EXPECT_EQ(s.type, IdType::IPV4_ADDR_SUBNET);
  EXPECT_EQ(s.data, hex("0a010000 ffff0000"));  // the host bits are cleared
  EXPECT_EQ(s.subnet()->to_string(), "10.1.0.0/16");
  auto r = s.range();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first.to_string(), "10.1.0.0");
  EXPECT_EQ(r->second.to_string(), "10.1.255.255");
  EXPECT_FALSE(s.address().ok());

  auto s6 = IdPayload::from_subnet(*Subnet::parse("2001:db8:1::/48"), 6, 443);
  EXPECT_EQ(s6.type, IdType::IPV6_ADDR_SUBNET);
  EXPECT_EQ(s6.data.size(), 32u);
  EXPECT_EQ(s6.to_string(), "2001:db8:1::/48[6/443]");

  auto g = IdPayload::from_range(IpAddress::v4(10, 2, 0, 1), IpAddress::v4(10, 2, 0, 9));
  EXPECT_EQ(g.type, IdType::IPV4_ADDR_RANGE);
  EXPECT_EQ(g.to_string(), "10.2.0.1-10.2.0.9");
  EXPECT_EQ(g.range()->second, IpAddress::v4(10, 2, 0, 9));
  EXPECT_FALSE(g.subnet().ok());

  EXPECT_EQ(IdPayload::from_fqdn("moon.ikesuite.test").to_string(), "moon.ikesuite.test");
  EXPECT_EQ(IdPayload::from_user_fqdn("carol@ikesuite.test").type, IdType::USER_FQDN);
  EXPECT_EQ(IdPayload::from_key_id(hex("0a0b")).to_string(), "@#0a0b");
  EXPECT_EQ((IdPayload{IdType::DER_ASN1_DN, 0, 0, hex("3000")}).to_string(), "ID_DER_ASN1_DN:3000");
  EXPECT_EQ(IdPayload::from_fqdn(std::string("a\x01z", 3)).to_string(), "a?z");
}

TEST(Ikev1IdPayload, BadMasksAndRangesAreInvalidIdInformation) {
  IdPayload holes{IdType::IPV4_ADDR_SUBNET, 0, 0, hex("0a010000 ff00ff00")};
  auto s = holes.subnet();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(*s.error().notify(), testing::code(NotifyType::INVALID_ID_INFORMATION));
  EXPECT_EQ(holes.to_string(), "10.1.0.0/255.0.255.0");

  IdPayload backwards{IdType::IPV4_ADDR_RANGE, 0, 0, hex("0a000009 0a000001")};
  auto r = backwards.range();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.error().notify(), testing::code(NotifyType::INVALID_ID_INFORMATION));
  EXPECT_FALSE((IdPayload{IdType::FQDN, 0, 0, {}}).range().ok());
}

TEST(Ikev1NotifyPayload, SpiSizeBeyondThePayloadFails) {
  // SPI Size 16 with only 4 bytes after the fixed fields
  Bytes bad = hex("00 00 0010 00000001 01 10 6002 01020304");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::Notification, bad, kBase), ErrorCode::kLength,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 9));
}

TEST(Ikev1NotifyPayload, DpdHelpersFollowRfc3706) {
  auto n = NotifyPayload::dpd(false, 0x1122334455667788ull, 0x99aabbccddeeff00ull, 0x01020304);
  EXPECT_EQ(n.type, NotifyType::R_U_THERE);
  EXPECT_EQ(n.protocol, ProtocolId::ISAKMP);
  EXPECT_EQ(to_hex(n.spi), kCookies);
  EXPECT_EQ(n.dpd_sequence(), 0x01020304u);
  auto ack = NotifyPayload::dpd(true, 1, 2, 7);
  EXPECT_EQ(ack.type, NotifyType::R_U_THERE_ACK);
  EXPECT_EQ(ack.dpd_sequence(), 7u);
  NotifyPayload short_data = n;
  short_data.data = hex("0102");
  EXPECT_EQ(short_data.dpd_sequence(), std::nullopt);
  EXPECT_EQ(NotifyPayload::initial_contact(1, 2).dpd_sequence(), std::nullopt);
}

TEST(Ikev1NotifyPayload, ResponderLifetimeDataIsDataAttributes) {
  // RFC 2407 §4.6.3.1: SA Life Type = seconds (TV), SA Life Duration = 86400 (4-byte TLV)
  Bytes data = hex("8001 0001" "0002 0004 00015180");
  auto attrs = parse_attributes(data, 40);
  ASSERT_TRUE(attrs.ok());
  auto p2 = Phase2Attributes::decode(*attrs);
  ASSERT_TRUE(p2.ok());
  ASSERT_EQ(p2->lifetimes.size(), 1u);
  EXPECT_EQ(p2->lifetimes[0].duration, 86400u);
  EXPECT_EQ(*serialize_attributes(*attrs), data);
  // a TLV that runs past the data
  EXPECT_TRUE(fails_with(parse_attributes(hex("0002 0008 00015180"), 40), ErrorCode::kLength,
                         NotifyType::PAYLOAD_MALFORMED, 42u));
  EXPECT_TRUE(fails_with(parse_attributes(hex("8001"), 40), ErrorCode::kTruncated,
                         NotifyType::PAYLOAD_MALFORMED, 40u));
  EXPECT_TRUE(fails_with(parse_attributes(hex("8001 0001 8001 0001"), 40, 1), ErrorCode::kLimit,
                         NotifyType::PAYLOAD_MALFORMED, 44u));
}

TEST(Ikev1DeletePayload, SpiCountMustMatchTheLength) {
  // # of SPIs 2, one SPI present
  Bytes bad = hex("00 00 0010 00000001 03 04 0002 c1a2b3c4");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::Delete, bad, kBase), ErrorCode::kLength,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 9));
  // # of SPIs 1, two SPIs present
  bad = hex("00 00 0014 00000001 03 04 0001 c1a2b3c4 c5c6c7c8");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::Delete, bad, kBase), ErrorCode::kLength,
                         NotifyType::PAYLOAD_MALFORMED));
}

TEST(Ikev1DeletePayload, SpiSizeZeroWithSpisIsMalformed) {
  Bytes bad = hex("00 00 000c 00000001 03 00 ffff");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::Delete, bad, kBase), ErrorCode::kMalformed,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 9));
  // zero SPIs of size 0 is an empty, well-formed delete
  auto empty = parse_chain(PayloadType::Delete, hex("00 00 000c 00000001 03 00 0000"), kBase);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->payloads[0].as<DeletePayload>()->spis.empty());
}

TEST(Ikev1DeletePayload, HelpersCarryCookiesAndSpis) {
  auto d = DeletePayload::isakmp_sa(0x1122334455667788ull, 0x99aabbccddeeff00ull);
  EXPECT_EQ(d.spi_size, 16);
  EXPECT_EQ(to_hex(d.spis.at(0)), kCookies);
  auto c = d.cookies();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->first, 0x1122334455667788ull);
  EXPECT_EQ(c->second, 0x99aabbccddeeff00ull);
  auto e = DeletePayload::ipsec_sas(ProtocolId::IPSEC_ESP, {0xc1a2b3c4u, 1});
  EXPECT_EQ(e.spis.size(), 2u);
  EXPECT_EQ(e.spis[1], hex("00000001"));
  EXPECT_FALSE(e.cookies());
  // SPIs of the wrong size do not serialize
  e.spis[1] = hex("01");
  EXPECT_FALSE(serialize_body(e).ok());
}

TEST(Ikev1NatOaPayload, OnlyAddressIdTypesAreAllowed) {
  // ID Type FQDN
  Bytes bad = hex("00 00 000c 02 000000 c0a80001");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::NAT_OA, bad, kBase), ErrorCode::kMalformed,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 4));
  // IPv4 type with an IPv6-sized address
  bad = hex("00 00 0018 01 000000 20010db8000000000000000000000002");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::NAT_OA, bad, kBase), ErrorCode::kLength,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 8));
  EXPECT_FALSE(serialize_body(NatOaPayload{IpAddress{}}).ok());
}

TEST(Ikev1FragmentPayload, NumberZeroIsMalformed) {
  Bytes bad = hex("00 00 000c 0001 00 01 deadbeef");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::Fragment, bad, kBase), ErrorCode::kMalformed,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 6));
  EXPECT_FALSE(serialize_body(FragmentPayload{1, 0, 0, {}}).ok());
}

TEST(Ikev1AttributePayload, TlvOverrunIsMalformed) {
  Bytes bad = hex("00 00 000c 02 00 0001 0001 0004");  // INTERNAL_IP4_ADDRESS says 4 bytes, has 0
  auto r = parse_chain(PayloadType::Attribute, bad, kBase);
  EXPECT_TRUE(fails_with(r, ErrorCode::kLength, NotifyType::PAYLOAD_MALFORMED, kBase + 10));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().context().back(), "attribute #1");
}

TEST(Ikev1PayloadChain, ProposalAndTransformOutsideAnSaAreInvalidPayloadTypes) {
  Bytes p = hex("00 00 0008 01 01 00 00");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::Proposal, p, kBase), ErrorCode::kMalformed,
                         NotifyType::INVALID_PAYLOAD_TYPE));
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::Transform, p, kBase), ErrorCode::kMalformed,
                         NotifyType::INVALID_PAYLOAD_TYPE));
  EXPECT_FALSE(parse_body(PayloadType::None, {}).ok());
}

TEST(Ikev1PayloadChain, UnknownPayloadsAreKeptOrRejectedOnRequest) {
  // VID, then type 99, then Nonce
  Bytes chain = hex("63 00 0008 01020304" "0a 00 0006 aabb" "00 00 0008 0a0b0c0d");
  auto kept = parse_chain(PayloadType::VendorId, chain, kBase);
  ASSERT_TRUE(kept.ok()) << kept.error().message();
  ASSERT_EQ(kept->payloads.size(), 3u);
  EXPECT_EQ(kept->payloads[1].type, static_cast<PayloadType>(99));
  EXPECT_EQ(*kept->payloads[1].as<RawPayload>(), RawPayload{hex("aabb")});
  EXPECT_EQ(*serialize_chain(kept->payloads), chain);

  ParseOptions strict;
  strict.reject_unknown_payloads = true;
  auto rejected = parse_chain(PayloadType::VendorId, chain, kBase, strict);
  ASSERT_TRUE(fails_with(rejected, ErrorCode::kUnsupported, NotifyType::INVALID_PAYLOAD_TYPE,
                         kBase + 8));
  EXPECT_EQ(rejected.error().notify_data(), Bytes{99});
}

TEST(Ikev1PayloadChain, NonZeroReservedIsIgnoredUnlessStrict) {
  Bytes chain = hex("00 7f 0008 01020304");  // RESERVED = 0x7f
  auto lax = parse_chain(PayloadType::KE, chain, kBase);
  ASSERT_TRUE(lax.ok());
  EXPECT_EQ(*serialize_chain(lax->payloads), hex("00 00 0008 01020304"));
  ParseOptions strict;
  strict.strict_reserved = true;
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::KE, chain, kBase, strict), ErrorCode::kMalformed,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 1));
}

TEST(Ikev1PayloadChain, PaddingAfterTheLastPayloadIsCounted) {
  // HASH, then N(INITIAL-CONTACT), then 12 bytes of padding ending in a pad-length byte
  // (RFC 2409 Appendix B)
  Bytes chain = hex("0b 00 0008 01020304"
                    "00 00 001c 00000001 01 10 6002" + kCookies +
                    "00000000000000000000000b");
  ParseOptions padded;
  padded.allow_padding = true;
  auto c = parse_chain(PayloadType::HASH, chain, kBase, padded);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->payloads.size(), 2u);
  EXPECT_EQ(c->padding, 12u);
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::HASH, chain, kBase), ErrorCode::kTrailingBytes,
                         NotifyType::UNEQUAL_PAYLOAD_LENGTHS, kBase + 36));
  // padding only, with nothing before it (first = NONE)
  auto only = parse_chain(PayloadType::None, hex("00000000"), kBase, padded);
  ASSERT_TRUE(only.ok());
  EXPECT_TRUE(only->payloads.empty());
  EXPECT_EQ(only->padding, 4u);
  // padding does not excuse a payload that runs past the data
  Bytes over = hex("00 00 0010 01020304 0000");
  EXPECT_TRUE(fails_with(parse_chain(PayloadType::HASH, over, kBase, padded), ErrorCode::kLength,
                         NotifyType::PAYLOAD_MALFORMED, kBase + 2));
}

TEST(Ikev1PayloadChain, ThePayloadCountIsBounded) {
  Bytes chain;
  for (size_t i = 0; i <= kMaxPayloadsPerMessage; ++i) append(chain, hex("0d 00 0004"));
  auto r = parse_chain(PayloadType::VendorId, chain, kBase);
  EXPECT_TRUE(fails_with(r, ErrorCode::kLimit, NotifyType::PAYLOAD_MALFORMED,
                         kBase + 4 * kMaxPayloadsPerMessage));
}

TEST(Ikev1PayloadChain, ErrorsNameThePayloadTheyHappenIn) {
  // KE fine, then a Notify whose SPI size runs past its end
  Bytes chain = hex("0b 00 0008 01020304" "00 00 000c 00000001 01 10 6002");
  auto r = parse_chain(PayloadType::KE, chain, kBase);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().context().size(), 1u);
  EXPECT_EQ(r.error().context()[0], "N payload #2");
  EXPECT_NE(r.error().message().find("N payload #2 at offset 45"), std::string::npos)
      << r.error().message();
}

TEST(Ikev1PayloadChain, SerializerChecksTypesAgainstBodies) {
  EXPECT_FALSE(serialize_chain({Payload{PayloadType::KE, NoncePayload{}}}).ok());
  EXPECT_FALSE(serialize_chain({Payload{PayloadType::None, KePayload{}}}).ok());
  // NAT-D bodies may go under the draft number, raw bodies under any type
  EXPECT_TRUE(serialize_chain({Payload{PayloadType::NAT_D_DRAFT, NatDPayload{}}}).ok());
  auto raw = serialize_chain({Payload{PayloadType::SA, RawPayload{hex("ff")}}});
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, hex("00 00 0005 ff"));
  // a body over 65535 bytes does not fit the Payload Length
  EXPECT_FALSE(serialize_chain({make_payload(KePayload{Bytes(70000, 1)})}).ok());
}

TEST(Ikev1Cookies, PairAndSplit) {
  EXPECT_EQ(to_hex(cookie_pair(0x1122334455667788ull, 0x99aabbccddeeff00ull)), kCookies);
  auto c = split_cookie_pair(hex(kCookies));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->second, 0x99aabbccddeeff00ull);
  EXPECT_FALSE(split_cookie_pair(hex("01")));
}

}  // namespace
}  // namespace ikesuite::v1
