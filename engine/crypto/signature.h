// Signatures for IKE authentication:
//  - IKEv2 AUTH method 1, RSA Digital Signature (RFC 7296 §3.8): RSASSA-PKCS1-v1_5 with SHA-1;
//  - methods 9/10/11, ECDSA with SHA-256/P-256, SHA-384/P-384, SHA-512/P-521 (RFC 4754 §7):
//    the signature is r | s, each the curve's length;
//  - method 14, Digital Signature (RFC 7427 §3): AUTH data = 1-byte length | DER
//    AlgorithmIdentifier | signature, for sha{1,256,384,512}WithRSAEncryption, RSASSA-PSS with
//    SHA-256/384/512 (MGF1 with the same hash, salt = hash length), ecdsa-with-SHA{256,384,512}
//    (DER signature) and Ed25519/Ed448 (RFC 8420, the "identity" hash);
//  - IKEv1 RSA signatures (RFC 2409 §5.1): PKCS#1 v1.5 padding over the raw HASH_I/HASH_R,
//    without DigestInfo; IKEv1 ECDSA (RFC 4754) as IKEv2's methods 9-11.
// Plus the SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 §4): its data and the choice of a hash.
//
// ECDSA and RSA-PSS signatures draw randomness from OpenSSL's DRBG, not from the engine's
// Random: they are the one output of a seeded run that is not reproducible byte for byte.
// Verification failures are kIntegrity errors.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/crypto/hash.h"
#include "engine/crypto/pki.h"
#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::crypto {

enum class SignatureScheme : uint8_t {
  kRsaPkcs1Sha1,
  kRsaPkcs1Sha256,
  kRsaPkcs1Sha384,
  kRsaPkcs1Sha512,
  kRsaPssSha256,
  kRsaPssSha384,
  kRsaPssSha512,
  kEcdsaSha256,  // DER-encoded (r, s); RFC 4754's fixed r | s form is a separate encoding
  kEcdsaSha384,
  kEcdsaSha512,
  kEd25519,
  kEd448,
  kRsaPkcs1Raw,  // IKEv1: PKCS#1 v1.5 type 1 padding over the data itself, no hash
};

std::string_view name(
    SignatureScheme s);  // "RSA_EMSA_PKCS1_SHA2_256", "ECDSA_WITH_SHA384_DER", ...
// The hash the scheme signs with (nullopt for EdDSA and the raw IKEv1 RSA scheme).
std::optional<Hash> scheme_hash(SignatureScheme s);
// Whether a key of this type can produce/verify the scheme.
bool scheme_fits_key(SignatureScheme s, KeyType key);

// Signs `data` (the scheme hashes it). For RSA-PSS the salt is as long as the hash.
Result<Bytes> sign(const PrivateKey& key, SignatureScheme scheme, ByteView data);
// `pss_salt_length` overrides the salt length for RSA-PSS (-1: the hash length).
Status verify(const PublicKey& key, SignatureScheme scheme, ByteView data, ByteView signature,
              int pss_salt_length = -1);

// RFC 4754 §7: an ECDSA signature as r | s, each `field_size` bytes, and back to DER.
Result<Bytes> ecdsa_der_to_raw(ByteView der, size_t field_size);
Result<Bytes> ecdsa_raw_to_der(ByteView raw);

// ---- IKEv2 AUTH payload --------------------------------------------------------------------

// The scheme RFC 7427 signing uses for a key and a negotiated hash: RSA keys sign PKCS#1 v1.5
// (or RSASSA-PSS when `rsa_pss`), ECDSA keys ecdsa-with-<hash>; EdDSA keys need IDENTITY.
Result<SignatureScheme> scheme_for(KeyType key, v2::HashAlgorithm hash, bool rsa_pss = false);

// RFC 7427 §3: the DER AlgorithmIdentifier of a scheme (with explicit RSASSA-PSS-params:
// hash, MGF1 with the same hash, salt length = hash length; NULL hash parameters, as in
// RFC 7427 Appendix A), and the AUTH data prefix: its 1-byte length followed by it.
Result<Bytes> algorithm_identifier(SignatureScheme scheme);
Result<Bytes> digital_signature_prefix(SignatureScheme scheme);

struct DigitalSignature {
  SignatureScheme scheme;
  int pss_salt_length = -1;  // from RSASSA-PSS-params
  ByteView signature;        // points into the parsed AUTH data
};
// Parses method-14 AUTH data. Unknown algorithms are kUnsupported; a length byte or
// AlgorithmIdentifier that does not parse is kMalformed.
Result<DigitalSignature> parse_digital_signature(ByteView auth_data);

// The AUTH payload's Authentication Data for a signature method:
//  - RSA_SIG (1) needs an RSA key (SHA-1 PKCS#1 v1.5);
//  - ECDSA_SHA256_P256/384/521 (9-11) need the matching curve;
//  - DIGITAL_SIGNATURE (14) signs with `scheme` (see scheme_for), which must fit the key.
Result<Bytes> auth_sign(const PrivateKey& key, v2::AuthMethod method, ByteView signed_octets,
                        std::optional<SignatureScheme> scheme = std::nullopt);
// Verifies AUTH data against the peer's public key. For DIGITAL_SIGNATURE, `acceptable` lists
// the schemes the policy allows (empty: any the key fits); the scheme used is returned.
Result<SignatureScheme> auth_verify(const PublicKey& key, v2::AuthMethod method,
                                    ByteView signed_octets, ByteView auth_data,
                                    std::span<const SignatureScheme> acceptable = {});

// RFC 7427 §4: SIGNATURE_HASH_ALGORITHMS notification data (2-byte hash identifiers) and
// its parse (an odd length is kMalformed; unknown identifiers are kept).
Bytes encode_hash_algorithms(std::span<const v2::HashAlgorithm> hashes);
Result<std::vector<v2::HashAlgorithm>> parse_hash_algorithms(ByteView data);
// The strongest hash both sides announced that suits `key` (SHA2_512 > SHA2_384 > SHA2_256 >
// SHA1 for RSA and ECDSA keys; IDENTITY for EdDSA keys, RFC 8420 §2), or nullopt.
std::optional<v2::HashAlgorithm> select_signature_hash(std::span<const v2::HashAlgorithm> ours,
                                                       std::span<const v2::HashAlgorithm> peers,
                                                       KeyType key);

// ---- IKEv1 ---------------------------------------------------------------------------------

// The SIG payload for RSA_SIG (PKCS#1 v1.5 over the raw HASH) and ECDSA_SHA256_P256/
// 384_P384/512_P521 (RFC 4754: hash of HASH with the curve's hash, r | s).
Result<Bytes> ikev1_sign(const PrivateKey& key, v1::OakleyAuthMethod method, ByteView hash);
Status ikev1_verify(const PublicKey& key, v1::OakleyAuthMethod method, ByteView hash,
                    ByteView signature);

}  // namespace ikesuite::crypto
