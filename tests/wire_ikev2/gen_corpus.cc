// Writes the seed corpora of the IKEv2 fuzz targets (fuzz/corpus/ikev2_*/) from messages
// the codec builds: the samples strongSwan-style exchanges use, every payload type in several
// variants, and a few non-canonical and unusual encodings. Deterministic: running it twice
// gives the same files, so the committed seeds only change when the codec or the samples do.
//
//   gen_corpus_ikev2 [repository root]     (default: the source tree it was built from)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "engine/base/random.h"
#include "tests/wire_ikev2/samples.h"

namespace ikesuite::v2 {
namespace {

namespace fs = std::filesystem;

struct Seed {
  std::string name;
  Bytes data;
};

class Corpus {
 public:
  void add(const std::string& target, const std::string& name, Bytes data) {
    auto& seeds = targets_[target];
    for (const Seed& s : seeds)
      if (s.data == data) return;  // duplicates add nothing
    char prefix[8];
    std::snprintf(prefix, sizeof prefix, "%03zu-", seeds.size());
    seeds.push_back({prefix + name, std::move(data)});
  }
  const std::map<std::string, std::vector<Seed>>& targets() const { return targets_; }

 private:
  std::map<std::string, std::vector<Seed>> targets_;
};

Bytes cat(Bytes a, const Bytes& b) {
  append(a, b);
  return a;
}

std::string label(std::string s) {
  for (char& c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      c = '_';
  while (s.find("__") != std::string::npos) s.erase(s.find("__"), 1);
  if (s.size() > 60) s.resize(60);
  return s;
}

std::string body_target(PayloadType type) {
  switch (type) {
    case PayloadType::SA:
      return "ikev2_sa";
    case PayloadType::KE:
      return "ikev2_ke";
    case PayloadType::IDi:
    case PayloadType::IDr:
      return "ikev2_id";
    case PayloadType::CERT:
      return "ikev2_cert";
    case PayloadType::CERTREQ:
      return "ikev2_certreq";
    case PayloadType::AUTH:
      return "ikev2_auth";
    case PayloadType::Nonce:
      return "ikev2_nonce";
    case PayloadType::Notify:
      return "ikev2_notify";
    case PayloadType::Delete:
      return "ikev2_delete";
    case PayloadType::VendorId:
      return "ikev2_vendor";
    case PayloadType::TSi:
    case PayloadType::TSr:
      return "ikev2_ts";
    case PayloadType::SK:
      return "ikev2_sk";
    case PayloadType::CP:
      return "ikev2_cp";
    case PayloadType::EAP:
      return "ikev2_eap";
    case PayloadType::SKF:
      return "ikev2_skf";
    case PayloadType::None:
      break;
  }
  return "";
}

Header header(ExchangeType exchange, uint32_t id, bool response) {
  Header h;
  h.spi_i = 0x4a1b2c3d5e6f7081ULL;
  h.spi_r = exchange == ExchangeType::IkeSaInit && !response ? 0 : 0x9c8d7e6f5a4b3c2dULL;
  h.exchange = exchange;
  h.flags = response ? kFlagResponse : kFlagInitiator;
  h.message_id = id;
  return h;
}

Message message(Header h, std::vector<Payload> payloads) {
  Message m;
  m.header = h;
  m.payloads = std::move(payloads);
  return m;
}

// Payload bodies beyond those in the sample exchanges, so every body target has variety.
std::vector<Payload> extra_payloads(SeededRandom& rng) {
  std::vector<Payload> out;
  auto add = [&](PayloadType t, PayloadBody b) { out.push_back(make_payload(t, std::move(b))); };
  // SA
  add(PayloadType::SA, samples::ike_proposals());
  add(PayloadType::SA, samples::esp_proposals(0x0badcafe));
  add(PayloadType::SA, samples::ike_rekey_proposal(0x1122334455667788ULL));
  {
    SaPayload ah;
    ah.proposals = {
        Proposal{1,
                 ProtocolId::AH,
                 spi_bytes(0xa0b0c0d0),
                 {make_transform(IntegId::HMAC_SHA2_256_128), make_transform(EsnId::NoEsn)}}};
    add(PayloadType::SA, ah);
    SaPayload pq;
    pq.proposals = {
        Proposal{1,
                 ProtocolId::IKE,
                 {},
                 {make_transform(EncrId::AES_GCM_16, 256), make_transform(PrfId::HMAC_SHA2_384),
                  make_transform(DhGroup::CURVE25519),
                  make_transform(TransformType::ADDKE1, static_cast<uint16_t>(DhGroup::ML_KEM_768)),
                  make_transform(TransformType::ADDKE2, 0)}}};
    add(PayloadType::SA, pq);
    SaPayload odd;
    Transform t = make_transform(EncrId::AES_CTR, 192);
    t.attributes.push_back({17, false, 0, hex("00010203")});
    odd.proposals = {Proposal{1,
                              ProtocolId::ESP,
                              spi_bytes(1),
                              {t, make_transform(static_cast<TransformType>(99), 5)}},
                     Proposal{2, ProtocolId::ESP, spi_bytes(1), {}}};
    add(PayloadType::SA, odd);
    SaPayload many;
    for (uint8_t i = 1; i <= 10; ++i)
      many.proposals.push_back(
          Proposal{i,
                   ProtocolId::ESP,
                   spi_bytes(i),
                   {make_transform(EncrId::AES_CBC, 128), make_transform(IntegId::HMAC_SHA1_96)}});
    add(PayloadType::SA, many);
    SaPayload chosen;
    chosen.proposals = {
        Proposal{3, ProtocolId::IKE, {}, samples::ike_proposals().proposals[2].transforms}};
    add(PayloadType::SA, chosen);
  }
  // KE: the public value sizes of the common groups
  const std::pair<DhGroup, size_t> groups[] = {
      {DhGroup::MODP_1024, 128}, {DhGroup::MODP_2048, 256}, {DhGroup::MODP_3072, 384},
      {DhGroup::ECP_256, 64},    {DhGroup::ECP_384, 96},    {DhGroup::ECP_521, 132},
      {DhGroup::CURVE25519, 32}, {DhGroup::CURVE448, 56},   {DhGroup::ML_KEM_768, 1184},
      {DhGroup::None, 0}};
  for (const auto& [g, n] : groups) add(PayloadType::KE, KePayload{g, rng.bytes(n)});
  // ID
  add(PayloadType::IDi, IdPayload{IdType::IPV4_ADDR, hex("c0000201")});
  add(PayloadType::IDi, IdPayload{IdType::IPV6_ADDR, hex("20010db8000000000000000000000001")});
  add(PayloadType::IDi, IdPayload{IdType::FQDN, to_bytes("sun.strongswan.org")});
  add(PayloadType::IDi, IdPayload{IdType::RFC822_ADDR, to_bytes("dave@strongswan.org")});
  add(PayloadType::IDi, IdPayload{IdType::DER_ASN1_DN, samples::carol_dn()});
  add(PayloadType::IDi, IdPayload{IdType::KEY_ID, rng.bytes(20)});
  add(PayloadType::IDi, IdPayload{IdType::NULL_ID, {}});
  add(PayloadType::IDr, IdPayload{IdType::DER_ASN1_GN, hex("820e6d6f6f6e2e6578616d706c65")});
  add(PayloadType::IDr, IdPayload{IdType::FC_NAME, rng.bytes(8)});
  add(PayloadType::IDr, IdPayload{static_cast<IdType>(200), rng.bytes(5)});
  // CERT
  add(PayloadType::CERT, CertPayload{CertEncoding::X509_SIGNATURE, samples::carol_certificate()});
  Bytes hash_url = rng.bytes(20);
  append(hash_url, to_bytes("http://ca.strongswan.org/carol.der"));
  add(PayloadType::CERT, CertPayload{CertEncoding::HASH_URL_X509_CERT, hash_url});
  add(PayloadType::CERT, CertPayload{CertEncoding::HASH_URL_X509_BUNDLE, hash_url});
  add(PayloadType::CERT, CertPayload{CertEncoding::PKCS7_X509, hex("3003020100")});
  add(PayloadType::CERT, CertPayload{CertEncoding::CRL, hex("30820100")});
  add(PayloadType::CERT, CertPayload{CertEncoding::RAW_PUBLIC_KEY, rng.bytes(91)});
  add(PayloadType::CERT, CertPayload{CertEncoding::OCSP_CONTENT, rng.bytes(40)});
  add(PayloadType::CERT, CertPayload{CertEncoding::PGP, rng.bytes(30)});
  add(PayloadType::CERT, CertPayload{CertEncoding::X509_SIGNATURE, {}});
  add(PayloadType::CERT, CertPayload{static_cast<CertEncoding>(250), rng.bytes(3)});
  // CERTREQ
  for (size_t n : {0, 1, 2, 3, 5})
    add(PayloadType::CERTREQ, CertReqPayload{CertEncoding::X509_SIGNATURE, rng.bytes(20 * n)});
  add(PayloadType::CERTREQ, CertReqPayload{CertEncoding::HASH_URL_X509_CERT, rng.bytes(20)});
  add(PayloadType::CERTREQ, CertReqPayload{CertEncoding::PGP, rng.bytes(7)});
  add(PayloadType::CERTREQ, CertReqPayload{CertEncoding::OCSP_CONTENT, rng.bytes(20)});
  add(PayloadType::CERTREQ, CertReqPayload{CertEncoding::RAW_PUBLIC_KEY, {}});
  add(PayloadType::CERTREQ, CertReqPayload{static_cast<CertEncoding>(201), rng.bytes(9)});
  // AUTH
  add(PayloadType::AUTH, AuthPayload{AuthMethod::PSK, rng.bytes(32)});
  add(PayloadType::AUTH, AuthPayload{AuthMethod::PSK, rng.bytes(64)});
  add(PayloadType::AUTH, AuthPayload{AuthMethod::RSA_SIG, rng.bytes(256)});
  add(PayloadType::AUTH, AuthPayload{AuthMethod::ECDSA_SHA256_P256, rng.bytes(64)});
  add(PayloadType::AUTH, AuthPayload{AuthMethod::ECDSA_SHA384_P384, rng.bytes(96)});
  add(PayloadType::AUTH, AuthPayload{AuthMethod::NULL_AUTH, {}});
  Bytes ds = hex("0c 300a06082a8648ce3d040302");
  append(ds, rng.bytes(70));
  add(PayloadType::AUTH, AuthPayload{AuthMethod::DIGITAL_SIGNATURE, ds});
  add(PayloadType::AUTH, AuthPayload{AuthMethod::DSS_SIG, rng.bytes(40)});
  add(PayloadType::AUTH, AuthPayload{AuthMethod::GSPM, rng.bytes(24)});
  add(PayloadType::AUTH, AuthPayload{static_cast<AuthMethod>(222), rng.bytes(4)});
  // Nonce
  for (size_t n : {16, 20, 24, 32, 48, 64, 128, 255, 256})
    add(PayloadType::Nonce, NoncePayload{rng.bytes(n)});
  // Notify: the fixed-size ones with their sizes, and a spread of others
  out.push_back(make_invalid_ke_payload(DhGroup::ECP_384));
  out.push_back(make_notify(NotifyType::NO_PROPOSAL_CHOSEN));
  out.push_back(make_notify(NotifyType::INVALID_SYNTAX));
  out.push_back(make_notify(NotifyType::AUTHENTICATION_FAILED));
  out.push_back(make_notify(NotifyType::TS_UNACCEPTABLE));
  out.push_back(make_notify(NotifyType::INVALID_SPI, spi_bytes(0x01020304), ProtocolId::ESP));
  out.push_back(
      make_notify(NotifyType::CHILD_SA_NOT_FOUND, {}, ProtocolId::ESP, spi_bytes(0x05060708)));
  out.push_back(make_notify(NotifyType::INVALID_MESSAGE_ID, hex("00000007")));
  out.push_back(make_notify(NotifyType::SET_WINDOW_SIZE, hex("00000010")));
  out.push_back(make_notify(NotifyType::IPCOMP_SUPPORTED, hex("123402")));
  out.push_back(make_notify(NotifyType::COOKIE, rng.bytes(64)));
  out.push_back(make_notify(NotifyType::USE_TRANSPORT_MODE));
  out.push_back(make_notify(NotifyType::ESP_TFC_PADDING_NOT_SUPPORTED));
  out.push_back(make_notify(NotifyType::ADDITIONAL_IP4_ADDRESS, hex("c0000202")));
  out.push_back(
      make_notify(NotifyType::ADDITIONAL_IP6_ADDRESS, hex("20010db8000000000000000000000002")));
  out.push_back(make_notify(NotifyType::AUTH_LIFETIME, hex("00000e10")));
  out.push_back(make_notify(NotifyType::REDIRECT, hex("01 04 c0000203")));
  out.push_back(make_notify(NotifyType::INTERMEDIATE_EXCHANGE_SUPPORTED));
  out.push_back(make_notify(NotifyType::ADDITIONAL_KEY_EXCHANGE, rng.bytes(8)));
  out.push_back(make_notify(NotifyType::USE_PPK));
  out.push_back(make_notify(static_cast<NotifyType>(40000), rng.bytes(10)));
  out.push_back(make_notify(NotifyType::INITIAL_CONTACT, {}, static_cast<ProtocolId>(7)));
  // Delete
  const uint32_t spis[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  out.push_back(make_delete(ProtocolId::ESP, std::span<const uint32_t>(spis, 1)));
  out.push_back(make_delete(ProtocolId::ESP, spis));
  out.push_back(make_delete(ProtocolId::AH, std::span<const uint32_t>(spis, 3)));
  out.push_back(make_delete(ProtocolId::ESP, std::span<const uint32_t>()));
  out.push_back(make_delete_ike());
  add(PayloadType::Delete,
      DeletePayload{static_cast<ProtocolId>(9), 2, {hex("aaaa"), hex("bbbb")}});
  add(PayloadType::Delete, DeletePayload{ProtocolId::ESP, 4, {spi_bytes(0xffffffff)}});
  add(PayloadType::Delete,
      DeletePayload{ProtocolId::AH, 4, {spi_bytes(0x00000100), spi_bytes(0x00000200)}});
  add(PayloadType::Delete, DeletePayload{static_cast<ProtocolId>(4), 4, {spi_bytes(7)}});
  add(PayloadType::Delete, DeletePayload{static_cast<ProtocolId>(200), 0, {}});
  // Vendor ID
  add(PayloadType::VendorId, VendorIdPayload{hex("882fe56d6fd20dbc2251613b2ebe5beb")});
  add(PayloadType::VendorId, VendorIdPayload{to_bytes("strongSwan 6.0.0")});
  add(PayloadType::VendorId, VendorIdPayload{rng.bytes(20)});
  add(PayloadType::VendorId, VendorIdPayload{{}});
  add(PayloadType::VendorId,
      VendorIdPayload{hex("4048b7d56ebce88525e7de7f00d6c2d3")});  // RFC 3947 NAT-T
  add(PayloadType::VendorId,
      VendorIdPayload{hex("afcad71368a1f1c96b8696fc77570100")});  // RFC 3706 DPD
  add(PayloadType::VendorId, VendorIdPayload{to_bytes("OEvzHnT@OBV")});
  add(PayloadType::VendorId, VendorIdPayload{rng.bytes(16)});
  add(PayloadType::VendorId, VendorIdPayload{rng.bytes(1)});
  add(PayloadType::VendorId, VendorIdPayload{rng.bytes(200)});
  // TS
  add(PayloadType::TSi, samples::ts({"10.1.0.0/16"}));
  add(PayloadType::TSi, samples::ts({"0.0.0.0/0", "::/0"}));
  add(PayloadType::TSi,
      samples::ts({"10.1.0.0/24", "10.2.0.0/24", "10.3.0.0/24", "2001:db8::/32"}));
  add(PayloadType::TSr,
      TsPayload{{TrafficSelector::from_subnet(*Subnet::parse("192.0.2.1/32"), 17, 500, 500)}});
  add(PayloadType::TSr,
      TsPayload{{TrafficSelector::from_subnet(*Subnet::parse("10.0.0.0/8"), 1, 0x0800, 0x08ff)}});
  add(PayloadType::TSr,
      TsPayload{{TrafficSelector::from_subnet(*Subnet::parse("10.0.0.1/32"), 6, 0xffff, 0)}});
  add(PayloadType::TSr, TsPayload{{*TrafficSelector::from_range(*IpAddress::parse("10.0.0.5"),
                                                                *IpAddress::parse("10.0.0.9"))}});
  {
    TrafficSelector fc;
    fc.type = TsType::FC_ADDR_RANGE;
    fc.raw = hex("0001020300040506 00ff00ff");
    add(PayloadType::TSi, TsPayload{{fc}});
  }
  add(PayloadType::TSi, TsPayload{});
  // SK
  for (size_t n : {0, 16, 32, 48, 100, 300})
    add(PayloadType::SK, EncryptedPayload{PayloadType::None, rng.bytes(n)});
  // CP
  add(PayloadType::CP, CpPayload{CfgType::Request,
                                 {{CfgAttribute::INTERNAL_IP4_ADDRESS, {}},
                                  {CfgAttribute::INTERNAL_IP6_ADDRESS, {}},
                                  {CfgAttribute::INTERNAL_IP4_DNS, {}},
                                  {CfgAttribute::INTERNAL_IP6_DNS, {}}}});
  add(PayloadType::CP,
      CpPayload{CfgType::Reply,
                {{CfgAttribute::INTERNAL_IP6_ADDRESS, hex("20010db8000000000000000000000001 40")},
                 {CfgAttribute::INTERNAL_IP4_SUBNET, hex("0a010000ffff0000")},
                 {CfgAttribute::INTERNAL_IP6_SUBNET, hex("20010db8000000000000000000000000 30")}}});
  add(PayloadType::CP,
      CpPayload{CfgType::Set, {{CfgAttribute::INTERNAL_IP4_NETMASK, hex("ffffff00")}}});
  add(PayloadType::CP, CpPayload{CfgType::Ack, {{CfgAttribute::INTERNAL_IP4_NETMASK, {}}}});
  add(PayloadType::CP, CpPayload{CfgType::Request,
                                 {{CfgAttribute::SUPPORTED_ATTRIBUTES, hex("000100030008")},
                                  {CfgAttribute::APPLICATION_VERSION, to_bytes("ikesuite")}}});
  add(PayloadType::CP,
      CpPayload{CfgType::Reply,
                {{CfgAttribute::P_CSCF_IP4_ADDRESS, hex("0a000001")},
                 {CfgAttribute::P_CSCF_IP6_ADDRESS, hex("20010db8000000000000000000000009")},
                 {CfgAttribute::INTERNAL_DNS_DOMAIN, to_bytes("example.org")}}});
  add(PayloadType::CP,
      CpPayload{static_cast<CfgType>(9), {{static_cast<CfgAttribute>(28675), to_bytes("x")}}});
  add(PayloadType::CP, CpPayload{CfgType::Request, {}});
  // EAP
  add(PayloadType::EAP, EapPayload::make(EapCode::Request, 1, EapType::Identity));
  add(PayloadType::EAP,
      EapPayload::make(EapCode::Response, 1, EapType::Identity, to_bytes("carol")));
  add(PayloadType::EAP,
      EapPayload::make(EapCode::Request, 2, EapType::MD5, cat(hex("10"), rng.bytes(16))));
  add(PayloadType::EAP, EapPayload::make(EapCode::Response, 2, EapType::Nak, hex("1a")));
  add(PayloadType::EAP, EapPayload::make(EapCode::Request, 3, EapType::MSCHAPV2, rng.bytes(30)));
  add(PayloadType::EAP, EapPayload::make(EapCode::Request, 4, EapType::TLS, hex("20")));
  add(PayloadType::EAP, EapPayload::make(EapCode::Request, 5, EapType::Expanded,
                                         cat(hex("00000900000001"), rng.bytes(6))));
  add(PayloadType::EAP, EapPayload::make(EapCode::Success, 6));
  add(PayloadType::EAP, EapPayload::make(EapCode::Failure, 6));
  add(PayloadType::EAP,
      EapPayload::make(EapCode::Initiate, 7, static_cast<EapType>(1), rng.bytes(4)));
  // SKF
  for (auto [n, t] :
       {std::pair<uint16_t, uint16_t>{1, 1}, {1, 2}, {2, 2}, {1, 5}, {3, 5}, {5, 5}, {200, 300}})
    add(PayloadType::SKF, EncryptedFragmentPayload{PayloadType::None, n, t, rng.bytes(n % 7 * 16)});
  return out;
}

Corpus build() {
  Corpus corpus;
  SeededRandom rng(2024);
  std::vector<std::pair<std::string, Message>> messages;
  for (const Message& m : samples::all_messages()) messages.emplace_back(summary(m), m);
  uint32_t id = 20;
  for (const auto& chain : samples::all_inner_chains()) {
    Message m = message(header(ExchangeType::IkeAuth, id++, false), chain);
    messages.emplace_back("clear " + summary(m), m);
  }
  std::vector<Payload> extra = extra_payloads(rng);
  // Each extra payload alone, in an INFORMATIONAL request, so the message targets see them.
  for (const Payload& p : extra) {
    Message m = message(header(ExchangeType::Informational, id++, false), {p});
    messages.emplace_back("single " + summary_label(p), m);
  }
  {
    Message m = samples::ike_sa_init_request();
    m.payloads.insert(m.payloads.begin(),
                      make_payload(static_cast<PayloadType>(54), RawPayload{rng.bytes(12)}));
    messages.emplace_back("unknown noncritical", m);
    Message c = samples::ike_sa_init_request();
    c.payloads[2].critical = true;
    messages.emplace_back("critical known", c);
    Message cookie = samples::ike_sa_init_request();
    cookie.payloads.insert(cookie.payloads.begin(), make_notify(NotifyType::COOKIE, rng.bytes(32)));
    messages.emplace_back("init with cookie", cookie);
    Message empty = message(header(ExchangeType::Informational, 9, true), {});
    messages.emplace_back("no payloads", empty);
    Message odd = samples::ike_sa_init_response();
    odd.header.flags = 0x39;
    odd.header.minor_version = 1;
    messages.emplace_back("odd flags and minor version", odd);
    Message many = message(header(ExchangeType::Informational, 11, false), {});
    for (int i = 0; i < 40; ++i)
      many.payloads.push_back(make_notify(NotifyType::ADDITIONAL_IP4_ADDRESS, rng.bytes(4)));
    messages.emplace_back("many notifies", many);
    Message vsk =
        samples::encrypted(ExchangeType::Informational, 12, false, PayloadType::Delete, 64);
    vsk.payloads.insert(vsk.payloads.begin(),
                        make_payload(PayloadType::VendorId, VendorIdPayload{rng.bytes(16)}));
    messages.emplace_back("vendor before SK", vsk);
    Message intermediate =
        samples::encrypted(ExchangeType::IkeIntermediate, 1, false, PayloadType::KE, 1300);
    messages.emplace_back("IKE_INTERMEDIATE", intermediate);
  }
  Message critical =
      message(header(ExchangeType::Informational, 13, false),
              {make_notify(NotifyType::INITIAL_CONTACT),
               make_payload(static_cast<PayloadType>(99), RawPayload{rng.bytes(6)}, true)});

  std::map<PayloadType, int> singles;
  for (const auto& [name, m] : messages) {
    Bytes bytes = serialize(m).value();
    bool single = name.rfind("single ", 0) == 0;
    if (single && ++singles[m.payloads.front().type] > 3)
      continue;  // the body targets get them all
    if (!single) {
      corpus.add("ikev2_message", label(name), bytes);
      Bytes framed = {0, 0, 0, 0};
      append(framed, bytes);
      corpus.add("ikev2_message_4500", label(name), framed);
    }
    corpus.add("ikev2_roundtrip", label(name), bytes);
  }
  Bytes crit = serialize(critical).value();
  corpus.add("ikev2_message", "unknown_critical", crit);
  corpus.add("ikev2_roundtrip", "unknown_critical", crit);
  // Non-canonical encodings: reserved bits that parse ignores and serialize clears.
  for (size_t i = 0; i < 6; ++i) {
    Bytes b = serialize(messages[i].second).value();
    b[19] |= 0x01;                     // a reserved flag bit
    if (b.size() > 29) b[29] |= 0x7f;  // the first payload's reserved bits
    corpus.add("ikev2_roundtrip", "reserved_bits_" + label(messages[i].first), b);
  }
  // On port 4500: ESP (a non-zero SPI) and NAT-keepalives, which the target skips.
  corpus.add("ikev2_message_4500", "esp", cat(hex("c1a2b3d4 00000001"), rng.bytes(48)));
  corpus.add("ikev2_message_4500", "esp_short", hex("00000001"));
  corpus.add("ikev2_message_4500", "keepalive", hex("ff"));

  // Body targets: every payload of the samples and the extras.
  auto add_body = [&](const Payload& p, const std::string& name) {
    std::string target = body_target(p.type);
    if (target.empty()) return;
    corpus.add(target, label(name), serialize_body(p.body).value());
  };
  for (const auto& [name, m] : messages)
    for (const Payload& p : m.payloads) add_body(p, summary_label(p));
  for (const auto& chain : samples::all_inner_chains())
    for (const Payload& p : chain) add_body(p, summary_label(p));
  for (const Payload& p : extra) add_body(p, summary_label(p));

  // Chain target: the first byte names the first payload, the rest is the chain.
  auto add_chain = [&](const std::vector<Payload>& chain, const std::string& name) {
    Bytes b = {static_cast<uint8_t>(chain.empty() ? PayloadType::None : chain.front().type)};
    append(b, serialize_chain(chain).value());
    corpus.add("ikev2_chain", label(name), b);
  };
  for (const auto& chain : samples::all_inner_chains()) {
    std::string name;
    for (const Payload& p : chain) name += summary_label(p) + " ";
    add_chain(chain, name);
  }
  std::map<PayloadType, int> chained;
  for (const Payload& p : extra)
    if (p.type != PayloadType::SK && p.type != PayloadType::SKF && ++chained[p.type] <= 3)
      add_chain({p}, summary_label(p));
  add_chain({}, "empty");
  return corpus;
}

}  // namespace
}  // namespace ikesuite::v2

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  fs::path root = argc > 1 ? fs::path(argv[1]) : fs::path(IKESUITE_SOURCE_DIR);
  fs::path base = root / "fuzz" / "corpus";
  auto corpus = ikesuite::v2::build();
  for (const auto& [target, seeds] : corpus.targets()) {
    fs::path dir = base / target;
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) {
      std::fprintf(stderr, "gen_corpus_ikev2: cannot create %s: %s\n", dir.c_str(),
                   ec.message().c_str());
      return 1;
    }
    for (const auto& seed : seeds) {
      std::ofstream out(dir / seed.name, std::ios::binary);
      out.write(reinterpret_cast<const char*>(seed.data.data()),
                static_cast<std::streamsize>(seed.data.size()));
      if (!out) {
        std::fprintf(stderr, "gen_corpus_ikev2: cannot write %s\n", (dir / seed.name).c_str());
        return 1;
      }
    }
    std::printf("%-22s %3zu seeds\n", target.c_str(), seeds.size());
  }
  return 0;
}
