#include "harness/run/ref_config.h"

#include <algorithm>
#include <memory>

#include "engine/crypto/pki.h"
#include "engine/crypto/proposal.h"

namespace ikesuite::harness::run {

// Round by round as proposal.c adds them: classic ciphers and integrity algorithms of at
// least 128-bit strength first, then the weaker ones it still accepts; the PRFs; ECC groups,
// then the large MODP groups, then MODP 2048. The AEAD proposal repeats PRFs and groups.
const char* const kDefaultIkeProposals[2] = {
    "aes128-aes192-aes256-aes128ctr-aes192ctr-aes256ctr-3des-sha256-sha384-sha512-aesxcbc-"
    "aescmac-sha1-prfsha256-prfsha384-prfsha512-prfaesxcbc-prfaescmac-prfsha1-ecp256-ecp384-"
    "ecp521-ecp256bp-ecp384bp-ecp512bp-x25519-x448-modp3072-modp4096-modp6144-modp8192-modp2048",
    "aes128gcm16-aes192gcm16-aes256gcm16-chacha20poly1305-aes128gcm12-aes192gcm12-aes256gcm12-"
    "aes128gcm8-aes192gcm8-aes256gcm8-prfsha256-prfsha384-prfsha512-prfaesxcbc-prfaescmac-"
    "prfsha1-ecp256-ecp384-ecp521-ecp256bp-ecp384bp-ecp512bp-x25519-x448-modp3072-modp4096-"
    "modp6144-modp8192-modp2048"};
// proposal_create_default(PROTO_ESP): no AEAD proposal for ESP, "as we don't know if our
// kernel backend actually supports it".
const char* const kDefaultEspProposal = "aes128-aes192-aes256-sha256-sha384-sha512-sha1-aesxcbc-noesn";
const char* const kDefaultAhProposal = "sha256-sha384-sha512-sha1-aesxcbc-noesn";
// For IKEv1 charon builds one transform per proposal from the first algorithm of each kind
// (proposal_substructure.c, set_from_proposal_v1_ike/_esp), so its default proposals become
// the first algorithms of the ones above; the AEAD proposal has no phase-1 transform.
const char* const kDefaultV1IkeProposal = "aes128-sha256-ecp256";
const char* const kDefaultV1EspProposal = "aes128-sha256";

namespace {

ikev2::DpdAction to_engine(SaAction a) {
  switch (a) {
    case SaAction::kNone: return ikev2::DpdAction::None;
    case SaAction::kClear: return ikev2::DpdAction::Clear;
    case SaAction::kHold: return ikev2::DpdAction::Hold;
    case SaAction::kRestart: return ikev2::DpdAction::Restart;
  }
  return ikev2::DpdAction::None;
}

ikev2::Fragmentation to_engine(harness::Fragmentation f) {
  switch (f) {
    case harness::Fragmentation::kNo: return ikev2::Fragmentation::No;
    case harness::Fragmentation::kYes: return ikev2::Fragmentation::Yes;
    case harness::Fragmentation::kAccept: return ikev2::Fragmentation::Accept;
    case harness::Fragmentation::kForce: return ikev2::Fragmentation::Force;
  }
  return ikev2::Fragmentation::Yes;
}

ikev2::Childless to_engine(harness::Childless c) {
  switch (c) {
    case harness::Childless::kAllow: return ikev2::Childless::Allow;
    case harness::Childless::kForce: return ikev2::Childless::Force;
    case harness::Childless::kNever: return ikev2::Childless::Never;
  }
  return ikev2::Childless::Allow;
}

Result<ikev2::AuthClass> auth_class(const std::string& conn, std::optional<AuthMethod> m,
                                    const char* end) {
  switch (m.value_or(AuthMethod::kPubkey)) {
    case AuthMethod::kPsk: return ikev2::AuthClass::Psk;
    case AuthMethod::kPubkey:
    case AuthMethod::kRsa:
    case AuthMethod::kEcdsa: return ikev2::AuthClass::PubKey;
    case AuthMethod::kNull: return ikev2::AuthClass::Null;
    case AuthMethod::kNever: break;
  }
  return Error(ErrorCode::kConfig, "conn '" + conn + "': " + end +
                                       "auth=never is not supported by the reference engine");
}

// strongSwan's rule: an end without an id is identified by its address.
Result<ikev2::Identity> end_identity(const std::string& conn, const End& end, const char* side) {
  std::string text = end.id;
  if (text.empty()) {
    if (!end.address) {
      ikev2::Identity any;
      any.any = true;
      return any;
    }
    text = end.address->to_string();
  }
  auto id = ikev2::Identity::parse(text);
  if (!id.ok())
    return Error(ErrorCode::kConfig, "conn '" + conn + "': " + side + "id '" + text + "': " +
                                         id.error().reason());
  return id;
}

Result<std::vector<Subnet>> selectors(const std::string& conn, const End& end, const char* side,
                                      uint8_t* protocol) {
  std::vector<Subnet> out;
  for (const auto& ts : end.subnets) {
    if (ts.port_from != 0 || ts.port_to != 0xffff)
      return Error(ErrorCode::kConfig, "conn '" + conn + "': " + side + "subnet '" + ts.text +
                                           "': port ranges are not supported by the reference "
                                           "engine's traffic selectors");
    if (ts.protocol != 0) *protocol = ts.protocol;
    out.push_back(ts.subnet);
  }
  if (end.protoport_ports && (end.protoport_ports->first != 0 || end.protoport_ports->second != 0xffff))
    return Error(ErrorCode::kConfig, "conn '" + conn + "': " + side +
                                         "protoport ports are not supported by the reference "
                                         "engine's traffic selectors");
  if (end.protoport_protocol) *protocol = *end.protoport_protocol;
  return out;
}

// leftcert and the secrets entry whose private key matches it.
Status load_local_credentials(const Host& host, const Connection& conn,
                              std::shared_ptr<const crypto::Certificate>& cert_out,
                              std::shared_ptr<const crypto::PrivateKey>& key_out) {
  auto error = [&](const std::string& why) {
    return Error(ErrorCode::kConfig, "conn '" + conn.name + "': " + why);
  };
  if (conn.left.cert.empty()) return error("public-key authentication needs leftcert");
  auto cert = crypto::Certificate::load_file(conn.left.cert);
  if (!cert.ok()) return error(cert.error().reason());
  std::shared_ptr<const crypto::PrivateKey> key;
  std::string tried;
  for (const auto& s : host.secrets) {
    if (s.type == SecretType::kPsk || s.file.empty()) continue;
    auto k = crypto::PrivateKey::load_pem_file(s.file);
    if (!k.ok()) return error(k.error().reason());
    if (k->public_key() == cert->public_key()) {
      key = std::make_shared<crypto::PrivateKey>(*k);
      break;
    }
    tried += (tried.empty() ? "" : ", ") + s.file;
  }
  if (!key)
    return error("no private key in the host's secrets matches leftcert " + conn.left.cert +
                 (tried.empty() ? "" : " (tried " + tried + ")"));
  cert_out = std::make_shared<crypto::Certificate>(*cert);
  key_out = key;
  return {};
}

// The host's CA certificates that may vouch for the peer (only rightca's, when set).
Status load_peer_cas(const Host& host, const Connection& conn,
                     std::vector<std::shared_ptr<const crypto::Certificate>>& cas) {
  auto error = [&](const std::string& why) {
    return Error(ErrorCode::kConfig, "conn '" + conn.name + "': " + why);
  };
  std::optional<Bytes> wanted_ca;
  if (!conn.right.ca.empty()) {
    auto dn = crypto::dn_from_text(conn.right.ca);
    if (!dn.ok()) return error("rightca '" + conn.right.ca + "': " + dn.error().reason());
    wanted_ca = *dn;
  }
  for (const auto& path : host.cacerts) {
    auto ca = crypto::Certificate::load_file(path);
    if (!ca.ok()) return error(ca.error().reason());
    if (wanted_ca && !crypto::dn_equal(ca->subject_der(), *wanted_ca)) continue;
    cas.push_back(std::make_shared<crypto::Certificate>(*ca));
  }
  if (cas.empty())
    return error(wanted_ca ? "no CA certificate of the host has the subject rightca names ('" +
                                 conn.right.ca + "')"
                           : "public-key authentication of the peer needs cacerts");
  return {};
}

}  // namespace

Result<std::vector<v2::Proposal>> build_proposals(v2::ProtocolId protocol,
                                                  const std::vector<std::string>& configured) {
  std::vector<v2::Proposal> out;
  bool strict = false;
  for (std::string text : configured) {
    if (!text.empty() && text.back() == '!') {
      strict = true;
      text.pop_back();
    }
    TRY_ASSIGN(auto list, crypto::parse_proposals(protocol, text));
    for (auto& p : list) out.push_back(std::move(p));
  }
  // stroke's add_proposals(): without '!' charon appends its default proposals, and an empty
  // list is the defaults alone.
  if (!strict || out.empty()) {
    std::vector<std::string> defaults;
    if (protocol == v2::ProtocolId::IKE) {
      defaults = {kDefaultIkeProposals[0], kDefaultIkeProposals[1]};
    } else if (protocol == v2::ProtocolId::ESP) {
      defaults = {kDefaultEspProposal};
    } else {
      defaults = {kDefaultAhProposal};
    }
    for (const auto& d : defaults) {
      TRY_ASSIGN(auto list, crypto::parse_proposals(protocol, d));
      for (auto& p : list) out.push_back(std::move(p));
    }
  }
  for (size_t i = 0; i < out.size(); ++i) out[i].number = static_cast<uint8_t>(i + 1);
  return out;
}

ikev2::Settings build_settings(const harness::Settings& s, std::vector<std::string>& notes) {
  ikev2::Settings out;
  if (s.retransmit_timeout) out.retransmit_timeout = seconds(*s.retransmit_timeout);
  if (s.retransmit_base) out.retransmit_base = *s.retransmit_base;
  if (s.retransmit_tries) out.retransmit_tries = *s.retransmit_tries;
  if (s.retransmit_jitter) out.retransmit_jitter = *s.retransmit_jitter;
  if (s.delete_rekeyed_delay) out.delete_rekeyed_delay = seconds(*s.delete_rekeyed_delay);
  if (s.half_open_timeout) out.half_open_timeout = seconds(*s.half_open_timeout);
  if (s.cookie_threshold) out.cookie_threshold = *s.cookie_threshold;
  if (s.block_threshold) out.block_threshold = *s.block_threshold;
  if (s.init_limit_half_open) out.init_limit_half_open = *s.init_limit_half_open;
  if (s.fragment_size) out.fragment_size = *s.fragment_size;
  if (s.keep_alive) out.keep_alive = seconds(*s.keep_alive);
  if (s.make_before_break) out.make_before_break = *s.make_before_break;
  if (s.dos_protection && !*s.dos_protection) {
    // charon.dos_protection=no turns off COOKIEs and blocking alike.
    out.cookie_threshold = UINT32_MAX;
    out.block_threshold = UINT32_MAX;
  }
  auto unsupported = [&](bool set, const char* key) {
    if (set)
      notes.push_back(std::string("setting ") + key +
                      " is not modelled by the reference engine and has no effect");
  };
  unsupported(s.retransmit_limit.has_value(), "retransmit_limit");
  unsupported(s.cookie_threshold_ip.has_value(), "cookie_threshold_ip");
  unsupported(s.init_limit_job_load.has_value(), "init_limit_job_load");
  unsupported(s.keep_alive_dpd_margin.has_value(), "keep_alive_dpd_margin");
  unsupported(s.reuse_ikesa.has_value() && !*s.reuse_ikesa, "reuse_ikesa");
  unsupported(s.ikesa_limit.has_value(), "ikesa_limit");
  unsupported(s.spi_min.has_value() || s.spi_max.has_value(), "spi_min/spi_max");
  unsupported(s.close_ike_on_child_failure.value_or(false), "close_ike_on_child_failure");
  unsupported(s.inactivity_close_ike.value_or(false), "inactivity_close_ike");
  return out;
}

Result<ikev2::PeerConfig> build_peer_config(const Host& host, const Connection& conn,
                                            std::vector<std::string>& notes) {
  const std::string& n = conn.name;
  auto error = [&](const std::string& why) { return Error(ErrorCode::kConfig, "conn '" + n + "': " + why); };
  if (conn.version == IkeVersion::kV1)
    return error("keyexchange=ikev1 is configured on the IKEv1 engine (build_v1_peer_config)");
  if (conn.type == ConnType::kPassthrough || conn.type == ConnType::kDrop)
    return error("type=" + std::string(name(conn.type)) +
                 " (a bypass or drop policy without IKE) is not supported by the reference engine");
  if (conn.aggressive) return error("aggressive=yes is IKEv1 only");

  ikev2::PeerConfig pc;
  pc.name = n;
  if (conn.left.address) pc.local_addr = *conn.left.address;
  if (conn.right.address) pc.remote_addr = *conn.right.address;
  pc.local_port = conn.left.ikeport;
  pc.remote_port = conn.right.ikeport;
  TRY_ASSIGN(pc.local.id, end_identity(n, conn.left, "left"));
  TRY_ASSIGN(pc.remote.id, end_identity(n, conn.right, "right"));
  TRY_ASSIGN(pc.local.auth, auth_class(n, conn.left.auth, "left"));
  TRY_ASSIGN(pc.remote.auth, auth_class(n, conn.right.auth, "right"));
  pc.local.send_cert = conn.left.sendcert != SendCert::kNever;
  pc.local.rfc7427 = host.settings.signature_authentication.value_or(true);
  pc.remote.rfc7427 = pc.local.rfc7427;

  if (pc.local.auth == ikev2::AuthClass::PubKey)
    TRY(load_local_credentials(host, conn, pc.local.cert, pc.local.key));
  if (pc.remote.auth == ikev2::AuthClass::PubKey) TRY(load_peer_cas(host, conn, pc.remote.cas));

  TRY_ASSIGN(pc.ike_proposals, build_proposals(v2::ProtocolId::IKE, conn.ike));
  pc.ike_lifetime = conn.ike_lifetime;
  pc.margintime = conn.margintime;
  pc.rekeyfuzz = conn.rekeyfuzz;
  pc.reauth = conn.reauth;
  pc.rekey = conn.rekey;
  pc.keyingtries = conn.keyingtries;
  // dpddelay only matters with a dpdaction (ipsec.conf: "dpdaction=none disables DPD").
  pc.dpd_action = to_engine(conn.dpd_action);
  pc.dpd_delay = conn.dpd_action == SaAction::kNone ? Duration::zero() : conn.dpd_delay;
  pc.dpd_timeout = conn.dpd_timeout;
  pc.fragmentation = to_engine(conn.fragmentation);
  pc.childless = to_engine(conn.childless);
  pc.force_encap = conn.force_encaps;

  ikev2::ChildConfig child;
  child.name = n;
  uint8_t protocol = 0;
  TRY_ASSIGN(child.local_ts, selectors(n, conn.left, "left", &protocol));
  TRY_ASSIGN(child.remote_ts, selectors(n, conn.right, "right", &protocol));
  child.ts_protocol = protocol;
  if (!conn.ah.empty()) {
    TRY_ASSIGN(child.esp_proposals, build_proposals(v2::ProtocolId::AH, conn.ah));
  } else {
    TRY_ASSIGN(child.esp_proposals, build_proposals(v2::ProtocolId::ESP, conn.esp));
  }
  child.mode = conn.type == ConnType::kTransport ? sa::Mode::Transport : sa::Mode::Tunnel;
  child.lifetime = conn.lifetime;
  child.margintime = conn.margintime;
  child.rekeyfuzz = conn.rekeyfuzz;
  child.life_bytes = conn.life_bytes;
  child.life_packets = conn.life_packets;
  child.rekey = conn.rekey;
  child.replay_window = conn.replay_window;
  child.close_action = to_engine(conn.close_action);
  switch (conn.auto_action) {
    case AutoAction::kStart: child.start_action = ikev2::StartAction::Start; break;
    case AutoAction::kRoute: child.start_action = ikev2::StartAction::Route; break;
    default: child.start_action = ikev2::StartAction::None; break;
  }
  if (conn.margin_bytes || conn.margin_packets)
    return error("marginbytes/marginpackets are not supported by the reference engine");
  pc.children.push_back(std::move(child));

  auto note = [&](bool cond, const std::string& what) {
    if (cond) notes.push_back("conn '" + n + "': " + what);
  };
  note(conn.mobike, "mobike=yes: MOBIKE (RFC 4555) is not implemented by the reference engine; "
                    "MOBIKE_SUPPORTED is not sent");
  note(conn.left.firewall, "leftfirewall=yes has no effect on the reference engine");
  note(!conn.install_policy, "installpolicy=no is not modelled: policies are installed");
  note(conn.reqid != 0, "reqid=" + std::to_string(conn.reqid) +
                            " is not modelled: reqids are allocated");
  note(conn.inactivity > Duration::zero(), "inactivity is not modelled by the reference engine");
  note(!conn.left.sourceip.empty() || !conn.right.sourceip.empty(),
       "virtual IPs (leftsourceip/rightsourceip) are not requested by the reference engine");
  return pc;
}

Result<std::vector<crypto::V1IkeTransform>> build_v1_ike_proposals(
    const std::vector<std::string>& configured) {
  std::vector<crypto::V1IkeTransform> out;
  bool strict = false;
  for (std::string text : configured) {
    if (!text.empty() && text.back() == '!') {
      strict = true;
      text.pop_back();
    }
    TRY_ASSIGN(auto list, crypto::parse_ikev1_ike_proposals(text));
    for (auto& t : list) out.push_back(t);
  }
  // As for IKEv2 (stroke's add_proposals()): defaults appended unless the list is strict.
  if (!strict || out.empty()) {
    TRY_ASSIGN(auto list, crypto::parse_ikev1_ike_proposals(kDefaultV1IkeProposal));
    for (auto& t : list)
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

Result<std::vector<crypto::V1EspTransform>> build_v1_esp_proposals(
    const std::vector<std::string>& configured) {
  std::vector<crypto::V1EspTransform> out;
  bool strict = false;
  for (std::string text : configured) {
    if (!text.empty() && text.back() == '!') {
      strict = true;
      text.pop_back();
    }
    TRY_ASSIGN(auto list, crypto::parse_ikev1_esp_proposals(text));
    for (auto& t : list) out.push_back(t);
  }
  if (!strict || out.empty()) {
    TRY_ASSIGN(auto list, crypto::parse_ikev1_esp_proposals(kDefaultV1EspProposal));
    for (auto& t : list)
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

ikev1::Settings build_v1_settings(const ikev2::Settings& v2) {
  // The same strongswan.conf charon section drives both engines.
  ikev1::Settings out;
  out.retransmit_timeout = v2.retransmit_timeout;
  out.retransmit_base = v2.retransmit_base;
  out.retransmit_tries = v2.retransmit_tries;
  out.retransmit_jitter = v2.retransmit_jitter;
  out.delete_rekeyed_delay = v2.delete_rekeyed_delay;
  out.half_open_timeout = v2.half_open_timeout;
  out.keep_alive = v2.keep_alive;
  return out;
}

Result<ikev1::PeerConfig> build_v1_peer_config(const Host& host, const Connection& conn,
                                               std::vector<std::string>& notes) {
  const std::string& n = conn.name;
  auto error = [&](const std::string& why) { return Error(ErrorCode::kConfig, "conn '" + n + "': " + why); };
  auto with_conn = [&](const Error& e) { return error(e.reason()); };
  if (conn.type == ConnType::kPassthrough || conn.type == ConnType::kDrop)
    return error("type=" + std::string(name(conn.type)) +
                 " (a bypass or drop policy without IKE) is not supported by the reference engine");
  if (!conn.ah.empty()) return error("ah= is not supported by the reference IKEv1 engine (ESP only)");

  ikev1::PeerConfig pc;
  pc.name = n;
  if (conn.left.address) pc.local_addr = *conn.left.address;
  if (conn.right.address) pc.remote_addr = *conn.right.address;
  pc.local_port = conn.left.ikeport;
  pc.remote_port = conn.right.ikeport;
  TRY_ASSIGN(pc.local.id, end_identity(n, conn.left, "left"));
  TRY_ASSIGN(pc.remote.id, end_identity(n, conn.right, "right"));
  TRY_ASSIGN(pc.local.auth, auth_class(n, conn.left.auth, "left"));
  TRY_ASSIGN(pc.remote.auth, auth_class(n, conn.right.auth, "right"));
  // RFC 2409 §5: one authentication method is negotiated for the whole phase 1.
  if (pc.local.auth != pc.remote.auth)
    return error("IKEv1 negotiates one authentication method for both ends: leftauth and "
                 "rightauth differ");
  if (pc.local.auth == ikev2::AuthClass::Null)
    return error("authby=null does not exist in IKEv1 (RFC 2409 §5 has no such method)");
  pc.local.send_cert = conn.left.sendcert != SendCert::kNever;
  if (pc.local.auth == ikev2::AuthClass::PubKey) {
    TRY(load_local_credentials(host, conn, pc.local.cert, pc.local.key));
    TRY(load_peer_cas(host, conn, pc.remote.cas));
  }
  pc.aggressive = conn.aggressive;
  auto ike = build_v1_ike_proposals(conn.ike);
  if (!ike.ok()) return with_conn(ike.error());
  pc.ike_proposals = std::move(*ike);
  pc.ike_lifetime = conn.ike_lifetime;
  pc.margintime = conn.margintime;
  pc.rekeyfuzz = conn.rekeyfuzz;
  pc.rekey = conn.rekey;
  pc.keyingtries = conn.keyingtries;
  pc.dpd_action = to_engine(conn.dpd_action);
  pc.dpd_delay = conn.dpd_action == SaAction::kNone ? Duration::zero() : conn.dpd_delay;
  pc.dpd_timeout = conn.dpd_timeout;
  pc.force_encap = conn.force_encaps;

  ikev1::ChildConfig child;
  child.name = n;
  uint8_t protocol = 0;
  TRY_ASSIGN(child.local_ts, selectors(n, conn.left, "left", &protocol));
  TRY_ASSIGN(child.remote_ts, selectors(n, conn.right, "right", &protocol));
  child.ts_protocol = protocol;
  auto esp = build_v1_esp_proposals(conn.esp);
  if (!esp.ok()) return with_conn(esp.error());
  child.esp_proposals = std::move(*esp);
  child.mode = conn.type == ConnType::kTransport ? sa::Mode::Transport : sa::Mode::Tunnel;
  child.lifetime = conn.lifetime;
  child.margintime = conn.margintime;
  child.rekeyfuzz = conn.rekeyfuzz;
  child.life_bytes = conn.life_bytes;
  child.life_packets = conn.life_packets;
  child.rekey = conn.rekey;
  child.replay_window = conn.replay_window;
  child.close_action = to_engine(conn.close_action);
  switch (conn.auto_action) {
    case AutoAction::kStart: child.start_action = ikev2::StartAction::Start; break;
    case AutoAction::kRoute:
      return error("auto=route is not supported by the reference IKEv1 engine");
    default: child.start_action = ikev2::StartAction::None; break;
  }
  if (conn.margin_bytes || conn.margin_packets)
    return error("marginbytes/marginpackets are not supported by the reference engine");
  pc.children.push_back(std::move(child));

  auto note = [&](bool cond, const std::string& what) {
    if (cond) notes.push_back("conn '" + n + "': " + what);
  };
  note(!conn.reauth, "reauth=no has no effect on IKEv1: ISAKMP SAs are renewed by a new phase 1");
  note(conn.left.firewall, "leftfirewall=yes has no effect on the reference engine");
  note(!conn.install_policy, "installpolicy=no is not modelled: policies are installed");
  note(conn.reqid != 0, "reqid=" + std::to_string(conn.reqid) +
                            " is not modelled: reqids are allocated");
  note(conn.inactivity > Duration::zero(), "inactivity is not modelled by the reference engine");
  note(!conn.left.sourceip.empty() || !conn.right.sourceip.empty(),
       "virtual IPs (Mode Config) are not requested by the reference IKEv1 engine");
  return pc;
}

Result<RefConfig> build_ref_config(const Host& host) {
  RefConfig out;
  out.settings = build_settings(host.settings, out.notes);
  out.v1_settings = build_v1_settings(out.settings);
  for (const auto& s : host.secrets) {
    if (s.type != SecretType::kPsk) continue;
    ikev2::SharedKey k;
    for (const auto& text : s.ids) {
      auto id = ikev2::Identity::parse(text);
      if (!id.ok())
        return Error(ErrorCode::kConfig, "secret at " + s.src.describe() + ": id '" + text +
                                             "': " + id.error().reason());
      k.ids.push_back(*id);
    }
    k.secret = s.secret;
    out.credentials.shared_keys.push_back(std::move(k));
  }
  for (const auto& conn : host.conns) {
    if (conn.auto_action == AutoAction::kIgnore) continue;
    // keyexchange=ike initiates IKEv2 (and a responder answers what comes): only ikev1
    // connections belong to the IKEv1 engine.
    if (conn.is_ikev1()) {
      TRY_ASSIGN(auto v1pc, build_v1_peer_config(host, conn, out.notes));
      out.v1_connections.push_back(std::move(v1pc));
      continue;
    }
    TRY_ASSIGN(auto pc, build_peer_config(host, conn, out.notes));
    out.connections.push_back(std::move(pc));
  }
  return out;
}

}  // namespace ikesuite::harness::run
