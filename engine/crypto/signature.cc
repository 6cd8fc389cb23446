#include "engine/crypto/signature.h"

#include <openssl/rsa.h>

#include <string>

#include "engine/crypto/ossl.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::crypto {

namespace {

using ossl::Ptr;

const EVP_MD* md_of(Hash h) {
  switch (h) {
    case Hash::kMd5:
      return EVP_md5();
    case Hash::kSha1:
      return EVP_sha1();
    case Hash::kSha256:
      return EVP_sha256();
    case Hash::kSha384:
      return EVP_sha384();
    case Hash::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

int hash_nid(Hash h) {
  switch (h) {
    case Hash::kMd5:
      return NID_md5;
    case Hash::kSha1:
      return NID_sha1;
    case Hash::kSha256:
      return NID_sha256;
    case Hash::kSha384:
      return NID_sha384;
    case Hash::kSha512:
      return NID_sha512;
  }
  return NID_undef;
}

std::optional<Hash> hash_of_nid(int nid) {
  switch (nid) {
    case NID_sha1:
      return Hash::kSha1;
    case NID_sha256:
      return Hash::kSha256;
    case NID_sha384:
      return Hash::kSha384;
    case NID_sha512:
      return Hash::kSha512;
    default:
      return std::nullopt;
  }
}

bool is_rsa(SignatureScheme s) {
  switch (s) {
    case SignatureScheme::kRsaPkcs1Sha1:
    case SignatureScheme::kRsaPkcs1Sha256:
    case SignatureScheme::kRsaPkcs1Sha384:
    case SignatureScheme::kRsaPkcs1Sha512:
    case SignatureScheme::kRsaPssSha256:
    case SignatureScheme::kRsaPssSha384:
    case SignatureScheme::kRsaPssSha512:
    case SignatureScheme::kRsaPkcs1Raw:
      return true;
    default:
      return false;
  }
}

bool is_pss(SignatureScheme s) {
  return s == SignatureScheme::kRsaPssSha256 || s == SignatureScheme::kRsaPssSha384 ||
         s == SignatureScheme::kRsaPssSha512;
}

bool is_ecdsa_key(KeyType k) {
  return k == KeyType::kEcdsaP256 || k == KeyType::kEcdsaP384 || k == KeyType::kEcdsaP521;
}

size_t field_size(KeyType k) {
  switch (k) {
    case KeyType::kEcdsaP256:
      return 32;
    case KeyType::kEcdsaP384:
      return 48;
    case KeyType::kEcdsaP521:
      return 66;
    default:
      return 0;
  }
}

// DER from an OpenSSL i2d_* call, which allocates the output through its pointer argument.
template <typename Encode>
Bytes der_of(Encode encode) {
  unsigned char* der = nullptr;
  const int n = encode(&der);
  if (n <= 0 || !der) return {};
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

Status configure_pss(EVP_PKEY_CTX* pctx, Hash h, int salt) {
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt < 0 ? static_cast<int>(digest_size(h)) : salt) !=
          1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md_of(h)) != 1)
    return ossl::error("configuring RSASSA-PSS failed");
  return ok_status();
}

// The AUTH method's fixed scheme and curve (methods 1 and 9-11).
struct MethodSpec {
  SignatureScheme scheme;
  KeyType key;  // kRsa for method 1
  bool raw_ecdsa;
};

Result<MethodSpec> method_spec(v2::AuthMethod m) {
  switch (m) {
    case v2::AuthMethod::RSA_SIG:
      return MethodSpec{SignatureScheme::kRsaPkcs1Sha1, KeyType::kRsa, false};
    case v2::AuthMethod::ECDSA_SHA256_P256:
      return MethodSpec{SignatureScheme::kEcdsaSha256, KeyType::kEcdsaP256, true};
    case v2::AuthMethod::ECDSA_SHA384_P384:
      return MethodSpec{SignatureScheme::kEcdsaSha384, KeyType::kEcdsaP384, true};
    case v2::AuthMethod::ECDSA_SHA512_P521:
      return MethodSpec{SignatureScheme::kEcdsaSha512, KeyType::kEcdsaP521, true};
    default:
      return Error(ErrorCode::kConfig,
                   v2::to_string(m) + " is not a fixed-algorithm signature method");
  }
}

Status check_key(KeyType want, KeyType have, const std::string& what) {
  if (want != have)
    return Error(ErrorCode::kConfig, what + " needs an " + std::string(name(want)) + " key, not " +
                                         std::string(name(have)));
  return ok_status();
}

SignatureScheme default_scheme(KeyType k) {
  switch (k) {
    case KeyType::kEcdsaP256:
      return SignatureScheme::kEcdsaSha256;
    case KeyType::kEcdsaP384:
      return SignatureScheme::kEcdsaSha384;
    case KeyType::kEcdsaP521:
      return SignatureScheme::kEcdsaSha512;
    case KeyType::kEd25519:
      return SignatureScheme::kEd25519;
    case KeyType::kEd448:
      return SignatureScheme::kEd448;
    default:
      return SignatureScheme::kRsaPkcs1Sha256;
  }
}

}  // namespace

std::string_view name(SignatureScheme s) {
  switch (s) {
    case SignatureScheme::kRsaPkcs1Sha1:
      return "RSA_EMSA_PKCS1_SHA1";
    case SignatureScheme::kRsaPkcs1Sha256:
      return "RSA_EMSA_PKCS1_SHA2_256";
    case SignatureScheme::kRsaPkcs1Sha384:
      return "RSA_EMSA_PKCS1_SHA2_384";
    case SignatureScheme::kRsaPkcs1Sha512:
      return "RSA_EMSA_PKCS1_SHA2_512";
    case SignatureScheme::kRsaPssSha256:
      return "RSA_EMSA_PSS_SHA2_256";
    case SignatureScheme::kRsaPssSha384:
      return "RSA_EMSA_PSS_SHA2_384";
    case SignatureScheme::kRsaPssSha512:
      return "RSA_EMSA_PSS_SHA2_512";
    case SignatureScheme::kEcdsaSha256:
      return "ECDSA_WITH_SHA256_DER";
    case SignatureScheme::kEcdsaSha384:
      return "ECDSA_WITH_SHA384_DER";
    case SignatureScheme::kEcdsaSha512:
      return "ECDSA_WITH_SHA512_DER";
    case SignatureScheme::kEd25519:
      return "ED25519";
    case SignatureScheme::kEd448:
      return "ED448";
    case SignatureScheme::kRsaPkcs1Raw:
      return "RSA_EMSA_PKCS1_NULL";
  }
  return "";
}

std::optional<Hash> scheme_hash(SignatureScheme s) {
  switch (s) {
    case SignatureScheme::kRsaPkcs1Sha1:
      return Hash::kSha1;
    case SignatureScheme::kRsaPkcs1Sha256:
    case SignatureScheme::kRsaPssSha256:
    case SignatureScheme::kEcdsaSha256:
      return Hash::kSha256;
    case SignatureScheme::kRsaPkcs1Sha384:
    case SignatureScheme::kRsaPssSha384:
    case SignatureScheme::kEcdsaSha384:
      return Hash::kSha384;
    case SignatureScheme::kRsaPkcs1Sha512:
    case SignatureScheme::kRsaPssSha512:
    case SignatureScheme::kEcdsaSha512:
      return Hash::kSha512;
    default:
      return std::nullopt;
  }
}

bool scheme_fits_key(SignatureScheme s, KeyType key) {
  if (is_rsa(s)) return key == KeyType::kRsa;
  if (s == SignatureScheme::kEd25519) return key == KeyType::kEd25519;
  if (s == SignatureScheme::kEd448) return key == KeyType::kEd448;
  return is_ecdsa_key(key);
}

Result<Bytes> sign(const PrivateKey& key, SignatureScheme scheme, ByteView data) {
  if (!scheme_fits_key(scheme, key.type()))
    return Error(ErrorCode::kConfig, std::string(name(scheme)) + " cannot sign with an " +
                                         std::string(name(key.type())) + " key");
  if (scheme == SignatureScheme::kRsaPkcs1Raw) {
    Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    size_t n = 0;
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_sign(ctx.get(), nullptr, &n, data.data(), data.size()) != 1)
      return ossl::error("PKCS#1 v1.5 signing failed");
    Bytes sig(n);
    if (EVP_PKEY_sign(ctx.get(), sig.data(), &n, data.data(), data.size()) != 1)
      return ossl::error("PKCS#1 v1.5 signing failed");
    sig.resize(n);
    return sig;
  }
  Ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const auto h = scheme_hash(scheme);
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), &pctx, h ? md_of(*h) : nullptr, nullptr, key.get()) != 1)
    return ossl::error(std::string(name(scheme)) + ": signing setup failed");
  if (is_pss(scheme)) TRY(configure_pss(pctx, *h, -1));
  size_t n = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &n, data.data(), data.size()) != 1)
    return ossl::error(std::string(name(scheme)) + ": signing failed");
  Bytes sig(n);
  if (EVP_DigestSign(ctx.get(), sig.data(), &n, data.data(), data.size()) != 1)
    return ossl::error(std::string(name(scheme)) + ": signing failed");
  sig.resize(n);
  return sig;
}

Status verify(const PublicKey& key, SignatureScheme scheme, ByteView data, ByteView signature,
              int pss_salt_length) {
  if (!scheme_fits_key(scheme, key.type()))
    return Error(ErrorCode::kIntegrity, std::string(name(scheme)) +
                                            " signature cannot be verified with an " +
                                            std::string(name(key.type())) + " key");
  const auto mismatch = [&] {
    ossl::clear_errors();
    return Error(ErrorCode::kIntegrity,
                 std::string(name(scheme)) + " signature verification failed");
  };
  if (scheme == SignatureScheme::kRsaPkcs1Raw) {
    Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1)
      return ossl::error("PKCS#1 v1.5 verification setup failed");
    Bytes recovered(signature.size() + 1);
    size_t n = recovered.size();
    if (EVP_PKEY_verify_recover(ctx.get(), recovered.data(), &n, signature.data(),
                                signature.size()) != 1)
      return mismatch();
    recovered.resize(n);
    if (!equal_ct(recovered, data)) return mismatch();
    return ok_status();
  }
  Ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const auto h = scheme_hash(scheme);
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), &pctx, h ? md_of(*h) : nullptr, nullptr, key.get()) != 1)
    return ossl::error(std::string(name(scheme)) + ": verification setup failed");
  if (is_pss(scheme)) TRY(configure_pss(pctx, *h, pss_salt_length));
  if (EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size()) !=
      1)
    return mismatch();
  return ok_status();
}

Result<Bytes> ecdsa_der_to_raw(ByteView der, size_t field) {
  const unsigned char* p = der.data();
  Ptr<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) {
    ossl::clear_errors();
    return Error(ErrorCode::kMalformed, "malformed DER ECDSA signature");
  }
  const BIGNUM *r = nullptr, *s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  TRY_ASSIGN(Bytes rb, ossl::bn_to_bytes(r, field));
  TRY_ASSIGN(Bytes sb, ossl::bn_to_bytes(s, field));
  return concat({rb, sb});
}

Result<Bytes> ecdsa_raw_to_der(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0)
    return Error(ErrorCode::kMalformed, "an r | s ECDSA signature needs an even, non-zero length");
  Ptr<ECDSA_SIG> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(raw.size() / 2), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + raw.size() / 2, static_cast<int>(raw.size() / 2), nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return ossl::error("allocation failed");
  }
  return der_of([&](unsigned char** p) { return i2d_ECDSA_SIG(sig.get(), p); });
}

// ---- RFC 7427 ------------------------------------------------------------------------------

Result<SignatureScheme> scheme_for(KeyType key, v2::HashAlgorithm hash, bool rsa_pss) {
  const std::string what = std::string(name(key)) + " key with " + v2::to_string(hash);
  if (key == KeyType::kEd25519 || key == KeyType::kEd448) {
    if (hash != v2::HashAlgorithm::IDENTITY)
      return Error(ErrorCode::kUnsupported,
                   what + ": EdDSA signs with the identity hash (RFC 8420)");
    return key == KeyType::kEd25519 ? SignatureScheme::kEd25519 : SignatureScheme::kEd448;
  }
  if (key == KeyType::kRsa) {
    switch (hash) {
      case v2::HashAlgorithm::SHA1:
        if (!rsa_pss) return SignatureScheme::kRsaPkcs1Sha1;
        break;
      case v2::HashAlgorithm::SHA2_256:
        return rsa_pss ? SignatureScheme::kRsaPssSha256 : SignatureScheme::kRsaPkcs1Sha256;
      case v2::HashAlgorithm::SHA2_384:
        return rsa_pss ? SignatureScheme::kRsaPssSha384 : SignatureScheme::kRsaPkcs1Sha384;
      case v2::HashAlgorithm::SHA2_512:
        return rsa_pss ? SignatureScheme::kRsaPssSha512 : SignatureScheme::kRsaPkcs1Sha512;
      default:
        break;
    }
  } else if (is_ecdsa_key(key)) {
    switch (hash) {
      case v2::HashAlgorithm::SHA2_256:
        return SignatureScheme::kEcdsaSha256;
      case v2::HashAlgorithm::SHA2_384:
        return SignatureScheme::kEcdsaSha384;
      case v2::HashAlgorithm::SHA2_512:
        return SignatureScheme::kEcdsaSha512;
      default:
        break;
    }
  }
  return Error(ErrorCode::kUnsupported,
               what + (rsa_pss ? " (RSASSA-PSS)" : "") + " is not supported");
}

Result<Bytes> algorithm_identifier(SignatureScheme scheme) {
  Ptr<X509_ALGOR> alg(X509_ALGOR_new());
  if (!alg) return ossl::error("allocation failed");
  int nid = NID_undef;
  int ptype = V_ASN1_UNDEF;
  void* pval = nullptr;
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1:
      nid = NID_sha1WithRSAEncryption;
      ptype = V_ASN1_NULL;
      break;
    case SignatureScheme::kRsaPkcs1Sha256:
      nid = NID_sha256WithRSAEncryption;
      ptype = V_ASN1_NULL;
      break;
    case SignatureScheme::kRsaPkcs1Sha384:
      nid = NID_sha384WithRSAEncryption;
      ptype = V_ASN1_NULL;
      break;
    case SignatureScheme::kRsaPkcs1Sha512:
      nid = NID_sha512WithRSAEncryption;
      ptype = V_ASN1_NULL;
      break;
    case SignatureScheme::kEcdsaSha256:
      nid = NID_ecdsa_with_SHA256;
      break;
    case SignatureScheme::kEcdsaSha384:
      nid = NID_ecdsa_with_SHA384;
      break;
    case SignatureScheme::kEcdsaSha512:
      nid = NID_ecdsa_with_SHA512;
      break;
    case SignatureScheme::kEd25519:
      nid = NID_ED25519;
      break;
    case SignatureScheme::kEd448:
      nid = NID_ED448;
      break;
    case SignatureScheme::kRsaPssSha256:
    case SignatureScheme::kRsaPssSha384:
    case SignatureScheme::kRsaPssSha512: {
      // RFC 4055 §3.1 RSASSA-PSS-params: hashAlgorithm [0], maskGenAlgorithm [1] = MGF1 with
      // the same hash, saltLength [2] = the hash length; trailerField left at its default.
      const Hash h = *scheme_hash(scheme);
      Ptr<RSA_PSS_PARAMS> pss(RSA_PSS_PARAMS_new());
      Ptr<X509_ALGOR> mgf_hash(X509_ALGOR_new());
      if (!pss || !mgf_hash) return ossl::error("allocation failed");
      pss->hashAlgorithm = X509_ALGOR_new();
      pss->maskGenAlgorithm = X509_ALGOR_new();
      pss->saltLength = ASN1_INTEGER_new();
      if (!pss->hashAlgorithm || !pss->maskGenAlgorithm || !pss->saltLength ||
          X509_ALGOR_set0(pss->hashAlgorithm, OBJ_nid2obj(hash_nid(h)), V_ASN1_NULL, nullptr) !=
              1 ||
          X509_ALGOR_set0(mgf_hash.get(), OBJ_nid2obj(hash_nid(h)), V_ASN1_NULL, nullptr) != 1 ||
          ASN1_INTEGER_set(pss->saltLength, static_cast<long>(digest_size(h))) != 1)
        return ossl::error("building RSASSA-PSS parameters failed");
      Bytes mgf_der = der_of([&](unsigned char** p) { return i2d_X509_ALGOR(mgf_hash.get(), p); });
      ASN1_STRING* mgf_param = ASN1_STRING_new();
      if (!mgf_param ||
          ASN1_STRING_set(mgf_param, mgf_der.data(), static_cast<int>(mgf_der.size())) != 1 ||
          X509_ALGOR_set0(pss->maskGenAlgorithm, OBJ_nid2obj(NID_mgf1), V_ASN1_SEQUENCE,
                          mgf_param) != 1) {
        ASN1_STRING_free(mgf_param);
        return ossl::error("building RSASSA-PSS parameters failed");
      }
      Bytes pss_der = der_of([&](unsigned char** p) { return i2d_RSA_PSS_PARAMS(pss.get(), p); });
      ASN1_STRING* params = ASN1_STRING_new();
      if (pss_der.empty() || !params ||
          ASN1_STRING_set(params, pss_der.data(), static_cast<int>(pss_der.size())) != 1) {
        ASN1_STRING_free(params);
        return ossl::error("encoding RSASSA-PSS parameters failed");
      }
      nid = NID_rsassaPss;
      ptype = V_ASN1_SEQUENCE;
      pval = params;
      break;
    }
    case SignatureScheme::kRsaPkcs1Raw:
      return Error(ErrorCode::kUnsupported, "raw PKCS#1 signatures have no AlgorithmIdentifier");
  }
  if (X509_ALGOR_set0(alg.get(), OBJ_nid2obj(nid), ptype, pval) != 1) {
    if (pval) ASN1_STRING_free(static_cast<ASN1_STRING*>(pval));
    return ossl::error("building the AlgorithmIdentifier failed");
  }
  Bytes out = der_of([&](unsigned char** p) { return i2d_X509_ALGOR(alg.get(), p); });
  if (out.empty()) return ossl::error("encoding the AlgorithmIdentifier failed");
  return out;
}

Result<Bytes> digital_signature_prefix(SignatureScheme scheme) {
  TRY_ASSIGN(Bytes alg, algorithm_identifier(scheme));
  if (alg.size() > 255)
    return Error(ErrorCode::kInternal, "AlgorithmIdentifier longer than 255 bytes");
  const uint8_t length = static_cast<uint8_t>(alg.size());  // RFC 7427 §3: ASN.1 Length
  return concat({ByteView(&length, 1), alg});
}

namespace {

// RFC 4055 RSASSA-PSS-params: hash, MGF1 hash (must equal it) and salt length.
Result<DigitalSignature> parse_pss(const ASN1_STRING* params) {
  if (!params)
    return Error(ErrorCode::kUnsupported,
                 "RSASSA-PSS without parameters (SHA-1 defaults) is not supported");
  const unsigned char* p = ASN1_STRING_get0_data(params);
  Ptr<RSA_PSS_PARAMS> pss(d2i_RSA_PSS_PARAMS(nullptr, &p, ASN1_STRING_length(params)));
  if (!pss) {
    ossl::clear_errors();
    return Error(ErrorCode::kMalformed, "malformed RSASSA-PSS parameters");
  }
  const ASN1_OBJECT* obj = nullptr;
  int nid = NID_sha1;  // RFC 4055 default
  if (pss->hashAlgorithm) {
    X509_ALGOR_get0(&obj, nullptr, nullptr, pss->hashAlgorithm);
    nid = OBJ_obj2nid(obj);
  }
  auto h = hash_of_nid(nid);
  int mgf_nid = NID_sha1;
  if (pss->maskGenAlgorithm) {
    int ptype = 0;
    const void* pval = nullptr;
    X509_ALGOR_get0(&obj, &ptype, &pval, pss->maskGenAlgorithm);
    if (OBJ_obj2nid(obj) != NID_mgf1 || ptype != V_ASN1_SEQUENCE)
      return Error(ErrorCode::kUnsupported,
                   "RSASSA-PSS with a mask generation function other than MGF1");
    const auto* s = static_cast<const ASN1_STRING*>(pval);
    const unsigned char* q = ASN1_STRING_get0_data(s);
    Ptr<X509_ALGOR> mgf_hash(d2i_X509_ALGOR(nullptr, &q, ASN1_STRING_length(s)));
    if (!mgf_hash) {
      ossl::clear_errors();
      return Error(ErrorCode::kMalformed, "malformed MGF1 parameters");
    }
    X509_ALGOR_get0(&obj, nullptr, nullptr, mgf_hash.get());
    mgf_nid = OBJ_obj2nid(obj);
  }
  if (!h || *h == Hash::kSha1 || mgf_nid != nid)
    return Error(ErrorCode::kUnsupported,
                 "RSASSA-PSS is supported with SHA-256/384/512 and MGF1 over the same hash");
  long salt = 20;
  if (pss->saltLength) salt = ASN1_INTEGER_get(pss->saltLength);
  if (salt < 0 || salt > 1024) return Error(ErrorCode::kMalformed, "bad RSASSA-PSS salt length");
  if (pss->trailerField && ASN1_INTEGER_get(pss->trailerField) != 1)
    return Error(ErrorCode::kUnsupported, "RSASSA-PSS trailer field other than 1");
  DigitalSignature d{*h == Hash::kSha256   ? SignatureScheme::kRsaPssSha256
                     : *h == Hash::kSha384 ? SignatureScheme::kRsaPssSha384
                                           : SignatureScheme::kRsaPssSha512,
                     static_cast<int>(salt),
                     {}};
  return d;
}

}  // namespace

Result<DigitalSignature> parse_digital_signature(ByteView auth_data) {
  wire::Reader r(auth_data);
  auto len = r.u8();
  if (!len.ok()) return Error(ErrorCode::kMalformed, "empty DIGITAL_SIGNATURE authentication data");
  auto alg_der = r.bytes(*len);
  if (!alg_der.ok() || *len == 0)
    return Error(ErrorCode::kMalformed, "AlgorithmIdentifier length " + std::to_string(*len) +
                                            " exceeds the authentication data");
  const unsigned char* p = alg_der->data();
  Ptr<X509_ALGOR> alg(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(alg_der->size())));
  if (!alg || p != alg_der->data() + alg_der->size()) {
    ossl::clear_errors();
    return Error(ErrorCode::kMalformed, "malformed AlgorithmIdentifier in DIGITAL_SIGNATURE data");
  }
  const ASN1_OBJECT* obj = nullptr;
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(&obj, &ptype, &pval, alg.get());
  const int nid = OBJ_obj2nid(obj);
  DigitalSignature d{SignatureScheme::kRsaPkcs1Sha256, -1, {}};
  switch (nid) {
    case NID_sha1WithRSAEncryption:
      d.scheme = SignatureScheme::kRsaPkcs1Sha1;
      break;
    case NID_sha256WithRSAEncryption:
      d.scheme = SignatureScheme::kRsaPkcs1Sha256;
      break;
    case NID_sha384WithRSAEncryption:
      d.scheme = SignatureScheme::kRsaPkcs1Sha384;
      break;
    case NID_sha512WithRSAEncryption:
      d.scheme = SignatureScheme::kRsaPkcs1Sha512;
      break;
    case NID_ecdsa_with_SHA256:
      d.scheme = SignatureScheme::kEcdsaSha256;
      break;
    case NID_ecdsa_with_SHA384:
      d.scheme = SignatureScheme::kEcdsaSha384;
      break;
    case NID_ecdsa_with_SHA512:
      d.scheme = SignatureScheme::kEcdsaSha512;
      break;
    case NID_ED25519:
      d.scheme = SignatureScheme::kEd25519;
      break;
    case NID_ED448:
      d.scheme = SignatureScheme::kEd448;
      break;
    case NID_rsassaPss: {
      TRY_ASSIGN(
          d, parse_pss(ptype == V_ASN1_SEQUENCE ? static_cast<const ASN1_STRING*>(pval) : nullptr));
      break;
    }
    default: {
      char oid[80] = {};
      OBJ_obj2txt(oid, sizeof(oid), obj, 1);
      return Error(ErrorCode::kUnsupported, std::string("unsupported signature algorithm ") + oid +
                                                " in DIGITAL_SIGNATURE data");
    }
  }
  d.signature = r.rest();
  if (d.signature.empty())
    return Error(ErrorCode::kMalformed, "DIGITAL_SIGNATURE data without a signature");
  return d;
}

Result<Bytes> auth_sign(const PrivateKey& key, v2::AuthMethod method, ByteView octets,
                        std::optional<SignatureScheme> scheme) {
  if (method == v2::AuthMethod::DIGITAL_SIGNATURE) {
    const SignatureScheme s = scheme ? *scheme : default_scheme(key.type());
    TRY_ASSIGN(Bytes prefix, digital_signature_prefix(s));
    TRY_ASSIGN(Bytes sig, sign(key, s, octets));
    return concat({prefix, sig});
  }
  TRY_ASSIGN(MethodSpec spec, method_spec(method));
  TRY(check_key(spec.key, key.type(), v2::to_string(method)));
  TRY_ASSIGN(Bytes sig, sign(key, spec.scheme, octets));
  if (!spec.raw_ecdsa) return sig;
  return ecdsa_der_to_raw(sig, field_size(spec.key));  // RFC 4754 §7: r | s
}

Result<SignatureScheme> auth_verify(const PublicKey& key, v2::AuthMethod method, ByteView octets,
                                    ByteView auth_data,
                                    std::span<const SignatureScheme> acceptable) {
  if (method == v2::AuthMethod::DIGITAL_SIGNATURE) {
    TRY_ASSIGN(DigitalSignature d, parse_digital_signature(auth_data));
    if (!acceptable.empty()) {
      bool ok = false;
      for (SignatureScheme a : acceptable) ok |= a == d.scheme;
      if (!ok)
        return Error(ErrorCode::kIntegrity,
                     std::string(name(d.scheme)) + " is not an acceptable signature scheme");
    }
    TRY(verify(key, d.scheme, octets, d.signature, d.pss_salt_length));
    return d.scheme;
  }
  TRY_ASSIGN(MethodSpec spec, method_spec(method));
  if (key.type() != spec.key)
    return Error(ErrorCode::kIntegrity, v2::to_string(method) +
                                            " AUTH cannot be verified with an " +
                                            std::string(name(key.type())) + " key");
  if (!spec.raw_ecdsa) {
    TRY(verify(key, spec.scheme, octets, auth_data));
    return spec.scheme;
  }
  if (auth_data.size() != 2 * field_size(spec.key))
    return Error(ErrorCode::kIntegrity, v2::to_string(method) + " signature of " +
                                            std::to_string(auth_data.size()) + " bytes, expected " +
                                            std::to_string(2 * field_size(spec.key)));
  TRY_ASSIGN(Bytes der, ecdsa_raw_to_der(auth_data));
  TRY(verify(key, spec.scheme, octets, der));
  return spec.scheme;
}

Bytes encode_hash_algorithms(std::span<const v2::HashAlgorithm> hashes) {
  wire::Writer w;
  for (auto h : hashes) w.u16(static_cast<uint16_t>(h));
  return Bytes(w.data().begin(), w.data().end());
}

Result<std::vector<v2::HashAlgorithm>> parse_hash_algorithms(ByteView data) {
  if (data.size() % 2 != 0)
    return Error(ErrorCode::kMalformed,
                 "SIGNATURE_HASH_ALGORITHMS data of odd length " + std::to_string(data.size()));
  wire::Reader r(data);
  std::vector<v2::HashAlgorithm> out;
  while (!r.empty()) {
    TRY_ASSIGN(uint16_t v, r.u16());
    out.push_back(static_cast<v2::HashAlgorithm>(v));
  }
  return out;
}

std::optional<v2::HashAlgorithm> select_signature_hash(std::span<const v2::HashAlgorithm> ours,
                                                       std::span<const v2::HashAlgorithm> peers,
                                                       KeyType key) {
  auto both = [&](v2::HashAlgorithm h) {
    bool a = false, b = false;
    for (auto x : ours) a |= x == h;
    for (auto x : peers) b |= x == h;
    return a && b;
  };
  if (key == KeyType::kEd25519 || key == KeyType::kEd448)
    return both(v2::HashAlgorithm::IDENTITY) ? std::optional(v2::HashAlgorithm::IDENTITY)
                                             : std::nullopt;
  for (auto h : {v2::HashAlgorithm::SHA2_512, v2::HashAlgorithm::SHA2_384,
                 v2::HashAlgorithm::SHA2_256, v2::HashAlgorithm::SHA1}) {
    if (!both(h)) continue;
    if (h == v2::HashAlgorithm::SHA1 && key != KeyType::kRsa) continue;  // no ecdsa-with-SHA1 here
    return h;
  }
  return std::nullopt;
}

// ---- IKEv1 ---------------------------------------------------------------------------------

namespace {

Result<MethodSpec> v1_method_spec(v1::OakleyAuthMethod m) {
  switch (m) {
    case v1::OakleyAuthMethod::RSA_SIG:
    case v1::OakleyAuthMethod::XAUTH_INIT_RSA:
    case v1::OakleyAuthMethod::XAUTH_RESP_RSA:
      return MethodSpec{SignatureScheme::kRsaPkcs1Raw, KeyType::kRsa, false};
    case v1::OakleyAuthMethod::ECDSA_SHA256_P256:
      return MethodSpec{SignatureScheme::kEcdsaSha256, KeyType::kEcdsaP256, true};
    case v1::OakleyAuthMethod::ECDSA_SHA384_P384:
      return MethodSpec{SignatureScheme::kEcdsaSha384, KeyType::kEcdsaP384, true};
    case v1::OakleyAuthMethod::ECDSA_SHA512_P521:
      return MethodSpec{SignatureScheme::kEcdsaSha512, KeyType::kEcdsaP521, true};
    default:
      return Error(ErrorCode::kConfig, v1::to_string(m) + " is not a supported signature method");
  }
}

}  // namespace

Result<Bytes> ikev1_sign(const PrivateKey& key, v1::OakleyAuthMethod method, ByteView hash) {
  TRY_ASSIGN(MethodSpec spec, v1_method_spec(method));
  TRY(check_key(spec.key, key.type(), v1::to_string(method)));
  TRY_ASSIGN(Bytes sig, sign(key, spec.scheme, hash));
  if (!spec.raw_ecdsa) return sig;
  return ecdsa_der_to_raw(sig, field_size(spec.key));
}

Status ikev1_verify(const PublicKey& key, v1::OakleyAuthMethod method, ByteView hash,
                    ByteView signature) {
  TRY_ASSIGN(MethodSpec spec, v1_method_spec(method));
  if (key.type() != spec.key)
    return Error(ErrorCode::kIntegrity, v1::to_string(method) +
                                            " signature cannot be verified with an " +
                                            std::string(name(key.type())) + " key");
  if (!spec.raw_ecdsa) return verify(key, spec.scheme, hash, signature);
  if (signature.size() != 2 * field_size(spec.key))
    return Error(ErrorCode::kIntegrity, v1::to_string(method) + " signature of wrong length");
  TRY_ASSIGN(Bytes der, ecdsa_raw_to_der(signature));
  return verify(key, spec.scheme, hash, der);
}

}  // namespace ikesuite::crypto
