#include "engine/net/sim_network.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "engine/base/random.h"

namespace ikesuite::net {

std::string_view name(Fate fate) {
  switch (fate) {
    case Fate::kSent:
      return "sent";
    case Fate::kForwarded:
      return "forwarded";
    case Fate::kDuplicated:
      return "duplicated";
    case Fate::kReordered:
      return "reordered";
    case Fate::kDelivered:
      return "delivered";
    case Fate::kDropped:
      return "dropped";
  }
  return "unknown";
}

std::string_view name(DropReason reason) {
  switch (reason) {
    case DropReason::kNone:
      return "";
    case DropReason::kLoss:
      return "loss";
    case DropReason::kPartition:
      return "partition";
    case DropReason::kHostDown:
      return "host-down";
    case DropReason::kNoRoute:
      return "no-route";
    case DropReason::kNoListener:
      return "no-listener";
    case DropReason::kNatNoMapping:
      return "nat-no-mapping";
    case DropReason::kNatFiltered:
      return "nat-filtered";
    case DropReason::kNatExhausted:
      return "nat-exhausted";
  }
  return "unknown";
}

std::string inside_segment(std::string_view nat) {
  return std::string(nat) + ":inside";
}

std::string link_name(std::string_view a, std::string_view b) {
  if (b < a) std::swap(a, b);
  return std::string(a) + "<->" + std::string(b);
}

Status Impairment::validate() const {
  for (auto [label, p] :
       {std::pair{"loss", loss}, std::pair{"duplicate", duplicate}, std::pair{"reorder", reorder}})
    if (!std::isfinite(p) || p < 0 || p > 1)
      return Error(ErrorCode::kConfig,
                   std::string(label) + " probability " + std::to_string(p) + " is outside [0, 1]");
  for (auto [label, d] : {std::pair{"delay", delay}, std::pair{"jitter", jitter},
                          std::pair{"reorder delay", reorder_delay}})
    if (d < Duration::zero())
      return Error(ErrorCode::kConfig, std::string(label) + " must not be negative");
  return ok_status();
}

uint64_t TrafficCounters::dropped_total() const {
  uint64_t n = 0;
  for (uint64_t d : dropped) n += d;
  return n;
}

namespace {

uint64_t fnv1a(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

bool chance(Random& rng, double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return rng.unit() < p;
}

}  // namespace

std::vector<CopyPlan> plan_copies(const Impairment& imp, Random& rng) {
  if (chance(rng, imp.loss)) return {};
  std::vector<CopyPlan> plan(chance(rng, imp.duplicate) ? 2 : 1);
  for (auto& c : plan) {
    c.delay = imp.delay;
    if (imp.jitter > Duration::zero()) {
      auto j = static_cast<uint64_t>(imp.jitter.count());
      c.delay += Duration(static_cast<int64_t>(rng.uniform(2 * j + 1)) - static_cast<int64_t>(j));
      if (c.delay < Duration::zero()) c.delay = Duration::zero();
    }
    if (chance(rng, imp.reorder)) {
      c.delay += imp.reorder_delay;
      c.reordered = true;
    }
  }
  return plan;
}

SeededRandom path_stream(uint64_t seed, std::string_view from, std::string_view to) {
  uint64_t label = fnv1a(to, fnv1a(std::string_view("\0", 1), fnv1a(from)));
  return SeededRandom(seed).fork(label);
}

namespace {

size_t max_payload(const IpAddress& a) {
  return a.is_v4() ? kMaxUdpPayloadV4 : kMaxUdpPayloadV6;
}

bool contains(const std::vector<uint16_t>& v, uint16_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

using Pair = std::pair<std::string, std::string>;

Pair unordered(const std::string& a, const std::string& b) {
  return a < b ? Pair{a, b} : Pair{b, a};
}

}  // namespace

class SimTransport;

struct SimNetwork::Impl {
  struct Host {
    std::string name;
    std::vector<IpAddress> addresses;
    SimHostOptions options;
    bool up = true;
    SimTransport* transport = nullptr;
    HostCounters counters;
  };

  struct Mapping {
    Endpoint inside;
    Endpoint remote_key;  // the peer for address-and-port-dependent mapping, else empty
    uint16_t port = 0;
    Time created{0};
    Time last_used{0};
    std::set<Endpoint> peers;
    std::set<IpAddress> peer_addresses;
  };

  struct Nat {
    NatSpec spec;
    std::map<uint16_t, Mapping> by_port;
    std::map<std::pair<Endpoint, Endpoint>, uint16_t> by_key;
    uint32_t cursor = 0;  // next port to try, as an offset from first_port
  };

  // One copy of a datagram on its way.
  struct Packet {
    uint64_t id = 0;
    uint32_t copy = 0;
    bool injected = false;
    std::string from;
    std::string to;       // as events show it (the receiving host once known)
    std::string link_to;  // the end fixed at send time, for counters
    std::string nat;
    std::string segment;
    Endpoint src;
    Endpoint dst;
    std::shared_ptr<const Bytes> payload;
    bool to_nat = false;  // arrives at the public side of NAT `target`, else at host `target`
    std::string target;
  };

  Impl(clock::EventLoop& l, uint64_t s) : loop(l), seed(s) {}
  ~Impl();

  clock::EventLoop& loop;
  uint64_t seed;
  std::map<std::string, Host> hosts;
  std::map<IpAddress, std::string> owners;  // address -> host
  std::map<std::string, Nat> nats;
  std::map<IpAddress, std::string> nat_publics;  // public address -> NAT
  std::map<std::string, std::string> host_nat;   // inside host -> NAT
  std::map<Pair, Impairment> impairments;
  Impairment default_impairment;
  std::set<Pair> partitions;
  std::map<Pair, SeededRandom> rngs;
  std::map<Pair, TrafficCounters> links;
  std::vector<std::pair<size_t, std::shared_ptr<std::function<void(const WireEvent&)>>>> taps;
  size_t next_tap = 1;
  uint64_t next_datagram = 1;
  uint64_t next_flight = 1;
  std::unordered_map<uint64_t, TimerId> flights;

  Host* find_host(const std::string& n) {
    auto it = hosts.find(n);
    return it == hosts.end() ? nullptr : &it->second;
  }
  const Host* find_host(const std::string& n) const {
    auto it = hosts.find(n);
    return it == hosts.end() ? nullptr : &it->second;
  }

  // The NAT whose inside network holds `addr` of `host`: only addresses of the NAT's family
  // are private (an IPv4 NAT leaves the host's IPv6 addresses public).
  Nat* nat_behind(const std::string& host, const IpAddress& addr) {
    auto it = host_nat.find(host);
    if (it == host_nat.end()) return nullptr;
    Nat& n = nats.at(it->second);
    return n.spec.public_address.family() == addr.family() ? &n : nullptr;
  }

  Status check_addresses(const std::string& host, const std::vector<IpAddress>& addresses) const {
    if (addresses.empty())
      return Error(ErrorCode::kConfig, "host '" + host + "' needs at least one address");
    for (size_t i = 0; i < addresses.size(); ++i) {
      const IpAddress& a = addresses[i];
      if (a.empty() || a == IpAddress::any(a.family()))
        return Error(ErrorCode::kConfig,
                     "host '" + host + "': not a usable address: " + a.to_string());
      for (size_t j = 0; j < i; ++j)
        if (addresses[j] == a)
          return Error(ErrorCode::kConfig,
                       "host '" + host + "': address " + a.to_string() + " listed twice");
      auto owner = owners.find(a);
      if (owner != owners.end() && owner->second != host)
        return Error(ErrorCode::kConfig, "address " + a.to_string() + " of host '" + host +
                                             "' belongs to host '" + owner->second + "'");
      auto nat = nat_publics.find(a);
      if (nat != nat_publics.end())
        return Error(ErrorCode::kConfig, "address " + a.to_string() + " of host '" + host +
                                             "' is the public address of NAT '" + nat->second +
                                             "'");
    }
    return ok_status();
  }

  void set_owner(Host& h, std::vector<IpAddress> addresses) {
    for (const auto& a : h.addresses) owners.erase(a);
    h.addresses = std::move(addresses);
    for (const auto& a : h.addresses) owners[a] = h.name;
  }

  // -- events and counters ------------------------------------------------------------------

  void emit(const Packet& p, Fate fate, DropReason reason = DropReason::kNone) {
    if (taps.empty()) return;
    WireEvent e;
    e.time = loop.now();
    e.datagram = p.id;
    e.copy = p.copy;
    e.fate = fate;
    e.reason = reason;
    e.segment = p.segment;
    e.from = p.from;
    e.to = p.to;
    e.nat = p.nat;
    e.src = p.src;
    e.dst = p.dst;
    e.payload = ByteView(*p.payload);
    // A snapshot: a tap may remove itself.
    auto current = taps;
    for (const auto& [id, tap] : current) (*tap)(e);
  }

  template <typename F>
  void count(const Packet& p, F&& bump) {
    if (!p.injected)
      if (Host* s = find_host(p.from)) bump(s->counters.out);
    if (p.link_to.empty()) return;
    bump(links[Pair{p.from, p.link_to}]);
    if (Host* t = find_host(p.link_to)) bump(t->counters.in);
  }

  void drop(const Packet& p, DropReason reason) {
    emit(p, Fate::kDropped, reason);
    count(p, [reason](TrafficCounters& c) { ++c.dropped[static_cast<size_t>(reason)]; });
  }

  // -- impairments ----------------------------------------------------------------------------

  const Impairment& impairment_for(const std::string& from, const std::string& to) const {
    auto it = impairments.find(Pair{from, to});
    return it == impairments.end() ? default_impairment : it->second;
  }

  // Each directed pair has its own stream (path_stream).
  SeededRandom& rng_for(const std::string& from, const std::string& to) {
    Pair key{from, to};
    auto it = rngs.find(key);
    if (it == rngs.end()) it = rngs.emplace(key, path_stream(seed, from, to)).first;
    return it->second;
  }

  // -- NAT ------------------------------------------------------------------------------------

  static bool expired(const Nat& n, const Mapping& m, Time now) {
    return now - m.last_used >= n.spec.mapping_timeout;
  }

  static void erase_mapping(Nat& n, uint16_t port) {
    auto it = n.by_port.find(port);
    if (it == n.by_port.end()) return;
    n.by_key.erase({it->second.inside, it->second.remote_key});
    n.by_port.erase(it);
  }

  static std::optional<uint16_t> allocate_port(Nat& n, uint16_t inside_port, Time now) {
    auto is_free = [&](uint16_t p) {
      auto it = n.by_port.find(p);
      if (it == n.by_port.end()) return true;
      if (!expired(n, it->second, now)) return false;
      erase_mapping(n, p);
      return true;
    };
    if (n.spec.preserve_ports && is_free(inside_port)) return inside_port;
    uint32_t range = uint32_t{n.spec.last_port} - n.spec.first_port + 1;
    for (uint32_t i = 0; i < range; ++i) {
      uint32_t offset = (n.cursor + i) % range;
      auto p = static_cast<uint16_t>(n.spec.first_port + offset);
      if (is_free(p)) {
        n.cursor = (offset + 1) % range;
        return p;
      }
    }
    return std::nullopt;
  }

  // RFC 4787 §4.1: the public port for traffic from `inside` to `remote`, created or
  // refreshed; nullopt when the port range is exhausted.
  static std::optional<uint16_t> outbound(Nat& n, const Endpoint& inside, const Endpoint& remote,
                                          Time now) {
    Endpoint remote_key =
        n.spec.mapping == NatMapping::kAddressAndPortDependent ? remote : Endpoint{};
    auto key = std::pair{inside, remote_key};
    auto found = n.by_key.find(key);
    if (found != n.by_key.end()) {
      Mapping& m = n.by_port.at(found->second);
      if (expired(n, m, now)) {
        erase_mapping(n, m.port);
      } else {
        m.last_used = now;
        m.peers.insert(remote);
        m.peer_addresses.insert(remote.addr);
        return m.port;
      }
    }
    auto port = allocate_port(n, inside.port, now);
    if (!port) return std::nullopt;
    Mapping m;
    m.inside = inside;
    m.remote_key = remote_key;
    m.port = *port;
    m.created = now;
    m.last_used = now;
    m.peers.insert(remote);
    m.peer_addresses.insert(remote.addr);
    n.by_port.emplace(*port, std::move(m));
    n.by_key.emplace(key, *port);
    return port;
  }

  // RFC 4787 §5: the inside endpoint for a datagram from `remote` to the public `port`.
  static std::pair<std::optional<Endpoint>, DropReason> inbound(Nat& n, const Endpoint& remote,
                                                                uint16_t port, Time now) {
    auto it = n.by_port.find(port);
    if (it == n.by_port.end()) return {std::nullopt, DropReason::kNatNoMapping};
    Mapping& m = it->second;
    if (expired(n, m, now)) {
      erase_mapping(n, port);
      return {std::nullopt, DropReason::kNatNoMapping};
    }
    bool allowed = true;
    switch (n.spec.filtering) {
      case NatFiltering::kEndpointIndependent:
        break;
      case NatFiltering::kAddressDependent:
        allowed = m.peer_addresses.contains(remote.addr);
        break;
      case NatFiltering::kAddressAndPortDependent:
        allowed = m.peers.contains(remote);
        break;
    }
    if (!allowed) return {std::nullopt, DropReason::kNatFiltered};
    if (n.spec.inbound_refresh) m.last_used = now;
    return {m.inside, DropReason::kNone};
  }

  // The host a datagram to the NAT's public `port` would reach now, without touching the
  // mapping: for impairment and counter lookups at send time.
  std::optional<std::string> peek_inside(const Nat& n, uint16_t port, Time now) const {
    auto it = n.by_port.find(port);
    if (it == n.by_port.end() || expired(n, it->second, now)) return std::nullopt;
    auto owner = owners.find(it->second.inside.addr);
    if (owner == owners.end()) return std::nullopt;
    return owner->second;
  }

  // -- the way of a datagram ------------------------------------------------------------------

  // Fills in where `p.dst` leads from the sender's network `lan` (nullptr: the internet):
  // false when nowhere. `lan_local` tells a neighbour on the same inside network.
  bool route(Packet& p, const Nat* lan, Time now, bool& lan_local) {
    lan_local = false;
    auto owner = owners.find(p.dst.addr);
    if (owner != owners.end()) {
      const Nat* dst_lan = nat_behind(owner->second, p.dst.addr);
      // A private address is reachable from its own inside network only.
      if (dst_lan && dst_lan != lan) return false;
      lan_local = dst_lan != nullptr;
      p.to = p.link_to = p.target = owner->second;
      return true;
    }
    auto nat_public = nat_publics.find(p.dst.addr);
    if (nat_public == nat_publics.end()) return false;
    p.to_nat = true;
    p.target = nat_public->second;
    auto inside = peek_inside(nats.at(p.target), p.dst.port, now);
    p.to = p.link_to = inside ? *inside : p.target;
    return true;
  }

  void transmit(const std::string& from, Host* sender, const Endpoint& src, const Endpoint& dst,
                Bytes payload) {
    Time now = loop.now();
    Packet p;
    p.id = next_datagram++;
    p.injected = sender == nullptr;
    p.from = from;
    p.src = src;
    p.dst = dst;
    p.payload = std::make_shared<const Bytes>(std::move(payload));
    Nat* lan = sender ? nat_behind(sender->name, src.addr) : nullptr;
    p.segment = lan ? inside_segment(lan->spec.name) : std::string(kInternet);
    bool lan_local = false;
    bool routable = route(p, lan, now, lan_local);

    emit(p, Fate::kSent);
    count(p, [](TrafficCounters& c) { ++c.sent; });

    if (sender && !sender->up) return drop(p, DropReason::kHostDown);
    if (lan && !lan_local) {
      p.nat = lan->spec.name;
      auto port = outbound(*lan, src, dst, now);
      if (!port) return drop(p, DropReason::kNatExhausted);
      p.src = Endpoint{lan->spec.public_address, *port};
      p.segment = std::string(kInternet);
      emit(p, Fate::kForwarded);
    }
    if (!routable) return drop(p, DropReason::kNoRoute);
    if (partitions.contains(unordered(p.from, p.link_to))) return drop(p, DropReason::kPartition);
    launch(p);
  }

  // The link's impairment decides loss, copies and their delays; each copy then travels
  // through the loop.
  void launch(const Packet& p) {
    const Impairment& imp = impairment_for(p.from, p.link_to);
    SeededRandom& rng = rng_for(p.from, p.link_to);
    std::vector<CopyPlan> plan = plan_copies(imp, rng);
    if (plan.empty()) return drop(p, DropReason::kLoss);
    if (plan.size() > 1) {
      Packet twin = p;
      twin.copy = 1;
      emit(twin, Fate::kDuplicated);
      count(p, [](TrafficCounters& c) { ++c.duplicated; });
    }
    for (uint32_t c = 0; c < plan.size(); ++c) {
      Packet copy = p;
      copy.copy = c;
      if (plan[c].reordered) {
        emit(copy, Fate::kReordered);
        count(copy, [](TrafficCounters& k) { ++k.reordered; });
      }
      uint64_t flight = next_flight++;
      TimerId timer = loop.schedule(plan[c].delay, [this, flight, copy = std::move(copy)]() mutable {
        flights.erase(flight);
        arrive(std::move(copy));
      });
      flights.emplace(flight, timer);
    }
  }

  void arrive(Packet p);
};

class SimTransport final : public Transport {
 public:
  SimTransport(SimNetwork::Impl* network, std::string host_name)
      : net(network), host(std::move(host_name)) {}

  ~SimTransport() override {
    if (!net) return;
    if (auto* h = net->find_host(host); h && h->transport == this) h->transport = nullptr;
  }

  Status send(const Endpoint& src, const Endpoint& dst, ByteView ike) override {
    if (!net) return gone();
    const auto* h = net->find_host(host);
    Framing framing = framing_for_port(src.port, h->options.natt_ports);
    return send_udp(src, dst, frame_ike(framing, ike));
  }

  Status send_udp(const Endpoint& src, const Endpoint& dst, ByteView udp_payload) override {
    if (!net) return gone();
    auto* h = net->find_host(host);
    bool own_address =
        std::find(h->addresses.begin(), h->addresses.end(), src.addr) != h->addresses.end();
    if (!own_address || !contains(h->options.ports, src.port))
      return Error(ErrorCode::kNotFound, host + ": no socket bound to " + src.to_string());
    if (dst.addr.family() != src.addr.family() || dst.port == 0)
      return Error(ErrorCode::kConfig,
                   host + ": cannot send from " + src.to_string() + " to " + dst.to_string());
    if (udp_payload.size() > max_payload(src.addr))
      return Error(ErrorCode::kLimit,
                   host + ": a UDP payload of " + std::to_string(udp_payload.size()) +
                       " bytes exceeds the maximum of " + std::to_string(max_payload(src.addr)));
    net->transmit(host, h, src, dst, Bytes(udp_payload.begin(), udp_payload.end()));
    return ok_status();
  }

  void set_receiver(std::function<void(const Datagram&)> r) override {
    receiver = std::make_shared<std::function<void(const Datagram&)>>(std::move(r));
  }

  std::vector<Endpoint> local_endpoints() const override {
    std::vector<Endpoint> out;
    if (!net) return out;
    const auto* h = net->find_host(host);
    for (const auto& a : h->addresses)
      for (uint16_t port : h->options.ports) out.push_back(Endpoint{a, port});
    return out;
  }

  // A copy has reached this host: unframe it as the host's socket on that port would.
  void deliver(SimNetwork::Impl::Host& h, const Endpoint& src, const Endpoint& dst,
               ByteView payload) {
    Framing framing = framing_for_port(dst.port, h.options.natt_ports);
    if (framing == Framing::kNonEspMarker) {
      switch (classify_4500(payload)) {
        case Udp4500Kind::kIke:
          break;
        case Udp4500Kind::kEsp:
          ++h.counters.esp_discarded;
          return;
        case Udp4500Kind::kKeepalive:
          ++h.counters.keepalives_discarded;
          return;
        case Udp4500Kind::kInvalid:
          ++h.counters.invalid_discarded;
          return;
      }
    }
    auto ike = unframe_ike(framing, payload);
    if (!ike) return;
    ++h.counters.ike_received;
    if (!receiver || !*receiver) return;
    auto current = receiver;  // the receiver may replace itself or destroy this transport
    (*current)(Datagram{src, dst, Bytes(ike->begin(), ike->end())});
  }

  SimNetwork::Impl* net;
  std::string host;
  std::shared_ptr<std::function<void(const Datagram&)>> receiver;

 private:
  static Error gone() { return Error(ErrorCode::kState, "the simulated network is gone"); }
};

SimNetwork::Impl::~Impl() {
  for (const auto& [flight, timer] : flights) loop.cancel(timer);
  for (auto& [n, h] : hosts)
    if (h.transport) h.transport->net = nullptr;
}

void SimNetwork::Impl::arrive(Packet p) {
  Time now = loop.now();
  if (p.to_nat) {
    Nat& n = nats.at(p.target);
    p.nat = n.spec.name;
    auto [inside, reason] = inbound(n, p.src, p.dst.port, now);
    if (!inside) return drop(p, reason);
    auto owner = owners.find(inside->addr);
    p.segment = inside_segment(n.spec.name);
    p.dst = *inside;
    if (owner == owners.end()) return drop(p, DropReason::kNoRoute);  // the host moved away
    p.to = p.target = owner->second;
    emit(p, Fate::kForwarded);
  }
  Host* h = find_host(p.target);
  auto owner = owners.find(p.dst.addr);
  if (!h || owner == owners.end() || owner->second != p.target)
    return drop(p, DropReason::kNoRoute);
  if (!h->up) return drop(p, DropReason::kHostDown);
  if (!h->transport || !contains(h->options.ports, p.dst.port))
    return drop(p, DropReason::kNoListener);
  emit(p, Fate::kDelivered);
  count(p, [](TrafficCounters& c) { ++c.delivered; });
  h->transport->deliver(*h, p.src, p.dst, *p.payload);
}

// -- SimNetwork ---------------------------------------------------------------------------

SimNetwork::SimNetwork(clock::EventLoop& loop, uint64_t seed)
    : impl_(std::make_unique<Impl>(loop, seed)) {}

SimNetwork::~SimNetwork() = default;

Result<std::unique_ptr<Transport>> SimNetwork::attach(const std::string& host,
                                                      std::vector<IpAddress> addresses,
                                                      SimHostOptions options) {
  if (host.empty()) return Error(ErrorCode::kConfig, "a host needs a name");
  if (impl_->nats.contains(host))
    return Error(ErrorCode::kConfig, "'" + host + "' is the name of a NAT");
  if (Impl::Host* existing = impl_->find_host(host); existing && existing->transport)
    return Error(ErrorCode::kState, "host '" + host + "' is already attached");
  TRY(impl_->check_addresses(host, addresses));
  if (options.ports.empty())
    return Error(ErrorCode::kConfig, "host '" + host + "' listens on no port");
  for (uint16_t p : options.ports)
    if (p == 0) return Error(ErrorCode::kConfig, "host '" + host + "': port 0 is not a port");
  for (uint16_t p : options.natt_ports)
    if (!contains(options.ports, p))
      return Error(ErrorCode::kConfig, "host '" + host + "': NAT-T port " + std::to_string(p) +
                                           " is not one of its ports");
  Impl::Host& h = impl_->hosts[host];
  h.name = host;
  h.options = std::move(options);
  impl_->set_owner(h, std::move(addresses));
  auto transport = std::make_unique<SimTransport>(impl_.get(), host);
  h.transport = transport.get();
  return std::unique_ptr<Transport>(std::move(transport));
}

Status SimNetwork::set_addresses(const std::string& host, std::vector<IpAddress> addresses) {
  Impl::Host* h = impl_->find_host(host);
  if (!h) return Error(ErrorCode::kNotFound, "no host '" + host + "'");
  TRY(impl_->check_addresses(host, addresses));
  impl_->set_owner(*h, std::move(addresses));
  return ok_status();
}

Status SimNetwork::set_host_up(const std::string& host, bool up) {
  Impl::Host* h = impl_->find_host(host);
  if (!h) return Error(ErrorCode::kNotFound, "no host '" + host + "'");
  h->up = up;
  return ok_status();
}

bool SimNetwork::host_up(const std::string& host) const {
  const Impl::Host* h = impl_->find_host(host);
  return h && h->up;
}

std::vector<std::string> SimNetwork::hosts() const {
  std::vector<std::string> out;
  for (const auto& [n, h] : impl_->hosts) out.push_back(n);
  return out;
}

Status SimNetwork::set_impairment(const std::string& a, const std::string& b, Impairment impairment,
                                  bool both_directions) {
  TRY_IN(impairment.validate(), "impairment " + a + " -> " + b);
  impl_->impairments[Pair{a, b}] = impairment;
  if (both_directions) impl_->impairments[Pair{b, a}] = impairment;
  return ok_status();
}

void SimNetwork::clear_impairment(const std::string& a, const std::string& b,
                                  bool both_directions) {
  impl_->impairments.erase(Pair{a, b});
  if (both_directions) impl_->impairments.erase(Pair{b, a});
}

Status SimNetwork::set_default_impairment(Impairment impairment) {
  TRY_IN(impairment.validate(), "default impairment");
  impl_->default_impairment = impairment;
  return ok_status();
}

Impairment SimNetwork::impairment(const std::string& from, const std::string& to) const {
  return impl_->impairment_for(from, to);
}

void SimNetwork::partition(const std::string& a, const std::string& b) {
  impl_->partitions.insert(unordered(a, b));
}

void SimNetwork::heal(const std::string& a, const std::string& b) {
  impl_->partitions.erase(unordered(a, b));
}

void SimNetwork::heal_all() {
  impl_->partitions.clear();
}

bool SimNetwork::partitioned(const std::string& a, const std::string& b) const {
  return impl_->partitions.contains(unordered(a, b));
}

Status SimNetwork::add_nat(NatSpec spec) {
  const std::string& n = spec.name;
  if (n.empty()) return Error(ErrorCode::kConfig, "a NAT needs a name");
  if (impl_->nats.contains(n)) return Error(ErrorCode::kConfig, "NAT '" + n + "' exists already");
  if (impl_->hosts.contains(n))
    return Error(ErrorCode::kConfig, "NAT '" + n + "' has the name of a host");
  const IpAddress& pub = spec.public_address;
  if (pub.empty() || pub == IpAddress::any(pub.family()))
    return Error(ErrorCode::kConfig, "NAT '" + n + "' needs a public address");
  if (auto o = impl_->owners.find(pub); o != impl_->owners.end())
    return Error(ErrorCode::kConfig, "public address " + pub.to_string() + " of NAT '" + n +
                                         "' belongs to host '" + o->second + "'");
  if (auto o = impl_->nat_publics.find(pub); o != impl_->nat_publics.end())
    return Error(ErrorCode::kConfig, "public address " + pub.to_string() + " of NAT '" + n +
                                         "' belongs to NAT '" + o->second + "'");
  if (spec.first_port == 0 || spec.first_port > spec.last_port)
    return Error(ErrorCode::kConfig, "NAT '" + n + "': bad port range " +
                                         std::to_string(spec.first_port) + "-" +
                                         std::to_string(spec.last_port));
  if (spec.mapping_timeout <= Duration::zero())
    return Error(ErrorCode::kConfig, "NAT '" + n + "': the mapping timeout must be positive");
  if (spec.inside.empty()) return Error(ErrorCode::kConfig, "NAT '" + n + "' has no inside host");
  for (size_t i = 0; i < spec.inside.size(); ++i) {
    const std::string& h = spec.inside[i];
    if (auto o = impl_->host_nat.find(h); o != impl_->host_nat.end())
      return Error(ErrorCode::kConfig,
                   "host '" + h + "' is inside NAT '" + o->second + "' already");
    if (impl_->nats.contains(h))
      return Error(ErrorCode::kConfig, "NAT '" + n + "': '" + h + "' is a NAT, not a host");
    for (size_t j = 0; j < i; ++j)
      if (spec.inside[j] == h)
        return Error(ErrorCode::kConfig, "NAT '" + n + "': host '" + h + "' listed twice");
  }
  for (const auto& h : spec.inside) impl_->host_nat[h] = n;
  impl_->nat_publics[pub] = n;
  Impl::Nat nat;
  nat.spec = std::move(spec);
  impl_->nats.emplace(nat.spec.name, std::move(nat));
  return ok_status();
}

Result<std::vector<NatMappingInfo>> SimNetwork::nat_mappings(const std::string& nat) const {
  auto it = impl_->nats.find(nat);
  if (it == impl_->nats.end()) return Error(ErrorCode::kNotFound, "no NAT '" + nat + "'");
  const Impl::Nat& n = it->second;
  Time now = impl_->loop.now();
  std::vector<NatMappingInfo> out;
  for (const auto& [port, m] : n.by_port) {
    if (Impl::expired(n, m, now)) continue;
    NatMappingInfo info;
    info.inside = m.inside;
    info.public_endpoint = Endpoint{n.spec.public_address, port};
    if (n.spec.mapping == NatMapping::kAddressAndPortDependent) info.remote = m.remote_key;
    info.created = m.created;
    info.last_used = m.last_used;
    info.expires = m.last_used + n.spec.mapping_timeout;
    out.push_back(info);
  }
  return out;
}

size_t SimNetwork::add_tap(std::function<void(const WireEvent&)> tap) {
  size_t id = impl_->next_tap++;
  impl_->taps.emplace_back(id,
                           std::make_shared<std::function<void(const WireEvent&)>>(std::move(tap)));
  return id;
}

void SimNetwork::remove_tap(size_t id) {
  std::erase_if(impl_->taps, [id](const auto& t) { return t.first == id; });
}

Status SimNetwork::inject(const Endpoint& src, const Endpoint& dst, ByteView udp_payload,
                          const std::string& origin) {
  if (src.addr.empty() || dst.addr.family() != src.addr.family() || dst.port == 0)
    return Error(ErrorCode::kConfig,
                 "cannot inject from " + src.to_string() + " to " + dst.to_string());
  if (udp_payload.size() > max_payload(src.addr))
    return Error(ErrorCode::kLimit, "a UDP payload of " + std::to_string(udp_payload.size()) +
                                        " bytes exceeds the maximum of " +
                                        std::to_string(max_payload(src.addr)));
  impl_->transmit(origin, nullptr, src, dst, Bytes(udp_payload.begin(), udp_payload.end()));
  return ok_status();
}

TrafficCounters SimNetwork::link_counters(const std::string& from, const std::string& to) const {
  auto it = impl_->links.find(Pair{from, to});
  return it == impl_->links.end() ? TrafficCounters{} : it->second;
}

std::map<std::pair<std::string, std::string>, TrafficCounters> SimNetwork::all_link_counters()
    const {
  return impl_->links;
}

HostCounters SimNetwork::host_counters(const std::string& host) const {
  const Impl::Host* h = impl_->find_host(host);
  return h ? h->counters : HostCounters{};
}

size_t SimNetwork::in_flight() const {
  return impl_->flights.size();
}

}  // namespace ikesuite::net
