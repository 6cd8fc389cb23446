#include "engine/crypto/dh.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>

#include <string>

#include "engine/crypto/ossl.h"

namespace ikesuite::crypto {

namespace {

using ossl::Ptr;

enum class Kind { kNone, kModp, kEcp, kXdh };

struct GroupInfo {
  v2::DhGroup group;
  Kind kind;
  size_t public_size;     // KE data length
  size_t secret_size;     // g^ir length
  size_t exponent_bytes;  // MODP safe-prime groups: length of the private exponent we draw
  int nid;                // ECP curve, or EVP_PKEY_X25519/X448
  const char* ffc_name;   // RFC 5114 groups: OpenSSL's name for the parameters
};

// Private exponent lengths for the safe-prime MODP groups: about twice the group's
// symmetric strength, the upper end of RFC 3526 §8's table (never below 256 bits).
constexpr GroupInfo kGroups[] = {
    {v2::DhGroup::MODP_768, Kind::kModp, 96, 96, 32, 0, nullptr},
    {v2::DhGroup::MODP_1024, Kind::kModp, 128, 128, 32, 0, nullptr},
    {v2::DhGroup::MODP_1536, Kind::kModp, 192, 192, 32, 0, nullptr},
    {v2::DhGroup::MODP_2048, Kind::kModp, 256, 256, 40, 0, nullptr},
    {v2::DhGroup::MODP_3072, Kind::kModp, 384, 384, 53, 0, nullptr},
    {v2::DhGroup::MODP_4096, Kind::kModp, 512, 512, 60, 0, nullptr},
    {v2::DhGroup::MODP_6144, Kind::kModp, 768, 768, 68, 0, nullptr},
    {v2::DhGroup::MODP_8192, Kind::kModp, 1024, 1024, 78, 0, nullptr},
    {v2::DhGroup::MODP_1024_160, Kind::kModp, 128, 128, 0, 0, "dh_1024_160"},
    {v2::DhGroup::MODP_2048_224, Kind::kModp, 256, 256, 0, 0, "dh_2048_224"},
    {v2::DhGroup::MODP_2048_256, Kind::kModp, 256, 256, 0, 0, "dh_2048_256"},
    {v2::DhGroup::ECP_256, Kind::kEcp, 64, 32, 0, NID_X9_62_prime256v1, nullptr},
    {v2::DhGroup::ECP_384, Kind::kEcp, 96, 48, 0, NID_secp384r1, nullptr},
    {v2::DhGroup::ECP_521, Kind::kEcp, 132, 66, 0, NID_secp521r1, nullptr},
    {v2::DhGroup::ECP_192, Kind::kEcp, 48, 24, 0, NID_X9_62_prime192v1, nullptr},
    {v2::DhGroup::ECP_224, Kind::kEcp, 56, 28, 0, NID_secp224r1, nullptr},
    {v2::DhGroup::BRAINPOOL_224, Kind::kEcp, 56, 28, 0, NID_brainpoolP224r1, nullptr},
    {v2::DhGroup::BRAINPOOL_256, Kind::kEcp, 64, 32, 0, NID_brainpoolP256r1, nullptr},
    {v2::DhGroup::BRAINPOOL_384, Kind::kEcp, 96, 48, 0, NID_brainpoolP384r1, nullptr},
    {v2::DhGroup::BRAINPOOL_512, Kind::kEcp, 128, 64, 0, NID_brainpoolP512r1, nullptr},
    {v2::DhGroup::CURVE25519, Kind::kXdh, 32, 32, 0, EVP_PKEY_X25519, nullptr},
    {v2::DhGroup::CURVE448, Kind::kXdh, 56, 56, 0, EVP_PKEY_X448, nullptr},
};

const GroupInfo* find(v2::DhGroup g) {
  for (const auto& i : kGroups)
    if (i.group == g) return &i;
  return nullptr;
}

std::string gname(v2::DhGroup g) {
  return v2::to_string(g);
}

Error peer_error(v2::DhGroup g, const std::string& why) {
  return Error(ErrorCode::kCrypto, gname(g) + " peer public value rejected: " + why);
}

Status check_peer_length(const GroupInfo& info, ByteView peer) {
  if (peer.size() != info.public_size)
    return peer_error(info.group, std::to_string(peer.size()) + " bytes, the group needs " +
                                      std::to_string(info.public_size));
  return ok_status();
}

Result<Bytes> derive(EVP_PKEY* self, EVP_PKEY* peer, bool pad, v2::DhGroup g) {
  Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, self, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1)
    return ossl::error(gname(g) + ": derive init failed");
  if (pad && EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) != 1)
    return ossl::error(gname(g) + ": setting DH padding failed");
  // The peer value was validated by the caller, to the RFC's rules and the same way for every
  // group (OpenSSL would add a subgroup check for the safe-prime groups it knows by name only).
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 0) != 1)
    return ossl::error(gname(g) + " peer public value rejected");
  size_t n = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &n) != 1)
    return ossl::error(gname(g) + ": derive failed");
  Bytes out(n);
  if (EVP_PKEY_derive(ctx.get(), out.data(), &n) != 1)
    return ossl::error(gname(g) + ": derive failed");
  out.resize(n);
  return out;
}

Result<Ptr<EVP_PKEY>> from_params(const char* type, OSSL_PARAM_BLD* bld, int selection,
                                  const std::string& what) {
  Ptr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld));
  Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1)
    return ossl::error(what);
  return Ptr<EVP_PKEY>(key);
}

// ---- MODP ------------------------------------------------------------------------------

struct ModpParams {
  Ptr<BIGNUM> p, g, q;  // q only for the RFC 5114 groups
};

Result<ModpParams> modp_params(const GroupInfo& info) {
  ModpParams m;
  if (info.ffc_name) {
    // RFC 5114 §2.1-2.3: prime, subgroup order and generator, as OpenSSL ships them.
    Ptr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                                info.ffc_name, 0) != 1)
      return ossl::error("building DH parameters failed");
    TRY_ASSIGN(auto key, from_params("DH", bld.get(), EVP_PKEY_KEY_PARAMETERS,
                                     gname(info.group) + ": OpenSSL lacks the group"));
    BIGNUM *p = nullptr, *q = nullptr, *g = nullptr;
    if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_FFC_P, &p) != 1 ||
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_FFC_Q, &q) != 1 ||
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_FFC_G, &g) != 1) {
      BN_free(p);
      BN_free(q);
      BN_free(g);
      return ossl::error(gname(info.group) + ": reading the group parameters failed");
    }
    m.p.reset(p);
    m.q.reset(q);
    m.g.reset(g);
    return m;
  }
  // RFC 2409 §6.1/6.2 and RFC 3526: safe primes with generator 2.
  BIGNUM* p = nullptr;
  switch (info.group) {
    case v2::DhGroup::MODP_768:
      p = BN_get_rfc2409_prime_768(nullptr);
      break;
    case v2::DhGroup::MODP_1024:
      p = BN_get_rfc2409_prime_1024(nullptr);
      break;
    case v2::DhGroup::MODP_1536:
      p = BN_get_rfc3526_prime_1536(nullptr);
      break;
    case v2::DhGroup::MODP_2048:
      p = BN_get_rfc3526_prime_2048(nullptr);
      break;
    case v2::DhGroup::MODP_3072:
      p = BN_get_rfc3526_prime_3072(nullptr);
      break;
    case v2::DhGroup::MODP_4096:
      p = BN_get_rfc3526_prime_4096(nullptr);
      break;
    case v2::DhGroup::MODP_6144:
      p = BN_get_rfc3526_prime_6144(nullptr);
      break;
    case v2::DhGroup::MODP_8192:
      p = BN_get_rfc3526_prime_8192(nullptr);
      break;
    default:
      break;
  }
  m.p.reset(p);
  m.g.reset(BN_new());
  if (!m.p || !m.g || BN_set_word(m.g.get(), 2) != 1)
    return ossl::error(gname(info.group) + ": building the prime failed");
  return m;
}

Status push_group(OSSL_PARAM_BLD* bld, const ModpParams& m) {
  if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, m.p.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, m.g.get()) != 1 ||
      (m.q && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, m.q.get()) != 1))
    return ossl::error("building DH parameters failed");
  return ok_status();
}

class ModpKeyExchange final : public KeyExchange {
 public:
  static Result<std::unique_ptr<KeyExchange>> make(const GroupInfo& info, Ptr<BIGNUM> x,
                                                   ModpParams m) {
    std::unique_ptr<ModpKeyExchange> kx(new ModpKeyExchange(info, std::move(m)));
    TRY(kx->init(std::move(x)));
    return std::unique_ptr<KeyExchange>(std::move(kx));
  }

  Bytes private_value() const override {
    auto b = ossl::bn_to_bytes(x_.get(), private_size(info_, params_));
    return b.ok() ? *b : Bytes{};
  }

  static size_t private_size(const GroupInfo& info, const ModpParams& m) {
    return m.q ? static_cast<size_t>(BN_num_bytes(m.q.get())) : info.exponent_bytes;
  }

  Result<Bytes> shared_secret(ByteView peer) const override {
    TRY(check_peer_length(info_, peer));
    Ptr<BIGNUM> y = ossl::bn_from_bytes(peer);
    Ptr<BIGNUM> p_minus_1(BN_dup(params_.p.get()));
    Ptr<BN_CTX> bn(BN_CTX_new());
    if (!y || !p_minus_1 || !bn || BN_sub_word(p_minus_1.get(), 1) != 1)
      return ossl::error("bignum allocation failed");
    // RFC 6989 §2.1: 1 < y < p-1 rules out the small-subgroup values 0, 1 and p-1.
    if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), p_minus_1.get()) >= 0)
      return peer_error(group_, "not in the range 1 < y < p-1 (RFC 6989 §2.1)");
    if (params_.q) {
      // RFC 6989 §2.2: for groups with a small subgroup, y^q mod p must be 1.
      Ptr<BIGNUM> r(BN_new());
      if (!r || BN_mod_exp(r.get(), y.get(), params_.q.get(), params_.p.get(), bn.get()) != 1)
        return ossl::error("bignum exponentiation failed");
      if (!BN_is_one(r.get()))
        return peer_error(group_, "not in the prime-order subgroup (RFC 6989 §2.2)");
    }
    Ptr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    if (!bld) return ossl::error("allocation failed");
    TRY(push_group(bld.get(), params_));
    if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get()) != 1)
      return ossl::error("building the peer key failed");
    TRY_ASSIGN(auto peer_key, from_params("DH", bld.get(), EVP_PKEY_PUBLIC_KEY,
                                          gname(group_) + " peer public value rejected"));
    TRY_ASSIGN(Bytes secret, derive(key_.get(), peer_key.get(), true, group_));
    if (secret.size() != info_.secret_size)
      return Error(ErrorCode::kInternal, gname(group_) + ": shared secret of unexpected size");
    return secret;
  }

 private:
  ModpKeyExchange(const GroupInfo& info, ModpParams m)
      : KeyExchange(info.group), info_(info), params_(std::move(m)) {}

  Status init(Ptr<BIGNUM> x) {
    x_ = std::move(x);
    Ptr<BIGNUM> y(BN_new());
    Ptr<BN_CTX> bn(BN_CTX_new());
    BN_set_flags(x_.get(), BN_FLG_CONSTTIME);
    // The one bignum step EVP cannot do for us: OpenSSL imports a DH key only with its
    // public value, so g^x mod p is computed here (in constant time) from our private value.
    if (!y || !bn ||
        BN_mod_exp_mont_consttime(y.get(), params_.g.get(), x_.get(), params_.p.get(), bn.get(),
                                  nullptr) != 1)
      return ossl::error(gname(group_) + ": computing the public value failed");
    TRY_ASSIGN(public_, ossl::bn_to_bytes(y.get(), info_.public_size));
    Ptr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    if (!bld) return ossl::error("allocation failed");
    TRY(push_group(bld.get(), params_));
    if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x_.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get()) != 1)
      return ossl::error("building the DH key failed");
    TRY_ASSIGN(key_, from_params("DH", bld.get(), EVP_PKEY_KEYPAIR,
                                 gname(group_) + ": importing the key pair failed"));
    return ok_status();
  }

  const GroupInfo& info_;
  ModpParams params_;
  Ptr<BIGNUM> x_;
  Ptr<EVP_PKEY> key_;
};

// Checks 1 < x < q for the subgroup groups and 1 < x < p - 1 for the safe-prime groups.
Status check_modp_private(const GroupInfo& info, const ModpParams& m, const BIGNUM* x) {
  if (BN_cmp(x, BN_value_one()) <= 0)
    return Error(ErrorCode::kCrypto, gname(info.group) + ": private value must exceed 1");
  Ptr<BIGNUM> limit(BN_dup(m.q ? m.q.get() : m.p.get()));
  if (!limit || (!m.q && BN_sub_word(limit.get(), 1) != 1))
    return ossl::error("bignum allocation failed");
  if (BN_cmp(x, limit.get()) >= 0)
    return Error(ErrorCode::kCrypto, gname(info.group) + ": private value out of range");
  return ok_status();
}

Result<std::unique_ptr<KeyExchange>> create_modp(const GroupInfo& info, Random& rng) {
  TRY_ASSIGN(ModpParams m, modp_params(info));
  const size_t n = ModpKeyExchange::private_size(info, m);
  for (;;) {
    Bytes raw = rng.bytes(n);
    Ptr<BIGNUM> x = ossl::bn_from_bytes(raw);
    OPENSSL_cleanse(raw.data(), raw.size());
    if (!x) return ossl::error("bignum allocation failed");
    // Rejection sampling keeps a subgroup exponent uniform below q; for the safe-prime groups
    // the drawn length is far below p, so only 0 and 1 are ever rejected.
    if (check_modp_private(info, m, x.get()).ok())
      return ModpKeyExchange::make(info, std::move(x), std::move(m));
  }
}

// ---- ECP -------------------------------------------------------------------------------

class EcpKeyExchange final : public KeyExchange {
 public:
  static Result<std::unique_ptr<KeyExchange>> make(const GroupInfo& info, Ptr<BIGNUM> d) {
    std::unique_ptr<EcpKeyExchange> kx(new EcpKeyExchange(info));
    TRY(kx->init(std::move(d)));
    return std::unique_ptr<KeyExchange>(std::move(kx));
  }

  Bytes private_value() const override {
    Ptr<EC_GROUP> g(EC_GROUP_new_by_curve_name(info_.nid));
    if (!g) return {};
    auto b = ossl::bn_to_bytes(d_.get(),
                               static_cast<size_t>(BN_num_bytes(EC_GROUP_get0_order(g.get()))));
    return b.ok() ? *b : Bytes{};
  }

  Result<Bytes> shared_secret(ByteView peer) const override {
    TRY(check_peer_length(info_, peer));
    // RFC 5903 §7: x | y without the point format octet; OpenSSL wants SEC1's 0x04 | x | y.
    static const uint8_t kUncompressed = 0x04;
    Bytes point = concat({ByteView(&kUncompressed, 1), peer});
    Ptr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                        OBJ_nid2sn(info_.nid), 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1)
      return ossl::error("building the peer key failed");
    auto peer_key = from_params("EC", bld.get(), EVP_PKEY_PUBLIC_KEY, "import");
    if (!peer_key.ok()) {
      ossl::clear_errors();
      return peer_error(group_, "not a point on the curve (RFC 6989 §2.3)");
    }
    // RFC 6989 §2.3: on the curve and not the point at infinity; the full check also
    // confirms the order.
    Ptr<EVP_PKEY_CTX> check(EVP_PKEY_CTX_new_from_pkey(nullptr, peer_key->get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
      ossl::clear_errors();
      return peer_error(group_, "not a valid point of the group (RFC 6989 §2.3)");
    }
    TRY_ASSIGN(Bytes secret, derive(key_.get(), peer_key->get(), false, group_));
    if (secret.size() != info_.secret_size)
      return Error(ErrorCode::kInternal, gname(group_) + ": shared secret of unexpected size");
    return secret;
  }

 private:
  explicit EcpKeyExchange(const GroupInfo& info) : KeyExchange(info.group), info_(info) {}

  Status init(Ptr<BIGNUM> d) {
    d_ = std::move(d);
    Ptr<EC_GROUP> g(EC_GROUP_new_by_curve_name(info_.nid));
    Ptr<BN_CTX> bn(BN_CTX_new());
    if (!g || !bn) return ossl::error(gname(group_) + ": curve not available");
    Ptr<EC_POINT> q(EC_POINT_new(g.get()));
    // EC arithmetic where EVP has no import path: OpenSSL takes an EC private key only with
    // its public point, so Q = d * G is computed here from the scalar drawn from our Random.
    if (!q || EC_POINT_mul(g.get(), q.get(), d_.get(), nullptr, nullptr, bn.get()) != 1)
      return ossl::error(gname(group_) + ": computing the public point failed");
    Bytes point(1 + info_.public_size);
    if (EC_POINT_point2oct(g.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, point.data(),
                           point.size(), bn.get()) != point.size())
      return ossl::error(gname(group_) + ": encoding the public point failed");
    public_.assign(point.begin() + 1, point.end());
    Ptr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                        OBJ_nid2sn(info_.nid), 0) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d_.get()) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1)
      return ossl::error("building the EC key failed");
    TRY_ASSIGN(key_, from_params("EC", bld.get(), EVP_PKEY_KEYPAIR,
                                 gname(group_) + ": importing the key pair failed"));
    return ok_status();
  }

  const GroupInfo& info_;
  Ptr<BIGNUM> d_;
  Ptr<EVP_PKEY> key_;
};

Result<Ptr<BIGNUM>> ec_scalar(const GroupInfo& info, ByteView raw, bool* in_range) {
  Ptr<EC_GROUP> g(EC_GROUP_new_by_curve_name(info.nid));
  if (!g) return ossl::error(gname(info.group) + ": curve not available");
  Ptr<BIGNUM> d = ossl::bn_from_bytes(raw);
  if (!d) return ossl::error("bignum allocation failed");
  *in_range = !BN_is_zero(d.get()) && BN_cmp(d.get(), EC_GROUP_get0_order(g.get())) < 0;
  return d;
}

Result<std::unique_ptr<KeyExchange>> create_ecp(const GroupInfo& info, Random& rng) {
  Ptr<EC_GROUP> g(EC_GROUP_new_by_curve_name(info.nid));
  if (!g) return ossl::error(gname(info.group) + ": curve not available");
  const BIGNUM* order = EC_GROUP_get0_order(g.get());
  const int bits = BN_num_bits(order);
  const size_t n = static_cast<size_t>((bits + 7) / 8);
  for (;;) {
    // Rejection sampling: draw as many bits as the order has, retry while d is 0 or >= n.
    Bytes raw = rng.bytes(n);
    if (bits % 8 != 0) raw[0] &= static_cast<uint8_t>((1u << (bits % 8)) - 1);
    bool ok = false;
    auto d = ec_scalar(info, raw, &ok);
    OPENSSL_cleanse(raw.data(), raw.size());
    if (!d.ok()) return std::move(d).error();
    if (ok) return EcpKeyExchange::make(info, std::move(d).value());
  }
}

// ---- Curve25519 / Curve448 -------------------------------------------------------------

class XdhKeyExchange final : public KeyExchange {
 public:
  static Result<std::unique_ptr<KeyExchange>> make(const GroupInfo& info, ByteView priv) {
    if (priv.size() != info.public_size)
      return Error(ErrorCode::kCrypto, gname(info.group) + " needs a " +
                                           std::to_string(info.public_size) + "-byte private key");
    std::unique_ptr<XdhKeyExchange> kx(new XdhKeyExchange(info));
    // RFC 7748 §5: OpenSSL clamps the private scalar itself; the raw bytes are the key.
    kx->key_.reset(EVP_PKEY_new_raw_private_key(info.nid, nullptr, priv.data(), priv.size()));
    if (!kx->key_) return ossl::error(gname(info.group) + ": importing the private key failed");
    size_t n = info.public_size;
    kx->public_.resize(n);
    if (EVP_PKEY_get_raw_public_key(kx->key_.get(), kx->public_.data(), &n) != 1 ||
        n != info.public_size)
      return ossl::error(gname(info.group) + ": computing the public key failed");
    return std::unique_ptr<KeyExchange>(std::move(kx));
  }

  Bytes private_value() const override {
    Bytes out(info_.public_size);
    size_t n = out.size();
    if (EVP_PKEY_get_raw_private_key(key_.get(), out.data(), &n) != 1) return {};
    return out;
  }

  Result<Bytes> shared_secret(ByteView peer) const override {
    TRY(check_peer_length(info_, peer));
    Ptr<EVP_PKEY> peer_key(
        EVP_PKEY_new_raw_public_key(info_.nid, nullptr, peer.data(), peer.size()));
    if (!peer_key) return ossl::error(gname(group_) + " peer public value rejected");
    auto secret = derive(key_.get(), peer_key.get(), false, group_);
    // RFC 8031 §2: a low-order peer value yields all zeros, which MUST be rejected.
    // OpenSSL refuses it already; the explicit check keeps that promise independent of it.
    if (!secret.ok())
      return peer_error(group_, "the result is all zeros or the value is invalid (RFC 8031 §2)");
    bool all_zero = true;
    for (uint8_t b : *secret) all_zero &= b == 0;
    if (all_zero) return peer_error(group_, "the result is all zeros (RFC 8031 §2)");
    return secret;
  }

 private:
  explicit XdhKeyExchange(const GroupInfo& info) : KeyExchange(info.group), info_(info) {}
  const GroupInfo& info_;
  Ptr<EVP_PKEY> key_;
};

Result<const GroupInfo*> lookup(v2::DhGroup group) {
  const GroupInfo* info = find(group);
  if (!info)
    return Error(ErrorCode::kUnsupported,
                 "key exchange group " + gname(group) + " is not supported");
  return info;
}

}  // namespace

bool is_supported(v2::DhGroup group) {
  return find(group) != nullptr;
}

size_t public_value_size(v2::DhGroup group) {
  const GroupInfo* info = find(group);
  return info ? info->public_size : 0;
}

size_t shared_secret_size(v2::DhGroup group) {
  const GroupInfo* info = find(group);
  return info ? info->secret_size : 0;
}

Result<std::unique_ptr<KeyExchange>> KeyExchange::create(v2::DhGroup group, Random& rng) {
  TRY_ASSIGN(const GroupInfo* info, lookup(group));
  switch (info->kind) {
    case Kind::kModp:
      return create_modp(*info, rng);
    case Kind::kEcp:
      return create_ecp(*info, rng);
    case Kind::kXdh: {
      Bytes priv = rng.bytes(info->public_size);
      auto kx = XdhKeyExchange::make(*info, priv);
      OPENSSL_cleanse(priv.data(), priv.size());
      return kx;
    }
    case Kind::kNone:
      break;
  }
  return Error(ErrorCode::kInternal, "unknown key exchange kind");
}

Result<std::unique_ptr<KeyExchange>> KeyExchange::from_private(v2::DhGroup group,
                                                               ByteView private_value) {
  TRY_ASSIGN(const GroupInfo* info, lookup(group));
  switch (info->kind) {
    case Kind::kModp: {
      TRY_ASSIGN(ModpParams m, modp_params(*info));
      Ptr<BIGNUM> x = ossl::bn_from_bytes(private_value);
      if (!x) return ossl::error("bignum allocation failed");
      TRY(check_modp_private(*info, m, x.get()));
      return ModpKeyExchange::make(*info, std::move(x), std::move(m));
    }
    case Kind::kEcp: {
      bool ok = false;
      TRY_ASSIGN(Ptr<BIGNUM> d, ec_scalar(*info, private_value, &ok));
      if (!ok) return Error(ErrorCode::kCrypto, gname(group) + ": private scalar out of range");
      return EcpKeyExchange::make(*info, std::move(d));
    }
    case Kind::kXdh:
      return XdhKeyExchange::make(*info, private_value);
    case Kind::kNone:
      break;
  }
  return Error(ErrorCode::kInternal, "unknown key exchange kind");
}

}  // namespace ikesuite::crypto
