// Facts about transforms that the engines and the SA backend need: how much keying material
// each takes, the names charon prints for them, and the mapping between the IKEv1 registries
// (Oakley attributes, IPsec DOI ESP transform IDs and authentication algorithms) and the
// IKEv2 transform IDs the SA backend speaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::crypto {

// Keying material for an encryption transform in bytes, including the salt/nonce of CTR, CCM,
// GCM, GMAC and ChaCha20-Poly1305 (RFC 3686 §5.1, RFC 4309 §7.1, RFC 4106 §8.1, RFC 4543 §6,
// RFC 7634 §2); 0 when the algorithm or key length is unknown. `key_bits` is the Key Length
// attribute (0 when absent).
size_t encr_key_size(v2::EncrId id, uint16_t key_bits);
// Whether the algorithm is a combined-mode (AEAD) cipher, which takes no integrity transform.
bool is_aead(v2::EncrId id);
// Whether the Key Length attribute is required (AES, Camellia: RFC 7296 §3.3.5).
bool needs_key_length(v2::EncrId id);
// Integrity keying material in bytes (GMAC: key + 4-byte salt, RFC 4543 §6); 0 if unknown.
size_t integ_key_size(v2::IntegId id);

// The names charon logs ("AES_CBC", "HMAC_SHA2_256_128", "PRF_HMAC_SHA2_256", "MODP_2048",
// "CURVE_25519", "NO_EXT_SEQ"); empty for values it has no name for.
std::string_view strongswan_name(v2::EncrId id);
std::string_view strongswan_name(v2::IntegId id);
std::string_view strongswan_name(v2::PrfId id);
std::string_view strongswan_name(v2::DhGroup id);
std::string_view strongswan_name(v2::EsnId id);

// IKEv1 phase 1 (RFC 2409 Appendix A) <-> IKEv2 transform IDs.
std::optional<v2::EncrId> encr_from_v1(v1::OakleyEncryption alg);
std::optional<v1::OakleyEncryption> encr_to_v1(v2::EncrId id);
std::optional<v2::PrfId> prf_from_v1(v1::OakleyHash hash);
std::optional<v1::OakleyHash> hash_to_v1(v2::PrfId prf);
// The IKEv1 hash that goes with an integrity algorithm (how strongSwan turns "aes-sha256" into
// an Oakley Hash attribute): HMAC_SHA2_256_128 -> SHA2_256, ...
std::optional<v1::OakleyHash> hash_to_v1(v2::IntegId integ);
// The integrity algorithm an IKEv1 SA's hash implies, for logs in IKEv2 terms.
std::optional<v2::IntegId> integ_from_v1(v1::OakleyHash hash);

// IKEv1 phase 2 (RFC 2407 §4.4.4 / §4.5) <-> IKEv2 transform IDs, for installing SAs.
std::optional<v2::EncrId> encr_from_v1(v1::EspTransformId id);
std::optional<v1::EspTransformId> esp_to_v1(v2::EncrId id);
std::optional<v2::IntegId> integ_from_v1(v1::IpsecAuthAlgorithm alg);
std::optional<v1::IpsecAuthAlgorithm> auth_to_v1(v2::IntegId id);

}  // namespace ikesuite::crypto
