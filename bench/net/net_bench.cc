// What simulated time and the simulated network cost: a scenario's wall time is mostly
// these loops, so a regression here slows every sim run.
#include <benchmark/benchmark.h>

#include <memory>

#include "engine/base/bytes.h"
#include "engine/base/random.h"
#include "engine/clock/event_loop.h"
#include "engine/net/sim_network.h"
#include "engine/net/udp_transport.h"

namespace ikesuite::net {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

const Bytes kIke(300, 0x2a);  // about an IKE_SA_INIT

void BM_VirtualLoopScheduleAndRun(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  SeededRandom rng(1);
  for (auto _ : state) {
    clock::VirtualEventLoop loop;
    size_t fired = 0;
    for (size_t i = 0; i < n; ++i)
      loop.schedule(microseconds(rng.uniform(1'000'000)), [&fired] { ++fired; });
    loop.run();
    benchmark::DoNotOptimize(fired);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_VirtualLoopScheduleAndRun)->Arg(1000)->Arg(100000);

// Retransmission timers: armed, and nearly always cancelled by the answer.
void BM_VirtualLoopArmAndCancel(benchmark::State& state) {
  clock::VirtualEventLoop loop;
  for (auto _ : state) {
    TimerId id = loop.schedule(std::chrono::seconds(4), [] {});
    loop.schedule(microseconds(500), [&loop, id] { loop.cancel(id); });
    loop.step();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_VirtualLoopArmAndCancel);

void sim_datagrams(benchmark::State& state, bool impaired, bool nat) {
  const int n = 1000;
  for (auto _ : state) {
    clock::VirtualEventLoop loop;
    SimNetwork net(loop, 7);
    IpAddress moon_ip = *IpAddress::parse(nat ? "10.1.0.1" : "192.168.0.1");
    IpAddress sun_ip = *IpAddress::parse("192.168.0.2");
    if (nat) {
      NatSpec spec;
      spec.name = "home";
      spec.inside = {"moon"};
      spec.public_address = *IpAddress::parse("192.168.0.100");
      (void)net.add_nat(spec);
    }
    if (impaired) {
      Impairment imp;
      imp.loss = 0.1;
      imp.duplicate = 0.05;
      imp.reorder = 0.1;
      imp.jitter = microseconds(200);
      (void)net.set_default_impairment(imp);
    }
    auto moon = std::move(net.attach("moon", {moon_ip})).value();
    auto sun = std::move(net.attach("sun", {sun_ip})).value();
    size_t received = 0;
    sun->set_receiver([&](const Datagram&) { ++received; });
    for (int i = 0; i < n; ++i) (void)moon->send({moon_ip, 4500}, {sun_ip, 4500}, kIke);
    loop.run();
    benchmark::DoNotOptimize(received);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

void BM_SimNetworkClean(benchmark::State& state) {
  sim_datagrams(state, false, false);
}
void BM_SimNetworkImpaired(benchmark::State& state) {
  sim_datagrams(state, true, false);
}
void BM_SimNetworkThroughNat(benchmark::State& state) {
  sim_datagrams(state, false, true);
}
BENCHMARK(BM_SimNetworkClean);
BENCHMARK(BM_SimNetworkImpaired);
BENCHMARK(BM_SimNetworkThroughNat);

// One IKE-sized datagram through the kernel's loopback and back into a receiver.
void BM_UdpLoopback(benchmark::State& state) {
  clock::RealEventLoop loop;
  IpAddress lo = *IpAddress::parse("127.0.0.1");
  auto a = UdpTransport::open(loop, {{lo, 0}});
  auto b = UdpTransport::open(loop, {{lo, 0}});
  if (!a.ok() || !b.ok()) {
    state.SkipWithError("cannot bind loopback sockets");
    return;
  }
  Endpoint ea = (*a)->local_endpoints()[0], eb = (*b)->local_endpoints()[0];
  (*b)->set_receiver([&](const Datagram&) { loop.stop(); });
  for (auto _ : state) {
    (void)(*a)->send(ea, eb, kIke);
    loop.run();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_UdpLoopback);

}  // namespace
}  // namespace ikesuite::net
