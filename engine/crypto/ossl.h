// Glue to OpenSSL 3 for engine/crypto's own sources (not a public header of the module):
// owning pointers for OpenSSL objects and errors that carry OpenSSL's reason text.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/result.h"

namespace ikesuite::crypto::ossl {

struct Free {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(EVP_MAC* p) const { EVP_MAC_free(p); }
  void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
  void operator()(BN_CTX* p) const { BN_CTX_free(p); }
  void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
  void operator()(EC_POINT* p) const { EC_POINT_clear_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_NAME* p) const { X509_NAME_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(X509_ALGOR* p) const { X509_ALGOR_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
  void operator()(RSA_PSS_PARAMS* p) const { RSA_PSS_PARAMS_free(p); }
  void operator()(ASN1_OBJECT* p) const { ASN1_OBJECT_free(p); }
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
  void operator()(unsigned char* p) const { OPENSSL_free(p); }
};

template <typename T>
using Ptr = std::unique_ptr<T, Free>;

// A kCrypto (or `code`) Error whose reason is `what`, followed by the reason OpenSSL queued
// for the failed call, if any. Drains OpenSSL's error queue so that later calls start clean.
Error error(std::string_view what, ErrorCode code = ErrorCode::kCrypto);
// Drops whatever OpenSSL queued (after a failure we turned into a value of our own).
void clear_errors();

// Big-endian bytes of `bn`, left-padded with zeros to `size` (fails if it does not fit).
Result<Bytes> bn_to_bytes(const BIGNUM* bn, size_t size);
Ptr<BIGNUM> bn_from_bytes(ByteView bytes);

// The fetched (and cached for the life of the process) HMAC and CMAC implementations.
EVP_MAC* hmac_algorithm();
EVP_MAC* cmac_algorithm();

}  // namespace ikesuite::crypto::ossl
