#include "tests/wire_ikev1/samples.h"

#include "engine/base/random.h"

namespace ikesuite::v1::samples {

namespace {

// A self-signed ECDSA P-256 certificate for CN=moon.ikesuite.test, O=ikesuite, C=CH, and
// its subject DN (DER), so that Wireshark's X.509 dissector reads real ASN.1.
constexpr std::string_view kCertificate =
    "308201bb30820162a003020102020101300a06082a8648ce3d040302303d310b30090603550406130243483111300f06"
    "0355040a0c08696b657375697465311b301906035504030c126d6f6f6e2e696b6573756974652e74657374301e170d32"
    "36313132333131353035395a170d3336313132303131353035395a303d310b30090603550406130243483111300f0603"
    "55040a0c08696b657375697465311b301906035504030c126d6f6f6e2e696b6573756974652e74657374305930130607"
    "2a8648ce3d020106082a8648ce3d03010703420004cbe0e831c979314b11649b8c5f51982f6fe2a400cecdb8546907b0"
    "ee35e96497fdb882088f594b1741761d3981304ada91e97c84ab4eb291b777a3ed38299005a3533051301d0603551d0e"
    "041604142af7bc1beb5544d160498097eaeb9150478feaa4301f0603551d230418301680142af7bc1beb5544d1604980"
    "97eaeb9150478feaa4300f0603551d130101ff040530030101ff300a06082a8648ce3d0403020347003044022072b4a8"
    "f92f0d5043065f99075906f77b17934cc785182914219a2795ea39d04102204595946b005ec41956719ad63de65e0b3b"
    "5d096b32cfb0a33936bd87924c936e";
constexpr std::string_view kSubjectDn =
    "303d310b30090603550406130243483111300f060355040a0c08696b657375697465311b301906035504030c126d6f"
    "6f6e2e696b6573756974652e74657374";

Header header(ExchangeType exchange, uint64_t cookie_r, uint32_t message_id, uint8_t flags = 0) {
  Header h;
  h.cookie_i = kCookieI;
  h.cookie_r = cookie_r;
  h.exchange = exchange;
  h.message_id = message_id;
  h.flags = flags;
  return h;
}

// Fills the Next Payload and Length fields of a header as parse() would report them.
Message finished(Message m) {
  auto bytes = serialize(m);
  if (!bytes.ok()) return m;
  auto back = parse(*bytes);
  return back.ok() ? std::move(*back) : m;
}

Payload vid(Bytes id) { return make_payload(VendorIdPayload{std::move(id)}); }
Payload natd(uint64_t seed) { return make_payload(NatDPayload{filler(32, seed)}); }

// An encrypted message whose ciphertext is as long as its padded plaintext.
Message encrypted(ExchangeType exchange, uint32_t message_id, const std::vector<Payload>& inner,
                  uint64_t seed) {
  Message m;
  m.header = header(exchange, kCookieR, message_id, kFlagEncryption);
  m.header.next_payload = inner.empty() ? PayloadType::None : inner.front().type;
  auto plain = serialize_chain(inner);
  m.encrypted_body = filler(pad_to_block(plain.value_or(Bytes{}), 16).size(), seed);
  return finished(std::move(m));
}

}  // namespace

Bytes vid_xauth() { return hex("09002689dfd6b712"); }
Bytes vid_dpd() { return hex("afcad71368a1f1c96b8696fc77570100"); }
Bytes vid_natt_rfc3947() { return hex("4a131c81070358455c5728f20e95452f"); }
Bytes vid_natt_draft02() { return hex("90cb80913ebb696e086381b5ec427b1f"); }
Bytes vid_fragmentation() { return hex("4048b7d56ebce88525e7de7f00d6c2d3"); }

Bytes filler(size_t n, uint64_t seed) {
  SeededRandom rng(seed);
  return rng.bytes(n);
}

Bytes pad_to_block(const Bytes& plaintext, size_t block) {
  Bytes out = plaintext;
  out.resize((plaintext.size() + block - 1) / block * block, 0);
  return out;
}

SaPayload phase1_offer() {
  auto offer = [](OakleyEncryption enc, std::optional<uint16_t> key_length, OakleyHash hash,
                  GroupDescription group, uint64_t life) {
    Phase1Attributes a;
    a.encryption = enc;
    a.key_length = key_length;
    a.hash = hash;
    a.auth_method = OakleyAuthMethod::PreSharedKey;
    a.group = group;
    a.lifetimes = {{LifeType::Seconds, life}};
    return a;
  };
  Proposal p;
  p.number = 1;
  p.protocol = ProtocolId::ISAKMP;
  p.transforms = {
      ike_transform(1, offer(OakleyEncryption::AES_CBC, 256, OakleyHash::SHA2_256,
                             GroupDescription::MODP_2048, 28800)),
      ike_transform(2, offer(OakleyEncryption::AES_CBC, 128, OakleyHash::SHA2_256,
                             GroupDescription::MODP_2048, 28800)),
      ike_transform(3, offer(OakleyEncryption::AES_CBC, 128, OakleyHash::SHA,
                             GroupDescription::MODP_2048, 28800)),
      // 86400 s does not fit in 16 bits: a 4-byte TLV Life Duration
      ike_transform(4, offer(OakleyEncryption::TripleDES_CBC, std::nullopt, OakleyHash::SHA,
                             GroupDescription::MODP_1024, 86400)),
  };
  return SaPayload{kDoiIpsec, kSitIdentityOnly, std::nullopt, {p}};
}

SaPayload phase2_offer() {
  Phase2Attributes a;
  a.lifetimes = {{LifeType::Seconds, 3600}, {LifeType::Kilobytes, 4608000}};
  a.group = GroupDescription::MODP_2048;
  a.encapsulation = EncapsulationMode::Tunnel;
  a.auth_algorithm = IpsecAuthAlgorithm::HMAC_SHA2_256;
  a.key_length = 128;
  Proposal p;
  p.number = 1;
  p.protocol = ProtocolId::IPSEC_ESP;
  p.spi = hex("c1a2b3c4");
  p.transforms = {ipsec_transform(1, static_cast<uint8_t>(EspTransformId::ESP_AES), a)};
  return SaPayload{kDoiIpsec, kSitIdentityOnly, std::nullopt, {p}};
}

Message main_mode_1() {
  Message m;
  m.header = header(ExchangeType::IdentityProtection, 0, 0);
  m.payloads = {make_payload(phase1_offer()), vid(vid_xauth()),         vid(vid_dpd()),
                vid(vid_natt_rfc3947()),       vid(vid_natt_draft02()), vid(vid_fragmentation())};
  return finished(std::move(m));
}

Message main_mode_2() {
  SaPayload chosen = phase1_offer();
  chosen.proposals.front().transforms.resize(1);
  Message m;
  m.header = header(ExchangeType::IdentityProtection, kCookieR, 0);
  m.payloads = {make_payload(chosen), vid(vid_xauth()), vid(vid_dpd()), vid(vid_natt_rfc3947())};
  return finished(std::move(m));
}

Message main_mode_3() {
  Message m;
  m.header = header(ExchangeType::IdentityProtection, kCookieR, 0);
  m.payloads = {make_payload(KePayload{filler(256, 31)}),
                make_payload(NoncePayload{filler(32, 32)}), natd(33), natd(34)};
  return finished(std::move(m));
}

Message main_mode_4() {
  Message m;
  m.header = header(ExchangeType::IdentityProtection, kCookieR, 0);
  m.payloads = {make_payload(KePayload{filler(256, 41)}),
                make_payload(NoncePayload{filler(32, 42)}), natd(43), natd(44)};
  return finished(std::move(m));
}

std::vector<Payload> main_mode_5_inner() {
  return {make_payload(IdPayload::from_address(IpAddress::v4(192, 168, 0, 1), 17, 500)),
          make_payload(HashPayload{filler(32, 51)}),
          make_payload(NotifyPayload::initial_contact(kCookieI, kCookieR))};
}

Message main_mode_5() {
  return encrypted(ExchangeType::IdentityProtection, 0, main_mode_5_inner(), 52);
}

Message aggressive_1() {
  SaPayload offer = phase1_offer();
  offer.proposals.front().transforms.resize(2);
  Message m;
  m.header = header(ExchangeType::Aggressive, 0, 0);
  m.payloads = {make_payload(offer),
                make_payload(KePayload{filler(256, 61)}),
                make_payload(NoncePayload{filler(32, 62)}),
                make_payload(IdPayload::from_fqdn("moon.ikesuite.test")),
                vid(vid_xauth()),
                vid(vid_dpd()),
                vid(vid_natt_rfc3947()),
                vid(vid_fragmentation())};
  return finished(std::move(m));
}

std::vector<Payload> quick_mode_1_inner() {
  return {make_payload(HashPayload{filler(32, 71)}),
          make_payload(phase2_offer()),
          make_payload(NoncePayload{filler(32, 72)}),
          make_payload(KePayload{filler(256, 73)}),
          make_payload(IdPayload::from_subnet(*Subnet::parse("10.1.0.0/16"))),
          make_payload(IdPayload::from_subnet(*Subnet::parse("10.2.0.0/16")))};
}

Message quick_mode_1() {
  return encrypted(ExchangeType::QuickMode, kQuickModeId, quick_mode_1_inner(), 74);
}

std::vector<Payload> informational_delete_inner() {
  return {make_payload(HashPayload{filler(32, 81)}),
          make_payload(DeletePayload::ipsec_sas(ProtocolId::IPSEC_ESP, {0xc1a2b3c4u})),
          make_payload(DeletePayload::isakmp_sa(kCookieI, kCookieR))};
}

Message informational_delete() {
  return encrypted(ExchangeType::Informational, kInfoId, informational_delete_inner(), 82);
}

std::vector<Payload> informational_dpd_inner() {
  return {make_payload(HashPayload{filler(32, 91)}),
          make_payload(NotifyPayload::dpd(false, kCookieI, kCookieR, 1))};
}

Message informational_dpd() {
  return encrypted(ExchangeType::Informational, kInfoId, informational_dpd_inner(), 92);
}

Message in_clear(const Message& encrypted_message, const std::vector<Payload>& inner) {
  Message m;
  m.header = encrypted_message.header;
  m.header.flags &= static_cast<uint8_t>(~kFlagEncryption);
  m.payloads = inner;
  return finished(std::move(m));
}

std::vector<Payload> main_mode_5_rsa_inner() {
  IdPayload id{IdType::DER_ASN1_DN, 17, 500, hex(kSubjectDn)};
  return {make_payload(id),
          make_payload(CertPayload{CertEncoding::X509_SIGNATURE, hex(kCertificate)}),
          make_payload(CertRequestPayload{CertEncoding::X509_SIGNATURE, hex(kSubjectDn)}),
          make_payload(SignaturePayload{filler(72, 101)})};
}

Message transaction_request() {
  AttributePayload cp;
  cp.cfg_type = CfgType::ISAKMP_CFG_REQUEST;
  cp.identifier = 0x1234;
  cp.attributes = {
      DataAttribute::make_tlv(static_cast<uint16_t>(CfgAttribute::INTERNAL_IP4_ADDRESS), {}),
      DataAttribute::make_tlv(static_cast<uint16_t>(CfgAttribute::INTERNAL_IP4_DNS), {}),
      DataAttribute::make_tv(static_cast<uint16_t>(CfgAttribute::XAUTH_TYPE), 0)};
  Message m;
  m.header = header(ExchangeType::Transaction, kCookieR, 0x0badcafe);
  m.payloads = {make_payload(HashPayload{filler(32, 111)}), make_payload(cp)};
  return finished(std::move(m));
}

std::vector<Payload> quick_mode_natoa_inner() {
  SaPayload sa = phase2_offer();
  auto& attrs = sa.proposals.front().transforms.front().attributes;
  Phase2Attributes a = *Phase2Attributes::decode(attrs);
  a.encapsulation = EncapsulationMode::UdpTunnel;  // RFC 3947 §5
  a.group.reset();
  attrs = a.encode();
  return {make_payload(HashPayload{filler(32, 121)}),
          make_payload(sa),
          make_payload(NoncePayload{filler(32, 122)}),
          make_payload(IdPayload::from_address(IpAddress::v4(192, 168, 0, 1))),
          make_payload(IdPayload::from_range(IpAddress::v4(10, 2, 0, 1), IpAddress::v4(10, 2, 0, 9))),
          make_payload(NatOaPayload{IpAddress::v4(192, 168, 0, 1)}),
          make_payload(NatOaPayload{*IpAddress::parse("2001:db8::2")})};
}

std::vector<Message> fragments() {
  Bytes whole = serialize(in_clear(main_mode_5(), main_mode_5_rsa_inner())).value_or(Bytes{});
  auto half = static_cast<std::ptrdiff_t>(whole.size() / 2);
  std::vector<Message> out;
  for (uint8_t number = 1; number <= 2; ++number) {
    Message m;
    m.header = header(ExchangeType::IdentityProtection, kCookieR, 0);
    Bytes part = number == 1 ? Bytes(whole.begin(), whole.begin() + half)
                             : Bytes(whole.begin() + half, whole.end());
    m.payloads = {make_payload(FragmentPayload{
        1, number, number == 2 ? kFragmentFlagLast : uint8_t{0}, std::move(part)})};
    out.push_back(finished(std::move(m)));
  }
  return out;
}

std::vector<Named> all_messages() {
  auto frags = fragments();
  return {
      {"main_mode_1", main_mode_1()},
      {"main_mode_2", main_mode_2()},
      {"main_mode_3", main_mode_3()},
      {"main_mode_4", main_mode_4()},
      {"main_mode_5", main_mode_5()},
      {"main_mode_5_clear", in_clear(main_mode_5(), main_mode_5_inner())},
      {"main_mode_5_rsa_clear", in_clear(main_mode_5(), main_mode_5_rsa_inner())},
      {"aggressive_1", aggressive_1()},
      {"quick_mode_1", quick_mode_1()},
      {"quick_mode_1_clear", in_clear(quick_mode_1(), quick_mode_1_inner())},
      {"quick_mode_natoa_clear", in_clear(quick_mode_1(), quick_mode_natoa_inner())},
      {"informational_delete", informational_delete()},
      {"informational_delete_clear", in_clear(informational_delete(), informational_delete_inner())},
      {"informational_dpd", informational_dpd()},
      {"informational_dpd_clear", in_clear(informational_dpd(), informational_dpd_inner())},
      {"transaction_request", transaction_request()},
      {"fragment_1", frags[0]},
      {"fragment_2_last", frags[1]},
  };
}

}  // namespace ikesuite::v1::samples
