// Integrity algorithms (IKEv2 transform type 3) for the SK payload (RFC 7296 §3.14) and the
// truncated-MAC facts ESP needs: HMAC-MD5-96 (RFC 2403), HMAC-SHA1-96 (RFC 2404),
// AES-XCBC-96 (RFC 3566), AES-CMAC-96 (RFC 4494), HMAC-SHA2-256-128/-384-192/-512-256
// (RFC 4868), and the untruncated HMAC-MD5-128 / HMAC-SHA1-160 (RFC 4595).
#pragma once

#include <cstddef>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::crypto {

class Integrity {
 public:
  static Result<Integrity> create(v2::IntegId id);

  v2::IntegId id() const { return id_; }
  // Bytes of keying material (SK_ai/SK_ar, or from KEYMAT for ESP).
  size_t key_size() const;
  // Length of the (truncated) ICV on the wire.
  size_t icv_size() const;

  // The truncated ICV over `data`. The key must be exactly key_size() bytes.
  Result<Bytes> compute(ByteView key, ByteView data) const;
  // Recomputes and compares in constant time; false on any failure, including a key or ICV
  // of the wrong length.
  bool verify(ByteView key, ByteView data, ByteView icv) const;

 private:
  explicit Integrity(v2::IntegId id) : id_(id) {}
  v2::IntegId id_;
};

}  // namespace ikesuite::crypto
