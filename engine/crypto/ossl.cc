#include "engine/crypto/ossl.h"

#include <openssl/err.h>

namespace ikesuite::crypto::ossl {

Error error(std::string_view what, ErrorCode code) {
  std::string reason(what);
  unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    reason += " (";
    reason += buf;
    reason += ")";
  }
  ERR_clear_error();
  return Error(code, std::move(reason));
}

void clear_errors() {
  ERR_clear_error();
}

Result<Bytes> bn_to_bytes(const BIGNUM* bn, size_t size) {
  Bytes out(size);
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(size)) < 0)
    return error("number does not fit in " + std::to_string(size) + " bytes");
  return out;
}

Ptr<BIGNUM> bn_from_bytes(ByteView bytes) {
  return Ptr<BIGNUM>(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
}

// Fetching is a locked lookup in OpenSSL's method store; these objects are immutable, so one
// fetch per process serves every thread.
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

EVP_MAC* cmac_algorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
  return mac;
}

}  // namespace ikesuite::crypto::ossl
