// CREATE_CHILD_SA (RFC 7296 §1.3): new Child SAs (§1.3.1), Child SA rekeying with REKEY_SA
// (§1.3.3, seed 001), IKE SA rekeying (§1.3.2, §2.18), and simultaneous rekeying resolved by
// the nonce rule (§2.8.1).
//
//   Initiator                         Responder
//   HDR, SK {[N(REKEY_SA)], SA, Ni,
//       [KEi], TSi, TSr}  -->
//                               <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
#include <algorithm>
#include <cstring>

#include "engine/ikev2/engine_impl.h"
#include "engine/ikev2/ts.h"

namespace ikesuite::ikev2 {

namespace {

// Unsigned big-endian comparison of nonces of possibly different lengths.
bool nonce_less(ByteView a, ByteView b) {
  size_t n = std::min(a.size(), b.size());
  int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
  if (c != 0) return c < 0;
  return a.size() < b.size();
}

ByteView lowest(ByteView a, ByteView b) { return nonce_less(a, b) ? a : b; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Initiator: building requests

void Engine::Impl::build_create_child(IkeSa& ike, Job job) {
  if (!job.child_config) return;
  ChildSa& child = create_child(ike, job.child_config);
  log(LogGroup::kIke, 1, "establishing CHILD_SA " + child_label(child));
  if (auto spi = allocate_spi(ike, child); !spi.ok()) {
    log(LogGroup::kIke, 0, "unable to allocate SPI from kernel: " + spi.error().message());
    destroy_child(ike, child);
    return;
  }
  Payloads out = child_request_payloads(ike, child, false, false);
  uint32_t id = child.unique_id;
  send_request(ike, job, v2::ExchangeType::CreateChildSa, std::move(out),
               [id](Outstanding& o) { o.new_child_id = id; });
}

void Engine::Impl::build_rekey_child(IkeSa& ike, Job job) {
  ChildSa* old = ike.find_child(job.child_id);
  if (!old || (old->state != ChildSaState::Installed && old->state != ChildSaState::Retrying)) {
    log(LogGroup::kIke, 1, "CHILD_SA {" + std::to_string(job.child_id) +
                               "} not found or not installed, rekey skipped");
    return;
  }
  ChildSa& child = create_child(ike, old->config);
  child.reqid = old->reqid;
  child.rekeyed_from = old->unique_id;
  if (auto spi = allocate_spi(ike, child); !spi.ok()) {
    log(LogGroup::kIke, 0, "unable to allocate SPI from kernel: " + spi.error().message());
    destroy_child(ike, child);
    return;
  }
  Payloads out;
  // RFC 7296 §1.3.3: REKEY_SA names the SA being rekeyed by our inbound SPI.
  out.push_back(notify_payload(v2::NotifyType::REKEY_SA, {}, v2::ProtocolId::ESP,
                               spi_bytes(old->spi_in)));
  for (auto& p : child_request_payloads(ike, child, true, false)) out.push_back(std::move(p));
  set_state(ike, *old, ChildSaState::Rekeying);
  uint32_t id = child.unique_id;
  send_request(ike, job, v2::ExchangeType::CreateChildSa, std::move(out),
               [id](Outstanding& o) { o.new_child_id = id; });
}

void Engine::Impl::build_rekey_ike(IkeSa& ike, Job job) {
  if (ike.state != IkeSaState::Established) return;
  auto next = std::make_unique<IkeSa>();
  next->unique_id = next_ike_id++;
  next->config = ike.config;
  next->initiator = true;  // RFC 7296 §2.18: the rekey's initiator initiates the new SA
  do {
    next->spi_i = env.rng.next_u64();
  } while (next->spi_i == 0 || find_ike(next->spi_i));
  next->local = ike.local;
  next->remote = ike.remote;
  next->on_4500 = ike.on_4500;
  next->nat_local = ike.nat_local;
  next->nat_remote = ike.nat_remote;
  next->my_id = ike.my_id;
  next->peer_id = ike.peer_id;
  next->peer_fragmentation = ike.peer_fragmentation;
  next->peer_hashes = ike.peer_hashes;
  next->created_at = env.clock.now();
  next->rekeyed_from = ike.unique_id;
  next->dh_group = ike.dh_group;
  auto dh = crypto::KeyExchange::create(next->dh_group, env.rng);
  if (!dh.ok()) {
    log(LogGroup::kIke, 0, "creating a key exchange for the IKE_SA rekey failed: " +
                               dh.error().message());
    return;
  }
  next->dh = std::move(*dh);
  next->nonce_i = env.rng.bytes(settings.nonce_size);
  std::vector<v2::Proposal> proposals = ike.config->ike_proposals;
  uint8_t n = 1;
  for (auto& p : proposals) {
    p.number = n++;
    p.spi = spi_bytes64(next->spi_i);
  }
  // Offer the negotiated group first: the peer must accept our KE (§1.3.2).
  Payloads out;
  out.push_back(make_payload(v2::PayloadType::SA, v2::SaPayload{proposals}));
  out.push_back(make_payload(v2::PayloadType::Nonce, v2::NoncePayload{next->nonce_i}));
  out.push_back(make_payload(v2::PayloadType::KE,
                             v2::KePayload{next->dh_group, next->dh->public_value()}));
  log(LogGroup::kIke, 1, "rekeying IKE_SA " + ike_label(ike));
  set_state(ike, IkeSaState::Rekeying);
  send_request(ike, job, v2::ExchangeType::CreateChildSa, std::move(out),
               [&next](Outstanding& o) { o.new_ike = std::move(next); });
}

// ---------------------------------------------------------------------------------------------
// Responder

void Engine::Impl::on_create_child_request(IkeSa& ike, Received& in) {
  uint32_t mid = in.message.header.message_id;
  auto reply_error = [&](v2::NotifyType type, Bytes data = {}) {
    send_response(ike, v2::ExchangeType::CreateChildSa, mid, {notify_payload(type, std::move(data))});
  };
  const auto* sa = in.get<v2::SaPayload>(v2::PayloadType::SA);
  const auto* nonce = in.get<v2::NoncePayload>(v2::PayloadType::Nonce);
  if (!sa || !nonce || sa->proposals.empty()) {
    reply_error(v2::NotifyType::INVALID_SYNTAX);
    return;
  }
  if (nonce->nonce.size() < 16 || nonce->nonce.size() > 256) {
    reply_error(v2::NotifyType::INVALID_SYNTAX);
    return;
  }
  if (ike.state != IkeSaState::Established) {
    // RFC 7296 §2.25: no new work on an IKE SA that is being rekeyed or deleted.
    log(LogGroup::kIke, 1, "IKE_SA " + ike_label(ike) + " is " + std::string(name(ike.state)) +
                               ", sending TEMPORARY_FAILURE");
    reply_error(v2::NotifyType::TEMPORARY_FAILURE);
    return;
  }
  if (sa->proposals.front().protocol == v2::ProtocolId::IKE) {
    respond_rekey_ike(ike, in);
    return;
  }

  ChildSa* old = nullptr;
  if (const auto* rekey = in.notify(v2::NotifyType::REKEY_SA)) {
    // The SPI in REKEY_SA is the peer's inbound SPI, our outbound one.
    auto spi = spi_from_bytes(rekey->spi);
    old = spi ? ike.find_child_by_spi(*spi, false) : nullptr;
    if (!old || old->state == ChildSaState::Deleting || old->state == ChildSaState::Deleted ||
        old->state == ChildSaState::Destroying) {
      // RFC 7296 §2.25: the SA to rekey does not exist (any more).
      log(LogGroup::kIke, 1, "CHILD_SA to rekey not found, sending CHILD_SA_NOT_FOUND");
      send_response(ike, v2::ExchangeType::CreateChildSa, mid,
                    {notify_payload(v2::NotifyType::CHILD_SA_NOT_FOUND, {}, v2::ProtocolId::ESP,
                                    rekey->spi)});
      return;
    }
    if (old->state == ChildSaState::Rekeyed) {
      log(LogGroup::kIke, 1, "CHILD_SA " + child_label(*old) +
                                 " already rekeyed, sending TEMPORARY_FAILURE");
      reply_error(v2::NotifyType::TEMPORARY_FAILURE);
      return;
    }
    if (old->state == ChildSaState::Rekeying)
      log(LogGroup::kIke, 1, "detected CHILD_REKEY collision with CHILD_REKEY");
  }

  const ChildConfig* config = old ? old->config : match_child_config(ike, in);
  if (!config) {
    log(LogGroup::kCfg, 1, "traffic selectors unacceptable, no matching CHILD_SA config");
    reply_error(v2::NotifyType::TS_UNACCEPTABLE);
    return;
  }
  ChildSa& child = create_child(ike, config);
  if (old) {
    child.reqid = old->reqid;
    child.rekeyed_from = old->unique_id;
  }
  child.nonce_i = nonce->nonce;
  child.nonce_r = env.rng.bytes(settings.nonce_size);
  auto payloads = child_respond(ike, child, in, false, child.nonce_i, child.nonce_r);
  if (!payloads.ok()) {
    auto type = payloads.error().notify() ? static_cast<v2::NotifyType>(*payloads.error().notify())
                                          : v2::NotifyType::NO_PROPOSAL_CHOSEN;
    log(LogGroup::kIke, 1, "failed to establish CHILD_SA: " + payloads.error().message());
    destroy_child(ike, child);
    reply_error(type, payloads.error().notify_data());
    return;
  }
  if (old) {
    if (old->state == ChildSaState::Rekeying) {
      old->collision_with = child.unique_id;
    } else {
      set_state(ike, *old, ChildSaState::Rekeyed);
      old->rekeyed_by = child.unique_id;
    }
  }
  send_response(ike, v2::ExchangeType::CreateChildSa, mid, std::move(*payloads));
}

void Engine::Impl::respond_rekey_ike(IkeSa& ike, Received& in) {
  uint32_t mid = in.message.header.message_id;
  const auto* sa = in.get<v2::SaPayload>(v2::PayloadType::SA);
  const auto* nonce = in.get<v2::NoncePayload>(v2::PayloadType::Nonce);
  const auto* ke = in.get<v2::KePayload>(v2::PayloadType::KE);
  auto reply = [&](Payloads p) { send_response(ike, v2::ExchangeType::CreateChildSa, mid, std::move(p)); };
  if (!ke) {
    reply({notify_payload(v2::NotifyType::INVALID_SYNTAX)});
    return;
  }
  if (ike.outstanding && ike.outstanding->job.kind == Job::Kind::RekeyIke) {
    reply({notify_payload(v2::NotifyType::TEMPORARY_FAILURE)});
    return;
  }
  auto selected = select_proposal(ike.config->ike_proposals, sa->proposals, v2::ProtocolId::IKE);
  if (!selected || selected->spi.size() != 8) {
    log(LogGroup::kIke, 1, "no acceptable proposal for the IKE_SA rekey");
    reply({notify_payload(v2::NotifyType::NO_PROPOSAL_CHOSEN)});
    return;
  }
  auto dh_t = transform_of(*selected, v2::TransformType::DH);
  auto group = dh_t ? static_cast<v2::DhGroup>(dh_t->id) : v2::DhGroup::None;
  if (ke->group != group) {
    reply({v2::make_invalid_ke_payload(group)});
    return;
  }
  auto dh = crypto::KeyExchange::create(group, env.rng);
  if (!dh.ok()) {
    reply({notify_payload(v2::NotifyType::NO_PROPOSAL_CHOSEN)});
    return;
  }
  auto shared = (*dh)->shared_secret(ke->data);
  if (!shared.ok()) {
    reply({notify_payload(v2::NotifyType::INVALID_SYNTAX)});
    return;
  }
  IkeSa& next = create_ike_sa(ike.config, false);
  uint64_t spi_i = 0;
  for (uint8_t b : selected->spi) spi_i = spi_i << 8 | b;
  next.spi_i = spi_i;
  next.local = ike.local;
  next.remote = ike.remote;
  next.on_4500 = ike.on_4500;
  next.nat_local = ike.nat_local;
  next.nat_remote = ike.nat_remote;
  next.my_id = ike.my_id;
  next.peer_id = ike.peer_id;
  next.peer_fragmentation = ike.peer_fragmentation;
  next.peer_hashes = ike.peer_hashes;
  next.proposal = *selected;
  next.dh_group = group;
  next.dh = std::move(*dh);
  next.nonce_i = nonce->nonce;
  next.nonce_r = env.rng.bytes(settings.nonce_size);
  next.rekeyed_from = ike.unique_id;
  // RFC 7296 §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr).
  auto keys = [&]() -> Status {
    auto prf_t = transform_of(*selected, v2::TransformType::PRF);
    if (!prf_t) return Error(ErrorCode::kConfig, "no PRF");
    TRY_ASSIGN(crypto::Prf new_prf, crypto::Prf::create(static_cast<v2::PrfId>(prf_t->id)));
    TRY_ASSIGN(Bytes skeyseed, crypto::skeyseed_rekey(new_prf, ike.keys.SK_d, *shared,
                                                      next.nonce_i, next.nonce_r));
    return derive_ike_keys_from(next, skeyseed);
  }();
  if (!keys.ok()) {
    log(LogGroup::kIke, 0, "IKE_SA rekey key derivation failed: " + keys.error().message());
    destroy_ike(next);
    reply({notify_payload(v2::NotifyType::NO_PROPOSAL_CHOSEN)});
    return;
  }
  v2::Proposal answer = *selected;
  answer.spi = spi_bytes64(next.spi_r);
  reply({make_payload(v2::PayloadType::SA, v2::SaPayload{{answer}}),
         make_payload(v2::PayloadType::Nonce, v2::NoncePayload{next.nonce_r}),
         make_payload(v2::PayloadType::KE, v2::KePayload{group, next.dh->public_value()})});
  set_state(ike, IkeSaState::Rekeyed);
  ike.rekeyed_by = next.unique_id;
  adopt_children(ike, next);
  next.established_at = env.clock.now();
  set_state(next, IkeSaState::Established);
  log(LogGroup::kIke, 0, "IKE_SA " + ike_label(next) + " established between " +
                             next.local.addr.to_string() + "[" + next.my_id.to_string() + "]..." +
                             next.remote.addr.to_string() + "[" + next.peer_id.to_string() + "]");
  schedule_ike_timers(next);
  // The initiator of the rekey deletes the old IKE SA; if it never does, we do (charon waits
  // for the delete, then times the old SA out).
  cancel(ike.rekey_timer);
  cancel(ike.dpd_timer);
  cancel(ike.expire_timer);
  ike.expire_timer = after(settings.retransmit_timeout * 10, ike, [this](IkeSa& s) {
    s.expire_timer = kNoTimer;
    if (s.state == IkeSaState::Rekeyed) {
      log(LogGroup::kIke, 1, "rekeyed IKE_SA " + ike_label(s) + " not deleted by the peer");
      destroy_ike(s);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Initiator: responses

void Engine::Impl::on_create_child_response(IkeSa& ike, Received& in) {
  Outstanding& o = *ike.outstanding;
  if (o.job.kind == Job::Kind::RekeyIke) {
    complete_rekey_ike(ike, in);
    return;
  }
  ChildSa* child = ike.find_child(o.new_child_id);
  ChildSa* old = o.job.kind == Job::Kind::RekeyChild ? ike.find_child(o.job.child_id) : nullptr;
  if (!child) {
    request_done(ike);
    return;
  }
  const auto* err = in.error_notify();
  if (err && o.job.kind == Job::Kind::RekeyChild && old) {
    if (err->type == v2::NotifyType::TEMPORARY_FAILURE) {
      // RFC 7296 §2.25: try again later.
      destroy_child(ike, *child);
      Duration wait = seconds(5 + env.rng.uniform(10));
      log(LogGroup::kIke, 1, "received TEMPORARY_FAILURE notify, retrying rekey in " +
                                 std::to_string(static_cast<int>(to_seconds(wait))) + "s");
      set_state(ike, *old, ChildSaState::Retrying);
      uint32_t old_id = old->unique_id;
      old->retry_timer = after(wait, ike, [this, old_id](IkeSa& s) {
        ChildSa* c = s.find_child(old_id);
        if (!c || c->state != ChildSaState::Retrying) return;
        c->retry_timer = kNoTimer;
        Job job;
        job.kind = Job::Kind::RekeyChild;
        job.child_id = old_id;
        queue_job(s, job);
      });
      request_done(ike);
      return;
    }
    if (err->type == v2::NotifyType::CHILD_SA_NOT_FOUND) {
      log(LogGroup::kIke, 1, "peer does not know CHILD_SA " + child_label(*old) + ", removing it");
      destroy_child(ike, *child);
      destroy_child(ike, *old);
      request_done(ike);
      return;
    }
  }
  // Rekey jobs carry no child_config, and child_complete may destroy `child`: label first.
  const std::string label = child_label(*child);
  auto done = child_complete(ike, *child, in, false);
  if (!old) {
    if (!done.ok()) log(LogGroup::kIke, 1, "failed to establish CHILD_SA " + label);
    request_done(ike);
    return;
  }
  if (!done.ok()) {
    // The rekey failed: keep the old SA (charon retries on the next soft expire or hard-deletes).
    if (old->state == ChildSaState::Rekeying) set_state(ike, *old, ChildSaState::Installed);
    request_done(ike);
    return;
  }
  ChildSa* ours = ike.find_child(o.new_child_id);
  if (old->collision_with) {
    // RFC 7296 §2.8.1: of the two new SAs, the one created with the lowest of the four nonces
    // is redundant and is deleted by its initiator; the other's initiator deletes the old SA.
    ChildSa* theirs = ike.find_child(old->collision_with);
    bool ours_lost = false;
    if (theirs && ours) {
      ByteView our_low = lowest(ours->nonce_i, ours->nonce_r);
      ByteView their_low = lowest(theirs->nonce_i, theirs->nonce_r);
      ours_lost = nonce_less(our_low, their_low);
    }
    Job del;
    del.kind = Job::Kind::DeleteChild;
    if (ours_lost && ours) {
      log(LogGroup::kIke, 1, "CHILD_SA rekey collision lost, deleting redundant CHILD_SA " +
                                 child_label(*ours));
      set_state(ike, *ours, ChildSaState::Rekeyed);
      ours->rekeyed_by = theirs ? theirs->unique_id : 0;
      set_state(ike, *old, ChildSaState::Rekeyed);
      old->rekeyed_by = theirs ? theirs->unique_id : 0;
      del.child_ids.push_back(ours->unique_id);
    } else {
      log(LogGroup::kIke, 1, "CHILD_SA rekey collision won, deleting old CHILD_SA " +
                                 child_label(*old));
      set_state(ike, *old, ChildSaState::Rekeyed);
      old->rekeyed_by = ours ? ours->unique_id : 0;
      del.child_ids.push_back(old->unique_id);
    }
    old->collision_with = 0;
    ike.queue.push_back(del);
    request_done(ike);
    return;
  }
  set_state(ike, *old, ChildSaState::Rekeyed);
  old->rekeyed_by = ours ? ours->unique_id : 0;
  Job del;
  del.kind = Job::Kind::DeleteChild;
  del.child_ids.push_back(old->unique_id);
  ike.queue.push_back(del);
  request_done(ike);
}

void Engine::Impl::complete_rekey_ike(IkeSa& ike, Received& in) {
  Outstanding& o = *ike.outstanding;
  std::unique_ptr<IkeSa> next = std::move(o.new_ike);
  auto fail = [&](const std::string& why) {
    log(LogGroup::kIke, 1, "IKE_SA rekey failed: " + why);
    if (ike.state == IkeSaState::Rekeying) set_state(ike, IkeSaState::Established);
    request_done(ike);
  };
  if (!next) return fail("internal: no pending IKE_SA");
  if (const auto* err = in.error_notify()) {
    if (err->type == v2::NotifyType::TEMPORARY_FAILURE) {
      Duration wait = seconds(5 + env.rng.uniform(10));
      log(LogGroup::kIke, 1, "received TEMPORARY_FAILURE notify, retrying IKE_SA rekey in " +
                                 std::to_string(static_cast<int>(to_seconds(wait))) + "s");
      cancel(ike.rekey_timer);
      ike.rekey_timer = after(wait, ike, [this](IkeSa& s) { on_rekey_ike_timer(s); });
    }
    return fail("received " + v2::to_string(err->type));
  }
  const auto* sa = in.get<v2::SaPayload>(v2::PayloadType::SA);
  const auto* nonce = in.get<v2::NoncePayload>(v2::PayloadType::Nonce);
  const auto* ke = in.get<v2::KePayload>(v2::PayloadType::KE);
  if (!sa || !nonce || !ke || sa->proposals.size() != 1 || sa->proposals.front().spi.size() != 8)
    return fail("response lacks SA, Nonce or KE");
  std::vector<v2::Proposal> offered = ike.config->ike_proposals;
  uint8_t n = 1;
  for (auto& p : offered) {
    p.number = n++;
    p.spi = sa->proposals.front().spi;
  }
  if (!choice_is_acceptable(offered, sa->proposals.front())) return fail("invalid proposal choice");
  const v2::Proposal& chosen = sa->proposals.front();
  auto dh_t = transform_of(chosen, v2::TransformType::DH);
  if (!dh_t || static_cast<v2::DhGroup>(dh_t->id) != next->dh_group || ke->group != next->dh_group)
    return fail("DH group mismatch");
  auto shared = next->dh->shared_secret(ke->data);
  if (!shared.ok()) return fail(shared.error().message());
  uint64_t spi_r = 0;
  for (uint8_t b : chosen.spi) spi_r = spi_r << 8 | b;
  next->spi_r = spi_r;
  next->proposal = chosen;
  next->nonce_r = nonce->nonce;
  auto prf_t = transform_of(chosen, v2::TransformType::PRF);
  if (!prf_t) return fail("no PRF");
  auto new_prf = crypto::Prf::create(static_cast<v2::PrfId>(prf_t->id));
  if (!new_prf.ok()) return fail(new_prf.error().message());
  auto skeyseed = crypto::skeyseed_rekey(*new_prf, ike.keys.SK_d, *shared, next->nonce_i,
                                         next->nonce_r);
  if (!skeyseed.ok()) return fail(skeyseed.error().message());
  ike_sas.push_back(std::move(next));
  IkeSa& fresh = *ike_sas.back();
  if (auto s = derive_ike_keys_from(fresh, *skeyseed); !s.ok()) {
    destroy_ike(fresh);
    return fail(s.error().message());
  }
  set_state(ike, IkeSaState::Rekeyed);
  ike.rekeyed_by = fresh.unique_id;
  adopt_children(ike, fresh);
  fresh.established_at = env.clock.now();
  set_state(fresh, IkeSaState::Established);
  log(LogGroup::kIke, 0, "IKE_SA " + ike_label(fresh) + " established between " +
                             fresh.local.addr.to_string() + "[" + fresh.my_id.to_string() + "]..." +
                             fresh.remote.addr.to_string() + "[" + fresh.peer_id.to_string() + "]");
  schedule_ike_timers(fresh);
  cancel(ike.rekey_timer);
  cancel(ike.dpd_timer);
  cancel(ike.expire_timer);
  // RFC 7296 §2.18: the initiator of the rekey deletes the old IKE SA.
  Job del;
  del.kind = Job::Kind::DeleteIke;
  ike.queue.push_front(del);
  request_done(ike);
}

void Engine::Impl::adopt_children(IkeSa& from, IkeSa& to) {
  for (auto& c : from.children)
    if (c->state != ChildSaState::Destroying) to.children.push_back(std::move(c));
  std::erase_if(from.children, [](const std::unique_ptr<ChildSa>& c) { return !c; });
  // Queued work moves too, except deleting the old SA itself.
  std::deque<Job> keep;
  for (auto& j : from.queue) {
    if (j.kind == Job::Kind::DeleteIke) {
      keep.push_back(j);
    } else {
      to.queue.push_back(j);
    }
  }
  from.queue = std::move(keep);
}

}  // namespace ikesuite::ikev2
