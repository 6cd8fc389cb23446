// Whole IKEv2 messages: the payload chain, the exchanges of RFC 7296 §1, SK and SKF, unknown
// payloads, limits and charon's summaries.
#include "tests/wire_ikev2/samples.h"
#include "tests/wire_ikev2/test_util.h"

namespace ikesuite::v2 {
namespace {

using testing::has_error;
using testing::roundtrips;

// IKE_SA_INIT request, assembled by hand from the RFC 7296 §3 figures (216 bytes).
const Bytes kIkeSaInit = hex(
    // IKE header (offset 0)
    "4a1b2c3d5e6f7081 0000000000000000"  // SPIi, SPIr
    "21 20 22 08"                        // Next SA, version 2.0, IKE_SA_INIT, flags I
    "00000000 000000d8"                  // Message ID 0, Length 216
    // SA (offset 28)
    "22 00 0030"                       // Next KE, not critical, Payload Length 48
    "00 00 002c 01 01 00 04"           // last proposal, length 44, #1, IKE, no SPI, 4 transforms
    "03 00 000c 01 00 000c 800e 0100"  // ENCR_AES_CBC 256
    "03 00 0008 02 00 0005"            // PRF_HMAC_SHA2_256
    "03 00 0008 03 00 000c"            // AUTH_HMAC_SHA2_256_128
    "00 00 0008 04 00 001f"            // CURVE_25519
    // KE (offset 76)
    "28 00 0028"  // Next Nonce, Payload Length 40
    "001f 0000"   // group 31, RESERVED
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    // Nonce (offset 116)
    "29 00 0024"  // Next Notify, Payload Length 36
    "c39b7f5e3a1d0c8e9f2b4a6d8c0e1f3a5b7d9c1e3f5a7b9d0c2e4f6a8b0d1e3f"
    // Notify (offset 152)
    "29 00 001c"  // Next Notify, Payload Length 28
    "00 00 4004"  // no SPI, NAT_DETECTION_SOURCE_IP
    "a1a2a3a4a5a6a7a8a9aab1b2b3b4b5b6b7b8b9ba"
    // Notify (offset 180)
    "29 00 001c"
    "00 00 4005"  // NAT_DETECTION_DESTINATION_IP
    "c1c2c3c4c5c6c7c8c9cad1d2d3d4d5d6d7d8d9da"
    // Notify (offset 208)
    "00 00 0008"    // last payload
    "00 00 402e");  // IKEV2_FRAGMENTATION_SUPPORTED

TEST(V2Message, ParsesAHandAssembledIkeSaInit) {
  auto m = parse(kIkeSaInit);
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_EQ(m->header.length, 216u);
  EXPECT_EQ(m->header.next_payload, PayloadType::SA);
  ASSERT_EQ(m->payloads.size(), 6u);
  EXPECT_EQ(m->payloads[0].type, PayloadType::SA);
  EXPECT_EQ(m->payloads[0].as<SaPayload>()->proposals[0].transforms[3].id,
            static_cast<uint16_t>(DhGroup::CURVE25519));
  EXPECT_EQ(m->payloads[1].as<KePayload>()->group, DhGroup::CURVE25519);
  EXPECT_EQ(m->payloads[2].as<NoncePayload>()->nonce.size(), 32u);
  ASSERT_NE(m->find_notify(NotifyType::NAT_DETECTION_DESTINATION_IP), nullptr);
  EXPECT_EQ(m->find_notify(NotifyType::NAT_DETECTION_DESTINATION_IP)->data[0], 0xc1);
  EXPECT_EQ(m->find_notify(NotifyType::COOKIE), nullptr);
  EXPECT_EQ(m->find(PayloadType::KE), &m->payloads[1]);
  EXPECT_EQ(m->find(PayloadType::AUTH), nullptr);
  EXPECT_EQ(m->find_all(PayloadType::Notify).size(), 3u);
  EXPECT_EQ(summary(*m),
            "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) ]");
  auto bytes = serialize(*m);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(to_hex(*bytes), to_hex(kIkeSaInit));
}

TEST(V2Message, EveryTruncationFails) {
  // Cut datagrams: the header's Length no longer matches.
  for (size_t n = 0; n < kIkeSaInit.size(); ++n) {
    auto r = parse(testing::prefix(kIkeSaInit, n));
    if (n < Header::kSize) {
      EXPECT_TRUE(has_error(r, ErrorCode::kTruncated, n, "header")) << n;
    } else {
      EXPECT_TRUE(has_error(r, ErrorCode::kLength, 24, "header")) << n;
    }
  }
  // Cut datagrams whose Length was fixed up: the payload chain itself runs out. The error
  // names the payload being read and points at its header.
  const size_t starts[] = {28, 76, 116, 152, 180, 208, 216};
  const char* names[] = {"SA", "KE", "Nonce", "Notify", "Notify", "Notify"};
  for (size_t n = Header::kSize; n < kIkeSaInit.size(); ++n) {
    Bytes cut = testing::prefix(kIkeSaInit, n);
    cut[26] = static_cast<uint8_t>(n >> 8);
    cut[27] = static_cast<uint8_t>(n);
    auto r = parse(cut);
    ASSERT_FALSE(r.ok()) << n;
    size_t i = 0;
    while (starts[i + 1] <= n) ++i;
    size_t at = starts[i];
    ErrorCode code = n - at < 4 ? ErrorCode::kTruncated : ErrorCode::kLength;
    size_t offset = n - at < 4 ? at : at + 2;
    EXPECT_TRUE(has_error(r, code, offset, names[i])) << n;
  }
}

TEST(V2Message, PayloadLengthInconsistencies) {
  // Payload Length below the generic header.
  Bytes b = kIkeSaInit;
  b[78] = 0x00;
  b[79] = 0x03;
  EXPECT_TRUE(has_error(parse(b), ErrorCode::kLength, 78, "KE"));
  // The last payload's length runs past the message.
  b = kIkeSaInit;
  b[211] = 0x09;
  EXPECT_TRUE(has_error(parse(b), ErrorCode::kLength, 210, "Notify"));
  // The last payload is shorter than the rest of the message: bytes belong to no payload.
  b = kIkeSaInit;
  b.push_back(0xee);
  b[27] = 217;
  EXPECT_TRUE(has_error(parse(b), ErrorCode::kTrailingBytes, 216));
  // SA's length one short of its proposals: the SA body disagrees with its proposal.
  b = kIkeSaInit;
  b[31] = 0x2f;
  EXPECT_TRUE(has_error(parse(b), ErrorCode::kLength, 34, "SA > proposal #1"));
  // Next Payload 0 in the middle: the rest of the message is trailing.
  b = kIkeSaInit;
  b[116] = 0;
  EXPECT_TRUE(has_error(parse(b), ErrorCode::kTrailingBytes, 152));
}

TEST(V2Message, IkeSaInitExchange) {
  auto request = samples::ike_sa_init_request();
  EXPECT_TRUE(roundtrips(request));
  EXPECT_EQ(summary(request),
            "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) "
            "N(REDIR_SUP) ]");
  auto response = samples::ike_sa_init_response();
  EXPECT_TRUE(roundtrips(response));
  EXPECT_EQ(
      summary(response),
      "IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) CERTREQ N(FRAG_SUP) N(HASH_ALG) "
      "N(CHDLESS_SUP) N(MULT_AUTH) V ]");
  EXPECT_EQ(summary(samples::ike_sa_init_invalid_ke()), "IKE_SA_INIT response 0 [ N(INVAL_KE) ]");
  EXPECT_EQ(summary(samples::ike_sa_init_cookie()), "IKE_SA_INIT response 0 [ N(COOKIE) ]");
}

TEST(V2Message, IkeAuthWithSk) {
  auto inner = samples::ike_auth_request_inner();
  auto plaintext = serialize_chain(inner);
  ASSERT_TRUE(plaintext.ok());
  auto back = parse_chain(inner.front().type, *plaintext);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, inner);

  Message m = samples::encrypted(ExchangeType::IkeAuth, 1, false, PayloadType::IDi, 300);
  EXPECT_TRUE(roundtrips(m));
  auto bytes = serialize(m);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[16], static_cast<uint8_t>(PayloadType::SK));   // header's Next Payload
  EXPECT_EQ((*bytes)[28], static_cast<uint8_t>(PayloadType::IDi));  // SK's: the first inner one
  auto parsed = parse(*bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->payloads[0].as<EncryptedPayload>()->inner_first, PayloadType::IDi);
  EXPECT_EQ(summary(*parsed), "IKE_AUTH request 1 [ E ]");
  EXPECT_EQ(
      summary(*parsed, &inner),
      "IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH CPRQ(ADDR DNS) SA TSi TSr N(MOBIKE_SUP) "
      "N(NO_ADD_ADDR) N(EAP_ONLY) N(MSG_ID_SYN_SUP) ]");
  auto response = samples::ike_auth_response_inner();
  EXPECT_EQ(
      summary(samples::encrypted(ExchangeType::IkeAuth, 1, true, PayloadType::IDr, 200), &response),
      "IKE_AUTH response 1 [ IDr AUTH CPRP(ADDR DNS) SA TSi TSr N(MOBIKE_SUP) N(NO_ADD_ADDR) ]");
}

TEST(V2Message, UnencryptedPayloadsBeforeSk) {
  // RFC 7296 §3.14 lets unencrypted payloads precede SK (e.g. a Vendor ID).
  Message m = samples::encrypted(ExchangeType::Informational, 9, false, PayloadType::Delete, 64);
  m.payloads.insert(m.payloads.begin(),
                    make_payload(PayloadType::VendorId, VendorIdPayload{hex("0102030405060708")}));
  EXPECT_TRUE(roundtrips(m));
  std::vector<Payload> inner = samples::informational_delete_ike_inner();
  EXPECT_EQ(summary(m, &inner), "INFORMATIONAL request 9 [ V D ]");
}

TEST(V2Message, CreateChildSaAndInformational) {
  std::vector<Payload> rekey = {make_rekey_sa(ProtocolId::ESP, 0xc1a2b3d4),
                                make_payload(PayloadType::SA, samples::esp_proposals(0x11223344)),
                                make_payload(PayloadType::Nonce, NoncePayload{Bytes(32, 5)}),
                                make_payload(PayloadType::TSi, samples::ts({"10.3.0.1/32"})),
                                make_payload(PayloadType::TSr, samples::ts({"10.1.0.0/16"}))};
  auto plaintext = serialize_chain(rekey);
  ASSERT_TRUE(plaintext.ok());
  EXPECT_EQ(*parse_chain(PayloadType::Notify, *plaintext), rekey);
  Message m = samples::encrypted(ExchangeType::CreateChildSa, 2, false, PayloadType::Notify, 256);
  EXPECT_TRUE(roundtrips(m));
  EXPECT_EQ(summary(m, &rekey), "CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No TSi TSr ]");

  auto del = samples::informational_delete_child_inner();
  EXPECT_EQ(*parse_chain(PayloadType::Delete, *serialize_chain(del)), del);
  Message info = samples::encrypted(ExchangeType::Informational, 3, false, PayloadType::Delete, 80);
  EXPECT_TRUE(roundtrips(info));
  EXPECT_EQ(summary(info, &del), "INFORMATIONAL request 3 [ D ]");
  // A liveness check: SK with no inner payloads.
  std::vector<Payload> none;
  Message dpd = samples::encrypted(ExchangeType::Informational, 4, true, PayloadType::None, 48);
  EXPECT_TRUE(roundtrips(dpd));
  EXPECT_EQ(summary(dpd, &none), "INFORMATIONAL response 4 [ ]");
  auto empty = parse_chain(PayloadType::None, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(
      has_error(parse_chain(PayloadType::None, hex("00"), 40), ErrorCode::kTrailingBytes, 40));
}

TEST(V2Message, EncryptedFragments) {
  for (uint16_t i = 1; i <= 3; ++i) {
    Message f = samples::fragment(i, 3, 500);
    EXPECT_TRUE(roundtrips(f));
    EXPECT_EQ(summary(f), "IKE_AUTH request 1 [ EF(" + std::to_string(i) + "/3) ]");
  }
  // RFC 7383 §2.5: only fragment 1 names the first inner payload.
  Message f2 = samples::fragment(2, 3, 100);
  f2.payloads[0].as<EncryptedFragmentPayload>()->inner_first = PayloadType::IDi;
  auto bytes = serialize(f2);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(has_error(parse(*bytes), ErrorCode::kMalformed, 28, "SKF"));
}

TEST(V2Message, SkMustBeLast) {
  // Hand-built: SK whose Next Payload names the inner IDi, followed by a Notify the chain
  // cannot reach (RFC 7296 §3.14).
  Bytes b =
      hex("4a1b2c3d5e6f7081 9c8d7e6f5a4b3c2d 2e 20 23 08 00000001 00000034"  // Length 52
          "23 00 0010 00112233445566778899aabb"  // SK: Next IDi, Length 16
          "00 00 0008 00 00 4000");              // a Notify after it
  EXPECT_TRUE(has_error(parse(b), ErrorCode::kMalformed, 44, "SK"));
  // The same for SKF (fragment 1 of 1).
  b[16] = 0x35;
  b[32] = 0x00;
  b[33] = 0x01;
  b[34] = 0x00;
  b[35] = 0x01;
  EXPECT_TRUE(has_error(parse(b), ErrorCode::kMalformed, 44, "SKF"));
  // serialize() refuses to build it.
  Message m = samples::encrypted(ExchangeType::IkeAuth, 1, false, PayloadType::IDi, 32);
  m.payloads.push_back(make_notify(NotifyType::INITIAL_CONTACT));
  EXPECT_FALSE(serialize(m).ok());
}

TEST(V2Message, NoNestedEncryption) {
  std::vector<Payload> inner = {
      make_payload(PayloadType::SK, EncryptedPayload{PayloadType::None, Bytes(16, 0)})};
  EXPECT_FALSE(serialize_chain(inner).ok());
  Bytes sk_inside = hex("00 00 0014 00112233445566778899aabbccddeeff");
  EXPECT_TRUE(
      has_error(parse_chain(PayloadType::SK, sk_inside, 60), ErrorCode::kMalformed, 60, "SK"));
  EXPECT_TRUE(has_error(parse_chain(PayloadType::SKF, hex("00000008 00010001"), 60),
                        ErrorCode::kMalformed, 60, "SKF"));
}

TEST(V2Message, UnknownCriticalPayload) {
  // RFC 7296 §2.5: an unknown payload with the critical bit rejects the message with
  // UNSUPPORTED_CRITICAL_PAYLOAD carrying the one-octet type.
  Message m;
  m.header = testing::test_header(ExchangeType::Informational, 1, false);
  m.payloads = {make_notify(NotifyType::INITIAL_CONTACT),
                make_payload(static_cast<PayloadType>(99), RawPayload{hex("abcdef")}, true)};
  auto bytes = serialize(m);
  ASSERT_TRUE(bytes.ok());
  auto r = parse(*bytes);
  ASSERT_TRUE(has_error(r, ErrorCode::kUnsupported, 36, "PAYLOAD(99)",
                        static_cast<uint16_t>(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD)));
  EXPECT_EQ(r.error().notify_data(), Bytes{99});
  // Kept for decoders when asked.
  ParseOptions keep;
  keep.reject_unknown_critical = false;
  auto kept = parse(*bytes, keep);
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->payloads[1].critical);
  EXPECT_EQ(kept->payloads[1].as<RawPayload>()->body, hex("abcdef"));
  EXPECT_EQ(*serialize(*kept), *bytes);
  // The same in a decrypted SK chain.
  Bytes chain_bytes(bytes->begin() + Header::kSize, bytes->end());
  EXPECT_TRUE(has_error(parse_chain(PayloadType::Notify, chain_bytes, Header::kSize),
                        ErrorCode::kUnsupported, 36, "PAYLOAD(99)",
                        static_cast<uint16_t>(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD)));
}

TEST(V2Message, UnknownNonCriticalPayloadIsSkippedAndKept) {
  Message m;
  m.header = testing::test_header(ExchangeType::IkeSaInit, 0, false);
  m.payloads = {make_payload(static_cast<PayloadType>(54), RawPayload{hex("0102")}),  // RFC 8019 PS
                make_notify(NotifyType::COOKIE, hex("0011223344"))};
  EXPECT_TRUE(roundtrips(m));
  auto parsed = parse(*serialize(m));
  ASSERT_TRUE(parsed.ok());
  EXPECT_NE(parsed->payloads[0].as<RawPayload>(), nullptr);
  EXPECT_EQ(summary(*parsed), "IKE_SA_INIT request 0 [ PAYLOAD(54) N(COOKIE) ]");
}

TEST(V2Message, CriticalBitOnKnownPayloadsIsPreserved) {
  // RFC 7296 §3.2: ignored when the type is understood; kept for round trips.
  Message m = samples::ike_sa_init_request();
  m.payloads[2].critical = true;
  EXPECT_TRUE(roundtrips(m));
  auto parsed = parse(*serialize(m));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->payloads[2].critical);
  EXPECT_FALSE(parsed->payloads[1].critical);
}

TEST(V2Message, GenericHeaderReservedBits) {
  Bytes b = kIkeSaInit;
  b[29] = 0x7f;  // SA's reserved bits
  auto lenient = parse(b);
  ASSERT_TRUE(lenient.ok());
  EXPECT_FALSE(lenient->payloads[0].critical);
  EXPECT_EQ(to_hex(*serialize(*lenient)), to_hex(kIkeSaInit));  // written as zero
  ParseOptions strict;
  strict.reject_nonzero_reserved = true;
  EXPECT_TRUE(has_error(parse(b, strict), ErrorCode::kMalformed, 29, "SA"));
  EXPECT_TRUE(parse(kIkeSaInit, strict).ok());
}

TEST(V2Message, PayloadCountLimit) {
  Message m;
  m.header = testing::test_header(ExchangeType::Informational, 1, false);
  for (size_t i = 0; i < kMaxPayloadsPerMessage; ++i)
    m.payloads.push_back(make_notify(NotifyType::INITIAL_CONTACT));
  EXPECT_TRUE(roundtrips(m));
  m.payloads.push_back(make_notify(NotifyType::INITIAL_CONTACT));
  EXPECT_TRUE(has_error(parse(*serialize(m)), ErrorCode::kLimit, 28 + 8 * kMaxPayloadsPerMessage,
                        "", std::nullopt));
}

TEST(V2Message, SerializeChecksBodiesAgainstTypes) {
  Message m;
  m.header = testing::test_header(ExchangeType::IkeAuth, 1, false);
  m.payloads = {make_payload(PayloadType::IDi, KePayload{})};
  auto r = serialize(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().context().front(), "payload #1 (IDi)");
  m.payloads = {make_payload(PayloadType::None, RawPayload{})};
  EXPECT_FALSE(serialize(m).ok());
  m.payloads = {make_payload(PayloadType::SK, RawPayload{})};
  EXPECT_FALSE(serialize(m).ok());
  // A raw body may stand in for a known payload (a misbehaving peer's garbage SA); parse()
  // then judges it.
  m.payloads = {make_payload(PayloadType::SA, RawPayload{hex("00000008")})};
  auto garbage = serialize(m);
  ASSERT_TRUE(garbage.ok());
  EXPECT_TRUE(has_error(parse(*garbage), ErrorCode::kLength, 32 + 2, "SA > proposal #1"));
  // A payload too long for its 16-bit length.
  m.payloads = {make_payload(PayloadType::VendorId, VendorIdPayload{Bytes(70000, 0)})};
  EXPECT_FALSE(serialize(m).ok());
}

TEST(V2Message, BodyMatches) {
  EXPECT_TRUE(body_matches(PayloadType::TSr, TsPayload{}));
  EXPECT_TRUE(body_matches(PayloadType::IDr, IdPayload{}));
  EXPECT_FALSE(body_matches(PayloadType::TSr, IdPayload{}));
  EXPECT_TRUE(body_matches(static_cast<PayloadType>(77), RawPayload{}));
  EXPECT_FALSE(body_matches(static_cast<PayloadType>(77), NoncePayload{}));
  EXPECT_FALSE(body_matches(PayloadType::SKF, RawPayload{}));
  EXPECT_TRUE(is_known(PayloadType::SKF));
  EXPECT_FALSE(is_known(static_cast<PayloadType>(49)));
  EXPECT_FALSE(is_known(PayloadType::None));
}

TEST(V2Message, EverySampleRoundTrips) {
  for (const Message& m : samples::all_messages()) EXPECT_TRUE(roundtrips(m)) << summary(m);
  for (const auto& chain : samples::all_inner_chains()) {
    auto bytes = serialize_chain(chain);
    ASSERT_TRUE(bytes.ok());
    auto back = parse_chain(chain.front().type, *bytes, 28);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(*back, chain);
  }
}

TEST(V2Summary, Labels) {
  EXPECT_EQ(summary_label(make_payload(PayloadType::CP, CpPayload{CfgType::Set, {}})), "CP");
  EXPECT_EQ(summary_label(
                make_payload(PayloadType::CP, CpPayload{CfgType::Ack,
                                                        {{CfgAttribute::INTERNAL_IP6_ADDRESS, {}},
                                                         {CfgAttribute::P_CSCF_IP4_ADDRESS, {}},
                                                         {static_cast<CfgAttribute>(31000), {}}}})),
            "CPA(ADDR6 P_CSCF_IP4_ADDRESS 31000)");
  EXPECT_EQ(summary_label(make_payload(PayloadType::EAP,
                                       EapPayload::make(EapCode::Request, 1, EapType::Identity))),
            "EAP/REQ/ID");
  EXPECT_EQ(summary_label(make_payload(PayloadType::EAP,
                                       EapPayload::make(EapCode::Response, 1, EapType::MSCHAPV2))),
            "EAP/RES/MSCHAPV2");
  EXPECT_EQ(summary_label(make_payload(PayloadType::EAP, EapPayload::make(EapCode::Success, 1))),
            "EAP/SUCC");
  EXPECT_EQ(summary_label(make_payload(
                PayloadType::EAP,
                EapPayload::make(EapCode::Request, 1, EapType::Expanded, hex("00000900000001")))),
            "EAP/REQ/1-9");
  EXPECT_EQ(summary_label(make_payload(
                PayloadType::EAP, EapPayload::make(EapCode::Request, 1, static_cast<EapType>(99)))),
            "EAP/REQ/99");
  EXPECT_EQ(summary_label(make_notify(static_cast<NotifyType>(40000))), "N(40000)");
  EXPECT_EQ(summary_label(make_notify(NotifyType::AUTHORIZATION_FAILED)),
            "N(AUTHORIZATION_FAILED)");
  EXPECT_EQ(summary_label(make_notify(NotifyType::NO_PROPOSAL_CHOSEN)), "N(NO_PROP)");
  EXPECT_EQ(summary_label(make_payload(PayloadType::Delete, DeletePayload{})), "D");
  EXPECT_EQ(summary_label(make_payload(PayloadType::VendorId, VendorIdPayload{})), "V");
  EXPECT_EQ(summary_label(make_payload(PayloadType::CERTREQ, CertReqPayload{})), "CERTREQ");
  EXPECT_EQ(summary_label(make_payload(PayloadType::Notify, RawPayload{})), "N");
  Message m;
  m.header = testing::test_header(static_cast<ExchangeType>(99), 5, true);
  EXPECT_EQ(summary(m), "EXCHANGE(99) response 5 [ ]");
}

TEST(V2Summary, ShortNames) {
  EXPECT_EQ(short_name(NotifyType::NAT_DETECTION_SOURCE_IP), "NATD_S_IP");
  EXPECT_EQ(short_name(NotifyType::SIGNATURE_HASH_ALGORITHMS), "HASH_ALG");
  EXPECT_EQ(short_name(NotifyType::INTERMEDIATE_EXCHANGE_SUPPORTED), "IKE_INT_SUP");
  EXPECT_EQ(short_name(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD), "CRIT");
  EXPECT_EQ(short_name(NotifyType::CLONE_IKE_SA_SUPPORTED),
            "CLONE_IKE_SA_SUPPORTED");  // full-name fallback
  EXPECT_EQ(short_name(static_cast<NotifyType>(12345)), "");
  // Every registered value has a non-empty label.
  for (const auto& e : kNotifyTypeNames.entries())
    EXPECT_FALSE(short_name(e.value).empty()) << e.name;
  for (const auto& e : kCfgAttributeNames.entries())
    EXPECT_FALSE(short_name(e.value).empty()) << e.name;
  EXPECT_EQ(short_name(CfgAttribute::INTERNAL_IP4_DNS), "DNS");
  EXPECT_EQ(short_name(EapCode::Failure), "FAIL");
  EXPECT_EQ(short_name(EapType::AKA_PRIME), "EAP_AKA_PRIME");
  EXPECT_EQ(name(EapType::TTLS), "EAP_TTLS");
}

TEST(V2Errors, MessagesNameThePathAndOffset) {
  // One line for logs: context path, absolute offset, reason.
  Bytes b = kIkeSaInit;
  b[28 + 4 + 8 + 2] = 0x00;  // transform #1's length, inside proposal #1 of the SA
  b[28 + 4 + 8 + 3] = 0x07;
  auto r = parse(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "SA > proposal #1 > transform #1 at offset 42: bad length: Transform Length 7 is "
            "shorter than "
            "the 8-byte transform header");
}

}  // namespace
}  // namespace ikesuite::v2
