// Quick Mode (RFC 2409 §5.5), as seed 000 walks pluto's quick_outI1, quick_inI1_outR1,
// quick_inR1_outI2 and quick_inI2:
//
//   Initiator                               Responder
//   HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr] [, NAT-OA...]  -->   QUICK_I1 / QUICK_R0
//       responder: checks HASH(1), picks the CHILD_SA config by IDci/IDcr, the transform,
//       installs its inbound SA, then answers                        QUICK_R1
//                 <--  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, NAT-OA...]
//       initiator: checks HASH(2) and the IDs it proposed, installs both SAs
//   HDR*, HASH(3)                  -->                               QUICK_I2
//       responder: checks HASH(3), installs its outbound SA          QUICK_R2
//
// HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] [| IDci | IDcr]), HASH(2) = prf(SKEYID_a,
// M-ID | Ni_b | SA | Nr [| KE] [| IDci | IDcr]), HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b |
// Nr_b); KEYMAT per SA from SKEYID_d, [g(qm)^xy,] the protocol, the SPI and both nonces.
#include <algorithm>
#include <cmath>

#include "engine/crypto/ikev1_keys.h"
#include "engine/crypto/proposal.h"
#include "engine/ikev1/engine_impl.h"

namespace ikesuite::ikev1 {

namespace {

v1::PayloadType nat_oa_type(NattVersion natt) {
  return natt == NattVersion::Draft ? v1::PayloadType::NAT_OA_DRAFT : v1::PayloadType::NAT_OA;
}

// RFC 3947 §5.2: in transport mode behind a NAT, the original addresses of both ends, the
// initiator's first.
Payloads nat_oa_payloads(const IkeSa& ike, const Exchange& ex) {
  const IpAddress& i = ex.initiator ? ike.local.addr : ike.remote.addr;
  const IpAddress& r = ex.initiator ? ike.remote.addr : ike.local.addr;
  auto type = nat_oa_type(ike.natt);
  return {v1::Payload{type, v1::NatOaPayload{i}}, v1::Payload{type, v1::NatOaPayload{r}}};
}

std::vector<const v1::NatOaPayload*> nat_oas(const Received& in) {
  std::vector<const v1::NatOaPayload*> out;
  for (const auto& p : in.payloads)
    if (const auto* oa = p.as<v1::NatOaPayload>()) out.push_back(oa);
  return out;
}

// RFC 2407 §4.6.3.1: RESPONDER-LIFETIME carries Life Type/Life Duration attributes.
Phase2Lifetime responder_lifetime(const v1::NotifyPayload& n) {
  Phase2Lifetime out;
  auto attrs = v1::parse_attributes(n.data);
  if (!attrs.ok()) return out;
  std::optional<v1::LifeType> type;
  for (const auto& a : *attrs) {
    auto value = a.number();
    if (!value.ok()) continue;
    if (a.type == static_cast<uint16_t>(v1::IpsecAttribute::SaLifeType)) {
      type = static_cast<v1::LifeType>(*value);
    } else if (a.type == static_cast<uint16_t>(v1::IpsecAttribute::SaLifeDuration) && type) {
      (*type == v1::LifeType::Seconds ? out.seconds : out.kilobytes) = *value;
    }
  }
  return out;
}

uint64_t shorter(uint64_t a, uint64_t b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(a, b);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Scheduling

size_t Engine::Impl::active_quick_modes(const IkeSa& ike) const {
  size_t n = 0;
  for (const auto& q : ike.quick) n += !q->failed && !is_final(q->state);
  return n;
}

void Engine::Impl::queue_quick(IkeSa& ike, QuickJob job) {
  ike.pending.push_back(job);
  run_pending(ike);
}

void Engine::Impl::run_pending(IkeSa& ike) {
  // RFC 2409 §5.5: Quick Mode needs the authenticated ISAKMP SA; strongswan.conf's
  // max_ikev1_exchanges bounds how many run at once.
  size_t limit = std::max<size_t>(1, settings.max_ikev1_exchanges);
  while (!ike.pending.empty() && ike.state == IkeSaState::Established &&
         active_quick_modes(ike) < limit) {
    QuickJob job = ike.pending.front();
    ike.pending.pop_front();
    start_quick(ike, job);
  }
}

static Duration retransmit_window(const Settings& s) {
  double total = 0;
  for (uint32_t n = 0; n <= s.retransmit_tries; ++n)
    total += std::pow(s.retransmit_base, static_cast<double>(n));
  return Duration(static_cast<int64_t>(static_cast<double>(s.retransmit_timeout.count()) * total));
}

void Engine::Impl::finish_exchange(IkeSa& ike, Exchange& ex) {
  stop_waiting(ike, ex);
  cancel(ex.linger_timer);
  // Kept for as long as the peer may retransmit its last message to us.
  uint32_t mid = ex.message_id;
  ex.linger_timer = after(retransmit_window(settings), ike, [this, mid](IkeSa& s) {
    remove_exchange(s, mid);
  });
  run_pending(ike);
}

void Engine::Impl::remove_exchange(IkeSa& ike, uint32_t mid) {
  for (auto& q : ike.quick)
    if (q->message_id == mid) {
      cancel(q->retransmit_timer);
      cancel(q->linger_timer);
    }
  std::erase_if(ike.quick, [mid](const std::unique_ptr<Exchange>& q) {
    return q->message_id == mid;
  });
}

void Engine::Impl::quick_failed(IkeSa& ike, Exchange& ex, std::optional<v1::NotifyType> notify,
                                const std::string& why) {
  log(LogGroup::kIke, 1, "Quick Mode " + std::to_string(ex.message_id) + " failed: " + why);
  ex.failed = true;
  ChildSa* child = ex.child_id ? ike.find_child(ex.child_id) : nullptr;
  if (notify) {
    // About the SA being negotiated: protocol ESP and the initiator's SPI (charon's form).
    uint32_t spi = 0;
    if (child) spi = ex.initiator ? child->spi_in : child->spi_out;
    send_notify(ike, *notify, v1::ProtocolId::IPSEC_ESP, spi_bytes(spi));
  }
  if (ChildSa* old = ex.rekey_of ? ike.find_child(ex.rekey_of) : nullptr;
      old && old->state == ChildSaState::Rekeying)
    set_state(ike, *old, ChildSaState::Installed);
  if (child) destroy_child(ike, *child);
  finish_exchange(ike, ex);
}

// ---------------------------------------------------------------------------------------------
// Initiator

void Engine::Impl::start_quick(IkeSa& ike, QuickJob job) {
  const ChildConfig* config = job.config;
  ChildSa* old = nullptr;
  if (job.rekey_of) {
    old = ike.find_child(job.rekey_of);
    if (!old || old->state != ChildSaState::Installed) {
      log(LogGroup::kIke, 1, "CHILD_SA {" + std::to_string(job.rekey_of) +
                                 "} not found or not installed, rekey skipped");
      return;
    }
    config = old->config;
  }
  if (!config) return;
  std::vector<crypto::V1EspTransform> transforms = config->esp_proposals;
  if (auto forced = impair.forced_proposal(v1::ExchangeType::QuickMode)) {
    auto parsed = crypto::parse_ikev1_esp_proposals(*forced);
    if (parsed.ok() && !parsed->empty()) {
      log(LogGroup::kIke, 1, "IMPAIR: offering '" + *forced + "'");
      transforms = *parsed;
    }
  }
  // One KE serves the whole offer: only transforms of the first one's PFS group go out.
  v2::DhGroup group = transforms.front().pfs_group;
  std::erase_if(transforms, [group](const auto& t) { return t.pfs_group != group; });

  ChildSa& child = create_child(ike, config);
  if (old) {
    child.reqid = old->reqid;
    child.rekeyed_from = old->unique_id;
  }
  if (auto spi = allocate_spi(ike, child); !spi.ok()) {
    log(LogGroup::kIke, 0, "unable to allocate SPI from kernel: " + spi.error().message());
    destroy_child(ike, child);
    return;
  }
  auto owned = std::make_unique<Exchange>();
  Exchange& ex = *owned;
  ex.type = v1::ExchangeType::QuickMode;
  ex.message_id = new_message_id(ike);
  ex.initiator = true;
  ex.iv = phase2_iv(ike, ex.message_id);
  ex.started = env.clock.now();
  ex.child_id = child.unique_id;
  ex.rekey_of = old ? old->unique_id : 0;
  ex.nonce_i = env.rng.bytes(settings.nonce_size);
  ex.group = group;
  if (group != v2::DhGroup::None) {
    auto dh = crypto::KeyExchange::create(group, env.rng);
    if (!dh.ok()) {
      log(LogGroup::kIke, 0, "configured DH group " + v2::to_string(group) +
                                 " not supported: " + dh.error().message());
      destroy_child(ike, child);
      return;
    }
    ex.dh = std::move(*dh);
  }
  child.udp_encap = ike.nat_local || ike.nat_remote;
  child.mode = config->mode;
  child.ts_local = local_selector(ike, *config);
  child.ts_remote = remote_selector(ike, *config);
  if (config->local_ts.size() > 1 || config->remote_ts.size() > 1)
    log(LogGroup::kIke, 1, "configuration has more than one traffic selector per side, "
                           "using first only");
  // charon sends IDci/IDcr unless the SA protects exactly the two hosts (host-to-host).
  ex.send_ids = !(child.ts_local.is_host(ike.local.addr) && child.ts_remote.is_host(ike.remote.addr) &&
                  child.ts_local.protocol == 0 && child.ts_local.port == 0 &&
                  child.ts_remote.port == 0);
  Phase2Lifetime lifetime{static_cast<uint64_t>(to_seconds(config->lifetime)),
                          config->life_bytes / 1024};
  auto encap = encapsulation(config->mode, child.udp_encap, ike.natt);
  Payloads body{make_payload(phase2_offer(transforms, child.spi_in, encap, lifetime)),
                make_payload(v1::NoncePayload{ex.nonce_i})};
  if (ex.dh) body.push_back(make_payload(v1::KePayload{ex.dh->public_value()}));
  if (ex.send_ids) {
    ex.id_ci = child.ts_local.to_id();
    ex.id_cr = child.ts_remote.to_id();
    body.push_back(make_payload(*ex.id_ci));
    body.push_back(make_payload(*ex.id_cr));
  }
  if (child.udp_encap && config->mode == sa::Mode::Transport)
    for (auto& p : nat_oa_payloads(ike, ex)) body.push_back(std::move(p));
  auto rest = v1::serialize_chain(body);
  auto hash = rest.ok() ? crypto::qm_hash1(*ike.prf, ike.skeyid_a, ex.message_id, *rest)
                        : Result<Bytes>(rest.error());
  if (!hash.ok()) {
    log(LogGroup::kIke, 0, "building Quick Mode failed: " + hash.error().message());
    destroy_child(ike, child);
    return;
  }
  body.insert(body.begin(), make_payload(v1::HashPayload{std::move(*hash)}));
  if (old) set_state(ike, *old, ChildSaState::Rekeying);
  log(LogGroup::kIke, 1, "initiating Quick Mode CHILD_SA " + child_label(child) + " over IKE_SA " +
                             ike_label(ike) +
                             (old ? " to rekey CHILD_SA " + child_label(*old) : std::string()));
  ike.quick.push_back(std::move(owned));
  send_exchange(ike, ex, std::move(body), true, true);
  set_state(ike, ex, ExchangeState::QuickI1);
}

bool Engine::Impl::verify_quick_hash(IkeSa& ike, Exchange& ex, const Received& in, int which) {
  // RFC 2409 §5.5: the HASH payload immediately follows the header.
  const v1::HashPayload* got =
      in.payloads.empty() ? nullptr : in.payloads.front().as<v1::HashPayload>();
  auto rest = in.after_first();
  Result<Bytes> expected = Error(ErrorCode::kMalformed, "HASH payload missing");
  if (got && rest) {
    if (which == 1) expected = crypto::qm_hash1(*ike.prf, ike.skeyid_a, ex.message_id, *rest);
    if (which == 2)
      expected = crypto::qm_hash2(*ike.prf, ike.skeyid_a, ex.message_id, ex.nonce_i, *rest);
    if (which == 3)
      expected = crypto::qm_hash3(*ike.prf, ike.skeyid_a, ex.message_id, ex.nonce_i, ex.nonce_r);
  }
  if (expected.ok() && equal_ct(got->hash, *expected)) return true;
  ++stats.integrity_failures;
  log(LogGroup::kIke, 1, got ? "HASH(" + std::to_string(which) + ") of Quick Mode " +
                                   std::to_string(ex.message_id) +
                                   " does not match: calculated HASH does not match HASH payload"
                             : "HASH payload missing in Quick Mode " +
                                   std::to_string(ex.message_id));
  return false;
}

// Initiator, message 2.
void Engine::Impl::on_quick_2(IkeSa& ike, Exchange& ex, Received& in) {
  if (!verify_quick_hash(ike, ex, in, 2)) {
    // An answer that fails its HASH changes nothing: we keep retransmitting (§5.5).
    send_notify(ike, v1::NotifyType::INVALID_HASH_INFORMATION);
    return;
  }
  stop_waiting(ike, ex);
  ex.iv = in.next_iv;
  follow_peer(ike, *in.datagram);
  ChildSa* child = ike.find_child(ex.child_id);
  if (!child) {
    quick_failed(ike, ex, std::nullopt, "its CHILD_SA is gone");
    return;
  }
  const ChildConfig& config = *child->config;
  const auto* sa = in.get<v1::SaPayload>(v1::PayloadType::SA);
  std::vector<crypto::V1EspTransform> offered = config.esp_proposals;
  if (auto forced = impair.forced_proposal(v1::ExchangeType::QuickMode))
    if (auto parsed = crypto::parse_ikev1_esp_proposals(*forced); parsed.ok()) offered = *parsed;
  auto choice = sa ? check_phase2_answer(offered, config.mode, *sa)
                   : Result<Phase2Choice>(Error(ErrorCode::kMalformed, "SA payload missing"));
  if (!choice.ok() || choice->algorithms.pfs_group != ex.group) {
    quick_failed(ike, ex, v1::NotifyType::NO_PROPOSAL_CHOSEN,
                 "no matching proposal found" + (choice.ok() ? std::string(": PFS group differs")
                                                             : ": " + choice.error().message()));
    return;
  }
  const auto* nonce = in.get<v1::NoncePayload>(v1::PayloadType::Nonce);
  if (!nonce || nonce->nonce.size() < 8 || nonce->nonce.size() > 256) {
    quick_failed(ike, ex, v1::NotifyType::PAYLOAD_MALFORMED, "Nr missing or of invalid size");
    return;
  }
  ex.nonce_r = nonce->nonce;
  if (ex.dh) {
    const auto* ke = in.get<v1::KePayload>(v1::PayloadType::KE);
    auto g = ke ? ex.dh->shared_secret(ke->data) : Result<Bytes>(Error(ErrorCode::kMalformed, "KE missing"));
    if (!g.ok()) {
      quick_failed(ike, ex, v1::NotifyType::INVALID_KEY_INFORMATION,
                   "PFS key exchange failed: " + g.error().message());
      return;
    }
    ex.g_qm = std::move(*g);
  }
  // Seed 000 (quick_inR1_outI2): IDci/IDcr must be the ones we proposed.
  auto ids = in.all(v1::PayloadType::ID);
  bool ids_ok = ex.send_ids ? ids.size() == 2 && *ids[0]->as<v1::IdPayload>() == *ex.id_ci &&
                                  *ids[1]->as<v1::IdPayload>() == *ex.id_cr
                            : ids.empty();
  if (!ids_ok) {
    quick_failed(ike, ex, v1::NotifyType::INVALID_ID_INFORMATION,
                 "IDci/IDcr of the answer are not the ones proposed");
    return;
  }
  child->transform = choice->algorithms;
  child->spi_out = choice->peer_spi;
  child->mode = choice->mode;
  child->udp_encap = choice->udp;
  child->lifetime = choice->lifetime;
  if (!child->lifetime.seconds) child->lifetime.seconds = static_cast<uint64_t>(to_seconds(config.lifetime));
  if (const auto* n = in.notify(v1::NotifyType::RESPONDER_LIFETIME)) {
    Phase2Lifetime theirs = responder_lifetime(*n);
    log(LogGroup::kIke, 1, "received RESPONDER_LIFETIME of " + std::to_string(theirs.seconds) + "s");
    child->lifetime.seconds = shorter(child->lifetime.seconds, theirs.seconds);
    child->lifetime.kilobytes = shorter(child->lifetime.kilobytes, theirs.kilobytes);
  }
  auto oas = nat_oas(in);
  if (oas.size() == 2) child->nat_oa_remote = oas[1]->address;
  log(LogGroup::kCfg, 1, "selected proposal: " + crypto::to_string(child->transform));
  auto keys = child_keys(ike, *child, ex);
  Status installed = keys.ok() ? install_sa(ike, *child, true, *keys) : Status(keys.error());
  if (installed.ok()) installed = install_sa(ike, *child, false, *keys);
  if (installed.ok()) installed = install_policies(ike, *child);
  if (!installed.ok()) {
    // The responder installed its inbound SA already: tell it with a Delete (as seed 002's
    // initiator does in IKEv2), instead of HASH(3).
    log(LogGroup::kIke, 1, "failed to establish CHILD_SA " + child_label(*child) + ": " +
                               installed.error().message());
    ex.failed = true;
    stop_waiting(ike, ex);
    if (ChildSa* old = ex.rekey_of ? ike.find_child(ex.rekey_of) : nullptr;
        old && old->state == ChildSaState::Rekeying)
      set_state(ike, *old, ChildSaState::Installed);
    delete_children(ike, {child->unique_id});
    finish_exchange(ike, ex);
    return;
  }
  auto hash3 = crypto::qm_hash3(*ike.prf, ike.skeyid_a, ex.message_id, ex.nonce_i, ex.nonce_r);
  send_exchange(ike, ex, {make_payload(v1::HashPayload{hash3.value_or(Bytes{})})}, true, false);
  set_state(ike, ex, ExchangeState::QuickI2);
  child_established(ike, *child, *keys);
  if (ChildSa* old = ex.rekey_of ? ike.find_child(ex.rekey_of) : nullptr;
      old && old->state == ChildSaState::Rekeying) {
    // The new SAs are in place: the old ones go (charon deletes them after a rekey).
    set_state(ike, *old, ChildSaState::Rekeyed);
    old->rekeyed_by = child->unique_id;
    delete_children(ike, {old->unique_id});
  }
  finish_exchange(ike, ex);
}

// ---------------------------------------------------------------------------------------------
// Responder

void Engine::Impl::on_quick_1(IkeSa& ike, Exchange& ex, Received& in) {
  if (!verify_quick_hash(ike, ex, in, 1)) {
    quick_failed(ike, ex, v1::NotifyType::INVALID_HASH_INFORMATION, "HASH(1) mismatch");
    return;
  }
  ex.iv = in.next_iv;
  follow_peer(ike, *in.datagram);
  if (in.message.header.commit()) {
    // RFC 2408 §3.1, §4.9: the Commit bit asks for a CONNECTED notify before the SAs may be
    // used; like pluto and charon we do not implement that handshake, and say so.
    quick_failed(ike, ex, v1::NotifyType::INVALID_FLAGS,
                 "the Commit bit (RFC 2408 §3.1) is set; the CONNECTED handshake is not "
                 "supported, Quick Mode refused");
    return;
  }
  const auto* sa = in.get<v1::SaPayload>(v1::PayloadType::SA);
  const auto* nonce = in.get<v1::NoncePayload>(v1::PayloadType::Nonce);
  if (!sa || !nonce) {
    quick_failed(ike, ex, v1::NotifyType::INVALID_PAYLOAD_TYPE, "SA or Nonce missing");
    return;
  }
  if (nonce->nonce.size() < 8 || nonce->nonce.size() > 256) {
    quick_failed(ike, ex, v1::NotifyType::PAYLOAD_MALFORMED, "Ni of invalid size");
    return;
  }
  // IDci/IDcr, or the hosts themselves without them (RFC 2409 §5.5).
  auto ids = in.all(v1::PayloadType::ID);
  TrafficSelector tsi = TrafficSelector::host(ike.remote.addr);
  TrafficSelector tsr = TrafficSelector::host(ike.local.addr);
  if (!ids.empty()) {
    auto i = ids.size() == 2 ? TrafficSelector::from_id(*ids[0]->as<v1::IdPayload>())
                             : Result<TrafficSelector>(Error(ErrorCode::kMalformed, "one ID"));
    auto r = ids.size() == 2 ? TrafficSelector::from_id(*ids[1]->as<v1::IdPayload>())
                             : Result<TrafficSelector>(Error(ErrorCode::kMalformed, "one ID"));
    if (!i.ok() || !r.ok()) {
      quick_failed(ike, ex, v1::NotifyType::INVALID_ID_INFORMATION, "IDci/IDcr unusable");
      return;
    }
    tsi = *i;
    tsr = *r;
    ex.send_ids = true;
    ex.id_ci = *ids[0]->as<v1::IdPayload>();
    ex.id_cr = *ids[1]->as<v1::IdPayload>();
  }
  // Seed 000 (quick_inI1_outR1): the client IDs select the connection.
  const ChildConfig* config = match_child_config(ike, tsi, tsr);
  if (!config) {
    log(LogGroup::kIke, 1, "no matching CHILD_SA config found for " + tsr.to_string() + " === " +
                               tsi.to_string());
    quick_failed(ike, ex, v1::NotifyType::INVALID_ID_INFORMATION, "no matching CHILD_SA config");
    return;
  }
  auto choice = select_phase2(config->esp_proposals, config->mode, *sa);
  if (!choice.ok()) {
    std::string mine;
    for (const auto& t : config->esp_proposals)
      mine += (mine.empty() ? "" : ", ") + crypto::to_string(t);
    log(LogGroup::kCfg, 1, "received proposals: " + describe_phase2(*sa));
    log(LogGroup::kCfg, 1, "configured proposals: " + mine);
    log(LogGroup::kIke, 1, "no matching proposal found, sending NO_PROPOSAL_CHOSEN");
    quick_failed(ike, ex, v1::NotifyType::NO_PROPOSAL_CHOSEN, "no acceptable ESP transform");
    return;
  }
  ex.nonce_i = nonce->nonce;
  ex.group = choice->algorithms.pfs_group;
  if (ex.group != v2::DhGroup::None) {
    const auto* ke = in.get<v1::KePayload>(v1::PayloadType::KE);
    auto dh = crypto::KeyExchange::create(ex.group, env.rng);
    auto g = ke && dh.ok() ? (*dh)->shared_secret(ke->data)
                           : Result<Bytes>(Error(ErrorCode::kMalformed, "KE missing"));
    if (!g.ok()) {
      quick_failed(ike, ex, v1::NotifyType::INVALID_KEY_INFORMATION,
                   "PFS key exchange failed: " + g.error().message());
      return;
    }
    ex.dh = std::move(*dh);
    ex.g_qm = std::move(*g);
  }
  ChildSa& child = create_child(ike, config);
  ex.child_id = child.unique_id;
  child.transform = choice->algorithms;
  child.spi_out = choice->peer_spi;
  child.mode = choice->mode;
  child.udp_encap = choice->udp;
  child.ts_local = tsr;
  child.ts_remote = tsi;
  Phase2Lifetime mine{static_cast<uint64_t>(to_seconds(config->lifetime)), config->life_bytes / 1024};
  child.lifetime = {shorter(choice->lifetime.seconds, mine.seconds),
                    shorter(choice->lifetime.kilobytes, mine.kilobytes)};
  if (auto oas = nat_oas(in); oas.size() == 2) child.nat_oa_remote = oas[0]->address;
  set_state(ike, ex, ExchangeState::QuickR0);
  log(LogGroup::kIke, 1, "responding to Quick Mode " + std::to_string(ex.message_id) +
                             " for CHILD_SA " + child_label(child));
  // charon's check_for_rekeyed_child: the same connection and selectors as an installed
  // CHILD_SA make this the rekeying of it; it keeps its reqid (and policies).
  for (auto& other : ike.children) {
    if (other.get() == &child || other->state != ChildSaState::Installed ||
        other->config != config || !(other->ts_local == tsr) || !(other->ts_remote == tsi))
      continue;
    child.reqid = other->reqid;
    child.rekeyed_from = other->unique_id;
    ex.rekey_of = other->unique_id;
    set_state(ike, *other, ChildSaState::Rekeying);
    log(LogGroup::kIke, 1, "detected rekeying of CHILD_SA " + child_label(*other));
    break;
  }
  log(LogGroup::kCfg, 1, "selected proposal: " + crypto::to_string(child.transform));
  ex.nonce_r = env.rng.bytes(settings.nonce_size);
  if (auto spi = allocate_spi(ike, child); !spi.ok()) {
    quick_failed(ike, ex, v1::NotifyType::NO_PROPOSAL_CHOSEN,
                 "unable to allocate SPI from kernel: " + spi.error().message());
    return;
  }
  // Seed 000: the inbound SA goes in before the answer, so the initiator may use it as soon
  // as it has HASH(2).
  auto keys = child_keys(ike, child, ex);
  Status in_sa = keys.ok() ? install_sa(ike, child, true, *keys) : Status(keys.error());
  if (!in_sa.ok()) {
    quick_failed(ike, ex, v1::NotifyType::NO_PROPOSAL_CHOSEN,
                 "installing the inbound SA failed: " + in_sa.error().message());
    return;
  }
  v1::Proposal answer = choice->proposal;
  answer.spi = spi_bytes(child.spi_in);
  v1::SaPayload reply = *sa;
  reply.proposals = {answer};
  Payloads body{make_payload(std::move(reply)), make_payload(v1::NoncePayload{ex.nonce_r})};
  if (ex.dh) body.push_back(make_payload(v1::KePayload{ex.dh->public_value()}));
  if (ex.send_ids) {
    body.push_back(make_payload(*ex.id_ci));
    body.push_back(make_payload(*ex.id_cr));
  }
  if (child.udp_encap && child.mode == sa::Mode::Transport)
    for (auto& p : nat_oa_payloads(ike, ex)) body.push_back(std::move(p));
  if (child.lifetime.seconds < choice->lifetime.seconds) {
    // RFC 2407 §4.6.3.1: our policy's lifetime is shorter than the one proposed.
    v1::NotifyPayload n;
    n.protocol = v1::ProtocolId::IPSEC_ESP;
    n.spi = spi_bytes(child.spi_in);
    n.type = v1::NotifyType::RESPONDER_LIFETIME;
    n.data = v1::serialize_attributes(
                 {v1::DataAttribute::make_tv(static_cast<uint16_t>(v1::IpsecAttribute::SaLifeType),
                                             static_cast<uint16_t>(v1::LifeType::Seconds)),
                  v1::DataAttribute::make_number(
                      static_cast<uint16_t>(v1::IpsecAttribute::SaLifeDuration),
                      child.lifetime.seconds)})
                 .value_or(Bytes{});
    body.push_back(make_payload(std::move(n)));
  }
  auto rest = v1::serialize_chain(body);
  auto hash = rest.ok() ? crypto::qm_hash2(*ike.prf, ike.skeyid_a, ex.message_id, ex.nonce_i, *rest)
                        : Result<Bytes>(rest.error());
  body.insert(body.begin(), make_payload(v1::HashPayload{hash.value_or(Bytes{})}));
  // Quick Mode ends with the initiator's HASH(3): we retransmit until it comes.
  send_exchange(ike, ex, std::move(body), true, true);
  set_state(ike, ex, ExchangeState::QuickR1);
}

// Responder, message 3: HASH(3) proves the initiator has both SAs.
void Engine::Impl::on_quick_3(IkeSa& ike, Exchange& ex, Received& in) {
  if (!verify_quick_hash(ike, ex, in, 3)) {
    // Not the initiator's HASH(3): we keep waiting (and retransmitting).
    send_notify(ike, v1::NotifyType::INVALID_HASH_INFORMATION);
    return;
  }
  stop_waiting(ike, ex);
  ex.iv = in.next_iv;
  follow_peer(ike, *in.datagram);
  ChildSa* child = ike.find_child(ex.child_id);
  if (!child) {
    quick_failed(ike, ex, std::nullopt, "its CHILD_SA is gone");
    return;
  }
  auto keys = child_keys(ike, *child, ex);
  Status out = keys.ok() ? install_sa(ike, *child, false, *keys) : Status(keys.error());
  if (out.ok()) out = install_policies(ike, *child);
  if (!out.ok()) {
    log(LogGroup::kIke, 1, "failed to establish CHILD_SA " + child_label(*child) + ": " +
                               out.error().message());
    ex.failed = true;
    if (ChildSa* old = ex.rekey_of ? ike.find_child(ex.rekey_of) : nullptr;
        old && old->state == ChildSaState::Rekeying)
      set_state(ike, *old, ChildSaState::Installed);
    delete_children(ike, {child->unique_id});
    finish_exchange(ike, ex);
    return;
  }
  set_state(ike, ex, ExchangeState::QuickR2);
  child_established(ike, *child, *keys);
  if (ChildSa* old = ex.rekey_of ? ike.find_child(ex.rekey_of) : nullptr;
      old && old->state == ChildSaState::Rekeying) {
    // The initiator deletes the old SAs; until then they stay, replaced.
    set_state(ike, *old, ChildSaState::Rekeyed);
    old->rekeyed_by = child->unique_id;
  }
  finish_exchange(ike, ex);
}

}  // namespace ikesuite::ikev1
