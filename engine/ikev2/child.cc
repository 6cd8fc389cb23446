// Child SAs: negotiation shared by IKE_AUTH and CREATE_CHILD_SA (proposal, selectors, mode,
// nonces, PFS), key derivation (RFC 7296 §2.17) and installation in the SA backend the way
// charon does it (seed 001: the rekey time as the inbound SA's soft add-expiry, the lifetime
// as the hard one; seed 002: what happens when the kernel refuses).
#include "engine/crypto/cipher.h"
#include "engine/crypto/integ.h"
#include "engine/ikev2/engine_impl.h"
#include "engine/ikev2/ts.h"

namespace ikesuite::ikev2 {

namespace {

std::vector<v2::Proposal> child_proposals(const ChildConfig& c, uint32_t spi, bool strip_dh) {
  std::vector<v2::Proposal> out = c.esp_proposals;
  uint8_t n = 1;
  for (auto& p : out) {
    p.number = n++;
    p.spi = spi_bytes(spi);
    if (strip_dh)
      std::erase_if(p.transforms, [](const v2::Transform& t) {
        return t.type == v2::TransformType::DH;
      });
  }
  return out;
}

v2::DhGroup pfs_group(const v2::Proposal& p) {
  auto dh = transform_of(p, v2::TransformType::DH);
  return dh ? static_cast<v2::DhGroup>(dh->id) : v2::DhGroup::None;
}

Error child_error(v2::NotifyType type, std::string reason) {
  return Error(ErrorCode::kState, std::move(reason)).with_notify(static_cast<uint16_t>(type));
}

}  // namespace

ChildSa& Engine::Impl::create_child(IkeSa& ike, const ChildConfig* config) {
  auto child = std::make_unique<ChildSa>();
  child->unique_id = next_child_id++;
  child->config = config;
  child->reqid = next_reqid++;
  child->mode = config ? config->mode : sa::Mode::Tunnel;
  ike.children.push_back(std::move(child));
  return *ike.children.back();
}

ChildSa* Engine::Impl::policy_twin(const ChildSa& child) {
  // Cheap comparisons only: this runs for every install, over every Child SA of the engine.
  for (auto& ike : ike_sas)
    for (auto& other : ike->children)
      if (other.get() != &child && other->policies_installed && other->mode == child.mode &&
          other->protocol == child.protocol && other->ts_local == child.ts_local &&
          other->ts_remote == child.ts_remote)
        return other.get();
  return nullptr;
}

bool Engine::Impl::shares_policies(const ChildSa& child) const {
  for (const auto& ike : ike_sas)
    for (const auto& other : ike->children)
      if (other.get() != &child && other->reqid == child.reqid && other->policies_installed)
        return true;
  return false;
}

Result<uint32_t> Engine::Impl::allocate_spi(IkeSa& ike, ChildSa& child) {
  TRY_ASSIGN(uint32_t spi,
             env.kernel.allocate_spi(child.protocol, ike.remote.addr, ike.local.addr));
  child.spi_in = spi;
  child.spi_reserved = true;
  log(LogGroup::kKnl, 2, "got SPI " + hex32(spi));
  return spi;
}

std::vector<v2::TrafficSelector> Engine::Impl::local_selectors(const IkeSa& ike,
                                                               const ChildConfig& c) const {
  std::vector<v2::TrafficSelector> out;
  if (c.local_ts.empty()) {
    out.push_back(selector_for(Subnet{ike.local.addr, static_cast<unsigned>(ike.local.addr.size() * 8)},
                               c.ts_protocol));
  }
  for (const auto& s : c.local_ts) out.push_back(selector_for(s, c.ts_protocol));
  return out;
}

std::vector<v2::TrafficSelector> Engine::Impl::remote_selectors(const IkeSa& ike,
                                                                const ChildConfig& c) const {
  std::vector<v2::TrafficSelector> out;
  if (c.remote_ts.empty()) {
    out.push_back(selector_for(
        Subnet{ike.remote.addr, static_cast<unsigned>(ike.remote.addr.size() * 8)},
        c.ts_protocol));
  }
  for (const auto& s : c.remote_ts) out.push_back(selector_for(s, c.ts_protocol));
  return out;
}

const ChildConfig* Engine::Impl::match_child_config(const IkeSa& ike, const Received& in) const {
  const auto* tsi = in.get<v2::TsPayload>(v2::PayloadType::TSi);
  const auto* tsr = in.get<v2::TsPayload>(v2::PayloadType::TSr);
  if (!tsi || !tsr) return nullptr;
  auto fits = [&](const ChildConfig& c) {
    // As responder, TSi is the peer's side and TSr ours.
    return !narrow(tsi->selectors, remote_selectors(ike, c)).empty() &&
           !narrow(tsr->selectors, local_selectors(ike, c)).empty();
  };
  for (const auto& c : ike.config->children)
    if (fits(c)) return &c;
  // Child SAs of connections that share the IKE SA's peer configuration (same_peer).
  for (const auto& pc : configs) {
    if (pc.get() == ike.config || !same_peer(*pc, *ike.config)) continue;
    for (const auto& c : pc->children)
      if (fits(c)) return &c;
  }
  return nullptr;
}

Payloads Engine::Impl::child_request_payloads(IkeSa& ike, ChildSa& child, bool rekey, bool first) {
  (void)rekey;
  const ChildConfig& c = *child.config;
  Payloads out;
  if (c.mode == sa::Mode::Transport)
    out.push_back(notify_payload(v2::NotifyType::USE_TRANSPORT_MODE));
  auto proposals = child_proposals(c, child.spi_in, first);
  child.proposal = proposals.front();
  out.push_back(make_payload(v2::PayloadType::SA, v2::SaPayload{proposals}));
  if (!first) {
    child.nonce_i = env.rng.bytes(settings.nonce_size);
    out.push_back(make_payload(v2::PayloadType::Nonce, v2::NoncePayload{child.nonce_i}));
    child.dh_group = pfs_group(proposals.front());
    if (child.dh_group != v2::DhGroup::None) {
      auto dh = crypto::KeyExchange::create(child.dh_group, env.rng);
      if (dh.ok()) {
        child.dh = std::move(*dh);
        out.push_back(make_payload(v2::PayloadType::KE,
                                   v2::KePayload{child.dh_group, child.dh->public_value()}));
      } else {
        log(LogGroup::kIke, 0, "creating PFS key exchange failed: " + dh.error().message());
      }
    }
  }
  child.ts_local = local_selectors(ike, c);
  child.ts_remote = remote_selectors(ike, c);
  // RFC 7296 §2.2: TSi is the initiator's side of the traffic.
  out.push_back(make_payload(v2::PayloadType::TSi, v2::TsPayload{child.ts_local}));
  out.push_back(make_payload(v2::PayloadType::TSr, v2::TsPayload{child.ts_remote}));
  return out;
}

Result<Payloads> Engine::Impl::child_respond(IkeSa& ike, ChildSa& child, const Received& in,
                                             bool first, ByteView ni, ByteView nr) {
  const ChildConfig& c = *child.config;
  const auto* sa = in.get<v2::SaPayload>(v2::PayloadType::SA);
  const auto* tsi = in.get<v2::TsPayload>(v2::PayloadType::TSi);
  const auto* tsr = in.get<v2::TsPayload>(v2::PayloadType::TSr);
  if (!sa || !tsi || !tsr)
    return child_error(v2::NotifyType::INVALID_SYNTAX, "SA, TSi or TSr missing");
  SelectOptions options;
  options.strip_dh = first;
  auto selected = select_proposal(c.esp_proposals, sa->proposals, v2::ProtocolId::ESP, options);
  if (!selected) {
    log(LogGroup::kCfg, 1, "received proposals: " + proposals_string(sa->proposals));
    log(LogGroup::kCfg, 1, "configured proposals: " + proposals_string(c.esp_proposals));
    log(LogGroup::kIke, 1, "no acceptable proposal found");
    return child_error(v2::NotifyType::NO_PROPOSAL_CHOSEN, "no acceptable proposal");
  }
  auto peer_spi = spi_from_bytes(selected->spi);
  if (!peer_spi || *peer_spi == 0)
    return child_error(v2::NotifyType::INVALID_SYNTAX, "ESP proposal with an invalid SPI");
  log(LogGroup::kCfg, 1, "selected proposal: " + proposal_string(*selected));
  auto ts_i = narrow(tsi->selectors, remote_selectors(ike, c));
  auto ts_r = narrow(tsr->selectors, local_selectors(ike, c));
  if (ts_i.empty() || ts_r.empty()) {
    log(LogGroup::kIke, 1, "traffic selectors " + to_string(tsr->selectors) + " === " +
                               to_string(tsi->selectors) + " unacceptable");
    return child_error(v2::NotifyType::TS_UNACCEPTABLE, "traffic selectors unacceptable");
  }
  bool transport_requested = in.notify(v2::NotifyType::USE_TRANSPORT_MODE) != nullptr;
  child.mode = transport_requested && c.mode == sa::Mode::Transport ? sa::Mode::Transport
                                                                     : sa::Mode::Tunnel;
  Bytes g_ir;
  v2::DhGroup group = first ? v2::DhGroup::None : pfs_group(*selected);
  if (group != v2::DhGroup::None) {
    const auto* ke = in.get<v2::KePayload>(v2::PayloadType::KE);
    if (!ke || ke->group != group) {
      // RFC 7296 §1.3: the group we want goes into INVALID_KE_PAYLOAD.
      uint16_t g = static_cast<uint16_t>(group);
      return Error(ErrorCode::kState, "KE payload of the wrong group")
          .with_notify(static_cast<uint16_t>(v2::NotifyType::INVALID_KE_PAYLOAD),
                       {static_cast<uint8_t>(g >> 8), static_cast<uint8_t>(g)});
    }
    TRY_ASSIGN(child.dh, crypto::KeyExchange::create(group, env.rng));
    auto shared = child.dh->shared_secret(ke->data);
    if (!shared.ok())
      return child_error(v2::NotifyType::INVALID_SYNTAX, "invalid KE: " + shared.error().message());
    g_ir = std::move(*shared);
    child.dh_group = group;
  }
  child.spi_out = *peer_spi;
  child.proposal = *selected;
  child.ts_local = ts_r;
  child.ts_remote = ts_i;
  if (auto spi = allocate_spi(ike, child); !spi.ok()) {
    log(LogGroup::kIke, 0, "unable to allocate SPI from kernel: " + spi.error().message());
    return child_error(v2::NotifyType::NO_PROPOSAL_CHOSEN, "SPI allocation failed");
  }
  if (auto s = install_child(ike, child, false, ni, nr, g_ir); !s.ok()) {
    // charon answers a failed install with NO_PROPOSAL_CHOSEN (interop notes, seed 002).
    return child_error(v2::NotifyType::NO_PROPOSAL_CHOSEN, s.error().message());
  }
  Payloads out;
  if (child.mode == sa::Mode::Transport)
    out.push_back(notify_payload(v2::NotifyType::USE_TRANSPORT_MODE));
  v2::Proposal answer = *selected;
  answer.spi = spi_bytes(child.spi_in);
  out.push_back(make_payload(v2::PayloadType::SA, v2::SaPayload{{answer}}));
  if (!first) {
    out.push_back(make_payload(v2::PayloadType::Nonce, v2::NoncePayload{Bytes(nr.begin(), nr.end())}));
    if (child.dh)
      out.push_back(make_payload(v2::PayloadType::KE, v2::KePayload{group, child.dh->public_value()}));
  }
  out.push_back(make_payload(v2::PayloadType::TSi, v2::TsPayload{ts_i}));
  out.push_back(make_payload(v2::PayloadType::TSr, v2::TsPayload{ts_r}));
  return out;
}

Status Engine::Impl::child_complete(IkeSa& ike, ChildSa& child, const Received& in, bool first) {
  if (const auto* err = in.error_notify()) {
    log(LogGroup::kIke, 1, "received " + v2::to_string(err->type) + " notify, no CHILD_SA built");
    destroy_child(ike, child);
    return Error(ErrorCode::kState, v2::to_string(err->type));
  }
  const auto* sa = in.get<v2::SaPayload>(v2::PayloadType::SA);
  const auto* tsi = in.get<v2::TsPayload>(v2::PayloadType::TSi);
  const auto* tsr = in.get<v2::TsPayload>(v2::PayloadType::TSr);
  if (!sa || !tsi || !tsr) {
    log(LogGroup::kIke, 1, "CHILD_SA response lacks SA, TSi or TSr");
    destroy_child(ike, child);
    return Error(ErrorCode::kMalformed, "SA/TS missing");
  }
  auto offered = child_proposals(*child.config, child.spi_in, first);
  if (sa->proposals.size() != 1 || !choice_is_acceptable(offered, sa->proposals.front(), first)) {
    log(LogGroup::kIke, 1, "no acceptable proposal found");
    destroy_child(ike, child);
    return Error(ErrorCode::kState, "responder chose a proposal we did not offer");
  }
  const v2::Proposal& chosen = sa->proposals.front();
  auto peer_spi = spi_from_bytes(chosen.spi);
  if (!peer_spi || *peer_spi == 0) {
    log(LogGroup::kIke, 1, "received an invalid SPI");
    destroy_child(ike, child);
    return Error(ErrorCode::kState, "invalid SPI");
  }
  if (!all_within(tsi->selectors, child.ts_local) || !all_within(tsr->selectors, child.ts_remote)) {
    log(LogGroup::kIke, 1, "received traffic selectors are not within what we proposed");
    destroy_child(ike, child);
    return Error(ErrorCode::kState, "traffic selectors unacceptable");
  }
  child.spi_out = *peer_spi;
  child.proposal = chosen;
  child.ts_local = tsi->selectors;
  child.ts_remote = tsr->selectors;
  bool transport = in.notify(v2::NotifyType::USE_TRANSPORT_MODE) != nullptr &&
                   child.config->mode == sa::Mode::Transport;
  child.mode = transport ? sa::Mode::Transport : sa::Mode::Tunnel;
  log(LogGroup::kCfg, 1, "selected proposal: " + proposal_string(chosen));
  Bytes g_ir;
  ByteView ni = first ? ByteView(ike.nonce_i) : ByteView(child.nonce_i);
  ByteView nr = first ? ByteView(ike.nonce_r) : ByteView();
  if (!first) {
    const auto* nonce = in.get<v2::NoncePayload>(v2::PayloadType::Nonce);
    if (!nonce || nonce->nonce.size() < 16 || nonce->nonce.size() > 256) {
      log(LogGroup::kIke, 1, "CREATE_CHILD_SA response without a valid nonce");
      destroy_child(ike, child);
      return Error(ErrorCode::kMalformed, "nonce missing");
    }
    child.nonce_r = nonce->nonce;
    nr = child.nonce_r;
    v2::DhGroup group = pfs_group(chosen);
    if (group != v2::DhGroup::None) {
      const auto* ke = in.get<v2::KePayload>(v2::PayloadType::KE);
      if (!ke || ke->group != group || !child.dh || child.dh_group != group) {
        log(LogGroup::kIke, 1, "PFS KE payload missing or of the wrong group");
        destroy_child(ike, child);
        return Error(ErrorCode::kState, "PFS KE mismatch");
      }
      auto shared = child.dh->shared_secret(ke->data);
      if (!shared.ok()) {
        log(LogGroup::kIke, 1, "applying DH public value failed");
        destroy_child(ike, child);
        return std::move(shared).error();
      }
      g_ir = std::move(*shared);
    }
  }
  if (auto s = install_child(ike, child, true, ni, nr, g_ir); !s.ok()) {
    // Seed 002: the initiator's install failed after the responder installed: tell it with a
    // Delete in a new INFORMATIONAL exchange (RFC 7296 §2.21).
    set_state(ike, child, ChildSaState::Deleting);
    Job job;
    job.kind = Job::Kind::DeleteChild;
    job.child_ids.push_back(child.unique_id);
    ike.queue.push_back(job);
    return s;
  }
  return {};
}

Status Engine::Impl::install_child(IkeSa& ike, ChildSa& child, bool exchange_initiator,
                                   ByteView ni, ByteView nr, ByteView g_ir) {
  const ChildConfig& c = *child.config;
  auto encr_t = transform_of(child.proposal, v2::TransformType::ENCR);
  auto integ_t = transform_of(child.proposal, v2::TransformType::INTEG);
  auto esn_t = transform_of(child.proposal, v2::TransformType::ESN);
  if (!encr_t) return Error(ErrorCode::kConfig, "ESP proposal without ENCR");
  auto encr = static_cast<v2::EncrId>(encr_t->id);
  uint16_t key_bits = encr_t->key_length().value_or(0);
  TRY_ASSIGN(crypto::Cipher cipher, crypto::Cipher::create(encr, key_bits));
  auto integ = integ_t ? static_cast<v2::IntegId>(integ_t->id) : v2::IntegId::None;
  size_t integ_size = 0;
  if (integ != v2::IntegId::None) {
    TRY_ASSIGN(crypto::Integrity ig, crypto::Integrity::create(integ));
    integ_size = ig.key_size();
  }
  TRY_ASSIGN(crypto::ChildSaKeys keys,
             crypto::derive_child_sa_keys(*ike.prf, ike.keys.SK_d, g_ir, ni, nr,
                                          cipher.key_size(), integ_size));
  set_state(ike, child, ChildSaState::Installing);

  // Lifetimes as charon computes them (seed 001).
  double jitter_max = to_seconds(c.margintime) * c.rekeyfuzz;
  Duration jitter = seconds(jitter_max > 0 ? env.rng.unit() * jitter_max : 0);
  Duration rekey = c.lifetime - c.margintime - jitter;
  child.rekey_after = rekey;
  sa::Lifetime in_life;
  in_life.hard_add_seconds = static_cast<uint64_t>(to_seconds(c.lifetime));
  if (c.rekey && rekey > Duration::zero())
    in_life.soft_add_seconds = static_cast<uint64_t>(to_seconds(rekey) + 0.5);
  in_life.hard_bytes = c.life_bytes;
  in_life.hard_packets = c.life_packets;
  sa::Lifetime out_life = in_life;
  // charon only asks for soft expiry of the inbound SA, so one rekey is triggered.
  out_life.soft_add_seconds = 0;

  bool esn = esn_t && esn_t->id == static_cast<uint16_t>(v2::EsnId::Esn);
  bool encap = ike.nat_local || ike.nat_remote;
  child.udp_encap = encap;
  auto selector = [&](bool inbound) {
    sa::Selector s;
    auto l = child.ts_local.empty() ? std::nullopt : as_subnet(child.ts_local.front());
    auto r = child.ts_remote.empty() ? std::nullopt : as_subnet(child.ts_remote.front());
    Subnet ls = l.value_or(Subnet{ike.local.addr, static_cast<unsigned>(ike.local.addr.size() * 8)});
    Subnet rs = r.value_or(Subnet{ike.remote.addr, static_cast<unsigned>(ike.remote.addr.size() * 8)});
    s.src = inbound ? rs : ls;
    s.dst = inbound ? ls : rs;
    return s;
  };

  // charon allocates reqids per policy set (alloc_reqid in libcharon's kernel interface): a
  // Child SA with the same selectors and mode as one installed already, for example by the
  // IKE SA that a make-before-break reauthentication replaces, shares its reqid and its
  // policies rather than colliding with them in the SPD.
  if (ChildSa* twin = policy_twin(child)) child.reqid = twin->reqid;

  sa::SaSpec in;
  in.key = {child.protocol, child.spi_in, ike.local.addr};
  in.src = ike.remote.addr;
  in.mode = child.mode;
  in.reqid = child.reqid;
  in.inbound = true;
  in.encr = encr;
  in.encr_key = exchange_initiator ? keys.encr_r : keys.encr_i;
  in.integ = integ;
  in.integ_key = exchange_initiator ? keys.integ_r : keys.integ_i;
  in.esn = esn;
  in.replay_window = c.replay_window;
  in.lifetime = in_life;
  if (encap) in.encap = sa::UdpEncap{ike.remote.port, ike.local.port};
  in.selector = selector(true);
  in.label = child_label(child);

  sa::SaSpec out = in;
  out.key = {child.protocol, child.spi_out, ike.remote.addr};
  out.src = ike.local.addr;
  out.inbound = false;
  out.encr_key = exchange_initiator ? keys.encr_i : keys.encr_r;
  out.integ_key = exchange_initiator ? keys.integ_i : keys.integ_r;
  out.lifetime = out_life;
  if (encap) out.encap = sa::UdpEncap{ike.local.port, ike.remote.port};
  out.selector = selector(false);

  log(LogGroup::kKnl, 2, "adding SAD entry with SPI " + hex32(child.spi_in) + " and reqid {" +
                             std::to_string(child.reqid) + "}");
  // Like charon, both directions are attempted before giving up, so the log (and the kernel)
  // tell which of them failed: "unable to install inbound and outbound IPsec SA".
  Status in_status = env.kernel.add_sa(in);
  if (!in_status.ok()) {
    log(LogGroup::kKnl, 1, "unable to add SAD entry with SPI " + hex32(child.spi_in) + ": " +
                               in_status.error().message());
  } else {
    child.in_installed = true;
    child.spi_reserved = false;
  }
  log(LogGroup::kKnl, 2, "adding SAD entry with SPI " + hex32(child.spi_out) + " and reqid {" +
                             std::to_string(child.reqid) + "}");
  Status out_status = env.kernel.add_sa(out);
  if (!out_status.ok()) {
    log(LogGroup::kKnl, 1, "unable to add SAD entry with SPI " + hex32(child.spi_out) + ": " +
                               out_status.error().message());
  } else {
    child.out_installed = true;
  }
  if (!in_status.ok() || !out_status.ok()) {
    std::string which = !in_status.ok() && !out_status.ok() ? "inbound and outbound "
                        : !in_status.ok()                    ? "inbound "
                                                             : "outbound ";
    log(LogGroup::kIke, 1, "unable to install " + which + "IPsec SA (SAD) in kernel");
    return !in_status.ok() ? in_status : out_status;
  }

  // Policies: one set per reqid, kept across rekeys.
  if (!shares_policies(child)) {
    std::vector<std::pair<sa::Direction, bool>> dirs = {{sa::Direction::Out, false},
                                                        {sa::Direction::In, true}};
    if (child.mode == sa::Mode::Tunnel) dirs.push_back({sa::Direction::Fwd, true});
    for (auto [dir, inbound] : dirs) {
      sa::PolicySpec p;
      p.selector = selector(inbound);
      p.direction = dir;
      p.tmpl_src = inbound ? ike.remote.addr : ike.local.addr;
      p.tmpl_dst = inbound ? ike.local.addr : ike.remote.addr;
      p.protocol = child.protocol;
      p.mode = child.mode;
      p.reqid = child.reqid;
      log(LogGroup::kKnl, 2, "adding policy " + p.selector.to_string() + " " +
                                 std::string(sa::name(dir)));
      if (auto s = env.kernel.add_policy(p); !s.ok()) {
        log(LogGroup::kKnl, 1, "unable to add policy " + p.selector.to_string() + " " +
                                   std::string(sa::name(dir)) + ": " + s.error().message());
        log(LogGroup::kIke, 1, "unable to install IPsec policies (SPD) in kernel");
        return s;
      }
    }
  }
  child.policies_installed = true;
  child.established_at = env.clock.now();
  set_state(ike, child, ChildSaState::Installed);
  log(LogGroup::kIke, 0, "CHILD_SA " + child_label(child) + " established with SPIs " +
                             hex32(child.spi_in) + "_i " + hex32(child.spi_out) + "_o and TS " +
                             to_string(child.ts_local) + " === " + to_string(child.ts_remote));
  if (env.observer) {
    ChildKeysEvent e{ref(ike, child), true, ike.remote.addr, ike.local.addr, child.spi_in,
                     encr, key_bits, integ, in.encr_key, in.integ_key, encap};
    env.observer->on_child_keys(e);
    e.inbound = false;
    e.src = ike.local.addr;
    e.dst = ike.remote.addr;
    e.spi = child.spi_out;
    e.encr_key = out.encr_key;
    e.integ_key = out.integ_key;
    env.observer->on_child_keys(e);
  }
  return {};
}

void Engine::Impl::uninstall_child(IkeSa& ike, ChildSa& child, bool outbound_only) {
  auto remove = [&](uint32_t spi, const IpAddress& dst) {
    log(LogGroup::kKnl, 2, "deleting SAD entry with SPI " + hex32(spi));
    auto s = env.kernel.delete_sa({child.protocol, spi, dst});
    if (s.ok()) {
      log(LogGroup::kKnl, 2, "deleted SAD entry with SPI " + hex32(spi));
    } else {
      log(LogGroup::kKnl, 1, "unable to delete SAD entry with SPI " + hex32(spi) + ": " +
                                 s.error().message());
    }
  };
  if (child.out_installed) {
    remove(child.spi_out, ike.remote.addr);
    child.out_installed = false;
  }
  if (outbound_only) return;
  if (child.in_installed) {
    remove(child.spi_in, ike.local.addr);
    child.in_installed = false;
  }
  if (child.policies_installed) {
    child.policies_installed = false;
    if (!shares_policies(child)) {
      for (const auto& p : env.kernel.list_policies()) {
        if (p.reqid != child.reqid) continue;
        log(LogGroup::kKnl, 2, "deleting policy " + p.selector.to_string() + " " +
                                   std::string(sa::name(p.direction)));
        (void)env.kernel.delete_policy(p.selector, p.direction);
      }
    }
  }
}

void Engine::Impl::release_spi(IkeSa& ike, ChildSa& child) {
  if (!child.spi_reserved || child.spi_in == 0) return;
  child.spi_reserved = false;
  // The SPI was allocated in the backend (a larval SA in XFRM): give it back.
  log(LogGroup::kKnl, 2, "deleting SAD entry with SPI " + hex32(child.spi_in));
  if (env.kernel.delete_sa({child.protocol, child.spi_in, ike.local.addr}).ok())
    log(LogGroup::kKnl, 2, "deleted SAD entry with SPI " + hex32(child.spi_in));
}

void Engine::Impl::destroy_child(IkeSa& ike, ChildSa& child) {
  if (child.state == ChildSaState::Destroying) return;
  set_state(ike, child, ChildSaState::Destroying);
  uninstall_child(ike, child);
  release_spi(ike, child);
  cancel(child.delete_timer);
  cancel(child.retry_timer);
  std::erase_if(ike.children, [&child](const std::unique_ptr<ChildSa>& c) {
    return c.get() == &child;
  });
}

}  // namespace ikesuite::ikev2
