#include "tests/wire_ikev2/samples.h"

#include "engine/base/random.h"

namespace ikesuite::v2::samples {

namespace {

Header header(ExchangeType exchange, uint32_t message_id, bool response) {
  Header h;
  h.spi_i = 0x4a1b2c3d5e6f7081ULL;
  h.spi_r = exchange == ExchangeType::IkeSaInit && !response ? 0 : 0x9c8d7e6f5a4b3c2dULL;
  h.exchange = exchange;
  // The original initiator sends the requests here; responses come from the responder.
  h.flags = response ? kFlagResponse : kFlagInitiator;
  h.message_id = message_id;
  return h;
}

Payload notify(NotifyType type, Bytes data = {}) {
  return make_notify(type, data);
}

Payload nonce(SeededRandom& rng, size_t size = 32) {
  return make_payload(PayloadType::Nonce, NoncePayload{rng.bytes(size)});
}

Payload ke(SeededRandom& rng, DhGroup group, size_t size) {
  return make_payload(PayloadType::KE, KePayload{group, rng.bytes(size)});
}

Payload id(PayloadType type, IdType id_type, Bytes data) {
  return make_payload(type, IdPayload{id_type, std::move(data)});
}

Payload auth(SeededRandom& rng, AuthMethod method, size_t size) {
  return make_payload(PayloadType::AUTH, AuthPayload{method, rng.bytes(size)});
}

Payload cp(CfgType type, std::vector<CpAttributeValue> attributes) {
  return make_payload(PayloadType::CP, CpPayload{type, std::move(attributes)});
}

Message with_sk(Header h, const std::vector<Payload>& inner, SeededRandom& rng) {
  Message m;
  m.header = h;
  // The SK body's size is what AES-CBC with HMAC-SHA2-256-128 would give for this
  // plaintext: 16-byte IV, ciphertext padded to the block with the pad length, 16-byte ICV.
  size_t plain = serialize_chain(inner).value().size() + 1;
  size_t padded = (plain + 15) / 16 * 16;
  EncryptedPayload sk;
  sk.inner_first = inner.empty() ? PayloadType::None : inner.front().type;
  sk.body = rng.bytes(16 + padded + 16);
  m.payloads.push_back(make_payload(PayloadType::SK, std::move(sk)));
  return m;
}

}  // namespace

Bytes carol_certificate() {
  // A self-signed ECDSA P-256 certificate, "C=CH, O=strongSwan, CN=carol@strongswan.org",
  // made for these samples with openssl (decoders such as Wireshark parse it).
  return hex(
      "308201d83082017da00302010202143d4f2950e4e0ab95d50d663cdf54d477ce5a3b86300a06082a8648ce3d0403"
      "0230"
      "41310b300906035504061302434831133011060355040a0c0a7374726f6e675377616e311d301b06035504030c14"
      "6361"
      "726f6c407374726f6e677377616e2e6f7267301e170d3236313132333132313034335a170d333631313230313231"
      "3034"
      "335a3041310b300906035504061302434831133011060355040a0c0a7374726f6e675377616e311d301b06035504"
      "030c"
      "146361726f6c407374726f6e677377616e2e6f72673059301306072a8648ce3d020106082a8648ce3d0301070342"
      "0004"
      "e2b9060076221bbda9da55dc19f10b6b8f6ab0963b2ce93076ece37e0896acfae8737dad22704377c02bd9445ecf"
      "cb7a"
      "946101171e9a535a1291d0c17f844a77a3533051301d0603551d0e04160414f2a74824ee508c22ae65c130a989a0"
      "2d2e"
      "f97df4301f0603551d23041830168014f2a74824ee508c22ae65c130a989a02d2ef97df4300f0603551d130101ff"
      "0405"
      "30030101ff300a06082a8648ce3d0403020349003046022100b6b0296870489cf5095aaed7314848e94b78c9e03b"
      "9f21"
      "dd13c1a4589450a50f022100b9a211e200c8a5a397ec9588c425286cee482462632657a3c90885ccefd8dc3d");
}

Bytes carol_dn() {
  // The certificate's subject, DER-encoded.
  return hex(
      "3041310b300906035504061302434831133011060355040a0c0a7374726f6e675377616e311d301b06035504030c"
      "146361726f6c407374726f6e677377616e2e6f7267");
}

SaPayload ike_proposals() {
  SaPayload sa;
  Proposal p1;
  p1.number = 1;
  p1.protocol = ProtocolId::IKE;
  p1.transforms = {
      make_transform(EncrId::AES_CBC, 256),       make_transform(EncrId::AES_CBC, 128),
      make_transform(IntegId::HMAC_SHA2_256_128), make_transform(IntegId::HMAC_SHA2_384_192),
      make_transform(PrfId::HMAC_SHA2_256),       make_transform(PrfId::HMAC_SHA2_384),
      make_transform(DhGroup::CURVE25519),        make_transform(DhGroup::ECP_256),
      make_transform(DhGroup::MODP_2048)};
  Proposal p2;
  p2.number = 2;
  p2.protocol = ProtocolId::IKE;
  p2.transforms = {
      make_transform(EncrId::AES_GCM_16, 256), make_transform(EncrId::CHACHA20_POLY1305),
      make_transform(PrfId::HMAC_SHA2_256),    make_transform(PrfId::HMAC_SHA2_512),
      make_transform(DhGroup::CURVE25519),     make_transform(DhGroup::ECP_384)};
  Proposal p3;
  p3.number = 3;
  p3.protocol = ProtocolId::IKE;
  p3.transforms = {make_transform(EncrId::AES_CBC, 128), make_transform(IntegId::HMAC_SHA1_96),
                   make_transform(PrfId::HMAC_SHA1), make_transform(DhGroup::MODP_2048)};
  sa.proposals = {p1, p2, p3};
  return sa;
}

SaPayload esp_proposals(uint32_t spi) {
  SaPayload sa;
  Proposal p1;
  p1.number = 1;
  p1.protocol = ProtocolId::ESP;
  p1.spi = spi_bytes(spi);
  p1.transforms = {make_transform(EncrId::AES_GCM_16, 256), make_transform(EncrId::AES_GCM_16, 128),
                   make_transform(EsnId::NoEsn)};
  Proposal p2;
  p2.number = 2;
  p2.protocol = ProtocolId::ESP;
  p2.spi = spi_bytes(spi);
  p2.transforms = {make_transform(EncrId::AES_CBC, 256), make_transform(IntegId::HMAC_SHA2_256_128),
                   make_transform(EsnId::Esn), make_transform(EsnId::NoEsn)};
  sa.proposals = {p1, p2};
  return sa;
}

SaPayload ike_rekey_proposal(uint64_t spi) {
  Proposal p;
  p.number = 1;
  p.protocol = ProtocolId::IKE;
  for (int shift = 56; shift >= 0; shift -= 8) p.spi.push_back(static_cast<uint8_t>(spi >> shift));
  p.transforms = {make_transform(EncrId::AES_CBC, 256), make_transform(IntegId::HMAC_SHA2_256_128),
                  make_transform(PrfId::HMAC_SHA2_256), make_transform(DhGroup::CURVE25519)};
  SaPayload sa;
  sa.proposals = {p};
  return sa;
}

TsPayload ts(std::initializer_list<const char*> subnets) {
  TsPayload out;
  for (const char* s : subnets)
    out.selectors.push_back(TrafficSelector::from_subnet(Subnet::parse(s).value()));
  return out;
}

Message ike_sa_init_request(uint64_t seed) {
  SeededRandom rng(seed);
  Message m;
  m.header = header(ExchangeType::IkeSaInit, 0, false);
  const HashAlgorithm hashes[] = {HashAlgorithm::SHA2_256, HashAlgorithm::SHA2_384,
                                  HashAlgorithm::SHA2_512, HashAlgorithm::IDENTITY};
  m.payloads = {make_payload(PayloadType::SA, ike_proposals()),
                ke(rng, DhGroup::MODP_2048, 256),
                nonce(rng),
                notify(NotifyType::NAT_DETECTION_SOURCE_IP, rng.bytes(20)),
                notify(NotifyType::NAT_DETECTION_DESTINATION_IP, rng.bytes(20)),
                notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED),
                make_signature_hash_algorithms(hashes),
                notify(NotifyType::REDIRECT_SUPPORTED)};
  return m;
}

Message ike_sa_init_response(uint64_t seed) {
  SeededRandom rng(seed);
  Message m;
  m.header = header(ExchangeType::IkeSaInit, 0, true);
  Proposal chosen;
  chosen.number = 1;
  chosen.protocol = ProtocolId::IKE;
  chosen.transforms = {make_transform(EncrId::AES_CBC, 256),
                       make_transform(IntegId::HMAC_SHA2_256_128),
                       make_transform(PrfId::HMAC_SHA2_256), make_transform(DhGroup::MODP_2048)};
  SaPayload sa;
  sa.proposals = {chosen};
  const HashAlgorithm hashes[] = {HashAlgorithm::SHA2_256, HashAlgorithm::SHA2_384,
                                  HashAlgorithm::SHA2_512, HashAlgorithm::IDENTITY};
  m.payloads = {
      make_payload(PayloadType::SA, sa), ke(rng, DhGroup::MODP_2048, 256), nonce(rng),
      notify(NotifyType::NAT_DETECTION_SOURCE_IP, rng.bytes(20)),
      notify(NotifyType::NAT_DETECTION_DESTINATION_IP, rng.bytes(20)),
      make_payload(PayloadType::CERTREQ,
                   CertReqPayload{CertEncoding::X509_SIGNATURE, rng.bytes(40)}),
      notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED), make_signature_hash_algorithms(hashes),
      notify(NotifyType::CHILDLESS_IKEV2_SUPPORTED), notify(NotifyType::MULTIPLE_AUTH_SUPPORTED),
      // strongSwan's vendor ID, MD5("strongSwan")
      make_payload(PayloadType::VendorId,
                   VendorIdPayload{hex("882fe56d6fd20dbc2251613b2ebe5beb")})};
  return m;
}

Message ike_sa_init_invalid_ke() {
  Message m;
  m.header = header(ExchangeType::IkeSaInit, 0, true);
  m.header.spi_r = 0;
  m.payloads = {make_invalid_ke_payload(DhGroup::ECP_256)};
  return m;
}

Message ike_sa_init_cookie() {
  SeededRandom rng(11);
  Message m;
  m.header = header(ExchangeType::IkeSaInit, 0, true);
  m.header.spi_r = 0;
  m.payloads = {notify(NotifyType::COOKIE, rng.bytes(36))};
  return m;
}

std::vector<Payload> ike_auth_request_inner(uint64_t seed) {
  SeededRandom rng(seed);
  return {id(PayloadType::IDi, IdType::RFC822_ADDR, to_bytes("carol@strongswan.org")),
          notify(NotifyType::INITIAL_CONTACT),
          id(PayloadType::IDr, IdType::FQDN, to_bytes("moon.strongswan.org")),
          auth(rng, AuthMethod::PSK, 32),
          cp(CfgType::Request,
             {{CfgAttribute::INTERNAL_IP4_ADDRESS, {}}, {CfgAttribute::INTERNAL_IP4_DNS, {}}}),
          make_payload(PayloadType::SA, esp_proposals(0xc1a2b3d4)),
          make_payload(PayloadType::TSi, ts({"0.0.0.0/0", "::/0"})),
          make_payload(PayloadType::TSr, ts({"10.1.0.0/16", "2001:db8:1::/48"})),
          notify(NotifyType::MOBIKE_SUPPORTED),
          notify(NotifyType::NO_ADDITIONAL_ADDRESSES),
          notify(NotifyType::EAP_ONLY_AUTHENTICATION),
          notify(NotifyType::IKEV2_MESSAGE_ID_SYNC_SUPPORTED)};
}

std::vector<Payload> ike_auth_response_inner(uint64_t seed) {
  SeededRandom rng(seed);
  SaPayload chosen;
  chosen.proposals = {esp_proposals(0xd4e5f607).proposals[0]};
  chosen.proposals[0].transforms = {make_transform(EncrId::AES_GCM_16, 256),
                                    make_transform(EsnId::NoEsn)};
  return {id(PayloadType::IDr, IdType::FQDN, to_bytes("moon.strongswan.org")),
          auth(rng, AuthMethod::PSK, 32),
          cp(CfgType::Reply, {{CfgAttribute::INTERNAL_IP4_ADDRESS, hex("0a030001")},
                              {CfgAttribute::INTERNAL_IP4_DNS, hex("0a010001")}}),
          make_payload(PayloadType::SA, chosen),
          make_payload(PayloadType::TSi, ts({"10.3.0.1/32"})),
          make_payload(PayloadType::TSr, ts({"10.1.0.0/16"})),
          notify(NotifyType::MOBIKE_SUPPORTED),
          notify(NotifyType::NO_ADDITIONAL_ADDRESSES)};
}

std::vector<Payload> ike_auth_cert_inner(uint64_t seed) {
  SeededRandom rng(seed);
  // RFC 7427 §3: the AUTH data starts with the length of an AlgorithmIdentifier
  // (ecdsa-with-SHA256) and the identifier; the signature value follows.
  Bytes sig = hex("0c 300a06082a8648ce3d040302");
  append(sig, rng.bytes(72));
  return {id(PayloadType::IDi, IdType::DER_ASN1_DN, carol_dn()),
          make_payload(PayloadType::CERT,
                       CertPayload{CertEncoding::X509_SIGNATURE, carol_certificate()}),
          make_payload(PayloadType::CERTREQ,
                       CertReqPayload{CertEncoding::X509_SIGNATURE, rng.bytes(20)}),
          id(PayloadType::IDr, IdType::IPV4_ADDR, hex("c0a80001")),
          make_payload(PayloadType::AUTH, AuthPayload{AuthMethod::DIGITAL_SIGNATURE, sig}),
          make_payload(PayloadType::SA, esp_proposals(0x01020304)),
          make_payload(PayloadType::TSi, ts({"10.3.0.0/24"})),
          make_payload(PayloadType::TSr, ts({"10.1.0.0/16", "10.2.0.0/16"}))};
}

std::vector<Payload> eap_request_identity_inner() {
  return {make_payload(PayloadType::EAP, EapPayload::make(EapCode::Request, 1, EapType::Identity))};
}

std::vector<Payload> eap_response_identity_inner() {
  return {make_payload(PayloadType::EAP, EapPayload::make(EapCode::Response, 1, EapType::Identity,
                                                          to_bytes("carol")))};
}

std::vector<Payload> eap_success_inner() {
  return {make_payload(PayloadType::EAP, EapPayload::make(EapCode::Success, 2))};
}

std::vector<Payload> create_child_sa_rekey_inner(uint64_t seed) {
  SeededRandom rng(seed);
  return {make_rekey_sa(ProtocolId::ESP, 0xc1a2b3d4),
          make_payload(PayloadType::SA, esp_proposals(0xe5f60718)),
          nonce(rng),
          ke(rng, DhGroup::CURVE25519, 32),
          make_payload(PayloadType::TSi, ts({"10.3.0.1/32"})),
          make_payload(PayloadType::TSr, ts({"10.1.0.0/16"}))};
}

std::vector<Payload> create_child_sa_ike_rekey_inner(uint64_t seed) {
  SeededRandom rng(seed);
  return {make_payload(PayloadType::SA, ike_rekey_proposal(0x0123456789abcdefULL)), nonce(rng),
          ke(rng, DhGroup::CURVE25519, 32)};
}

std::vector<Payload> informational_delete_child_inner() {
  const uint32_t spis[] = {0xc1a2b3d4, 0xe5f60718};
  return {make_delete(ProtocolId::ESP, spis)};
}

std::vector<Payload> informational_delete_ike_inner() {
  return {make_delete_ike()};
}

std::vector<Payload> informational_mobike_inner(uint64_t seed) {
  SeededRandom rng(seed);
  return {notify(NotifyType::UPDATE_SA_ADDRESSES),
          notify(NotifyType::NAT_DETECTION_SOURCE_IP, rng.bytes(20)),
          notify(NotifyType::NAT_DETECTION_DESTINATION_IP, rng.bytes(20))};
}

Message encrypted(ExchangeType exchange, uint32_t message_id, bool response,
                  PayloadType inner_first, size_t body_size, uint64_t seed) {
  SeededRandom rng(seed);
  Message m;
  m.header = header(exchange, message_id, response);
  m.payloads = {make_payload(PayloadType::SK, EncryptedPayload{inner_first, rng.bytes(body_size)})};
  return m;
}

Message fragment(uint16_t number, uint16_t total, size_t body_size, uint64_t seed) {
  SeededRandom rng(seed + number);
  Message m;
  m.header = header(ExchangeType::IkeAuth, 1, false);
  EncryptedFragmentPayload f;
  f.inner_first = number == 1 ? PayloadType::IDi : PayloadType::None;
  f.fragment_number = number;
  f.total_fragments = total;
  f.body = rng.bytes(body_size);
  m.payloads = {make_payload(PayloadType::SKF, std::move(f))};
  return m;
}

std::vector<Message> all_messages() {
  SeededRandom rng(42);
  std::vector<Message> out = {ike_sa_init_request(), ike_sa_init_response(),
                              ike_sa_init_invalid_ke(), ike_sa_init_cookie()};
  out.push_back(with_sk(header(ExchangeType::IkeAuth, 1, false), ike_auth_request_inner(), rng));
  out.push_back(with_sk(header(ExchangeType::IkeAuth, 1, true), ike_auth_response_inner(), rng));
  out.push_back(with_sk(header(ExchangeType::IkeAuth, 1, false), ike_auth_cert_inner(), rng));
  out.push_back(with_sk(header(ExchangeType::IkeAuth, 2, true), eap_request_identity_inner(), rng));
  out.push_back(
      with_sk(header(ExchangeType::IkeAuth, 2, false), eap_response_identity_inner(), rng));
  out.push_back(with_sk(header(ExchangeType::IkeAuth, 3, true), eap_success_inner(), rng));
  out.push_back(
      with_sk(header(ExchangeType::CreateChildSa, 2, false), create_child_sa_rekey_inner(), rng));
  out.push_back(with_sk(header(ExchangeType::CreateChildSa, 3, false),
                        create_child_sa_ike_rekey_inner(), rng));
  out.push_back(with_sk(header(ExchangeType::Informational, 4, false),
                        informational_delete_child_inner(), rng));
  out.push_back(with_sk(header(ExchangeType::Informational, 5, false),
                        informational_delete_ike_inner(), rng));
  out.push_back(with_sk(header(ExchangeType::Informational, 6, false), {}, rng));
  out.push_back(
      with_sk(header(ExchangeType::Informational, 7, true), informational_mobike_inner(), rng));
  for (uint16_t i = 1; i <= 3; ++i) out.push_back(fragment(i, 3, 400));
  return out;
}

std::vector<std::vector<Payload>> all_inner_chains() {
  return {ike_auth_request_inner(),
          ike_auth_response_inner(),
          ike_auth_cert_inner(),
          eap_request_identity_inner(),
          eap_response_identity_inner(),
          eap_success_inner(),
          create_child_sa_rekey_inner(),
          create_child_sa_ike_rekey_inner(),
          informational_delete_child_inner(),
          informational_delete_ike_inner(),
          informational_mobike_inner()};
}

}  // namespace ikesuite::v2::samples
