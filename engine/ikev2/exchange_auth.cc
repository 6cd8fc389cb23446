// IKE_AUTH (RFC 7296 §1.2, §2.15 authentication, §2.21.2 errors, §1.2 the first Child SA).
//
//   Initiator                         Responder
//   HDR, SK {IDi, [CERT,] [CERTREQ,]
//       [IDr,] AUTH, SAi2, TSi, TSr}  -->
//                               <--  HDR, SK {IDr, [CERT,] AUTH, SAr2, TSi, TSr}
#include "engine/crypto/pki.h"
#include "engine/ikev2/auth.h"
#include "engine/ikev2/engine_impl.h"

namespace ikesuite::ikev2 {

namespace {

std::string auth_class_text(AuthClass a) {
  switch (a) {
    case AuthClass::Psk: return "pre-shared key";
    case AuthClass::PubKey: return "public key";
    case AuthClass::Null: return "NULL authentication";
  }
  return "?";
}

Bytes id_body(const Identity& id) {
  auto body = v2::serialize_body(v2::IdPayload{id.type, id.data});
  return body.ok() ? *body : Bytes{};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// AUTH payloads

Result<v2::AuthPayload> Engine::Impl::build_auth(IkeSa& ike, bool as_initiator) {
  // RFC 7296 §2.15: <SignedOctets> = RealMessage | NonceOfPeer | prf(SK_p, RestOfIDPayload)
  const EndConfig& me = ike.config->local;
  ByteView real = as_initiator ? ByteView(ike.init_request) : ByteView(ike.init_response);
  ByteView peer_nonce = as_initiator ? ByteView(ike.nonce_r) : ByteView(ike.nonce_i);
  ByteView sk_p = as_initiator ? ByteView(ike.keys.SK_pi) : ByteView(ike.keys.SK_pr);
  TRY_ASSIGN(Bytes octets, crypto::signed_octets(*ike.prf, real, peer_nonce, sk_p,
                                                  id_body(ike.my_id)));
  log(LogGroup::kIke, 1, "authentication of '" + ike.my_id.to_string() + "' (myself) with " +
                             auth_class_text(me.auth));
  switch (me.auth) {
    case AuthClass::Psk: {
      const SharedKey* key = creds.find_psk(ike.my_id, ike.peer_id);
      if (!key)
        return Error(ErrorCode::kConfig, "no shared key found for '" + ike.my_id.to_string() +
                                             "' - '" + ike.peer_id.to_string() + "'");
      TRY_ASSIGN(Bytes mac, crypto::psk_auth(*ike.prf, key->secret, octets));
      return v2::AuthPayload{v2::AuthMethod::PSK, std::move(mac)};
    }
    case AuthClass::PubKey:
      return sign_auth(me, ike.peer_hashes, octets);
    case AuthClass::Null:
      return v2::AuthPayload{v2::AuthMethod::NULL_AUTH, {}};
  }
  return Error(ErrorCode::kInternal, "unknown auth class");
}

Status Engine::Impl::verify_auth(IkeSa& ike, const Received& in, bool peer_is_initiator) {
  const auto* auth = in.get<v2::AuthPayload>(v2::PayloadType::AUTH);
  if (!auth) return Error(ErrorCode::kMalformed, "AUTH payload missing");
  const EndConfig& peer = ike.config->remote;
  ByteView real = peer_is_initiator ? ByteView(ike.init_request) : ByteView(ike.init_response);
  ByteView my_nonce = peer_is_initiator ? ByteView(ike.nonce_r) : ByteView(ike.nonce_i);
  ByteView sk_p = peer_is_initiator ? ByteView(ike.keys.SK_pi) : ByteView(ike.keys.SK_pr);
  TRY_ASSIGN(Bytes octets, crypto::signed_octets(*ike.prf, real, my_nonce, sk_p,
                                                  id_body(ike.peer_id)));
  switch (peer.auth) {
    case AuthClass::Psk: {
      if (auth->method != v2::AuthMethod::PSK)
        return Error(ErrorCode::kIntegrity, "peer used " + v2::to_string(auth->method) +
                                                " instead of a pre-shared key");
      const SharedKey* key = creds.find_psk(ike.my_id, ike.peer_id);
      if (!key)
        return Error(ErrorCode::kConfig, "no shared key found for '" + ike.my_id.to_string() +
                                             "' - '" + ike.peer_id.to_string() + "'");
      TRY_ASSIGN(Bytes mac, crypto::psk_auth(*ike.prf, key->secret, octets));
      if (!equal_ct(mac, auth->data)) {
        log(LogGroup::kIke, 1, "tried 1 shared key for '" + ike.my_id.to_string() + "' - '" +
                                   ike.peer_id.to_string() + "', but MAC mismatched");
        return Error(ErrorCode::kIntegrity, "MAC mismatched");
      }
      break;
    }
    case AuthClass::PubKey: {
      std::vector<Bytes> certs;
      for (const auto& p : in.payloads)
        if (const auto* c = p.as<v2::CertPayload>();
            c && c->encoding == v2::CertEncoding::X509_SIGNATURE)
          certs.push_back(c->data);
      TRY(verify_signature_auth(peer, ike.peer_id, certs, *auth, octets, env.clock.now() + env.wall_offset,
                                env.log));
      break;
    }
    case AuthClass::Null:
      if (auth->method != v2::AuthMethod::NULL_AUTH)
        return Error(ErrorCode::kIntegrity, "expected NULL authentication");
      break;
  }
  log(LogGroup::kIke, 1, "authentication of '" + ike.peer_id.to_string() + "' with " +
                             auth_class_text(peer.auth) + " successful");
  return {};
}

Payloads Engine::Impl::cert_payloads(const IkeSa& ike) const {
  Payloads out;
  const EndConfig& me = ike.config->local;
  if (me.auth == AuthClass::PubKey && me.send_cert && me.cert)
    out.push_back(make_payload(v2::PayloadType::CERT,
                               v2::CertPayload{v2::CertEncoding::X509_SIGNATURE, me.cert->der()}));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Initiator

// RFC 7296 §2.21.2: when the initiator cannot authenticate the responder it says so in a new
// INFORMATIONAL exchange, then deletes the IKE SA.
void Engine::Impl::fail_auth(IkeSa& ike) {
  if (ike.outstanding) cancel(ike.outstanding->timer);
  ike.outstanding.reset();
  Job notify;
  notify.kind = Job::Kind::NotifyError;
  notify.notify = v2::NotifyType::AUTHENTICATION_FAILED;
  start_job(ike, notify);
  destroy_ike(ike);
}

void Engine::Impl::build_auth_request(IkeSa& ike) {
  const PeerConfig& config = *ike.config;
  ike.my_id = config.local.id;
  if (ike.my_id.any) ike.my_id = Identity::parse(ike.local.addr.to_string()).value_or(Identity{});
  ike.peer_id = config.remote.id;
  Payloads out;
  out.push_back(make_payload(v2::PayloadType::IDi, ike.my_id.to_payload()));
  for (auto& p : cert_payloads(ike)) out.push_back(std::move(p));
  // RFC 7296 §2.4: INITIAL_CONTACT says we hold no other IKE SA with this peer, so it is
  // left out while another one is up (a make-before-break reauthentication), as charon does.
  if (config.send_initial_contact && !has_other_established(ike))
    out.push_back(notify_payload(v2::NotifyType::INITIAL_CONTACT));
  if (config.remote.auth == AuthClass::PubKey && !config.remote.cas.empty()) {
    v2::CertReqPayload req;
    for (const auto& ca : config.remote.cas)
      if (ca) append(req.authorities, ca->spki_sha1());
    out.push_back(make_payload(v2::PayloadType::CERTREQ, req));
  }
  if (!config.remote.id.any)
    out.push_back(make_payload(v2::PayloadType::IDr, config.remote.id.to_payload()));
  auto auth = build_auth(ike, true);
  if (!auth.ok()) {
    log(LogGroup::kIke, 0, "generating AUTH payload failed: " + auth.error().message());
    destroy_ike(ike);
    return;
  }
  out.push_back(make_payload(v2::PayloadType::AUTH, *auth));

  uint32_t child_id = 0;
  if (config.childless != Childless::Force && !config.children.empty()) {
    const ChildConfig* cc = &config.children.front();
    ChildSa& child = create_child(ike, cc);
    log(LogGroup::kIke, 1, "establishing CHILD_SA " + child_label(child));
    if (auto spi = allocate_spi(ike, child); !spi.ok()) {
      log(LogGroup::kIke, 0, "unable to allocate SPI from kernel: " + spi.error().message());
      destroy_child(ike, child);
    } else {
      for (auto& p : child_request_payloads(ike, child, false, true)) out.push_back(std::move(p));
      child_id = child.unique_id;
    }
  }
  Job job;
  job.kind = Job::Kind::IkeAuth;
  send_request(ike, job, v2::ExchangeType::IkeAuth, std::move(out),
               [child_id](Outstanding& o) { o.new_child_id = child_id; });
}

void Engine::Impl::on_auth_response(IkeSa& ike, Received& in) {
  ChildSa* child = ike.outstanding ? ike.find_child(ike.outstanding->new_child_id) : nullptr;
  const auto* idr = in.get<v2::IdPayload>(v2::PayloadType::IDr);
  const auto* auth = in.get<v2::AuthPayload>(v2::PayloadType::AUTH);
  if (!idr || !auth) {
    // RFC 7296 §2.21.2: an IKE_AUTH response without AUTH carries the error.
    const auto* err = in.error_notify();
    log(LogGroup::kIke, 1, err ? "received " + v2::to_string(err->type) + " notify error"
                               : std::string("IKE_AUTH response without IDr/AUTH"));
    if (child) destroy_child(ike, *child);
    destroy_ike(ike);
    return;
  }
  Identity got = Identity::from_payload(*idr);
  if (!ike.config->remote.id.any && !ike.config->remote.id.matches(got)) {
    log(LogGroup::kCfg, 1, "IDr '" + got.to_string() + "' does not match '" +
                               ike.config->remote.id.to_string() + "'");
    if (child) destroy_child(ike, *child);
    fail_auth(ike);
    return;
  }
  ike.peer_id = got;
  if (auto s = verify_auth(ike, in, false); !s.ok()) {
    log(LogGroup::kIke, 1, "authentication of '" + ike.peer_id.to_string() + "' failed: " +
                               s.error().message());
    if (child) destroy_child(ike, *child);
    fail_auth(ike);
    return;
  }
  established(ike);
  if (child) {
    auto done = child_complete(ike, *child, in, true);
    if (!done.ok()) log(LogGroup::kIke, 1, "failed to establish CHILD_SA, keeping IKE_SA");
  }
  request_done(ike);
}

// ---------------------------------------------------------------------------------------------
// Responder

void Engine::Impl::on_auth_request(IkeSa& ike, Received& in) {
  cancel(ike.half_open_timer);
  uint32_t mid = in.message.header.message_id;
  const auto* idi = in.get<v2::IdPayload>(v2::PayloadType::IDi);
  if (!idi || !in.find(v2::PayloadType::AUTH)) {
    log(LogGroup::kIke, 1, "IKE_AUTH request lacks IDi or AUTH");
    send_response(ike, v2::ExchangeType::IkeAuth, mid,
                  {notify_payload(v2::NotifyType::AUTHENTICATION_FAILED)});
    destroy_ike(ike);
    return;
  }
  ike.peer_id = Identity::from_payload(*idi);
  std::optional<Identity> wanted;
  if (const auto* idr = in.get<v2::IdPayload>(v2::PayloadType::IDr))
    wanted = Identity::from_payload(*idr);
  // Pick the connection by identities among those matching the addresses (charon's peer_cfg
  // lookup); stay with the IKE_SA_INIT choice when it matches.
  const PeerConfig* chosen = nullptr;
  for (const auto& c : configs) {
    if (!c->local_addr.empty() && c->local_addr != ike.local.addr) continue;
    if (!c->remote_addr.empty() && c->remote_addr != ike.remote.addr) continue;
    if (!c->remote.id.any && !c->remote.id.matches(ike.peer_id)) continue;
    if (wanted && !c->local.id.any && !c->local.id.matches(*wanted)) continue;
    if (!chosen || c.get() == ike.config) chosen = c.get();
  }
  if (!chosen) {
    log(LogGroup::kCfg, 1, "no matching peer config found for '" + ike.peer_id.to_string() + "'");
    send_response(ike, v2::ExchangeType::IkeAuth, mid,
                  {notify_payload(v2::NotifyType::AUTHENTICATION_FAILED)});
    destroy_ike(ike);
    return;
  }
  if (chosen != ike.config) {
    log(LogGroup::kCfg, 1, "switching to peer config '" + chosen->name + "'");
    ike.config = chosen;
  }
  ike.my_id = chosen->local.id;
  if (ike.my_id.any) ike.my_id = Identity::parse(ike.local.addr.to_string()).value_or(Identity{});
  log(LogGroup::kCfg, 1, "selected peer config '" + chosen->name + "'");

  if (auto s = verify_auth(ike, in, true); !s.ok()) {
    log(LogGroup::kIke, 1, "peer authentication failed: " + s.error().message());
    send_response(ike, v2::ExchangeType::IkeAuth, mid,
                  {notify_payload(v2::NotifyType::AUTHENTICATION_FAILED)});
    destroy_ike(ike);
    return;
  }
  auto auth = build_auth(ike, false);
  if (!auth.ok()) {
    log(LogGroup::kIke, 0, "generating AUTH payload failed: " + auth.error().message());
    send_response(ike, v2::ExchangeType::IkeAuth, mid,
                  {notify_payload(v2::NotifyType::AUTHENTICATION_FAILED)});
    destroy_ike(ike);
    return;
  }
  Payloads out;
  out.push_back(make_payload(v2::PayloadType::IDr, ike.my_id.to_payload()));
  for (auto& p : cert_payloads(ike)) out.push_back(std::move(p));
  out.push_back(make_payload(v2::PayloadType::AUTH, *auth));
  established(ike);

  // The first Child SA (RFC 7296 §1.2): its failure does not fail the IKE SA.
  if (in.find(v2::PayloadType::SA)) {
    const ChildConfig* cc = match_child_config(ike, in);
    if (!cc) {
      log(LogGroup::kCfg, 1, "traffic selectors unacceptable, no matching CHILD_SA config");
      out.push_back(notify_payload(v2::NotifyType::TS_UNACCEPTABLE));
    } else {
      ChildSa& child = create_child(ike, cc);
      auto payloads = child_respond(ike, child, in, true, ike.nonce_i, ike.nonce_r);
      if (payloads.ok()) {
        for (auto& p : *payloads) out.push_back(std::move(p));
      } else {
        auto type = payloads.error().notify()
                        ? static_cast<v2::NotifyType>(*payloads.error().notify())
                        : v2::NotifyType::NO_PROPOSAL_CHOSEN;
        log(LogGroup::kIke, 1, "failed to establish CHILD_SA, keeping IKE_SA");
        out.push_back(notify_payload(type));
        destroy_child(ike, child);
      }
    }
  } else if (ike.config->childless == Childless::Never) {
    log(LogGroup::kIke, 1, "peer did not propose a CHILD_SA, but childless is never");
  }
  send_response(ike, v2::ExchangeType::IkeAuth, mid, std::move(out));
}

// ---------------------------------------------------------------------------------------------
// Both

void Engine::Impl::established(IkeSa& ike) {
  ike.established_at = env.clock.now();
  set_state(ike, IkeSaState::Established);
  log(LogGroup::kIke, 0, "IKE_SA " + ike_label(ike) + " established between " +
                             ike.local.addr.to_string() + "[" + ike.my_id.to_string() + "]..." +
                             ike.remote.addr.to_string() + "[" + ike.peer_id.to_string() + "]");
  schedule_ike_timers(ike);
  if (ike.reauth_of) {
    // make-before-break: the new IKE SA stands, the old one goes.
    if (IkeSa* old = find_ike_by_id(ike.reauth_of); old && old->state == IkeSaState::Established) {
      Job job;
      job.kind = Job::Kind::DeleteIke;
      old->queue.push_front(job);
      run_queue(*old);
    }
    ike.reauth_of = 0;
  }
}

void Engine::Impl::schedule_ike_timers(IkeSa& ike) {
  const PeerConfig& c = *ike.config;
  // rekey time = ikelifetime - (margintime + random(0, margintime * rekeyfuzz)), the hard
  // limit is the rekey time plus margintime (charon's over_time).
  double jitter_max = to_seconds(c.margintime) * c.rekeyfuzz;
  Duration jitter = seconds(jitter_max > 0 ? env.rng.unit() * jitter_max : 0);
  Duration rekey = c.ike_lifetime - c.margintime - jitter;
  if (c.rekey && rekey > Duration::zero()) {
    log(LogGroup::kIke, 1, std::string("scheduling ") + (c.reauth ? "reauthentication" : "rekeying") +
                               " in " + std::to_string(static_cast<long long>(to_seconds(rekey))) + "s");
    ike.rekey_timer = after(rekey, ike, [this](IkeSa& s) { on_rekey_ike_timer(s); });
    Duration hard = rekey + c.margintime;
    log(LogGroup::kIke, 1, "maximum IKE_SA lifetime " +
                               std::to_string(static_cast<long long>(to_seconds(hard))) + "s");
    ike.expire_timer = after(hard, ike, [this](IkeSa& s) {
      s.expire_timer = kNoTimer;
      log(LogGroup::kIke, 1, "IKE_SA " + ike_label(s) + " reached its hard lifetime");
      Job job;
      job.kind = Job::Kind::DeleteIke;
      s.queue.push_front(job);
      if (s.outstanding) {
        // Whatever is outstanding will not finish in time: tear down.
        destroy_ike(s);
        return;
      }
      run_queue(s);
    });
  }
  if (ike.nat_local && settings.keep_alive > Duration::zero())
    ike.keepalive_timer =
        after(settings.keep_alive, ike, [this](IkeSa& s) { on_keepalive_timer(s); });
  if (c.dpd_delay > Duration::zero())
    ike.dpd_timer = after(c.dpd_delay, ike, [this](IkeSa& s) { on_dpd_timer(s); });
}

}  // namespace ikesuite::ikev2
