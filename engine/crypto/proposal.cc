#include "engine/crypto/proposal.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "engine/crypto/algorithms.h"

namespace ikesuite::crypto {

namespace {

using v2::TransformType;

struct Algo {
  TransformType type;
  uint16_t id;
  uint16_t bits;  // KEY_LENGTH attribute, 0 = none
  bool operator==(const Algo&) const = default;
};

struct FixedKeyword {
  std::string_view name;
  TransformType type;
  uint16_t id;
  uint16_t bits;
};

template <typename E>
constexpr uint16_t u(E e) {
  return static_cast<uint16_t>(e);
}

// strongSwan's keywords for IANA-registered algorithms (proposal_keywords_static.txt), except
// the AES and Camellia families, which parse_family() reads.
constexpr FixedKeyword kFixed[] = {
    {"null", TransformType::ENCR, u(v2::EncrId::Null), 0},
    {"des", TransformType::ENCR, u(v2::EncrId::DES), 0},
    {"3des", TransformType::ENCR, u(v2::EncrId::TripleDES), 0},
    {"cast128", TransformType::ENCR, u(v2::EncrId::CAST), 128},
    {"blowfish", TransformType::ENCR, u(v2::EncrId::BLOWFISH), 128},
    {"blowfish128", TransformType::ENCR, u(v2::EncrId::BLOWFISH), 128},
    {"blowfish192", TransformType::ENCR, u(v2::EncrId::BLOWFISH), 192},
    {"blowfish256", TransformType::ENCR, u(v2::EncrId::BLOWFISH), 256},
    {"chacha20poly1305", TransformType::ENCR, u(v2::EncrId::CHACHA20_POLY1305), 0},
    {"chacha20poly1305compat", TransformType::ENCR, u(v2::EncrId::CHACHA20_POLY1305), 256},
    {"sha", TransformType::INTEG, u(v2::IntegId::HMAC_SHA1_96), 0},
    {"sha1", TransformType::INTEG, u(v2::IntegId::HMAC_SHA1_96), 0},
    {"sha1_160", TransformType::INTEG, u(v2::IntegId::HMAC_SHA1_160), 0},
    {"sha256", TransformType::INTEG, u(v2::IntegId::HMAC_SHA2_256_128), 0},
    {"sha2_256", TransformType::INTEG, u(v2::IntegId::HMAC_SHA2_256_128), 0},
    {"sha384", TransformType::INTEG, u(v2::IntegId::HMAC_SHA2_384_192), 0},
    {"sha2_384", TransformType::INTEG, u(v2::IntegId::HMAC_SHA2_384_192), 0},
    {"sha512", TransformType::INTEG, u(v2::IntegId::HMAC_SHA2_512_256), 0},
    {"sha2_512", TransformType::INTEG, u(v2::IntegId::HMAC_SHA2_512_256), 0},
    {"md5", TransformType::INTEG, u(v2::IntegId::HMAC_MD5_96), 0},
    {"md5_128", TransformType::INTEG, u(v2::IntegId::HMAC_MD5_128), 0},
    {"aesxcbc", TransformType::INTEG, u(v2::IntegId::AES_XCBC_96), 0},
    {"aescmac", TransformType::INTEG, u(v2::IntegId::AES_CMAC_96), 0},
    {"prfsha1", TransformType::PRF, u(v2::PrfId::HMAC_SHA1), 0},
    {"prfsha256", TransformType::PRF, u(v2::PrfId::HMAC_SHA2_256), 0},
    {"prfsha384", TransformType::PRF, u(v2::PrfId::HMAC_SHA2_384), 0},
    {"prfsha512", TransformType::PRF, u(v2::PrfId::HMAC_SHA2_512), 0},
    {"prfmd5", TransformType::PRF, u(v2::PrfId::HMAC_MD5), 0},
    {"prfaesxcbc", TransformType::PRF, u(v2::PrfId::AES128_XCBC), 0},
    {"prfaescmac", TransformType::PRF, u(v2::PrfId::AES128_CMAC), 0},
    {"none", TransformType::DH, u(v2::DhGroup::None), 0},
    {"modpnone", TransformType::DH, u(v2::DhGroup::None), 0},
    {"modp768", TransformType::DH, u(v2::DhGroup::MODP_768), 0},
    {"modp1024", TransformType::DH, u(v2::DhGroup::MODP_1024), 0},
    {"modp1536", TransformType::DH, u(v2::DhGroup::MODP_1536), 0},
    {"modp2048", TransformType::DH, u(v2::DhGroup::MODP_2048), 0},
    {"modp3072", TransformType::DH, u(v2::DhGroup::MODP_3072), 0},
    {"modp4096", TransformType::DH, u(v2::DhGroup::MODP_4096), 0},
    {"modp6144", TransformType::DH, u(v2::DhGroup::MODP_6144), 0},
    {"modp8192", TransformType::DH, u(v2::DhGroup::MODP_8192), 0},
    {"ecp192", TransformType::DH, u(v2::DhGroup::ECP_192), 0},
    {"ecp224", TransformType::DH, u(v2::DhGroup::ECP_224), 0},
    {"ecp256", TransformType::DH, u(v2::DhGroup::ECP_256), 0},
    {"ecp384", TransformType::DH, u(v2::DhGroup::ECP_384), 0},
    {"ecp521", TransformType::DH, u(v2::DhGroup::ECP_521), 0},
    {"modp1024s160", TransformType::DH, u(v2::DhGroup::MODP_1024_160), 0},
    {"modp2048s224", TransformType::DH, u(v2::DhGroup::MODP_2048_224), 0},
    {"modp2048s256", TransformType::DH, u(v2::DhGroup::MODP_2048_256), 0},
    {"ecp224bp", TransformType::DH, u(v2::DhGroup::BRAINPOOL_224), 0},
    {"ecp256bp", TransformType::DH, u(v2::DhGroup::BRAINPOOL_256), 0},
    {"ecp384bp", TransformType::DH, u(v2::DhGroup::BRAINPOOL_384), 0},
    {"ecp512bp", TransformType::DH, u(v2::DhGroup::BRAINPOOL_512), 0},
    {"curve25519", TransformType::DH, u(v2::DhGroup::CURVE25519), 0},
    {"x25519", TransformType::DH, u(v2::DhGroup::CURVE25519), 0},
    {"curve448", TransformType::DH, u(v2::DhGroup::CURVE448), 0},
    {"x448", TransformType::DH, u(v2::DhGroup::CURVE448), 0},
    {"noesn", TransformType::ESN, u(v2::EsnId::NoEsn), 0},
    {"esn", TransformType::ESN, u(v2::EsnId::Esn), 0},
};

// strongSwan keywords for algorithms in its private-use ranges (or not registered for IKE).
constexpr std::string_view kPrivateUse[] = {
    "serpent",    "serpent128", "serpent192", "serpent256",  "twofish",      "twofish128",
    "twofish192", "twofish256", "sha256_96",  "sha2_256_96", "camelliaxcbc", "prfcamelliaxcbc",
    "modpnull",   "ntru112",    "ntru128",    "ntru192",     "ntru256",      "newhope128"};

// aes|camellia [128|192|256] [ctr | ccm{8,64,12,96,16,128,} | gcm{...} | gmac]
std::optional<Algo> parse_family(std::string_view kw) {
  bool aes = kw.substr(0, 3) == "aes";
  bool camellia = kw.substr(0, 8) == "camellia";
  if (!aes && !camellia) return std::nullopt;
  std::string_view rest = kw.substr(aes ? 3 : 8);
  uint16_t bits = 0;
  for (uint16_t b : {128, 192, 256}) {
    const std::string digits = std::to_string(b);
    if (rest.substr(0, 3) == digits) {
      bits = b;
      rest = rest.substr(3);
      break;
    }
  }
  if (rest.empty()) {  // "aes" and "camellia" alone mean 128-bit CBC
    if (bits == 0) bits = 128;
    return Algo{TransformType::ENCR, u(aes ? v2::EncrId::AES_CBC : v2::EncrId::CAMELLIA_CBC), bits};
  }
  if (bits == 0) return std::nullopt;
  if (rest == "ctr")
    return Algo{TransformType::ENCR, u(aes ? v2::EncrId::AES_CTR : v2::EncrId::CAMELLIA_CTR), bits};
  if (aes && rest == "gmac")
    return Algo{TransformType::ENCR, u(v2::EncrId::NULL_AUTH_AES_GMAC), bits};
  const bool ccm = rest.substr(0, 3) == "ccm";
  const bool gcm = aes && rest.substr(0, 3) == "gcm";
  if (!ccm && !gcm) return std::nullopt;
  std::string_view icv = rest.substr(3);
  int bytes = 0;
  if (icv == "8" || icv == "64")
    bytes = 8;
  else if (icv == "12" || icv == "96")
    bytes = 12;
  else if (icv == "16" || icv == "128" || (icv.empty() && aes))
    bytes = 16;
  else
    return std::nullopt;
  v2::EncrId id;
  if (gcm)
    id = bytes == 8    ? v2::EncrId::AES_GCM_8
         : bytes == 12 ? v2::EncrId::AES_GCM_12
                       : v2::EncrId::AES_GCM_16;
  else if (aes)
    id = bytes == 8    ? v2::EncrId::AES_CCM_8
         : bytes == 12 ? v2::EncrId::AES_CCM_12
                       : v2::EncrId::AES_CCM_16;
  else
    id = bytes == 8    ? v2::EncrId::CAMELLIA_CCM_8
         : bytes == 12 ? v2::EncrId::CAMELLIA_CCM_12
                       : v2::EncrId::CAMELLIA_CCM_16;
  return Algo{TransformType::ENCR, u(id), bits};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<Algo> keyword(std::string_view text, std::string_view proposal) {
  const std::string kw = lower(text);
  for (const auto& f : kFixed)
    if (f.name == kw) return Algo{f.type, f.id, f.bits};
  if (auto a = parse_family(kw)) return *a;
  const std::string where = " in proposal '" + std::string(proposal) + "'";
  for (auto p : kPrivateUse)
    if (p == kw)
      return Error(ErrorCode::kConfig, "algorithm '" + std::string(text) +
                                           "' is a strongSwan private-use algorithm, not an "
                                           "IANA-registered one" +
                                           where);
  return Error(ErrorCode::kConfig, "algorithm '" + std::string(text) + "' not recognized" + where);
}

std::string_view protocol_label(v2::ProtocolId p) {
  switch (p) {
    case v2::ProtocolId::IKE:
      return "IKE";
    case v2::ProtocolId::AH:
      return "AH";
    case v2::ProtocolId::ESP:
      return "ESP";
    default:
      return "PROTO_NONE";
  }
}

// The integrity -> PRF pairs strongSwan uses to complete IKE proposals without a PRF.
std::optional<v2::PrfId> prf_for_integ(v2::IntegId i) {
  switch (i) {
    case v2::IntegId::HMAC_SHA1_96:
    case v2::IntegId::HMAC_SHA1_160:
      return v2::PrfId::HMAC_SHA1;
    case v2::IntegId::HMAC_SHA2_256_128:
      return v2::PrfId::HMAC_SHA2_256;
    case v2::IntegId::HMAC_SHA2_384_192:
      return v2::PrfId::HMAC_SHA2_384;
    case v2::IntegId::HMAC_SHA2_512_256:
      return v2::PrfId::HMAC_SHA2_512;
    case v2::IntegId::HMAC_MD5_96:
    case v2::IntegId::HMAC_MD5_128:
      return v2::PrfId::HMAC_MD5;
    case v2::IntegId::AES_XCBC_96:
      return v2::PrfId::AES128_XCBC;
    case v2::IntegId::AES_CMAC_96:
      return v2::PrfId::AES128_CMAC;
    default:
      return std::nullopt;
  }
}

struct Parsed {
  std::vector<Algo> encr, integ, prf, dh, esn;
};

void add(std::vector<Algo>& list, const Algo& a) {
  if (std::find(list.begin(), list.end(), a) == list.end()) list.push_back(a);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(start, end - start);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())))
      part.remove_prefix(1);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back())))
      part.remove_suffix(1);
    out.push_back(part);
    start = end + 1;
  }
  return out;
}

// The keywords of one proposal, then strongSwan's check_proposal() rules for `protocol`.
Result<Parsed> parse_one(v2::ProtocolId protocol, std::string_view text) {
  Parsed p;
  if (text.empty()) return Error(ErrorCode::kConfig, "empty proposal");
  for (std::string_view tok : split(text, '-')) {
    if (tok.empty())
      return Error(ErrorCode::kConfig, "empty algorithm in proposal '" + std::string(text) + "'");
    TRY_ASSIGN(Algo a, keyword(tok, text));
    switch (a.type) {
      case TransformType::ENCR:
        add(p.encr, a);
        break;
      case TransformType::INTEG:
        add(p.integ, a);
        break;
      case TransformType::PRF:
        add(p.prf, a);
        break;
      case TransformType::DH:
        add(p.dh, a);
        break;
      default:
        add(p.esn, a);
        break;
    }
  }
  const std::string where = " ('" + std::string(text) + "')";
  const std::string proto(protocol_label(protocol));
  if (protocol == v2::ProtocolId::IKE) {
    if (p.prf.empty())
      for (const Algo& i : p.integ)
        if (auto prf = prf_for_integ(static_cast<v2::IntegId>(i.id)))
          add(p.prf, Algo{TransformType::PRF, u(*prf), 0});
    if (p.prf.empty())
      return Error(ErrorCode::kConfig, "a PRF algorithm is mandatory in IKE proposals" + where +
                                           " (AEAD ciphers imply none: add e.g. prfsha256)");
    std::erase_if(p.dh, [](const Algo& a) { return a.id == 0; });
    if (p.dh.empty())
      return Error(ErrorCode::kConfig, "a DH group is mandatory in IKE proposals" + where);
    if (!p.esn.empty()) return Error(ErrorCode::kConfig, "ESN is not an IKE transform" + where);
  } else {
    p.prf.clear();
  }
  if (protocol == v2::ProtocolId::IKE || protocol == v2::ProtocolId::ESP) {
    bool any_aead = false, all_aead = true;
    for (const Algo& e : p.encr) {
      if (is_aead(static_cast<v2::EncrId>(e.id)))
        any_aead = true;
      else
        all_aead = false;
    }
    if (p.encr.empty())
      return Error(ErrorCode::kConfig,
                   "an encryption algorithm is mandatory in " + proto + " proposals" + where);
    if (any_aead && !all_aead)
      return Error(ErrorCode::kConfig,
                   "classic and combined-mode (AEAD) encryption algorithms can't be "
                   "contained in the same " +
                       proto + " proposal" + where);
    if (all_aead) {
      p.integ.clear();  // RFC 7296 §3.3: AEAD proposals MUST NOT include integrity
    } else if (protocol == v2::ProtocolId::IKE && p.integ.empty()) {
      return Error(ErrorCode::kConfig,
                   "an integrity algorithm is mandatory in IKE proposals with "
                   "classic (non-AEAD) encryption algorithms" +
                       where);
    }
    if (protocol == v2::ProtocolId::IKE)
      for (const Algo& e : p.encr)
        if (e.id == u(v2::EncrId::Null) || e.id == u(v2::EncrId::NULL_AUTH_AES_GMAC))
          return Error(ErrorCode::kConfig,
                       std::string(strongswan_name(static_cast<v2::EncrId>(e.id))) +
                           " cannot protect IKE messages" + where);
  } else {
    // AH: AES-GMAC keywords name the integrity algorithm; other ciphers do not apply.
    std::vector<Algo> integ;
    for (const Algo& e : p.encr)
      if (e.id == u(v2::EncrId::NULL_AUTH_AES_GMAC))
        integ.push_back({TransformType::INTEG,
                         u(e.bits == 128   ? v2::IntegId::AES_128_GMAC
                           : e.bits == 192 ? v2::IntegId::AES_192_GMAC
                                           : v2::IntegId::AES_256_GMAC),
                         0});
    for (const Algo& i : p.integ) add(integ, i);
    p.integ = std::move(integ);
    p.encr.clear();
    if (p.integ.empty())
      return Error(ErrorCode::kConfig,
                   "an integrity algorithm is mandatory in AH proposals" + where);
  }
  if (protocol != v2::ProtocolId::IKE && p.esn.empty())
    p.esn.push_back({TransformType::ESN, u(v2::EsnId::NoEsn), 0});
  return p;
}

v2::Transform transform_of(const Algo& a) {
  v2::Transform t;
  t.type = a.type;
  t.id = a.id;
  if (a.bits) t.attributes.push_back(v2::TransformAttribute::key_length(a.bits));
  return t;
}

std::string algo_name(TransformType type, uint16_t id) {
  std::string_view n;
  switch (type) {
    case TransformType::ENCR:
      n = strongswan_name(static_cast<v2::EncrId>(id));
      break;
    case TransformType::INTEG:
      n = strongswan_name(static_cast<v2::IntegId>(id));
      break;
    case TransformType::PRF:
      n = strongswan_name(static_cast<v2::PrfId>(id));
      break;
    case TransformType::DH:
      n = strongswan_name(static_cast<v2::DhGroup>(id));
      break;
    case TransformType::ESN:
      n = strongswan_name(static_cast<v2::EsnId>(id));
      break;
    default:
      break;
  }
  // charon prints values its enums do not name as "(<number>)".
  return n.empty() ? "(" + std::to_string(id) + ")" : std::string(n);
}

uint16_t key_bits_of(const v2::Transform& t) {
  return t.key_length().value_or(0);
}

}  // namespace

Result<std::vector<v2::Proposal>> parse_proposals(v2::ProtocolId protocol, std::string_view text) {
  if (protocol != v2::ProtocolId::IKE && protocol != v2::ProtocolId::ESP &&
      protocol != v2::ProtocolId::AH)
    return Error(ErrorCode::kConfig, "proposals are for IKE, ESP or AH");
  std::vector<v2::Proposal> out;
  for (std::string_view one : split(text, ',')) {
    if (one.empty())
      return Error(ErrorCode::kConfig, "empty proposal in '" + std::string(text) + "'");
    TRY_ASSIGN(Parsed p, parse_one(protocol, one));
    if (out.size() >= 255) return Error(ErrorCode::kLimit, "more than 255 proposals");
    v2::Proposal prop;
    prop.number = static_cast<uint8_t>(out.size() + 1);
    prop.protocol = protocol;
    for (const auto* list : {&p.encr, &p.prf, &p.integ, &p.dh, &p.esn})
      for (const Algo& a : *list) prop.transforms.push_back(transform_of(a));
    out.push_back(std::move(prop));
  }
  return out;
}

std::string to_string(const v2::Proposal& proposal) {
  std::string out = std::string(protocol_label(proposal.protocol)) + ":";
  bool first = true;
  for (TransformType type : {TransformType::ENCR, TransformType::INTEG, TransformType::PRF,
                             TransformType::DH, TransformType::ESN}) {
    for (const auto& t : proposal.transforms) {
      if (t.type != type) continue;
      if (!first) out += "/";
      first = false;
      out += algo_name(t.type, t.id);
      if (uint16_t bits = key_bits_of(t)) out += "_" + std::to_string(bits);
    }
  }
  return out;
}

std::string to_string(const std::vector<v2::Proposal>& proposals) {
  std::string out;
  for (const auto& p : proposals) {
    if (!out.empty()) out += ", ";
    out += to_string(p);
  }
  return out;
}

namespace {

bool same_transform(const v2::Transform& a, const v2::Transform& b) {
  return a.type == b.type && a.id == b.id && key_bits_of(a) == key_bits_of(b);
}

std::vector<v2::Transform> of_type(const v2::Proposal& p, TransformType type) {
  std::vector<v2::Transform> out;
  for (const auto& t : p.transforms)
    if (t.type == type) out.push_back(t);
  if (out.empty() && type == TransformType::ESN && p.protocol != v2::ProtocolId::IKE) {
    v2::Transform no_esn;
    no_esn.type = TransformType::ESN;
    no_esn.id = u(v2::EsnId::NoEsn);
    out.push_back(no_esn);
  }
  return out;
}

std::optional<v2::Proposal> match(const v2::Proposal& preferred, const v2::Proposal& other) {
  if (preferred.protocol != other.protocol) return std::nullopt;
  v2::Proposal out;
  out.protocol = preferred.protocol;
  for (TransformType type : {TransformType::ENCR, TransformType::PRF, TransformType::INTEG,
                             TransformType::DH, TransformType::ESN}) {
    auto mine = of_type(preferred, type);
    auto theirs = of_type(other, type);
    if (mine.empty() && theirs.empty()) continue;
    // RFC 7296 §3.3.6: the type list must agree; one side without a type the other uses
    // cannot be matched (a "NONE" DH transform is how a side makes PFS optional).
    std::optional<v2::Transform> chosen;
    for (const auto& m : mine) {
      for (const auto& t : theirs)
        if (same_transform(m, t)) {
          chosen = m;
          break;
        }
      if (chosen) break;
    }
    if (!chosen) return std::nullopt;
    out.transforms.push_back(*chosen);
  }
  return out;
}

}  // namespace

std::optional<v2::Proposal> select_proposal(std::span<const v2::Proposal> ours,
                                            std::span<const v2::Proposal> peers, bool prefer_peer) {
  auto first = prefer_peer ? peers : ours;
  auto second = prefer_peer ? ours : peers;
  for (const auto& a : first)
    for (const auto& b : second)
      if (auto m = match(a, b)) {
        const v2::Proposal& peer = prefer_peer ? a : b;
        m->number = peer.number;
        m->spi = peer.spi;
        return m;
      }
  return std::nullopt;
}

namespace {

Result<v2::Transform> exactly_one(const v2::Proposal& p, TransformType type, bool required) {
  auto ts = of_type(p, type);
  if (ts.size() > 1)
    return Error(ErrorCode::kMalformed, "selected proposal has " + std::to_string(ts.size()) + " " +
                                            v2::to_string(type) + " transforms");
  if (ts.empty()) {
    if (required)
      return Error(ErrorCode::kMalformed,
                   "selected proposal lacks a " + v2::to_string(type) + " transform");
    v2::Transform none;
    none.type = type;
    none.id = 0;
    return none;
  }
  return ts.front();
}

}  // namespace

Result<IkeAlgorithms> ike_algorithms(const v2::Proposal& p) {
  if (p.protocol != v2::ProtocolId::IKE) return Error(ErrorCode::kMalformed, "not an IKE proposal");
  TRY_ASSIGN(v2::Transform encr, exactly_one(p, TransformType::ENCR, true));
  TRY_ASSIGN(v2::Transform prf, exactly_one(p, TransformType::PRF, true));
  TRY_ASSIGN(v2::Transform dh, exactly_one(p, TransformType::DH, true));
  TRY_ASSIGN(v2::Transform integ, exactly_one(p, TransformType::INTEG, false));
  TRY_ASSIGN(Cipher cipher, Cipher::create(static_cast<v2::EncrId>(encr.id), key_bits_of(encr)));
  TRY_ASSIGN(Prf prf_alg, Prf::create(static_cast<v2::PrfId>(prf.id)));
  std::optional<Integrity> integ_alg;
  if (cipher.is_aead()) {
    if (integ.id != 0)
      return Error(ErrorCode::kMalformed,
                   "an AEAD proposal with an integrity transform (RFC 5282 §8)");
  } else {
    if (integ.id == 0) return Error(ErrorCode::kMalformed, "a classic cipher without integrity");
    TRY_ASSIGN(integ_alg, Integrity::create(static_cast<v2::IntegId>(integ.id)));
  }
  return IkeAlgorithms{cipher, integ_alg, prf_alg, static_cast<v2::DhGroup>(dh.id)};
}

Result<ChildAlgorithms> child_algorithms(const v2::Proposal& p) {
  if (p.protocol != v2::ProtocolId::ESP && p.protocol != v2::ProtocolId::AH)
    return Error(ErrorCode::kMalformed, "not an ESP or AH proposal");
  ChildAlgorithms c;
  c.protocol = p.protocol;
  TRY_ASSIGN(v2::Transform encr,
             exactly_one(p, TransformType::ENCR, p.protocol == v2::ProtocolId::ESP));
  TRY_ASSIGN(v2::Transform integ,
             exactly_one(p, TransformType::INTEG, p.protocol == v2::ProtocolId::AH));
  TRY_ASSIGN(v2::Transform dh, exactly_one(p, TransformType::DH, false));
  TRY_ASSIGN(v2::Transform esn, exactly_one(p, TransformType::ESN, false));
  c.encr = static_cast<v2::EncrId>(encr.id);
  c.key_bits = key_bits_of(encr);
  if (p.protocol == v2::ProtocolId::ESP) {
    if (needs_key_length(c.encr) && c.key_bits == 0)
      return Error(ErrorCode::kMalformed,
                   v2::to_string(c.encr) + " without a key length (RFC 7296 §3.3.5)");
    c.encr_key_size = encr_key_size(c.encr, c.key_bits);
    if (c.encr_key_size == 0 && c.encr != v2::EncrId::Null)
      return Error(ErrorCode::kUnsupported, v2::to_string(c.encr) + " with " +
                                                std::to_string(c.key_bits) +
                                                "-bit keys has no known key size");
  }
  c.integ = static_cast<v2::IntegId>(integ.id);
  if (c.integ != v2::IntegId::None) {
    if (p.protocol == v2::ProtocolId::ESP && is_aead(c.encr))
      return Error(ErrorCode::kMalformed, "an AEAD proposal with an integrity transform");
    c.integ_key_size = integ_key_size(c.integ);
    if (c.integ_key_size == 0)
      return Error(ErrorCode::kUnsupported, v2::to_string(c.integ) + " has no known key size");
  } else if (p.protocol == v2::ProtocolId::ESP && !is_aead(c.encr) && c.encr == v2::EncrId::Null) {
    return Error(ErrorCode::kMalformed,
                 "ESP with neither encryption nor integrity (RFC 4303 §3.2)");
  }
  c.dh = static_cast<v2::DhGroup>(dh.id);
  c.esn = esn.id == u(v2::EsnId::Esn);
  return c;
}

// ---- IKEv1 ---------------------------------------------------------------------------------

Result<std::vector<V1IkeTransform>> parse_ikev1_ike_proposals(std::string_view text) {
  std::vector<V1IkeTransform> out;
  for (std::string_view one : split(text, ',')) {
    if (one.empty())
      return Error(ErrorCode::kConfig, "empty proposal in '" + std::string(text) + "'");
    TRY_ASSIGN(Parsed p, parse_one(v2::ProtocolId::IKE, one));
    const std::string where = " ('" + std::string(one) + "')";
    // The Oakley Hash serves as HMAC for both integrity and PRF (RFC 2409 §4): taken from the
    // integrity keywords, or from the PRF keywords when the proposal names no integrity.
    std::vector<v1::OakleyHash> hashes;
    for (const Algo& i : p.integ) {
      auto h = hash_to_v1(static_cast<v2::IntegId>(i.id));
      if (!h)
        return Error(ErrorCode::kConfig,
                     std::string(strongswan_name(static_cast<v2::IntegId>(i.id))) +
                         " has no IKEv1 hash" + where);
      if (std::find(hashes.begin(), hashes.end(), *h) == hashes.end()) hashes.push_back(*h);
    }
    if (hashes.empty())
      for (const Algo& f : p.prf)
        if (auto h = hash_to_v1(static_cast<v2::PrfId>(f.id)))
          if (std::find(hashes.begin(), hashes.end(), *h) == hashes.end()) hashes.push_back(*h);
    if (hashes.empty()) return Error(ErrorCode::kConfig, "no IKEv1 hash algorithm" + where);
    for (const Algo& e : p.encr) {
      auto enc = encr_to_v1(static_cast<v2::EncrId>(e.id));
      if (!enc)
        return Error(ErrorCode::kConfig,
                     std::string(strongswan_name(static_cast<v2::EncrId>(e.id))) +
                         " cannot protect IKEv1 phase 1" + where);
      for (v1::OakleyHash h : hashes)
        for (const Algo& g : p.dh) out.push_back({*enc, e.bits, h, static_cast<v2::DhGroup>(g.id)});
    }
  }
  return out;
}

Result<std::vector<V1EspTransform>> parse_ikev1_esp_proposals(std::string_view text) {
  std::vector<V1EspTransform> out;
  for (std::string_view one : split(text, ',')) {
    if (one.empty())
      return Error(ErrorCode::kConfig, "empty proposal in '" + std::string(text) + "'");
    TRY_ASSIGN(Parsed p, parse_one(v2::ProtocolId::ESP, one));
    const std::string where = " ('" + std::string(one) + "')";
    std::vector<std::optional<v1::IpsecAuthAlgorithm>> auths;
    for (const Algo& i : p.integ) {
      auto a = auth_to_v1(static_cast<v2::IntegId>(i.id));
      if (!a)
        return Error(ErrorCode::kConfig,
                     std::string(strongswan_name(static_cast<v2::IntegId>(i.id))) +
                         " has no IKEv1 authentication algorithm" + where);
      auths.push_back(*a);
    }
    if (auths.empty()) auths.push_back(std::nullopt);
    std::vector<v2::DhGroup> groups;
    for (const Algo& g : p.dh) groups.push_back(static_cast<v2::DhGroup>(g.id));
    if (groups.empty()) groups.push_back(v2::DhGroup::None);
    for (const Algo& e : p.encr) {
      auto id = esp_to_v1(static_cast<v2::EncrId>(e.id));
      if (!id)
        return Error(ErrorCode::kConfig,
                     std::string(strongswan_name(static_cast<v2::EncrId>(e.id))) +
                         " has no IKEv1 ESP transform ID" + where);
      for (const auto& a : auths)
        for (v2::DhGroup g : groups)
          for (const Algo& s : p.esn) out.push_back({*id, e.bits, a, g, s.id == u(v2::EsnId::Esn)});
    }
  }
  return out;
}

std::string to_string(const V1IkeTransform& t) {
  std::string out = "IKE:";
  auto enc = encr_from_v1(t.encryption);
  out +=
      enc ? algo_name(TransformType::ENCR, u(*enc)) : "(" + std::to_string(u(t.encryption)) + ")";
  if (t.key_length) out += "_" + std::to_string(t.key_length);
  auto integ = integ_from_v1(t.hash);
  auto prf = prf_from_v1(t.hash);
  out += "/" + (integ ? algo_name(TransformType::INTEG, u(*integ))
                      : "(" + std::to_string(u(t.hash)) + ")");
  out +=
      "/" + (prf ? algo_name(TransformType::PRF, u(*prf)) : "(" + std::to_string(u(t.hash)) + ")");
  out += "/" + algo_name(TransformType::DH, u(t.group));
  return out;
}

std::string to_string(const V1EspTransform& t) {
  std::string out = "ESP:";
  auto enc = encr_from_v1(t.transform);
  out += enc ? algo_name(TransformType::ENCR, u(*enc)) : "(" + std::to_string(u(t.transform)) + ")";
  if (t.key_length) out += "_" + std::to_string(t.key_length);
  if (t.auth) {
    auto integ = integ_from_v1(*t.auth);
    out += "/" + (integ ? algo_name(TransformType::INTEG, u(*integ))
                        : "(" + std::to_string(u(*t.auth)) + ")");
  }
  if (t.pfs_group != v2::DhGroup::None) out += "/" + algo_name(TransformType::DH, u(t.pfs_group));
  out += t.esn ? "/EXT_SEQ" : "/NO_EXT_SEQ";
  return out;
}

}  // namespace ikesuite::crypto
