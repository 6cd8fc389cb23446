// The deterministic world the IKEv2 engine fuzzer runs programs in (program.h): two reference
// engines, moon (192.168.0.1) and sun (192.168.0.2), each with a memory SA backend behind a
// fault injector, on the simulated network and one virtual clock, every random choice drawn
// from fixed seeds. A World reaches its start state by running the real handshake and cutting
// the network at the right moment, then applies operations one by one, letting the network
// settle after each, and checks the engines' invariants after every step:
//
//  - Observer::on_invariant_violation is never called (a transition outside the tables);
//  - every IKE SA and Child SA state is a value of its enum;
//  - no two live IKE SAs of a host share its SPI, and none has SPI 0;
//  - message ID counters never go backwards, and an outstanding request has the ID just below
//    the next one;
//  - on the wire, a host never sends request N+1 on an IKE SA before it has been given the
//    response to request N (RFC 7296 §2.3, window size 1);
//  - what the engine believes installed is in the SA backend (SAs by SPI and address), and
//    what the backend holds belongs to a live Child SA: SAs, SPI reservations and policies
//    (the check is relaxed for a host once an injected fault made one of its deletes fail);
//  - an INSTALLED Child SA has both its SAs, unless a hard expire took one and the Delete it
//    causes is queued;
//  - at the end, once both engines drop every SA, both backends are empty.
// AddressSanitizer and LeakSanitizer add the rest (no crash, no use after free, no leak).
//
// The same World serves the libFuzzer target (which traps on the first violation), the
// corpus replay test in the normal build, and the corpus generator, which runs a world with
// the network left whole and records what the peer sends.
#pragma once

#include <cstdint>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/log.h"
#include "engine/base/random.h"
#include "engine/clock/event_loop.h"
#include "engine/ikev2/engine.h"
#include "engine/net/sim_network.h"
#include "engine/sa/fault_injector.h"
#include "engine/sa/memory_backend.h"
#include "fuzz/ikev2_engine/program.h"

namespace ikesuite::ikev2::fuzz {

inline constexpr const char* kConnection = "net-net";
inline constexpr uint64_t kSeed = 0x1ce5u;

class World;

// A datagram as a host sent it, with the UDP payload as on the wire (non-ESP marker included).
struct SentDatagram {
  Side from;
  Side to;
  Endpoint src;
  Endpoint dst;
  Bytes udp_payload;
  Time at;
};

struct WorldOptions {
  // Abort (__builtin_trap) on the first violation, after printing it: the fuzz target.
  bool trap = false;
  // Where both engines log (lines prefixed with the host name); nullptr: nowhere.
  Logger* log = nullptr;
  // Leave out every partition and impairment the start state uses to hold an exchange
  // open: the corpus generator records what the peer would have answered.
  bool record = false;
  // Called for each datagram a host sends, as it leaves (the corpus generator).
  std::function<void(World&, const SentDatagram&)> on_send;
};

class World {
 public:
  World(StartState start, bool swap_roles, uint8_t variant, WorldOptions options = {});
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Applies one operation and lets the network settle (until no datagram is in flight).
  void apply(const Op& op);
  // Checks every invariant; violations are collected (or trap, see WorldOptions).
  void check();
  // Clears injected faults, drops every SA of both engines without telling the peer
  // (Engine::reset) and checks that both SA backends are empty.
  void finish();

  const std::vector<std::string>& violations() const { return violations_; }
  // "initiator IKE ESTABLISHED", "responder CHILD REKEYED", ...: every state a host's SAs
  // entered during the run (start state included), for tests that ask how deep a run got.
  const std::set<std::string>& states_seen() const { return states_seen_; }

  Engine& engine(Side side);
  sa::MemoryBackend& memory(Side side);
  sa::FaultInjector& kernel(Side side);
  clock::VirtualEventLoop& loop() { return *loop_; }
  net::SimNetwork& network() { return *net_; }
  // The host's live IKE SAs (not DESTROYING), by unique id: what an op's `sa` index picks.
  std::vector<const IkeSa*> live_ike_sas(Side side) const;
  Endpoint endpoint(Side side, uint16_t port) const;
  // The last kReplayHistory datagrams the hosts sent, oldest first.
  const std::deque<SentDatagram>& sent() const { return sent_; }
  // How many datagrams the hosts have sent, and how many had been sent when the start state
  // cut the network (datagrams after that one the fuzz world never delivered).
  size_t sent_total() const { return sent_total_; }
  size_t cut_at() const { return cut_at_; }
  // Runs the loop until no datagram is in flight.
  void settle();

  static constexpr size_t kReplayHistory = 64;

 private:
  struct Host;
  class Watcher;

  Host& host(Side side);
  const Host& host(Side side) const;
  Side side_of(const std::string& host_name) const;
  void build(StartState start);
  void add_host(Side side, const std::string& name, const IpAddress& address, uint8_t variant);
  void violation(const std::string& what);
  void on_wire(const net::WireEvent& event);

  void apply_raw(const RawOp& op);
  void apply_clear(const ClearOp& op);
  void apply_sealed(const SealedOp& op);
  void apply_time(const TimeOp& op);
  void apply_kernel(const KernelOp& op);
  void apply_api(const ApiOp& op);
  void apply_network(const NetworkOp& op);
  void apply_replay(const ReplayOp& op);
  void deliver(const Target& at, ByteView ike);

  void check_host(Side side);

  WorldOptions options_;
  std::unique_ptr<clock::VirtualEventLoop> loop_;
  std::unique_ptr<net::SimNetwork> net_;
  std::unique_ptr<Host> hosts_[2];
  SeededRandom rng_;  // IVs of sealed messages
  std::vector<std::string> violations_;
  std::set<std::string> states_seen_;
  std::deque<SentDatagram> sent_;
  size_t sent_total_ = 0;
  size_t cut_at_ = SIZE_MAX;
  size_t step_ = 0;
  std::string current_op_ = "start";

  // Window check, per (host, its IKE SPI): the highest request ID sent, and the IDs of the
  // responses delivered to it.
  struct Window {
    std::optional<uint32_t> highest_request;
    std::set<uint32_t> responses;
  };
  std::map<std::pair<Side, uint64_t>, Window> windows_;
  // Message ID counters per (host, IKE SA unique id): next request, expected request.
  std::map<std::pair<Side, uint32_t>, std::pair<uint32_t, uint32_t>> counters_;
};

struct Outcome {
  std::vector<std::string> violations;
  std::set<std::string> states_seen;
  size_t ops = 0;
};

// What the peer of `ike`'s host would put in a header it sends on that IKE SA: the message
// ID (program.h's MidMode::Natural) and the flags (I for the original initiator, R for a
// response). With no IKE SA, the peer is the initiator of a new one, at message ID 0.
uint32_t natural_message_id(const IkeSa* ike, bool response);
uint8_t natural_flags(const IkeSa* ike, bool response);

// Makes the API call (on the connection kConnection), ignoring its status.
void invoke(Engine& engine, ApiCall call);

// Decodes `input` and runs it in a fresh World: start state, every operation with the
// invariant checks after each, then finish().
Outcome run(ByteView input, WorldOptions options = {});

}  // namespace ikesuite::ikev2::fuzz
