// Main Mode (RFC 2409 §5, Identity Protection exchange of RFC 2408 §4.5), with pre-shared
// keys (§5.4) or signatures (§5.1):
//
//   Initiator                               Responder
//   HDR, SA, V...                  -->                               MAIN_I1 / MAIN_R1
//                                  <--  HDR, SA, V...
//   HDR, KE, Ni, [CR], [NAT-D...]  -->                               MAIN_I2 / MAIN_R2
//                                  <--  HDR, KE, Nr, [CR], [NAT-D...]
//   HDR*, IDii, [CERT,] HASH_I|SIG_I [, N(INITIAL_CONTACT)] -->      MAIN_I3 / MAIN_R3
//                                  <--  HDR*, IDir, [CERT,] HASH_R|SIG_R
//                                                                     MAIN_I4
//
// Seed 003: an unreachable peer or a phase-1 policy mismatch fails at messages 1/2, a
// missing pre-shared key at 3/4, a wrong one at 5/6.
#include "engine/crypto/proposal.h"
#include "engine/ikev1/engine_impl.h"

namespace ikesuite::ikev1 {

namespace {

v1::NotifyType notify_of(const Error& e, v1::NotifyType fallback) {
  return e.notify() ? static_cast<v1::NotifyType>(*e.notify()) : fallback;
}

}  // namespace

void Engine::Impl::start_main(IkeSa& ike) {
  std::vector<crypto::V1IkeTransform> transforms = ike.config->ike_proposals;
  if (auto forced = impair.forced_proposal(v1::ExchangeType::IdentityProtection)) {
    auto parsed = crypto::parse_ikev1_ike_proposals(*forced);
    if (parsed.ok()) {
      log(LogGroup::kIke, 1, "IMPAIR: offering '" + *forced + "'");
      transforms = *parsed;
    }
  }
  auto lifetime = static_cast<uint64_t>(to_seconds(ike.config->ike_lifetime));
  v1::SaPayload sa = phase1_offer(transforms, ike.auth_method, lifetime);
  // RFC 2409 §5: HASH_I and HASH_R cover the body of the initiator's SA payload.
  ike.sai_b = v1::serialize_body(sa).value_or(Bytes{});
  Payloads out{make_payload(std::move(sa))};
  for (auto& v : vendor_ids(ike)) out.push_back(std::move(v));
  send_exchange(ike, ike.phase1, std::move(out), false, true);
  set_state(ike, ike.phase1, ExchangeState::MainI1);
}

// Responder, message 1: choose the SA.
void Engine::Impl::on_main_1(IkeSa& ike, Exchange& ex, Received& in) {
  auto reply = accept_phase1_proposal(ike, in, false);
  if (!reply.ok()) {
    fail_phase1(ike, notify_of(reply.error(), v1::NotifyType::NO_PROPOSAL_CHOSEN),
                reply.error().reason());
    return;
  }
  ike.peer_id = ike.config->remote.id;
  ike.my_id = own_identity(ike);
  process_vendor_ids(ike, in);
  Payloads out{make_payload(std::move(*reply))};
  for (auto& v : vendor_ids(ike)) out.push_back(std::move(v));
  // The initiator drives Main Mode: it retransmits, we answer its retransmissions.
  send_exchange(ike, ex, std::move(out), false, false);
  set_state(ike, ex, ExchangeState::MainR1);
}

// Initiator, message 2: the responder's choice.
void Engine::Impl::on_main_2(IkeSa& ike, Exchange& ex, Received& in) {
  if (ike.cookie_r == 0) ike.cookie_r = in.message.header.cookie_r;
  if (ike.cookie_r == 0) {
    log(LogGroup::kIke, 1, "responder cookie missing, ignored");
    return;
  }
  stop_waiting(ike, ex);
  if (auto chosen = accept_phase1_proposal(ike, in, true); !chosen.ok()) {
    fail_phase1(ike, notify_of(chosen.error(), v1::NotifyType::NO_PROPOSAL_CHOSEN),
                "no proposal found: " + chosen.error().reason());
    return;
  }
  process_vendor_ids(ike, in);
  if (auto s = make_ke_nonce(ike); !s.ok()) {
    fail_phase1(ike, v1::NotifyType::INVALID_KEY_INFORMATION,
                "negotiated DH group not supported: " + s.error().message());
    return;
  }
  Payloads out = ke_nonce_payloads(ike);
  for (auto& p : cert_request_payloads(ike)) out.push_back(std::move(p));
  for (auto& p : nat_d_payloads(ike)) out.push_back(std::move(p));
  send_exchange(ike, ex, std::move(out), false, true);
  set_state(ike, ex, ExchangeState::MainI2);
}

// Responder, message 3: KE and Ni; we answer with ours and have the keys.
void Engine::Impl::on_main_3(IkeSa& ike, Exchange& ex, Received& in) {
  if (auto s = take_ke_nonce(ike, in); !s.ok()) {
    fail_phase1(ike, notify_of(s.error(), v1::NotifyType::INVALID_PAYLOAD_TYPE),
                s.error().message());
    return;
  }
  process_nat_d(ike, in);
  if (auto s = make_ke_nonce(ike); !s.ok()) {
    fail_phase1(ike, v1::NotifyType::INVALID_KEY_INFORMATION,
                "negotiated DH group not supported: " + s.error().message());
    return;
  }
  if (auto s = derive_keys(ike, ike.g_xi); !s.ok()) {
    // Seed 003: a missing pre-shared key breaks messages 3/4.
    fail_phase1(ike, notify_of(s.error(), v1::NotifyType::INVALID_KEY_INFORMATION),
                s.error().message());
    return;
  }
  Payloads out = ke_nonce_payloads(ike);
  for (auto& p : cert_request_payloads(ike)) out.push_back(std::move(p));
  for (auto& p : nat_d_payloads(ike)) out.push_back(std::move(p));
  send_exchange(ike, ex, std::move(out), false, false);
  set_state(ike, ex, ExchangeState::MainR2);
}

// Initiator, message 4: the responder's KE and Nr; we authenticate, encrypted from now on.
void Engine::Impl::on_main_4(IkeSa& ike, Exchange& ex, Received& in) {
  stop_waiting(ike, ex);
  if (auto s = take_ke_nonce(ike, in); !s.ok()) {
    fail_phase1(ike, notify_of(s.error(), v1::NotifyType::INVALID_PAYLOAD_TYPE),
                s.error().message());
    return;
  }
  process_nat_d(ike, in);
  if (auto s = derive_keys(ike, ike.g_xr); !s.ok()) {
    fail_phase1(ike, notify_of(s.error(), v1::NotifyType::INVALID_KEY_INFORMATION),
                s.error().message());
    return;
  }
  v1::IdPayload id = to_id_payload(ike.my_id);
  Bytes id_body = v1::serialize_body(id).value_or(Bytes{});
  auto auth = auth_payloads(ike, id_body);
  if (!auth.ok()) {
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED,
                "generating authentication failed: " + auth.error().message());
    return;
  }
  Payloads out{make_payload(std::move(id))};
  for (auto& p : *auth) out.push_back(std::move(p));
  bool first_contact = ike.config->send_initial_contact && !ike.rekeyed_from &&
                       !find_established(ike.config);
  if (first_contact)
    out.push_back(make_payload(v1::NotifyPayload::initial_contact(ike.cookie_i, ike.cookie_r)));
  send_exchange(ike, ex, std::move(out), true, true);
  set_state(ike, ex, ExchangeState::MainI3);
}

// Responder, message 5: the initiator's identity and proof.
void Engine::Impl::on_main_5(IkeSa& ike, Exchange& ex, Received& in) {
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
  const PeerConfig* config = config_for_peer(ike, *peer);
  if (!config) {
    log(LogGroup::kCfg, 1, "looking for peer configs matching " + ike.local.addr.to_string() +
                               "..." + ike.remote.addr.to_string() + "[" + peer->to_string() +
                               "]");
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED, "no peer config found");
    return;
  }
  if (config != ike.config) {
    log(LogGroup::kCfg, 1, "switching to peer config '" + config->name + "'");
    ike.config = config;
  }
  ike.peer_id = *peer;
  if (auto s = verify_auth(ike, in, *id_body); !s.ok()) {
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED, s.error().message());
    return;
  }
  ex.iv = in.next_iv;
  follow_peer(ike, *in.datagram);
  ike.initial_contact_seen = in.notify(v1::NotifyType::INITIAL_CONTACT) != nullptr;
  ike.my_id = own_identity(ike);
  v1::IdPayload mine = to_id_payload(ike.my_id);
  Bytes mine_body = v1::serialize_body(mine).value_or(Bytes{});
  auto auth = auth_payloads(ike, mine_body);
  if (!auth.ok()) {
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED,
                "generating authentication failed: " + auth.error().message());
    return;
  }
  Payloads out{make_payload(std::move(mine))};
  for (auto& p : *auth) out.push_back(std::move(p));
  send_exchange(ike, ex, std::move(out), true, false);
  set_state(ike, ex, ExchangeState::MainR3);
  phase1_established(ike);
}

// Initiator, message 6: the responder's identity and proof.
void Engine::Impl::on_main_6(IkeSa& ike, Exchange& ex, Received& in) {
  const auto* id = in.get<v1::IdPayload>(v1::PayloadType::ID);
  auto id_body = in.raw_body(v1::PayloadType::ID);
  if (!id || !id_body) {
    fail_phase1(ike, v1::NotifyType::INVALID_PAYLOAD_TYPE, "IDir payload missing");
    return;
  }
  auto peer = identity_from(*id);
  if (!peer.ok()) {
    fail_phase1(ike, v1::NotifyType::INVALID_ID_INFORMATION, peer.error().message());
    return;
  }
  const Identity& wanted = ike.config->remote.id;
  if (!wanted.any && !wanted.matches(*peer)) {
    fail_phase1(ike, v1::NotifyType::INVALID_ID_INFORMATION,
                "IDir '" + peer->to_string() + "' does not match to '" + wanted.to_string() + "'");
    return;
  }
  ike.peer_id = *peer;
  if (auto s = verify_auth(ike, in, *id_body); !s.ok()) {
    fail_phase1(ike, v1::NotifyType::AUTHENTICATION_FAILED, s.error().message());
    return;
  }
  stop_waiting(ike, ex);
  ex.iv = in.next_iv;
  follow_peer(ike, *in.datagram);
  set_state(ike, ex, ExchangeState::MainI4);
  phase1_established(ike);
}

}  // namespace ikesuite::ikev1
