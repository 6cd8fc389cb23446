// Key exchange (IKEv2 transform type 4, the IKEv1 Group Description): MODP groups 1, 2
// (RFC 2409 §6), 5, 14-18 (RFC 3526) and 22-24 (RFC 5114), NIST curves 19-21 (RFC 5903) and
// 25-26 (RFC 5114), Brainpool curves 27-30 (RFC 6954), Curve25519 and Curve448 (RFC 8031).
//
// Private values are drawn from the Random the caller passes, so a SeededRandom reproduces a
// run's KE payloads byte for byte. Public values are in the KE payload encoding:
//  - MODP: big-endian, left-padded to the prime's length (RFC 7296 §3.4)
//  - ECP: x | y, each the field's length, without the 0x04 prefix (RFC 5903 §7, RFC 6954 §3)
//  - Curve25519/448: the RFC 7748 u-coordinate (RFC 8031 §3)
// Shared secrets: MODP left-padded to the prime's length (RFC 7296 §2.14), ECP the
// x-coordinate (RFC 5903 §9), X25519/X448 the RFC 7748 output.
#pragma once

#include <cstddef>
#include <memory>

#include "engine/base/bytes.h"
#include "engine/base/random.h"
#include "engine/base/result.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::crypto {

bool is_supported(v2::DhGroup group);
// Bytes of the KE payload's key exchange data; 0 for unsupported groups.
size_t public_value_size(v2::DhGroup group);
// Bytes of the shared secret (g^ir); 0 for unsupported groups.
size_t shared_secret_size(v2::DhGroup group);

class KeyExchange {
 public:
  virtual ~KeyExchange() = default;
  KeyExchange(const KeyExchange&) = delete;
  KeyExchange& operator=(const KeyExchange&) = delete;

  // A fresh key pair with a private value drawn from `rng`.
  static Result<std::unique_ptr<KeyExchange>> create(v2::DhGroup group, Random& rng);
  // A key pair from a known private value (as private_value() returns it): known-answer tests,
  // and replaying a capture whose keys were logged.
  static Result<std::unique_ptr<KeyExchange>> from_private(v2::DhGroup group,
                                                           ByteView private_value);

  v2::DhGroup group() const { return group_; }
  // The KE payload's key exchange data.
  const Bytes& public_value() const { return public_; }
  // The private value (MODP exponent, EC scalar, or X25519/X448 private key), big-endian for
  // MODP and ECP. For logs of test runs and decryption tools only.
  virtual Bytes private_value() const = 0;

  // g^ir from the peer's KE data. The peer value is validated first (length for all groups;
  // 1 < y < p-1 and, for the RFC 5114 groups, y^q = 1 (RFC 6989 §2.2) for MODP; on the curve
  // for ECP (RFC 6989 §2.3); an all-zero result rejected for X25519/X448 (RFC 8031 §2)).
  // Failures are kCrypto errors; the engine answers them (INVALID_SYNTAX, or
  // INVALID_KE_PAYLOAD for a length that does not match the group).
  virtual Result<Bytes> shared_secret(ByteView peer_public) const = 0;

 protected:
  explicit KeyExchange(v2::DhGroup group) : group_(group) {}
  v2::DhGroup group_;
  Bytes public_;
};

}  // namespace ikesuite::crypto
