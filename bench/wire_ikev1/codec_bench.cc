// ISAKMP/IKEv1 codec throughput, in messages per second (items_per_second):
//  - Main Mode message 1: SA with one proposal of four transforms, five vendor IDs
//  - Main Mode message 3: KE (256 bytes), nonce, two NAT-D
//  - Quick Mode message 1 in clear: HASH SA Nonce KE ID ID (the decrypted body, padded to
//    the AES block size, parsed as the engine does with parse_chain)
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "engine/wire/ikev1/message.h"
#include "tests/wire_ikev1/samples.h"

namespace {

using namespace ikesuite;
using namespace ikesuite::v1;

Bytes wire_of(const Message& m) {
  auto bytes = serialize(m);
  if (!bytes.ok()) std::abort();
  return *bytes;
}

void parse_message(benchmark::State& state, const Message& sample) {
  Bytes wire = wire_of(sample);
  for (auto _ : state) {
    auto m = parse(wire);
    if (!m.ok()) std::abort();
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}

void serialize_message(benchmark::State& state, const Message& sample) {
  size_t size = wire_of(sample).size();
  for (auto _ : state) {
    auto bytes = serialize(sample);
    if (!bytes.ok()) std::abort();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void BM_ParseMainMode1(benchmark::State& state) { parse_message(state, samples::main_mode_1()); }
void BM_SerializeMainMode1(benchmark::State& state) {
  serialize_message(state, samples::main_mode_1());
}
void BM_ParseMainMode3(benchmark::State& state) { parse_message(state, samples::main_mode_3()); }
void BM_SerializeMainMode3(benchmark::State& state) {
  serialize_message(state, samples::main_mode_3());
}

void BM_ParseQuickModeBody(benchmark::State& state) {
  auto inner = samples::quick_mode_1_inner();
  auto plain = serialize_chain(inner);
  if (!plain.ok()) std::abort();
  Bytes padded = samples::pad_to_block(*plain, 16);
  ParseOptions options;
  options.allow_padding = true;
  for (auto _ : state) {
    auto chain = parse_chain(PayloadType::HASH, padded, Header::kSize, options);
    if (!chain.ok()) std::abort();
    benchmark::DoNotOptimize(chain);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * padded.size()));
}

void BM_SerializeQuickModeBody(benchmark::State& state) {
  auto inner = samples::quick_mode_1_inner();
  size_t size = 0;
  if (auto plain = serialize_chain(inner); plain.ok()) size = plain->size();
  for (auto _ : state) {
    auto bytes = serialize_chain(inner);
    if (!bytes.ok()) std::abort();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

BENCHMARK(BM_ParseMainMode1);
BENCHMARK(BM_SerializeMainMode1);
BENCHMARK(BM_ParseMainMode3);
BENCHMARK(BM_SerializeMainMode3);
BENCHMARK(BM_ParseQuickModeBody);
BENCHMARK(BM_SerializeQuickModeBody);

}  // namespace
