#include "fuzz/ikev2_engine/driver.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "engine/crypto/sk.h"
#include "engine/wire/ikev2/message.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::ikev2::fuzz {

namespace {

constexpr const char* kMoon = "moon";
constexpr const char* kSun = "sun";
constexpr const char* kInjector = "fuzzer";
// A settle that runs this many events without the network going quiet is a livelock.
constexpr size_t kMaxSettleSteps = 20000;
// One time operation advances the clock by at most this much (lifetimes, retransmission
// give-up and half-open timeouts all fit).
constexpr int kMaxAdvanceSeconds = 300;

std::string side_name(Side s) { return s == Side::Initiator ? "initiator" : "responder"; }
Side other(Side s) { return s == Side::Initiator ? Side::Responder : Side::Initiator; }

bool valid(IkeSaState s) {
  return static_cast<unsigned>(s) <= static_cast<unsigned>(IkeSaState::Destroying);
}
bool valid(ChildSaState s) {
  return static_cast<unsigned>(s) <= static_cast<unsigned>(ChildSaState::Destroying);
}

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

// --- configuration -------------------------------------------------------------------------

v2::Proposal proposal(v2::ProtocolId protocol, std::vector<v2::Transform> transforms) {
  v2::Proposal p;
  p.protocol = protocol;
  p.transforms = std::move(transforms);
  return p;
}

// Cheap key exchanges keep an execution within a few milliseconds: Curve25519 and ECP-256,
// with AES-GCM (AEAD) preferred and AES-CBC/HMAC (classic SK protection) as the alternative.
std::vector<v2::Proposal> ike_proposals(uint8_t variant) {
  auto gcm = proposal(v2::ProtocolId::IKE,
                      {v2::make_transform(v2::EncrId::AES_GCM_16, 128),
                       v2::make_transform(v2::PrfId::HMAC_SHA2_256),
                       v2::make_transform(v2::DhGroup::CURVE25519)});
  auto cbc = proposal(v2::ProtocolId::IKE,
                      {v2::make_transform(v2::EncrId::AES_CBC, 128),
                       v2::make_transform(v2::IntegId::HMAC_SHA2_256_128),
                       v2::make_transform(v2::PrfId::HMAC_SHA2_256),
                       v2::make_transform(v2::DhGroup::ECP_256)});
  if (variant & variant::kCbcFirst) return {cbc, gcm};
  return {gcm, cbc};
}

std::vector<v2::Proposal> esp_proposals(uint8_t variant) {
  auto plain = proposal(v2::ProtocolId::ESP, {v2::make_transform(v2::EncrId::AES_GCM_16, 128),
                                              v2::make_transform(v2::EsnId::NoEsn)});
  auto pfs = proposal(v2::ProtocolId::ESP,
                      {v2::make_transform(v2::EncrId::AES_CBC, 128),
                       v2::make_transform(v2::IntegId::HMAC_SHA2_256_128),
                       v2::make_transform(v2::DhGroup::CURVE25519),
                       v2::make_transform(v2::EsnId::NoEsn)});
  if (variant & variant::kPfsFirst) return {pfs, plain};
  return {plain, pfs};
}

struct HostPlan {
  const char* name;
  const char* address;
  const char* id;
  const char* subnet;
};
constexpr HostPlan kMoonPlan{kMoon, "192.168.0.1", "moon.strongswan.org", "10.1.0.0/16"};
constexpr HostPlan kSunPlan{kSun, "192.168.0.2", "sun.strongswan.org", "10.2.0.0/16"};

// net-net between the two hosts (seed 001's moon/sun, PSK), with lifetimes short enough for
// the time operations to reach every rekey and expiry; and a roadwarrior connection that
// accepts anyone, so IKE_AUTH's peer config switching has somewhere to go.
std::vector<PeerConfig> connections(const HostPlan& me, const HostPlan& peer, bool initiator,
                                    uint8_t variant) {
  PeerConfig c;
  c.name = kConnection;
  c.local_addr = *IpAddress::parse(me.address);
  c.remote_addr = *IpAddress::parse(peer.address);
  c.local.id = *Identity::parse(me.id);
  c.remote.id = *Identity::parse(peer.id);
  c.ike_proposals = ike_proposals(variant);
  c.ike_lifetime = seconds(120);
  c.margintime = seconds(20);
  c.rekeyfuzz = 0.5;
  c.keyingtries = 2;
  if (variant & variant::kDpd) {
    c.dpd_delay = seconds(10);
    c.dpd_action = DpdAction::Restart;
  }
  c.fragmentation = (variant & variant::kFragments) ? Fragmentation::Force : Fragmentation::Yes;
  if ((variant & variant::kChildless) && initiator) c.childless = Childless::Force;
  ChildConfig child;
  child.name = kConnection;
  child.local_ts = {*Subnet::parse(me.subnet)};
  child.remote_ts = {*Subnet::parse(peer.subnet)};
  child.esp_proposals = esp_proposals(variant);
  child.lifetime = seconds(60);
  child.margintime = seconds(10);
  child.rekeyfuzz = 0.5;
  if (variant & variant::kTransport) child.mode = sa::Mode::Transport;
  c.children.push_back(child);

  PeerConfig rw;
  rw.name = "rw";
  rw.local_addr = c.local_addr;
  rw.local.id = c.local.id;
  rw.remote.id = *Identity::parse("%any");
  rw.ike_proposals = c.ike_proposals;
  rw.fragmentation = c.fragmentation;
  ChildConfig rw_child = child;
  rw_child.name = "rw";
  rw_child.remote_ts.clear();  // the peer's own address
  rw.children.push_back(rw_child);
  return {c, rw};
}

Settings settings(uint8_t variant) {
  Settings s;
  s.retransmit_timeout = seconds(2);
  s.retransmit_tries = 3;
  s.retransmit_jitter = 20;
  s.delete_rekeyed_delay = seconds(2);
  s.half_open_timeout = seconds(30);
  if (variant & variant::kCookies) s.cookie_threshold = 1;
  if (variant & variant::kFragments) s.fragment_size = 256;
  s.make_before_break = (variant & variant::kMakeBeforeBreak) != 0;
  return s;
}

Credentials credentials() {
  Credentials creds;
  SharedKey k;
  k.ids = {*Identity::parse("moon.strongswan.org"), *Identity::parse("sun.strongswan.org")};
  k.secret = to_bytes("fuzzing-secret");
  creds.shared_keys.push_back(k);
  SharedKey carol;
  carol.ids = {*Identity::parse("carol@strongswan.org")};
  carol.secret = to_bytes("carol-secret");
  creds.shared_keys.push_back(carol);
  return creds;
}

constexpr int kErrnos[] = {EPROTONOSUPPORT, ENOMEM, EEXIST, ESRCH, EINVAL, ENOBUFS, EAGAIN, ENOENT};

}  // namespace

// --- hosts ---------------------------------------------------------------------------------

// Forwards a host's log lines with the virtual time and the host's name.
class HostLogger final : public Logger {
 public:
  HostLogger(Logger& out, const Clock& clock, std::string host)
      : out_(out), clock_(clock), host_(std::move(host)) {}
  void log(LogGroup group, int level, std::string_view text) override {
    out_.log(group, level, format_seconds(clock_.now()) + " " + host_ + " [" +
                               std::string(name(group)) + "] " + std::string(text));
  }
  bool enabled(LogGroup group, int level) const override { return out_.enabled(group, level); }

 private:
  Logger& out_;
  const Clock& clock_;
  std::string host_;
};

// Records what the engine reports: broken invariants, and the states its SAs enter.
class World::Watcher final : public Observer {
 public:
  Watcher(World& world, Side side) : world_(world), side_(side) {}
  void on_ike_state(const IkeSaRef& sa, IkeSaState from, IkeSaState to) override {
    (void)sa, (void)from;
    world_.states_seen_.insert(side_name(side_) + " IKE " + std::string(name(to)));
  }
  void on_child_state(const ChildSaRef& sa, ChildSaState from, ChildSaState to) override {
    (void)sa, (void)from;
    world_.states_seen_.insert(side_name(side_) + " CHILD " + std::string(name(to)));
  }
  void on_invariant_violation(std::string_view what) override {
    world_.violation(side_name(side_) + " engine reported: " + std::string(what));
  }

 private:
  World& world_;
  Side side_;
};

struct World::Host {
  Side side;
  std::string name;
  IpAddress address;
  std::unique_ptr<SeededRandom> rng;
  std::unique_ptr<Logger> log;
  sa::MemoryBackend* memory = nullptr;
  std::unique_ptr<sa::FaultInjector> kernel;
  std::unique_ptr<net::Transport> transport;
  std::unique_ptr<Watcher> watcher;
  std::unique_ptr<Engine> engine;
};

World::World(StartState start, bool swap_roles, uint8_t variant, WorldOptions options)
    : options_(std::move(options)),
      loop_(std::make_unique<clock::VirtualEventLoop>()),
      net_(std::make_unique<net::SimNetwork>(*loop_, kSeed)),
      rng_(kSeed ^ 0x5eed) {
  net_->add_tap([this](const net::WireEvent& e) { on_wire(e); });
  const HostPlan& ini = swap_roles ? kSunPlan : kMoonPlan;
  const HostPlan& res = swap_roles ? kMoonPlan : kSunPlan;
  add_host(Side::Initiator, ini.name, *IpAddress::parse(ini.address), variant);
  add_host(Side::Responder, res.name, *IpAddress::parse(res.address), variant);
  for (auto& c : connections(ini, res, true, variant))
    if (auto s = host(Side::Initiator).engine->add_connection(std::move(c)); !s.ok())
      violation("configuration refused: " + s.error().message());
  for (auto& c : connections(res, ini, false, variant))
    if (auto s = host(Side::Responder).engine->add_connection(std::move(c)); !s.ok())
      violation("configuration refused: " + s.error().message());
  current_op_ = "start " + std::string(name(start));
  build(start);
  check();
}

World::~World() {
  // Engines first (they hold the transports, backends and loop), then the network.
  for (auto& h : hosts_)
    if (h) h->engine.reset();
  for (auto& h : hosts_)
    if (h) h->transport.reset();
  net_.reset();
  for (auto& h : hosts_) h.reset();
  loop_.reset();
}

void World::add_host(Side side, const std::string& name, const IpAddress& address,
                     uint8_t variant) {
  auto h = std::make_unique<Host>();
  h->side = side;
  h->name = name;
  h->address = address;
  h->rng = std::make_unique<SeededRandom>(SeededRandom(kSeed).fork(name == kMoon ? 1 : 2));
  if (options_.log) {
    h->log = std::make_unique<HostLogger>(*options_.log, *loop_, name);
  } else {
    h->log = std::make_unique<NullLogger>();
  }
  auto memory = std::make_unique<sa::MemoryBackend>(*loop_, *loop_, *h->rng);
  h->memory = memory.get();
  h->kernel = std::make_unique<sa::FaultInjector>(std::move(memory), h->log.get());
  auto transport = net_->attach(name, {address});
  if (!transport.ok()) {
    violation("attaching " + name + " failed: " + transport.error().message());
    return;
  }
  h->transport = std::move(*transport);
  h->watcher = std::make_unique<Watcher>(*this, side);
  Env env{*loop_, *loop_, *h->rng, *h->log, *h->kernel, *h->transport, h->watcher.get()};
  h->engine = std::make_unique<Engine>(env, settings(variant), credentials());
  Engine* engine = h->engine.get();
  h->transport->set_receiver([engine](const net::Datagram& d) { engine->on_datagram(d); });
  h->kernel->set_expire_handler([engine](const sa::ExpireEvent& e) { engine->on_expire(e); });
  hosts_[static_cast<size_t>(side)] = std::move(h);
}

World::Host& World::host(Side side) { return *hosts_[static_cast<size_t>(side)]; }
const World::Host& World::host(Side side) const { return *hosts_[static_cast<size_t>(side)]; }
Engine& World::engine(Side side) { return *host(side).engine; }
sa::MemoryBackend& World::memory(Side side) { return *host(side).memory; }
sa::FaultInjector& World::kernel(Side side) { return *host(side).kernel; }

Side World::side_of(const std::string& host_name) const {
  return host(Side::Initiator).name == host_name ? Side::Initiator : Side::Responder;
}

Endpoint World::endpoint(Side side, uint16_t port) const { return {host(side).address, port}; }

std::vector<const IkeSa*> World::live_ike_sas(Side side) const {
  std::vector<const IkeSa*> out;
  for (const IkeSa* ike : host(side).engine->ike_sas())
    if (ike->state != IkeSaState::Destroying) out.push_back(ike);
  std::sort(out.begin(), out.end(),
            [](const IkeSa* a, const IkeSa* b) { return a->unique_id < b->unique_id; });
  return out;
}

void World::violation(const std::string& what) {
  std::string line = "after step " + std::to_string(step_) + " (" + current_op_ + "): " + what;
  if (options_.trap) {
    std::fprintf(stderr, "ikev2_engine invariant violated %s\n", line.c_str());
    std::fflush(stderr);
    __builtin_trap();
  }
  violations_.push_back(std::move(line));
}

// --- start states --------------------------------------------------------------------------

void World::build(StartState start) {
  Engine& initiator = engine(Side::Initiator);
  const std::string& ini = host(Side::Initiator).name;
  const std::string& res = host(Side::Responder).name;
  auto cut = [&] {
    if (!options_.record) net_->partition(ini, res);
    cut_at_ = sent_total_;
  };
  auto establish = [&] {
    (void)initiator.initiate(kConnection);
    settle();
  };
  switch (start) {
    case StartState::FreshResponder:
      cut_at_ = 0;
      break;
    case StartState::InitSent:
      cut();
      establish();
      break;
    case StartState::InitAnswered:
      // The request reaches the responder, its answer is lost; then nothing gets through.
      if (!options_.record) {
        net::Impairment lost;
        lost.loss = 1.0;
        (void)net_->set_impairment(res, ini, lost, false);
      }
      cut_at_ = sent_total_ + 1;
      establish();
      if (!options_.record) {
        net_->clear_impairment(res, ini, false);
        net_->partition(ini, res);
      }
      break;
    case StartState::Established:
      establish();
      cut_at_ = sent_total_;
      break;
    case StartState::ChildRekeying:
      establish();
      cut();
      (void)initiator.rekey_child(kConnection);
      settle();
      break;
    case StartState::IkeRekeying:
      establish();
      cut();
      (void)initiator.rekey_ike(kConnection);
      settle();
      break;
    case StartState::Deleting:
      establish();
      cut();
      (void)initiator.terminate_ike(kConnection);
      settle();
      break;
  }
}

void World::settle() {
  size_t steps = 0;
  while (net_->in_flight() > 0) {
    if (!loop_->step()) break;
    if (++steps > kMaxSettleSteps) {
      violation("the network does not settle: " + std::to_string(steps) +
                " events with datagrams still in flight");
      return;
    }
  }
}

// --- the wire ------------------------------------------------------------------------------

void World::on_wire(const net::WireEvent& e) {
  bool from_host = e.from == kMoon || e.from == kSun;
  bool to_host = e.to == kMoon || e.to == kSun;
  if (e.fate == net::Fate::kSent && from_host) {
    ++sent_total_;
    SentDatagram d{side_of(e.from), to_host ? side_of(e.to) : other(side_of(e.from)), e.src,
                   e.dst, Bytes(e.payload.begin(), e.payload.end()), e.time};
    if (options_.on_send) options_.on_send(*this, d);
    sent_.push_back(std::move(d));
    if (sent_.size() > kReplayHistory) sent_.pop_front();
    // RFC 7296 §2.3: with a window of one, request N+1 waits for the response to request N.
    auto ike = net::unframe_ike(e.src.port, e.dst.port, e.payload);
    if (!ike) return;
    auto h = v2::parse_header(*ike);
    if (!h.ok() || h->response()) return;
    Side from = side_of(e.from);
    uint64_t spi = h->initiator() ? h->spi_i : h->spi_r;
    Window& w = windows_[{from, spi}];
    uint32_t mid = h->message_id;
    if (!w.highest_request || mid > *w.highest_request) {
      if (mid != 0 && !w.responses.contains(mid - 1))
        violation(side_name(from) + " sent request " + std::to_string(mid) + " on IKE SA " +
                  hex64(spi) + " without having received the response to request " +
                  std::to_string(mid - 1));
      w.highest_request = mid;
    }
    return;
  }
  if (e.fate == net::Fate::kDelivered && to_host) {
    auto ike = net::unframe_ike(e.dst.port == net::kNattPort ? net::Framing::kNonEspMarker
                                                              : net::Framing::kPlain,
                                e.payload);
    if (!ike) return;
    auto h = v2::parse_header(*ike);
    if (!h.ok() || !h->response()) return;
    uint64_t spi = h->initiator() ? h->spi_r : h->spi_i;
    windows_[{side_of(e.to), spi}].responses.insert(h->message_id);
  }
}

void World::deliver(const Target& at, ByteView ike) {
  Side peer = other(at.to);
  Endpoint src, dst;
  Bytes udp;
  switch (at.port) {
    case PortMode::Ike500:
      src = endpoint(peer, net::kIkePort);
      dst = endpoint(at.to, net::kIkePort);
      udp.assign(ike.begin(), ike.end());
      break;
    case PortMode::Natt4500:
      src = endpoint(peer, net::kNattPort);
      dst = endpoint(at.to, net::kNattPort);
      udp = net::frame_ike(net::Framing::kNonEspMarker, ike);
      break;
    case PortMode::Raw4500:
      src = endpoint(peer, net::kNattPort);
      dst = endpoint(at.to, net::kNattPort);
      udp.assign(ike.begin(), ike.end());
      break;
    case PortMode::ExplicitSource:
      src = endpoint(peer, at.src_port);
      dst = endpoint(at.to, net::kNattPort);
      udp = net::frame_ike(net::Framing::kNonEspMarker, ike);
      break;
  }
  (void)net_->inject(src, dst, udp, kInjector);
  settle();
}

// --- operations ----------------------------------------------------------------------------

void World::apply(const Op& op) {
  ++step_;
  current_op_ = describe(op);
  std::visit(
      [this](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, RawOp>) apply_raw(o);
        if constexpr (std::is_same_v<T, ClearOp>) apply_clear(o);
        if constexpr (std::is_same_v<T, SealedOp>) apply_sealed(o);
        if constexpr (std::is_same_v<T, TimeOp>) apply_time(o);
        if constexpr (std::is_same_v<T, KernelOp>) apply_kernel(o);
        if constexpr (std::is_same_v<T, ApiOp>) apply_api(o);
        if constexpr (std::is_same_v<T, NetworkOp>) apply_network(o);
        if constexpr (std::is_same_v<T, ReplayOp>) apply_replay(o);
      },
      op);
}

void World::apply_raw(const RawOp& op) { deliver(op.at, op.udp_payload); }

uint32_t natural_message_id(const IkeSa* ike, bool response) {
  if (!ike) return 0;
  if (!response) return ike->expected_request_mid;
  if (ike->outstanding) return ike->outstanding->message_id;
  return ike->next_request_mid > 0 ? ike->next_request_mid - 1 : 0;
}

uint8_t natural_flags(const IkeSa* ike, bool response) {
  // The target's peer is the original initiator unless the target is; with no IKE SA yet the
  // peer is starting one.
  bool peer_is_initiator = ike ? !ike->initiator : true;
  return static_cast<uint8_t>((peer_is_initiator ? v2::kFlagInitiator : 0) |
                              (response ? v2::kFlagResponse : 0));
}

namespace {

uint32_t message_id(const IkeSa* ike, bool response, const MessageId& m) {
  uint32_t mid = natural_message_id(ike, response);
  switch (m.mode) {
    case MidMode::Natural: return mid;
    case MidMode::Explicit: return m.value;
    case MidMode::Previous: return mid - 1;
    case MidMode::Next: return mid + 1;
  }
  return mid;
}

uint8_t header_flags(const IkeSa* ike, uint8_t flags) {
  if (flags & kFlagsVerbatim) return flags & 0x7f;
  return natural_flags(ike, (flags & kFlagsResponse) != 0);
}

}  // namespace

void World::apply_clear(const ClearOp& op) {
  auto sas = live_ike_sas(op.at.to);
  const IkeSa* ike = sas.empty() ? nullptr : sas[op.sa % sas.size()];
  uint8_t flags = header_flags(ike, op.flags);
  wire::Writer w;
  w.u64(op.spi_i.value_or(ike ? ike->spi_i : 0));
  w.u64(op.spi_r.value_or(ike ? ike->spi_r : 0));
  w.u8(op.first_payload);
  w.u8(0x20);  // RFC 7296 §3.1: major version 2, minor 0
  w.u8(op.exchange);
  w.u8(flags);
  w.u32(message_id(ike, flags & v2::kFlagResponse, op.mid));
  w.u32(static_cast<uint32_t>(v2::Header::kSize + op.chain.size()));
  w.bytes(op.chain);
  auto bytes = std::move(w).finish();
  if (bytes.ok()) deliver(op.at, *bytes);
}

void World::apply_sealed(const SealedOp& op) {
  auto sas = live_ike_sas(op.at.to);
  if (sas.empty()) return;
  const IkeSa* ike = sas[op.sa % sas.size()];
  if (!ike->suite) return;  // no keys yet: nothing the peer could protect
  // The peer protects with the keys of its own role (RFC 7296 §2.14: SK_ei/SK_ai for the
  // original initiator, SK_er/SK_ar for the responder).
  bool peer_is_initiator = !ike->initiator;
  crypto::SkKeys keys{peer_is_initiator ? ike->keys.SK_ei : ike->keys.SK_er,
                      peer_is_initiator ? ike->keys.SK_ai : ike->keys.SK_ar};
  v2::Header h;
  h.spi_i = ike->spi_i;
  h.spi_r = ike->spi_r;
  h.exchange = static_cast<v2::ExchangeType>(op.exchange);
  h.flags = header_flags(ike, op.flags);
  h.message_id = message_id(ike, h.flags & v2::kFlagResponse, op.mid);
  auto first = static_cast<v2::PayloadType>(op.first_payload);
  size_t body_size = crypto::sealed_size(*ike->suite, op.chain.size());
  v2::Message m;
  m.header = h;
  if (op.fragment) {
    v2::EncryptedFragmentPayload skf;
    skf.inner_first = first;
    skf.fragment_number = op.fragment->first;
    skf.total_fragments = op.fragment->second;
    skf.body.assign(body_size, 0);
    m.payloads.push_back(v2::make_payload(v2::PayloadType::SKF, std::move(skf)));
  } else {
    m.payloads.push_back(
        v2::make_payload(v2::PayloadType::SK, v2::EncryptedPayload{first, Bytes(body_size, 0)}));
  }
  auto prefix = v2::serialize(m);
  if (!prefix.ok()) return;
  prefix->resize(prefix->size() - body_size);
  auto body = crypto::seal(*ike->suite, keys, *prefix, op.chain, rng_);
  if (!body.ok()) return;
  append(*prefix, *body);
  deliver(op.at, *prefix);
}

void World::apply_time(const TimeOp& op) {
  Duration d = op.amount >= 0x8000
                   ? seconds((op.amount - 0x8000) % (kMaxAdvanceSeconds + 1))
                   : Duration(std::chrono::milliseconds(op.amount));
  loop_->run_until(loop_->now() + d);
  settle();
}

void World::apply_kernel(const KernelOp& op) {
  Host& h = host(op.side);
  switch (op.kind) {
    case KernelKind::AddFault: {
      sa::FaultRule rule;
      rule.op = static_cast<sa::Operation>(op.a % 6);
      if (op.b % 4) rule.nth = op.b % 4;
      rule.times = op.c % 4;  // 0: every matching call from the nth on
      rule.err = kErrnos[op.d % std::size(kErrnos)];
      if (op.e % 3 == 1) rule.inbound = true;
      if (op.e % 3 == 2) rule.inbound = false;
      rule.note = "fuzzer";
      h.kernel->add_rule(rule);
      return;
    }
    case KernelKind::ClearFaults:
      h.kernel->clear_rules();
      return;
    case KernelKind::SoftExpire:
    case KernelKind::HardExpire: {
      std::vector<std::pair<const IkeSa*, const ChildSa*>> children;
      for (const IkeSa* ike : live_ike_sas(op.side))
        for (const auto& c : ike->children)
          if (c->state != ChildSaState::Destroying) children.push_back({ike, c.get()});
      if (children.empty()) return;
      auto [ike, child] = children[op.a % children.size()];
      bool inbound = op.b & 1;
      sa::ExpireEvent e;
      e.key = inbound ? sa::SaKey{child->protocol, child->spi_in, ike->local.addr}
                      : sa::SaKey{child->protocol, child->spi_out, ike->remote.addr};
      e.reqid = child->reqid;
      e.hard = op.kind == KernelKind::HardExpire;
      if (e.hard) {
        // As the kernel does: the state is deleted, then XFRM_MSG_EXPIRE is sent. An SA the
        // backend does not hold cannot expire.
        if (!h.memory->delete_sa(e.key).ok()) return;
      }
      h.kernel->inject_expire(e);
      settle();
      return;
    }
    case KernelKind::SpuriousExpire: {
      sa::ExpireEvent e;
      e.key = {sa::Protocol::ESP, op.spi, h.address};
      e.hard = op.a & 1;
      // A hard expire of an SA the backend holds is a real one: the kernel removes it first.
      if (e.hard && h.memory->find_sa(e.key)) (void)h.memory->delete_sa(e.key);
      h.kernel->inject_expire(e);
      settle();
      return;
    }
  }
}

void World::apply_api(const ApiOp& op) {
  invoke(engine(op.side), op.call);
  settle();
}

void invoke(Engine& e, ApiCall call) {
  switch (call) {
    case ApiCall::Initiate: (void)e.initiate(kConnection); break;
    case ApiCall::RekeyChild: (void)e.rekey_child(kConnection); break;
    case ApiCall::RekeyIke: (void)e.rekey_ike(kConnection); break;
    case ApiCall::TerminateChild: (void)e.terminate_child(kConnection); break;
    case ApiCall::TerminateIke: (void)e.terminate_ike(kConnection); break;
    case ApiCall::Reset: e.reset(); break;
  }
}

void World::apply_network(const NetworkOp& op) {
  const std::string& a = host(Side::Initiator).name;
  const std::string& b = host(Side::Responder).name;
  switch (op.kind) {
    case NetworkKind::Heal: net_->heal(a, b); break;
    case NetworkKind::Partition: net_->partition(a, b); break;
    case NetworkKind::Impair: {
      net::Impairment imp;
      imp.loss = op.a / 255.0;
      imp.duplicate = op.b / 255.0;
      imp.reorder = op.c / 255.0;
      imp.delay = std::chrono::microseconds(500 + 1000 * op.d);
      (void)net_->set_impairment(a, b, imp);
      break;
    }
    case NetworkKind::Clear: net_->clear_impairment(a, b); break;
    case NetworkKind::HostUp:
      (void)net_->set_host_up(host(op.a ? Side::Responder : Side::Initiator).name, op.b != 0);
      break;
  }
  settle();
}

void World::apply_replay(const ReplayOp& op) {
  if (sent_.empty()) return;
  const SentDatagram& d = sent_[sent_.size() - 1 - op.back % sent_.size()];
  Endpoint src = d.src;
  Endpoint dst = d.dst;
  Bytes payload = d.udp_payload;
  if ((op.mode & 1) && !payload.empty()) {
    // One byte changed (a corrupted copy, a flipped flag, a bumped length).
    size_t at = op.offset % payload.size();
    wire::Reader r(payload);
    (void)r.skip(at);
    uint8_t old = r.u8().value_or(0);
    wire::Writer w;
    w.bytes(payload);
    w.patch_u8(at, static_cast<uint8_t>(old ^ (op.xor_mask ? op.xor_mask : 1)));
    payload = std::move(w).finish().value_or(payload);
  }
  int copies = (op.mode & 2) ? 2 : 1;
  for (int i = 0; i < copies; ++i) (void)net_->inject(src, dst, payload, kInjector);
  settle();
}

// --- invariants ----------------------------------------------------------------------------

namespace {

bool delete_queued(const std::vector<const IkeSa*>& sas, uint32_t child_id) {
  auto names = [child_id](const Job& j) {
    if (j.kind != Job::Kind::DeleteChild) return false;
    return std::find(j.child_ids.begin(), j.child_ids.end(), child_id) != j.child_ids.end();
  };
  for (const IkeSa* ike : sas) {
    for (const Job& j : ike->queue)
      if (names(j)) return true;
    if (ike->outstanding && names(ike->outstanding->job)) return true;
  }
  return false;
}

bool delete_fault_fired(const sa::FaultInjector& k) {
  for (const auto& f : k.fired())
    if (f.op == sa::Operation::DeleteSa || f.op == sa::Operation::DeletePolicy) return true;
  return false;
}

}  // namespace

void World::check() {
  check_host(Side::Initiator);
  check_host(Side::Responder);
}

void World::check_host(Side side) {
  Host& h = host(side);
  std::string who = side_name(side) + " (" + h.name + ")";
  auto all = h.engine->ike_sas();
  std::set<uint64_t> spis;
  std::set<sa::SaKey> owned;
  std::set<sa::SaKey> reserved;
  std::set<uint32_t> reqids;
  for (const IkeSa* ike : all) {
    std::string label = who + " IKE_SA #" + std::to_string(ike->unique_id);
    if (!valid(ike->state)) {
      violation(label + " has state value " + std::to_string(static_cast<unsigned>(ike->state)));
      continue;
    }
    for (const auto& c : ike->children)
      if (!valid(c->state))
        violation(label + " CHILD_SA {" + std::to_string(c->unique_id) + "} has state value " +
                  std::to_string(static_cast<unsigned>(c->state)));
    if (ike->state == IkeSaState::Destroying) {
      for (const auto& c : ike->children)
        if (c->in_installed || c->out_installed || c->policies_installed || c->spi_reserved)
          violation(label + " is DESTROYING but CHILD_SA {" + std::to_string(c->unique_id) +
                    "} still holds kernel state");
      continue;
    }
    states_seen_.insert(side_name(side) + " IKE " + std::string(name(ike->state)));
    uint64_t spi = ike->my_spi();
    if (spi == 0) violation(label + " has SPI 0");
    if (!spis.insert(spi).second)
      violation(label + " shares SPI " + hex64(spi) + " with another live IKE_SA");

    auto now = std::make_pair(ike->next_request_mid, ike->expected_request_mid);
    auto [it, first_seen] = counters_.try_emplace({side, ike->unique_id}, now);
    const auto& before = it->second;
    if (!first_seen && (now.first < before.first || now.second < before.second))
      violation(label + " message IDs went backwards: next request " +
                std::to_string(before.first) + " -> " + std::to_string(now.first) +
                ", expected request " + std::to_string(before.second) + " -> " +
                std::to_string(now.second));
    it->second = now;
    if (ike->outstanding && ike->outstanding->message_id + 1 != ike->next_request_mid)
      violation(label + " has request " + std::to_string(ike->outstanding->message_id) +
                " outstanding but its next request ID is " +
                std::to_string(ike->next_request_mid));

    for (const auto& c : ike->children) {
      if (c->state == ChildSaState::Destroying) continue;
      std::string child = label + " CHILD_SA {" + std::to_string(c->unique_id) + "} (" +
                          std::string(name(c->state)) + ")";
      states_seen_.insert(side_name(side) + " CHILD " + std::string(name(c->state)));
      sa::SaKey in{c->protocol, c->spi_in, ike->local.addr};
      sa::SaKey out{c->protocol, c->spi_out, ike->remote.addr};
      if (c->in_installed) {
        owned.insert(in);
        if (!h.memory->find_sa(in))
          violation(child + " believes inbound SA " + hex32(c->spi_in) +
                    " installed, the backend does not have it");
      }
      if (c->out_installed) {
        owned.insert(out);
        if (!h.memory->find_sa(out))
          violation(child + " believes outbound SA " + hex32(c->spi_out) +
                    " installed, the backend does not have it");
      }
      if (c->spi_reserved) reserved.insert(in);
      if (c->policies_installed) reqids.insert(c->reqid);
      if (c->state == ChildSaState::Installed && !(c->in_installed && c->out_installed) &&
          !delete_queued(all, c->unique_id))
        violation(child + " is INSTALLED without its " +
                  (c->in_installed ? std::string("outbound") : std::string("inbound")) +
                  " SA and no Delete is queued");
    }
  }

  if (delete_fault_fired(*h.kernel)) return;  // a refused delete leaves state behind on purpose
  for (const auto& e : h.memory->list_sas())
    if (!owned.contains(e.spec.key))
      violation(who + " backend holds SA " + hex32(e.spec.key.spi) + " (" + e.spec.label +
                ") that no live CHILD_SA owns");
  for (const auto& r : h.memory->list_reserved_spis())
    if (!reserved.contains(r.key))
      violation(who + " backend holds a reservation of SPI " + hex32(r.key.spi) +
                " that no CHILD_SA owns");
  for (const auto& p : h.memory->list_policies())
    if (!reqids.contains(p.reqid))
      violation(who + " backend holds policy " + p.selector.to_string() + " " +
                std::string(sa::name(p.direction)) + " (reqid " + std::to_string(p.reqid) +
                ") that no live CHILD_SA owns");
}

void World::finish() {
  current_op_ = "finish";
  ++step_;
  bool relaxed[2];
  for (Side side : {Side::Initiator, Side::Responder}) {
    relaxed[static_cast<size_t>(side)] = delete_fault_fired(kernel(side));
    kernel(side).clear_rules();
  }
  for (Side side : {Side::Initiator, Side::Responder}) engine(side).reset();
  for (Side side : {Side::Initiator, Side::Responder}) {
    std::string who = side_name(side) + " (" + host(side).name + ")";
    if (!engine(side).ike_sas().empty())
      violation(who + " still has IKE_SAs after reset");
    if (relaxed[static_cast<size_t>(side)]) continue;
    const auto& m = memory(side);
    if (!m.list_sas().empty())
      violation(who + " backend keeps " + std::to_string(m.list_sas().size()) +
                " SAs after every IKE_SA was dropped");
    if (!m.list_reserved_spis().empty())
      violation(who + " backend keeps " + std::to_string(m.list_reserved_spis().size()) +
                " SPI reservations after every IKE_SA was dropped");
    if (!m.list_policies().empty())
      violation(who + " backend keeps " + std::to_string(m.list_policies().size()) +
                " policies after every IKE_SA was dropped");
  }
}

Outcome run(ByteView input, WorldOptions options) {
  Program program = decode(input);
  World world(program.start, program.swap_roles, program.variant, std::move(options));
  for (const Op& op : program.ops) {
    world.apply(op);
    world.check();
  }
  world.finish();
  return {world.violations(), world.states_seen(), program.ops.size()};
}

}  // namespace ikesuite::ikev2::fuzz
