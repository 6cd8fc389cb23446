// Aggressive Mode (RFC 2409 §5, RFC 2408 §4.8): three messages, identities in the clear.
//
//   Initiator                               Responder
//   HDR, SA, KE, Ni, IDii, V...    -->                               AGGR_I1 / AGGR_R1
//                                  <--  HDR, SA, KE, Nr, IDir, [CERT,] [NAT-D...,]
//                                            HASH_R|SIG_R, V...
//   HDR*, [CERT,] [NAT-D...,] HASH_I|SIG_I  -->                      AGGR_I2 / AGGR_R2
//
// The KE in the first message fixes the group: RFC 2409 §5 wants the same group in every
// offered transform, so only those of the first transform's group are offered. As charon
// does, the last message goes encrypted (with the IV of Appendix B); both forms are accepted.
#include "engine/crypto/proposal.h"
#include "engine/ikev1/engine_impl.h"

namespace ikesuite::ikev1 {

namespace {

v1::NotifyType notify_of(const Error& e, v1::NotifyType fallback) {
  return e.notify() ? static_cast<v1::NotifyType>(*e.notify()) : fallback;
}

}  // namespace

void Engine::Impl::start_aggressive(IkeSa& ike) {
  std::vector<crypto::V1IkeTransform> transforms = ike.config->ike_proposals;
  if (auto forced = impair.forced_proposal(v1::ExchangeType::Aggressive)) {
    auto parsed = crypto::parse_ikev1_ike_proposals(*forced);
    if (parsed.ok() && !parsed->empty()) {
      log(LogGroup::kIke, 1, "IMPAIR: offering '" + *forced + "'");
      transforms = *parsed;
    }
  }
  v2::DhGroup group = transforms.front().group;
  std::erase_if(transforms, [group](const crypto::V1IkeTransform& t) { return t.group != group; });
  ike.transform = transforms.front();
  if (auto s = make_ke_nonce(ike); !s.ok()) {
    log(LogGroup::kIke, 0, "creating a " + v2::to_string(group) + " key exchange failed: " +
                               s.error().message());
    destroy_ike(ike);
    return;
  }
  auto lifetime = static_cast<uint64_t>(to_seconds(ike.config->ike_lifetime));
  v1::SaPayload sa = phase1_offer(transforms, ike.auth_method, lifetime);
  ike.sai_b = v1::serialize_body(sa).value_or(Bytes{});
  Payloads out{make_payload(std::move(sa))};
  for (auto& p : ke_nonce_payloads(ike)) out.push_back(std::move(p));
  out.push_back(make_payload(to_id_payload(ike.my_id)));
  for (auto& v : vendor_ids(ike)) out.push_back(std::move(v));
  send_exchange(ike, ike.phase1, std::move(out), false, true);
  set_state(ike, ike.phase1, ExchangeState::AggrI1);
}

// Responder, message 1: everything at once; we answer with our proof.
void Engine::Impl::on_aggressive_1(IkeSa& ike, Exchange& ex, Received& in) {
  const auto* id = in.get<v1::IdPayload>(v1::PayloadType::ID);
  auto id_body = in.raw_body(v1::PayloadType::ID);
  if (!id || !id_body) {
    fail_phase1(ike, v1::NotifyType::INVALID_PAYLOAD_TYPE, "IDii payload missing");
    return;
  }
  auto peer = identity_from(*id);
  if (!peer.ok()) {
    fail_phase1(ike, v1::NotifyType::INVALID_ID_INFORMATION, peer.error().message());
    return;
  }
  auto reply = accept_phase1_proposal(ike, in, false);
  if (!reply.ok()) {
    fail_phase1(ike, notify_of(reply.error(), v1::NotifyType::NO_PROPOSAL_CHOSEN),
                reply.error().reason());
    return;
  }
  ike.peer_id = *peer;
  ike.peer_id_body = *id_body;
  const PeerConfig* config = config_for_peer(ike, *peer);
  if (!config) {
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED,
                "no peer config with Aggressive Mode found for '" + peer->to_string() + "'");
    return;
  }
  if (config != ike.config) {
    // The peer's identity picks another connection: its transforms must fit too.
    auto again = select_phase1(config->ike_proposals, ike.auth_method,
                               *in.get<v1::SaPayload>(v1::PayloadType::SA));
    if (!again.ok() || !(again->algorithms == ike.transform)) {
      fail_phase1(ike, v1::NotifyType::NO_PROPOSAL_CHOSEN,
                  "peer config '" + config->name + "' does not accept the proposal");
      return;
    }
    log(LogGroup::kCfg, 1, "switching to peer config '" + config->name + "'");
    ike.config = config;
  }
  process_vendor_ids(ike, in);
  if (auto s = take_ke_nonce(ike, in); !s.ok()) {
    fail_phase1(ike, notify_of(s.error(), v1::NotifyType::INVALID_PAYLOAD_TYPE),
                s.error().message());
    return;
  }
  Status keys = make_ke_nonce(ike);
  if (keys.ok()) keys = derive_keys(ike, ike.g_xi);
  if (!keys.ok()) {
    fail_phase1(ike, notify_of(keys.error(), v1::NotifyType::INVALID_KEY_INFORMATION),
                keys.error().message());
    return;
  }
  ike.my_id = own_identity(ike);
  v1::IdPayload mine = to_id_payload(ike.my_id);
  auto auth = auth_payloads(ike, v1::serialize_body(mine).value_or(Bytes{}));
  if (!auth.ok()) {
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED, auth.error().message());
    return;
  }
  Payloads out{make_payload(std::move(*reply))};
  for (auto& p : ke_nonce_payloads(ike)) out.push_back(std::move(p));
  out.push_back(make_payload(std::move(mine)));
  for (auto& p : nat_d_payloads(ike)) out.push_back(std::move(p));
  for (auto& p : *auth) out.push_back(std::move(p));
  for (auto& v : vendor_ids(ike)) out.push_back(std::move(v));
  // Aggressive Mode ends with the initiator's message: we retransmit until it comes.
  send_exchange(ike, ex, std::move(out), false, true);
  set_state(ike, ex, ExchangeState::AggrR1);
}

// Initiator, message 2: the responder's choice, keys and proof.
void Engine::Impl::on_aggressive_2(IkeSa& ike, Exchange& ex, Received& in) {
  if (ike.cookie_r == 0) ike.cookie_r = in.message.header.cookie_r;
  if (ike.cookie_r == 0) {
    log(LogGroup::kIke, 1, "responder cookie missing, ignored");
    return;
  }
  stop_waiting(ike, ex);
  v2::DhGroup group = ike.transform.group;
  if (auto chosen = accept_phase1_proposal(ike, in, true); !chosen.ok()) {
    fail_phase1(ike, notify_of(chosen.error(), v1::NotifyType::NO_PROPOSAL_CHOSEN),
                "no proposal found: " + chosen.error().reason());
    return;
  }
  if (ike.transform.group != group) {
    fail_phase1(ike, v1::NotifyType::NO_PROPOSAL_CHOSEN,
                "the responder chose a group other than our KE's");
    return;
  }
  process_vendor_ids(ike, in);
  const auto* id = in.get<v1::IdPayload>(v1::PayloadType::ID);
  auto id_body = in.raw_body(v1::PayloadType::ID);
  auto peer = id ? identity_from(*id) : Result<Identity>(Error(ErrorCode::kMalformed, "IDir missing"));
  if (!peer.ok() || !id_body) {
    fail_phase1(ike, v1::NotifyType::INVALID_PAYLOAD_TYPE, "IDir payload missing or invalid");
    return;
  }
  const Identity& wanted = ike.config->remote.id;
  if (!wanted.any && !wanted.matches(*peer)) {
    fail_phase1(ike, v1::NotifyType::INVALID_ID_INFORMATION,
                "IDir '" + peer->to_string() + "' does not match to '" + wanted.to_string() + "'");
    return;
  }
  ike.peer_id = *peer;
  Status keys = take_ke_nonce(ike, in);
  if (keys.ok()) keys = derive_keys(ike, ike.g_xr);
  if (!keys.ok()) {
    fail_phase1(ike, notify_of(keys.error(), v1::NotifyType::INVALID_KEY_INFORMATION),
                keys.error().message());
    return;
  }
  if (auto s = verify_auth(ike, in, *id_body); !s.ok()) {
    // A wrong pre-shared key shows here: charon's "calculated HASH does not match HASH
    // payload", then N(AUTHENTICATION_FAILED) protected with the keys we have.
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED, s.error().message());
    return;
  }
  follow_peer(ike, *in.datagram);
  // RFC 3947 §4: with a NAT in the way, the last message already goes to port 4500.
  process_nat_d(ike, in);
  auto auth = auth_payloads(ike, v1::serialize_body(to_id_payload(ike.my_id)).value_or(Bytes{}));
  if (!auth.ok()) {
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED, auth.error().message());
    return;
  }
  Payloads out;
  for (auto& p : nat_d_payloads(ike)) out.push_back(std::move(p));
  for (auto& p : *auth) out.push_back(std::move(p));
  if (ike.config->send_initial_contact && !ike.rekeyed_from && !find_established(ike.config))
    out.push_back(make_payload(v1::NotifyPayload::initial_contact(ike.cookie_i, ike.cookie_r)));
  send_exchange(ike, ex, std::move(out), true, false);
  set_state(ike, ex, ExchangeState::AggrI2);
  phase1_established(ike);
}

// Responder, message 3: the initiator's proof.
void Engine::Impl::on_aggressive_3(IkeSa& ike, Exchange& ex, Received& in) {
  if (auto s = verify_auth(ike, in, ike.peer_id_body); !s.ok()) {
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED, s.error().message());
    return;
  }
  stop_waiting(ike, ex);
  if (in.message.encrypted()) ex.iv = in.next_iv;
  process_nat_d(ike, in);
  follow_peer(ike, *in.datagram);
  ike.initial_contact_seen = in.notify(v1::NotifyType::INITIAL_CONTACT) != nullptr;
  set_state(ike, ex, ExchangeState::AggrR2);
  phase1_established(ike);
}

}  // namespace ikesuite::ikev1
