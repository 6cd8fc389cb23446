// Protection of the IKEv2 Encrypted payload (SK, RFC 7296 §3.14) and Encrypted Fragment
// payload (SKF, RFC 7383 §2.5), byte for byte:
//
//   body = IV | E(inner payloads | Padding | Pad Length) | ICV
//
//  - classic ciphers (RFC 7296 §3.14): the ICV is the truncated integrity MAC over every byte
//    of the message from the IKE header through the Pad Length, that is prefix | IV |
//    ciphertext, keyed with SK_ai/SK_ar;
//  - AEAD ciphers (RFC 5282 §5, RFC 7634 §4): the AAD is the prefix (IKE header, payloads
//    before SK, and the SK generic header; for SKF, RFC 7383 §2.5, the SKF header with
//    Fragment Number and Total Fragments), the nonce is salt | IV, and the tag is the ICV.
//
// `prefix` must already carry the final lengths (IKE header Length, SK Payload Length),
// which the caller computes from sealed_size().
#pragma once

#include <cstddef>
#include <optional>

#include "engine/base/bytes.h"
#include "engine/base/random.h"
#include "engine/base/result.h"
#include "engine/crypto/cipher.h"
#include "engine/crypto/integ.h"

namespace ikesuite::crypto {

struct SkSuite {
  Cipher cipher;
  std::optional<Integrity> integ;  // absent for AEAD ciphers
};

// The keys of one direction: SK_ei/SK_ai (initiator to responder) or SK_er/SK_ar.
struct SkKeys {
  Bytes encr;
  Bytes integ;  // empty for AEAD
};

// Checks that the suite can protect IKE messages: an AEAD cipher without integrity, or a
// classic cipher with one (RFC 7296 §3.3: NULL encryption and GMAC are ESP-only).
Status check_suite(const SkSuite& suite);

// The padding block (the cipher's block size) and ICV length of the suite.
size_t sk_icv_size(const SkSuite& suite);
// Size of the body seal() produces for `plaintext_size` bytes of inner payloads: IV + padded
// ciphertext (including the Pad Length byte) + ICV. Padding is the minimum that aligns the
// plaintext and Pad Length byte to the cipher's block size.
size_t sealed_size(const SkSuite& suite, size_t plaintext_size);
// Smallest possible body (no payloads inside), and the largest inner payload chain that fits
// into a body of `body_size` bytes (for fragmentation, RFC 7383 §2.5.1).
size_t min_sealed_size(const SkSuite& suite);
size_t max_plaintext_for(const SkSuite& suite, size_t body_size);

// Encrypts and authenticates `plaintext` (the inner payload chain). The IV is drawn from
// `rng`; the padding bytes are zero (RFC 7296 §3.14 lets the sender choose).
Result<Bytes> seal(const SkSuite& suite, const SkKeys& keys, ByteView prefix, ByteView plaintext,
                   Random& rng);

// Verifies, decrypts and strips the padding of an SK/SKF body, returning the inner payload
// chain. Verification comes first: a body whose ICV does not match fails with kIntegrity and
// nothing is decrypted; a body too short for IV and ICV is kLength; a Pad Length that
// exceeds the decrypted data is kMalformed.
Result<Bytes> open(const SkSuite& suite, const SkKeys& keys, ByteView prefix, ByteView body);

}  // namespace ikesuite::crypto
