#include "harness/run/sim_world.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/clock/event_loop.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/proposal.h"
#include "engine/net/sim_network.h"
#include "engine/net/transport.h"
#include "engine/wire/ikev2/message.h"
#include "harness/run/evaluate.h"
#include "harness/run/ref_config.h"
#include "harness/run/ref_host.h"
#include "harness/run/trace.h"
#include "pcaps/src/key_tables.h"
#include "pcaps/src/pcap_writer.h"
#include "reports/src/json.h"
#include "reports/src/output.h"

namespace ikesuite::harness::run {

namespace {

namespace fs = std::filesystem;

double secs(Time t) { return to_seconds(t); }

// Link parameters over the defaults, as the simulated network takes them.
net::Impairment to_impairment(const LinkParams& p, const LinkParams& defaults) {
  net::Impairment i;
  auto pick = [](const auto& own, const auto& fallback) { return own ? own : fallback; };
  if (auto v = pick(p.loss, defaults.loss)) i.loss = *v;
  if (auto v = pick(p.duplicate, defaults.duplicate)) i.duplicate = *v;
  if (auto v = pick(p.reorder, defaults.reorder)) i.reorder = *v;
  if (auto v = pick(p.reorder_delay, defaults.reorder_delay)) i.reorder_delay = *v;
  if (auto v = pick(p.delay, defaults.delay)) i.delay = *v;
  if (auto v = pick(p.jitter, defaults.jitter)) i.jitter = *v;
  // A path that is down carries nothing (as if every datagram were lost on it).
  if (auto v = pick(p.down, defaults.down); v && *v) i.loss = 1.0;
  return i;
}

net::NatSpec to_nat(const Nat& n) {
  net::NatSpec s;
  s.name = n.name;
  s.inside = n.inside;
  s.public_address = n.public_address;
  s.mapping_timeout = n.mapping_timeout;
  // RFC 4787 terms for the classic names.
  switch (n.type) {
    case NatType::kFullCone:
      s.mapping = net::NatMapping::kEndpointIndependent;
      s.filtering = net::NatFiltering::kEndpointIndependent;
      break;
    case NatType::kAddressRestricted:
      s.mapping = net::NatMapping::kEndpointIndependent;
      s.filtering = net::NatFiltering::kAddressDependent;
      break;
    case NatType::kPortRestricted:
      s.mapping = net::NatMapping::kEndpointIndependent;
      s.filtering = net::NatFiltering::kAddressAndPortDependent;
      break;
    case NatType::kSymmetric:
      s.mapping = net::NatMapping::kAddressAndPortDependent;
      s.filtering = net::NatFiltering::kAddressAndPortDependent;
      break;
  }
  return s;
}

std::string hex_spi(uint32_t spi) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08" PRIx32, spi);
  return b;
}

class World;

// A host's transport that enforces the path MTU (the simulated network carries datagrams of
// any size): a datagram larger than the path's MTU is lost as with DF set, after it was seen
// on the sender's segment.
class MtuTransport final : public net::Transport {
 public:
  MtuTransport(World& world, std::string host, std::unique_ptr<net::Transport> inner)
      : world_(world), host_(std::move(host)), inner_(std::move(inner)) {}
  Status send(const Endpoint& src, const Endpoint& dst, ByteView ike) override;
  Status send_udp(const Endpoint& src, const Endpoint& dst, ByteView udp_payload) override;
  void set_receiver(std::function<void(const net::Datagram&)> receiver) override {
    inner_->set_receiver(std::move(receiver));
  }
  std::vector<Endpoint> local_endpoints() const override { return inner_->local_endpoints(); }

 private:
  World& world_;
  std::string host_;
  std::unique_ptr<net::Transport> inner_;
};

class World {
 public:
  World(const Scenario& s, const SimOptions& o, reports::ScenarioResult& result)
      : s_(s), o_(o), result_(result), seed_(o.seed.value_or(s.seed)), net_(loop_, seed_) {}

  void run();

  // The MTU of the path from a host to an address; nullopt: unlimited.
  std::optional<uint32_t> mtu(const std::string& from, const IpAddress& dst) const {
    std::string to = host_of(dst);
    auto it = mtus_.find({from, to});
    if (it != mtus_.end()) return it->second;
    return default_mtu_;
  }
  std::string host_of(const IpAddress& a) const {
    if (const Host* h = s_.host_by_address(a)) return h->name;
    for (const auto& n : s_.network.nats)
      if (n.public_address == a && n.inside.size() == 1) return n.inside.front();
    return {};
  }
  void mtu_drop(const std::string& from, const Endpoint& src, const Endpoint& dst, ByteView udp,
                uint32_t mtu) {
    trace_->on_mtu_drop(loop_.now(), from, host_of(dst.addr), src, dst, udp, mtu);
  }

 private:
  void fail(const std::string& why) {
    if (error_.empty()) error_ = why;
    loop_.stop();
  }
  Status setup_network();
  Status setup_outputs();
  Status setup_hosts();
  void schedule_timeline();
  void poll_pending();
  void run_action(size_t index);
  Status do_action(const Action& a);
  Status flood(const Action& a);
  Status set_link(const Action& a);
  void add_event(Time t, const std::string& host, const std::string& kind, std::string text,
                 const std::string& level = "info");
  void finish();

  const Scenario& s_;
  const SimOptions& o_;
  reports::ScenarioResult& result_;
  uint64_t seed_;
  clock::VirtualEventLoop loop_;
  net::SimNetwork net_;
  std::optional<pcap::PcapWriter> capture_;
  std::optional<pcap::KeyTables> keys_;
  std::unique_ptr<Trace> trace_;
  std::map<std::string, std::unique_ptr<ScenarioHost>> hosts_;
  RunRecord record_;
  std::unique_ptr<Evaluator> evaluator_;
  std::vector<size_t> pending_actions_;
  std::vector<size_t> pending_snapshots_;
  bool polling_ = false;
  std::map<std::pair<std::string, std::string>, uint32_t> mtus_;
  std::optional<uint32_t> default_mtu_;
  std::string error_;
  std::vector<std::string> notes_;
};

Status MtuTransport::send(const Endpoint& src, const Endpoint& dst, ByteView ike) {
  Bytes udp = net::frame_ike(src.port, dst.port, ike);
  return send_udp(src, dst, udp);
}

Status MtuTransport::send_udp(const Endpoint& src, const Endpoint& dst, ByteView udp_payload) {
  if (auto limit = world_.mtu(host_, dst.addr)) {
    size_t ip = udp_payload.size() + 8 + (dst.addr.is_v4() ? 20 : 40);
    if (ip > *limit) {
      world_.mtu_drop(host_, src, dst, udp_payload, *limit);
      return {};
    }
  }
  return inner_->send_udp(src, dst, udp_payload);
}

void World::add_event(Time t, const std::string& host, const std::string& kind, std::string text,
                      const std::string& level) {
  reports::Event e;
  e.t = secs(t);
  e.host = host;
  e.kind = kind;
  e.text = std::move(text);
  e.level = level;
  result_.events.push_back(std::move(e));
}

Status World::setup_network() {
  const Network& n = s_.network;
  TRY(net_.set_default_impairment(to_impairment(n.defaults, {})));
  default_mtu_ = n.defaults.mtu;
  for (const auto& l : n.links) {
    TRY(net_.set_impairment(l.a, l.b, to_impairment(l.params, n.defaults), l.bidirectional));
    auto m = l.params.mtu ? l.params.mtu : n.defaults.mtu;
    if (m) {
      mtus_[{l.a, l.b}] = *m;
      if (l.bidirectional) mtus_[{l.b, l.a}] = *m;
    }
  }
  for (const auto& nat : n.nats) TRY(net_.add_nat(to_nat(nat)));
  // Blackhole addresses belong to nobody: the network drops datagrams to them (no route).
  return {};
}

Status World::setup_outputs() {
  std::set<std::string> names;
  for (const auto& h : s_.hosts) names.insert(h.name);
  if (!o_.folder.empty()) {
    std::error_code ec;
    fs::create_directories(o_.folder, ec);
    if (ec) return Error(ErrorCode::kSystem, "cannot create " + o_.folder + ": " + ec.message());
    TRY_ASSIGN(auto writer, pcap::PcapWriter::open(o_.folder + "/capture.pcap"));
    capture_.emplace(std::move(writer));
    // The scenario's folder is the Wireshark profile: WIRESHARK_CONFIG_DIR=<folder>.
    TRY_ASSIGN(auto tables, pcap::KeyTables::create(o_.folder));
    keys_.emplace(std::move(tables));
  }
  trace_ = std::make_unique<Trace>(capture_ ? &*capture_ : nullptr, names);
  trace_->set_listener([this](size_t) { poll_pending(); });
  net_.add_tap([this](const net::WireEvent& e) { trace_->on_wire(e); });
  return {};
}

Status World::setup_hosts() {
  Duration wall = o_.wall_offset;
  if (wall == Duration{0})
    wall = std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch());
  for (const auto& h : s_.hosts) {
    if (h.implementation != Implementation::kRef)
      return Error(ErrorCode::kUnsupported, "host '" + h.name + "': implementation " +
                                                std::string(name(h.implementation)) +
                                                " runs in netns mode only");
    RefHostEnv env{loop_, seed_, wall, {}, {}, {}};
    std::string host_name = h.name;
    std::vector<IpAddress> addresses = h.addresses;
    env.make_transport = [this, host_name, addresses]() -> Result<std::unique_ptr<net::Transport>> {
      TRY_ASSIGN(auto inner, net_.attach(host_name, addresses));
      return std::unique_ptr<net::Transport>(new MtuTransport(*this, host_name, std::move(inner)));
    };
    if (!o_.folder.empty()) env.log_path = o_.folder + "/" + h.name + ".log";
    HostListener& l = env.listener;
    l.on_log = [this](const std::string&, const LogLine&) {
      if (!pending_actions_.empty() || !pending_snapshots_.empty()) poll_pending();
    };
    l.on_state = [this](const StateChange& c) {
      record_.states.push_back(c);
      std::string label = c.conn + (c.ike ? "[" : "{") + std::to_string(c.unique_id) + (c.ike ? "]" : "}");
      add_event(c.t, c.host, "state",
                std::string(c.ike ? "IKE_SA " : "CHILD_SA ") + label + " state change: " + c.from +
                    " => " + c.to);
      poll_pending();
    };
    l.on_backend = [this](const std::string& host, const BackendEvent& e) {
      std::string text = e.text + (e.ok ? "" : " failed: " + e.error);
      if (e.injected)
        add_event(e.t, host, "fault", "injected fault: " + text, "warning");
      else
        add_event(e.t, host, "sa", text, e.ok ? "info" : "error");
      poll_pending();
    };
    l.on_ike_keys = [this](const std::string&, const IkeKeys& k) {
      decode::Ikev2Keys d{k.spi_i, k.spi_r, k.encr, k.encr_key_bits, k.integ, k.sk_ei, k.sk_er, k.sk_ai, k.sk_ar};
      trace_->add_keys(d);
      if (keys_) {
        pcap::Ikev2SaKeys w;
        w.spi_i = k.spi_i;
        w.spi_r = k.spi_r;
        w.encr = k.encr;
        w.encr_key_bits = k.encr_key_bits;
        w.sk_ei = k.sk_ei;
        w.sk_er = k.sk_er;
        w.integ = k.integ;
        w.sk_ai = k.sk_ai;
        w.sk_ar = k.sk_ar;
        if (auto st = keys_->add(w); !st.ok()) notes_.push_back("IKE keys not written: " + st.error().message());
      }
    };
    l.on_ikev1_keys = [this](const std::string&, const Ikev1Keys& k) {
      decode::Ikev1Keys d{k.cookie_i, k.cookie_r, k.encr, k.encr_key_bits, k.hash, k.ka};
      trace_->add_v1_keys(d);
      if (keys_) {
        pcap::Ikev1SaKeys w;
        w.cookie_i = k.cookie_i;
        w.ka = k.ka;
        w.encr = k.encr;
        w.encr_key_bits = k.encr_key_bits;
        w.hash = k.hash;
        if (auto st = keys_->add(w); !st.ok()) notes_.push_back("IKEv1 keys not written: " + st.error().message());
      }
    };
    l.on_esp_keys = [this](const std::string&, const EspKeys& k) {
      if (!keys_) return;
      pcap::EspSaKeys w;
      w.src = k.src;
      w.dst = k.dst;
      w.spi = k.spi;
      w.encr = k.encr;
      w.encr_key = k.encr_key;
      w.integ = k.integ;
      w.integ_key = k.integ_key;
      if (auto st = keys_->add(w); !st.ok())
        notes_.push_back("ESP keys of " + hex_spi(k.spi) + " not written: " + st.error().message());
    };
    l.on_invariant = [this](const std::string& host, const std::string& what) {
      add_event(loop_.now(), host, "note", "engine invariant violated: " + what, "error");
      fail("engine invariant violated on " + host + ": " + what);
    };
    auto created = RefHost::create(h, std::move(env));
    if (!created.ok()) return created.error();
    record_.hosts[h.name] = created->get();
    hosts_[h.name] = std::move(*created);
    reports::HostInfo info;
    info.name = h.name;
    info.implementation = "ikesuite";
    for (const auto& a : h.addresses) info.addresses.push_back(a.to_string());
    result_.hosts.push_back(std::move(info));
    if (!o_.folder.empty()) result_.artifacts["log:" + h.name] = h.name + ".log";
  }
  return {};
}

void World::schedule_timeline() {
  record_.action_times.assign(s_.timeline.size(), std::nullopt);
  for (size_t i = 0; i < s_.timeline.size(); ++i) {
    const Action& a = s_.timeline[i];
    if (a.at.absolute())
      loop_.schedule(a.at.offset, [this, i] { run_action(i); });
    else
      pending_actions_.push_back(i);
  }
  for (size_t i = 0; i < s_.expect.size(); ++i) {
    const auto* t = std::get_if<SaTableCheck>(&s_.expect[i].check);
    if (!t || !t->at) continue;
    if (t->at->absolute()) {
      std::string host = s_.expect[i].host;
      loop_.schedule(t->at->offset, [this, i, host] {
        record_.table_snapshots[i] = hosts_.at(host)->backend(loop_.now());
      });
    } else {
      pending_snapshots_.push_back(i);
    }
  }
}

// Schedules what waits for an event that has now happened. Called after every observation,
// state change, backend operation and log line while something waits.
void World::poll_pending() {
  if (polling_ || (pending_actions_.empty() && pending_snapshots_.empty())) return;
  polling_ = true;
  Time now = loop_.now();
  for (auto it = pending_actions_.begin(); it != pending_actions_.end();) {
    size_t i = *it;
    auto t = evaluator_->instant_time(s_.timeline[i].at);
    if (!t) {
      ++it;
      continue;
    }
    loop_.schedule(std::max(Duration{0}, *t - now), [this, i] { run_action(i); });
    it = pending_actions_.erase(it);
  }
  for (auto it = pending_snapshots_.begin(); it != pending_snapshots_.end();) {
    size_t i = *it;
    const auto& check = std::get<SaTableCheck>(s_.expect[i].check);
    auto t = evaluator_->instant_time(*check.at);
    if (!t) {
      ++it;
      continue;
    }
    std::string host = s_.expect[i].host;
    loop_.schedule(std::max(Duration{0}, *t - now), [this, i, host] {
      record_.table_snapshots[i] = hosts_.at(host)->backend(loop_.now());
    });
    it = pending_snapshots_.erase(it);
  }
  polling_ = false;
}

void World::run_action(size_t index) {
  const Action& a = s_.timeline[index];
  record_.action_times[index] = loop_.now();
  std::string text = std::string(name(a.kind));
  if (!a.conn.empty()) text += " " + a.conn;
  if (a.kind == ActionKind::kRekey || a.kind == ActionKind::kTerminate)
    text += a.sa == SaKind::kIke ? " (IKE SA)" : " (Child SA)";
  if (!a.id.empty()) text += " [" + a.id + "]";
  if (!a.description.empty()) text += ": " + a.description;
  if (a.kind == ActionKind::kNote) text = "note: " + a.text;
  add_event(loop_.now(), a.host, a.kind == ActionKind::kNote ? "note" : "action", text);
  Status st = do_action(a);
  if (!st.ok()) {
    const Error& e = st.error();
    std::string why = "action " + std::string(name(a.kind)) + " at " + a.src.describe() + " failed: " + e.reason();
    add_event(loop_.now(), a.host, "action", why, "error");
    // What the scenario asks for and the engine cannot do makes the run meaningless; an
    // action refused in the state of the moment (rekey without an SA) is part of the story.
    if (e.code() == ErrorCode::kUnsupported) fail(why);
  }
  poll_pending();
}

Status World::set_link(const Action& a) {
  switch (a.kind) {
    case ActionKind::kImpair: {
      net::Impairment imp = to_impairment(a.link, s_.network.defaults);
      if (a.link_default) {
        TRY(net_.set_default_impairment(imp));
        if (a.link.mtu) default_mtu_ = *a.link.mtu;
        return {};
      }
      if (!a.link_a.empty()) {
        // Unset parameters keep the path's current values.
        net::Impairment current = net_.impairment(a.link_a, a.link_b);
        if (a.link.loss) current.loss = *a.link.loss;
        if (a.link.duplicate) current.duplicate = *a.link.duplicate;
        if (a.link.reorder) current.reorder = *a.link.reorder;
        if (a.link.reorder_delay) current.reorder_delay = *a.link.reorder_delay;
        if (a.link.delay) current.delay = *a.link.delay;
        if (a.link.jitter) current.jitter = *a.link.jitter;
        if (a.link.down) current.loss = *a.link.down ? 1.0 : (a.link.loss ? *a.link.loss : 0.0);
        TRY(net_.set_impairment(a.link_a, a.link_b, current, a.link_bidirectional));
        if (a.link.mtu) {
          mtus_[{a.link_a, a.link_b}] = *a.link.mtu;
          if (a.link_bidirectional) mtus_[{a.link_b, a.link_a}] = *a.link.mtu;
        }
        return {};
      }
      // Every path.
      TRY(net_.set_default_impairment(imp));
      for (const auto& x : s_.hosts)
        for (const auto& y : s_.hosts)
          if (x.name != y.name) TRY(net_.set_impairment(x.name, y.name, imp, false));
      if (a.link.mtu) {
        default_mtu_ = *a.link.mtu;
        mtus_.clear();
      }
      return {};
    }
    case ActionKind::kPartition:
    case ActionKind::kHeal: {
      std::vector<std::pair<std::string, std::string>> pairs;
      if (!a.link_a.empty()) {
        pairs.emplace_back(a.link_a, a.link_b);
      } else {
        for (size_t i = 0; i < s_.hosts.size(); ++i)
          for (size_t j = i + 1; j < s_.hosts.size(); ++j) pairs.emplace_back(s_.hosts[i].name, s_.hosts[j].name);
      }
      for (const auto& [x, y] : pairs) {
        if (a.kind == ActionKind::kPartition)
          net_.partition(x, y);
        else
          net_.heal(x, y);
      }
      return {};
    }
    default: return {};
  }
}

Status World::flood(const Action& a) {
  const Host* target = s_.find_host(a.host);
  if (!target || target->addresses.empty()) return Error(ErrorCode::kConfig, "flood: no target host");
  const FloodSpec& f = a.flood;
  Subnet sources = f.sources ? *f.sources : *Subnet::parse("198.51.100.0/24");
  IpAddress dst_addr = target->addresses.front();
  for (const auto& addr : target->addresses)
    if (addr.family() == sources.addr.family()) dst_addr = addr;
  std::string text = f.ike.empty() ? std::string(kDefaultIkeProposals[0]) : f.ike;
  TRY_ASSIGN(auto proposals, crypto::parse_proposals(v2::ProtocolId::IKE, text));
  if (proposals.empty()) return Error(ErrorCode::kConfig, "flood: no proposal");
  const v2::Transform* dh = proposals.front().find(v2::TransformType::DH);
  v2::DhGroup group = dh ? static_cast<v2::DhGroup>(dh->id) : v2::DhGroup::MODP_2048;
  size_t ke_size = crypto::public_value_size(group);
  if (ke_size == 0) ke_size = 256;
  auto rng = std::make_shared<SeededRandom>(SeededRandom(seed_).fork(stream_label("flood:" + a.host)));
  double rate = f.rate > 0 ? f.rate : 100;
  for (uint32_t k = 0; k < f.count; ++k) {
    Duration at = seconds(static_cast<double>(k) / rate);
    loop_.schedule(at, [this, rng, proposals, group, ke_size, sources, dst_addr, f] {
      // A spoofed IKE_SA_INIT request (RFC 7296 §1.2): fresh SPI, nonce and KE data from a
      // random address of the source range, as a flood of half-open SAs looks.
      v2::Message m;
      m.header.spi_i = rng->next_u64() | 1;
      m.header.exchange = v2::ExchangeType::IkeSaInit;
      m.header.flags = v2::kFlagInitiator;
      m.payloads.push_back(v2::make_payload(v2::PayloadType::SA, v2::SaPayload{proposals}));
      m.payloads.push_back(v2::make_payload(v2::PayloadType::KE, v2::KePayload{group, rng->bytes(ke_size)}));
      m.payloads.push_back(v2::make_payload(v2::PayloadType::Nonce, v2::NoncePayload{rng->bytes(32)}));
      auto bytes = v2::serialize(m);
      if (!bytes.ok()) return;
      Bytes raw = sources.addr.to_bytes();
      unsigned host_bits = (raw.size() * 8) - sources.prefix;
      uint64_t span = host_bits >= 32 ? 0xffffffffull : ((1ull << host_bits) - 1);
      uint64_t pick = span > 1 ? 1 + rng->uniform(span - 1) : 0;
      for (size_t b = 0; b < 8 && b < raw.size(); ++b)
        raw[raw.size() - 1 - b] |= static_cast<uint8_t>((pick >> (8 * b)) & 0xff);
      auto src_addr = IpAddress::from_bytes(raw);
      if (!src_addr) return;
      Endpoint src{*src_addr, 500};
      Endpoint dst{dst_addr, f.port};
      Bytes udp = net::frame_ike(src.port, dst.port, *bytes);
      (void)net_.inject(src, dst, udp, "flood");
    });
  }
  return {};
}

Status World::do_action(const Action& a) {
  ScenarioHost* host = nullptr;
  if (!a.host.empty()) {
    auto it = hosts_.find(a.host);
    if (it != hosts_.end()) host = it->second.get();
  }
  auto need_host = [&]() -> Status {
    if (!host) return Error(ErrorCode::kConfig, "no host '" + a.host + "'");
    return {};
  };
  switch (a.kind) {
    case ActionKind::kStart: TRY(need_host()); return host->start();
    case ActionKind::kStop: TRY(need_host()); host->stop(); return {};
    case ActionKind::kRestart:
      TRY(need_host());
      host->stop();
      return host->start();
    case ActionKind::kInitiate: TRY(need_host()); return host->initiate(a.conn, a.ike_only);
    case ActionKind::kRekey: TRY(need_host()); return host->rekey(a.conn, a.sa);
    case ActionKind::kTerminate: TRY(need_host()); return host->terminate(a.conn, a.sa);
    case ActionKind::kFault: TRY(need_host()); return host->add_fault(a.fault);
    case ActionKind::kClearFaults: TRY(need_host()); host->clear_faults(); return {};
    case ActionKind::kImpair:
    case ActionKind::kPartition:
    case ActionKind::kHeal: return set_link(a);
    case ActionKind::kHostDown: return net_.set_host_up(a.host, false);
    case ActionKind::kHostUp: return net_.set_host_up(a.host, true);
    case ActionKind::kFlood: return flood(a);
    case ActionKind::kTraffic: TRY(need_host()); return host->traffic(a.conn, a.traffic);
    case ActionKind::kMisbehave: TRY(need_host()); return host->misbehave(a.impairments, a.conn, a.clear);
    case ActionKind::kNote: return {};
  }
  return {};
}

void World::run() {
  auto started = std::chrono::steady_clock::now();
  Status st = setup_network();
  if (st.ok()) st = setup_outputs();
  if (st.ok()) {
    if (capture_) result_.artifacts["capture"] = "capture.pcap";
    if (keys_) result_.artifacts["keys"] = ".";
    evaluator_ = std::make_unique<Evaluator>(s_, record_);
    record_.trace = trace_.get();
    st = setup_hosts();
  }
  if (st.ok()) {
    // Autostarted hosts start before anything else happens at time 0.
    for (const auto& h : s_.hosts) {
      if (!h.autostart) continue;
      if (auto s = hosts_.at(h.name)->start(); !s.ok()) {
        st = Error(s.error().code(), "host '" + h.name + "' does not start: " + s.error().reason());
        break;
      }
    }
  }
  if (st.ok()) {
    schedule_timeline();
    poll_pending();
    loop_.run_until(Time{0} + s_.duration);
  }
  if (!st.ok()) fail(st.error().reason());
  finish();
  result_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void World::finish() {
  if (trace_) trace_->finish();
  record_.end = loop_.now();
  result_.virtual_seconds = secs(loop_.now());
  for (const auto& [n, h] : hosts_) {
    record_.final_sas[n] = h->sas();
    record_.final_tables[n] = h->backend(loop_.now());
  }
  // The messages, one per logical message of the trace (indices kept, so expectations can
  // name them).
  if (trace_) {
    for (const auto& m : trace_->messages()) {
      reports::WireMessage w;
      const auto& d = m.decoded;
      w.t = secs(m.sent);
      w.from = m.from;
      w.to = m.to;
      w.src = m.src.to_string();
      w.dst = m.dst.to_string();
      w.ike_version = d.family;
      w.exchange = d.exchange_name;
      w.response = d.response;
      w.message_id = d.message_id;
      for (const auto& p : d.payloads) w.payloads.push_back(p.label);
      w.summary = d.summary;
      w.bytes = d.bytes;
      size_t drops = 0;
      bool reordered = false;
      for (size_t di : m.datagrams) {
        const auto& dg = trace_->datagrams()[di];
        drops += dg.drops.size();
        reordered = reordered || dg.reordered;
        if (!w.frame && dg.frame) w.frame = dg.frame;
      }
      if (m.received.empty())
        w.fate = "dropped";
      else if (m.received.size() > 1)
        w.fate = "duplicated";
      else if (reordered)
        w.fate = "reordered";
      else
        w.fate = "delivered";
      w.retransmit = m.retransmit;
      w.encrypted = d.encrypted;
      w.decrypted = d.decrypted;
      std::string note = d.problem;
      if (drops > 0) {
        std::string reasons;
        for (size_t di : m.datagrams)
          for (const auto& r : trace_->datagrams()[di].drops) reasons += (reasons.empty() ? "" : ", ") + r;
        note += (note.empty() ? "" : "; ") + std::string("lost: ") + reasons;
      }
      w.note = note;
      result_.messages.push_back(std::move(w));
    }
    for (const auto& e : trace_->capture_errors()) notes_.push_back("capture: " + e);
  }
  // Log lines as events (the report shows them per host).
  for (const auto& [n, h] : hosts_) {
    const auto& lines = h->log_lines();
    size_t limit = std::min<size_t>(lines.size(), 20000);
    for (size_t i = 0; i < limit; ++i) {
      const LogLine& line = lines[i];
      add_event(line.t, n, "log", HostLog::format(line), line.level <= 1 ? "info" : "debug");
    }
  }
  std::stable_sort(result_.events.begin(), result_.events.end(),
                   [](const reports::Event& a, const reports::Event& b) { return a.t < b.t; });
  // The verdicts.
  bool all_passed = true;
  if (evaluator_ && error_.empty()) {
    for (const auto& e : s_.expect) {
      CheckOutcome c = evaluator_->check(e);
      reports::Expectation x;
      x.id = e.id.empty() ? std::string(name(e.kind())) + "@" + e.src.describe() : e.id;
      x.description = e.description.empty() ? std::string(name(e.kind())) + " check at " + e.src.describe()
                                             : e.description;
      x.rfc = e.rfc;
      x.passed = c.passed;
      x.expected = c.expected;
      x.actual = c.actual;
      if (c.t) x.t = secs(*c.t);
      std::set<size_t> related(c.messages.begin(), c.messages.end());
      x.related_messages.assign(related.begin(), related.end());
      all_passed = all_passed && c.passed;
      result_.expectations.push_back(std::move(x));
    }
  }
  if (!error_.empty()) {
    result_.status = reports::kError;
    result_.error = error_;
  } else {
    result_.status = all_passed ? reports::kPassed : reports::kFailed;
  }
  if (keys_)
    for (const auto& n : keys_->notes()) notes_.push_back(n.sa + ": " + n.reason);
  result_.notes.insert(result_.notes.end(), notes_.begin(), notes_.end());
  if (capture_) (void)capture_->close();
  // The files written at the end.
  if (!o_.folder.empty()) {
    for (const auto& [n, h] : hosts_) {
      std::string dump = h->sa_dump();
      (void)reports::write_file_atomically(o_.folder + "/" + n + ".sa.txt", dump);
      result_.artifacts["sa:" + n] = n + ".sa.txt";
    }
    result_.artifacts["result"] = "result.json";
  }
}

}  // namespace

std::string scenario_folder(const std::string& file, const std::string& scenario_name) {
  fs::path p = fs::path(file).lexically_normal();
  std::vector<std::string> parts;
  for (const auto& part : p) parts.push_back(part.string());
  for (size_t i = parts.size(); i-- > 0;) {
    if (parts[i] != "scenarios") continue;
    std::string out;
    for (size_t j = i + 1; j + 1 < parts.size(); ++j) out += parts[j] + "/";
    return out + scenario_name;
  }
  return scenario_name;
}

reports::ScenarioResult run_sim(const Scenario& scenario, const SimOptions& options) {
  reports::ScenarioResult result;
  result.name = scenario.name;
  result.file = scenario.file;
  result.description = scenario.description;
  result.references = scenario.references;
  result.tags = scenario.tags;
  result.seed = options.seed.value_or(scenario.seed);
  result.mode = "sim";
  try {
    World world(scenario, options, result);
    world.run();
  } catch (const std::exception& e) {
    result.status = reports::kError;
    result.error = std::string("the run threw: ") + e.what();
  }
  // Artifact paths relative to the report's top folder.
  if (!options.folder.empty()) {
    std::string prefix = options.folder;
    if (!options.report_root.empty()) {
      std::error_code ec;
      auto rel = fs::relative(options.folder, options.report_root, ec);
      if (!ec) prefix = rel.string();
    }
    for (auto& [role, path] : result.artifacts)
      path = path == "." ? prefix : prefix + "/" + path;
    nlohmann::ordered_json j;
    reports::to_json(j, result);
    (void)reports::write_file_atomically(options.folder + "/result.json", j.dump(2) + "\n");
  }
  return result;
}

}  // namespace ikesuite::harness::run
