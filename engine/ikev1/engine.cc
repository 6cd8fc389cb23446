// The engine's core: the public API, the ISAKMP SA table, cookies and message IDs, sending
// and retransmission, receiving with duplicate detection and the dispatch table, timers and
// kernel events. The exchanges live in phase1.cc, exchange_*.cc and child.cc.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/crypto/hash.h"
#include "engine/crypto/ikev1_keys.h"
#include "engine/ikev1/engine_impl.h"

namespace ikesuite::ikev1 {

// ---------------------------------------------------------------------------------------------
// Helpers

Bytes spi_bytes(uint32_t spi) {
  return {static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16),
          static_cast<uint8_t>(spi >> 8), static_cast<uint8_t>(spi)};
}

std::optional<uint32_t> spi_from_bytes(ByteView b) {
  if (b.size() != 4) return std::nullopt;
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

Bytes digest_of(ByteView data) {
  return crypto::digest(crypto::Hash::kSha256, data).value_or(Bytes(data.begin(), data.end()));
}

ChildSa* IkeSa::find_child(uint32_t id) {
  for (auto& c : children)
    if (c->unique_id == id) return c.get();
  return nullptr;
}

ChildSa* IkeSa::find_child_by_spi(uint32_t spi, bool inbound) {
  for (auto& c : children)
    if ((inbound ? c->spi_in : c->spi_out) == spi && c->state != ChildSaState::Destroying)
      return c.get();
  return nullptr;
}

Exchange* IkeSa::find_quick(uint32_t mid) {
  for (auto& q : quick)
    if (q->message_id == mid) return q.get();
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Engine: the public face forwards to Impl.

Engine::Engine(Env env, Settings settings, Credentials credentials)
    : impl_(std::make_unique<Impl>(env, std::move(settings), std::move(credentials))) {}
Engine::~Engine() = default;

Status Engine::add_connection(PeerConfig config) {
  auto refuse = [&](const std::string& why) {
    return Error(ErrorCode::kConfig, "connection '" + config.name + "': " + why);
  };
  if (config.name.empty()) return Error(ErrorCode::kConfig, "connection without a name");
  if (impl_->find_config(config.name)) return refuse("already exists");
  if (config.ike_proposals.empty()) return refuse("has no IKE proposals");
  // RFC 2409 §5: one authentication method serves both ends of an ISAKMP SA.
  if (config.local.auth != config.remote.auth)
    return refuse("IKEv1 authenticates both ends with the same method");
  if (config.local.auth == AuthClass::Null)
    return refuse("IKEv1 has no NULL authentication");
  if (!auth_method_for(config.local))
    return refuse("public key authentication needs a private RSA or ECDSA key");
  for (const auto& t : config.ike_proposals)
    if (auto c = crypto::Cipher::create_v1(t.encryption, t.key_length); !c.ok() || c->is_aead())
      return refuse(crypto::to_string(t) + " cannot protect IKEv1 messages");
  if (config.rekey && config.margintime >= config.ike_lifetime)
    return refuse("margintime must be shorter than ikelifetime");
  for (const auto& child : config.children) {
    if (child.esp_proposals.empty()) return refuse("CHILD_SA '" + child.name + "' has no ESP proposals");
    if (child.rekey && child.margintime >= child.lifetime)
      return refuse("margintime must be shorter than lifetime");
    if (child.start_action == StartAction::Route)
      return refuse("auto=route (trap policies) is not supported");
  }
  impl_->configs.push_back(std::make_unique<PeerConfig>(std::move(config)));
  impl_->log(LogGroup::kCfg, 1, "added configuration '" + impl_->configs.back()->name + "'");
  return {};
}

void Engine::start() {
  for (const auto& c : impl_->configs) {
    bool start = false;
    for (const auto& child : c->children) start |= child.start_action == StartAction::Start;
    if (start) (void)initiate(c->name);
  }
}

Status Engine::initiate(const std::string& conn) {
  const PeerConfig* config = impl_->find_config(conn);
  if (!config) return Error(ErrorCode::kNotFound, "no connection named '" + conn + "'");
  if (config->remote_addr.empty())
    return Error(ErrorCode::kConfig, "connection '" + conn + "' has no peer address (right=%any)");
  IkeSa* ike = impl_->find_established(config);
  if (!ike) {
    // A phase 1 of ours under way takes the Quick Modes too.
    for (auto& s : impl_->ike_sas)
      if (s->config == config && s->initiator && s->state == IkeSaState::Connecting &&
          !s->rekeyed_from)
        ike = s.get();
  }
  if (!ike) {
    ike = impl_->initiate_ike(config);
    if (!ike) return Error(ErrorCode::kInternal, "unable to initiate '" + conn + "'");
  }
  for (const auto& child : config->children) impl_->queue_quick(*ike, QuickJob{&child, 0});
  impl_->collect_garbage();
  return {};
}

Status Engine::rekey_child(const std::string& conn) {
  const PeerConfig* config = impl_->find_config(conn);
  IkeSa* ike = config ? impl_->find_established(config) : nullptr;
  if (!ike) return Error(ErrorCode::kNotFound, "no established IKE_SA for '" + conn + "'");
  std::vector<uint32_t> ids;
  for (auto& c : ike->children)
    if (c->state == ChildSaState::Installed) ids.push_back(c->unique_id);
  if (ids.empty()) return Error(ErrorCode::kNotFound, "no installed CHILD_SA for '" + conn + "'");
  for (uint32_t id : ids) impl_->queue_quick(*ike, QuickJob{nullptr, id});
  impl_->collect_garbage();
  return {};
}

Status Engine::rekey_ike(const std::string& conn) {
  const PeerConfig* config = impl_->find_config(conn);
  IkeSa* ike = config ? impl_->find_established(config) : nullptr;
  if (!ike) return Error(ErrorCode::kNotFound, "no established IKE_SA for '" + conn + "'");
  impl_->on_rekey_timer(*ike);
  impl_->collect_garbage();
  return {};
}

Status Engine::terminate_child(const std::string& conn) {
  const PeerConfig* config = impl_->find_config(conn);
  IkeSa* ike = config ? impl_->find_established(config) : nullptr;
  if (!ike) return Error(ErrorCode::kNotFound, "no established IKE_SA for '" + conn + "'");
  std::vector<uint32_t> ids;
  for (auto& c : ike->children)
    if (c->state == ChildSaState::Installed || c->state == ChildSaState::Rekeying)
      ids.push_back(c->unique_id);
  if (ids.empty()) return Error(ErrorCode::kNotFound, "no installed CHILD_SA for '" + conn + "'");
  impl_->delete_children(*ike, ids);
  impl_->collect_garbage();
  return {};
}

Status Engine::terminate_ike(const std::string& conn) {
  const PeerConfig* config = impl_->find_config(conn);
  if (!config) return Error(ErrorCode::kNotFound, "no connection named '" + conn + "'");
  std::vector<uint32_t> ids;
  for (auto& s : impl_->ike_sas)
    if (s->config == config && s->state != IkeSaState::Destroying) ids.push_back(s->unique_id);
  if (ids.empty()) return Error(ErrorCode::kNotFound, "no IKE_SA for '" + conn + "'");
  for (uint32_t id : ids) {
    IkeSa* ike = impl_->find_ike_by_id(id);
    if (!ike || ike->state == IkeSaState::Destroying) continue;
    if (ike->state == IkeSaState::Created || ike->state == IkeSaState::Connecting) {
      impl_->destroy_ike(*ike);
    } else {
      impl_->delete_ike(*ike, true);
    }
  }
  impl_->collect_garbage();
  return {};
}

void Engine::reset() {
  for (auto& ike : impl_->ike_sas)
    if (ike->state != IkeSaState::Destroying) impl_->destroy_ike(*ike);
  impl_->collect_garbage();
}

void Engine::on_datagram(const net::Datagram& d) { impl_->on_datagram(d); }
void Engine::on_expire(const sa::ExpireEvent& e) {
  impl_->on_expire(e);
  impl_->collect_garbage();
}
Impairments& Engine::impairments() { return impl_->impair; }
const Engine::Stats& Engine::stats() const { return impl_->stats; }

std::vector<const PeerConfig*> Engine::connections() const {
  std::vector<const PeerConfig*> out;
  for (const auto& c : impl_->configs) out.push_back(c.get());
  return out;
}

std::vector<const IkeSa*> Engine::ike_sas() const {
  std::vector<const IkeSa*> out;
  for (const auto& s : impl_->ike_sas) out.push_back(s.get());
  return out;
}

std::vector<IkeSaInfo> Engine::list_sas() const {
  std::vector<IkeSaInfo> out;
  for (const auto& s : impl_->ike_sas) {
    if (s->state == IkeSaState::Destroying) continue;
    IkeSaInfo info{s->config->name, s->unique_id, s->state, s->initiator, s->cookie_i,
                   s->cookie_r, s->local, s->remote, s->my_id.to_string(), s->peer_id.to_string(),
                   s->prf ? crypto::to_string(s->transform) : "", {}};
    for (const auto& c : s->children) {
      if (c->state == ChildSaState::Destroying) continue;
      ChildSaInfo ci{c->config ? c->config->name : s->config->name, c->unique_id, c->state,
                     c->spi_in, c->spi_out,
                     c->spi_out ? crypto::to_string(c->transform) : "", {c->ts_local.to_string()},
                     {c->ts_remote.to_string()}, std::string(sa::name(c->mode))};
      info.children.push_back(std::move(ci));
    }
    out.push_back(std::move(info));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Impl: logging, states, timers

Engine::Impl::Impl(Env e, Settings s, Credentials c)
    : env(e), settings(std::move(s)), creds(std::move(c)) {
  cookie_secret = env.rng.bytes(32);
  next_reqid = settings.first_reqid == 0 ? 1 : settings.first_reqid;
}

Engine::Impl::~Impl() { *alive = false; }

void Engine::Impl::log(LogGroup group, int level, const std::string& text) {
  env.log.log(group, level, text);
}

std::string Engine::Impl::ike_label(const IkeSa& ike) const {
  return ike.config->name + "[" + std::to_string(ike.unique_id) + "]";
}

std::string Engine::Impl::child_label(const ChildSa& child) const {
  return (child.config ? child.config->name : std::string("?")) + "{" +
         std::to_string(child.unique_id) + "}";
}

IkeSaRef Engine::Impl::ref(const IkeSa& ike) const {
  return {ike.config->name, ike.unique_id, ike.cookie_i, ike.cookie_r};
}

ChildSaRef Engine::Impl::ref(const IkeSa& ike, const ChildSa& child) const {
  return {child.config ? child.config->name : std::string(), child.unique_id, ike.unique_id,
          child.spi_in, child.spi_out};
}

void Engine::Impl::invariant(bool ok, std::string_view what) {
  if (ok) return;
  log(LogGroup::kIke, 0, "invariant violated: " + std::string(what));
  if (env.observer) env.observer->on_invariant_violation(what);
}

void Engine::Impl::set_state(IkeSa& ike, IkeSaState to) {
  if (ike.state == to) return;
  invariant(ikev1::allowed(ike.state, to), "IKE_SA " + ike_label(ike) + " transition " +
                                        std::string(name(ike.state)) + " => " +
                                        std::string(name(to)) + " is not in the table");
  IkeSaState from = ike.state;
  log(LogGroup::kIke, 2, "IKE_SA " + ike_label(ike) + " state change: " +
                             std::string(name(from)) + " => " + std::string(name(to)));
  ike.state = to;
  if (env.observer) env.observer->on_ike_state(ref(ike), from, to);
}

void Engine::Impl::set_state(IkeSa& ike, ChildSa& child, ChildSaState to) {
  if (child.state == to) return;
  invariant(ikev1::allowed(child.state, to), "CHILD_SA " + child_label(child) + " transition " +
                                          std::string(name(child.state)) + " => " +
                                          std::string(name(to)) + " is not in the table");
  ChildSaState from = child.state;
  log(LogGroup::kChd, 2, "CHILD_SA " + child_label(child) + " state change: " +
                             std::string(name(from)) + " => " + std::string(name(to)));
  child.state = to;
  if (env.observer) env.observer->on_child_state(ref(ike, child), from, to);
}

void Engine::Impl::set_state(IkeSa& ike, Exchange& ex, ExchangeState to) {
  if (ex.state == to) return;
  ExchangeState from = ex.state;
  ChildSa* child = ex.child_id ? ike.find_child(ex.child_id) : nullptr;
  std::string who = ex.type == v1::ExchangeType::QuickMode
                        ? "CHILD_SA " + (child ? child_label(*child)
                                               : ike.config->name + "{" +
                                                     std::to_string(ex.child_id) + "}") +
                              " phase 2"
                        : "IKE_SA " + ike_label(ike) + " phase 1";
  invariant(ikev1::allowed(from, to), who + " transition " + std::string(name(from)) + " => " +
                                   std::string(name(to)) + " is not in the table");
  log(LogGroup::kIke, 2, who + " state change: " + std::string(name(from)) + " => " +
                             std::string(name(to)));
  ex.state = to;
  if (env.observer)
    env.observer->on_exchange_state(ExchangeRef{ref(ike), ex.child_id, ex.message_id}, from, to);
}

TimerId Engine::Impl::after(Duration delay, IkeSa& ike, std::function<void(IkeSa&)> fn) {
  uint32_t id = ike.unique_id;
  std::weak_ptr<bool> weak = alive;
  return env.timers.schedule(delay, [this, weak, id, fn = std::move(fn)] {
    auto flag = weak.lock();
    if (!flag || !*flag) return;
    IkeSa* sa = find_ike_by_id(id);
    if (!sa || sa->state == IkeSaState::Destroying) return;
    fn(*sa);
    collect_garbage();
  });
}

void Engine::Impl::cancel(TimerId& id) {
  if (id != kNoTimer) env.timers.cancel(id);
  id = kNoTimer;
}

// ---------------------------------------------------------------------------------------------
// The ISAKMP SA table

uint64_t Engine::Impl::new_cookie(const Endpoint& local, const Endpoint& remote) {
  // RFC 2408 §2.5.3: a hash of the addresses and ports, a local secret and the time. The
  // counter stands in for time that has not moved (a virtual clock, several SAs at once), so
  // no two SAs of this engine ever share a cookie.
  for (;;) {
    Time stamp = env.clock.now() + Duration(static_cast<int64_t>(++cookie_counter));
    uint64_t c = crypto::isakmp_cookie(local, remote, cookie_secret, stamp);
    bool used = c == 0;
    for (const auto& s : ike_sas) used |= s->cookie_i == c || s->cookie_r == c;
    if (!used) return c;
  }
}

uint32_t Engine::Impl::new_message_id(IkeSa& ike) {
  // RFC 2408 §3.1: a random message ID, unique within the ISAKMP SA; 0 belongs to phase 1.
  uint32_t mid = 0;
  do {
    mid = env.rng.next_u32();
  } while (mid == 0 || ike.message_ids.contains(mid));
  ike.message_ids.insert(mid);
  return mid;
}

IkeSa& Engine::Impl::create_ike_sa(const PeerConfig* config, bool initiator) {
  auto ike = std::make_unique<IkeSa>();
  ike->unique_id = next_ike_id++;
  ike->config = config;
  ike->initiator = initiator;
  ike->created_at = env.clock.now();
  ike->last_inbound = ike->created_at;
  ike->phase1.started = ike->created_at;
  ike_sas.push_back(std::move(ike));
  return *ike_sas.back();
}

IkeSa* Engine::Impl::find_ike_by_id(uint32_t id) {
  for (auto& s : ike_sas)
    if (s->unique_id == id) return s.get();
  return nullptr;
}

IkeSa* Engine::Impl::find_by_cookies(uint64_t ci, uint64_t cr) {
  for (auto& s : ike_sas)
    if (s->cookie_i == ci && s->cookie_r == cr && s->state != IkeSaState::Destroying)
      return s.get();
  return nullptr;
}

IkeSa* Engine::Impl::find_half_open(uint64_t ci, const Endpoint& remote) {
  for (auto& s : ike_sas)
    if (!s->initiator && s->cookie_i == ci && s->remote.addr == remote.addr &&
        s->state != IkeSaState::Destroying)
      return s.get();
  return nullptr;
}

IkeSa* Engine::Impl::find_initiating(uint64_t ci) {
  for (auto& s : ike_sas)
    if (s->initiator && s->cookie_i == ci && s->cookie_r == 0 &&
        s->state != IkeSaState::Destroying)
      return s.get();
  return nullptr;
}

IkeSa* Engine::Impl::find_established(const PeerConfig* config) {
  IkeSa* best = nullptr;
  for (auto& s : ike_sas)
    if (s->config == config && s->state == IkeSaState::Established) best = s.get();
  return best;  // the newest one
}

const PeerConfig* Engine::Impl::find_config(const std::string& name) const {
  for (const auto& c : configs)
    if (c->name == name) return c.get();
  return nullptr;
}

std::vector<const PeerConfig*> Engine::Impl::configs_for(const Endpoint& local,
                                                         const Endpoint& remote) const {
  // charon ranks its configs by how well their addresses match: exact beats %any.
  std::vector<std::pair<int, const PeerConfig*>> ranked;
  for (const auto& c : configs) {
    int score = 0;
    if (!c->local_addr.empty()) {
      if (c->local_addr != local.addr) continue;
      score += 2;
    }
    if (!c->remote_addr.empty()) {
      if (c->remote_addr != remote.addr) continue;
      score += 2;
    }
    ranked.push_back({score, c.get()});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<const PeerConfig*> out;
  for (const auto& r : ranked) out.push_back(r.second);
  return out;
}

void Engine::Impl::destroy_ike(IkeSa& ike) {
  if (ike.state == IkeSaState::Destroying) return;
  for (auto& child : ike.children) {
    if (child->state == ChildSaState::Destroying) continue;
    set_state(ike, *child, ChildSaState::Destroying);
    uninstall_child(ike, *child);
    release_spi(ike, *child);
    cancel(child->delete_timer);
  }
  for (auto& q : ike.quick) {
    cancel(q->retransmit_timer);
    cancel(q->linger_timer);
  }
  cancel(ike.phase1.retransmit_timer);
  cancel(ike.rekey_timer);
  cancel(ike.expire_timer);
  cancel(ike.dpd_timer);
  cancel(ike.half_open_timer);
  cancel(ike.keepalive_timer);
  set_state(ike, IkeSaState::Destroying);
  destroy_pending = true;
}

void Engine::Impl::collect_garbage() {
  if (!destroy_pending) return;
  destroy_pending = false;
  std::erase_if(ike_sas, [](const std::unique_ptr<IkeSa>& s) {
    return s->state == IkeSaState::Destroying;
  });
}

// ---------------------------------------------------------------------------------------------
// Sending

namespace {

bool from_responder(const Exchange& ex, bool we_send) {
  // IKEv1 has no response flag: a message is a "response" when the exchange's responder
  // sends it, as charon labels it.
  return we_send ? !ex.initiator : ex.initiator;
}

}  // namespace

void Engine::Impl::send_exchange(IkeSa& ike, Exchange& ex, Payloads payloads, bool encrypt,
                                 bool wait) {
  bool response = from_responder(ex, true);
  impair.apply_payloads(ex.type, response, ex.message_id, payloads, env.log);
  v1::Header h;
  h.cookie_i = ike.cookie_i;
  h.cookie_r = ike.cookie_r;
  h.exchange = ex.type;
  h.message_id = ex.message_id;
  impair.apply_header(ex.type, response, ex.message_id, h, env.rng, env.log);
  v1::Message shown;
  shown.header = h;
  auto direction = response ? v1::Direction::Response : v1::Direction::Request;
  Result<Bytes> bytes = Error(ErrorCode::kInternal, "not built");
  if (encrypt) {
    shown.header.flags |= v1::kFlagEncryption;
    log(LogGroup::kEnc, 1, "generating " + v1::summary(shown, direction, &payloads));
    bytes = seal(ike, h, payloads, ex.iv);
    // The phase-1 IV chain also feeds the phase-2 IVs (RFC 2409 Appendix B).
  } else {
    shown.payloads = payloads;
    log(LogGroup::kEnc, 1, "generating " + v1::summary(shown, direction));
    bytes = v1::serialize(shown);
  }
  if (!bytes.ok()) {
    log(LogGroup::kEnc, 0, "generating " + v1::to_string(ex.type) + " message failed: " +
                               bytes.error().message());
    return;
  }
  impair.apply_bytes(ex.type, response, ex.message_id, *bytes, env.log);
  ex.last_sent = {std::move(*bytes)};
  ex.seq = response ? ++ike.seq_responding : ++ike.seq_initiating;
  ex.answered_last = !ex.received.empty();
  transmit(ike, ex.last_sent, ex.type, response, ex.message_id, false);
  cancel(ex.retransmit_timer);
  ex.retransmits = 0;
  ex.waiting = wait;
  if (wait) arm_retransmit(ike, ex);
}

void Engine::Impl::send_informational(IkeSa& ike, Payloads payloads) {
  uint32_t mid = new_message_id(ike);
  v1::Header h;
  h.cookie_i = ike.cookie_i;
  h.cookie_r = ike.cookie_r;
  h.exchange = v1::ExchangeType::Informational;
  h.message_id = mid;
  v1::Message shown;
  Result<Bytes> bytes = Error(ErrorCode::kInternal, "not built");
  if (ike.keys_ready) {
    auto hashed = with_informational_hash(ike, mid, std::move(payloads));
    if (!hashed.ok()) {
      log(LogGroup::kEnc, 0, "building INFORMATIONAL_V1 failed: " + hashed.error().message());
      return;
    }
    payloads = std::move(*hashed);
    impair.apply_payloads(h.exchange, false, mid, payloads, env.log);
    impair.apply_header(h.exchange, false, mid, h, env.rng, env.log);
    shown.header = h;
    shown.header.flags |= v1::kFlagEncryption;
    log(LogGroup::kEnc, 1, "generating " + v1::summary(shown, v1::Direction::Request, &payloads));
    Bytes iv = phase2_iv(ike, mid);
    bytes = seal(ike, h, payloads, iv);
  } else {
    impair.apply_payloads(h.exchange, false, mid, payloads, env.log);
    impair.apply_header(h.exchange, false, mid, h, env.rng, env.log);
    shown.header = h;
    shown.payloads = std::move(payloads);
    log(LogGroup::kEnc, 1, "generating " + v1::summary(shown, v1::Direction::Request));
    bytes = v1::serialize(shown);
  }
  if (!bytes.ok()) {
    log(LogGroup::kEnc, 0, "generating INFORMATIONAL_V1 failed: " + bytes.error().message());
    return;
  }
  impair.apply_bytes(h.exchange, false, mid, *bytes, env.log);
  ++ike.seq_initiating;
  transmit(ike, {*bytes}, h.exchange, false, mid, false);
}

void Engine::Impl::send_notify(IkeSa& ike, v1::NotifyType type, v1::ProtocolId protocol,
                               Bytes spi) {
  v1::NotifyPayload n;
  n.protocol = protocol;
  n.type = type;
  // Notifies about the ISAKMP SA name it by its cookies (as charon and pluto send them).
  n.spi = protocol == v1::ProtocolId::ISAKMP && spi.empty()
              ? v1::cookie_pair(ike.cookie_i, ike.cookie_r)
              : std::move(spi);
  send_informational(ike, {make_payload(n)});
}

void Engine::Impl::send_clear_notify(const net::Datagram& to, const v1::Header& request,
                                     v1::NotifyType type) {
  v1::Message m;
  m.header.cookie_i = request.cookie_i;
  m.header.cookie_r = request.cookie_r;
  m.header.exchange = v1::ExchangeType::Informational;
  m.header.message_id = env.rng.next_u32() | 1u;
  v1::NotifyPayload n;
  n.protocol = v1::ProtocolId::ISAKMP;
  n.type = type;
  n.spi = v1::cookie_pair(request.cookie_i, request.cookie_r);
  m.payloads.push_back(make_payload(n));
  impair.apply_payloads(m.header.exchange, false, m.header.message_id, m.payloads, env.log);
  log(LogGroup::kEnc, 1, "generating " + v1::summary(m, v1::Direction::Request));
  auto bytes = v1::serialize(m);
  if (!bytes.ok()) return;
  impair.apply_bytes(m.header.exchange, false, m.header.message_id, *bytes, env.log);
  int copies = impair.copies(m.header.exchange, false, m.header.message_id, env.log);
  for (int i = 0; i < copies; ++i) {
    log(LogGroup::kNet, 1, "sending packet: from " + to.dst.to_string() + " to " +
                               to.src.to_string() + " (" + std::to_string(bytes->size()) +
                               " bytes)");
    auto s = env.net.send(to.dst, to.src, *bytes);
    if (!s.ok()) log(LogGroup::kNet, 0, "error sending IKE packet: " + s.error().message());
    ++stats.sent;
  }
}

void Engine::Impl::transmit(IkeSa& ike, const std::vector<Bytes>& datagrams,
                            v1::ExchangeType ex, bool response, uint32_t mid, bool retransmit) {
  int copies = impair.copies(ex, response, mid, env.log);
  for (const auto& d : datagrams) {
    for (int i = 0; i < copies; ++i) {
      log(LogGroup::kNet, 1, "sending packet: from " + ike.local.to_string() + " to " +
                                 ike.remote.to_string() + " (" + std::to_string(d.size()) +
                                 " bytes)");
      auto s = env.net.send(ike.local, ike.remote, d);
      if (!s.ok()) log(LogGroup::kNet, 0, "error sending IKE packet: " + s.error().message());
      ++stats.sent;
      if (retransmit) ++stats.retransmits;
      ike.last_outbound = env.clock.now();
    }
  }
}

void Engine::Impl::arm_retransmit(IkeSa& ike, Exchange& ex) {
  // strongSwan's schedule: timeout * base^n, optionally reduced by up to jitter percent.
  double factor = std::pow(settings.retransmit_base, static_cast<double>(ex.retransmits));
  double jitter = settings.retransmit_jitter > 0
                      ? 1.0 - env.rng.unit() * settings.retransmit_jitter / 100.0
                      : 1.0;
  auto timeout = Duration(static_cast<int64_t>(
      static_cast<double>(settings.retransmit_timeout.count()) * factor * jitter));
  uint32_t mid = ex.message_id;
  ex.retransmit_timer = after(timeout, ike, [this, mid](IkeSa& s) { on_retransmit(s, mid); });
}

void Engine::Impl::stop_waiting(IkeSa& ike, Exchange& ex) {
  (void)ike;
  cancel(ex.retransmit_timer);
  ex.waiting = false;
  ex.retransmits = 0;
}

void Engine::Impl::on_retransmit(IkeSa& ike, uint32_t mid) {
  Exchange* ex = mid == 0 ? &ike.phase1 : ike.find_quick(mid);
  if (!ex) return;
  ex->retransmit_timer = kNoTimer;
  if (!ex->waiting) return;
  if (ex->retransmits < settings.retransmit_tries) {
    if (impair.no_retransmit()) {
      log(LogGroup::kIke, 1, "IMPAIR: not retransmitting message " + std::to_string(mid));
    } else {
      ++ex->retransmits;
      // charon's IKEv1 wording (task_manager_v1.c): a responder retransmits too, in the
      // three-message exchanges.
      log(LogGroup::kIke, 1, "sending retransmit " + std::to_string(ex->retransmits) + " of " +
                                 (ex->initiator ? "request" : "response") + " message ID " +
                                 std::to_string(mid) + ", seq " + std::to_string(ex->seq));
      transmit(ike, ex->last_sent, ex->type, from_responder(*ex, true), mid, true);
    }
    arm_retransmit(ike, *ex);
    return;
  }
  log(LogGroup::kIke, 1, "giving up after " + std::to_string(ex->retransmits) + " retransmits");
  ex->waiting = false;
  if (mid != 0) {
    quick_failed(ike, *ex, std::nullopt, "peer not responding");
    return;
  }
  // Phase 1: the peer never answered (seed 003: an unreachable peer fails at messages 1/2).
  const PeerConfig* config = ike.config;
  uint32_t tried = ike.keyingtry;
  uint32_t replacing = ike.rekeyed_from;
  if (!ike.initiator) {
    log(LogGroup::kIke, 1, "IKE_SA " + ike_label(ike) + " not completed by the peer");
    destroy_ike(ike);
    return;
  }
  bool again = config->keyingtries == 0 || tried < config->keyingtries;
  if (again) {
    std::string limit =
        config->keyingtries == 0 ? "%forever" : std::to_string(config->keyingtries);
    log(LogGroup::kIke, 1, "peer not responding, trying again (" + std::to_string(tried + 1) +
                               "/" + limit + ")");
  } else {
    log(LogGroup::kIke, 1, "establishing IKE_SA failed, peer not responding");
  }
  std::deque<QuickJob> pending = std::move(ike.pending);
  destroy_ike(ike);
  if (!again) {
    if (IkeSa* old = find_ike_by_id(replacing); old && old->state == IkeSaState::Rekeying)
      set_state(*old, IkeSaState::Established);
    return;
  }
  // The Quick Modes that were waiting go with the new attempt.
  if (IkeSa* next = initiate_ike(config, tried + 1, replacing))
    for (auto& j : pending) next->pending.push_back(j);
}

// ---------------------------------------------------------------------------------------------
// Receiving and dispatch

const v1::Payload* Received::find(v1::PayloadType type) const {
  for (const auto& p : payloads)
    if (p.type == type) return &p;
  return nullptr;
}

std::vector<const v1::Payload*> Received::all(v1::PayloadType type) const {
  std::vector<const v1::Payload*> out;
  for (const auto& p : payloads)
    if (p.type == type) out.push_back(&p);
  return out;
}

const v1::NotifyPayload* Received::notify(v1::NotifyType type) const {
  for (const auto& p : payloads)
    if (const auto* n = p.as<v1::NotifyPayload>(); n && n->type == type) return n;
  return nullptr;
}

const v1::NotifyPayload* Received::error_notify() const {
  for (const auto& p : payloads)
    if (const auto* n = p.as<v1::NotifyPayload>(); n && static_cast<uint16_t>(n->type) < 16384)
      return n;
  return nullptr;
}

void Engine::Impl::on_datagram(const net::Datagram& d) {
  ++stats.received;
  log(LogGroup::kNet, 1, "received packet: from " + d.src.to_string() + " to " +
                             d.dst.to_string() + " (" + std::to_string(d.data.size()) + " bytes)");
  auto header = v1::parse_header(d.data);
  if (!header.ok()) {
    log(LogGroup::kEnc, 1, "invalid ISAKMP header: " + header.error().message());
    ++stats.dropped;
    return;
  }
  auto message = v1::parse(d.data);
  if (!message.ok()) {
    log(LogGroup::kEnc, 1, "could not parse " + v1::to_string(header->exchange) + " message " +
                               std::to_string(header->message_id) + ": " +
                               message.error().message());
    ++stats.dropped;
    return;
  }
  const v1::Header& h = message->header;
  bool phase1 = h.exchange == v1::ExchangeType::IdentityProtection ||
                h.exchange == v1::ExchangeType::Aggressive;
  IkeSa* ike = nullptr;
  if (h.cookie_i == 0) {
    log(LogGroup::kEnc, 1, "ISAKMP message with initiator cookie 0, ignored");
  } else if (h.cookie_r == 0) {
    if (phase1) {
      ike = find_half_open(h.cookie_i, d.src);
      if (!ike) {
        on_first_message(d, std::move(*message));
        collect_garbage();
        return;
      }
    } else {
      // A refusal of our first message may come without a responder cookie.
      ike = find_initiating(h.cookie_i);
    }
  } else {
    ike = find_by_cookies(h.cookie_i, h.cookie_r);
    if (!ike) ike = find_initiating(h.cookie_i);  // the responder's first answer
  }
  if (!ike) {
    log(LogGroup::kMgr, 1, "ignoring " + v1::to_string(h.exchange) +
                               ", no IKE_SA found for cookies " + hex64(h.cookie_i) + "_i " +
                               hex64(h.cookie_r) + "_r");
    ++stats.dropped;
    return;
  }
  deliver(*ike, d, std::move(*message));
  collect_garbage();
}

namespace {

// The dispatch table: which handler takes the peer's next message of an exchange. First
// messages of phase 1 create the ISAKMP SA (on_first_message); Informational exchanges are
// not stateful (on_informational).
constexpr Route kRoutes[] = {
    {ExchangeState::MainR1, v1::ExchangeType::IdentityProtection, false,
     &Engine::Impl::on_main_3, "Main Mode message 3"},
    {ExchangeState::MainI1, v1::ExchangeType::IdentityProtection, true,
     &Engine::Impl::on_main_2, "Main Mode message 2"},
    {ExchangeState::MainI2, v1::ExchangeType::IdentityProtection, true,
     &Engine::Impl::on_main_4, "Main Mode message 4"},
    {ExchangeState::MainR2, v1::ExchangeType::IdentityProtection, false,
     &Engine::Impl::on_main_5, "Main Mode message 5"},
    {ExchangeState::MainI3, v1::ExchangeType::IdentityProtection, true,
     &Engine::Impl::on_main_6, "Main Mode message 6"},
    {ExchangeState::AggrI1, v1::ExchangeType::Aggressive, true, &Engine::Impl::on_aggressive_2,
     "Aggressive Mode message 2"},
    {ExchangeState::AggrR1, v1::ExchangeType::Aggressive, false, &Engine::Impl::on_aggressive_3,
     "Aggressive Mode message 3"},
    {ExchangeState::None, v1::ExchangeType::QuickMode, false, &Engine::Impl::on_quick_1,
     "Quick Mode message 1"},
    {ExchangeState::QuickI1, v1::ExchangeType::QuickMode, true, &Engine::Impl::on_quick_2,
     "Quick Mode message 2"},
    {ExchangeState::QuickR1, v1::ExchangeType::QuickMode, false, &Engine::Impl::on_quick_3,
     "Quick Mode message 3"},
};

// Messages that RFC 2409 §5 and §5.5 send encrypted (HDR*). Aggressive Mode's last message
// may come either way: charon encrypts it, the RFC's diagram does not.
bool must_be_encrypted(ExchangeState s) {
  return s == ExchangeState::MainR2 || s == ExchangeState::MainI3 ||
         s == ExchangeState::None || s == ExchangeState::QuickI1 || s == ExchangeState::QuickR1;
}

bool may_be_encrypted(ExchangeState s) {
  return must_be_encrypted(s) || s == ExchangeState::AggrR1;
}

}  // namespace

const Route* Engine::Impl::route(ExchangeState state, v1::ExchangeType ex, bool we_initiated) {
  for (const auto& r : kRoutes)
    if (r.state == state && r.exchange == ex && r.we_initiated == we_initiated) return &r;
  return nullptr;
}

Exchange* Engine::Impl::exchange_for(IkeSa& ike, const v1::Header& h) {
  if (h.exchange == v1::ExchangeType::IdentityProtection ||
      h.exchange == v1::ExchangeType::Aggressive) {
    // RFC 2409 §5: phase 1 runs with message ID 0.
    if (h.message_id != 0 || ike.phase1.type != h.exchange) return nullptr;
    return &ike.phase1;
  }
  if (h.exchange != v1::ExchangeType::QuickMode || h.message_id == 0) return nullptr;
  if (Exchange* ex = ike.find_quick(h.message_id)) return ex;
  // A Quick Mode the peer starts: only over an authenticated ISAKMP SA (RFC 2409 §5.5).
  if (!ike.keys_ready || (ike.state != IkeSaState::Established &&
                          ike.state != IkeSaState::Rekeying && ike.state != IkeSaState::Rekeyed))
    return nullptr;
  if (ike.message_ids.contains(h.message_id)) return nullptr;
  auto ex = std::make_unique<Exchange>();
  ex->type = v1::ExchangeType::QuickMode;
  ex->message_id = h.message_id;
  ex->initiator = false;
  ex->iv = phase2_iv(ike, h.message_id);
  ex->started = env.clock.now();
  ike.message_ids.insert(h.message_id);
  ike.quick.push_back(std::move(ex));
  return ike.quick.back().get();
}

bool Engine::Impl::duplicate(IkeSa& ike, Exchange& ex, const net::Datagram& d,
                             const v1::Header& h) {
  Bytes digest = digest_of(d.data);
  auto it = std::find(ex.received.begin(), ex.received.end(), digest);
  if (it == ex.received.end()) return false;
  // A copy of the peer's last message whose answer we sent: the answer was lost, send it
  // again; unless our own retransmissions are running, which do that already. Copies of
  // older messages are stale.
  bool last = it + 1 == ex.received.end();
  // charon's IKEv1 wording (task_manager_v1.c): the copy is of a response when we started
  // the exchange, of a request otherwise.
  std::string copy = std::string(ex.initiator ? "response" : "request") + " with ID " +
                     std::to_string(h.message_id);
  if (last && ex.answered_last && !ex.waiting && !ex.last_sent.empty()) {
    log(LogGroup::kIke, 1,
        "received retransmit of " + copy +
            (ex.initiator ? ", resending last request" : ", retransmitting response"));
    transmit(ike, ex.last_sent, ex.type, from_responder(ex, true), ex.message_id, true);
  } else if (ex.initiator && last && ex.waiting) {
    log(LogGroup::kIke, 1, "received retransmit of " + copy + ", but next request already sent");
  } else {
    log(LogGroup::kIke, 1, "received retransmit of " + copy + ", ignored");
  }
  return true;
}

void Engine::Impl::deliver(IkeSa& ike, const net::Datagram& d, v1::Message message) {
  const v1::Header h = message.header;
  if (h.exchange == v1::ExchangeType::Informational) {
    on_informational(ike, d, std::move(message));
    return;
  }
  Exchange* ex = exchange_for(ike, h);
  if (!ex) {
    log(LogGroup::kIke, 1, "unexpected " + v1::to_string(h.exchange) + " message with ID " +
                               std::to_string(h.message_id) + " for IKE_SA " + ike_label(ike) +
                               ", ignored");
    ++stats.dropped;
    if (ike.keys_ready && h.exchange != v1::ExchangeType::QuickMode &&
        h.exchange != v1::ExchangeType::IdentityProtection &&
        h.exchange != v1::ExchangeType::Aggressive)
      send_notify(ike, v1::NotifyType::INVALID_EXCHANGE_TYPE);
    return;
  }
  if (duplicate(ike, *ex, d, h)) return;
  bool new_quick = ex->type == v1::ExchangeType::QuickMode && ex->state == ExchangeState::None;
  const Route* r = ex->failed ? nullptr : route(ex->state, h.exchange, ex->initiator);
  if (!r) {
    log(LogGroup::kIke, 1, "unexpected " + v1::to_string(h.exchange) + " message in state " +
                               std::string(name(ex->state)) + ", ignored");
    ++stats.dropped;
    return;
  }
  Received in;
  in.datagram = &d;
  if (h.encrypted()) {
    if (!ike.keys_ready || !may_be_encrypted(ex->state)) {
      log(LogGroup::kEnc, 1, "encrypted " + v1::to_string(h.exchange) +
                                 " message where none is expected, ignored");
      ++stats.dropped;
      if (new_quick) remove_exchange(ike, h.message_id);
      return;
    }
    auto opened = open(ike, d, std::move(message), ex->iv);
    if (!opened.ok()) {
      // Mostly a key mismatch (a wrong pre-shared key makes SKEYID_e differ): charon's
      // "could not decrypt payloads" and "message parsing failed" (seed 003: messages 5/6).
      log(LogGroup::kEnc, 1, "could not decrypt payloads: " + opened.error().message());
      log(LogGroup::kIke, 1, "message parsing failed");
      ++stats.integrity_failures;
      ++stats.dropped;
      auto notify = opened.error().notify()
                        ? static_cast<v1::NotifyType>(*opened.error().notify())
                        : v1::NotifyType::PAYLOAD_MALFORMED;
      send_notify(ike, notify);
      if (new_quick) remove_exchange(ike, h.message_id);
      return;
    }
    in = std::move(*opened);
    in.datagram = &d;
  } else {
    if (must_be_encrypted(ex->state)) {
      log(LogGroup::kEnc, 1, "unencrypted " + v1::to_string(h.exchange) +
                                 " message where RFC 2409 wants it encrypted, ignored");
      ++stats.dropped;
      if (new_quick) remove_exchange(ike, h.message_id);
      return;
    }
    in.payloads = message.payloads;
    in.chain = clear_chain(d.data);
    in.message = std::move(message);
  }
  auto direction = from_responder(*ex, false) ? v1::Direction::Response : v1::Direction::Request;
  log(LogGroup::kEnc, 1, "parsed " + v1::summary(in.message, direction, &in.payloads));
  ex->received.push_back(digest_of(d.data));
  ex->answered_last = false;
  (this->*(r->handler))(ike, *ex, in);
}

void Engine::Impl::follow_peer(IkeSa& ike, const net::Datagram& d) {
  // RFC 3947 §4: a NAT may change the peer's address and port; an authenticated message
  // tells us where the peer is now, and which of our ports it reached.
  ike.last_inbound = env.clock.now();
  ike.dpd_outstanding = false;
  if (ike.remote != d.src) {
    log(LogGroup::kIke, 1, "remote endpoint changed from " + ike.remote.to_string() + " to " +
                               d.src.to_string());
    ike.remote = d.src;
  }
  if (ike.local != d.dst) {
    ike.local = d.dst;
    ike.on_4500 = d.dst.port != net::kIkePort;
  }
}

// ---------------------------------------------------------------------------------------------
// Timers and kernel events

void Engine::Impl::on_expire(const sa::ExpireEvent& event) {
  for (auto& ike : ike_sas) {
    if (ike->state == IkeSaState::Destroying) continue;
    for (auto& child : ike->children) {
      bool ours = (child->spi_in == event.key.spi && event.key.dst == ike->local.addr) ||
                  (child->spi_out == event.key.spi && event.key.dst == ike->remote.addr);
      if (!ours || child->state == ChildSaState::Destroying) continue;
      std::string id = std::string(sa::name(event.key.protocol)) + "/0x" +
                       hex32(event.key.spi) + "/" + event.key.dst.to_string();
      log(LogGroup::kKnl, 1, std::string("creating ") + (event.hard ? "delete" : "rekey") +
                                 " job for CHILD_SA " + id);
      if (event.hard) {
        // The kernel removed the SA already; the other one and the peer's go with a Delete.
        if (event.key.spi == child->spi_in) child->in_installed = false;
        if (event.key.spi == child->spi_out) child->out_installed = false;
        if (ike->state == IkeSaState::Established || ike->state == IkeSaState::Rekeying ||
            ike->state == IkeSaState::Rekeyed) {
          delete_children(*ike, {child->unique_id});
        } else {
          destroy_child(*ike, *child);
        }
      } else if (child->state == ChildSaState::Installed && child->config &&
                 child->config->rekey) {
        queue_quick(*ike, QuickJob{nullptr, child->unique_id});
      }
      return;
    }
  }
  log(LogGroup::kKnl, 2, "expire event for unknown SA 0x" + hex32(event.key.spi) + ", ignored");
}

void Engine::Impl::on_rekey_timer(IkeSa& ike) {
  ike.rekey_timer = kNoTimer;
  if (ike.state != IkeSaState::Established) return;
  // IKEv1 cannot rekey an ISAKMP SA: a new phase 1 replaces it and adopts its CHILD_SAs
  // (charon's reauthentication), then the old one is deleted.
  log(LogGroup::kIke, 1, "reauthenticating IKE_SA " + ike_label(ike));
  set_state(ike, IkeSaState::Rekeying);
  initiate_ike(ike.config, 1, ike.unique_id);
}

void Engine::Impl::peer_dead(IkeSa& ike, const std::string& why) {
  const PeerConfig* config = ike.config;
  DpdAction action = config->dpd_action;
  log(LogGroup::kIke, 1, why + ", enforcing DPD action");
  destroy_ike(ike);
  if (action == DpdAction::Restart) {
    log(LogGroup::kIke, 1, "restarting CHILD_SA(s) of " + config->name);
    initiate_ike(config);
  } else if (action == DpdAction::Hold) {
    log(LogGroup::kIke, 1, "dpdaction=hold needs trap policies, which are not supported: "
                           "cleared instead");
  }
}

void Engine::Impl::on_dpd_timer(IkeSa& ike) {
  ike.dpd_timer = kNoTimer;
  const PeerConfig& c = *ike.config;
  if (c.dpd_delay <= Duration::zero() || ike.state != IkeSaState::Established) return;
  Time now = env.clock.now();
  // RFC 3706 §5.5: when R-U-THEREs stay unanswered for dpd_timeout, the peer is dead.
  if (ike.dpd_outstanding && now - ike.dpd_since >= c.dpd_timeout) {
    peer_dead(ike, "DPD check timed out after " +
                       std::to_string(static_cast<long long>(to_seconds(now - ike.dpd_since))) +
                       "s");
    return;
  }
  Duration idle = now - ike.last_inbound;
  Duration next = c.dpd_delay - idle;
  if (idle >= c.dpd_delay) {
    // RFC 3706 §5.3: ask only when nothing was heard for dpd_delay.
    if (!ike.dpd_outstanding) ike.dpd_since = now;
    ike.dpd_outstanding = true;
    send_dpd(ike, false, ++ike.dpd_sequence);
    next = c.dpd_delay;
  }
  if (ike.dpd_outstanding) next = std::min(next, c.dpd_timeout - (now - ike.dpd_since));
  if (next <= Duration::zero()) next = std::chrono::milliseconds(1);
  ike.dpd_timer = after(next, ike, [this](IkeSa& s) { on_dpd_timer(s); });
}

void Engine::Impl::on_keepalive_timer(IkeSa& ike) {
  // RFC 3948 §2.3: a host behind a NAT keeps the mapping alive with one-byte packets when
  // nothing else was sent for keep_alive.
  ike.keepalive_timer = kNoTimer;
  Duration interval = settings.keep_alive;
  if (interval <= Duration::zero() || !ike.nat_local) return;
  Duration quiet = env.clock.now() - ike.last_outbound;
  Duration next = interval - quiet;
  if (quiet >= interval) {
    log(LogGroup::kNet, 2, "sending keep alive to " + ike.remote.to_string());
    auto s = env.net.send_keepalive(ike.local, ike.remote);
    if (!s.ok()) log(LogGroup::kNet, 1, "error sending keep alive: " + s.error().message());
    ike.last_outbound = env.clock.now();
    next = interval;
  }
  ike.keepalive_timer = after(next, ike, [this](IkeSa& s) { on_keepalive_timer(s); });
}

}  // namespace ikesuite::ikev1
