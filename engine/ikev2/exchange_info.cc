// INFORMATIONAL (RFC 7296 §1.4): Delete of Child SAs and of the IKE SA (§1.4.1, §3.11),
// liveness checks (§2.4), error notifies (§2.21), and the removal of rekeyed Child SAs after
// delete_rekeyed_delay (seed 001).
//
//   Initiator                         Responder
//   HDR, SK {[N,] [D,] [CP,] ...}  -->
//                               <--  HDR, SK {[N,] [D,] [CP], ...}
#include "engine/ikev2/engine_impl.h"
#include "engine/ikev2/ts.h"

namespace ikesuite::ikev2 {

namespace {

std::string closing_line(const ChildSa& child, const std::string& label) {
  return "closing CHILD_SA " + label + " with SPIs " + hex32(child.spi_in) + "_i " +
         hex32(child.spi_out) + "_o and TS " + to_string(child.ts_local) + " === " +
         to_string(child.ts_remote);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Requests we send

void Engine::Impl::build_delete_child(IkeSa& ike, Job job) {
  v2::DeletePayload del;
  del.protocol = v2::ProtocolId::ESP;
  del.spi_size = 4;
  std::vector<uint32_t> ids;
  for (uint32_t id : job.child_ids) {
    ChildSa* child = ike.find_child(id);
    if (!child || child->state == ChildSaState::Destroying || child->state == ChildSaState::Deleted)
      continue;
    if (child->spi_in == 0) continue;
    log(LogGroup::kIke, 1, closing_line(*child, child_label(*child)));
    log(LogGroup::kIke, 1, "sending DELETE for ESP CHILD_SA with SPI " + hex32(child->spi_in));
    if (child->state != ChildSaState::Deleting) set_state(ike, *child, ChildSaState::Deleting);
    del.spis.push_back(spi_bytes(child->spi_in));
    ids.push_back(id);
    if (job.expired) {
      // A hard expire: the kernel SAs are gone or going; remove them now.
      uninstall_child(ike, *child);
    }
  }
  if (del.spis.empty()) return;
  job.child_ids = ids;
  send_request(ike, job, v2::ExchangeType::Informational,
               {make_payload(v2::PayloadType::Delete, del)});
}

void Engine::Impl::build_delete_ike(IkeSa& ike, Job job) {
  log(LogGroup::kIke, 1, "deleting IKE_SA " + ike_label(ike) + " between " +
                             ike.local.addr.to_string() + "[" + ike.my_id.to_string() + "]..." +
                             ike.remote.addr.to_string() + "[" + ike.peer_id.to_string() + "]");
  log(LogGroup::kIke, 1, "sending DELETE for IKE_SA " + ike_label(ike));
  set_state(ike, IkeSaState::Deleting);
  v2::DeletePayload del;
  del.protocol = v2::ProtocolId::IKE;
  del.spi_size = 0;
  send_request(ike, job, v2::ExchangeType::Informational,
               {make_payload(v2::PayloadType::Delete, del)});
  // RFC 7296 §1.4.1: the sender of a Delete does not wait forever for the answer; charon
  // gives up after the normal retransmissions, which on_retransmit handles.
}

void Engine::Impl::build_dpd(IkeSa& ike, Job job) {
  // RFC 7296 §2.4: an empty INFORMATIONAL request is a liveness check.
  send_request(ike, job, v2::ExchangeType::Informational, {});
}

void Engine::Impl::build_notify_error(IkeSa& ike, Job job) {
  send_request(ike, job, v2::ExchangeType::Informational, {notify_payload(job.notify)});
}

// ---------------------------------------------------------------------------------------------
// Requests we receive

void Engine::Impl::on_informational_request(IkeSa& ike, Received& in) {
  uint32_t mid = in.message.header.message_id;
  Payloads reply;
  v2::DeletePayload our_spis;
  our_spis.protocol = v2::ProtocolId::ESP;
  our_spis.spi_size = 4;
  std::vector<uint32_t> deleted;
  bool delete_ike = false;

  for (const auto& p : in.payloads) {
    if (const auto* n = p.as<v2::NotifyPayload>()) {
      if (v2::is_error(n->type)) {
        log(LogGroup::kIke, 1, "received " + v2::to_string(n->type) + " error notify");
        // RFC 7296 §2.21.2: an AUTHENTICATION_FAILED from the initiator ends the IKE SA.
        if (n->type == v2::NotifyType::AUTHENTICATION_FAILED) delete_ike = true;
      } else {
        log(LogGroup::kIke, 2, "received " + v2::to_string(n->type) + " notify");
      }
      continue;
    }
    const auto* d = p.as<v2::DeletePayload>();
    if (!d) continue;
    if (d->protocol == v2::ProtocolId::IKE) {
      log(LogGroup::kIke, 1, "received DELETE for IKE_SA " + ike_label(ike));
      delete_ike = true;
      continue;
    }
    if (d->protocol != v2::ProtocolId::ESP && d->protocol != v2::ProtocolId::AH) continue;
    our_spis.protocol = d->protocol;
    for (const auto& raw : d->spis) {
      auto spi = spi_from_bytes(raw);
      if (!spi) continue;
      log(LogGroup::kIke, 1, "received DELETE for " + v2::to_string(d->protocol) +
                                 " CHILD_SA with SPI " + hex32(*spi));
      // The peer names SAs by its inbound SPI, our outbound one.
      ChildSa* child = ike.find_child_by_spi(*spi, false);
      if (!child || child->state == ChildSaState::Destroying) {
        log(LogGroup::kIke, 1, "CHILD_SA not found, ignored");
        continue;
      }
      if (child->state == ChildSaState::Deleting) {
        // RFC 7296 §1.4.1: both sides deleting the same SA: do not list it in the response;
        // it goes when our own Delete is answered.
        continue;
      }
      log(LogGroup::kIke, 1, closing_line(*child, child_label(*child)));
      our_spis.spis.push_back(spi_bytes(child->spi_in));
      deleted.push_back(child->unique_id);
    }
  }

  if (delete_ike) {
    send_response(ike, v2::ExchangeType::Informational, mid, {});
    log(LogGroup::kIke, 1, "IKE_SA deleted");
    destroy_ike(ike);
    return;
  }
  if (!our_spis.spis.empty()) reply.push_back(make_payload(v2::PayloadType::Delete, our_spis));
  send_response(ike, v2::ExchangeType::Informational, mid, std::move(reply));
  for (uint32_t id : deleted)
    if (ChildSa* child = ike.find_child(id)) child_deleted(ike, *child, false);
}

void Engine::Impl::on_informational_response(IkeSa& ike, Received& in) {
  Job job = ike.outstanding->job;
  for (const auto* n : in.notifies())
    if (v2::is_error(n->type))
      log(LogGroup::kIke, 1, "received " + v2::to_string(n->type) + " notify error");
  switch (job.kind) {
    case Job::Kind::DeleteChild:
      for (uint32_t id : job.child_ids)
        if (ChildSa* child = ike.find_child(id)) child_deleted(ike, *child, true);
      log(LogGroup::kIke, 1, "CHILD_SA closed");
      break;
    case Job::Kind::DeleteIke: {
      log(LogGroup::kIke, 1, "IKE_SA deleted");
      ike.outstanding.reset();
      const PeerConfig* config = ike.config;
      Endpoint remote{ike.remote.addr,
                      config->remote_addr.empty() ? ike.remote.port : config->remote_port};
      destroy_ike(ike);
      if (job.reauth) initiate_ike(config, 1, remote);
      return;
    }
    case Job::Kind::NotifyError:
      ike.outstanding.reset();
      destroy_ike(ike);
      return;
    default:
      break;
  }
  request_done(ike);
}

void Engine::Impl::child_deleted(IkeSa& ike, ChildSa& child, bool we_initiated) {
  (void)we_initiated;
  bool rekeyed = child.rekeyed_by != 0;
  Duration delay = settings.delete_rekeyed_delay;
  if (rekeyed && delay > Duration::zero()) {
    // Seed 001 (charon's destroy_and_reestablish): the outbound SA of a rekeyed Child SA goes
    // now, its inbound SA stays delete_rekeyed_delay longer for packets still in flight.
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

}  // namespace ikesuite::ikev2
