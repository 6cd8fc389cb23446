// What the IKEv2 reference engine costs, in sim mode on one core (virtual clock, simulated
// network, memory SA backend, PSK authentication, AES-GCM-16-128 with PRF-HMAC-SHA2-256):
//
//  - BM_Handshake/<group>: complete IKE_SA_INIT + IKE_AUTH exchanges (IKE SA and its first
//    Child SA installed at both ends) per second between two engines. Beside it, in the same
//    run, BM_OpenSslKeyExchange/<group> times the key exchange work one handshake needs done
//    by OpenSSL alone (a key pair and a shared secret for each side), and
//    BM_EngineKeyExchange/<group> the same work through engine/crypto's KeyExchange (public
//    value encoding and peer value checks included). BM_Handshake's counters carry the
//    comparison, all in CPU time of the benchmark thread: handshake_us per handshake, dh_us
//    OpenSSL's cost of the key exchange work of one handshake, and engine_per_dh their ratio
//    (1.0 would mean that the key exchange is all a handshake costs).
//  - BM_MemoryPerSa/<n>: one responder holding n established IKE SAs, each with one Child SA,
//    set up by n initiator hosts in turn (each initiator is torn down once its SAs are up, so
//    only the responder's state remains). bytes_per_sa is the growth of the heap in use
//    (mallinfo2) per SA, rss_bytes_per_sa the growth of the resident set (/proc/self/statm),
//    both with the responder's SA backend included. first_handshake_us and last_handshake_us
//    are the CPU time of a handshake among the first and the last tenth of them: how the
//    responder's cost per new SA grows with the SAs it already holds.
//
// A benchmark, not a test: no threshold is asserted. 10,000 SAs run by default; more with
//   bench_ikev2 --ikev2_sas=10000,100000 [benchmark flags]
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/log.h"
#include "engine/base/random.h"
#include "engine/clock/event_loop.h"
#include "engine/crypto/dh.h"
#include "engine/ikev2/engine.h"
#include "engine/net/sim_network.h"
#include "engine/sa/memory_backend.h"

namespace ikesuite::ikev2 {
namespace {

struct Group {
  v2::DhGroup id;
  const char* ossl_type;   // EVP_PKEY algorithm
  const char* ossl_group;  // OSSL_PKEY_PARAM_GROUP_NAME, or nullptr
  int exponent_bits;       // MODP: the private exponent length engine/crypto draws (dh.cc)
};

const Group kGroups[] = {
    {v2::DhGroup::MODP_2048, "DH", "modp_2048", 320},
    {v2::DhGroup::MODP_3072, "DH", "modp_3072", 424},
    {v2::DhGroup::ECP_256, "EC", "P-256", 0},
    {v2::DhGroup::ECP_384, "EC", "P-384", 0},
    {v2::DhGroup::CURVE25519, "X25519", nullptr, 0},
};

// --- OpenSSL alone -------------------------------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

Pkey ossl_keygen(const Group& g) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, g.ossl_type, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0) return nullptr;
  if (g.ossl_group) {
    // The same exponent length as the engine's (OpenSSL would otherwise draw a full-length
    // one for the RFC 3526 groups, several times the work).
    int bits = g.exponent_bits;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                         const_cast<char*>(g.ossl_group), 0),
        bits ? OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &bits)
             : OSSL_PARAM_construct_end(),
        OSSL_PARAM_construct_end()};
    if (EVP_PKEY_CTX_set_params(ctx.get(), params) <= 0) return nullptr;
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &key) <= 0) return nullptr;
  return Pkey(key);
}

// The shared secret's length, 0 on failure.
size_t ossl_derive(EVP_PKEY* mine, EVP_PKEY* peer, unsigned char* out, size_t capacity) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine, nullptr));
  size_t len = capacity;
  // No public key check by OpenSSL: for the safe-prime groups it is a full-length
  // exponentiation (y^q mod p) that neither the engine nor RFC 7296 asks for; engine/crypto
  // does its own cheap range checks, which BM_EngineKeyExchange includes.
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 0) <= 0 ||
      EVP_PKEY_derive(ctx.get(), out, &len) <= 0)
    return 0;
  return len;
}

// The key exchange work of one IKE_SA_INIT done by OpenSSL alone: a key pair for each side
// and the shared secret computed by each. False on any failure.
bool ossl_handshake_dh(const Group& g) {
  Pkey a = ossl_keygen(g);
  Pkey b = ossl_keygen(g);
  if (!a || !b) return false;
  unsigned char s1[512], s2[512];
  size_t n1 = ossl_derive(a.get(), b.get(), s1, sizeof s1);
  size_t n2 = ossl_derive(b.get(), a.get(), s2, sizeof s2);
  benchmark::DoNotOptimize(s1);
  benchmark::DoNotOptimize(s2);
  return n1 != 0 && n1 == n2 && std::memcmp(s1, s2, n1) == 0;
}

// CPU seconds of this thread: what the handshake rates are computed from too, and unlike the
// wall clock not inflated when other processes share the core.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// CPU seconds of OpenSSL key exchange work per handshake, timed over at least `budget` s.
double ossl_dh_seconds(const Group& g, double budget) {
  const double start = thread_cpu_seconds();
  size_t n = 0;
  while (thread_cpu_seconds() - start < budget || n < 5) {
    if (!ossl_handshake_dh(g)) return 0;
    ++n;
  }
  return (thread_cpu_seconds() - start) / static_cast<double>(n);
}

void BM_OpenSslKeyExchange(benchmark::State& state) {
  const Group& g = kGroups[state.range(0)];
  state.SetLabel(std::string(v2::to_string(g.id)) + " (2 key pairs + 2 shared secrets)");
  for (auto _ : state) {
    if (!ossl_handshake_dh(g)) {
      state.SkipWithError("OpenSSL key exchange failed");
      return;
    }
  }
}

// The same work through engine/crypto, as the engine does it.
void BM_EngineKeyExchange(benchmark::State& state) {
  const Group& g = kGroups[state.range(0)];
  state.SetLabel(std::string(v2::to_string(g.id)) + " (2 key pairs + 2 shared secrets)");
  SeededRandom rng(7);
  for (auto _ : state) {
    auto a = crypto::KeyExchange::create(g.id, rng);
    auto b = crypto::KeyExchange::create(g.id, rng);
    if (!a.ok() || !b.ok()) {
      state.SkipWithError("key pair generation failed");
      return;
    }
    auto s1 = (*a)->shared_secret((*b)->public_value());
    auto s2 = (*b)->shared_secret((*a)->public_value());
    if (!s1.ok() || !s2.ok() || *s1 != *s2) {
      state.SkipWithError("shared secrets differ");
      return;
    }
    benchmark::DoNotOptimize(s1);
  }
}

// --- two engines ---------------------------------------------------------------------------

v2::Proposal ike_proposal(v2::DhGroup group) {
  v2::Proposal p;
  p.protocol = v2::ProtocolId::IKE;
  p.transforms = {v2::make_transform(v2::EncrId::AES_GCM_16, 128),
                  v2::make_transform(v2::PrfId::HMAC_SHA2_256), v2::make_transform(group)};
  return p;
}

v2::Proposal esp_proposal() {
  v2::Proposal p;
  p.protocol = v2::ProtocolId::ESP;
  p.transforms = {v2::make_transform(v2::EncrId::AES_GCM_16, 128),
                  v2::make_transform(v2::EsnId::NoEsn)};
  return p;
}

Credentials psk() {
  Credentials c;
  SharedKey k;  // no ids: serves every pair of identities
  k.secret = to_bytes("benchmark-secret");
  c.shared_keys.push_back(k);
  return c;
}

// The initiator's side of net-net (or of a roadwarrior when `local_ts` is empty: its address).
PeerConfig initiator_config(const std::string& name, const IpAddress& me, const IpAddress& peer,
                            const std::string& my_id, v2::DhGroup group,
                            std::vector<Subnet> local_ts) {
  PeerConfig c;
  c.name = name;
  c.local_addr = me;
  c.remote_addr = peer;
  c.local.id = *Identity::parse(my_id);
  c.remote.id = *Identity::parse("sun.strongswan.org");
  c.ike_proposals = {ike_proposal(group)};
  ChildConfig child;
  child.name = name;
  child.local_ts = std::move(local_ts);
  child.remote_ts = {*Subnet::parse("10.2.0.0/16")};
  child.esp_proposals = {esp_proposal()};
  c.children.push_back(child);
  return c;
}

// sun's side: net-net with moon when `peer` is given, otherwise a roadwarrior connection that
// accepts any initiator (and puts the initiator's own address in its traffic selector).
PeerConfig responder_config(const IpAddress& me, std::optional<IpAddress> peer,
                            v2::DhGroup group) {
  PeerConfig c;
  c.name = peer ? "net-net" : "rw";
  c.local_addr = me;
  if (peer) c.remote_addr = *peer;
  c.local.id = *Identity::parse("sun.strongswan.org");
  c.remote.id = *Identity::parse(peer ? "moon.strongswan.org" : "%any");
  c.ike_proposals = {ike_proposal(group)};
  ChildConfig child;
  child.name = c.name;
  child.local_ts = {*Subnet::parse("10.2.0.0/16")};
  if (peer) child.remote_ts = {*Subnet::parse("10.1.0.0/16")};
  child.esp_proposals = {esp_proposal()};
  c.children.push_back(child);
  return c;
}

// One host: an engine on the simulated network with a memory SA backend.
struct Host {
  Host(clock::VirtualEventLoop& loop, net::SimNetwork& net, const std::string& name,
       const IpAddress& address, uint64_t seed)
      : rng(seed), memory(loop, loop, rng) {
    auto t = net.attach(name, {address});
    if (!t.ok()) return;
    transport = std::move(*t);
    Env env{loop, loop, rng, log, memory, *transport, nullptr};
    engine = std::make_unique<Engine>(env, Settings{}, psk());
    Engine* e = engine.get();
    transport->set_receiver([e](const net::Datagram& d) { e->on_datagram(d); });
    memory.set_expire_handler([e](const sa::ExpireEvent& ev) { e->on_expire(ev); });
  }
  ~Host() {
    engine.reset();  // before the transport and the backend it uses
    transport.reset();
  }
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  SeededRandom rng;
  NullLogger log;
  sa::MemoryBackend memory;
  std::unique_ptr<net::Transport> transport;
  std::unique_ptr<Engine> engine;
};

// Runs the loop until no datagram is in flight (an exchange has run its course).
void settle(clock::VirtualEventLoop& loop, net::SimNetwork& net) {
  while (net.in_flight() > 0 && loop.step()) {
  }
}

// Established IKE SAs whose Child SAs are all installed.
size_t established(const Engine& e) {
  size_t n = 0;
  for (const IkeSa* ike : e.ike_sas()) {
    if (ike->state != IkeSaState::Established || ike->children.empty()) continue;
    bool installed = true;
    for (const auto& c : ike->children) installed &= c->state == ChildSaState::Installed;
    n += installed;
  }
  return n;
}

void BM_Handshake(benchmark::State& state) {
  const Group& g = kGroups[state.range(0)];
  state.SetLabel(std::string(v2::to_string(g.id)));
  // Timed once per group (the library calls this function several times while it sizes
  // the run).
  static double dh_cache[std::size(kGroups)] = {};
  double& dh_seconds = dh_cache[state.range(0)];
  if (dh_seconds <= 0) dh_seconds = ossl_dh_seconds(g, 0.3);
  if (dh_seconds <= 0) {
    state.SkipWithError("OpenSSL key exchange failed");
    return;
  }
  clock::VirtualEventLoop loop;
  net::SimNetwork net(loop, 1);
  const IpAddress moon_addr = *IpAddress::parse("192.168.0.1");
  const IpAddress sun_addr = *IpAddress::parse("192.168.0.2");
  Host moon(loop, net, "moon", moon_addr, 1);
  Host sun(loop, net, "sun", sun_addr, 2);
  if (!moon.engine || !sun.engine) {
    state.SkipWithError("attaching to the simulated network failed");
    return;
  }
  if (!moon.engine
           ->add_connection(initiator_config("net-net", moon_addr, sun_addr,
                                             "moon.strongswan.org", g.id,
                                             {*Subnet::parse("10.1.0.0/16")}))
           .ok() ||
      !sun.engine->add_connection(responder_config(sun_addr, moon_addr, g.id)).ok()) {
    state.SkipWithError("configuration refused");
    return;
  }
  double cpu = 0;
  for (auto _ : state) {
    const double t0 = thread_cpu_seconds();
    if (!moon.engine->initiate("net-net").ok()) {
      state.SkipWithError("initiate failed");
      return;
    }
    settle(loop, net);
    cpu += thread_cpu_seconds() - t0;
    state.PauseTiming();
    if (established(*moon.engine) != 1 || established(*sun.engine) != 1) {
      state.SkipWithError("the handshake did not complete");
      return;
    }
    // Both ends forget the SAs (and remove them from their backends) for the next round.
    moon.engine->reset();
    sun.engine->reset();
    state.ResumeTiming();
  }
  const double handshake = cpu / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.counters["handshake_us"] = handshake * 1e6;
  state.counters["dh_us"] = dh_seconds * 1e6;
  state.counters["engine_per_dh"] = handshake / dh_seconds;
}

// --- memory per SA -------------------------------------------------------------------------

size_t heap_in_use() { return mallinfo2().uordblks; }

size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

IpAddress initiator_address(size_t i) {
  // 10.0.0.1 on: one address per initiator host, up to 16 million of them.
  size_t v = i + 1;
  std::string s = "10." + std::to_string((v >> 16) & 0xff) + "." +
                  std::to_string((v >> 8) & 0xff) + "." + std::to_string(v & 0xff);
  return *IpAddress::parse(s);
}

// Brings up initiator number `i`'s IKE SA and Child SA with the responder, then tears the
// initiator down (without a Delete: the responder keeps its SAs). False if they did not come up.
bool connect_one(clock::VirtualEventLoop& loop, net::SimNetwork& net, const IpAddress& sun,
                 size_t i) {
  const IpAddress addr = initiator_address(i);
  Host carol(loop, net, "carol", addr, 1000 + i);
  if (!carol.engine) return false;
  if (!carol.engine
           ->add_connection(initiator_config("home", addr, sun, addr.to_string(),
                                             v2::DhGroup::CURVE25519, {}))
           .ok())
    return false;
  if (!carol.engine->initiate("home").ok()) return false;
  settle(loop, net);
  return established(*carol.engine) == 1;
}

void BM_MemoryPerSa(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  state.SetLabel("responder, CURVE25519, 1 Child SA per IKE SA");
  double heap_per_sa = 0, rss_per_sa = 0, first_us = 0, last_us = 0;
  for (auto _ : state) {
    clock::VirtualEventLoop loop;
    net::SimNetwork net(loop, 1);
    const IpAddress sun_addr = *IpAddress::parse("192.168.0.2");
    Host sun(loop, net, "sun", sun_addr, 2);
    if (!sun.engine ||
        !sun.engine->add_connection(responder_config(sun_addr, std::nullopt,
                                                     v2::DhGroup::CURVE25519))
             .ok()) {
      state.SkipWithError("responder setup failed");
      return;
    }
    // One SA first, so that what every SA shares (OpenSSL's tables, the engine's first
    // allocations, the loop's timer heap) is in the baseline.
    if (!connect_one(loop, net, sun_addr, 0)) {
      state.SkipWithError("the first handshake did not complete");
      return;
    }
    malloc_trim(0);
    const size_t heap0 = heap_in_use();
    const size_t rss0 = resident_bytes();
    const auto start = std::chrono::steady_clock::now();
    // The first and the last tenth of the handshakes (at most 1,000 each), timed apart: a
    // responder whose per-handshake cost grows with the SAs it holds shows it here.
    const size_t tenth = std::max<size_t>(1, std::min<size_t>(n / 10, 1000));
    double first_cpu = 0, last_cpu = 0;
    for (size_t i = 1; i <= n; ++i) {
      const double t0 = thread_cpu_seconds();
      if (!connect_one(loop, net, sun_addr, i)) {
        state.SkipWithError(("handshake " + std::to_string(i) + " did not complete").c_str());
        return;
      }
      const double spent = thread_cpu_seconds() - t0;
      if (i <= tenth) first_cpu += spent;
      if (i > n - tenth) last_cpu += spent;
    }
    first_us = first_cpu * 1e6 / static_cast<double>(tenth);
    last_us = last_cpu * 1e6 / static_cast<double>(tenth);
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    malloc_trim(0);
    const size_t heap1 = heap_in_use();
    const size_t rss1 = resident_bytes();
    const size_t up = established(*sun.engine);
    if (up != n + 1) {
      state.SkipWithError(("the responder holds " + std::to_string(up) + " established SAs, not " +
                           std::to_string(n + 1))
                              .c_str());
      return;
    }
    heap_per_sa = (static_cast<double>(heap1) - static_cast<double>(heap0)) / static_cast<double>(n);
    rss_per_sa = (static_cast<double>(rss1) - static_cast<double>(rss0)) / static_cast<double>(n);
  }
  state.counters["sas"] = static_cast<double>(n);
  state.counters["bytes_per_sa"] = heap_per_sa;
  state.counters["rss_bytes_per_sa"] = rss_per_sa;
  state.counters["first_handshake_us"] = first_us;
  state.counters["last_handshake_us"] = last_us;
  state.SetItemsProcessed(static_cast<int64_t>(n) * state.iterations());
}

void register_benchmarks(const std::vector<long>& sa_counts) {
  const long groups = static_cast<long>(std::size(kGroups));
  benchmark::RegisterBenchmark("BM_Handshake", BM_Handshake)
      ->DenseRange(0, groups - 1)
      ->Unit(benchmark::kMillisecond)
      ->MinTime(0.5);
  benchmark::RegisterBenchmark("BM_OpenSslKeyExchange", BM_OpenSslKeyExchange)
      ->DenseRange(0, groups - 1)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_EngineKeyExchange", BM_EngineKeyExchange)
      ->DenseRange(0, groups - 1)
      ->Unit(benchmark::kMicrosecond);
  auto* memory = benchmark::RegisterBenchmark("BM_MemoryPerSa", BM_MemoryPerSa);
  for (long n : sa_counts) memory->Arg(n);
  // The time reported is that of the n handshakes alone (manual time), not of the set-up and
  // teardown around them.
  memory->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
}

// "--ikev2_sas=10000,100000" -> {10000, 100000}; empty on a malformed list.
std::vector<long> parse_counts(const char* text) {
  std::vector<long> out;
  while (*text) {
    char* end = nullptr;
    long v = std::strtol(text, &end, 10);
    if (end == text || v <= 0) return {};
    out.push_back(v);
    text = *end == ',' ? end + 1 : end;
    if (*end != ',' && *end != '\0') return {};
  }
  return out;
}

}  // namespace
}  // namespace ikesuite::ikev2

int main(int argc, char** argv) {
  constexpr const char* kFlag = "--ikev2_sas=";
  std::vector<long> counts = {10000};
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], kFlag, std::strlen(kFlag)) == 0) {
      counts = ikesuite::ikev2::parse_counts(argv[i] + std::strlen(kFlag));
      if (counts.empty()) {
        std::fprintf(stderr, "bench_ikev2: %s: expected a comma-separated list of counts\n",
                     argv[i]);
        return 2;
      }
      continue;
    }
    argv[kept++] = argv[i];
  }
  argc = kept;
  ikesuite::ikev2::register_benchmarks(counts);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
