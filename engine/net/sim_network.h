// An in-process network for sim mode: hosts attach with their addresses and get a Transport;
// datagrams travel through the event loop with a link delay, and can be lost, duplicated,
// reordered, jittered, cut off by partitions or down hosts, and translated by NATs. Every
// random choice comes from streams derived from one seed (one stream per directed host pair,
// so changing one link does not disturb the others): the same seed and the same sends give
// the same events, byte for byte.
//
// Topology. Hosts that are inside no NAT sit on the public network, the segment "internet".
// A NAT has a public address on the internet and a set of inside hosts on its own segment
// "<nat>:inside". Inside hosts reach each other directly, reach the internet through the
// NAT (source rewritten to public address:port), and are reachable from the internet only
// through a mapping. Their addresses of the NAT's family are private: sent to from outside,
// they are unroutable. The NAT sits next to its inside hosts, so the link delay applies to
// the internet part of the way: outbound translation happens when the datagram is sent,
// inbound translation when it arrives.
//
// Links, impairments, partitions and counters are keyed by the two end hosts (the sender
// and the host that finally receives), whatever NATs are in between: "moon -> sun".
//
// What taps see (WireEvent), per datagram, in this order:
//   1. kSent, once, when the host sends: on the sender's segment, addresses as sent.
//   2. At the same instant, as far as it gets:
//      - kDropped host-down if the sender is down;
//      - kForwarded onto "internet" with the translated source, if the sender is behind a
//        NAT and the destination is not on its inside network (or kDropped nat-exhausted);
//      - kDropped no-route, partition or loss (in that order of checks);
//      - kDuplicated (copy 1 is made), then kReordered for each copy held back.
//   3. Per copy, when it arrives (after the link delay): if it was sent to a NAT's public
//      address, kForwarded onto "<nat>:inside" with the translated destination (or kDropped
//      nat-no-mapping / nat-filtered); then kDelivered, or kDropped no-route (the host moved
//      away), host-down or no-listener.
// So every datagram has exactly one kSent and every copy ends in exactly one kDelivered or
// kDropped, and nothing follows it. kSent and kForwarded are the wire appearances a capture
// writes (one capture per segment mirrors tcpdump on each network); the other fates say what
// became of them. Drops are reported on the segment of the datagram's last appearance.
// link_name(from, to) names a per-link view for those who capture by host pair instead.
//
// Not modelled: ICMP errors (an unreachable port is silent, as behind most firewalls), IP
// fragmentation (a datagram is one unit up to the UDP maximum), a NAT inside another NAT's
// inside network, and NATs for IPv6 (an IPv4 NAT leaves its hosts' IPv6 addresses public).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/ip.h"
#include "engine/base/random.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/clock/event_loop.h"
#include "engine/net/transport.h"

namespace ikesuite::net {

class SimTransport;

enum class Fate : uint8_t { kSent, kForwarded, kDuplicated, kReordered, kDelivered, kDropped };

enum class DropReason : uint8_t {
  kNone,
  kLoss,          // the link's loss probability
  kPartition,     // the two hosts are partitioned
  kHostDown,      // the sender or the receiver is down
  kNoRoute,       // no host owns the address (or it is private behind a NAT)
  kNoListener,    // the host does not listen on the port, or has no transport attached
  kNatNoMapping,  // sent to a NAT's public address with no live mapping for the port
  kNatFiltered,   // a mapping exists but the NAT's filtering rejects the sender
  kNatExhausted,  // the NAT has no free port for a new mapping
};
inline constexpr size_t kDropReasonCount = 9;

std::string_view name(Fate fate);          // "sent", "forwarded", ..., "dropped"
std::string_view name(DropReason reason);  // "", "loss", "partition", "host-down", ...

inline constexpr std::string_view kInternet = "internet";
std::string inside_segment(std::string_view nat);  // "<nat>:inside"
// The name of the link between two hosts, the same in both directions: "moon<->sun".
std::string link_name(std::string_view a, std::string_view b);

struct WireEvent {
  Time time{0};
  uint64_t datagram = 0;  // 1, 2, ... in send order, network-wide
  uint32_t copy = 0;      // 0 for the original, 1 for the duplicate
  Fate fate = Fate::kSent;
  DropReason reason = DropReason::kNone;  // for kDropped
  std::string segment;                    // "internet" or "<nat>:inside"
  std::string from;                       // sending host (or the injection's origin)
  // Receiving host, when known; the NAT's name for a datagram to its public address that no
  // mapping claims; empty when there is no route.
  std::string to;
  std::string nat;  // the NAT it went through or reached, from then on
  Endpoint src;     // as on this segment
  Endpoint dst;
  ByteView payload;  // the whole UDP payload (with the marker); valid during the call
};

struct Impairment {
  double loss = 0;       // probability a datagram is lost
  double duplicate = 0;  // probability a second copy is delivered
  double reorder = 0;    // probability a copy is held back by reorder_delay
  Duration reorder_delay = std::chrono::milliseconds(10);
  Duration delay = std::chrono::microseconds(500);  // one way
  Duration jitter{0};  // each copy's delay varies uniformly within ±jitter (never below 0)
  // Probabilities within [0, 1], durations not negative.
  Status validate() const;
  bool operator==(const Impairment&) const = default;
};

// One copy of a datagram a link delivers: when it arrives after being sent, and whether
// reordering held it back.
struct CopyPlan {
  Duration delay{0};
  bool reordered = false;
};

// The copies a link delivers of a datagram: none when it loses it, else one, or two when it
// duplicates, each with its delay: the link's delay, varied within ±jitter, plus
// reorder_delay for a copy the link reorders. Draws from `rng` in a fixed order (loss,
// duplicate, then per copy jitter and reorder), so a seed gives the same plan in sim mode and
// in netns mode's delay line.
std::vector<CopyPlan> plan_copies(const Impairment& imp, Random& rng);

// The random stream of the directed path from one host to another, derived from the seed and
// the two names alone (so it does not depend on which paths were used first): the stream
// plan_copies draws from for that path, in sim mode and in netns mode.
SeededRandom path_stream(uint64_t seed, std::string_view from, std::string_view to);

// RFC 4787 §4.1 mapping and §5 filtering behaviour.
enum class NatMapping : uint8_t {
  kEndpointIndependent,      // one public port per inside endpoint, whatever the peer
  kAddressAndPortDependent,  // one per (inside endpoint, peer endpoint): "symmetric"
};
enum class NatFiltering : uint8_t {
  kEndpointIndependent,      // anyone may send to a mapped port
  kAddressDependent,         // only addresses the inside endpoint has sent to
  kAddressAndPortDependent,  // only address:port pairs it has sent to
};

struct NatSpec {
  std::string name;
  std::vector<std::string> inside;  // host names (they may attach before or after)
  IpAddress public_address;
  // Idle time after which a mapping is gone. 120 s is RFC 4787's REQ-5 minimum and Linux
  // conntrack's UDP stream timeout; IKE peers behind NATs keep them alive with keepalives
  // (RFC 3948 §2.3, charon: every 20 s).
  Duration mapping_timeout = std::chrono::seconds(120);
  NatMapping mapping = NatMapping::kEndpointIndependent;
  NatFiltering filtering = NatFiltering::kAddressAndPortDependent;
  bool inbound_refresh = true;  // inbound traffic also keeps a mapping alive (RFC 4787 §4.3)
  // Keep the inside port when it is free (Linux MASQUERADE without --random); otherwise,
  // and by default, ports are handed out in order from first_port, so 500 and 4500 become
  // high ports as on most NATs.
  bool preserve_ports = false;
  uint16_t first_port = 32768;
  uint16_t last_port = 60999;
};

struct NatMappingInfo {
  Endpoint inside;
  Endpoint public_endpoint;
  std::optional<Endpoint> remote;  // for address-and-port-dependent mapping
  Time created{0};
  Time last_used{0};
  Time expires{0};
};

struct SimHostOptions {
  std::vector<uint16_t> ports{kIkePort, kNattPort};  // ports the host listens and sends on
  std::vector<uint16_t> natt_ports{kNattPort};       // of those, the ones with the marker
};

struct TrafficCounters {
  uint64_t sent = 0;                                 // datagrams sent
  uint64_t duplicated = 0;                           // extra copies made by the link
  uint64_t reordered = 0;                            // copies held back
  uint64_t delivered = 0;                            // copies handed to the receiving host
  std::array<uint64_t, kDropReasonCount> dropped{};  // copies lost, by reason
  uint64_t dropped_total() const;
  uint64_t dropped_by(DropReason r) const { return dropped[static_cast<size_t>(r)]; }
  bool operator==(const TrafficCounters&) const = default;
};

struct HostCounters {
  TrafficCounters out;  // what the host sent, and what became of it
  TrafficCounters in;   // what was sent to the host, and what became of it
  // What the host's transport did with delivered datagrams.
  uint64_t ike_received = 0;
  uint64_t esp_discarded = 0;
  uint64_t keepalives_discarded = 0;
  uint64_t invalid_discarded = 0;
};

class SimNetwork {
 public:
  // The loop must outlive the network.
  SimNetwork(clock::EventLoop& loop, uint64_t seed);
  // Datagrams still in flight are cancelled; transports still attached fail their sends.
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  // The host's transport: it sends from and receives on any of `addresses` and the ports of
  // `options`. A host may attach again after its previous transport was destroyed (a
  // restart), keeping its counters. Fails for an empty name or address list, an address
  // another host or NAT owns, or a host whose transport is still alive.
  Result<std::unique_ptr<Transport>> attach(const std::string& host,
                                            std::vector<IpAddress> addresses,
                                            SimHostOptions options = {});
  // Moves a host to new addresses (MOBIKE, RFC 4555); copies in flight to an old address
  // are dropped as unroutable when they arrive.
  Status set_addresses(const std::string& host, std::vector<IpAddress> addresses);
  // A down host neither sends nor receives: as if unplugged (its engine keeps running).
  Status set_host_up(const std::string& host, bool up);
  bool host_up(const std::string& host) const;
  std::vector<std::string> hosts() const;

  // Impairment of the traffic from `a` to `b` (and from `b` to `a`); names of hosts not yet
  // attached are fine.
  Status set_impairment(const std::string& a, const std::string& b, Impairment impairment,
                        bool both_directions = true);
  void clear_impairment(const std::string& a, const std::string& b, bool both_directions = true);
  // For every pair without its own impairment.
  Status set_default_impairment(Impairment impairment);
  Impairment impairment(const std::string& from, const std::string& to) const;

  void partition(const std::string& a, const std::string& b);
  void heal(const std::string& a, const std::string& b);
  void heal_all();
  bool partitioned(const std::string& a, const std::string& b) const;

  Status add_nat(NatSpec spec);
  // The NAT's live mappings, by public port.
  Result<std::vector<NatMappingInfo>> nat_mappings(const std::string& nat) const;

  // Taps see every WireEvent, in registration order. They must not send.
  size_t add_tap(std::function<void(const WireEvent&)> tap);
  void remove_tap(size_t id);

  // Puts a UDP payload on the internet from any source (spoofed floods, replays): routed
  // like a host's datagram, but from no host; `origin` names the sender in events, counters
  // and impairment lookups.
  Status inject(const Endpoint& src, const Endpoint& dst, ByteView udp_payload,
                const std::string& origin = "injector");

  TrafficCounters link_counters(const std::string& from, const std::string& to) const;
  std::map<std::pair<std::string, std::string>, TrafficCounters> all_link_counters() const;
  HostCounters host_counters(const std::string& host) const;
  // Copies scheduled for arrival and not yet arrived.
  size_t in_flight() const;

 private:
  struct Impl;
  friend class SimTransport;  // a host's transport, defined with Impl
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikesuite::net
