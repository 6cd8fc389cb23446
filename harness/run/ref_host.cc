#include "harness/run/ref_host.h"

#include <algorithm>
#include <set>

#include "engine/sa/dump.h"
#include "harness/decode/ike_decode.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness::run {

namespace {

std::optional<sa::Operation> to_operation(SaOp op) {
  switch (op) {
    case SaOp::kAllocSpi: return sa::Operation::AllocSpi;
    case SaOp::kAddSa: return sa::Operation::AddSa;
    case SaOp::kUpdateSa: return sa::Operation::UpdateSa;
    case SaOp::kDeleteSa: return sa::Operation::DeleteSa;
    case SaOp::kAddPolicy: return sa::Operation::AddPolicy;
    case SaOp::kDeletePolicy: return sa::Operation::DeletePolicy;
    default: return std::nullopt;
  }
}

}  // namespace

uint64_t stream_label(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : text) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// One observer for both engines: ikev1::Observer is ikev2::Observer plus the ISAKMP SA keys.
class RefHost::Observer final : public ikev1::Observer {
 public:
  explicit Observer(RefHost& host) : host_(host) {}
  void on_ike_state(const ikev2::IkeSaRef& sa, ikev2::IkeSaState from,
                    ikev2::IkeSaState to) override {
    report(true, sa.name, sa.unique_id, std::string(ikev2::name(from)), std::string(ikev2::name(to)));
  }
  void on_child_state(const ikev2::ChildSaRef& sa, ikev2::ChildSaState from,
                      ikev2::ChildSaState to) override {
    report(false, sa.name, sa.unique_id, std::string(ikev2::name(from)),
           std::string(ikev2::name(to)));
  }
  void on_ike_keys(const ikev2::IkeKeysEvent& k) override {
    if (!host_.env_.listener.on_ike_keys) return;
    IkeKeys keys{k.sa.spi_i, k.sa.spi_r, k.encr, k.encr_key_bits, k.integ,
                 k.sk_ei,    k.sk_er,    k.sk_ai, k.sk_ar};
    host_.env_.listener.on_ike_keys(host_.name(), keys);
  }
  void on_ike_keys(const ikev1::IkeKeysEvent& k) override {
    if (!host_.env_.listener.on_ikev1_keys) return;
    Ikev1Keys keys{k.cookie_i, k.cookie_r, k.encr, k.encr_key_bits, k.hash,
                   k.ka,       k.skeyid_d, k.skeyid_a};
    host_.env_.listener.on_ikev1_keys(host_.name(), keys);
  }
  void on_child_keys(const ikev2::ChildKeysEvent& k) override {
    if (!host_.env_.listener.on_esp_keys) return;
    EspKeys keys{k.src, k.dst, k.spi, k.encr, k.integ, k.encr_key, k.integ_key};
    host_.env_.listener.on_esp_keys(host_.name(), keys);
  }
  void on_invariant_violation(std::string_view what) override {
    if (host_.env_.listener.on_invariant) host_.env_.listener.on_invariant(host_.name(), std::string(what));
  }

 private:
  void report(bool ike, const std::string& conn, uint32_t id, std::string from, std::string to) {
    if (!host_.env_.listener.on_state) return;
    StateChange c;
    c.t = host_.env_.loop.now();
    c.host = host_.name();
    c.generation = host_.generation_;
    c.ike = ike;
    c.conn = conn;
    c.unique_id = id;
    c.from = std::move(from);
    c.to = std::move(to);
    host_.env_.listener.on_state(c);
  }
  RefHost& host_;
};

Result<ikev2::ImpairRule> to_engine_rule(const Impairment& imp, const std::string& conn) {
  auto kind = ikev2::parse_impair_kind(name(imp.kind));
  if (!kind)
    return Error(ErrorCode::kUnsupported, "impairment " + std::string(name(imp.kind)) +
                                              " does not apply to the IKEv2 engine");
  if (imp.exchange_version != 2)
    return Error(ErrorCode::kUnsupported, "impairment " + std::string(name(imp.kind)) +
                                              " names an IKEv1 exchange, not an IKEv2 one");
  ikev2::ImpairRule r;
  r.kind = *kind;
  if (imp.exchange) r.exchange = static_cast<v2::ExchangeType>(*imp.exchange);
  if (imp.message) r.response = *imp.message == MessageKind::kResponse;
  r.message_id = imp.message_id;
  r.conn = conn;
  r.count = imp.count;
  if (imp.payload) {
    if (imp.payload->version != 2)
      return Error(ErrorCode::kUnsupported, "payload " + imp.payload->text + " is not an IKEv2 payload");
    r.payload = static_cast<v2::PayloadType>(imp.payload->type);
    if (imp.payload->notify) r.notify = static_cast<v2::NotifyType>(*imp.payload->notify);
  }
  if (imp.notify) r.notify = static_cast<v2::NotifyType>(*imp.notify);
  if (imp.group) {
    r.value = *imp.group;
    r.value_set = true;
  }
  if (imp.value) {
    r.value = *imp.value;
    r.value_set = true;
  }
  r.critical = imp.critical;
  r.data = imp.data;
  r.text = imp.proposal;
  if (imp.delay) r.delay = *imp.delay;
  auto selectors = [](const std::vector<TrafficSelectorSpec>& specs) {
    std::vector<v2::TrafficSelector> out;
    for (const auto& s : specs)
      out.push_back(v2::TrafficSelector::from_subnet(s.subnet, s.protocol, s.port_from, s.port_to));
    return out;
  };
  r.tsi = selectors(imp.tsi);
  r.tsr = selectors(imp.tsr);
  return r;
}

Result<ikev1::ImpairRule> to_v1_engine_rule(const Impairment& imp) {
  std::optional<ikev1::ImpairKind> kind;
  switch (imp.kind) {
    case ImpairKind::kDropMessage: kind = ikev1::ImpairKind::Drop; break;
    case ImpairKind::kDuplicateMessage: kind = ikev1::ImpairKind::Duplicate; break;
    case ImpairKind::kNoRetransmit: kind = ikev1::ImpairKind::NoRetransmit; break;
    case ImpairKind::kMajorVersion: kind = ikev1::ImpairKind::MajorVersion; break;
    case ImpairKind::kMinorVersion: kind = ikev1::ImpairKind::MinorVersion; break;
    case ImpairKind::kHeaderFlags: kind = ikev1::ImpairKind::HeaderFlags; break;
    case ImpairKind::kWrongSpi: kind = ikev1::ImpairKind::WrongSpi; break;
    case ImpairKind::kMessageId: kind = ikev1::ImpairKind::MessageId; break;
    case ImpairKind::kHeaderLength: kind = ikev1::ImpairKind::HeaderLength; break;
    case ImpairKind::kOmitPayload: kind = ikev1::ImpairKind::OmitPayload; break;
    case ImpairKind::kDuplicatePayload: kind = ikev1::ImpairKind::DuplicatePayload; break;
    case ImpairKind::kAddNotify: kind = ikev1::ImpairKind::AddNotify; break;
    case ImpairKind::kAddUnknownPayload: kind = ikev1::ImpairKind::AddUnknownPayload; break;
    case ImpairKind::kCorruptPayload: kind = ikev1::ImpairKind::CorruptPayload; break;
    case ImpairKind::kPayloadLength: kind = ikev1::ImpairKind::PayloadLength; break;
    case ImpairKind::kKeLength: kind = ikev1::ImpairKind::KeData; break;
    case ImpairKind::kBadHash: kind = ikev1::ImpairKind::BadHash; break;
    case ImpairKind::kNonceLength: kind = ikev1::ImpairKind::ZeroNonce; break;
    case ImpairKind::kForceProposal: kind = ikev1::ImpairKind::ForceProposal; break;
    default: break;
  }
  if (!kind)
    return Error(ErrorCode::kUnsupported, "impairment " + std::string(name(imp.kind)) +
                                              " does not apply to the IKEv1 engine");
  if (imp.exchange && imp.exchange_version != 1)
    return Error(ErrorCode::kUnsupported, "impairment " + std::string(name(imp.kind)) +
                                              " names an IKEv2 exchange, not an IKEv1 one");
  ikev1::ImpairRule r;
  r.kind = *kind;
  if (imp.exchange) r.exchange = static_cast<v1::ExchangeType>(*imp.exchange);
  // IKEv1 has no response flag: a "response" is a message of the exchange's responder.
  if (imp.message) r.response = *imp.message == MessageKind::kResponse;
  r.message_id = imp.message_id;
  r.count = imp.count;
  if (imp.payload) {
    if (imp.payload->version != 1)
      return Error(ErrorCode::kUnsupported, "payload " + imp.payload->text + " is not an IKEv1 payload");
    r.payload = static_cast<v1::PayloadType>(imp.payload->type);
    if (imp.payload->notify) r.notify = static_cast<v1::NotifyType>(*imp.payload->notify);
  }
  if (imp.notify) r.notify = static_cast<v1::NotifyType>(*imp.notify);
  if (imp.group) r.value = *imp.group;
  if (imp.value) r.value = *imp.value;
  r.data = imp.data;
  r.text = imp.proposal;
  if (imp.delay || !imp.tsi.empty() || !imp.tsr.empty() || imp.critical)
    return Error(ErrorCode::kUnsupported, "impairment " + std::string(name(imp.kind)) +
                                              ": delay, critical and traffic selectors do not "
                                              "apply to the IKEv1 engine's rules");
  return r;
}

bool RefHost::is_v1_conn(const std::string& conn) const {
  const Connection* c = host_.find_conn(conn);
  return c && c->is_ikev1();
}

Status RefHost::rules_for(const Impairment& imp, const std::string& conn,
                          std::vector<ikev2::ImpairRule>& v2,
                          std::vector<ikev1::ImpairRule>& v1) const {
  bool v1_conn = !conn.empty() && is_v1_conn(conn);
  bool v2_conn = !conn.empty() && !v1_conn;
  if (v1_conn || (conn.empty() && imp.exchange && imp.exchange_version == 1)) {
    TRY_ASSIGN(auto r, to_v1_engine_rule(imp));
    v1.push_back(std::move(r));
    return {};
  }
  if (v2_conn || imp.exchange) {
    TRY_ASSIGN(auto r, to_engine_rule(imp, conn));
    v2.push_back(std::move(r));
    return {};
  }
  // No connection and no exchange: every engine that can do it.
  auto r2 = to_engine_rule(imp, conn);
  auto r1 = to_v1_engine_rule(imp);
  if (!r2.ok() && !r1.ok()) return r2.error();
  if (r2.ok()) v2.push_back(std::move(*r2));
  if (r1.ok()) v1.push_back(std::move(*r1));
  return {};
}

Result<std::unique_ptr<RefHost>> RefHost::create(const Host& host, RefHostEnv env) {
  bool kernel = host.sa_backend == SaBackendKind::kXfrm && env.make_kernel_backend;
  if (host.sa_backend != SaBackendKind::kMemory && !kernel)
    return Error(ErrorCode::kUnsupported, "host '" + host.name + "': sa_backend " +
                                              std::string(harness::name(host.sa_backend)) +
                                              (host.sa_backend == SaBackendKind::kXfrm
                                                   ? " needs netns mode (the kernel's XFRM in the host's namespace)"
                                                   : " is not a reference engine's backend (memory or xfrm)"));
  TRY_ASSIGN(RefConfig config, build_ref_config(host));
  for (const auto& conn : host.conns)
    for (const auto& imp : conn.impairments) {
      Status rule;
      if (conn.is_ikev1()) {
        if (auto r = to_v1_engine_rule(imp); !r.ok()) rule = r.error();
      } else if (auto r = to_engine_rule(imp, conn.name); !r.ok()) {
        rule = r.error();
      }
      if (!rule.ok())
        return Error(ErrorCode::kUnsupported, "host '" + host.name + "' conn '" + conn.name +
                                                  "': " + rule.error().reason());
    }
  std::unique_ptr<RefHost> ref(new RefHost(host, std::move(env), std::move(config)));
  TRY_IN(ref->open_backend(), "host '" + host.name + "'");
  return ref;
}

RefHost::RefHost(const Host& host, RefHostEnv env, RefConfig config)
    : host_(host),
      env_(std::move(env)),
      config_(std::move(config)),
      engine_rng_(SeededRandom(env_.seed).fork(stream_label(host.name)).fork(1)),
      kernel_rng_(SeededRandom(env_.seed).fork(stream_label(host.name)).fork(2)) {
  log_ = std::make_unique<HostLog>(env_.loop, host.log);
  if (!env_.log_path.empty()) (void)log_->open_file(env_.log_path);
  if (env_.listener.on_log)
    log_->set_sink([this](const LogLine& line) { env_.listener.on_log(name(), line); });
  observer_ = std::make_unique<Observer>(*this);
}

Status RefHost::open_backend() {
  std::unique_ptr<sa::SaBackend> base;
  if (host_.sa_backend == SaBackendKind::kXfrm) {
    TRY_ASSIGN(base, env_.make_kernel_backend(log_.get()));
  } else {
    sa::MemoryOptions options;
    options.logger = log_.get();
    auto memory = std::make_unique<sa::MemoryBackend>(env_.loop, env_.loop, kernel_rng_, options);
    memory_ = memory.get();
    base = std::move(memory);
  }
  base_ = base.get();
  faults_ = std::make_unique<sa::FaultInjector>(std::move(base), log_.get());
  recorder_ = std::make_unique<RecordingBackend>(*faults_, env_.loop, faults_.get());
  recorder_->set_listener([this](size_t index) {
    if (env_.listener.on_backend) env_.listener.on_backend(name(), recorder_->events()[index]);
  });
  // Each engine ignores the expire events of SAs it does not own.
  recorder_->set_expire_handler([this](const sa::ExpireEvent& e) {
    if (engine_) engine_->on_expire(e);
    if (engine_v1_) engine_v1_->on_expire(e);
  });
  return {};
}

RefHost::~RefHost() {
  engine_v1_.reset();
  engine_.reset();
  transport_.reset();
}

Status RefHost::add_connection_impairments() {
  for (const auto& conn : host_.conns) {
    if (conn.auto_action == AutoAction::kIgnore) continue;
    for (const auto& imp : conn.impairments) {
      if (conn.is_ikev1()) {
        // The IKEv1 engine's rules have no connection filter: they apply to its every SA.
        TRY_ASSIGN(auto rule, to_v1_engine_rule(imp));
        log_->log(LogGroup::kCfg, 1, "IMPAIR: conn '" + conn.name + "' (IKEv1) applies " +
                                         rule.describe());
        engine_v1_->impairments().add(std::move(rule));
        continue;
      }
      TRY_ASSIGN(auto rule, to_engine_rule(imp, conn.name));
      log_->log(LogGroup::kCfg, 1, "IMPAIR: conn '" + conn.name + "' applies " + rule.describe());
      engine_->impairments().add(std::move(rule));
    }
  }
  for (const auto& rule : misbehaviour_) engine_->impairments().add(rule);
  for (const auto& rule : misbehaviour_v1_) engine_v1_->impairments().add(rule);
  return {};
}

Status RefHost::start() {
  if (engine_) return Error(ErrorCode::kState, "host '" + name() + "' is already running");
  TRY_ASSIGN(transport_, env_.make_transport());
  ++generation_;
  log_->log(LogGroup::kDmn, 1, "Starting IKE charon daemon (ikesuite reference engine, " +
                                   std::string(generation_ > 1 ? "restart" : "start") + ")");
  for (const auto& note : config_.notes) log_->log(LogGroup::kCfg, 1, note);
  ikev2::Env env{env_.loop, env_.loop, engine_rng_, *log_, *recorder_, *transport_, observer_.get()};
  env.wall_offset = env_.wall_offset;
  engine_ = std::make_unique<ikev2::Engine>(env, config_.settings, config_.credentials);
  ikev1::Env env1{env_.loop, env_.loop, engine_rng_, *log_, *recorder_, *transport_, observer_.get()};
  env1.wall_offset = env_.wall_offset;
  ikev1::Settings settings1 = config_.v1_settings;
  settings1.first_reqid = kIkev1FirstReqid;
  engine_v1_ = std::make_unique<ikev1::Engine>(env1, settings1, config_.credentials);
  transport_->set_receiver([this](const net::Datagram& d) { on_datagram(d); });
  for (const auto& pc : config_.connections) {
    if (auto s = engine_->add_connection(pc); !s.ok()) {
      Error e = s.error();
      stop();
      return e;
    }
  }
  for (const auto& pc : config_.v1_connections) {
    if (auto s = engine_v1_->add_connection(pc); !s.ok()) {
      Error e = s.error();
      stop();
      return e;
    }
  }
  if (auto s = add_connection_impairments(); !s.ok()) {
    Error e = s.error();
    stop();
    return e;
  }
  engine_->start();
  engine_v1_->start();
  return {};
}

void RefHost::stop() {
  if (!engine_) return;
  log_->log(LogGroup::kDmn, 1, "SIGTERM received, shutting down");
  // The daemon's SAs vanish without a word (RFC 7296 §2.4: the peer finds out by itself).
  engine_v1_->reset();
  engine_->reset();
  engine_v1_.reset();
  engine_.reset();
  transport_.reset();
}

void RefHost::on_datagram(const net::Datagram& d) {
  // RFC 2408 §3.1 / RFC 7296 §3.1: the major version sits at the same offset in both
  // headers; anything not ISAKMP goes to the IKEv2 engine, which answers wrong versions.
  auto header = decode::read_raw_header(d.data);
  if (header.ok() && header->major_version == 1) {
    if (engine_v1_) engine_v1_->on_datagram(d);
    return;
  }
  if (engine_) engine_->on_datagram(d);
}

Status RefHost::initiate(const std::string& conn, bool ike_only) {
  if (!engine_) return Error(ErrorCode::kState, "host '" + name() + "' is not running");
  if (is_v1_conn(conn)) {
    if (ike_only)
      return Error(ErrorCode::kUnsupported,
                   "initiate with ike_only: the IKEv1 engine always follows phase 1 with Quick "
                   "Mode");
    return engine_v1_->initiate(conn);
  }
  if (ike_only) {
    // RFC 6023: an IKE SA without a Child SA. The engine creates none for childless=force;
    // for other connections it has no way to leave the Child SA out yet.
    const Connection* c = host_.find_conn(conn);
    if (!c || c->childless != Childless::kForce)
      return Error(ErrorCode::kUnsupported,
                   "initiate with ike_only: the reference engine initiates without a Child SA "
                   "only for childless=force connections");
  }
  return engine_->initiate(conn);
}

Status RefHost::rekey(const std::string& conn, SaKind sa) {
  if (!engine_) return Error(ErrorCode::kState, "host '" + name() + "' is not running");
  if (is_v1_conn(conn))
    return sa == SaKind::kIke ? engine_v1_->rekey_ike(conn) : engine_v1_->rekey_child(conn);
  return sa == SaKind::kIke ? engine_->rekey_ike(conn) : engine_->rekey_child(conn);
}

Status RefHost::terminate(const std::string& conn, SaKind sa) {
  if (!engine_) return Error(ErrorCode::kState, "host '" + name() + "' is not running");
  if (is_v1_conn(conn))
    return sa == SaKind::kIke ? engine_v1_->terminate_ike(conn)
                              : engine_v1_->terminate_child(conn);
  return sa == SaKind::kIke ? engine_->terminate_ike(conn) : engine_->terminate_child(conn);
}

Status RefHost::add_fault(const FaultSpec& f) {
  auto op = to_operation(f.op);
  if (!op) return Error(ErrorCode::kConfig, "fault: " + std::string(harness::name(f.op)) + " is not an operation");
  sa::FaultRule rule;
  rule.op = *op;
  rule.nth = f.nth;
  rule.times = f.times;
  if (f.protocol) rule.protocol = *f.protocol == IpsecProtocol::kAh ? sa::Protocol::AH : sa::Protocol::ESP;
  if (f.direction) rule.inbound = *f.direction != Direction::kOut;
  rule.err = f.err;
  rule.note = "scenario fault " + std::string(harness::name(f.op)) + " " + f.err_name;
  faults_->add_rule(rule);
  log_->log(LogGroup::kKnl, 1, "fault injection: " + std::string(harness::name(f.op)) +
                                   (f.protocol ? " " + std::string(harness::name(*f.protocol)) : "") +
                                   (f.direction ? " " + std::string(harness::name(*f.direction)) : "") +
                                   " fails with " + f.err_name + " from call " +
                                   std::to_string(f.nth) + " on, " +
                                   (f.times == 0 ? std::string("always") : std::to_string(f.times) + " time(s)"));
  return {};
}

void RefHost::clear_faults() {
  faults_->clear_rules();
  log_->log(LogGroup::kKnl, 1, "fault injection: every fault cleared");
}

Status RefHost::misbehave(const std::vector<Impairment>& impairments, const std::string& conn,
                          bool clear) {
  std::vector<ikev2::ImpairRule> rules;
  std::vector<ikev1::ImpairRule> rules_v1;
  for (const auto& imp : impairments) TRY(rules_for(imp, conn, rules, rules_v1));
  if (clear) {
    misbehaviour_.clear();
    misbehaviour_v1_.clear();
    if (engine_) {
      engine_->impairments().clear();
      engine_v1_->impairments().clear();
      TRY(add_connection_impairments());
    }
  }
  for (auto& r : rules) {
    log_->log(LogGroup::kCfg, 1, "IMPAIR: from now on " + r.describe() +
                                     (conn.empty() ? "" : " for conn '" + conn + "'"));
    misbehaviour_.push_back(r);
    if (engine_) engine_->impairments().add(r);
  }
  for (auto& r : rules_v1) {
    log_->log(LogGroup::kCfg, 1, "IMPAIR: from now on (IKEv1) " + r.describe());
    misbehaviour_v1_.push_back(r);
    if (engine_v1_) engine_v1_->impairments().add(r);
  }
  return {};
}

Status RefHost::traffic(const std::string& conn, const TrafficSpec& t) {
  if (!engine_) return Error(ErrorCode::kState, "host '" + name() + "' is not running");
  if (!memory_)
    return Error(ErrorCode::kUnsupported, "host '" + name() + "': traffic is accounted on the memory backend; "
                                          "the kernel's XFRM counts real packets only");
  std::vector<sa::SaKey> keys;
  auto installed = memory_->list_sas();
  auto listed = engine_->list_sas();
  for (auto& ike : engine_v1_->list_sas()) listed.push_back(std::move(ike));
  for (const auto& ike : listed) {
    for (const auto& child : ike.children) {
      if (child.name != conn || child.state != ikev2::ChildSaState::Installed) continue;
      for (const auto& e : installed) {
        bool in = e.spec.inbound && e.spec.key.spi == child.spi_in;
        bool out = !e.spec.inbound && e.spec.key.spi == child.spi_out;
        if ((in && t.direction != Direction::kOut) || (out && t.direction != Direction::kIn))
          keys.push_back(e.spec.key);
      }
    }
  }
  if (keys.empty())
    return Error(ErrorCode::kNotFound, "no installed CHILD_SA for '" + conn + "' to account traffic on");
  for (const auto& k : keys) TRY(memory_->account_traffic(k, t.bytes, t.packets));
  log_->log(LogGroup::kKnl, 2, "accounted " + std::to_string(t.bytes) + " bytes, " +
                                   std::to_string(t.packets) + " packets on " +
                                   std::to_string(keys.size()) + " SA(s) of " + conn);
  return {};
}

std::vector<IkeSnapshot> RefHost::sas() const {
  std::vector<IkeSnapshot> out;
  if (!engine_) return out;
  auto listed = engine_->list_sas();
  for (auto& ike : engine_v1_->list_sas()) listed.push_back(std::move(ike));
  for (const auto& ike : listed) {
    IkeSnapshot s{ike.name, ike.unique_id, std::string(ikev2::name(ike.state)), {}};
    for (const auto& c : ike.children)
      s.children.push_back({c.name, c.unique_id, std::string(ikev2::name(c.state))});
    out.push_back(std::move(s));
  }
  return out;
}

BackendSnapshot RefHost::backend(Time now) const {
  BackendSnapshot s;
  s.t = now;
  s.sas = recorder_->list_sas();
  s.policies = recorder_->list_policies();
  for (const auto& e : s.sas) s.reqid_conn[e.spec.reqid] = conn_of_label(e.spec.label);
  for (const auto& p : s.policies)
    if (!s.reqid_conn.count(p.reqid)) s.reqid_conn[p.reqid] = recorder_->conn_of_reqid(p.reqid);
  return s;
}

std::string RefHost::sa_dump() const {
  if (memory_)
    return "# ip -s xfrm state\n" + memory_->dump_state() + "\n# ip xfrm policy\n" + memory_->dump_policy();
  // The kernel's tables as its XFRM dumps list them.
  sa::DumpOptions o;
  o.time_style = sa::DumpOptions::TimeStyle::kUtcDate;
  return "# ip -s xfrm state (kernel)\n" + sa::format_sas(base_->list_sas(), o) + "\n# ip xfrm policy (kernel)\n" +
         sa::format_policies(base_->list_policies());
}

std::vector<Endpoint> listen_endpoints(const Host& host) {
  std::set<uint16_t> ports{net::kNattPort};
  for (const auto& conn : host.conns)
    if (conn.auto_action != AutoAction::kIgnore) ports.insert(conn.left.ikeport);
  if (ports.size() == 1) ports.insert(500);
  std::vector<Endpoint> out;
  for (const auto& addr : host.addresses)
    for (uint16_t port : ports) out.push_back(Endpoint{addr, port});
  return out;
}

}  // namespace ikesuite::harness::run
