// Pseudo-random functions (IKEv2 transform type 2, RFC 7296 §3.3.2) and prf+ (RFC 7296 §2.13),
// plus the IKEv1 PRF, which is the HMAC of the negotiated hash (RFC 2409 §4).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/crypto/hash.h"
#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::crypto {

class Prf {
 public:
  // HMAC_MD5, HMAC_SHA1, HMAC_SHA2_256/384/512 (RFC 2104, RFC 4868), AES128_XCBC (RFC 4434)
  // and AES128_CMAC (RFC 4615). Anything else is kUnsupported.
  static Result<Prf> create(v2::PrfId id);
  // RFC 2409 §4: an IKEv1 SA's PRF is the HMAC version of its Hash Algorithm.
  static Result<Prf> create_v1(v1::OakleyHash hash);

  v2::PrfId id() const { return id_; }
  size_t output_size() const;
  // RFC 7296 §2.13/§2.14: the length of SK_d, SK_pi and SK_pr. For HMAC PRFs the output size
  // (RFC 4868 §2.1.2), for the AES PRFs 16 bytes.
  size_t preferred_key_size() const;
  // The hash of an HMAC PRF (IKEv1 uses it for IVs and NAT-D); nullopt for the AES PRFs.
  std::optional<Hash> hash() const;

  // prf(key, data). The AES PRFs accept any key length and normalise it as RFC 4434 §2 and
  // RFC 4615 §3 require.
  Result<Bytes> compute(ByteView key, ByteView data) const;
  Result<Bytes> compute(ByteView key, std::initializer_list<ByteView> data) const;
  // RFC 7296 §2.13: prf+(K, S) = T1 | T2 | ... with T1 = prf(K, S | 0x01) and
  // Tn = prf(K, Tn-1 | S | n), truncated to `length`. At most 255 blocks: a longer request
  // fails with kCrypto.
  Result<Bytes> plus(ByteView key, ByteView seed, size_t length) const;

 private:
  explicit Prf(v2::PrfId id) : id_(id) {}
  v2::PrfId id_;
};

}  // namespace ikesuite::crypto
