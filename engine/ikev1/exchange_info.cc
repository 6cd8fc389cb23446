// Informational exchanges (RFC 2408 §4.8, RFC 2409 §5.7): one message each, never answered
// by a notify (so two peers cannot loop), protected once the keys exist:
//
//   HDR*, HASH(1), N/D      with HASH(1) = prf(SKEYID_a, M-ID | N/D)
//
// Delete (RFC 2408 §3.15) of the ISAKMP SA (its cookies) or of IPsec SAs (the sender's
// inbound SPIs), error notifies (RFC 2408 §3.14.1), and dead peer detection (RFC 3706:
// R-U-THERE and R-U-THERE-ACK with the cookies as SPI and a sequence number).
#include "engine/crypto/ikev1_keys.h"
#include "engine/ikev1/engine_impl.h"

namespace ikesuite::ikev1 {

namespace {

std::string closing_line(const ChildSa& child, const std::string& label) {
  return "closing CHILD_SA " + label + " with SPIs " + hex32(child.spi_in) + "_i " +
         hex32(child.spi_out) + "_o and TS " + child.ts_local.to_string() + " === " +
         child.ts_remote.to_string();
}

bool is_error(v1::NotifyType t) { return static_cast<uint16_t>(t) < 16384; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Receiving

void Engine::Impl::on_informational(IkeSa& ike, const net::Datagram& d, v1::Message message) {
  const v1::Header h = message.header;
  Bytes digest = digest_of(d.data);
  if (ike.informational_seen.contains(digest)) {
    log(LogGroup::kIke, 1, "received retransmit of INFORMATIONAL_V1 message with ID " +
                               std::to_string(h.message_id) + ", ignored");
    return;
  }
  Received in;
  bool authenticated = false;
  if (h.encrypted()) {
    if (!ike.keys_ready) {
      log(LogGroup::kEnc, 1, "found encrypted INFORMATIONAL_V1, but no keys available");
      ++stats.dropped;
      return;
    }
    auto opened = open(ike, d, std::move(message), phase2_iv(ike, h.message_id));
    if (!opened.ok()) {
      log(LogGroup::kEnc, 1, "could not decrypt payloads: " + opened.error().message());
      ++stats.integrity_failures;
      ++stats.dropped;
      return;
    }
    in = std::move(*opened);
    // RFC 2409 §5.7: HASH(1) first, over the message ID and the payloads after it.
    const v1::HashPayload* hash =
        in.payloads.empty() ? nullptr : in.payloads.front().as<v1::HashPayload>();
    auto rest = in.after_first();
    auto expected = rest ? crypto::informational_hash(*ike.prf, ike.skeyid_a, h.message_id, *rest)
                         : Result<Bytes>(Error(ErrorCode::kMalformed, "no payloads"));
    if (!hash || !expected.ok() || !equal_ct(hash->hash, *expected)) {
      log(LogGroup::kIke, 1, std::string(hash ? "calculated HASH does not match HASH payload"
                                              : "HASH payload missing") +
                                 " in INFORMATIONAL_V1, ignored");
      ++stats.integrity_failures;
      ++stats.dropped;
      return;
    }
    authenticated = true;
  } else {
    // Before the keys exist a peer can only refuse in the clear; after that an unprotected
    // message proves nothing and is ignored (RFC 2408 §5.15, RFC 2409 §5.7).
    if (ike.state != IkeSaState::Connecting) {
      log(LogGroup::kIke, 1, "unprotected INFORMATIONAL_V1 on an established IKE_SA, ignored");
      ++stats.dropped;
      return;
    }
    in.payloads = message.payloads;
    in.message = std::move(message);
  }
  in.datagram = &d;
  if (ike.informational_seen.size() > 4096) ike.informational_seen.clear();
  ike.informational_seen.insert(digest);
  log(LogGroup::kEnc, 1, "parsed " + v1::summary(in.message, v1::Direction::Request, &in.payloads));
  if (authenticated) follow_peer(ike, d);
  // A refusal of our first message teaches us the responder's cookie.
  if (ike.cookie_r == 0 && ike.initiator) ike.cookie_r = h.cookie_r;
  uint32_t id = ike.unique_id;
  for (const auto& p : in.payloads) {
    IkeSa* still = find_ike_by_id(id);
    if (!still || still->state == IkeSaState::Destroying) break;
    if (const auto* n = p.as<v1::NotifyPayload>()) process_notify(ike, *n, authenticated);
    if (const auto* del = p.as<v1::DeletePayload>()) {
      if (authenticated) {
        process_delete(ike, *del);
      } else {
        log(LogGroup::kIke, 1, "unprotected Delete ignored");
      }
    }
  }
}

void Engine::Impl::process_notify(IkeSa& ike, const v1::NotifyPayload& n, bool authenticated) {
  std::string type = v1::to_string(n.type);
  if (is_error(n.type)) {
    log(LogGroup::kIke, 1, "received " + type + " error notify");
    if ((n.protocol == v1::ProtocolId::IPSEC_ESP || n.protocol == v1::ProtocolId::IPSEC_AH) &&
        authenticated) {
      // About a Quick Mode of ours or theirs: the SA named by its initiator's SPI.
      auto spi = spi_from_bytes(n.spi);
      for (auto& q : ike.quick) {
        if (q->failed || is_final(q->state)) continue;
        ChildSa* child = ike.find_child(q->child_id);
        uint32_t initiator_spi = child ? (q->initiator ? child->spi_in : child->spi_out) : 0;
        if (spi && (*spi == initiator_spi || *spi == 0)) {
          quick_failed(ike, *q, std::nullopt, "received " + type + " error notify");
          return;
        }
      }
      return;
    }
    if (ike.state == IkeSaState::Connecting) {
      // Seed 003: the refusals of phase 1 (NO_PROPOSAL_CHOSEN at messages 1/2,
      // INVALID_KEY_INFORMATION at 3/4, AUTHENTICATION_FAILED at 5/6).
      if (ike.rekeyed_from)
        if (IkeSa* old = find_ike_by_id(ike.rekeyed_from);
            old && old->state == IkeSaState::Rekeying)
          set_state(*old, IkeSaState::Established);
      destroy_ike(ike);
      return;
    }
    bool proof_refused = n.type == v1::NotifyType::AUTHENTICATION_FAILED ||
                         n.type == v1::NotifyType::INVALID_ID_INFORMATION;
    if (authenticated && proof_refused &&
        (ike.phase1.state == ExchangeState::MainR3 || ike.phase1.state == ExchangeState::AggrR2) &&
        ike.children.empty()) {
      // The initiator did not accept our identity or proof (its last word in phase 1).
      log(LogGroup::kIke, 1, "peer refused our authentication, IKE_SA " + ike_label(ike) +
                                 " deleted");
      destroy_ike(ike);
    }
    return;
  }
  if (!authenticated) {
    log(LogGroup::kIke, 1, "received unprotected " + type + " notify, ignored");
    return;
  }
  switch (n.type) {
    case v1::NotifyType::R_U_THERE:
      if (auto seq = n.dpd_sequence()) {
        log(LogGroup::kIke, 2, "received DPD request with sequence number " +
                                   std::to_string(*seq) + ", sending DPD response");
        send_dpd(ike, true, *seq);
      }
      break;
    case v1::NotifyType::R_U_THERE_ACK:
      if (auto seq = n.dpd_sequence(); seq && *seq == ike.dpd_sequence) {
        log(LogGroup::kIke, 2, "received DPD response with sequence number " +
                                   std::to_string(*seq));
      } else {
        log(LogGroup::kIke, 1, "received DPD response with an unexpected sequence number");
      }
      break;
    default:
      log(LogGroup::kIke, 1, "received " + type + " notify");
      break;
  }
}

void Engine::Impl::process_delete(IkeSa& ike, const v1::DeletePayload& d) {
  if (d.protocol == v1::ProtocolId::ISAKMP) {
    auto cookies = d.cookies();
    if (!cookies || cookies->first != ike.cookie_i || cookies->second != ike.cookie_r) {
      log(LogGroup::kIke, 1, "received DELETE for another IKE_SA, ignored");
      return;
    }
    log(LogGroup::kIke, 1, "received DELETE for IKE_SA " + ike_label(ike));
    for (auto& c : ike.children)
      if (c->state == ChildSaState::Installed || c->state == ChildSaState::Rekeying)
        log(LogGroup::kIke, 1, closing_line(*c, child_label(*c)));
    destroy_ike(ike);
    return;
  }
  if (d.protocol != v1::ProtocolId::IPSEC_ESP && d.protocol != v1::ProtocolId::IPSEC_AH) {
    log(LogGroup::kIke, 1, "received DELETE for " + v1::to_string(d.protocol) + ", ignored");
    return;
  }
  for (const auto& raw : d.spis) {
    auto spi = spi_from_bytes(raw);
    if (!spi) continue;
    log(LogGroup::kIke, 1, "received DELETE for " + std::string(d.protocol == v1::ProtocolId::IPSEC_AH ? "AH" : "ESP") +
                               " CHILD_SA with SPI " + hex32(*spi));
    // The peer names the SAs by its inbound SPI, our outbound one.
    ChildSa* child = ike.find_child_by_spi(*spi, false);
    if (!child) {
      log(LogGroup::kIke, 1, "CHILD_SA not found, ignored");
      continue;
    }
    log(LogGroup::kIke, 1, closing_line(*child, child_label(*child)));
    for (auto& q : ike.quick)
      if (q->child_id == child->unique_id && !is_final(q->state) && !q->failed) {
        q->failed = true;
        stop_waiting(ike, *q);
      }
    child_deleted(ike, *child);
  }
}

void Engine::Impl::child_deleted(IkeSa& ike, ChildSa& child) {
  Duration delay = settings.delete_rekeyed_delay;
  if (child.state == ChildSaState::Rekeyed && delay > Duration::zero()) {
    // Seed 001 (charon's delete of a rekeyed CHILD_SA): the outbound SA goes now, the
    // inbound one stays delete_rekeyed_delay longer for packets still in flight.
    set_state(ike, child, ChildSaState::Deleted);
    uninstall_child(ike, child, true);
    uint32_t id = child.unique_id;
    child.delete_timer = after(delay, ike, [this, id](IkeSa& s) {
      ChildSa* c = s.find_child(id);
      if (!c) return;
      c->delete_timer = kNoTimer;
      destroy_child(s, *c);
    });
    return;
  }
  destroy_child(ike, child);
}

// ---------------------------------------------------------------------------------------------
// Sending

void Engine::Impl::delete_children(IkeSa& ike, const std::vector<uint32_t>& ids) {
  v1::DeletePayload del;
  del.protocol = v1::ProtocolId::IPSEC_ESP;
  del.spi_size = 4;
  std::vector<uint32_t> going;
  for (uint32_t id : ids) {
    ChildSa* child = ike.find_child(id);
    if (!child || child->state == ChildSaState::Destroying ||
        child->state == ChildSaState::Deleted || child->state == ChildSaState::Deleting ||
        child->state == ChildSaState::Created)
      continue;
    going.push_back(id);
    if (child->spi_in == 0) continue;
    log(LogGroup::kIke, 1, closing_line(*child, child_label(*child)));
    log(LogGroup::kIke, 1, "sending DELETE for ESP CHILD_SA with SPI " + hex32(child->spi_in));
    del.spis.push_back(spi_bytes(child->spi_in));
  }
  // RFC 2408 §3.15: the receiver removes the SAs; there is no answer to wait for.
  if (!del.spis.empty() && ike.keys_ready) send_informational(ike, {make_payload(del)});
  for (uint32_t id : going) {
    ChildSa* child = ike.find_child(id);
    if (!child) continue;
    for (auto& q : ike.quick)
      if (q->child_id == id && !is_final(q->state) && !q->failed) {
        q->failed = true;
        stop_waiting(ike, *q);
      }
    bool rekeyed = child->state == ChildSaState::Rekeyed;
    set_state(ike, *child, ChildSaState::Deleting);
    if (rekeyed && settings.delete_rekeyed_delay > Duration::zero()) {
      // As on receipt (seed 001): inbound kept for packets in flight.
      set_state(ike, *child, ChildSaState::Deleted);
      uninstall_child(ike, *child, true);
      child->delete_timer = after(settings.delete_rekeyed_delay, ike, [this, id](IkeSa& s) {
        ChildSa* c = s.find_child(id);
        if (!c) return;
        c->delete_timer = kNoTimer;
        destroy_child(s, *c);
      });
      continue;
    }
    destroy_child(ike, *child);
  }
}

void Engine::Impl::delete_ike(IkeSa& ike, bool with_children) {
  if (ike.state == IkeSaState::Destroying) return;
  bool established = ike.state == IkeSaState::Established || ike.state == IkeSaState::Rekeying ||
                     ike.state == IkeSaState::Rekeyed;
  if (!established || !ike.keys_ready) {
    destroy_ike(ike);
    return;
  }
  if (with_children) {
    std::vector<uint32_t> ids;
    for (auto& c : ike.children) ids.push_back(c->unique_id);
    delete_children(ike, ids);
  }
  log(LogGroup::kIke, 1, "deleting IKE_SA " + ike_label(ike) + " between " +
                             ike.local.addr.to_string() + "[" + ike.my_id.to_string() + "]..." +
                             ike.remote.addr.to_string() + "[" + ike.peer_id.to_string() + "]");
  log(LogGroup::kIke, 1, "sending DELETE for IKE_SA " + ike_label(ike));
  set_state(ike, IkeSaState::Deleting);
  send_informational(ike, {make_payload(v1::DeletePayload::isakmp_sa(ike.cookie_i, ike.cookie_r))});
  destroy_ike(ike);
}

void Engine::Impl::send_dpd(IkeSa& ike, bool ack, uint32_t sequence) {
  if (!ack)
    log(LogGroup::kIke, 1, "sending DPD request with sequence number " + std::to_string(sequence));
  send_informational(ike, {make_payload(v1::NotifyPayload::dpd(ack, ike.cookie_i, ike.cookie_r,
                                                                sequence))});
}

}  // namespace ikesuite::ikev1
