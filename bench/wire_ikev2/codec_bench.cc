// Parse and serialize throughput of the IKEv2 codec on two representative messages:
//  - IKE_SA_INIT request: an SA with three IKE proposals (19 transforms), a 256-byte KE
//    (MODP-2048), a 32-byte nonce, NAT detection, fragmentation, hash algorithm and redirect
//    notifies (612 bytes, like charon's);
//  - IKE_AUTH request: an SK payload with a 300-byte opaque body (IV, ciphertext, ICV), and
//    the parse of its decrypted plaintext (IDi, AUTH, CP, SA, TSi, TSr and notifies).
// Throughput is reported as items (messages) per second and bytes per second.
#include <benchmark/benchmark.h>

#include "engine/base/random.h"
#include "engine/wire/ikev2/message.h"

namespace ikesuite::v2 {
namespace {

Header header(ExchangeType exchange, uint32_t id) {
  Header h;
  h.spi_i = 0x4a1b2c3d5e6f7081ULL;
  h.spi_r = exchange == ExchangeType::IkeSaInit ? 0 : 0x9c8d7e6f5a4b3c2dULL;
  h.exchange = exchange;
  h.flags = kFlagInitiator;
  h.message_id = id;
  return h;
}

Message ike_sa_init_request() {
  SeededRandom rng(1);
  Proposal p1{1,
              ProtocolId::IKE,
              {},
              {make_transform(EncrId::AES_CBC, 256), make_transform(EncrId::AES_CBC, 128),
               make_transform(IntegId::HMAC_SHA2_256_128),
               make_transform(IntegId::HMAC_SHA2_384_192), make_transform(PrfId::HMAC_SHA2_256),
               make_transform(PrfId::HMAC_SHA2_384), make_transform(DhGroup::CURVE25519),
               make_transform(DhGroup::ECP_256), make_transform(DhGroup::MODP_2048)}};
  Proposal p2{2,
              ProtocolId::IKE,
              {},
              {make_transform(EncrId::AES_GCM_16, 256), make_transform(EncrId::CHACHA20_POLY1305),
               make_transform(PrfId::HMAC_SHA2_256), make_transform(PrfId::HMAC_SHA2_512),
               make_transform(DhGroup::CURVE25519), make_transform(DhGroup::ECP_384)}};
  Proposal p3{3,
              ProtocolId::IKE,
              {},
              {make_transform(EncrId::AES_CBC, 128), make_transform(IntegId::HMAC_SHA1_96),
               make_transform(PrfId::HMAC_SHA1), make_transform(DhGroup::MODP_2048)}};
  const HashAlgorithm hashes[] = {HashAlgorithm::SHA2_256, HashAlgorithm::SHA2_384,
                                  HashAlgorithm::SHA2_512, HashAlgorithm::IDENTITY};
  Message m;
  m.header = header(ExchangeType::IkeSaInit, 0);
  m.payloads = {make_payload(PayloadType::SA, SaPayload{{p1, p2, p3}}),
                make_payload(PayloadType::KE, KePayload{DhGroup::MODP_2048, rng.bytes(256)}),
                make_payload(PayloadType::Nonce, NoncePayload{rng.bytes(32)}),
                make_notify(NotifyType::NAT_DETECTION_SOURCE_IP, rng.bytes(20)),
                make_notify(NotifyType::NAT_DETECTION_DESTINATION_IP, rng.bytes(20)),
                make_notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED),
                make_signature_hash_algorithms(hashes),
                make_notify(NotifyType::REDIRECT_SUPPORTED)};
  return m;
}

Message ike_auth_request() {
  SeededRandom rng(2);
  Message m;
  m.header = header(ExchangeType::IkeAuth, 1);
  m.payloads = {make_payload(PayloadType::SK, EncryptedPayload{PayloadType::IDi, rng.bytes(300)})};
  return m;
}

std::vector<Payload> ike_auth_plaintext() {
  SeededRandom rng(3);
  Proposal esp1{1,
                ProtocolId::ESP,
                spi_bytes(0xc1a2b3d4),
                {make_transform(EncrId::AES_GCM_16, 256), make_transform(EsnId::NoEsn)}};
  Proposal esp2{2,
                ProtocolId::ESP,
                spi_bytes(0xc1a2b3d4),
                {make_transform(EncrId::AES_CBC, 256), make_transform(IntegId::HMAC_SHA2_256_128),
                 make_transform(EsnId::NoEsn)}};
  return {make_payload(PayloadType::IDi,
                       IdPayload{IdType::RFC822_ADDR, to_bytes("carol@strongswan.org")}),
          make_notify(NotifyType::INITIAL_CONTACT),
          make_payload(PayloadType::IDr, IdPayload{IdType::FQDN, to_bytes("moon.strongswan.org")}),
          make_payload(PayloadType::AUTH, AuthPayload{AuthMethod::PSK, rng.bytes(32)}),
          make_payload(PayloadType::CP, CpPayload{CfgType::Request,
                                                  {{CfgAttribute::INTERNAL_IP4_ADDRESS, {}},
                                                   {CfgAttribute::INTERNAL_IP4_DNS, {}}}}),
          make_payload(PayloadType::SA, SaPayload{{esp1, esp2}}),
          make_payload(PayloadType::TSi,
                       TsPayload{{TrafficSelector::from_subnet(*Subnet::parse("0.0.0.0/0"))}}),
          make_payload(PayloadType::TSr,
                       TsPayload{{TrafficSelector::from_subnet(*Subnet::parse("10.1.0.0/16"))}}),
          make_notify(NotifyType::MOBIKE_SUPPORTED),
          make_notify(NotifyType::NO_ADDITIONAL_ADDRESSES)};
}

void parse_message(benchmark::State& state, const Message& m) {
  const Bytes bytes = serialize(m).value();
  for (auto _ : state) {
    auto parsed = parse(bytes);
    if (!parsed.ok()) {
      state.SkipWithError(parsed.error().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["message_bytes"] = static_cast<double>(bytes.size());
}

void serialize_message(benchmark::State& state, const Message& m) {
  size_t size = 0;
  for (auto _ : state) {
    auto bytes = serialize(m);
    if (!bytes.ok()) {
      state.SkipWithError(bytes.error().message().c_str());
      break;
    }
    size = bytes->size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  state.counters["message_bytes"] = static_cast<double>(size);
}

void BM_ParseIkeSaInitRequest(benchmark::State& state) {
  parse_message(state, ike_sa_init_request());
}
void BM_SerializeIkeSaInitRequest(benchmark::State& state) {
  serialize_message(state, ike_sa_init_request());
}
void BM_ParseIkeAuthRequest(benchmark::State& state) {
  parse_message(state, ike_auth_request());
}
void BM_SerializeIkeAuthRequest(benchmark::State& state) {
  serialize_message(state, ike_auth_request());
}

void BM_ParseIkeAuthPlaintext(benchmark::State& state) {
  const auto inner = ike_auth_plaintext();
  const Bytes bytes = serialize_chain(inner).value();
  for (auto _ : state) {
    auto parsed = parse_chain(PayloadType::IDi, bytes, Header::kSize + 4);
    if (!parsed.ok()) {
      state.SkipWithError(parsed.error().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}

void BM_SummaryIkeSaInitRequest(benchmark::State& state) {
  const Message m = ike_sa_init_request();
  for (auto _ : state) benchmark::DoNotOptimize(summary(m));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

BENCHMARK(BM_ParseIkeSaInitRequest);
BENCHMARK(BM_SerializeIkeSaInitRequest);
BENCHMARK(BM_ParseIkeAuthRequest);
BENCHMARK(BM_SerializeIkeAuthRequest);
BENCHMARK(BM_ParseIkeAuthPlaintext);
BENCHMARK(BM_SummaryIkeSaInitRequest);

}  // namespace
}  // namespace ikesuite::v2
