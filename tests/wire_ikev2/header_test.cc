// RFC 7296 §3.1: the IKE header.
#include "tests/wire_ikev2/test_util.h"

namespace ikesuite::v2 {
namespace {

using testing::has_error;

// RFC 7296 §3.1 figure, field by field: an IKE_SA_INIT request with no payloads (28 bytes).
const Bytes kHeader =
    hex("1122334455667788"  // IKE SA Initiator's SPI
        "0000000000000000"  // IKE SA Responder's SPI (zero in the first message)
        "00"                // Next Payload: none
        "20"                // MjVer 2, MnVer 0
        "22"                // Exchange Type: IKE_SA_INIT (34)
        "08"                // Flags: I(nitiator)
        "00000000"          // Message ID 0
        "0000001c");        // Length 28

TEST(V2Header, ParsesEveryField) {
  auto h = parse_header(kHeader);
  ASSERT_TRUE(h.ok()) << h.error().message();
  EXPECT_EQ(h->spi_i, 0x1122334455667788ULL);
  EXPECT_EQ(h->spi_r, 0u);
  EXPECT_EQ(h->next_payload, PayloadType::None);
  EXPECT_EQ(h->major_version, 2);
  EXPECT_EQ(h->minor_version, 0);
  EXPECT_EQ(h->exchange, ExchangeType::IkeSaInit);
  EXPECT_TRUE(h->initiator());
  EXPECT_FALSE(h->response());
  EXPECT_EQ(h->message_id, 0u);
  EXPECT_EQ(h->length, 28u);
}

TEST(V2Header, EmptyMessageRoundTrips) {
  auto m = parse(kHeader);
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_TRUE(m->payloads.empty());
  auto bytes = serialize(*m);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(to_hex(*bytes), to_hex(kHeader));
}

TEST(V2Header, EveryTruncationFails) {
  for (size_t n = 0; n < kHeader.size(); ++n) {
    EXPECT_TRUE(
        has_error(parse_header(testing::prefix(kHeader, n)), ErrorCode::kTruncated, n, "header"))
        << n;
    EXPECT_TRUE(has_error(parse(testing::prefix(kHeader, n)), ErrorCode::kTruncated, n, "header"))
        << n;
  }
}

TEST(V2Header, LengthMustMatchTheDatagram) {
  Bytes longer = kHeader;
  longer.push_back(0);  // one byte the header does not count
  EXPECT_TRUE(has_error(parse(longer), ErrorCode::kLength, 24, "header"));

  Bytes claims_more = kHeader;
  claims_more[27] = 29;  // Length 29 on a 28-byte datagram
  EXPECT_TRUE(has_error(parse(claims_more), ErrorCode::kLength, 24, "header"));

  Bytes too_short = kHeader;
  too_short[27] = 27;  // shorter than the header itself
  EXPECT_TRUE(has_error(parse(too_short), ErrorCode::kLength, 24, "header"));

  Bytes huge = kHeader;
  huge[24] = 0xff;  // 4 GB
  EXPECT_TRUE(has_error(parse(huge), ErrorCode::kLength, 24, "header"));
}

TEST(V2Header, OtherMajorVersionsAnswerInvalidMajorVersion) {
  for (uint8_t version : {0x10, 0x30, 0xf0, 0x00}) {
    Bytes b = kHeader;
    b[17] = version;
    EXPECT_TRUE(has_error(parse(b), ErrorCode::kUnsupported, 17, "header",
                          static_cast<uint16_t>(NotifyType::INVALID_MAJOR_VERSION)))
        << int(version);
  }
  // RFC 7296 §3.1: the minor version is ignored on receipt, and kept.
  Bytes minor = kHeader;
  minor[17] = 0x2f;
  auto m = parse(minor);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->header.minor_version, 15);
  EXPECT_EQ(*serialize(*m), minor);
}

TEST(V2Header, FlagsOctetIsKeptWhole) {
  // R and I, the V bit and a reserved bit: RFC 7296 §3.1 tells receivers to ignore V and the
  // reserved bits; the octet is kept as received so that it round-trips and logs show it.
  Bytes b = kHeader;
  b[19] = 0x20 | 0x08 | 0x10 | 0x01;
  auto m = parse(b);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->header.response());
  EXPECT_TRUE(m->header.initiator());
  EXPECT_EQ(m->header.flags, 0x39);
  EXPECT_EQ(*serialize(*m), b);
  // In a conformance check they are an error.
  ParseOptions strict;
  strict.reject_nonzero_reserved = true;
  EXPECT_TRUE(has_error(parse(b, strict), ErrorCode::kMalformed, 19, "header"));
  Bytes only_ir = kHeader;
  only_ir[19] = 0x28;
  EXPECT_TRUE(parse(only_ir, strict).ok());
}

TEST(V2Header, UnknownExchangeTypesAreKept) {
  // Which exchanges are valid is the engine's call (it answers or drops them).
  Bytes b = kHeader;
  b[18] = 99;
  auto m = parse(b);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(static_cast<int>(m->header.exchange), 99);
  EXPECT_EQ(*serialize(*m), b);
}

TEST(V2Header, SerializeComputesLengthAndNextPayload) {
  Message m;
  m.header = testing::test_header(ExchangeType::Informational, 7, true, false);
  m.header.length = 12345;                    // ignored
  m.header.next_payload = PayloadType::CERT;  // ignored
  m.payloads.push_back(make_notify(NotifyType::INITIAL_CONTACT));
  auto bytes = serialize(m);
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->size(), 28u + 8u);
  EXPECT_EQ((*bytes)[16], static_cast<uint8_t>(PayloadType::Notify));
  EXPECT_EQ((*bytes)[27], 36);
  EXPECT_TRUE(testing::roundtrips(m));
}

TEST(V2Header, VersionsThatDoNotFitFail) {
  Message m;
  m.header.major_version = 16;
  auto bytes = serialize(m);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code(), ErrorCode::kMalformed);
  // A wrong but encodable version is written as given (misbehaviour scenarios send it).
  m.header.major_version = 3;
  bytes = serialize(m);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[17], 0x30);
}

}  // namespace
}  // namespace ikesuite::v2
