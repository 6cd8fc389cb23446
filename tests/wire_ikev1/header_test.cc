// The ISAKMP header (RFC 2408 §3.1) and the checks of RFC 2408 §5.1.
#include <gtest/gtest.h>

#include "engine/wire/ikev1/message.h"
#include "tests/wire_ikev1/test_util.h"

namespace ikesuite::v1 {
namespace {

using testing::fails_with;
using testing::prefix;
using testing::set_u32;

// Main Mode message 1 carrying a single Vendor ID payload.
const Bytes kMessage = hex(
    "1122334455667788"  // Initiator Cookie
    "0000000000000000"  // Responder Cookie: zero in the first message
    "0d"                // Next Payload: Vendor ID
    "10"                // MjVer 1, MnVer 0
    "02"                // Exchange Type: Identity Protection (Main Mode)
    "00"                // Flags: none
    "00000000"          // Message ID: 0 in phase 1
    "00000030"          // Length: 48
    "00 00 0014 afcad71368a1f1c96b8696fc77570100");  // V: RFC 3706 DPD

TEST(Ikev1Header, ParsesEveryField) {
  auto h = parse_header(kMessage);
  ASSERT_TRUE(h.ok()) << h.error().message();
  EXPECT_EQ(h->cookie_i, 0x1122334455667788ull);
  EXPECT_EQ(h->cookie_r, 0u);
  EXPECT_EQ(h->next_payload, PayloadType::VendorId);
  EXPECT_EQ(h->major_version, 1);
  EXPECT_EQ(h->minor_version, 0);
  EXPECT_EQ(h->exchange, ExchangeType::IdentityProtection);
  EXPECT_EQ(h->flags, 0);
  EXPECT_FALSE(h->encrypted());
  EXPECT_EQ(h->message_id, 0u);
  EXPECT_EQ(h->length, 48u);
}

TEST(Ikev1Header, MessageRoundTrip) {
  auto m = parse(kMessage);
  ASSERT_TRUE(m.ok()) << m.error().message();
  ASSERT_EQ(m->payloads.size(), 1u);
  EXPECT_EQ(m->payloads[0].as<VendorIdPayload>()->id, hex("afcad71368a1f1c96b8696fc77570100"));
  EXPECT_EQ(*serialize(*m), kMessage);
}

TEST(Ikev1Header, FlagsAreReadBitByBit) {
  Bytes b = kMessage;
  b[19] = kFlagCommit | kFlagAuthOnly;
  auto h = parse_header(b);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->commit());
  EXPECT_TRUE(h->auth_only());
  EXPECT_FALSE(h->encrypted());
}

TEST(Ikev1Header, ShortDatagramsAreTruncated) {
  for (size_t n = 0; n < Header::kSize; ++n)
    EXPECT_TRUE(fails_with(parse(prefix(kMessage, n)), ErrorCode::kTruncated,
                           NotifyType::PAYLOAD_MALFORMED, n))
        << n;
}

TEST(Ikev1Header, OtherMajorVersionsAreInvalidMajorVersion) {
  for (uint8_t version : {0x00, 0x20, 0x21, 0xf0}) {
    Bytes b = kMessage;
    b[17] = version;
    auto r = parse(b);
    EXPECT_TRUE(fails_with(r, ErrorCode::kUnsupported, NotifyType::INVALID_MAJOR_VERSION, 17u))
        << int{version};
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().context(), std::vector<std::string>{"ISAKMP header"});
  }
}

TEST(Ikev1Header, MinorVersionIsKeptForTheEngine) {
  Bytes b = kMessage;
  b[17] = 0x11;
  auto m = parse(b);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->header.minor_version, 1);
  EXPECT_EQ(*serialize(*m), b);
}

TEST(Ikev1Header, LengthMustEqualTheDatagram) {
  Bytes b = kMessage;
  set_u32(b, 24, 27);  // shorter than a header
  EXPECT_TRUE(fails_with(parse(b), ErrorCode::kLength, NotifyType::UNEQUAL_PAYLOAD_LENGTHS, 24u));
  set_u32(b, 24, 49);  // one byte more than the datagram
  EXPECT_TRUE(fails_with(parse(b), ErrorCode::kTruncated, NotifyType::UNEQUAL_PAYLOAD_LENGTHS, 24u));
  set_u32(b, 24, 0xffffffffu);
  EXPECT_TRUE(fails_with(parse(b), ErrorCode::kTruncated, NotifyType::UNEQUAL_PAYLOAD_LENGTHS, 24u));
  set_u32(b, 24, 47);  // one byte less than the datagram
  EXPECT_TRUE(
      fails_with(parse(b), ErrorCode::kTrailingBytes, NotifyType::UNEQUAL_PAYLOAD_LENGTHS, 24u));
  Bytes longer = kMessage;
  longer.push_back(0);
  EXPECT_TRUE(fails_with(parse(longer), ErrorCode::kTrailingBytes,
                         NotifyType::UNEQUAL_PAYLOAD_LENGTHS, 24u));
}

// Libreswan pads messages in clear to a multiple of 4 octets with zeros counted in Length.
TEST(Ikev1Header, AlignmentPaddingOfUpToThreeZerosIsAccepted) {
  Message m;
  m.header.exchange = ExchangeType::Aggressive;
  m.header.cookie_i = 0x1122334455667788ull;
  m.payloads.push_back(make_payload(VendorIdPayload{Bytes(6, 0xab)}));  // 28 + 10 = 38 bytes
  auto wire = serialize(m);
  ASSERT_TRUE(wire.ok());
  ASSERT_EQ(wire->size(), 38u);
  Bytes padded = *wire;
  padded.push_back(0);
  padded.push_back(0);
  set_u32(padded, 24, 40);
  auto parsed = parse(padded);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ASSERT_EQ(parsed->payloads.size(), 1u);
  EXPECT_EQ(std::get<VendorIdPayload>(parsed->payloads[0].body).id, Bytes(6, 0xab));
  // Not zeros, not to a multiple of 4, or more than 3: a length mismatch as before.
  Bytes nonzero = padded;
  nonzero[39] = 1;
  EXPECT_TRUE(fails_with(parse(nonzero), ErrorCode::kTrailingBytes, NotifyType::UNEQUAL_PAYLOAD_LENGTHS));
  Bytes odd = *wire;
  odd.push_back(0);
  set_u32(odd, 24, 39);
  EXPECT_TRUE(fails_with(parse(odd), ErrorCode::kTrailingBytes, NotifyType::UNEQUAL_PAYLOAD_LENGTHS));
  Bytes six = *wire;
  six.insert(six.end(), 6, 0);
  set_u32(six, 24, 44);
  EXPECT_TRUE(fails_with(parse(six), ErrorCode::kTrailingBytes, NotifyType::UNEQUAL_PAYLOAD_LENGTHS));
}

TEST(Ikev1Header, LengthAgreeingWithACutPayloadIsPayloadMalformed) {
  for (size_t n = Header::kSize + 1; n < kMessage.size(); ++n) {
    Bytes cut = prefix(kMessage, n);
    set_u32(cut, 24, static_cast<uint32_t>(n));
    auto r = parse(cut);
    EXPECT_TRUE(fails_with(r, n < 32 ? ErrorCode::kTruncated : ErrorCode::kLength,
                           NotifyType::PAYLOAD_MALFORMED))
        << n;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().context().front(), "ISAKMP message");
  }
}

TEST(Ikev1Header, UnknownFlagsAreKeptUnlessStrict) {
  Bytes b = kMessage;
  b[19] = 0x80;
  auto lax = parse(b);
  ASSERT_TRUE(lax.ok());
  EXPECT_EQ(lax->header.flags, 0x80);
  EXPECT_EQ(*serialize(*lax), b);
  ParseOptions strict;
  strict.strict_reserved = true;
  EXPECT_TRUE(fails_with(parse(b, strict), ErrorCode::kMalformed, NotifyType::INVALID_FLAGS, 19u));
}

TEST(Ikev1Header, AnEmptyMessageIsJustAHeader) {
  Bytes b = prefix(kMessage, Header::kSize);
  b[16] = 0;
  set_u32(b, 24, 28);
  auto m = parse(b);
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_TRUE(m->payloads.empty());
  EXPECT_EQ(*serialize(*m), b);
  // a header naming a first payload that is not there
  b[16] = static_cast<uint8_t>(PayloadType::SA);
  EXPECT_TRUE(fails_with(parse(b), ErrorCode::kTruncated, NotifyType::PAYLOAD_MALFORMED, 28u));
}

TEST(Ikev1Header, EncryptedBodiesAreOpaque) {
  // E flag: everything after the header, however it looks, is ciphertext
  Bytes b = concat({hex("1122334455667788 99aabbccddeeff00 05 10 02 01 00000000 0000002c"),
                    hex("00 00 ffff 000102030405060708090a0b")});
  auto m = parse(b);
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_TRUE(m->encrypted());
  EXPECT_TRUE(m->payloads.empty());
  EXPECT_EQ(m->header.next_payload, PayloadType::ID);
  EXPECT_EQ(m->encrypted_body, hex("0000ffff000102030405060708090a0b"));
  EXPECT_EQ(*serialize(*m), b);
}

TEST(Ikev1Header, SerializerKeepsEncryptionConsistent) {
  Message m = *parse(kMessage);
  m.encrypted_body = hex("00");
  EXPECT_FALSE(serialize(m).ok());  // ciphertext without the E flag
  m.header.flags = kFlagEncryption;
  EXPECT_FALSE(serialize(m).ok());  // E flag with payloads in clear
  m.payloads.clear();
  EXPECT_TRUE(serialize(m).ok());
  m.header.major_version = 16;
  EXPECT_FALSE(serialize(m).ok());
}

TEST(Ikev1Header, SerializeComputesNextPayloadAndLength) {
  Message m = *parse(kMessage);
  m.header.next_payload = PayloadType::SA;  // ignored in clear
  m.header.length = 1;
  EXPECT_EQ(*serialize(m), kMessage);
}

}  // namespace
}  // namespace ikesuite::v1
