// RFC 7296 §3.3: the SA payload, proposals, transforms and attributes.
#include "tests/wire_ikev2/test_util.h"

namespace ikesuite::v2 {
namespace {

using testing::has_error;

// An SA payload body with two IKE proposals (RFC 7296 §3.3.1 and §3.3.2 figures).
const Bytes kSaBody = hex(
    // proposal #1 (offset 0)
    "02"    // Last Substruc: 2, more proposals follow
    "00"    // RESERVED
    "002c"  // Proposal Length 44 = 8 + 12 + 8 + 8 + 8
    "01"    // Proposal Num 1
    "01"    // Protocol ID: IKE
    "00"    // SPI Size 0 (initial IKE_SA_INIT)
    "04"    // Num Transforms 4
    // transform #1 (offset 8)
    "03 00 000c"  // Last Substruc 3 (more), RESERVED, Transform Length 12
    "01 00 000c"  // Type ENCR, RESERVED, Transform ID 12 (AES_CBC)
    "800e 0100"   // AF=1 | KEY_LENGTH (14), value 256
    // transform #2 (offset 20)
    "03 00 0008 02 00 0005"  // PRF_HMAC_SHA2_256
    // transform #3 (offset 28)
    "03 00 0008 03 00 000c"  // AUTH_HMAC_SHA2_256_128
    // transform #4 (offset 36)
    "00 00 0008 04 00 000e"  // DH MODP_2048, last (0)
    // proposal #2 (offset 44)
    "00"    // Last Substruc: 0, last proposal
    "00"    // RESERVED
    "0024"  // Proposal Length 36 = 8 + 12 + 8 + 8
    "02"    // Proposal Num 2
    "01"    // IKE
    "00"    // SPI Size 0
    "03"    // Num Transforms 3
    // transform #1 (offset 52)
    "03 00 000c 01 00 0014 800e 0100"  // ENCR_AES_GCM_16, 256 bits
    // transform #2 (offset 64)
    "03 00 0008 02 00 0006"  // PRF_HMAC_SHA2_384
    // transform #3 (offset 72)
    "00 00 0008 04 00 0013"  // DH ECP_256, last
);

// An ESP proposal as in IKE_AUTH or CREATE_CHILD_SA: a 4-byte SPI.
const Bytes kEspSaBody =
    hex("00 00 0028"                       // last proposal, RESERVED, Proposal Length 40
        "01 03 04 03"                      // Proposal Num 1, ESP, SPI Size 4, 3 transforms
        "c1a2b3d4"                         // SPI
        "03 00 000c 01 00 000c 800e 0080"  // ENCR_AES_CBC, 128 bits
        "03 00 0008 03 00 000c"            // AUTH_HMAC_SHA2_256_128
        "00 00 0008 05 00 0000");          // ESN: no ESN, last

constexpr size_t kBase = 100;  // where the body would start in a datagram

Bytes patched(Bytes b, size_t at, std::initializer_list<uint8_t> values) {
  for (uint8_t v : values) b.at(at++) = v;
  return b;
}

TEST(V2Sa, ParsesProposalsTransformsAndAttributes) {
  auto sa = testing::body_roundtrip<SaPayload>(PayloadType::SA, kSaBody);
  ASSERT_EQ(sa.proposals.size(), 2u);
  const Proposal& p1 = sa.proposals[0];
  EXPECT_EQ(p1.number, 1);
  EXPECT_EQ(p1.protocol, ProtocolId::IKE);
  EXPECT_TRUE(p1.spi.empty());
  ASSERT_EQ(p1.transforms.size(), 4u);
  EXPECT_EQ(p1.transforms[0].type, TransformType::ENCR);
  EXPECT_EQ(p1.transforms[0].id, static_cast<uint16_t>(EncrId::AES_CBC));
  EXPECT_EQ(p1.transforms[0].key_length(), 256);
  EXPECT_EQ(p1.transforms[1].type, TransformType::PRF);
  EXPECT_EQ(p1.transforms[1].id, static_cast<uint16_t>(PrfId::HMAC_SHA2_256));
  EXPECT_FALSE(p1.transforms[1].key_length());
  EXPECT_EQ(p1.transforms[3].id, static_cast<uint16_t>(DhGroup::MODP_2048));
  ASSERT_NE(p1.find(TransformType::INTEG), nullptr);
  EXPECT_EQ(p1.find(TransformType::INTEG)->id, static_cast<uint16_t>(IntegId::HMAC_SHA2_256_128));
  EXPECT_EQ(p1.find(TransformType::ESN), nullptr);
  EXPECT_EQ(sa.proposals[1].number, 2);
  EXPECT_EQ(sa.proposals[1].transforms[2].id, static_cast<uint16_t>(DhGroup::ECP_256));

  auto esp = testing::body_roundtrip<SaPayload>(PayloadType::SA, kEspSaBody);
  ASSERT_EQ(esp.proposals.size(), 1u);
  EXPECT_EQ(esp.proposals[0].protocol, ProtocolId::ESP);
  EXPECT_EQ(to_hex(esp.proposals[0].spi), "c1a2b3d4");
  EXPECT_EQ(esp.proposals[0].transforms[2].type, TransformType::ESN);
}

TEST(V2Sa, BuildsTheSameBytes) {
  SaPayload sa;
  Proposal p1;
  p1.number = 1;
  p1.transforms = {make_transform(EncrId::AES_CBC, 256), make_transform(PrfId::HMAC_SHA2_256),
                   make_transform(IntegId::HMAC_SHA2_256_128), make_transform(DhGroup::MODP_2048)};
  Proposal p2;
  p2.number = 2;
  p2.transforms = {make_transform(EncrId::AES_GCM_16, 256), make_transform(PrfId::HMAC_SHA2_384),
                   make_transform(DhGroup::ECP_256)};
  sa.proposals = {p1, p2};
  auto bytes = serialize_body(sa);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(to_hex(*bytes), to_hex(kSaBody));
}

TEST(V2Sa, EveryTruncationFails) {
  testing::expect_body_prefixes_fail(PayloadType::SA, kSaBody);
  testing::expect_body_prefixes_fail(PayloadType::SA, kEspSaBody);
  testing::expect_payload_prefixes_fail(PayloadType::SA, testing::with_generic_header(kSaBody));
}

TEST(V2Sa, TruncationPointsAtTheFieldThatRanOut) {
  // Cut inside transform #2: proposal #1's own length (44) runs past the 24 bytes first.
  auto r = parse_body(PayloadType::SA, testing::prefix(kSaBody, 24), kBase);
  EXPECT_TRUE(has_error(r, ErrorCode::kLength, kBase + 2, "SA > proposal #1"));
  // With the proposal's length fixed to 24, Num Transforms (4) cannot fit.
  Bytes cut = patched(testing::prefix(kSaBody, 24), 2, {0x00, 0x18});
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, cut, kBase), ErrorCode::kLength, kBase + 7,
                        "SA > proposal #1"));
  // With Num Transforms 2, transform #2's header is there but its length runs out.
  cut[7] = 2;
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, cut, kBase), ErrorCode::kLength, kBase + 22,
                        "SA > proposal #1 > transform #2"));
}

TEST(V2Sa, EmptySaIsMalformed) {
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, {}, kBase), ErrorCode::kLength, kBase, "SA"));
}

TEST(V2Sa, ProposalLengthInconsistencies) {
  // Proposal Length below the 8-byte header.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 2, {0x00, 0x07}), kBase),
                        ErrorCode::kLength, kBase + 2, "SA > proposal #1"));
  // Proposal Length past the SA payload.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 2, {0x00, 0xff}), kBase),
                        ErrorCode::kLength, kBase + 2, "SA > proposal #1"));
  // Proposal Length 48 swallows 4 bytes of proposal #2: the transforms leave bytes over.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 2, {0x00, 0x30}), kBase),
                        ErrorCode::kLength, kBase + 44, "SA > proposal #1"));
  // Proposal Length 40 cuts transform #4 short.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 2, {0x00, 0x28}), kBase),
                        ErrorCode::kLength, kBase + 36 + 2, "SA > proposal #1 > transform #4"));
  // Bytes after the proposal marked last (SA payload longer than its proposals).
  Bytes extra = kSaBody;
  extra.push_back(0);
  EXPECT_TRUE(
      has_error(parse_body(PayloadType::SA, extra, kBase), ErrorCode::kLength, kBase + 80, "SA"));
}

TEST(V2Sa, LastSubstrucMarkers) {
  // Proposal #1 marked last while proposal #2 follows: bytes after the last proposal.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 0, {0x00}), kBase),
                        ErrorCode::kLength, kBase + 44, "SA"));
  // Proposal #2 marked "more" but the SA ends.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 44, {0x02}), kBase),
                        ErrorCode::kLength, kBase + 80, "SA"));
  // A value that is neither 0 nor 2 (3 is the transform marker).
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 0, {0x03}), kBase),
                        ErrorCode::kMalformed, kBase, "SA > proposal #1"));
  // Transform #2 marked last although Num Transforms is 4.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 20, {0x00}), kBase),
                        ErrorCode::kMalformed, kBase + 20, "SA > proposal #1"));
  // The last transform marked "more".
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 36, {0x03}), kBase),
                        ErrorCode::kMalformed, kBase + 36, "SA > proposal #1"));
  // A transform marker that is neither 0 nor 3.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 8, {0x02}), kBase),
                        ErrorCode::kMalformed, kBase + 8, "SA > proposal #1 > transform #1"));
}

TEST(V2Sa, NumTransformsMustMatch) {
  // Num Transforms 3 while four are present: transform #3 is not marked last.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 7, {0x03}), kBase),
                        ErrorCode::kMalformed, kBase + 28, "SA > proposal #1"));
  // Num Transforms 5: more than the bytes can hold.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 7, {0x05}), kBase),
                        ErrorCode::kLength, kBase + 7, "SA > proposal #1"));
  // Num Transforms 200 exceeds our limit (no notify: an engine drops such a message).
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 7, {200}), kBase),
                        ErrorCode::kLimit, kBase + 7, "SA > proposal #1", std::nullopt));
}

TEST(V2Sa, TransformLengthInconsistencies) {
  // Transform Length 7 (< 8).
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 10, {0x00, 0x07}), kBase),
                        ErrorCode::kLength, kBase + 10, "SA > proposal #1 > transform #1"));
  // Transform Length 10: the KEY_LENGTH attribute is cut to 2 bytes.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 10, {0x00, 0x0a}), kBase),
                        ErrorCode::kTruncated, kBase + 18,
                        "SA > proposal #1 > transform #1 (ENCR) > attribute #1 (KEY_LENGTH)"));
  // Transform Length past the proposal.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 38, {0x00, 0x10}), kBase),
                        ErrorCode::kLength, kBase + 38, "SA > proposal #1 > transform #4"));
}

TEST(V2Sa, Attributes) {
  // KEY_LENGTH as TLV (AF = 0) breaks RFC 7296 §3.3.5.
  Bytes tlv = patched(kSaBody, 16, {0x00, 0x0e, 0x00, 0x00});
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, tlv, kBase), ErrorCode::kMalformed, kBase + 16,
                        "SA > proposal #1 > transform #1 (ENCR) > attribute #1 (KEY_LENGTH)"));
  // A TLV attribute whose length runs past the transform.
  Bytes runs = patched(kSaBody, 16, {0x00, 0x11, 0x00, 0x09});
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, runs, kBase), ErrorCode::kLength, kBase + 18,
                        "SA > proposal #1 > transform #1 (ENCR) > attribute #1 (ATTR(17))"));
  // Unknown TV and TLV attributes are kept (RFC 7296 §3.3.6: the proposal is unacceptable,
  // the message is not malformed), and round-trip.
  Transform t = make_transform(EncrId::AES_CBC, 128);
  t.attributes.push_back({17, true, 0x1234, {}});
  t.attributes.push_back({18, false, 0, hex("deadbeef")});
  SaPayload sa;
  sa.proposals = {Proposal{1, ProtocolId::IKE, {}, {t}}};
  auto bytes = serialize_body(sa);
  ASSERT_TRUE(bytes.ok());
  auto back = parse_body(PayloadType::SA, *bytes);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(std::get<SaPayload>(*back), sa);
  EXPECT_EQ(std::get<SaPayload>(*back).proposals[0].transforms[0].key_length(), 128);
}

TEST(V2Sa, AttributeLimit) {
  Transform t = make_transform(EncrId::AES_CBC);
  for (int i = 0; i < 17; ++i) t.attributes.push_back({20, true, 1, {}});
  SaPayload sa;
  sa.proposals = {Proposal{1, ProtocolId::IKE, {}, {t}}};
  auto bytes = serialize_body(sa);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, *bytes, kBase), ErrorCode::kLimit,
                        kBase + 16 + 16 * 4, "SA > proposal #1 > transform #1 (ENCR)",
                        std::nullopt));
}

TEST(V2Sa, ProposalNumbering) {
  // RFC 7296 §3.3.1: several proposals are numbered 1, 2, 3, ...
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 48, {0x03}), kBase),
                        ErrorCode::kMalformed, kBase + 48, "SA > proposal #2"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 48, {0x01}), kBase),
                        ErrorCode::kMalformed, kBase + 48, "SA > proposal #2"));
  Bytes both = patched(patched(kSaBody, 4, {0x02}), 48, {0x03});
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, both, kBase), ErrorCode::kMalformed, kBase + 4,
                        "SA > proposal #1"));
  // Zero is never a proposal number.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kEspSaBody, 4, {0x00}), kBase),
                        ErrorCode::kMalformed, kBase + 4, "SA > proposal #1"));
  // A lone proposal may carry any number: a response echoes the chosen one.
  auto lone = parse_body(PayloadType::SA, patched(kEspSaBody, 4, {0x05}), kBase);
  ASSERT_TRUE(lone.ok());
  EXPECT_EQ(std::get<SaPayload>(*lone).proposals[0].number, 5);
}

TEST(V2Sa, SpiSizePerProtocol) {
  // ESP with SPI Size 8.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kEspSaBody, 6, {0x08}), kBase),
                        ErrorCode::kMalformed, kBase + 6, "SA > proposal #1"));
  // ESP without SPI.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kEspSaBody, 6, {0x00}), kBase),
                        ErrorCode::kMalformed, kBase + 6, "SA > proposal #1"));
  // IKE with a 4-byte SPI.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kEspSaBody, 5, {0x01}), kBase),
                        ErrorCode::kMalformed, kBase + 6, "SA > proposal #1"));
  // Protocol ID 0 is reserved.
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kEspSaBody, 5, {0x00}), kBase),
                        ErrorCode::kMalformed, kBase + 5, "SA > proposal #1"));
  // AH with a 4-byte SPI is fine; so is IKE with an 8-byte one (rekeying).
  EXPECT_TRUE(parse_body(PayloadType::SA, patched(kEspSaBody, 5, {0x02})).ok());
  SaPayload rekey;
  rekey.proposals = {Proposal{
      1, ProtocolId::IKE, hex("0102030405060708"), {make_transform(EncrId::AES_CBC, 128)}}};
  auto bytes = serialize_body(rekey);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(parse_body(PayloadType::SA, *bytes).ok());
  // An unassigned protocol takes any SPI size, but the SPI must fit the proposal.
  Bytes big = patched(kEspSaBody, 2, {0x00, 0x08});
  big.resize(8);
  big[5] = 9;
  big[6] = 4;
  big[7] = 0;
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, big, kBase), ErrorCode::kLength, kBase + 6,
                        "SA > proposal #1"));
}

TEST(V2Sa, UnknownTransformTypesAndProposalsWithoutTransformsAreKept) {
  // RFC 7296 §3.3.6: these make a proposal unacceptable, which the engine decides.
  SaPayload sa;
  Proposal p{1,
             ProtocolId::IKE,
             {},
             {make_transform(static_cast<TransformType>(200), 7),
              make_transform(TransformType::ADDKE1, static_cast<uint16_t>(DhGroup::ML_KEM_768))}};
  Proposal empty{2, ProtocolId::ESP, spi_bytes(1), {}};
  sa.proposals = {p, empty};
  auto bytes = serialize_body(sa);
  ASSERT_TRUE(bytes.ok());
  auto back = parse_body(PayloadType::SA, *bytes);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(std::get<SaPayload>(*back), sa);
}

TEST(V2Sa, ProposalLimit) {
  SaPayload sa;
  for (int i = 1; i <= 65; ++i)
    sa.proposals.push_back(Proposal{
        static_cast<uint8_t>(i), ProtocolId::IKE, {}, {make_transform(EncrId::AES_CBC, 128)}});
  auto bytes = serialize_body(sa);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, *bytes, 0), ErrorCode::kLimit, 64 * 20, "SA",
                        std::nullopt));
  sa.proposals.pop_back();
  EXPECT_TRUE(parse_body(PayloadType::SA, *serialize_body(sa)).ok());
}

TEST(V2Sa, ReservedFields) {
  // Non-zero RESERVED octets are ignored (and dropped) by default, rejected when asked.
  Bytes b = patched(patched(kSaBody, 1, {0x55}), 13, {0x66});
  auto lenient = parse_body(PayloadType::SA, b);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(to_hex(*serialize_body(*lenient)), to_hex(kSaBody));
  ParseOptions strict;
  strict.reject_nonzero_reserved = true;
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, b, kBase, strict), ErrorCode::kMalformed,
                        kBase + 1, "SA > proposal #1"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 13, {0x66}), kBase, strict),
                        ErrorCode::kMalformed, kBase + 13,
                        "SA > proposal #1 > transform #1 (ENCR)"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::SA, patched(kSaBody, 9, {0x01}), kBase, strict),
                        ErrorCode::kMalformed, kBase + 9, "SA > proposal #1 > transform #1"));
}

TEST(V2Sa, SerializeRejectsWhatCannotBeEncoded) {
  SaPayload sa;
  sa.proposals = {Proposal{1, ProtocolId::IKE, Bytes(256, 1), {}}};
  EXPECT_FALSE(serialize_body(sa).ok());
  sa.proposals[0].spi.clear();
  sa.proposals[0].transforms.assign(256, make_transform(EncrId::AES_CBC));
  EXPECT_FALSE(serialize_body(sa).ok());
  Transform t = make_transform(EncrId::AES_CBC);
  t.attributes.push_back({0x8000, true, 1, {}});
  sa.proposals[0].transforms = {t};
  EXPECT_FALSE(serialize_body(sa).ok());
  t.attributes = {{5, false, 0, Bytes(70000, 0)}};
  sa.proposals[0].transforms = {t};
  EXPECT_FALSE(serialize_body(sa).ok());
}

}  // namespace
}  // namespace ikesuite::v2
