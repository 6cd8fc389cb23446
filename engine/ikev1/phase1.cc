// What Main Mode and Aggressive Mode share (RFC 2409 §5): starting an ISAKMP SA, the SA
// proposal, KE and nonces, the key schedule, HASH_I/HASH_R and SIG_I/SIG_R, vendor IDs for
// NAT-T (RFC 3947 §3.1) and DPD (RFC 3706 §5.1), NAT-D (RFC 3947 §3.2), the establishment with
// its timers, and the adoption of CHILD_SAs by a reauthenticated ISAKMP SA.
#include <algorithm>

#include "engine/crypto/ikev1_keys.h"
#include "engine/crypto/pki.h"
#include "engine/crypto/signature.h"
#include "engine/ikev1/engine_impl.h"

namespace ikesuite::ikev1 {

namespace {

Error failure(v1::NotifyType notify, std::string why, ErrorCode code = ErrorCode::kState) {
  return Error(code, std::move(why)).with_notify(static_cast<uint16_t>(notify));
}

// Vendor IDs (RFC 2408 §3.16) we send and recognise. NAT-T ones in order of preference.
struct VendorId {
  std::string_view name;
  std::string_view hex;
};
constexpr VendorId kDpd{"DPD", "afcad71368a1f1c96b8696fc77570100"};  // RFC 3706 §5.1
constexpr VendorId kNattIds[] = {
    {"NAT-T (RFC 3947)", "4a131c81070358455c5728f20e95452f"},  // MD5("RFC 3947")
    {"draft-ietf-ipsec-nat-t-ike-03", "7d9419a65310ca6f2c179d9215529d56"},
    {"draft-ietf-ipsec-nat-t-ike-02\\n", "90cb80913ebb696e086381b5ec427b1f"},
};
constexpr VendorId kOtherIds[] = {
    {"XAuth", "09002689dfd6b712"},
    {"strongSwan", "882fe56d6fd20dbc2251613b2ebe5beb"},
    {"FRAGMENTATION", "4048b7d56ebce88525e7de7f00d6c2d3"},
    {"Cisco Unity", "12f5f28c457168a9702d9fe274cc0100"},
};

NattVersion natt_of(size_t index) { return index == 0 ? NattVersion::Rfc3947 : NattVersion::Draft; }

// charon names the method by its signature scheme for signatures (RFC 2409 §5.1: RSA
// signatures over HASH_I/HASH_R without a DigestInfo; RFC 4754 for ECDSA).
std::string auth_text(v1::OakleyAuthMethod m) {
  switch (m) {
    case v1::OakleyAuthMethod::PreSharedKey: return "pre-shared key";
    case v1::OakleyAuthMethod::RSA_SIG: return "RSA_EMSA_PKCS1_NULL";
    case v1::OakleyAuthMethod::ECDSA_SHA256_P256: return "ECDSA-256";
    case v1::OakleyAuthMethod::ECDSA_SHA384_P384: return "ECDSA-384";
    case v1::OakleyAuthMethod::ECDSA_SHA512_P521: return "ECDSA-521";
    default: return "public key";
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Starting

IkeSa* Engine::Impl::initiate_ike(const PeerConfig* config, uint32_t keyingtry,
                                  uint32_t replacing) {
  IkeSa& ike = create_ike_sa(config, true);
  ike.keyingtry = keyingtry;
  ike.rekeyed_from = replacing;
  ike.aggressive = config->aggressive;
  ike.remote = {config->remote_addr, config->remote_port};
  ike.local = {config->local_addr, config->local_port};
  if (ike.local.addr.empty()) {
    for (const auto& e : env.net.local_endpoints())
      if (e.addr.family() == ike.remote.addr.family() && e.port == config->local_port) {
        ike.local = e;
        break;
      }
  }
  ike.cookie_i = new_cookie(ike.local, ike.remote);
  ike.phase1.type =
      ike.aggressive ? v1::ExchangeType::Aggressive : v1::ExchangeType::IdentityProtection;
  ike.phase1.initiator = true;
  ike.auth_method = auth_method_for(config->local).value_or(v1::OakleyAuthMethod::PreSharedKey);
  ike.my_id = own_identity(ike);
  ike.peer_id = config->remote.id;
  log(LogGroup::kIke, 0, std::string("initiating ") + (ike.aggressive ? "Aggressive" : "Main") +
                             " Mode IKE_SA " + ike_label(ike) + " to " +
                             ike.remote.addr.to_string());
  set_state(ike, IkeSaState::Connecting);
  if (ike.aggressive) {
    start_aggressive(ike);
  } else {
    start_main(ike);
  }
  return ike.state == IkeSaState::Destroying ? nullptr : &ike;
}

void Engine::Impl::on_first_message(const net::Datagram& d, v1::Message message) {
  const v1::Header h = message.header;
  bool aggressive = h.exchange == v1::ExchangeType::Aggressive;
  if (h.message_id != 0 || h.encrypted()) {
    log(LogGroup::kEnc, 1, "first " + v1::to_string(h.exchange) +
                               " message must be in the clear with message ID 0, ignored");
    ++stats.dropped;
    return;
  }
  auto candidates = configs_for(d.dst, d.src);
  if (candidates.empty()) {
    log(LogGroup::kIke, 1, "no IKE config found for " + d.dst.addr.to_string() + "..." +
                               d.src.addr.to_string() + ", sending NO_PROPOSAL_CHOSEN");
    send_clear_notify(d, h, v1::NotifyType::NO_PROPOSAL_CHOSEN);
    return;
  }
  IkeSa& ike = create_ike_sa(candidates.front(), false);
  ike.aggressive = aggressive;
  ike.cookie_i = h.cookie_i;
  ike.local = d.dst;
  ike.remote = d.src;
  ike.on_4500 = d.dst.port != net::kIkePort;
  ike.cookie_r = new_cookie(d.dst, d.src);
  ike.phase1.type = h.exchange;
  ike.phase1.initiator = false;
  log(LogGroup::kIke, 0, d.src.addr.to_string() + " is initiating a " +
                             (aggressive ? "Aggressive" : "Main") + " Mode IKE_SA");
  set_state(ike, IkeSaState::Connecting);
  set_state(ike, ike.phase1, aggressive ? ExchangeState::AggrR0 : ExchangeState::MainR0);
  Received in;
  in.datagram = &d;
  in.payloads = message.payloads;
  in.chain = clear_chain(d.data);
  in.message = std::move(message);
  log(LogGroup::kEnc, 1, "parsed " + v1::summary(in.message, v1::Direction::Request));
  ike.phase1.received.push_back(digest_of(d.data));
  start_half_open_timer(ike);
  if (aggressive) {
    on_aggressive_1(ike, ike.phase1, in);
  } else {
    on_main_1(ike, ike.phase1, in);
  }
}

void Engine::Impl::start_half_open_timer(IkeSa& ike) {
  ike.half_open_timer = after(settings.half_open_timeout, ike, [this](IkeSa& s) {
    s.half_open_timer = kNoTimer;
    if (s.state != IkeSaState::Connecting) return;
    log(LogGroup::kIke, 1, "IKE_SA " + ike_label(s) + " half-open timeout");
    destroy_ike(s);
  });
}

namespace {

Identity local_identity(const PeerConfig& c, const Endpoint& local) {
  if (!c.local.id.any) return c.local.id;
  // %any: the address the ISAKMP SA runs on (charon's default leftid).
  return Identity::parse(local.addr.to_string()).value_or(Identity{});
}

}  // namespace

Identity Engine::Impl::own_identity(const IkeSa& ike) const {
  return local_identity(*ike.config, ike.local);
}

// ---------------------------------------------------------------------------------------------
// SA, KE, nonces, keys

Result<v1::SaPayload> Engine::Impl::accept_phase1_proposal(IkeSa& ike, const Received& in,
                                                          bool as_initiator) {
  const auto* sa = in.get<v1::SaPayload>(v1::PayloadType::SA);
  if (!sa) return failure(v1::NotifyType::INVALID_PAYLOAD_TYPE, "SA payload missing");
  std::optional<Phase1Choice> choice;
  if (as_initiator) {
    auto c = check_phase1_answer(ike.config->ike_proposals, ike.auth_method, *sa);
    if (!c.ok()) return std::move(c).error();
    choice = std::move(*c);
  } else {
    // The first connection (by address) whose transforms and authentication method fit.
    for (const PeerConfig* c : configs_for(ike.local, ike.remote)) {
      auto method = auth_method_for(c->local);
      if (!method) continue;
      auto pick = select_phase1(c->ike_proposals, *method, *sa);
      if (!pick.ok()) {
        auto n = pick.error().notify();
        if (n && *n != static_cast<uint16_t>(v1::NotifyType::NO_PROPOSAL_CHOSEN))
          return std::move(pick).error();
        continue;
      }
      ike.config = c;
      ike.auth_method = *method;
      choice = std::move(*pick);
      break;
    }
    // RFC 2409 §5: SAi_b is the SA payload's body exactly as the initiator sent it.
    ike.sai_b = in.raw_body(v1::PayloadType::SA).value_or(Bytes{});
    if (!choice) {
      std::string mine;
      for (const auto& t : ike.config->ike_proposals)
        mine += (mine.empty() ? "" : ", ") + crypto::to_string(t);
      log(LogGroup::kCfg, 1, "received proposals: " + describe_phase1(*sa));
      log(LogGroup::kCfg, 1, "configured proposals: " + mine);
      return failure(v1::NotifyType::NO_PROPOSAL_CHOSEN, "no proposal found");
    }
  }
  ike.transform = choice->algorithms;
  ike.hash = crypto::hash_from_v1(ike.transform.hash).value_or(crypto::Hash::kSha256);
  Duration configured = ike.config->ike_lifetime;
  Duration received = seconds(static_cast<double>(choice->lifetime_seconds));
  log(LogGroup::kCfg, 1, "selected proposal: " + crypto::to_string(ike.transform));
  if (as_initiator) {
    // The responder may shorten the lifetime we offered; we follow (charon does).
    if (choice->lifetime_seconds && received != configured)
      log(LogGroup::kIke, 1, "received lifetime " + std::to_string(choice->lifetime_seconds) +
                                 "s does not match configured lifetime " +
                                 std::to_string(static_cast<long long>(to_seconds(configured))) +
                                 "s");
    ike.lifetime = choice->lifetime_seconds ? received : configured;
    return v1::SaPayload{};
  }
  ike.lifetime = choice->lifetime_seconds ? std::min(received, configured) : configured;
  // RFC 2409 §5: the responder returns the chosen transform as offered, with the lifetime
  // it agrees to.
  v1::Transform answer = choice->transform;
  if (choice->lifetime_seconds && ike.lifetime != received) {
    auto attrs = v1::Phase1Attributes::decode(answer.attributes);
    if (attrs.ok()) {
      for (auto& l : attrs->lifetimes)
        if (l.type == v1::LifeType::Seconds)
          l.duration = static_cast<uint64_t>(to_seconds(ike.lifetime));
      answer.attributes = attrs->encode();
    }
  }
  v1::SaPayload reply = *sa;
  reply.proposals.resize(1);
  reply.proposals.front().transforms = {answer};
  return reply;
}

Status Engine::Impl::make_ke_nonce(IkeSa& ike) {
  TRY_ASSIGN(ike.dh, crypto::KeyExchange::create(ike.transform.group, env.rng));
  Bytes nonce = env.rng.bytes(settings.nonce_size);
  if (ike.initiator) {
    ike.g_xi = ike.dh->public_value();
    ike.nonce_i = std::move(nonce);
  } else {
    ike.g_xr = ike.dh->public_value();
    ike.nonce_r = std::move(nonce);
  }
  return {};
}

Payloads Engine::Impl::ke_nonce_payloads(const IkeSa& ike) const {
  return {make_payload(v1::KePayload{ike.initiator ? ike.g_xi : ike.g_xr}),
          make_payload(v1::NoncePayload{ike.initiator ? ike.nonce_i : ike.nonce_r})};
}

Status Engine::Impl::take_ke_nonce(IkeSa& ike, const Received& in) {
  const auto* ke = in.get<v1::KePayload>(v1::PayloadType::KE);
  const auto* nonce = in.get<v1::NoncePayload>(v1::PayloadType::Nonce);
  if (!ke || !nonce) return failure(v1::NotifyType::INVALID_PAYLOAD_TYPE, "KE or Nonce missing");
  // RFC 2409 §5: nonces of 8 to 256 bytes.
  if (nonce->nonce.size() < 8 || nonce->nonce.size() > 256)
    return failure(v1::NotifyType::PAYLOAD_MALFORMED,
                   "nonce of " + std::to_string(nonce->nonce.size()) + " bytes");
  // The KE must be of the negotiated group (RFC 2409 §5: the group is implied by the SA).
  if (ke->data.size() != crypto::public_value_size(ike.transform.group))
    return failure(v1::NotifyType::INVALID_KEY_INFORMATION,
                   "KE of " + std::to_string(ke->data.size()) + " bytes for " +
                       v2::to_string(ike.transform.group));
  if (ike.initiator) {
    ike.g_xr = ke->data;
    ike.nonce_r = nonce->nonce;
  } else {
    ike.g_xi = ke->data;
    ike.nonce_i = nonce->nonce;
  }
  return {};
}

Status Engine::Impl::derive_keys(IkeSa& ike, ByteView peer_public) {
  auto g_xy = ike.dh->shared_secret(peer_public);
  if (!g_xy.ok())
    return failure(v1::NotifyType::INVALID_KEY_INFORMATION,
                   "applying DH public value failed: " + g_xy.error().message());
  Bytes psk;
  if (ike.auth_method == v1::OakleyAuthMethod::PreSharedKey) {
    // Main Mode picks the key before the peer's ID is known: by the connection the
    // addresses chose (charon's "looking for pre-shared key peer configs").
    Identity me = own_identity(ike);
    const Identity& peer = ike.peer_id;
    const SharedKey* key = creds.find_psk(me, peer);
    if (!key)
      return failure(v1::NotifyType::INVALID_KEY_INFORMATION,
                     "no shared key found for '" + me.to_string() + "' - '" + peer.to_string() +
                         "'",
                     ErrorCode::kConfig);
    psk = key->secret;
    ike.psk = key->secret;
  }
  Phase1KeyInput input{ike.transform, ike.auth_method, psk,          *g_xy,       ike.g_xi,
                       ike.g_xr,      ike.nonce_i,     ike.nonce_r, ike.cookie_i, ike.cookie_r};
  auto keys = derive_phase1_keys(input);
  if (!keys.ok())
    return failure(v1::NotifyType::INVALID_KEY_INFORMATION,
                   "key derivation failed: " + keys.error().message());
  ike.prf = keys->prf;
  ike.cipher = keys->cipher;
  ike.hash = keys->hash;
  ike.skeyid = std::move(keys->SKEYID);
  ike.skeyid_d = std::move(keys->SKEYID_d);
  ike.skeyid_a = std::move(keys->SKEYID_a);
  ike.skeyid_e = std::move(keys->SKEYID_e);
  ike.ka = std::move(keys->ka);
  ike.phase1.iv = std::move(keys->iv);
  ike.keys_ready = true;
  if (env.observer) {
    IkeKeysEvent e{ref(ike),          ike.cookie_i, ike.cookie_r,  ike.transform.encryption,
                   ike.transform.key_length, ike.transform.hash, ike.ka, ike.skeyid_d,
                   ike.skeyid_a};
    env.observer->on_ike_keys(e);
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Authentication

Result<Payloads> Engine::Impl::auth_payloads(IkeSa& ike, ByteView id_body) {
  // RFC 2409 §5: HASH_I from the initiator, HASH_R from the responder, over our own ID.
  auto hash = ike.initiator
                  ? crypto::hash_i(*ike.prf, ike.skeyid, ike.g_xi, ike.g_xr, ike.cookie_i,
                                   ike.cookie_r, ike.sai_b, id_body)
                  : crypto::hash_r(*ike.prf, ike.skeyid, ike.g_xi, ike.g_xr, ike.cookie_i,
                                   ike.cookie_r, ike.sai_b, id_body);
  if (!hash.ok()) return std::move(hash).error();
  Payloads out;
  if (ike.auth_method == v1::OakleyAuthMethod::PreSharedKey) {
    out.push_back(make_payload(v1::HashPayload{std::move(*hash)}));
    return out;
  }
  // RFC 2409 §5.1: signatures over HASH_I/HASH_R, the certificate before them.
  const EndConfig& me = ike.config->local;
  if (!me.key) return failure(v1::NotifyType::AUTHENTICATION_FAILED, "no private key");
  if (me.send_cert && me.cert)
    out.push_back(make_payload(v1::CertPayload{v1::CertEncoding::X509_SIGNATURE, me.cert->der()}));
  auto sig = crypto::ikev1_sign(*me.key, ike.auth_method, *hash);
  if (!sig.ok())
    return failure(v1::NotifyType::AUTHENTICATION_FAILED, "signing failed: " + sig.error().message());
  out.push_back(make_payload(v1::SignaturePayload{std::move(*sig)}));
  return out;
}

namespace {

// The peer's end-entity certificate: the first X.509 CERT it sent, or the one configured for
// it; checked against the trusted CAs and the identity it claims.
Result<crypto::Certificate> peer_certificate(const EndConfig& peer, const Identity& peer_id,
                                             const Received& in, Time now, Logger& log) {
  std::optional<crypto::Certificate> leaf;
  std::vector<crypto::Certificate> intermediates;
  for (const auto* p : in.all(v1::PayloadType::CERT)) {
    const auto* c = p->as<v1::CertPayload>();
    if (!c || c->encoding != v1::CertEncoding::X509_SIGNATURE) continue;
    TRY_ASSIGN(auto cert, crypto::Certificate::from_der(c->data));
    if (!leaf) {
      leaf = std::move(cert);
    } else {
      intermediates.push_back(std::move(cert));
    }
  }
  if (!leaf && peer.cert) leaf = *peer.cert;
  if (!leaf)
    return Error(ErrorCode::kNotFound, "no certificate of the peer received or configured");
  log.log(LogGroup::kCfg, 1, "  using certificate \"" + leaf->subject() + "\"");
  if (!(peer.cert && *peer.cert == *leaf)) {
    std::vector<crypto::Certificate> trusted;
    for (const auto& ca : peer.cas)
      if (ca) trusted.push_back(*ca);
    if (trusted.empty())
      return Error(ErrorCode::kConfig, "no trusted CA configured for the peer");
    TRY(crypto::verify_chain(*leaf, intermediates, trusted, now));
    log.log(LogGroup::kCfg, 1, "  reached self-signed root ca with a path length of " +
                                   std::to_string(intermediates.size()));
  }
  if (!peer_id.any && !leaf->matches_identity(static_cast<v1::IdType>(peer_id.type), peer_id.data))
    return Error(ErrorCode::kIntegrity, "certificate \"" + leaf->subject() +
                                            "\" does not match identity '" +
                                            peer_id.to_string() + "'");
  return *leaf;
}

}  // namespace

Status Engine::Impl::verify_auth(IkeSa& ike, const Received& in, ByteView id_body) {
  bool peer_is_initiator = !ike.initiator;
  auto expected = peer_is_initiator
                      ? crypto::hash_i(*ike.prf, ike.skeyid, ike.g_xi, ike.g_xr, ike.cookie_i,
                                       ike.cookie_r, ike.sai_b, id_body)
                      : crypto::hash_r(*ike.prf, ike.skeyid, ike.g_xi, ike.g_xr, ike.cookie_i,
                                       ike.cookie_r, ike.sai_b, id_body);
  if (!expected.ok()) return std::move(expected).error();
  if (ike.auth_method == v1::OakleyAuthMethod::PreSharedKey) {
    const auto* hash = in.get<v1::HashPayload>(v1::PayloadType::HASH);
    if (!hash)
      return failure(v1::NotifyType::AUTHENTICATION_FAILED, "HASH payload missing in message");
    if (!equal_ct(hash->hash, *expected))
      return failure(v1::NotifyType::AUTHENTICATION_FAILED,
                     "calculated HASH does not match HASH payload", ErrorCode::kIntegrity);
  } else {
    const auto* sig = in.get<v1::SignaturePayload>(v1::PayloadType::SIG);
    if (!sig)
      return failure(v1::NotifyType::AUTHENTICATION_FAILED, "SIG payload missing in message");
    auto cert = peer_certificate(ike.config->remote, ike.peer_id, in,
                                 env.clock.now() + env.wall_offset, env.log);
    if (!cert.ok())
      return failure(v1::NotifyType::AUTHENTICATION_FAILED, cert.error().message(),
                     ErrorCode::kIntegrity);
    auto ok = crypto::ikev1_verify(cert->public_key(), ike.auth_method, *expected, sig->signature);
    if (!ok.ok())
      return failure(v1::NotifyType::AUTHENTICATION_FAILED,
                     "signature validation failed: " + ok.error().message(),
                     ErrorCode::kIntegrity);
  }
  log(LogGroup::kIke, 1, "authentication of '" + ike.peer_id.to_string() + "' with " +
                             auth_text(ike.auth_method) + " successful");
  return {};
}

const PeerConfig* Engine::Impl::config_for_peer(const IkeSa& ike, const Identity& peer) const {
  // charon's select_config: among the connections the addresses allow, one with this
  // authentication method whose remote ID matches; once SKEYID is made from a pre-shared key,
  // one that has the same key. The connection chosen so far wins ties.
  bool key_fixed = ike.keys_ready && ike.auth_method == v1::OakleyAuthMethod::PreSharedKey;
  const PeerConfig* found = nullptr;
  for (const PeerConfig* c : configs_for(ike.local, ike.remote)) {
    if (auth_method_for(c->local) != ike.auth_method) continue;
    if (c->aggressive != ike.aggressive && ike.aggressive) continue;
    if (!c->remote.id.any && !c->remote.id.matches(peer)) continue;
    if (key_fixed) {
      const SharedKey* k = creds.find_psk(local_identity(*c, ike.local), peer);
      if (!k || k->secret != ike.psk) continue;
    }
    if (!found || c == ike.config) found = c;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Vendor IDs and NAT-D

Payloads Engine::Impl::vendor_ids(const IkeSa& ike) const {
  Payloads out;
  out.push_back(make_payload(v1::VendorIdPayload{hex(kDpd.hex)}));
  if (ike.initiator) {
    for (const auto& v : kNattIds) out.push_back(make_payload(v1::VendorIdPayload{hex(v.hex)}));
  } else if (ike.natt != NattVersion::None) {
    // RFC 3947 §3.1: the responder answers with the one NAT-T version it chose.
    size_t pick = ike.natt == NattVersion::Rfc3947 ? 0 : 1;
    out.push_back(make_payload(v1::VendorIdPayload{hex(kNattIds[pick].hex)}));
  }
  return out;
}

void Engine::Impl::process_vendor_ids(IkeSa& ike, const Received& in) {
  std::optional<size_t> best;
  for (const auto* p : in.all(v1::PayloadType::VendorId)) {
    const auto* v = p->as<v1::VendorIdPayload>();
    if (!v) continue;
    std::string seen;
    if (v->id == hex(kDpd.hex)) {
      ike.peer_dpd = true;
      seen = kDpd.name;
    }
    for (size_t i = 0; i < std::size(kNattIds); ++i)
      if (v->id == hex(kNattIds[i].hex)) {
        seen = kNattIds[i].name;
        if (!best || i < *best) best = i;
      }
    for (const auto& o : kOtherIds) {
      Bytes id = hex(o.hex);
      if (v->id.size() >= id.size() && std::equal(id.begin(), id.end(), v->id.begin()))
        seen = o.name;
    }
    if (seen.empty()) {
      log(LogGroup::kEnc, 1, "received unknown vendor ID: " + to_hex(v->id));
    } else {
      log(LogGroup::kIke, 1, "received " + seen + " vendor ID");
    }
  }
  if (ike.initiator) {
    // The responder's choice must be one we offered: all of ours are.
    ike.natt = best ? natt_of(*best) : NattVersion::None;
  } else {
    ike.natt = best ? natt_of(*best) : NattVersion::None;
  }
}

Payloads Engine::Impl::nat_d_payloads(const IkeSa& ike) const {
  if (ike.natt == NattVersion::None) return {};
  // RFC 3947 §3.2: HASH(CKY-I | CKY-R | IP | Port), the peer's address first, then ours.
  Bytes remote = crypto::ikev1_nat_d_hash(ike.hash, ike.cookie_i, ike.cookie_r, ike.remote.addr,
                                          ike.remote.port);
  Bytes local = crypto::ikev1_nat_d_hash(ike.hash, ike.cookie_i, ike.cookie_r, ike.local.addr,
                                         ike.local.port);
  if (ike.config->force_encap) {
    // As charon does: a source hash that cannot match makes the peer see a NAT.
    local = env.rng.bytes(local.size());
  }
  auto type = ike.natt == NattVersion::Draft ? v1::PayloadType::NAT_D_DRAFT : v1::PayloadType::NAT_D;
  v1::Payload r{type, v1::NatDPayload{std::move(remote)}};
  v1::Payload l{type, v1::NatDPayload{std::move(local)}};
  return {r, l};
}

void Engine::Impl::process_nat_d(IkeSa& ike, const Received& in) {
  std::vector<const v1::NatDPayload*> hashes;
  for (const auto& p : in.payloads)
    if (p.type == v1::PayloadType::NAT_D || p.type == v1::PayloadType::NAT_D_DRAFT)
      if (const auto* n = p.as<v1::NatDPayload>()) hashes.push_back(n);
  if (ike.natt == NattVersion::None || hashes.size() < 2) return;
  const net::Datagram& d = *in.datagram;
  // RFC 3947 §3.2: the first hash is of the address the peer sent to (ours as it sees it),
  // the others of the addresses it may send from.
  Bytes me = crypto::ikev1_nat_d_hash(ike.hash, ike.cookie_i, ike.cookie_r, d.dst.addr, d.dst.port);
  Bytes peer = crypto::ikev1_nat_d_hash(ike.hash, ike.cookie_i, ike.cookie_r, d.src.addr,
                                        d.src.port);
  ike.nat_local = !equal_ct(hashes.front()->hash, me);
  bool seen = false;
  for (size_t i = 1; i < hashes.size(); ++i) seen |= equal_ct(hashes[i]->hash, peer);
  ike.nat_remote = !seen;
  if (ike.config->force_encap && !ike.nat_local && !ike.nat_remote) {
    log(LogGroup::kIke, 1, "faking NAT situation to enforce UDP encapsulation");
    ike.nat_local = true;
  }
  if (ike.nat_local) log(LogGroup::kIke, 1, "local host is behind NAT, sending keep alives");
  if (ike.nat_remote) log(LogGroup::kIke, 1, "remote host is behind NAT");
  if ((ike.nat_local || ike.nat_remote) && ike.initiator && !ike.on_4500) {
    // RFC 3947 §4: the initiator moves to port 4500 with the first encrypted message.
    ike.on_4500 = true;
    ike.local.port = net::kNattPort;
    ike.remote.port = net::kNattPort;
    log(LogGroup::kIke, 1, "switching to port 4500");
  }
}

Payloads Engine::Impl::cert_request_payloads(const IkeSa& ike) const {
  Payloads out;
  if (ike.auth_method == v1::OakleyAuthMethod::PreSharedKey) return out;
  // RFC 2408 §3.10: one CR per trusted CA, named by its DN (RFC 4945 §3.2.1).
  for (const auto& ca : ike.config->remote.cas)
    if (ca)
      out.push_back(make_payload(
          v1::CertRequestPayload{v1::CertEncoding::X509_SIGNATURE, ca->subject_der()}));
  if (out.empty())
    out.push_back(make_payload(v1::CertRequestPayload{v1::CertEncoding::X509_SIGNATURE, {}}));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Establishment

void Engine::Impl::phase1_established(IkeSa& ike) {
  cancel(ike.half_open_timer);
  ike.established_at = env.clock.now();
  set_state(ike, IkeSaState::Established);
  log(LogGroup::kIke, 0, "IKE_SA " + ike_label(ike) + " established between " +
                             ike.local.addr.to_string() + "[" + ike.my_id.to_string() + "]..." +
                             ike.remote.addr.to_string() + "[" + ike.peer_id.to_string() + "]");
  schedule_ike_timers(ike);
  if (ike.rekeyed_from) {
    // Our reauthentication is done: the CHILD_SAs move over, the old SA is deleted.
    IkeSa* old = find_ike_by_id(ike.rekeyed_from);
    if (old && old->state == IkeSaState::Rekeying) {
      adopt_children(*old, ike);
      set_state(*old, IkeSaState::Rekeyed);
      old->rekeyed_by = ike.unique_id;
      delete_ike(*old, false);
    }
  } else {
    for (auto& other : ike_sas) {
      if (other.get() == &ike || other->config != ike.config ||
          other->state != IkeSaState::Established || !other->peer_id.matches(ike.peer_id))
        continue;
      if (ike.initial_contact_seen) {
        // RFC 2407 §4.6.3.3: the peer lost its state; what we hold of it is stale.
        log(LogGroup::kIke, 1, "destroying IKE_SA " + ike_label(*other) +
                                   " after INITIAL_CONTACT from '" + ike.peer_id.to_string() + "'");
        destroy_ike(*other);
      } else if (!ike.initiator) {
        // The peer reauthenticated: its CHILD_SAs belong to the new ISAKMP SA now.
        adopt_children(*other, ike);
        set_state(*other, IkeSaState::Rekeyed);
        other->rekeyed_by = ike.unique_id;
      }
    }
  }
  run_pending(ike);
}

void Engine::Impl::adopt_children(IkeSa& from, IkeSa& to) {
  size_t moved = 0;
  for (auto& c : from.children)
    if (c->state != ChildSaState::Destroying) {
      to.children.push_back(std::move(c));
      ++moved;
    }
  std::erase_if(from.children, [](const std::unique_ptr<ChildSa>& c) { return !c; });
  // Quick Modes still waiting to start go along.
  for (auto& j : from.pending) to.pending.push_back(j);
  from.pending.clear();
  if (moved)
    log(LogGroup::kIke, 1, "adopting " + std::to_string(moved) + " CHILD_SA(s) from IKE_SA " +
                               ike_label(from) + " into IKE_SA " + ike_label(to));
}

void Engine::Impl::fail_phase1(IkeSa& ike, v1::NotifyType notify, const std::string& why) {
  log(LogGroup::kIke, 1, why);
  send_notify(ike, notify);
  if (ike.rekeyed_from)
    if (IkeSa* old = find_ike_by_id(ike.rekeyed_from); old && old->state == IkeSaState::Rekeying)
      set_state(*old, IkeSaState::Established);
  destroy_ike(ike);
}

void Engine::Impl::schedule_ike_timers(IkeSa& ike) {
  const PeerConfig& c = *ike.config;
  // rekey time = lifetime - (margintime + random(0, margintime * rekeyfuzz)), as for CHILD_SAs;
  // the negotiated lifetime is the hard limit.
  double jitter_max = to_seconds(c.margintime) * c.rekeyfuzz;
  Duration jitter = seconds(jitter_max > 0 ? env.rng.unit() * jitter_max : 0);
  Duration rekey = ike.lifetime - c.margintime - jitter;
  if (c.rekey && rekey > Duration::zero()) {
    log(LogGroup::kIke, 1, "scheduling reauthentication in " +
                               std::to_string(static_cast<long long>(to_seconds(rekey))) + "s");
    ike.rekey_timer = after(rekey, ike, [this](IkeSa& s) { on_rekey_timer(s); });
  }
  if (ike.lifetime > Duration::zero()) {
    log(LogGroup::kIke, 1, "maximum IKE_SA lifetime " +
                               std::to_string(static_cast<long long>(to_seconds(ike.lifetime))) +
                               "s");
    ike.expire_timer = after(ike.lifetime, ike, [this](IkeSa& s) {
      s.expire_timer = kNoTimer;
      log(LogGroup::kIke, 1, "IKE_SA " + ike_label(s) + " reached its lifetime");
      delete_ike(s, true);
    });
  }
  if (ike.nat_local && settings.keep_alive > Duration::zero())
    ike.keepalive_timer =
        after(settings.keep_alive, ike, [this](IkeSa& s) { on_keepalive_timer(s); });
  if (c.dpd_delay > Duration::zero() && c.dpd_action != DpdAction::None) {
    if (ike.peer_dpd) {
      ike.dpd_timer = after(c.dpd_delay, ike, [this](IkeSa& s) { on_dpd_timer(s); });
    } else {
      log(LogGroup::kIke, 1, "DPD not supported by peer, disabled");
    }
  }
}

}  // namespace ikesuite::ikev1
