#include "harness/peers/libreswan/libreswan_config.h"

#include <cmath>
#include <optional>
#include <set>
#include <sstream>

#include "engine/base/bytes.h"
#include "engine/crypto/proposal.h"

namespace ikesuite::peers {

using harness::AuthMethod;
using harness::AutoAction;
using harness::Connection;
using harness::ConnType;
using harness::End;
using harness::Host;
using harness::IkeVersion;
using harness::SaAction;

namespace {

Error key_error(const Connection& conn, std::string_view key, const std::string& why) {
  std::string where;
  if (const auto* src = conn.key_source(key)) where = " (" + src->describe() + ")";
  return Error(ErrorCode::kUnsupported, "conn '" + conn.name + "': " + std::string(key) + where +
                                            ": " + why);
}

// pluto 4.10's keywords (its algparse/`ipsec pluto` algorithm table).
std::optional<std::string> encr_name(v2::EncrId id, std::optional<uint16_t> bits) {
  std::string base;
  switch (id) {
    case v2::EncrId::TripleDES: return "3des";
    case v2::EncrId::Null: return "null";
    case v2::EncrId::CHACHA20_POLY1305: return "chacha20_poly1305";
    case v2::EncrId::AES_CBC: base = "aes_cbc"; break;
    case v2::EncrId::AES_CTR: base = "aes_ctr"; break;
    case v2::EncrId::AES_GCM_8: base = "aes_gcm_a"; break;
    case v2::EncrId::AES_GCM_12: base = "aes_gcm_b"; break;
    case v2::EncrId::AES_GCM_16: base = "aes_gcm_c"; break;
    case v2::EncrId::AES_CCM_8: base = "aes_ccm_a"; break;
    case v2::EncrId::AES_CCM_12: base = "aes_ccm_b"; break;
    case v2::EncrId::AES_CCM_16: base = "aes_ccm_c"; break;
    case v2::EncrId::NULL_AUTH_AES_GMAC: base = "null_auth_aes_gmac"; break;
    case v2::EncrId::CAMELLIA_CBC: base = "camellia_cbc"; break;
    case v2::EncrId::CAMELLIA_CTR: base = "camellia_ctr"; break;
    default: return std::nullopt;
  }
  if (bits) base += "_" + std::to_string(*bits);
  return base;
}

// Integrity names that are not also PRF names, so pluto's parser reads them as integrity.
std::optional<std::string> integ_name(v2::IntegId id) {
  switch (id) {
    case v2::IntegId::None: return "none";
    case v2::IntegId::HMAC_MD5_96: return "hmac_md5_96";
    case v2::IntegId::HMAC_SHA1_96: return "sha1_96";
    case v2::IntegId::AES_XCBC_96: return "aes128_xcbc_96";
    case v2::IntegId::AES_CMAC_96: return "aes_cmac_96";
    case v2::IntegId::HMAC_SHA2_256_128: return "sha2_256_128";
    case v2::IntegId::HMAC_SHA2_384_192: return "sha2_384_192";
    case v2::IntegId::HMAC_SHA2_512_256: return "sha2_512_256";
    default: return std::nullopt;
  }
}

std::optional<std::string> prf_name(v2::PrfId id) {
  switch (id) {
    case v2::PrfId::HMAC_MD5: return "md5";
    case v2::PrfId::HMAC_SHA1: return "sha1";
    case v2::PrfId::AES128_XCBC: return "aes128_xcbc";
    case v2::PrfId::HMAC_SHA2_256: return "sha2_256";
    case v2::PrfId::HMAC_SHA2_384: return "sha2_384";
    case v2::PrfId::HMAC_SHA2_512: return "sha2_512";
    default: return std::nullopt;
  }
}

std::optional<std::string> dh_name(v2::DhGroup g) {
  switch (g) {
    case v2::DhGroup::None: return "none";
    case v2::DhGroup::MODP_1536: return "modp1536";
    case v2::DhGroup::MODP_2048: return "modp2048";
    case v2::DhGroup::MODP_3072: return "modp3072";
    case v2::DhGroup::MODP_4096: return "modp4096";
    case v2::DhGroup::MODP_6144: return "modp6144";
    case v2::DhGroup::MODP_8192: return "modp8192";
    case v2::DhGroup::ECP_256: return "dh19";
    case v2::DhGroup::ECP_384: return "dh20";
    case v2::DhGroup::ECP_521: return "dh21";
    case v2::DhGroup::CURVE25519: return "dh31";
    default: return std::nullopt;
  }
}

std::string strip_strict(std::string p) {
  while (!p.empty() && (p.back() == '!' || p.back() == ' ')) p.pop_back();
  return p;
}

Error algorithm_error(const std::string& context, const std::string& proposal, const std::string& what,
                      uint16_t id) {
  return Error(ErrorCode::kUnsupported, context + ": proposal '" + proposal + "': " + what + " " +
                                            std::to_string(id) + " is not offered by pluto 4.10");
}

// One IKEv2 proposal in pluto's syntax.
Result<std::string> v2_proposal(const v2::Proposal& p, bool esp, const std::string& context,
                                const std::string& text) {
  std::vector<std::string> encr, integ, prf, dh;
  for (const auto& t : p.transforms) {
    switch (t.type) {
      case v2::TransformType::ENCR: {
        auto n = encr_name(static_cast<v2::EncrId>(t.id), t.key_length());
        if (!n) return algorithm_error(context, text, "encryption algorithm", t.id);
        encr.push_back(*n);
        break;
      }
      case v2::TransformType::INTEG: {
        auto n = integ_name(static_cast<v2::IntegId>(t.id));
        if (!n) return algorithm_error(context, text, "integrity algorithm", t.id);
        integ.push_back(*n);
        break;
      }
      case v2::TransformType::PRF: {
        auto n = prf_name(static_cast<v2::PrfId>(t.id));
        if (!n) return algorithm_error(context, text, "PRF", t.id);
        prf.push_back(*n);
        break;
      }
      case v2::TransformType::DH: {
        auto n = dh_name(static_cast<v2::DhGroup>(t.id));
        if (!n) return algorithm_error(context, text, "key exchange method", t.id);
        dh.push_back(*n);
        break;
      }
      case v2::TransformType::ESN: break;  // esn= is a connection option in pluto
      default:
        return Error(ErrorCode::kUnsupported, context + ": proposal '" + text +
                                                  "': additional key exchanges (RFC 9370) are not offered by pluto 4.10");
    }
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : "+") + s;
    return out;
  };
  std::string out = join(encr);
  if (!integ.empty()) out += "-" + join(integ);
  if (!esp) {
    if (prf.empty())
      return Error(ErrorCode::kConfig, context + ": proposal '" + text + "' has no PRF");
    out += "-" + join(prf);
  }
  if (!dh.empty()) out += ";" + join(dh);
  return out;
}

std::optional<std::string> v1_hash_name(v1::OakleyHash h) {
  switch (h) {
    case v1::OakleyHash::MD5: return "md5";
    case v1::OakleyHash::SHA: return "sha1";
    case v1::OakleyHash::SHA2_256: return "sha2_256";
    case v1::OakleyHash::SHA2_384: return "sha2_384";
    case v1::OakleyHash::SHA2_512: return "sha2_512";
    default: return std::nullopt;
  }
}

std::optional<v2::EncrId> v1_encr(v1::OakleyEncryption e) {
  switch (e) {
    case v1::OakleyEncryption::TripleDES_CBC: return v2::EncrId::TripleDES;
    case v1::OakleyEncryption::AES_CBC: return v2::EncrId::AES_CBC;
    case v1::OakleyEncryption::CAMELLIA_CBC: return v2::EncrId::CAMELLIA_CBC;
    default: return std::nullopt;
  }
}

std::optional<v2::IntegId> v1_auth(v1::IpsecAuthAlgorithm a) {
  switch (a) {
    case v1::IpsecAuthAlgorithm::HMAC_MD5: return v2::IntegId::HMAC_MD5_96;
    case v1::IpsecAuthAlgorithm::HMAC_SHA: return v2::IntegId::HMAC_SHA1_96;
    case v1::IpsecAuthAlgorithm::HMAC_SHA2_256: return v2::IntegId::HMAC_SHA2_256_128;
    case v1::IpsecAuthAlgorithm::HMAC_SHA2_384: return v2::IntegId::HMAC_SHA2_384_192;
    case v1::IpsecAuthAlgorithm::HMAC_SHA2_512: return v2::IntegId::HMAC_SHA2_512_256;
    case v1::IpsecAuthAlgorithm::AES_XCBC_MAC: return v2::IntegId::AES_XCBC_96;
    default: return std::nullopt;
  }
}

std::string seconds_text(Duration d) {
  return std::to_string(static_cast<long long>(std::llround(to_seconds(d)))) + "s";
}

Result<std::string> end_subnet(const Connection& conn, const End& end, const char* key) {
  if (end.subnets.empty()) return std::string();
  if (end.subnets.size() > 1)
    return key_error(conn, key, "pluto takes one subnet per end of a conn (" +
                                    std::to_string(end.subnets.size()) + " given)");
  const auto& ts = end.subnets.front();
  if (ts.protocol != 0 || ts.port_from != 0 || ts.port_to != 0xffff)
    return key_error(conn, key, "protocol/port selectors inside a subnet ('" + ts.text +
                                    "') are written with leftprotoport/rightprotoport for pluto");
  return ts.subnet.to_string();
}

std::string protoport(const End& end) {
  if (!end.protoport_protocol) return {};
  std::string out = std::to_string(*end.protoport_protocol) + "/";
  if (!end.protoport_ports || (end.protoport_ports->first == 0 && end.protoport_ports->second == 0xffff))
    return out + "%any";
  if (end.protoport_ports->first == end.protoport_ports->second)
    return out + std::to_string(end.protoport_ports->first);
  return out + std::to_string(end.protoport_ports->first) + "-" +
         std::to_string(end.protoport_ports->second);
}

std::string address_text(const End& end) {
  if (end.address) return end.address->to_string();
  return "%any";
}

}  // namespace

std::string pluto_id(std::string_view id) {
  std::string s(id);
  if (s.empty() || s == "%any") return s;
  if (s[0] == '@' || s[0] == '"' || s[0] == '%') return s;
  if (IpAddress::parse(s)) return s;
  if (s.find('=') != std::string::npos) return "\"" + s + "\"";  // a DN
  return "@" + s;
}

Result<std::string> pluto_ike_proposals(const std::vector<std::string>& proposals, bool ikev1,
                                        const std::string& context) {
  std::vector<std::string> out;
  for (const auto& raw : proposals) {
    std::string text = strip_strict(raw);
    if (ikev1) {
      auto ts = crypto::parse_ikev1_ike_proposals(text);
      if (!ts.ok()) return Error(ErrorCode::kConfig, context + ": " + ts.error().message());
      for (const auto& t : *ts) {
        auto e = v1_encr(t.encryption);
        auto h = v1_hash_name(t.hash);
        auto g = dh_name(t.group);
        if (!e) return algorithm_error(context, text, "IKEv1 encryption algorithm", static_cast<uint16_t>(t.encryption));
        if (!h) return algorithm_error(context, text, "IKEv1 hash", static_cast<uint16_t>(t.hash));
        if (!g || t.group == v2::DhGroup::None)
          return algorithm_error(context, text, "IKEv1 group", static_cast<uint16_t>(t.group));
        auto en = encr_name(*e, t.key_length ? std::optional<uint16_t>(t.key_length) : std::nullopt);
        out.push_back(*en + "-" + *h + ";" + *g);
      }
    } else {
      auto ps = crypto::parse_proposals(v2::ProtocolId::IKE, text);
      if (!ps.ok()) return Error(ErrorCode::kConfig, context + ": " + ps.error().message());
      for (const auto& p : *ps) {
        TRY_ASSIGN(std::string s, v2_proposal(p, false, context, text));
        out.push_back(s);
      }
    }
  }
  std::string joined;
  for (const auto& s : out) joined += (joined.empty() ? "" : ",") + s;
  return joined;
}

Result<std::string> pluto_esp_proposals(const std::vector<std::string>& proposals, bool ikev1,
                                        const std::string& context) {
  std::vector<std::string> out;
  for (const auto& raw : proposals) {
    std::string text = strip_strict(raw);
    if (ikev1) {
      auto ts = crypto::parse_ikev1_esp_proposals(text);
      if (!ts.ok()) return Error(ErrorCode::kConfig, context + ": " + ts.error().message());
      for (const auto& t : *ts) {
        // RFC 2407 §4.4.4: the ESP transform IDs share IKEv2's ENCR numbering.
        auto e = encr_name(static_cast<v2::EncrId>(t.transform),
                           t.key_length ? std::optional<uint16_t>(t.key_length) : std::nullopt);
        if (!e) return algorithm_error(context, text, "ESP transform", static_cast<uint16_t>(t.transform));
        std::string s = *e;
        if (t.auth) {
          auto a = v1_auth(*t.auth);
          if (!a) return algorithm_error(context, text, "authentication algorithm", static_cast<uint16_t>(*t.auth));
          s += "-" + *integ_name(*a);
        }
        if (t.pfs_group != v2::DhGroup::None) {
          auto g = dh_name(t.pfs_group);
          if (!g) return algorithm_error(context, text, "PFS group", static_cast<uint16_t>(t.pfs_group));
          s += ";" + *g;
        }
        out.push_back(s);
      }
    } else {
      auto ps = crypto::parse_proposals(v2::ProtocolId::ESP, text);
      if (!ps.ok()) return Error(ErrorCode::kConfig, context + ": " + ps.error().message());
      for (const auto& p : *ps) {
        TRY_ASSIGN(std::string s, v2_proposal(p, true, context, text));
        out.push_back(s);
      }
    }
  }
  std::string joined;
  for (const auto& s : out) joined += (joined.empty() ? "" : ",") + s;
  return joined;
}

bool esp_wants_pfs(const std::vector<std::string>& proposals, bool ikev1) {
  for (const auto& raw : proposals) {
    std::string text = strip_strict(raw);
    if (ikev1) {
      auto ts = crypto::parse_ikev1_esp_proposals(text);
      if (!ts.ok()) continue;
      for (const auto& t : *ts)
        if (t.pfs_group != v2::DhGroup::None) return true;
    } else {
      auto ps = crypto::parse_proposals(v2::ProtocolId::ESP, text);
      if (!ps.ok()) continue;
      for (const auto& p : *ps)
        for (const auto& t : p.transforms)
          if (t.type == v2::TransformType::DH && t.id != 0) return true;
    }
  }
  return false;
}

namespace {

// ESN choice from the ESP proposals: pluto's esn= is per connection.
std::string esn_option(const std::vector<std::string>& proposals) {
  bool esn = false, no_esn = false;
  for (const auto& raw : proposals) {
    auto ps = crypto::parse_proposals(v2::ProtocolId::ESP, strip_strict(raw));
    if (!ps.ok()) continue;
    for (const auto& p : *ps) {
      bool any = false;
      for (const auto& t : p.transforms) {
        if (t.type != v2::TransformType::ESN) continue;
        any = true;
        (t.id == static_cast<uint16_t>(v2::EsnId::Esn) ? esn : no_esn) = true;
      }
      if (!any) no_esn = true;
    }
  }
  if (esn && no_esn) return "either";
  return esn ? "yes" : "no";
}

Result<std::string> authby(const Connection& conn) {
  AuthMethod l = conn.left.auth.value_or(AuthMethod::kPubkey);
  AuthMethod r = conn.right.auth.value_or(l);
  if (l != r)
    return key_error(conn, conn.key_source("leftauth") ? "leftauth" : "rightauth",
                     "pluto 4.10 authenticates both ends with one authby= method");
  const char* key = conn.key_source("authby") ? "authby" : "leftauth";
  switch (l) {
    case AuthMethod::kPsk: return std::string("secret");
    case AuthMethod::kNull: return std::string("null");
    case AuthMethod::kNever: return std::string("never");
    case AuthMethod::kPubkey:
    case AuthMethod::kRsa:
    case AuthMethod::kEcdsa:
      return key_error(conn, key,
                       "public-key authentication needs the certificates and keys imported into "
                       "pluto's NSS database, which this driver does not do yet");
  }
  return key_error(conn, key, "unknown authentication method");
}

}  // namespace

Result<std::string> render_conn(const Connection& conn) {
  // strongSwan ipsec.conf keys pluto has no counterpart for (or means differently).
  struct Refused {
    const char* key;
    const char* why;
  };
  static constexpr Refused kRefused[] = {
      {"leftcert", "certificates live in pluto's NSS database (not imported by this driver)"},
      {"rightcert", "certificates live in pluto's NSS database (not imported by this driver)"},
      {"leftca", "CA constraints need the CA in pluto's NSS database"},
      {"rightca", "CA constraints need the CA in pluto's NSS database"},
      {"leftsendcert", "certificates are not supported by this driver"},
      {"rightsendcert", "certificates are not supported by this driver"},
      {"leftsourceip", "virtual IPs (modecfg) are not rendered for pluto"},
      {"rightsourceip", "virtual IPs (modecfg) are not rendered for pluto"},
      {"leftfirewall", "pluto has no firewall updown option"},
      {"rightfirewall", "pluto has no firewall updown option"},
      {"lifebytes", "volume lifetimes are not rendered for pluto"},
      {"lifepackets", "volume lifetimes are not rendered for pluto"},
      {"marginbytes", "pluto has no volume margin"},
      {"marginpackets", "pluto has no volume margin"},
      {"closeaction", "pluto 4.10 has no closeaction"},
      {"inactivity", "pluto 4.10 has no inactivity timeout"},
      {"reauth", "pluto 4.10 always rekeys IKE SAs with CREATE_CHILD_SA"},
      {"ah", "AH connections are not rendered for pluto (phase2=ah)"},
      {"installpolicy", "pluto always installs policies"},
      {"impair", "scenario impairments apply to reference hosts only"},
  };
  for (const auto& r : kRefused)
    if (conn.key_source(r.key)) return key_error(conn, r.key, r.why);

  std::ostringstream o;
  o << "conn " << conn.name << "\n";
  const bool v1 = conn.version == IkeVersion::kV1;
  o << "\tikev2=" << (v1 ? "no" : "insist") << "\n";
  TRY_ASSIGN(std::string auth, authby(conn));
  o << "\tauthby=" << auth << "\n";
  switch (conn.type) {
    case ConnType::kTunnel: o << "\ttype=tunnel\n"; break;
    case ConnType::kTransport: o << "\ttype=transport\n"; break;
    case ConnType::kPassthrough: o << "\ttype=passthrough\n"; break;
    case ConnType::kDrop: o << "\ttype=drop\n"; break;
  }
  o << "\tleft=" << address_text(conn.left) << "\n";
  o << "\tright=" << address_text(conn.right) << "\n";
  if (!conn.left.id.empty()) o << "\tleftid=" << pluto_id(conn.left.id) << "\n";
  if (!conn.right.id.empty()) o << "\trightid=" << pluto_id(conn.right.id) << "\n";
  TRY_ASSIGN(std::string ls, end_subnet(conn, conn.left, "leftsubnet"));
  TRY_ASSIGN(std::string rs, end_subnet(conn, conn.right, "rightsubnet"));
  if (!ls.empty()) o << "\tleftsubnet=" << ls << "\n";
  if (!rs.empty()) o << "\trightsubnet=" << rs << "\n";
  if (auto p = protoport(conn.left); !p.empty()) o << "\tleftprotoport=" << p << "\n";
  if (auto p = protoport(conn.right); !p.empty()) o << "\trightprotoport=" << p << "\n";
  if (conn.left.ikeport != 500) o << "\tleftikeport=" << conn.left.ikeport << "\n";
  if (conn.right.ikeport != 500) o << "\trightikeport=" << conn.right.ikeport << "\n";
  // pluto's default updown runs `ipsec _updown`, which on a strongSwan host is strongSwan's.
  o << "\tleftupdown=" << (conn.left.updown.empty() ? "/bin/true" : conn.left.updown) << "\n";

  if (!conn.ike.empty()) {
    TRY_ASSIGN(std::string ike, pluto_ike_proposals(conn.ike, v1, "conn '" + conn.name + "': ike"));
    o << "\tike=" << ike << "\n";
  }
  if (!conn.esp.empty()) {
    TRY_ASSIGN(std::string esp, pluto_esp_proposals(conn.esp, v1, "conn '" + conn.name + "': esp"));
    o << "\tesp=" << esp << "\n";
    o << "\tpfs=" << (esp_wants_pfs(conn.esp, v1) ? "yes" : "no") << "\n";
    if (!v1) o << "\tesn=" << esn_option(conn.esp) << "\n";
  } else {
    // strongSwan's default ESP proposals carry no DH group: no PFS. pluto's default is yes,
    // and IKEv1 Quick Mode then demands a group.
    o << "\tpfs=no\n";
  }
  o << "\tikelifetime=" << seconds_text(conn.ike_lifetime) << "\n";
  o << "\tsalifetime=" << seconds_text(conn.lifetime) << "\n";
  o << "\trekeymargin=" << seconds_text(conn.margintime) << "\n";
  o << "\trekeyfuzz=" << static_cast<long long>(std::llround(conn.rekeyfuzz * 100)) << "%\n";
  o << "\trekey=" << (conn.rekey ? "yes" : "no") << "\n";
  o << "\tkeyingtries=" << (conn.keyingtries == 0 ? std::string("%forever") : std::to_string(conn.keyingtries))
    << "\n";
  if (conn.dpd_action != SaAction::kNone) {
    o << "\tdpddelay=" << seconds_text(conn.dpd_delay) << "\n";
    o << "\tdpdtimeout=" << seconds_text(conn.dpd_timeout) << "\n";
    switch (conn.dpd_action) {
      case SaAction::kClear: o << "\tdpdaction=clear\n"; break;
      case SaAction::kHold: o << "\tdpdaction=hold\n"; break;
      case SaAction::kRestart: o << "\tdpdaction=restart\n"; break;
      case SaAction::kNone: break;
    }
  }  // without an action strongSwan sends no liveness checks, nor does pluto
  if (v1) {
    if (conn.aggressive) o << "\taggressive=yes\n";
  } else {
    o << "\tmobike=" << (conn.mobike ? "yes" : "no") << "\n";
  }
  switch (conn.fragmentation) {
    case harness::Fragmentation::kNo: o << "\tfragmentation=no\n"; break;
    case harness::Fragmentation::kYes:
    case harness::Fragmentation::kAccept: o << "\tfragmentation=yes\n"; break;
    case harness::Fragmentation::kForce: o << "\tfragmentation=force\n"; break;
  }
  if (conn.force_encaps) o << "\tencapsulation=yes\n";
  o << "\treplay-window=" << conn.replay_window << "\n";
  if (conn.reqid != 0) o << "\treqid=" << conn.reqid << "\n";
  if (conn.childless == harness::Childless::kNever && conn.key_source("childless"))
    return key_error(conn, "childless", "pluto 4.10 always accepts childless IKE SAs (RFC 6023)");
  switch (conn.auto_action) {
    case AutoAction::kRoute: o << "\tauto=route\n"; break;
    default: o << "\tauto=add\n"; break;  // start: initiated by the driver after --listen
  }
  return o.str();
}

Result<LibreswanConfig> render_libreswan_config(const Host& host) {
  LibreswanConfig out;
  std::ostringstream conf;
  conf << "# ipsec.conf for scenario host '" << host.name << "' (Libreswan 4.x)\n";
  conf << "config setup\n";
  // Libreswan 4.10 refuses IKEv1 unless told otherwise.
  conf << "\tikev1-policy=accept\n";
  conf << "\tuniqueids=yes\n\n";
  for (const auto& c : host.conns) {
    if (c.auto_action == AutoAction::kIgnore) continue;
    TRY_ASSIGN(std::string section, render_conn(c));
    conf << section << "\n";
  }
  out.ipsec_conf = conf.str();

  std::ostringstream sec;
  for (const auto& s : host.secrets) {
    if (s.type != harness::SecretType::kPsk) {
      return Error(ErrorCode::kUnsupported,
                   "host '" + host.name + "': secret at " + s.src.describe() + ": " +
                       std::string(harness::name(s.type)) +
                       " private keys live in pluto's NSS database (not imported by this driver)");
    }
    if (s.ids.empty()) {
      sec << "%any %any";
    } else {
      for (size_t i = 0; i < s.ids.size(); ++i) sec << (i ? " " : "") << pluto_id(s.ids[i]);
      // One identity: the secret serves it with any peer, as in strongSwan.
      if (s.ids.size() == 1) sec << " %any";
    }
    sec << " : PSK 0x" << to_hex(s.secret) << "\n";
  }
  out.ipsec_secrets = sec.str();
  return out;
}

}  // namespace ikesuite::peers
