// The engine's core: the IKE SA table, the dispatch table, the request/response machinery with
// message IDs and retransmissions (RFC 7296 §2.1-2.3), timers and kernel events. The
// exchanges themselves live in exchange_*.cc.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/ikev2/engine_impl.h"
#include "engine/wire/reader.h"
#include "engine/ikev2/ts.h"

namespace ikesuite::ikev2 {

// ---------------------------------------------------------------------------------------------
// Helpers

v2::Payload notify_payload(v2::NotifyType type, ByteView data, v2::ProtocolId protocol,
                           ByteView spi) {
  return v2::make_notify(type, data, protocol, spi);
}

Bytes spi_bytes64(uint64_t spi) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(spi >> (56 - 8 * i));
  return b;
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

std::string_view name(Job::Kind k) {
  switch (k) {
    case Job::Kind::IkeInit: return "IKE_INIT";
    case Job::Kind::IkeAuth: return "IKE_AUTH";
    case Job::Kind::CreateChild: return "CHILD_CREATE";
    case Job::Kind::RekeyChild: return "CHILD_REKEY";
    case Job::Kind::RekeyIke: return "IKE_REKEY";
    case Job::Kind::DeleteChild: return "CHILD_DELETE";
    case Job::Kind::DeleteIke: return "IKE_DELETE";
    case Job::Kind::Dpd: return "IKE_DPD";
    case Job::Kind::NotifyError: return "IKE_NOTIFY";
  }
  return "?";
}

const v2::Payload* Received::find(v2::PayloadType type) const {
  for (const auto& p : payloads)
    if (p.type == type) return &p;
  return nullptr;
}

const v2::NotifyPayload* Received::notify(v2::NotifyType type) const {
  for (const auto& p : payloads)
    if (const auto* n = p.as<v2::NotifyPayload>(); n && n->type == type) return n;
  return nullptr;
}

const v2::NotifyPayload* Received::error_notify() const {
  for (const auto& p : payloads)
    if (const auto* n = p.as<v2::NotifyPayload>(); n && v2::is_error(n->type)) return n;
  return nullptr;
}

std::vector<const v2::NotifyPayload*> Received::notifies() const {
  std::vector<const v2::NotifyPayload*> out;
  for (const auto& p : payloads)
    if (const auto* n = p.as<v2::NotifyPayload>()) out.push_back(n);
  return out;
}

ChildSa* IkeSa::find_child(uint32_t id) {
  for (auto& c : children)
    if (c->unique_id == id) return c.get();
  return nullptr;
}

ChildSa* IkeSa::find_child_by_spi(uint32_t spi, bool inbound) {
  for (auto& c : children)
    if ((inbound ? c->spi_in : c->spi_out) == spi) return c.get();
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Engine: the public face forwards to Impl.

Engine::Engine(Env env, Settings settings, Credentials credentials)
    : impl_(std::make_unique<Impl>(env, std::move(settings), std::move(credentials))) {}
Engine::~Engine() = default;

Status Engine::add_connection(PeerConfig config) {
  if (config.name.empty()) return Error(ErrorCode::kConfig, "connection without a name");
  if (impl_->find_config(config.name))
    return Error(ErrorCode::kConfig, "connection '" + config.name + "' already exists");
  if (config.ike_proposals.empty())
    return Error(ErrorCode::kConfig, "connection '" + config.name + "' has no IKE proposals");
  for (const auto& child : config.children) {
    if (child.esp_proposals.empty())
      return Error(ErrorCode::kConfig, "connection '" + config.name + "' child '" + child.name +
                                           "' has no ESP proposals");
    if (child.margintime >= child.lifetime && child.rekey)
      return Error(ErrorCode::kConfig, "connection '" + config.name +
                                           "': margintime must be shorter than lifetime");
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
    // charon's reuse_ikesa: another connection with the same peer configuration has one.
    for (const auto& c : impl_->configs)
      if (c.get() != config && Impl::same_peer(*c, *config))
        if ((ike = impl_->find_established(c.get()))) break;
  }
  if (ike) {
    // An IKE SA of this connection exists: add the Child SA(s) over it.
    for (const auto& child : config->children) {
      Job job;
      job.kind = Job::Kind::CreateChild;
      job.child_config = &child;
      impl_->queue_job(*ike, job);
    }
    return {};
  }
  impl_->initiate_ike(config);
  return {};
}

namespace {
IkeSa* active_ike(Engine::Impl& impl, const std::string& conn) {
  const PeerConfig* config = impl.find_config(conn);
  return config ? impl.find_established(config) : nullptr;
}
}  // namespace

Status Engine::rekey_child(const std::string& conn) {
  IkeSa* ike = active_ike(*impl_, conn);
  if (!ike) return Error(ErrorCode::kNotFound, "no established IKE_SA for '" + conn + "'");
  // Ids first: queueing a job may run it at once, and a rekey adds to ike->children.
  std::vector<uint32_t> ids;
  for (const auto& c : ike->children)
    if (c->state == ChildSaState::Installed) ids.push_back(c->unique_id);
  if (ids.empty()) return Error(ErrorCode::kNotFound, "no installed CHILD_SA for '" + conn + "'");
  for (uint32_t id : ids) {
    Job job;
    job.kind = Job::Kind::RekeyChild;
    job.child_id = id;
    impl_->queue_job(*ike, job);
  }
  return {};
}

Status Engine::rekey_ike(const std::string& conn) {
  IkeSa* ike = active_ike(*impl_, conn);
  if (!ike) return Error(ErrorCode::kNotFound, "no established IKE_SA for '" + conn + "'");
  Job job;
  job.kind = Job::Kind::RekeyIke;
  impl_->queue_job(*ike, job);
  return {};
}

Status Engine::terminate_child(const std::string& conn) {
  IkeSa* ike = active_ike(*impl_, conn);
  if (!ike) return Error(ErrorCode::kNotFound, "no established IKE_SA for '" + conn + "'");
  Job job;
  job.kind = Job::Kind::DeleteChild;
  for (auto& c : ike->children)
    if (c->state == ChildSaState::Installed) job.child_ids.push_back(c->unique_id);
  if (job.child_ids.empty())
    return Error(ErrorCode::kNotFound, "no installed CHILD_SA for '" + conn + "'");
  impl_->queue_job(*ike, job);
  return {};
}

Status Engine::terminate_ike(const std::string& conn) {
  const PeerConfig* config = impl_->find_config(conn);
  if (!config) return Error(ErrorCode::kNotFound, "no connection named '" + conn + "'");
  bool any = false;
  for (auto& ike : impl_->ike_sas) {
    if (ike->config != config || ike->state == IkeSaState::Destroying) continue;
    any = true;
    if (ike->state == IkeSaState::Connecting || ike->state == IkeSaState::Created) {
      impl_->destroy_ike(*ike);
      continue;
    }
    Job job;
    job.kind = Job::Kind::DeleteIke;
    // A delete is urgent: it goes before anything queued.
    ike->queue.push_front(job);
    impl_->run_queue(*ike);
  }
  if (!any) return Error(ErrorCode::kNotFound, "no IKE_SA for '" + conn + "'");
  return {};
}

void Engine::reset() {
  for (auto& ike : impl_->ike_sas)
    if (ike->state != IkeSaState::Destroying) impl_->destroy_ike(*ike);
  impl_->collect_garbage();
}

void Engine::on_datagram(const net::Datagram& d) { impl_->on_datagram(d); }
void Engine::on_expire(const sa::ExpireEvent& e) { impl_->on_expire(e); }
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
    IkeSaInfo info{s->config->name, s->unique_id, s->state, s->initiator, s->spi_i, s->spi_r,
                   s->local, s->remote, s->my_id.to_string(), s->peer_id.to_string(),
                   s->proposal.transforms.empty() ? "" : proposal_string(s->proposal), {}};
    for (const auto& c : s->children) {
      if (c->state == ChildSaState::Destroying) continue;
      ChildSaInfo ci{c->config ? c->config->name : s->config->name, c->unique_id, c->state,
                     c->spi_in, c->spi_out,
                     c->proposal.transforms.empty() ? "" : proposal_string(c->proposal), {}, {},
                     std::string(sa::name(c->mode))};
      for (const auto& ts : c->ts_local) ci.ts_local.push_back(to_string(ts));
      for (const auto& ts : c->ts_remote) ci.ts_remote.push_back(to_string(ts));
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
  return {ike.config->name, ike.unique_id, ike.spi_i, ike.spi_r};
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
  invariant(allowed(ike.state, to), "IKE_SA " + ike_label(ike) + " transition " +
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
  invariant(allowed(child.state, to), "CHILD_SA " + child_label(child) + " transition " +
                                          std::string(name(child.state)) + " => " +
                                          std::string(name(to)) + " is not in the table");
  ChildSaState from = child.state;
  log(LogGroup::kChd, 2, "CHILD_SA " + child_label(child) + " state change: " +
                             std::string(name(from)) + " => " + std::string(name(to)));
  child.state = to;
  if (env.observer) env.observer->on_child_state(ref(ike, child), from, to);
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

TimerId Engine::Impl::after(Duration delay, std::function<void()> fn) {
  std::weak_ptr<bool> weak = alive;
  return env.timers.schedule(delay, [this, weak, fn = std::move(fn)] {
    auto flag = weak.lock();
    if (!flag || !*flag) return;
    fn();
    collect_garbage();
  });
}

void Engine::Impl::cancel(TimerId& id) {
  if (id != kNoTimer) env.timers.cancel(id);
  id = kNoTimer;
}

// ---------------------------------------------------------------------------------------------
// IKE SA table

IkeSa& Engine::Impl::create_ike_sa(const PeerConfig* config, bool initiator) {
  auto ike = std::make_unique<IkeSa>();
  ike->unique_id = next_ike_id++;
  ike->config = config;
  ike->initiator = initiator;
  // RFC 7296 §2.6: SPIs are random and never zero.
  uint64_t spi = 0;
  do {
    spi = env.rng.next_u64();
  } while (spi == 0 || find_ike(spi));
  if (initiator) {
    ike->spi_i = spi;
  } else {
    ike->spi_r = spi;
  }
  ike->created_at = env.clock.now();
  ike->last_inbound = ike->created_at;
  ike_sas.push_back(std::move(ike));
  return *ike_sas.back();
}

IkeSa* Engine::Impl::find_ike(uint64_t my_spi) {
  for (auto& s : ike_sas)
    if (s->my_spi() == my_spi && s->state != IkeSaState::Destroying) return s.get();
  return nullptr;
}

IkeSa* Engine::Impl::find_ike_by_id(uint32_t id) {
  for (auto& s : ike_sas)
    if (s->unique_id == id) return s.get();
  return nullptr;
}

bool Engine::Impl::has_other_established(const IkeSa& ike) const {
  for (const auto& s : ike_sas)
    if (s.get() != &ike && s->config == ike.config && s->state == IkeSaState::Established)
      return true;
  return false;
}

IkeSa* Engine::Impl::find_half_open(uint64_t spi_i, const Endpoint& remote) {
  for (auto& s : ike_sas)
    if (!s->initiator && s->spi_i == spi_i && s->remote.addr == remote.addr &&
        s->state != IkeSaState::Destroying)
      return s.get();
  return nullptr;
}

bool Engine::Impl::same_peer(const PeerConfig& a, const PeerConfig& b) {
  return a.local_addr == b.local_addr && a.remote_addr == b.remote_addr &&
         a.local_port == b.local_port && a.remote_port == b.remote_port &&
         a.local.id == b.local.id && a.remote.id == b.remote.id && a.local.auth == b.local.auth &&
         a.remote.auth == b.remote.auth && a.ike_proposals == b.ike_proposals;
}

IkeSa* Engine::Impl::find_established(const PeerConfig* config) {
  for (auto& s : ike_sas)
    if (s->config == config && s->state == IkeSaState::Established) return s.get();
  return nullptr;
}

size_t Engine::Impl::half_open_count() const {
  size_t n = 0;
  for (const auto& s : ike_sas)
    if (!s->initiator && s->state == IkeSaState::Connecting && s->init_request.size()) ++n;
  return n;
}

size_t Engine::Impl::half_open_count(const IpAddress& peer) const {
  size_t n = 0;
  for (const auto& s : ike_sas)
    if (!s->initiator && s->state == IkeSaState::Connecting && s->remote.addr == peer) ++n;
  return n;
}

const PeerConfig* Engine::Impl::find_config(const std::string& name) const {
  for (const auto& c : configs)
    if (c->name == name) return c.get();
  return nullptr;
}

const PeerConfig* Engine::Impl::match_config_by_address(const Endpoint& local,
                                                         const Endpoint& remote) const {
  // charon ranks ike_cfgs by how well their addresses match: exact beats %any.
  const PeerConfig* best = nullptr;
  int best_score = -1;
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
    if (score > best_score) {
      best = c.get();
      best_score = score;
    }
  }
  return best;
}

void Engine::Impl::destroy_ike(IkeSa& ike) {
  if (ike.state == IkeSaState::Destroying) return;
  for (auto& child : ike.children) {
    if (child->state == ChildSaState::Destroying) continue;
    set_state(ike, *child, ChildSaState::Destroying);
    uninstall_child(ike, *child);
    release_spi(ike, *child);
    cancel(child->delete_timer);
    cancel(child->retry_timer);
  }
  if (ike.outstanding) cancel(ike.outstanding->timer);
  cancel(ike.rekey_timer);
  cancel(ike.reauth_timer);
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
// Jobs, requests and responses

void Engine::Impl::queue_job(IkeSa& ike, Job job) {
  ike.queue.push_back(job);
  run_queue(ike);
}

void Engine::Impl::run_queue(IkeSa& ike) {
  // RFC 7296 §2.3: with a window of one, a new request waits for the outstanding one.
  while (!ike.outstanding && !ike.queue.empty()) {
    if (ike.state == IkeSaState::Destroying) return;
    bool ready = ike.state == IkeSaState::Established || ike.state == IkeSaState::Rekeying ||
                 ike.state == IkeSaState::Rekeyed || ike.state == IkeSaState::Deleting;
    Job job = ike.queue.front();
    bool delete_job = job.kind == Job::Kind::DeleteIke || job.kind == Job::Kind::DeleteChild;
    if (!ready && !(ike.state == IkeSaState::Connecting && job.kind == Job::Kind::IkeAuth))
      return;
    if (ike.state == IkeSaState::Rekeyed && !delete_job) {
      // Jobs of a replaced IKE SA belong to its successor (RFC 7296 §2.18).
      ike.queue.pop_front();
      if (IkeSa* next = find_ike_by_id(ike.rekeyed_by)) queue_job(*next, job);
      continue;
    }
    ike.queue.pop_front();
    start_job(ike, job);
  }
}

void Engine::Impl::start_job(IkeSa& ike, Job job) {
  switch (job.kind) {
    case Job::Kind::IkeInit: build_init_request(ike); break;
    case Job::Kind::IkeAuth: build_auth_request(ike); break;
    case Job::Kind::CreateChild: build_create_child(ike, job); break;
    case Job::Kind::RekeyChild: build_rekey_child(ike, job); break;
    case Job::Kind::RekeyIke: build_rekey_ike(ike, job); break;
    case Job::Kind::DeleteChild: build_delete_child(ike, job); break;
    case Job::Kind::DeleteIke: build_delete_ike(ike, job); break;
    case Job::Kind::Dpd: build_dpd(ike, job); break;
    case Job::Kind::NotifyError: build_notify_error(ike, job); break;
  }
}

Result<std::vector<Bytes>> Engine::Impl::build_message(IkeSa& ike, v2::ExchangeType exchange,
                                                       bool response, uint32_t mid,
                                                       Payloads payloads) {
  impair.apply_payloads(exchange, response, mid, payloads, env.log);
  v2::Header header;
  header.spi_i = ike.spi_i;
  header.spi_r = ike.spi_r;
  header.exchange = exchange;
  header.flags = static_cast<uint8_t>((ike.initiator ? v2::kFlagInitiator : 0) |
                                      (response ? v2::kFlagResponse : 0));
  header.message_id = mid;
  impair.apply_header(exchange, response, mid, header, env.rng, env.log);

  v2::Message shown;
  shown.header = header;
  std::vector<Bytes> out;
  if (exchange == v2::ExchangeType::IkeSaInit) {
    shown.payloads = payloads;
    log(LogGroup::kEnc, 1, "generating " + v2::summary(shown));
    TRY_ASSIGN(Bytes bytes, v2::serialize(shown));
    out.push_back(std::move(bytes));
  } else {
    shown.payloads.push_back(make_payload(v2::PayloadType::SK, v2::EncryptedPayload{}));
    log(LogGroup::kEnc, 1, "generating " + v2::summary(shown, &payloads));
    TRY_ASSIGN(out, protect(ike, header, payloads));
  }
  for (auto& d : out) impair.apply_bytes(exchange, response, mid, d, env.log);
  return out;
}

void Engine::Impl::send_request(IkeSa& ike, Job job, v2::ExchangeType exchange,
                                Payloads payloads, std::function<void(Outstanding&)> fill) {
  uint32_t mid = ike.next_request_mid;
  auto datagrams = build_message(ike, exchange, false, mid, std::move(payloads));
  if (!datagrams.ok()) {
    log(LogGroup::kEnc, 0, "generating " + std::string(v2::name(exchange)) + " request " +
                               std::to_string(mid) + " failed: " + datagrams.error().message());
    destroy_ike(ike);
    return;
  }
  ike.next_request_mid = mid + 1;
  Outstanding o;
  o.job = std::move(job);
  o.message_id = mid;
  o.exchange = exchange;
  o.datagrams = std::move(*datagrams);
  if (fill) fill(o);
  ike.outstanding = std::move(o);
  transmit(ike, ike.outstanding->datagrams, exchange, false, mid, false);
  Duration timeout = settings.retransmit_timeout;
  ike.outstanding->timer = after(timeout, ike, [this](IkeSa& s) { on_retransmit(s); });
}

void Engine::Impl::send_response(IkeSa& ike, v2::ExchangeType exchange, uint32_t mid,
                                 Payloads payloads) {
  auto datagrams = build_message(ike, exchange, true, mid, std::move(payloads));
  ike.expected_request_mid = mid + 1;
  if (!datagrams.ok()) {
    log(LogGroup::kEnc, 0, "generating " + std::string(v2::name(exchange)) + " response " +
                               std::to_string(mid) + " failed: " + datagrams.error().message());
    return;
  }
  ike.cached_response_mid = mid;
  ike.cached_response = std::move(*datagrams);
  transmit(ike, ike.cached_response, exchange, true, mid, false);
}

void Engine::Impl::send_clear_response(const net::Datagram& to, const v2::Header& request,
                                       Payloads payloads) {
  v2::Message m;
  m.header = request;
  m.header.flags = v2::kFlagResponse;  // we are the responder: no I flag
  m.payloads = std::move(payloads);
  impair.apply_payloads(m.header.exchange, true, m.header.message_id, m.payloads, env.log);
  impair.apply_header(m.header.exchange, true, m.header.message_id, m.header, env.rng, env.log);
  log(LogGroup::kEnc, 1, "generating " + v2::summary(m));
  auto bytes = v2::serialize(m);
  if (!bytes.ok()) {
    log(LogGroup::kEnc, 0, "generating response failed: " + bytes.error().message());
    return;
  }
  impair.apply_bytes(m.header.exchange, true, m.header.message_id, *bytes, env.log);
  int copies = impair.copies(m.header.exchange, true, m.header.message_id, env.log);
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
                            v2::ExchangeType ex, bool response, uint32_t mid, bool retransmit) {
  // drop/duplicate/delay/replay_message together: when each copy goes out.
  std::string conn = ike.config ? ike.config->name : std::string();
  SendPlan plan = impair.send_plan(ex, response, mid, conn, env.log);
  Endpoint local = ike.local, remote = ike.remote;
  for (Duration at : plan) {
    if (at > Duration{0}) {
      // A held-back copy leaves later, whatever becomes of the SA meanwhile.
      after(at, [this, local, remote, datagrams] {
        for (const auto& d : datagrams) {
          log(LogGroup::kNet, 1, "sending packet: from " + local.to_string() + " to " +
                                     remote.to_string() + " (" + std::to_string(d.size()) +
                                     " bytes)");
          auto s = env.net.send(local, remote, d);
          if (!s.ok()) log(LogGroup::kNet, 0, "error sending IKE packet: " + s.error().message());
          ++stats.sent;
        }
      });
      continue;
    }
    for (const auto& d : datagrams) {
      log(LogGroup::kNet, 1, "sending packet: from " + local.to_string() + " to " +
                                 remote.to_string() + " (" + std::to_string(d.size()) +
                                 " bytes)");
      auto s = env.net.send(local, remote, d);
      if (!s.ok()) log(LogGroup::kNet, 0, "error sending IKE packet: " + s.error().message());
      ++stats.sent;
      if (retransmit) ++stats.retransmits;
      ike.last_outbound = env.clock.now();
    }
  }
}

void Engine::Impl::on_retransmit(IkeSa& ike) {
  if (!ike.outstanding) return;
  Outstanding& o = *ike.outstanding;
  o.timer = kNoTimer;
  if (o.retransmits >= settings.retransmit_tries) {
    log(LogGroup::kIke, 1, "giving up after " + std::to_string(o.retransmits) + " retransmits");
    Job::Kind kind = o.job.kind;
    const PeerConfig* config = ike.config;
    uint32_t tried = ike.keyingtry;
    if (kind == Job::Kind::IkeInit || kind == Job::Kind::IkeAuth) {
      bool again = config->keyingtries == 0 || tried < config->keyingtries;
      if (again) {
        std::string limit = config->keyingtries == 0 ? "%forever"
                                                     : std::to_string(config->keyingtries);
        log(LogGroup::kIke, 1, "peer not responding, trying again (" +
                                   std::to_string(tried + 1) + "/" + limit + ")");
      } else {
        log(LogGroup::kIke, 1, "establishing IKE_SA failed, peer not responding");
      }
      destroy_ike(ike);
      if (again) initiate_ike(config, tried + 1);
      return;
    }
    // An established IKE SA whose peer stopped answering is dead (RFC 7296 §2.4).
    DpdAction action = config->dpd_action;
    if (kind == Job::Kind::DeleteIke && o.job.reauth) action = DpdAction::Restart;
    Endpoint remote{ike.remote.addr,
                    config->remote_addr.empty() ? ike.remote.port : config->remote_port};
    destroy_ike(ike);
    if (action == DpdAction::Restart) {
      log(LogGroup::kIke, 1, "restarting CHILD_SA(s) of " + config->name);
      initiate_ike(config, 1, remote);
    }
    return;
  }
  if (impair.no_retransmit()) {
    log(LogGroup::kIke, 1, "IMPAIR: not retransmitting request " +
                               std::to_string(o.message_id));
  } else {
    ++o.retransmits;
    log(LogGroup::kIke, 1, "retransmit " + std::to_string(o.retransmits) +
                               " of request with message ID " + std::to_string(o.message_id));
    transmit(ike, o.datagrams, o.exchange, false, o.message_id, true);
  }
  // strongSwan: timeout * base^n, optionally reduced by up to jitter percent.
  double factor = std::pow(settings.retransmit_base, static_cast<double>(o.retransmits));
  double jitter = settings.retransmit_jitter > 0
                      ? 1.0 - env.rng.unit() * settings.retransmit_jitter / 100.0
                      : 1.0;
  auto timeout = Duration(static_cast<int64_t>(
      static_cast<double>(settings.retransmit_timeout.count()) * factor * jitter));
  o.timer = after(timeout, ike, [this](IkeSa& s) { on_retransmit(s); });
}

void Engine::Impl::request_done(IkeSa& ike) {
  if (ike.outstanding) cancel(ike.outstanding->timer);
  ike.outstanding.reset();
  run_queue(ike);
}

// ---------------------------------------------------------------------------------------------
// Receiving and dispatch

// RFC 7296 §2.5: a request with a higher major version is dropped and SHOULD be answered with
// an unauthenticated INVALID_MAJOR_VERSION in a version 2 header, so the peer can fall back.
void Engine::Impl::answer_major_version(const net::Datagram& d) {
  wire::Reader r(d.data);
  v2::Header h;
  auto spi_i = r.u64();
  auto spi_r = r.u64();
  auto next = r.u8();
  auto version = r.u8();
  auto exchange = r.u8();
  auto flags = r.u8();
  auto mid = r.u32();
  if (!spi_i.ok() || !spi_r.ok() || !next.ok() || !version.ok() || !exchange.ok() || !flags.ok() ||
      !mid.ok())
    return;
  if ((*version >> 4) <= 2 || (*flags & v2::kFlagResponse)) return;
  h.spi_i = *spi_i;
  h.spi_r = *spi_r;
  h.exchange = static_cast<v2::ExchangeType>(*exchange);
  h.message_id = *mid;
  log(LogGroup::kEnc, 1, "IKE version " + std::to_string(*version >> 4) +
                             " not supported, sending INVALID_MAJOR_VERSION");
  send_clear_response(d, h, {notify_payload(v2::NotifyType::INVALID_MAJOR_VERSION)});
}

void Engine::Impl::on_datagram(const net::Datagram& d) {
  ++stats.received;
  log(LogGroup::kNet, 1, "received packet: from " + d.src.to_string() + " to " +
                             d.dst.to_string() + " (" + std::to_string(d.data.size()) + " bytes)");
  auto header = v2::parse_header(d.data);
  if (!header.ok()) {
    log(LogGroup::kEnc, 1, "invalid IKE header: " + header.error().message());
    ++stats.dropped;
    answer_major_version(d);
    return;
  }
  v2::ParseOptions options;
  auto message = v2::parse(d.data, options);
  bool is_request = !header->response();
  if (!message.ok()) {
    const Error& e = message.error();
    log(LogGroup::kEnc, 1, "could not parse " + std::string(v2::to_string(header->exchange)) +
                               (is_request ? " request " : " response ") +
                               std::to_string(header->message_id) + ": " + e.message());
    // RFC 7296 §2.5: an unknown critical payload in an IKE_SA_INIT request is answered with
    // UNSUPPORTED_CRITICAL_PAYLOAD; other errors in unauthenticated messages are dropped
    // silently (§2.21.1 discourages answering them).
    if (is_request && header->exchange == v2::ExchangeType::IkeSaInit && e.notify() &&
        *e.notify() == static_cast<uint16_t>(v2::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD)) {
      send_clear_response(d, *header,
                          {notify_payload(v2::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD,
                                          e.notify_data())});
    }
    ++stats.dropped;
    return;
  }
  // The I flag says whether the sender is the original initiator; our SPI is the other one.
  bool sender_is_initiator = header->initiator();
  uint64_t my_spi = sender_is_initiator ? header->spi_r : header->spi_i;
  if (header->exchange == v2::ExchangeType::IkeSaInit && is_request) {
    if (header->spi_r != 0) {
      log(LogGroup::kEnc, 1, "IKE_SA_INIT request with a non-zero responder SPI, ignored");
      ++stats.dropped;
      return;
    }
    // ignore_message: no connection is known yet, so only rules for every connection apply.
    if (impair.ignores(header->exchange, false, header->message_id, "", env.log)) {
      ++stats.dropped;
      return;
    }
    on_init_request(d, std::move(*message));
    collect_garbage();
    return;
  }
  IkeSa* ike = find_ike(my_spi);
  if (!ike) {
    log(LogGroup::kMgr, 1, "ignoring " + std::string(v2::to_string(header->exchange)) +
                               (is_request ? " request" : " response") +
                               ", no IKE_SA found for SPI " + hex32(uint32_t(my_spi >> 32)) +
                               hex32(uint32_t(my_spi)));
    ++stats.dropped;
    return;
  }
  // The sender's SPI must be the one we know (the initiator learns it from the first response).
  uint64_t sender_spi = sender_is_initiator ? header->spi_i : header->spi_r;
  bool learning = ike->initiator && ike->spi_r == 0 &&
                  header->exchange == v2::ExchangeType::IkeSaInit && !is_request;
  if (!learning && ike->peer_spi() != sender_spi) {
    log(LogGroup::kMgr, 1, "ignoring message with a peer SPI that does not match the IKE_SA");
    ++stats.dropped;
    return;
  }
  if (sender_is_initiator == ike->initiator) {
    log(LogGroup::kEnc, 1, "ignoring message with the wrong I flag");
    ++stats.dropped;
    return;
  }
  // ignore_message: the host behaves as if the datagram never arrived (RFC 7296 §2.4 tests).
  if (impair.ignores(header->exchange, !is_request, header->message_id,
                     ike->config ? std::string_view(ike->config->name) : std::string_view(), env.log)) {
    ++stats.dropped;
    return;
  }
  dispatch(*ike, d, std::move(*message));
  collect_garbage();
}

namespace {
constexpr uint32_t kAfterAuth = state_bit(IkeSaState::Established) |
                                state_bit(IkeSaState::Rekeying) |
                                state_bit(IkeSaState::Rekeyed) | state_bit(IkeSaState::Deleting);

// The dispatch table: which handler takes which message in which IKE SA state. IKE_SA_INIT
// requests never reach it (they create the IKE SA: on_init_request).
constexpr Route kRoutes[] = {
    {state_bit(IkeSaState::Connecting), v2::ExchangeType::IkeSaInit, true,
     &Engine::Impl::on_init_response, "IKE_SA_INIT response"},
    {state_bit(IkeSaState::Connecting), v2::ExchangeType::IkeAuth, false,
     &Engine::Impl::on_auth_request, "IKE_AUTH request"},
    {state_bit(IkeSaState::Connecting), v2::ExchangeType::IkeAuth, true,
     &Engine::Impl::on_auth_response, "IKE_AUTH response"},
    {kAfterAuth, v2::ExchangeType::CreateChildSa, false, &Engine::Impl::on_create_child_request,
     "CREATE_CHILD_SA request"},
    {kAfterAuth, v2::ExchangeType::CreateChildSa, true,
     &Engine::Impl::on_create_child_response, "CREATE_CHILD_SA response"},
    {kAfterAuth, v2::ExchangeType::Informational, false,
     &Engine::Impl::on_informational_request, "INFORMATIONAL request"},
    {kAfterAuth | state_bit(IkeSaState::Connecting), v2::ExchangeType::Informational, true,
     &Engine::Impl::on_informational_response, "INFORMATIONAL response"},
};
}  // namespace

const Route* Engine::Impl::route(IkeSaState state, v2::ExchangeType ex, bool response) {
  for (const auto& r : kRoutes)
    if ((r.states & state_bit(state)) && r.exchange == ex && r.response == response) return &r;
  return nullptr;
}

void Engine::Impl::dispatch(IkeSa& ike, const net::Datagram& d, v2::Message message) {
  const v2::Header& h = message.header;
  bool response = h.response();
  std::string what = std::string(v2::to_string(h.exchange)) +
                     (response ? " response " : " request ") + std::to_string(h.message_id);
  if (!response) {
    if (ike.cached_response_mid && h.message_id == *ike.cached_response_mid &&
        h.message_id + 1 == ike.expected_request_mid) {
      // RFC 7296 §2.1: a retransmitted request gets the same response again. Only the
      // first fragment of a fragmented request triggers it (RFC 7383 §2.6.1).
      bool first_fragment = true;
      if (!message.payloads.empty())
        if (const auto* f = message.payloads.back().as<v2::EncryptedFragmentPayload>())
          first_fragment = f->fragment_number == 1;
      if (first_fragment) {
        log(LogGroup::kIke, 1, "received retransmit of request with ID " +
                                   std::to_string(h.message_id) + ", retransmitting response");
        transmit(ike, ike.cached_response, h.exchange, true, h.message_id, true);
      }
      return;
    }
    if (h.message_id != ike.expected_request_mid) {
      log(LogGroup::kIke, 1, "received message ID " + std::to_string(h.message_id) +
                                 ", expected " + std::to_string(ike.expected_request_mid) +
                                 ", ignored");
      ++stats.dropped;
      return;
    }
  } else if (!ike.outstanding || ike.outstanding->message_id != h.message_id ||
             ike.outstanding->exchange != h.exchange) {
    log(LogGroup::kIke, 1, "received " + what + " that matches no request, ignored");
    ++stats.dropped;
    return;
  }

  Received in;
  in.datagram = &d;
  if (h.exchange == v2::ExchangeType::IkeSaInit) {
    in.payloads = message.payloads;
  } else {
    auto inner = unprotect(ike, d.data, message);
    if (!inner.ok()) {
      const Error& e = inner.error();
      if (e.code() == ErrorCode::kIntegrity || e.code() == ErrorCode::kCrypto ||
          e.code() == ErrorCode::kState) {
        // RFC 7296 §2.21.1: a message that fails integrity is dropped, state unchanged.
        log(LogGroup::kEnc, 1, what + " processing failed: " + e.message());
        ++stats.integrity_failures;
        ++stats.dropped;
        return;
      }
      // Authenticated but malformed inside: a request is answered with the notify.
      log(LogGroup::kEnc, 1, "could not parse payloads of " + what + ": " + e.message());
      ++stats.dropped;
      if (!response) {
        auto type = e.notify() ? static_cast<v2::NotifyType>(*e.notify())
                               : v2::NotifyType::INVALID_SYNTAX;
        send_response(ike, h.exchange, h.message_id, {notify_payload(type, e.notify_data())});
        if (h.exchange == v2::ExchangeType::IkeAuth) destroy_ike(ike);
      }
      return;
    }
    if (!inner->has_value()) return;  // more fragments to come
    in.payloads = std::move(**inner);
  }
  in.message = std::move(message);
  if (h.exchange == v2::ExchangeType::IkeSaInit) {
    log(LogGroup::kEnc, 1, "parsed " + v2::summary(in.message));
  } else {
    // After reassembly the message reads as if it had come in one SK payload.
    v2::Message shown;
    shown.header = in.message.header;
    shown.payloads.push_back(make_payload(v2::PayloadType::SK, v2::EncryptedPayload{}));
    log(LogGroup::kEnc, 1, "parsed " + v2::summary(shown, &in.payloads));
  }
  ike.last_inbound = env.clock.now();
  // RFC 7296 §2.23: a NAT may change the peer's port; follow it for authenticated messages.
  if (h.exchange != v2::ExchangeType::IkeSaInit) {
    if (ike.remote != d.src) {
      log(LogGroup::kIke, 1, "remote endpoint changed from " + ike.remote.to_string() + " to " +
                                 d.src.to_string());
      ike.remote = d.src;
    }
    if (ike.local != d.dst) {
      // The initiator floated to port 4500: answer from there (RFC 7296 §2.23).
      ike.local = d.dst;
      ike.on_4500 = d.dst.port != net::kIkePort;
    }
  }
  const Route* r = route(ike.state, h.exchange, response);
  if (!r) {
    log(LogGroup::kIke, 1, "unexpected " + what + " in state " + std::string(name(ike.state)) +
                               ", ignored");
    ++stats.dropped;
    return;
  }
  (this->*(r->handler))(ike, in);
}

// ---------------------------------------------------------------------------------------------
// Timers and kernel events

void Engine::Impl::on_expire(const sa::ExpireEvent& event) {
  for (auto& ike : ike_sas) {
    if (ike->state == IkeSaState::Destroying) continue;
    for (auto& child : ike->children) {
      bool ours = child->spi_in == event.key.spi || child->spi_out == event.key.spi;
      if (!ours || child->state == ChildSaState::Destroying) continue;
      std::string id = std::string(sa::name(event.key.protocol)) + "/0x" +
                       hex32(event.key.spi) + "/" + event.key.dst.to_string();
      log(LogGroup::kKnl, 1, std::string("creating ") + (event.hard ? "delete" : "rekey") +
                                 " job for CHILD_SA " + id);
      if (event.hard) {
        // The kernel removed the SA already (hard expire).
        if (event.key.spi == child->spi_in) child->in_installed = false;
        if (event.key.spi == child->spi_out) child->out_installed = false;
        Job job;
        job.kind = Job::Kind::DeleteChild;
        job.child_ids.push_back(child->unique_id);
        job.expired = true;
        queue_job(*ike, job);
      } else if (child->state == ChildSaState::Installed && child->config &&
                 child->config->rekey) {
        Job job;
        job.kind = Job::Kind::RekeyChild;
        job.child_id = child->unique_id;
        queue_job(*ike, job);
      }
      collect_garbage();
      return;
    }
  }
  log(LogGroup::kKnl, 2, "expire event for unknown SA 0x" + hex32(event.key.spi) + ", ignored");
}

void Engine::Impl::on_rekey_ike_timer(IkeSa& ike) {
  ike.rekey_timer = kNoTimer;
  if (ike.state != IkeSaState::Established) return;
  if (ike.config->reauth) {
    reauthenticate(ike);
    return;
  }
  Job job;
  job.kind = Job::Kind::RekeyIke;
  queue_job(ike, job);
}

void Engine::Impl::reauthenticate(IkeSa& ike) {
  // RFC 7296 §2.8.3: reauthentication is a new IKE SA from scratch. charon's default
  // (make_before_break = no) deletes the old SA first; with make_before_break the new SA is
  // established before the old one is deleted.
  log(LogGroup::kIke, 1, "reauthenticating IKE_SA " + ike_label(ike));
  Endpoint remote{ike.remote.addr,
                  ike.config->remote_addr.empty() ? ike.remote.port : ike.config->remote_port};
  if (settings.make_before_break) {
    if (IkeSa* next = initiate_ike(ike.config, 1, remote)) next->reauth_of = ike.unique_id;
    return;
  }
  Job job;
  job.kind = Job::Kind::DeleteIke;
  job.reauth = true;
  ike.queue.push_front(job);
  run_queue(ike);
}

void Engine::Impl::on_dpd_timer(IkeSa& ike) {
  ike.dpd_timer = kNoTimer;
  Duration delay = ike.config->dpd_delay;
  if (delay <= Duration::zero() || ike.state != IkeSaState::Established) return;
  Duration idle = env.clock.now() - ike.last_inbound;
  Duration next = delay - idle;
  if (idle >= delay) {
    // RFC 7296 §2.4: nothing heard for dpd_delay: check liveness (unless a request of ours is
    // outstanding already, whose retransmissions do the same).
    if (!ike.outstanding) {
      Job job;
      job.kind = Job::Kind::Dpd;
      queue_job(ike, job);
    }
    next = delay;
  }
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

}  // namespace ikesuite::ikev2
