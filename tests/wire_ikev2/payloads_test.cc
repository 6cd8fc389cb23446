// RFC 7296 §3.4-§3.16 and RFC 7383 §2.5: every payload body other than SA and TS. Each has a
// hand-assembled example following the RFC figure, a truncation sweep, length and value
// errors, and a round trip.
#include "tests/wire_ikev2/test_util.h"

namespace ikesuite::v2 {
namespace {

using testing::body_roundtrip;
using testing::expect_body_prefixes_fail;
using testing::expect_payload_prefixes_fail;
using testing::has_error;
using testing::with_generic_header;

constexpr size_t kBase = 200;

Bytes patched(Bytes b, size_t at, std::initializer_list<uint8_t> values) {
  for (uint8_t v : values) b.at(at++) = v;
  return b;
}

ParseOptions strict() {
  ParseOptions o;
  o.reject_nonzero_reserved = true;
  return o;
}

// ---- KE (RFC 7296 §3.4)

const Bytes kKeBody = hex(
    "001f"  // Diffie-Hellman Group Num 31 (Curve25519)
    "0000"  // RESERVED
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");  // 32-byte public value

TEST(V2Ke, ParsesAndRoundTrips) {
  auto ke = body_roundtrip<KePayload>(PayloadType::KE, kKeBody);
  EXPECT_EQ(ke.group, DhGroup::CURVE25519);
  EXPECT_EQ(ke.data.size(), 32u);
  expect_payload_prefixes_fail(PayloadType::KE, with_generic_header(kKeBody));
}

TEST(V2Ke, HeaderTruncationAndReserved) {
  for (size_t n = 0; n < 4; ++n)
    EXPECT_TRUE(has_error(parse_body(PayloadType::KE, testing::prefix(kKeBody, n), kBase),
                          ErrorCode::kTruncated, kBase + (n < 2 ? 0 : 2), "KE"));
  EXPECT_TRUE(parse_body(PayloadType::KE, patched(kKeBody, 3, {1})).ok());
  EXPECT_TRUE(has_error(parse_body(PayloadType::KE, patched(kKeBody, 3, {1}), kBase, strict()),
                        ErrorCode::kMalformed, kBase + 2, "KE"));
  // The public value's length per group is engine/crypto's check: an empty one parses.
  EXPECT_TRUE(parse_body(PayloadType::KE, testing::prefix(kKeBody, 4)).ok());
}

// ---- ID (RFC 7296 §3.5)

const Bytes kIdFqdn =
    hex("02"                                        // ID Type: ID_FQDN
        "000000"                                    // RESERVED
        "6d6f6f6e2e7374726f6e677377616e2e6f7267");  // "moon.strongswan.org"
const Bytes kIdIpv4 = hex("01 000000 c0000201");    // ID_IPV4_ADDR 192.0.2.1
const Bytes kIdIpv6 =
    hex("05 000000 20010db8000000000000000000000001");  // ID_IPV6_ADDR 2001:db8::1

TEST(V2Id, ParsesAndRoundTrips) {
  auto fqdn = body_roundtrip<IdPayload>(PayloadType::IDi, kIdFqdn);
  EXPECT_EQ(fqdn.type, IdType::FQDN);
  EXPECT_EQ(std::string(fqdn.data.begin(), fqdn.data.end()), "moon.strongswan.org");
  EXPECT_EQ(body_roundtrip<IdPayload>(PayloadType::IDr, kIdIpv4).type, IdType::IPV4_ADDR);
  EXPECT_EQ(body_roundtrip<IdPayload>(PayloadType::IDr, kIdIpv6).data.size(), 16u);
  expect_payload_prefixes_fail(PayloadType::IDi, with_generic_header(kIdFqdn));
  expect_payload_prefixes_fail(PayloadType::IDr, with_generic_header(kIdIpv6));
}

TEST(V2Id, AddressLengths) {
  // RFC 7296 §3.5: ID_IPV4_ADDR is four octets, ID_IPV6_ADDR sixteen.
  for (size_t n = 4; n < kIdIpv4.size(); ++n)
    EXPECT_TRUE(has_error(parse_body(PayloadType::IDi, testing::prefix(kIdIpv4, n), kBase),
                          ErrorCode::kLength, kBase + 4, "IDi"));
  Bytes v4_long = kIdIpv4;
  v4_long.push_back(0);
  EXPECT_TRUE(has_error(parse_body(PayloadType::IDi, v4_long, kBase), ErrorCode::kLength, kBase + 4,
                        "IDi"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::IDr, testing::prefix(kIdIpv6, 19), kBase),
                        ErrorCode::kLength, kBase + 4, "IDr"));
  // An IPv4 address under the IPv6 type.
  EXPECT_TRUE(has_error(parse_body(PayloadType::IDr, patched(kIdIpv4, 0, {5}), kBase),
                        ErrorCode::kLength, kBase + 4, "IDr"));
  for (size_t n = 0; n < 4; ++n)
    EXPECT_TRUE(has_error(parse_body(PayloadType::IDi, testing::prefix(kIdFqdn, n), kBase),
                          ErrorCode::kTruncated, kBase + (n == 0 ? 0 : 1), "IDi"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::IDi, patched(kIdFqdn, 2, {1}), kBase, strict()),
                        ErrorCode::kMalformed, kBase + 1, "IDi"));
}

// ---- CERT (RFC 7296 §3.6) and CERTREQ (§3.7)

const Bytes kCert = hex("04 3003020101");  // X.509 Certificate - Signature, a DER stand-in
const Bytes kCertReq =
    hex("04"                                        // Cert Encoding: X.509 Certificate - Signature
        "0123456789abcdef0123456789abcdef01234567"  // SHA-1 of a CA's subjectPublicKeyInfo
        "89abcdef0123456789abcdef0123456789abcdef");  // and of a second CA

TEST(V2Cert, ParsesAndRoundTrips) {
  auto cert = body_roundtrip<CertPayload>(PayloadType::CERT, kCert);
  EXPECT_EQ(cert.encoding, CertEncoding::X509_SIGNATURE);
  EXPECT_EQ(to_hex(cert.data), "3003020101");
  expect_payload_prefixes_fail(PayloadType::CERT, with_generic_header(kCert));
  EXPECT_TRUE(
      has_error(parse_body(PayloadType::CERT, {}, kBase), ErrorCode::kTruncated, kBase, "CERT"));
}

TEST(V2CertReq, ParsesAndRoundTrips) {
  auto req = body_roundtrip<CertReqPayload>(PayloadType::CERTREQ, kCertReq);
  ASSERT_EQ(req.ca_hashes().size(), 2u);
  EXPECT_EQ(to_hex(req.ca_hashes()[1]), "89abcdef0123456789abcdef0123456789abcdef");
  expect_payload_prefixes_fail(PayloadType::CERTREQ, with_generic_header(kCertReq));
  // An empty list asks for any certificate.
  EXPECT_TRUE(parse_body(PayloadType::CERTREQ, hex("04")).ok());
  EXPECT_TRUE(has_error(parse_body(PayloadType::CERTREQ, {}, kBase), ErrorCode::kTruncated, kBase,
                        "CERTREQ"));
}

TEST(V2CertReq, X509ListsAreWholeHashes) {
  for (size_t n = 2; n < kCertReq.size(); ++n) {
    if ((n - 1) % 20 == 0) continue;
    EXPECT_TRUE(has_error(parse_body(PayloadType::CERTREQ, testing::prefix(kCertReq, n), kBase),
                          ErrorCode::kLength, kBase + 1, "CERTREQ"))
        << n;
  }
  // Other encodings carry whatever their specification says.
  auto pgp = parse_body(PayloadType::CERTREQ, patched(testing::prefix(kCertReq, 7), 0, {2}));
  ASSERT_TRUE(pgp.ok());
  EXPECT_TRUE(std::get<CertReqPayload>(*pgp).ca_hashes().empty());
}

// ---- AUTH (RFC 7296 §3.8)

const Bytes kAuth =
    hex("02"      // Auth Method: Shared Key Message Integrity Code
        "000000"  // RESERVED
        "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00");  // prf output

TEST(V2Auth, ParsesAndRoundTrips) {
  auto auth = body_roundtrip<AuthPayload>(PayloadType::AUTH, kAuth);
  EXPECT_EQ(auth.method, AuthMethod::PSK);
  EXPECT_EQ(auth.data.size(), 32u);
  expect_payload_prefixes_fail(PayloadType::AUTH, with_generic_header(kAuth));
  for (size_t n = 0; n < 4; ++n)
    EXPECT_TRUE(has_error(parse_body(PayloadType::AUTH, testing::prefix(kAuth, n), kBase),
                          ErrorCode::kTruncated, kBase + (n == 0 ? 0 : 1), "AUTH"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::AUTH, patched(kAuth, 1, {0x80}), kBase, strict()),
                        ErrorCode::kMalformed, kBase + 1, "AUTH"));
}

// ---- Nonce (RFC 7296 §3.9)

TEST(V2Nonce, SizeLimits) {
  const Bytes nonce = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  EXPECT_EQ(body_roundtrip<NoncePayload>(PayloadType::Nonce, nonce).nonce, nonce);
  expect_payload_prefixes_fail(PayloadType::Nonce, with_generic_header(nonce));
  // "MUST be between 16 and 256 octets, inclusive."
  EXPECT_TRUE(parse_body(PayloadType::Nonce, Bytes(16, 7)).ok());
  EXPECT_TRUE(parse_body(PayloadType::Nonce, Bytes(256, 7)).ok());
  EXPECT_TRUE(has_error(parse_body(PayloadType::Nonce, Bytes(15, 7), kBase), ErrorCode::kLength,
                        kBase, "Nonce"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::Nonce, Bytes(257, 7), kBase), ErrorCode::kLength,
                        kBase, "Nonce"));
  EXPECT_TRUE(
      has_error(parse_body(PayloadType::Nonce, {}, kBase), ErrorCode::kLength, kBase, "Nonce"));
}

// ---- Notify (RFC 7296 §3.10)

const Bytes kNatd =
    hex("00"    // Protocol ID: none (about the IKE SA)
        "00"    // SPI Size 0
        "4004"  // Notify Message Type: NAT_DETECTION_SOURCE_IP (16388)
        "a1a2a3a4a5a6a7a8a9aab1b2b3b4b5b6b7b8b9ba");  // SHA-1(SPIi | SPIr | IP | port)
const Bytes kRekeySa =
    hex("03"          // Protocol ID: ESP
        "04"          // SPI Size 4
        "4009"        // REKEY_SA (16393)
        "c1a2b3d4");  // the SPI of the Child SA being rekeyed

TEST(V2Notify, ParsesAndRoundTrips) {
  auto natd = body_roundtrip<NotifyPayload>(PayloadType::Notify, kNatd);
  EXPECT_EQ(natd.type, NotifyType::NAT_DETECTION_SOURCE_IP);
  EXPECT_EQ(natd.protocol, ProtocolId::None);
  EXPECT_TRUE(natd.spi.empty());
  EXPECT_EQ(natd.data.size(), 20u);
  auto rekey = body_roundtrip<NotifyPayload>(PayloadType::Notify, kRekeySa);
  EXPECT_EQ(rekey.type, NotifyType::REKEY_SA);
  EXPECT_EQ(rekey.protocol, ProtocolId::ESP);
  EXPECT_EQ(to_hex(rekey.spi), "c1a2b3d4");
  EXPECT_TRUE(rekey.data.empty());
  EXPECT_TRUE(make_rekey_sa(ProtocolId::ESP, 0xc1a2b3d4).body == PayloadBody(rekey));
  expect_payload_prefixes_fail(PayloadType::Notify, with_generic_header(kNatd));
  // With a fixed-size data field, the body alone is self-delimiting.
  expect_body_prefixes_fail(PayloadType::Notify, kNatd);
  expect_body_prefixes_fail(PayloadType::Notify, kRekeySa);
}

TEST(V2Notify, SpiSizeRules) {
  // SPI Size 8 for an IKE SA notification: RFC 7296 §3.10 says it MUST be zero.
  Bytes ike8 = hex("01 08 4000 0102030405060708");
  EXPECT_TRUE(has_error(parse_body(PayloadType::Notify, ike8, kBase), ErrorCode::kMalformed,
                        kBase + 1, "Notify"));
  // An ESP SPI of 3 bytes.
  EXPECT_TRUE(has_error(parse_body(PayloadType::Notify, patched(kRekeySa, 1, {3}), kBase),
                        ErrorCode::kMalformed, kBase + 1, "Notify"));
  // An SPI with no protocol.
  EXPECT_TRUE(has_error(parse_body(PayloadType::Notify, patched(kRekeySa, 0, {0}), kBase),
                        ErrorCode::kMalformed, kBase + 1, "Notify"));
  // SPI Size past the end (an unassigned protocol takes any size, but it must fit).
  EXPECT_TRUE(has_error(parse_body(PayloadType::Notify, patched(kRekeySa, 0, {9, 8}), kBase),
                        ErrorCode::kLength, kBase + 1, "Notify"));
  // Without an SPI, the Protocol ID "MUST be ignored on receipt": any value is kept.
  auto any = parse_body(PayloadType::Notify, patched(kNatd, 0, {0x42}));
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(static_cast<int>(std::get<NotifyPayload>(*any).protocol), 0x42);
  for (size_t n = 0; n < 4; ++n)
    EXPECT_TRUE(has_error(parse_body(PayloadType::Notify, testing::prefix(kNatd, n), kBase),
                          ErrorCode::kTruncated, kBase + (n < 2 ? n : 2), "Notify"));
}

TEST(V2Notify, FixedDataLengths) {
  struct Case {
    NotifyType type;
    size_t good;
    size_t bad;
  };
  const Case cases[] = {
      {NotifyType::INVALID_KE_PAYLOAD, 2, 3},
      {NotifyType::INVALID_MESSAGE_ID, 4, 2},
      {NotifyType::SET_WINDOW_SIZE, 4, 8},
      {NotifyType::NAT_DETECTION_SOURCE_IP, 20, 32},
      {NotifyType::NAT_DETECTION_DESTINATION_IP, 20, 19},
      {NotifyType::COOKIE, 64, 65},
      {NotifyType::COOKIE, 1, 0},
      {NotifyType::ADDITIONAL_IP4_ADDRESS, 4, 16},
      {NotifyType::ADDITIONAL_IP6_ADDRESS, 16, 4},
      {NotifyType::AUTH_LIFETIME, 4, 0},
      {NotifyType::IPCOMP_SUPPORTED, 3, 2},
      {NotifyType::SIGNATURE_HASH_ALGORITHMS, 8, 7},
  };
  for (const Case& c : cases) {
    NotifyPayload good{ProtocolId::None, {}, c.type, Bytes(c.good, 1)};
    EXPECT_TRUE(parse_body(PayloadType::Notify, *serialize_body(good)).ok()) << to_string(c.type);
    NotifyPayload bad{ProtocolId::None, {}, c.type, Bytes(c.bad, 1)};
    EXPECT_TRUE(has_error(parse_body(PayloadType::Notify, *serialize_body(bad), kBase),
                          ErrorCode::kLength, kBase + 4, "Notify"))
        << to_string(c.type);
  }
  // Types without a fixed size keep what they carry; unknown types too.
  NotifyPayload unknown{ProtocolId::None, {}, static_cast<NotifyType>(40000), Bytes(300, 9)};
  auto back = parse_body(PayloadType::Notify, *serialize_body(unknown));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<NotifyPayload>(*back), unknown);
}

TEST(V2Notify, Builders) {
  auto ke = make_invalid_ke_payload(DhGroup::ECP_256);
  EXPECT_EQ(ke.type, PayloadType::Notify);
  EXPECT_EQ(to_hex(ke.as<NotifyPayload>()->data), "0013");
  EXPECT_EQ(invalid_ke_group(*ke.as<NotifyPayload>()), DhGroup::ECP_256);
  NotifyPayload odd{ProtocolId::None, {}, NotifyType::INVALID_KE_PAYLOAD, hex("001300")};
  EXPECT_FALSE(invalid_ke_group(odd));
  const HashAlgorithm hashes[] = {HashAlgorithm::SHA2_256, HashAlgorithm::IDENTITY};
  auto sig = make_signature_hash_algorithms(hashes);
  EXPECT_EQ(to_hex(sig.as<NotifyPayload>()->data), "00020005");
  auto parsed = signature_hash_algorithms(*sig.as<NotifyPayload>());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed,
            (std::vector<HashAlgorithm>{HashAlgorithm::SHA2_256, HashAlgorithm::IDENTITY}));
  EXPECT_FALSE(signature_hash_algorithms(odd));
  auto n = make_notify(NotifyType::INVALID_SPI, hex("01020304"), ProtocolId::ESP, hex("0a0b0c0d"));
  const auto* body = n.as<NotifyPayload>();
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->protocol, ProtocolId::ESP);
  EXPECT_EQ(to_hex(body->spi), "0a0b0c0d");
  EXPECT_EQ(to_hex(body->data), "01020304");
  EXPECT_FALSE(n.critical);
  // An SPI longer than 255 bytes cannot be encoded.
  EXPECT_FALSE(
      serialize_body(NotifyPayload{ProtocolId::ESP, Bytes(256, 0), NotifyType::REKEY_SA, {}}).ok());
}

// ---- Delete (RFC 7296 §3.11)

const Bytes kDeleteEsp =
    hex("03"                                 // Protocol ID: ESP
        "04"                                 // SPI Size 4
        "0002"                               // Num of SPIs 2
        "c1a2b3d4"                           // SPI
        "e5f60718");                         // SPI
const Bytes kDeleteIke = hex("01 00 0000");  // IKE, SPI Size 0, no SPIs

TEST(V2Delete, ParsesAndRoundTrips) {
  auto d = body_roundtrip<DeletePayload>(PayloadType::Delete, kDeleteEsp);
  EXPECT_EQ(d.protocol, ProtocolId::ESP);
  ASSERT_EQ(d.spis.size(), 2u);
  EXPECT_EQ(to_hex(d.spis[1]), "e5f60718");
  const uint32_t spis[] = {0xc1a2b3d4, 0xe5f60718};
  EXPECT_TRUE(make_delete(ProtocolId::ESP, spis).body == PayloadBody(d));
  auto ike = body_roundtrip<DeletePayload>(PayloadType::Delete, kDeleteIke);
  EXPECT_EQ(ike.protocol, ProtocolId::IKE);
  EXPECT_TRUE(ike.spis.empty());
  EXPECT_TRUE(make_delete_ike().body == PayloadBody(ike));
  expect_payload_prefixes_fail(PayloadType::Delete, with_generic_header(kDeleteEsp));
  expect_body_prefixes_fail(PayloadType::Delete, kDeleteEsp);
  expect_body_prefixes_fail(PayloadType::Delete, kDeleteIke);
}

TEST(V2Delete, CountTimesSizeMustMatchTheLength) {
  EXPECT_TRUE(has_error(parse_body(PayloadType::Delete, patched(kDeleteEsp, 3, {3}), kBase),
                        ErrorCode::kLength, kBase + 2, "Delete"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::Delete, patched(kDeleteEsp, 3, {1}), kBase),
                        ErrorCode::kLength, kBase + 2, "Delete"));
  EXPECT_TRUE(
      has_error(parse_body(PayloadType::Delete, patched(kDeleteEsp, 2, {0xff, 0xff}), kBase),
                ErrorCode::kLength, kBase + 2, "Delete"));
  Bytes extra = kDeleteIke;
  extra.push_back(0);
  EXPECT_TRUE(has_error(parse_body(PayloadType::Delete, extra, kBase), ErrorCode::kLength,
                        kBase + 2, "Delete"));
}

TEST(V2Delete, SpiSizePerProtocol) {
  // "MUST be zero for IKE ... or four for AH and ESP".
  EXPECT_TRUE(has_error(parse_body(PayloadType::Delete, hex("01080001 0102030405060708"), kBase),
                        ErrorCode::kMalformed, kBase + 1, "Delete"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::Delete, hex("0308 0001 0102030405060708"), kBase),
                        ErrorCode::kMalformed, kBase + 1, "Delete"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::Delete, hex("0200 0000"), kBase),
                        ErrorCode::kMalformed, kBase + 1, "Delete"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::Delete, hex("0004 0001 01020304"), kBase),
                        ErrorCode::kMalformed, kBase, "Delete"));
  // A count of zero-size SPIs is meaningless (and would allocate for nothing).
  EXPECT_TRUE(has_error(parse_body(PayloadType::Delete, hex("0100 ffff"), kBase),
                        ErrorCode::kMalformed, kBase + 2, "Delete"));
  // Unassigned protocols keep their SPIs.
  EXPECT_TRUE(parse_body(PayloadType::Delete, hex("0902 0002 aaaa bbbb")).ok());
  // serialize() refuses SPIs that disagree with the SPI Size.
  DeletePayload bad{ProtocolId::ESP, 4, {hex("010203")}};
  EXPECT_FALSE(serialize_body(bad).ok());
}

// ---- Vendor ID (RFC 7296 §3.12)

TEST(V2VendorId, ParsesAndRoundTrips) {
  const Bytes vid = hex("882fe56d6fd20dbc2251613b2ebe5beb");  // MD5("strongSwan")
  EXPECT_EQ(body_roundtrip<VendorIdPayload>(PayloadType::VendorId, vid).id, vid);
  expect_payload_prefixes_fail(PayloadType::VendorId, with_generic_header(vid));
  EXPECT_TRUE(parse_body(PayloadType::VendorId, {}).ok());
}

// ---- SK (RFC 7296 §3.14) and SKF (RFC 7383 §2.5)

// SK and SKF only exist in a message's own chain (not inside SK), so their truncation sweep
// puts each prefix after an IKE header whose Length is fixed up to match.
void expect_outer_payload_prefixes_fail(PayloadType type, const Bytes& payload) {
  Message m;
  m.header = testing::test_header(ExchangeType::IkeAuth, 1, false);
  const Bytes header = *serialize(m);
  for (size_t n = 0; n <= payload.size(); ++n) {
    Bytes datagram = header;
    datagram[16] = static_cast<uint8_t>(type);
    append(datagram, testing::prefix(payload, n));
    datagram[26] = static_cast<uint8_t>(datagram.size() >> 8);
    datagram[27] = static_cast<uint8_t>(datagram.size());
    auto r = parse(datagram);
    if (n == payload.size()) {
      EXPECT_TRUE(r.ok()) << r.error().message();
    } else if (n < 4) {
      EXPECT_TRUE(has_error(r, ErrorCode::kTruncated, 28, to_string(type))) << n;
    } else {
      EXPECT_TRUE(has_error(r, ErrorCode::kLength, 30, to_string(type))) << n;
    }
  }
}

TEST(V2Encrypted, BodyIsOpaque) {
  const Bytes body =
      hex("00112233445566778899aabbccddeeff 0102030405060708090a0b0c0d0e0f10"
          "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");  // IV | ciphertext | ICV
  auto sk = body_roundtrip<EncryptedPayload>(PayloadType::SK, body);
  EXPECT_EQ(sk.body, body);
  EXPECT_EQ(sk.inner_first, PayloadType::None);  // lives in the generic header
  expect_outer_payload_prefixes_fail(PayloadType::SK, with_generic_header(body, 35));
}

const Bytes kSkf =
    hex("0002"                                                                 // Fragment Number 2
        "0003"                                                                 // Total Fragments 3
        "00112233445566778899aabbccddeeff deadbeefdeadbeefdeadbeefdeadbeef");  // IV | data | ICV

TEST(V2EncryptedFragment, ParsesAndRoundTrips) {
  auto f = body_roundtrip<EncryptedFragmentPayload>(PayloadType::SKF, kSkf);
  EXPECT_EQ(f.fragment_number, 2);
  EXPECT_EQ(f.total_fragments, 3);
  EXPECT_EQ(f.body.size(), 32u);
  expect_outer_payload_prefixes_fail(PayloadType::SKF, with_generic_header(kSkf));
  for (size_t n = 0; n < 4; ++n)
    EXPECT_TRUE(has_error(parse_body(PayloadType::SKF, testing::prefix(kSkf, n), kBase),
                          ErrorCode::kTruncated, kBase + (n < 2 ? 0 : 2), "SKF"));
}

TEST(V2EncryptedFragment, Numbering) {
  // "MUST NOT be zero" (both), and the number "MUST be less than or equal to" the total.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SKF, patched(kSkf, 0, {0, 0}), kBase),
                        ErrorCode::kMalformed, kBase, "SKF"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::SKF, patched(kSkf, 0, {0, 1, 0, 0}), kBase),
                        ErrorCode::kMalformed, kBase + 2, "SKF"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::SKF, patched(kSkf, 0, {0, 4}), kBase),
                        ErrorCode::kMalformed, kBase, "SKF"));
  EXPECT_TRUE(parse_body(PayloadType::SKF, patched(kSkf, 0, {0, 3})).ok());
}

// ---- CP (RFC 7296 §3.15)

const Bytes kCpRequest =
    hex("01"           // CFG Type: CFG_REQUEST
        "000000"       // RESERVED
        "0001 0000"    // R=0 | INTERNAL_IP4_ADDRESS, Length 0
        "0003 0000"    // INTERNAL_IP4_DNS, Length 0
        "0008 0000");  // INTERNAL_IP6_ADDRESS, Length 0
const Bytes kCpReply =
    hex("02 000000"                                      // CFG_REPLY
        "0001 0004 0a030001"                             // INTERNAL_IP4_ADDRESS 10.3.0.1
        "0003 0004 0a010001"                             // INTERNAL_IP4_DNS 10.1.0.1
        "0008 0011 20010db8000000000000000000000001 40"  // INTERNAL_IP6_ADDRESS 2001:db8::1/64
        "0007 0005 6869707069");                         // APPLICATION_VERSION "hippi"

TEST(V2Cp, ParsesAndRoundTrips) {
  auto rq = body_roundtrip<CpPayload>(PayloadType::CP, kCpRequest);
  EXPECT_EQ(rq.cfg_type, CfgType::Request);
  ASSERT_EQ(rq.attributes.size(), 3u);
  EXPECT_EQ(rq.attributes[1].type, CfgAttribute::INTERNAL_IP4_DNS);
  EXPECT_TRUE(rq.attributes[1].value.empty());
  auto rp = body_roundtrip<CpPayload>(PayloadType::CP, kCpReply);
  ASSERT_EQ(rp.attributes.size(), 4u);
  EXPECT_EQ(to_hex(rp.attributes[0].value), "0a030001");
  EXPECT_EQ(rp.attributes[2].value.size(), 17u);
  expect_payload_prefixes_fail(PayloadType::CP, with_generic_header(kCpReply));
}

TEST(V2Cp, AttributeLengths) {
  // Attribute Length past the payload.
  EXPECT_TRUE(has_error(parse_body(PayloadType::CP, patched(kCpReply, 6, {0x00, 0x40}), kBase),
                        ErrorCode::kLength, kBase + 6, "CP > attribute #1 (INTERNAL_IP4_ADDRESS)"));
  // A cut attribute header.
  EXPECT_TRUE(has_error(parse_body(PayloadType::CP, testing::prefix(kCpRequest, 6), kBase),
                        ErrorCode::kTruncated, kBase + 6,
                        "CP > attribute #1 (INTERNAL_IP4_ADDRESS)"));
  // RFC 7296 §3.15.1's fixed sizes: 0 or 4 for an IPv4 address, 0 or 17 for IPv6.
  CpPayload bad{CfgType::Reply, {{CfgAttribute::INTERNAL_IP4_ADDRESS, hex("0a0300")}}};
  EXPECT_TRUE(has_error(parse_body(PayloadType::CP, *serialize_body(bad), kBase),
                        ErrorCode::kLength, kBase + 6, "CP > attribute #1 (INTERNAL_IP4_ADDRESS)"));
  bad.attributes = {{CfgAttribute::INTERNAL_IP6_ADDRESS, Bytes(16, 0)}};
  EXPECT_TRUE(has_error(parse_body(PayloadType::CP, *serialize_body(bad), kBase),
                        ErrorCode::kLength, kBase + 6, "CP > attribute #1 (INTERNAL_IP6_ADDRESS)"));
  bad.attributes = {{CfgAttribute::INTERNAL_IP4_SUBNET, Bytes(4, 0)}};
  EXPECT_FALSE(parse_body(PayloadType::CP, *serialize_body(bad)).ok());
  bad.attributes = {{CfgAttribute::SUPPORTED_ATTRIBUTES, Bytes(3, 0)}};
  EXPECT_FALSE(parse_body(PayloadType::CP, *serialize_body(bad)).ok());
  bad.attributes = {{CfgAttribute::SUPPORTED_ATTRIBUTES, Bytes(4, 0)},
                    {static_cast<CfgAttribute>(30000), Bytes(9, 0)}};
  EXPECT_TRUE(parse_body(PayloadType::CP, *serialize_body(bad)).ok());
  for (size_t n = 0; n < 4; ++n)
    EXPECT_TRUE(has_error(parse_body(PayloadType::CP, testing::prefix(kCpRequest, n), kBase),
                          ErrorCode::kTruncated, kBase + (n == 0 ? 0 : 1), "CP"));
}

TEST(V2Cp, ReservedBitsAndLimit) {
  // The R bit of an attribute and the RESERVED field are ignored, then dropped.
  Bytes r_bit = patched(kCpRequest, 4, {0x80});
  auto lenient = parse_body(PayloadType::CP, r_bit);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(to_hex(*serialize_body(*lenient)), to_hex(kCpRequest));
  EXPECT_TRUE(has_error(parse_body(PayloadType::CP, r_bit, kBase, strict()), ErrorCode::kMalformed,
                        kBase + 4, "CP > attribute #1 (INTERNAL_IP4_ADDRESS)"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::CP, patched(kCpRequest, 2, {1}), kBase, strict()),
                        ErrorCode::kMalformed, kBase + 1, "CP"));
  CpPayload many{CfgType::Request, {}};
  many.attributes.assign(kMaxConfigAttributes + 1, {CfgAttribute::APPLICATION_VERSION, {}});
  EXPECT_TRUE(has_error(parse_body(PayloadType::CP, *serialize_body(many), kBase),
                        ErrorCode::kLimit, kBase + 4 + 4 * kMaxConfigAttributes, "CP",
                        std::nullopt));
}

// ---- EAP (RFC 7296 §3.16, RFC 3748 §4)

const Bytes kEapRequestIdentity =
    hex("01"                                                         // Code: Request
        "05"                                                         // Identifier 5
        "0005"                                                       // Length 5
        "01");                                                       // Type: Identity
const Bytes kEapResponseIdentity = hex("02 05 000a 01 6361726f6c");  // Response, "carol"
const Bytes kEapSuccess = hex("03 06 0004");                         // Success
const Bytes kEapExpanded =
    hex("01 07 0010"  // Request, identifier 7, Length 16
        "fe"          // Type: Expanded
        "000009"      // Vendor-Id 9
        "00000001"    // Vendor-Type 1
        "cafebabe");  // vendor data

TEST(V2Eap, ParsesAndRoundTrips) {
  auto rq = body_roundtrip<EapPayload>(PayloadType::EAP, kEapRequestIdentity);
  EXPECT_EQ(rq.code(), EapCode::Request);
  EXPECT_EQ(rq.identifier(), 5);
  EXPECT_EQ(rq.length(), 5);
  EXPECT_EQ(rq.eap_type(), EapType::Identity);
  EXPECT_TRUE(rq.type_data().empty());
  auto rs = body_roundtrip<EapPayload>(PayloadType::EAP, kEapResponseIdentity);
  EXPECT_EQ(rs.code(), EapCode::Response);
  EXPECT_EQ(std::string(rs.type_data().begin(), rs.type_data().end()), "carol");
  EXPECT_EQ(rs, EapPayload::make(EapCode::Response, 5, EapType::Identity, to_bytes("carol")));
  auto ok = body_roundtrip<EapPayload>(PayloadType::EAP, kEapSuccess);
  EXPECT_EQ(ok.code(), EapCode::Success);
  EXPECT_FALSE(ok.eap_type());
  auto exp = body_roundtrip<EapPayload>(PayloadType::EAP, kEapExpanded);
  EXPECT_EQ(exp.eap_type(), EapType::Expanded);
  EXPECT_EQ(exp.vendor_id(), 9u);
  EXPECT_EQ(exp.vendor_type(), 1u);
  EXPECT_EQ(to_hex(exp.type_data()), "cafebabe");
  for (const Bytes& b : {kEapRequestIdentity, kEapResponseIdentity, kEapSuccess, kEapExpanded}) {
    expect_payload_prefixes_fail(PayloadType::EAP, with_generic_header(b));
    expect_body_prefixes_fail(PayloadType::EAP, b);
  }
}

TEST(V2Eap, LengthConsistency) {
  // EAP Length must equal what the payload carries.
  EXPECT_TRUE(
      has_error(parse_body(PayloadType::EAP, patched(kEapResponseIdentity, 3, {0x09}), kBase),
                ErrorCode::kLength, kBase + 2, "EAP"));
  Bytes longer = kEapResponseIdentity;
  longer.push_back(0);
  EXPECT_TRUE(
      has_error(parse_body(PayloadType::EAP, longer, kBase), ErrorCode::kLength, kBase + 2, "EAP"));
  // A Request needs its Type octet.
  EXPECT_TRUE(has_error(parse_body(PayloadType::EAP, hex("01050004"), kBase), ErrorCode::kLength,
                        kBase + 2, "EAP"));
  // Success and Failure are exactly 4 bytes.
  EXPECT_TRUE(has_error(parse_body(PayloadType::EAP, hex("0406000500"), kBase), ErrorCode::kLength,
                        kBase + 2, "EAP"));
  // An Expanded Type needs its vendor fields.
  EXPECT_TRUE(has_error(parse_body(PayloadType::EAP, hex("01070008fe000009"), kBase),
                        ErrorCode::kLength, kBase + 2, "EAP"));
  // Unknown codes are the EAP layer's to discard.
  EXPECT_TRUE(parse_body(PayloadType::EAP, hex("09010006abcd")).ok());
  // Accessors on hand-built messages that are too short say so.
  EapPayload empty;
  EXPECT_FALSE(empty.code());
  EXPECT_FALSE(empty.identifier());
  EXPECT_FALSE(empty.length());
  EXPECT_FALSE(empty.eap_type());
  EXPECT_FALSE(empty.vendor_id());
  EXPECT_TRUE(empty.type_data().empty());
}

// ---- Unknown payload types

TEST(V2Raw, UnknownTypesKeepTheirBody) {
  const Bytes body = hex("0102030405");
  auto raw = body_roundtrip<RawPayload>(static_cast<PayloadType>(99), body);
  EXPECT_EQ(raw.body, body);
  expect_payload_prefixes_fail(static_cast<PayloadType>(99), with_generic_header(body));
  EXPECT_TRUE(has_error(parse_body(PayloadType::None, body, kBase), ErrorCode::kMalformed, kBase,
                        "NO_NEXT_PAYLOAD"));
}

}  // namespace
}  // namespace ikesuite::v2
