// IKE_SA_INIT (RFC 7296 §1.2, §2.6 cookies, §1.3/§3.4 INVALID_KE_PAYLOAD, §2.10 nonces,
// §2.14 keys, §2.23 NAT detection; RFC 7383 §2.3 and RFC 7427 §4 capability notifies).
//
//   Initiator                         Responder
//   HDR, SAi1, KEi, Ni,
//     [N(NAT_DETECTION_*)] ...  -->
//                               <--  HDR, SAr1, KEr, Nr, [CERTREQ], [N(NAT_DETECTION_*)] ...
#include "engine/crypto/cipher.h"
#include "engine/crypto/integ.h"
#include "engine/crypto/pki.h"
#include "engine/crypto/proposal.h"
#include "engine/ikev2/engine_impl.h"

namespace ikesuite::ikev2 {

namespace {

constexpr uint32_t kMaxInitRetries = 5;  // COOKIE and INVALID_KE_PAYLOAD round trips

// RFC 7427 §4: the hashes we can verify signatures with.
constexpr v2::HashAlgorithm kOurHashes[] = {v2::HashAlgorithm::SHA2_256,
                                            v2::HashAlgorithm::SHA2_384,
                                            v2::HashAlgorithm::SHA2_512,
                                            v2::HashAlgorithm::IDENTITY};

std::vector<v2::HashAlgorithm> peer_hashes(const v2::NotifyPayload& n) {
  return v2::signature_hash_algorithms(n).value_or(std::vector<v2::HashAlgorithm>{});
}

std::vector<v2::Proposal> numbered(std::vector<v2::Proposal> ps, Bytes spi = {}) {
  uint8_t n = 1;
  for (auto& p : ps) {
    p.number = n++;
    p.spi = spi;
  }
  return ps;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Initiator

IkeSa* Engine::Impl::initiate_ike(const PeerConfig* config, uint32_t keyingtry,
                                   std::optional<Endpoint> remote) {
  IkeSa& ike = create_ike_sa(config, true);
  ike.keyingtry = keyingtry;
  ike.remote = remote.value_or(Endpoint{config->remote_addr, config->remote_port});
  ike.local = {config->local_addr, config->local_port};
  if (ike.local.addr.empty()) {
    for (const auto& e : env.net.local_endpoints())
      if (e.addr.family() == ike.remote.addr.family() && e.port == config->local_port) {
        ike.local = e;
        break;
      }
  }
  log(LogGroup::kIke, 1, "initiating IKE_SA " + ike_label(ike) + " to " +
                             ike.remote.addr.to_string());
  set_state(ike, IkeSaState::Connecting);
  build_init_request(ike);
  return ike.state == IkeSaState::Destroying ? nullptr : &ike;
}

void Engine::Impl::build_init_request(IkeSa& ike) {
  const PeerConfig& config = *ike.config;
  std::vector<v2::Proposal> proposals = config.ike_proposals;
  // force_proposal: offer what the scenario says, whatever the connection allows.
  if (auto forced = impair.forced_proposal(v2::ExchangeType::IkeSaInit, config.name)) {
    auto parsed = crypto::parse_proposals(v2::ProtocolId::IKE, *forced);
    if (parsed.ok() && !parsed->empty()) {
      log(LogGroup::kIke, 1, "IMPAIR: offering " + *forced + " in IKE_SA_INIT request 0");
      proposals = std::move(*parsed);
    } else {
      log(LogGroup::kIke, 1, "IMPAIR: force_proposal '" + *forced + "' does not parse, ignored");
    }
  }
  if (ike.dh_group == v2::DhGroup::None) {
    for (const auto& p : proposals)
      if (auto dh = transform_of(p, v2::TransformType::DH)) {
        ike.dh_group = static_cast<v2::DhGroup>(dh->id);
        break;
      }
  }
  if (!ike.dh) {
    auto dh = crypto::KeyExchange::create(ike.dh_group, env.rng);
    if (!dh.ok()) {
      log(LogGroup::kIke, 0, "creating a " + v2::to_string(ike.dh_group) +
                                 " key exchange failed: " + dh.error().message());
      destroy_ike(ike);
      return;
    }
    ike.dh = std::move(*dh);
  }
  if (ike.nonce_i.empty()) ike.nonce_i = env.rng.bytes(settings.nonce_size);

  Payloads payloads;
  // RFC 7296 §2.6: the COOKIE goes first, everything else unchanged.
  if (!ike.cookie.empty()) payloads.push_back(notify_payload(v2::NotifyType::COOKIE, ike.cookie));
  payloads.push_back(make_payload(v2::PayloadType::SA, v2::SaPayload{numbered(proposals)}));
  payloads.push_back(make_payload(v2::PayloadType::KE,
                                  v2::KePayload{ike.dh_group, ike.dh->public_value()}));
  payloads.push_back(make_payload(v2::PayloadType::Nonce, v2::NoncePayload{ike.nonce_i}));
  for (auto& p : nat_detection_payloads(ike, ike.local, ike.remote)) payloads.push_back(p);
  if (config.fragmentation != Fragmentation::No)
    payloads.push_back(notify_payload(v2::NotifyType::IKEV2_FRAGMENTATION_SUPPORTED));
  payloads.push_back(v2::make_signature_hash_algorithms(kOurHashes));
  // RFC 6023 §3: announce that we want an IKE SA without a Child SA. Like charon, only a
  // connection that insists on it (childless=force) asks.
  if (config.childless == Childless::Force)
    payloads.push_back(notify_payload(v2::NotifyType::CHILDLESS_IKEV2_SUPPORTED));
  ike.next_request_mid = 0;
  Job job;
  job.kind = Job::Kind::IkeInit;
  send_request(ike, job, v2::ExchangeType::IkeSaInit, std::move(payloads),
               [&ike](Outstanding& o) { ike.init_request = o.datagrams.front(); });
}

void Engine::Impl::on_init_response(IkeSa& ike, Received& in) {
  const v2::Header& h = in.message.header;
  if (const auto* cookie = in.notify(v2::NotifyType::COOKIE)) {
    // RFC 7296 §2.6: retry with the cookie as the first payload.
    if (++ike.init_retries > kMaxInitRetries || cookie->data.empty() ||
        cookie->data.size() > 64) {
      log(LogGroup::kIke, 1, "received invalid or too many COOKIEs, giving up");
      destroy_ike(ike);
      return;
    }
    log(LogGroup::kIke, 1, "received COOKIE notify, retrying IKE_SA_INIT with the cookie");
    ike.cookie = cookie->data;
    if (ike.outstanding) cancel(ike.outstanding->timer);
    ike.outstanding.reset();
    build_init_request(ike);
    return;
  }
  if (const auto* invalid_ke = in.notify(v2::NotifyType::INVALID_KE_PAYLOAD)) {
    // RFC 7296 §1.3: retry with the group the responder asked for, if we offered it.
    if (invalid_ke->data.size() != 2) {
      log(LogGroup::kIke, 1, "received INVALID_KE_PAYLOAD without a group, giving up");
      destroy_ike(ike);
      return;
    }
    auto group = static_cast<v2::DhGroup>(invalid_ke->data[0] << 8 | invalid_ke->data[1]);
    bool offered = false;
    for (const auto& p : ike.config->ike_proposals)
      for (const auto& t : p.transforms)
        offered |= t.type == v2::TransformType::DH && t.id == static_cast<uint16_t>(group);
    if (!offered || group == ike.dh_group || ++ike.init_retries > kMaxInitRetries) {
      log(LogGroup::kIke, 1, "peer requested DH group " + v2::to_string(group) +
                                 ", which we did not offer");
      destroy_ike(ike);
      return;
    }
    log(LogGroup::kIke, 1, "peer didn't accept DH group " + v2::to_string(ike.dh_group) +
                               ", it requested " + v2::to_string(group));
    ike.dh_group = group;
    ike.dh.reset();
    ike.cookie.clear();
    if (ike.outstanding) cancel(ike.outstanding->timer);
    ike.outstanding.reset();
    build_init_request(ike);
    return;
  }
  if (const auto* err = in.error_notify()) {
    log(LogGroup::kIke, 1, "received " + v2::to_string(err->type) + " notify error");
    destroy_ike(ike);
    return;
  }

  const auto* sa = in.get<v2::SaPayload>(v2::PayloadType::SA);
  const auto* ke = in.get<v2::KePayload>(v2::PayloadType::KE);
  const auto* nonce = in.get<v2::NoncePayload>(v2::PayloadType::Nonce);
  if (!sa || !ke || !nonce || h.spi_r == 0) {
    log(LogGroup::kIke, 1, "IKE_SA_INIT response is missing payloads or the responder SPI");
    destroy_ike(ike);
    return;
  }
  if (sa->proposals.size() != 1 ||
      !choice_is_acceptable(numbered(ike.config->ike_proposals), sa->proposals.front())) {
    log(LogGroup::kIke, 1, "peer's proposal selection invalid");
    destroy_ike(ike);
    return;
  }
  const v2::Proposal& chosen = sa->proposals.front();
  auto dh = transform_of(chosen, v2::TransformType::DH);
  if (!dh || static_cast<v2::DhGroup>(dh->id) != ike.dh_group || ke->group != ike.dh_group) {
    log(LogGroup::kIke, 1, "peer's DH group selection invalid");
    destroy_ike(ike);
    return;
  }
  if (nonce->nonce.size() < 16 || nonce->nonce.size() > 256) {
    log(LogGroup::kIke, 1, "nonce of invalid size " + std::to_string(nonce->nonce.size()));
    destroy_ike(ike);
    return;
  }
  ike.spi_r = h.spi_r;
  ike.proposal = chosen;
  ike.nonce_r = nonce->nonce;
  ike.init_response = in.datagram->data;
  log(LogGroup::kCfg, 1, "selected proposal: " + proposal_string(chosen));
  auto shared = ike.dh->shared_secret(ke->data);
  if (!shared.ok()) {
    log(LogGroup::kIke, 1, "applying DH public value failed: " + shared.error().message());
    destroy_ike(ike);
    return;
  }
  if (auto s = derive_ike_keys(ike, *shared); !s.ok()) {
    log(LogGroup::kIke, 0, "key derivation failed: " + s.error().message());
    destroy_ike(ike);
    return;
  }
  process_nat_detection(ike, in);
  ike.peer_fragmentation = in.notify(v2::NotifyType::IKEV2_FRAGMENTATION_SUPPORTED) != nullptr;
  if (const auto* hashes = in.notify(v2::NotifyType::SIGNATURE_HASH_ALGORITHMS))
    ike.peer_hashes = peer_hashes(*hashes);
  Job auth;
  auth.kind = Job::Kind::IkeAuth;
  ike.queue.push_front(auth);
  request_done(ike);
}

// ---------------------------------------------------------------------------------------------
// Responder

bool Engine::Impl::cookie_required() const {
  return settings.cookie_threshold > 0 && half_open_count() >= settings.cookie_threshold;
}

Bytes Engine::Impl::make_cookie(const net::Datagram& d, const v2::Header& h,
                                ByteView nonce) const {
  // RFC 7296 §2.6: <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>)
  Bytes cookie{0x01};
  append(cookie, crypto::cookie_hash(cookie_secret, nonce, d.src.addr, h.spi_i));
  return cookie;
}

void Engine::Impl::on_init_request(const net::Datagram& d, v2::Message message) {
  const v2::Header& h = message.header;
  Received in;
  in.datagram = &d;
  in.payloads = message.payloads;
  in.message = std::move(message);
  log(LogGroup::kEnc, 1, "parsed " + v2::summary(in.message));

  if (IkeSa* existing = find_half_open(h.spi_i, d.src)) {
    if (existing->init_request == d.data && existing->cached_response_mid == 0u) {
      log(LogGroup::kIke, 1, "received retransmit of request with ID 0, retransmitting response");
      transmit(*existing, existing->cached_response, h.exchange, true, 0, true);
    } else {
      log(LogGroup::kIke, 1, "ignoring IKE_SA_INIT for an existing half-open IKE_SA");
    }
    return;
  }
  if (h.message_id != 0) {
    log(LogGroup::kIke, 1, "IKE_SA_INIT request with message ID " + std::to_string(h.message_id) +
                               " ignored");
    return;
  }
  const PeerConfig* config = match_config_by_address(d.dst, d.src);
  if (!config) {
    log(LogGroup::kIke, 1, "no IKE config found for " + d.dst.addr.to_string() + "..." +
                               d.src.addr.to_string() + ", sending NO_PROPOSAL_CHOSEN");
    send_clear_response(d, h, {notify_payload(v2::NotifyType::NO_PROPOSAL_CHOSEN)});
    return;
  }
  const auto* nonce = in.get<v2::NoncePayload>(v2::PayloadType::Nonce);
  if (cookie_required()) {
    const auto* cookie = in.notify(v2::NotifyType::COOKIE);
    Bytes expected = make_cookie(d, h, nonce ? ByteView(nonce->nonce) : ByteView());
    if (!cookie || !equal_ct(cookie->data, expected)) {
      log(LogGroup::kIke, 1, std::string(cookie ? "received invalid COOKIE" : "no COOKIE") +
                                 " with " + std::to_string(half_open_count()) +
                                 " half-open IKE_SAs, sending COOKIE");
      send_clear_response(d, h, {notify_payload(v2::NotifyType::COOKIE, expected)});
      return;
    }
  }
  if (settings.block_threshold > 0 && half_open_count(d.src.addr) >= settings.block_threshold) {
    log(LogGroup::kIke, 1, "ignoring IKE_SA_INIT, peer " + d.src.addr.to_string() +
                               " too aggressive");
    return;
  }
  if (settings.init_limit_half_open > 0 && half_open_count() >= settings.init_limit_half_open) {
    log(LogGroup::kIke, 1, "ignoring IKE_SA_INIT, half open IKE_SA limit of " +
                               std::to_string(settings.init_limit_half_open) + " reached");
    return;
  }
  const auto* sa = in.get<v2::SaPayload>(v2::PayloadType::SA);
  const auto* ke = in.get<v2::KePayload>(v2::PayloadType::KE);
  if (!sa || !ke || !nonce) {
    log(LogGroup::kIke, 1, "IKE_SA_INIT request lacks SA, KE or Nonce, sending INVALID_SYNTAX");
    send_clear_response(d, h, {notify_payload(v2::NotifyType::INVALID_SYNTAX)});
    return;
  }
  if (nonce->nonce.size() < 16 || nonce->nonce.size() > 256) {
    log(LogGroup::kIke, 1, "nonce of invalid size " + std::to_string(nonce->nonce.size()) +
                               ", sending INVALID_SYNTAX");
    send_clear_response(d, h, {notify_payload(v2::NotifyType::INVALID_SYNTAX)});
    return;
  }
  log(LogGroup::kIke, 1, d.src.addr.to_string() + " is initiating an IKE_SA");
  auto selected = select_proposal(config->ike_proposals, sa->proposals, v2::ProtocolId::IKE);
  if (!selected) {
    log(LogGroup::kCfg, 1, "received proposals: " + proposals_string(sa->proposals));
    log(LogGroup::kCfg, 1, "configured proposals: " + proposals_string(config->ike_proposals));
    log(LogGroup::kIke, 1, "received proposals unacceptable, sending NO_PROPOSAL_CHOSEN");
    send_clear_response(d, h, {notify_payload(v2::NotifyType::NO_PROPOSAL_CHOSEN)});
    return;
  }
  auto dh = transform_of(*selected, v2::TransformType::DH);
  auto group = dh ? static_cast<v2::DhGroup>(dh->id) : v2::DhGroup::None;
  if (ke->group != group) {
    // RFC 7296 §1.3: tell the initiator which group we want.
    log(LogGroup::kIke, 1, "DH group " + v2::to_string(ke->group) + " unacceptable, requesting " +
                               v2::to_string(group));
    send_clear_response(d, h, {v2::make_invalid_ke_payload(group)});
    return;
  }
  auto kex = crypto::KeyExchange::create(group, env.rng);
  if (!kex.ok()) {
    log(LogGroup::kIke, 0, "creating a " + v2::to_string(group) + " key exchange failed: " +
                               kex.error().message());
    send_clear_response(d, h, {notify_payload(v2::NotifyType::NO_PROPOSAL_CHOSEN)});
    return;
  }
  auto shared = (*kex)->shared_secret(ke->data);
  if (!shared.ok()) {
    log(LogGroup::kIke, 1, "applying DH public value failed: " + shared.error().message() +
                               ", sending INVALID_SYNTAX");
    send_clear_response(d, h, {notify_payload(v2::NotifyType::INVALID_SYNTAX)});
    return;
  }

  IkeSa& ike = create_ike_sa(config, false);
  ike.spi_i = h.spi_i;
  ike.local = d.dst;
  ike.remote = d.src;
  ike.proposal = *selected;
  ike.dh_group = group;
  ike.dh = std::move(*kex);
  ike.nonce_i = nonce->nonce;
  ike.nonce_r = env.rng.bytes(settings.nonce_size);
  ike.init_request = d.data;
  set_state(ike, IkeSaState::Connecting);
  log(LogGroup::kCfg, 1, "selected proposal: " + proposal_string(*selected));
  if (auto s = derive_ike_keys(ike, *shared); !s.ok()) {
    log(LogGroup::kIke, 0, "key derivation failed: " + s.error().message());
    send_clear_response(d, h, {notify_payload(v2::NotifyType::NO_PROPOSAL_CHOSEN)});
    destroy_ike(ike);
    return;
  }
  process_nat_detection(ike, in);
  ike.peer_fragmentation = config->fragmentation != Fragmentation::No &&
                           in.notify(v2::NotifyType::IKEV2_FRAGMENTATION_SUPPORTED) != nullptr;
  if (const auto* hashes = in.notify(v2::NotifyType::SIGNATURE_HASH_ALGORITHMS))
    ike.peer_hashes = peer_hashes(*hashes);

  v2::Proposal answer = *selected;
  Payloads out;
  out.push_back(make_payload(v2::PayloadType::SA, v2::SaPayload{{answer}}));
  out.push_back(make_payload(v2::PayloadType::KE, v2::KePayload{group, ike.dh->public_value()}));
  out.push_back(make_payload(v2::PayloadType::Nonce, v2::NoncePayload{ike.nonce_r}));
  for (auto& p : nat_detection_payloads(ike, ike.local, ike.remote)) out.push_back(p);
  if (config->remote.auth == AuthClass::PubKey) {
    // RFC 7296 §3.7: ask for certificates issued by the CAs we trust.
    v2::CertReqPayload req;
    req.encoding = v2::CertEncoding::X509_SIGNATURE;
    for (const auto& ca : config->remote.cas)
      if (ca) append(req.authorities, ca->spki_sha1());
    out.push_back(make_payload(v2::PayloadType::CERTREQ, req));
  }
  if (ike.peer_fragmentation)
    out.push_back(notify_payload(v2::NotifyType::IKEV2_FRAGMENTATION_SUPPORTED));
  out.push_back(v2::make_signature_hash_algorithms(kOurHashes));
  // RFC 6023 §3: the responder indicates its support when the initiator did.
  if (config->childless != Childless::Never &&
      in.notify(v2::NotifyType::CHILDLESS_IKEV2_SUPPORTED) != nullptr)
    out.push_back(notify_payload(v2::NotifyType::CHILDLESS_IKEV2_SUPPORTED));
  send_response(ike, v2::ExchangeType::IkeSaInit, 0, std::move(out));
  if (!ike.cached_response.empty()) ike.init_response = ike.cached_response.front();
  // A half-open SA that never sees IKE_AUTH is removed (charon's half_open_timeout).
  ike.half_open_timer = after(settings.half_open_timeout, ike, [this](IkeSa& s) {
    s.half_open_timer = kNoTimer;
    if (s.state == IkeSaState::Connecting) {
      log(LogGroup::kIke, 1, "IKE_SA " + ike_label(s) + " half-open timeout");
      destroy_ike(s);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Keys and NAT detection

Status Engine::Impl::derive_ike_keys(IkeSa& ike, ByteView shared_secret) {
  auto prf_t = transform_of(ike.proposal, v2::TransformType::PRF);
  if (!prf_t) return Error(ErrorCode::kConfig, "proposal lacks a PRF");
  TRY_ASSIGN(crypto::Prf prf, crypto::Prf::create(static_cast<v2::PrfId>(prf_t->id)));
  // RFC 7296 §2.14: SKEYSEED = prf(Ni | Nr, g^ir)
  TRY_ASSIGN(Bytes skeyseed, crypto::skeyseed(prf, ike.nonce_i, ike.nonce_r, shared_secret));
  return derive_ike_keys_from(ike, skeyseed);
}

Status Engine::Impl::derive_ike_keys_from(IkeSa& ike, ByteView skeyseed) {
  auto prf_t = transform_of(ike.proposal, v2::TransformType::PRF);
  auto encr_t = transform_of(ike.proposal, v2::TransformType::ENCR);
  auto integ_t = transform_of(ike.proposal, v2::TransformType::INTEG);
  if (!prf_t || !encr_t) return Error(ErrorCode::kConfig, "proposal lacks PRF or ENCR");
  TRY_ASSIGN(crypto::Prf prf, crypto::Prf::create(static_cast<v2::PrfId>(prf_t->id)));
  TRY_ASSIGN(crypto::Cipher cipher, crypto::Cipher::create(static_cast<v2::EncrId>(encr_t->id),
                                                           encr_t->key_length().value_or(0)));
  std::optional<crypto::Integrity> integ;
  if (!cipher.is_aead()) {
    if (!integ_t) return Error(ErrorCode::kConfig, "non-AEAD proposal lacks INTEG");
    TRY_ASSIGN(integ, crypto::Integrity::create(static_cast<v2::IntegId>(integ_t->id)));
  }
  // RFC 7296 §2.14: {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
  //                   = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr)
  TRY_ASSIGN(ike.keys, crypto::derive_ike_sa_keys(prf, skeyseed, ike.nonce_i, ike.nonce_r,
                                                  ike.spi_i, ike.spi_r,
                                                  integ ? integ->key_size() : 0,
                                                  cipher.key_size()));
  ike.prf = prf;
  ike.suite = crypto::SkSuite{cipher, integ};
  if (env.observer) {
    IkeKeysEvent ev{ref(ike),
                    static_cast<v2::EncrId>(encr_t->id),
                    encr_t->key_length().value_or(0),
                    integ ? static_cast<v2::IntegId>(integ_t->id) : v2::IntegId::None,
                    ike.keys.SK_ei,
                    ike.keys.SK_er,
                    ike.keys.SK_ai,
                    ike.keys.SK_ar};
    env.observer->on_ike_keys(ev);
  }
  return {};
}

Payloads Engine::Impl::nat_detection_payloads(const IkeSa& ike, const Endpoint& local,
                                              const Endpoint& remote) const {
  // RFC 7296 §2.23: SHA-1(SPIi | SPIr | IP | port); SPIr is zero in the request.
  Bytes source = crypto::nat_detection_hash(ike.spi_i, ike.spi_r, local.addr, local.port);
  if (ike.config->force_encap) {
    // As charon does: a source hash that cannot match makes the peer see a NAT.
    source = env.rng.bytes(source.size());
  }
  Bytes destination = crypto::nat_detection_hash(ike.spi_i, ike.spi_r, remote.addr, remote.port);
  return {notify_payload(v2::NotifyType::NAT_DETECTION_SOURCE_IP, source),
          notify_payload(v2::NotifyType::NAT_DETECTION_DESTINATION_IP, destination)};
}

void Engine::Impl::process_nat_detection(IkeSa& ike, const Received& in) {
  const auto* src = in.notify(v2::NotifyType::NAT_DETECTION_SOURCE_IP);
  const auto* dst = in.notify(v2::NotifyType::NAT_DETECTION_DESTINATION_IP);
  if (!src || !dst) return;
  const net::Datagram& d = *in.datagram;
  // The hashes use the SPIs as they were in the message (SPIr zero in the request).
  uint64_t spi_r = in.message.header.spi_r;
  Bytes expect_dst = crypto::nat_detection_hash(ike.spi_i, spi_r, d.dst.addr, d.dst.port);
  bool dst_match = false;
  bool src_match = false;
  for (const auto& p : in.payloads) {
    const auto* n = p.as<v2::NotifyPayload>();
    if (!n) continue;
    if (n->type == v2::NotifyType::NAT_DETECTION_DESTINATION_IP)
      dst_match |= equal_ct(n->data, expect_dst);
    if (n->type == v2::NotifyType::NAT_DETECTION_SOURCE_IP)
      src_match |= equal_ct(n->data, crypto::nat_detection_hash(ike.spi_i, spi_r, d.src.addr,
                                                                d.src.port));
  }
  ike.nat_local = !dst_match;
  ike.nat_remote = !src_match;
  if (ike.config->force_encap && !ike.nat_local && !ike.nat_remote) {
    log(LogGroup::kIke, 1, "faking NAT situation to enforce UDP encapsulation");
    ike.nat_local = true;
  }
  if (ike.nat_local) log(LogGroup::kIke, 1, "local host is behind NAT, sending keep alives");
  if (ike.nat_remote) log(LogGroup::kIke, 1, "remote host is behind NAT");
  if ((ike.nat_local || ike.nat_remote) && ike.initiator && !ike.on_4500) {
    // RFC 7296 §2.23: the initiator moves to port 4500 for IKE_AUTH.
    ike.on_4500 = true;
    ike.local.port = net::kNattPort;
    ike.remote.port = net::kNattPort;
    log(LogGroup::kIke, 1, "switching to port 4500");
  }
}

}  // namespace ikesuite::ikev2
