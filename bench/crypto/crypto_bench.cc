// What IKE's cryptography costs per operation: key pair generation and shared secret for each
// commonly negotiated group, prf+ for a typical IKE SA key schedule, SK payload sealing and
// opening, and AUTH signatures. Informative only: no threshold is asserted.
#include <benchmark/benchmark.h>

#include "engine/crypto/dh.h"
#include "engine/crypto/ikev2_keys.h"
#include "engine/crypto/random.h"
#include "engine/crypto/signature.h"
#include "engine/crypto/sk.h"

namespace ikesuite::crypto {
namespace {

const v2::DhGroup kGroups[] = {
    v2::DhGroup::MODP_2048, v2::DhGroup::MODP_3072, v2::DhGroup::MODP_8192,  v2::DhGroup::ECP_256,
    v2::DhGroup::ECP_384,   v2::DhGroup::ECP_521,   v2::DhGroup::CURVE25519, v2::DhGroup::CURVE448};

void BM_KeyExchange(benchmark::State& state) {
  const v2::DhGroup g = kGroups[state.range(0)];
  state.SetLabel(v2::to_string(g));
  SeededRandom rng(1);
  auto peer = KeyExchange::create(g, rng);
  if (!peer.ok()) {
    state.SkipWithError(peer.error().message().c_str());
    return;
  }
  for (auto _ : state) {
    auto kx = KeyExchange::create(g, rng);
    auto secret = (*kx)->shared_secret((*peer)->public_value());
    benchmark::DoNotOptimize(secret);
  }
}
BENCHMARK(BM_KeyExchange)->DenseRange(0, std::size(kGroups) - 1)->Unit(benchmark::kMicrosecond);

void BM_IkeSaKeySchedule(benchmark::State& state) {
  auto prf = Prf::create(static_cast<v2::PrfId>(state.range(0)));
  state.SetLabel(v2::to_string(prf->id()));
  const Bytes ni(32, 1), nr(32, 2), gir(256, 3);
  for (auto _ : state) {
    auto seed = skeyseed(*prf, ni, nr, gir);
    auto keys = derive_ike_sa_keys(*prf, *seed, ni, nr, 1, 2, 32, 32);
    benchmark::DoNotOptimize(keys);
  }
}
BENCHMARK(BM_IkeSaKeySchedule)
    ->Arg(static_cast<int>(v2::PrfId::HMAC_SHA2_256))
    ->Arg(static_cast<int>(v2::PrfId::HMAC_SHA2_512))
    ->Arg(static_cast<int>(v2::PrfId::AES128_XCBC));

void BM_SkSealOpen(benchmark::State& state) {
  const bool aead = state.range(0) == 1;
  SkSuite suite{*Cipher::create(aead ? v2::EncrId::AES_GCM_16 : v2::EncrId::AES_CBC, 256),
                std::nullopt};
  if (!aead) suite.integ = *Integrity::create(v2::IntegId::HMAC_SHA2_256_128);
  state.SetLabel(aead ? "AES_GCM_16_256" : "AES_CBC_256/HMAC_SHA2_256_128");
  SkKeys keys{Bytes(suite.cipher.key_size(), 1), Bytes(aead ? 0 : 32, 2)};
  SeededRandom rng(2);
  const Bytes prefix(32, 0), inner(static_cast<size_t>(state.range(1)), 7);
  for (auto _ : state) {
    auto body = seal(suite, keys, prefix, inner, rng);
    auto back = open(suite, keys, prefix, *body);
    benchmark::DoNotOptimize(back);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(1));
}
BENCHMARK(BM_SkSealOpen)->ArgsProduct({{0, 1}, {200, 1200}});

}  // namespace
}  // namespace ikesuite::crypto
