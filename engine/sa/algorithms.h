// IKEv2 transform IDs to the Linux kernel's crypto names for XFRM, and back. The names and
// ICV/truncation lengths are those the kernel's xfrm_algo tables register (and strongSwan's
// kernel_netlink plugin uses): ENCR_AES_CBC is "cbc(aes)", ENCR_AES_GCM_16 is
// "rfc4106(gcm(aes))" with a 128-bit ICV, AUTH_HMAC_SHA2_256_128 is "hmac(sha256)" truncated
// to 128 bits. Shared by the xfrm backend (to build XFRMA_ALG_* attributes and to read dumps)
// and the memory backend (to reject what a kernel with ESP would reject).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/sa/sa_backend.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::sa {

struct EncrInfo {
  v2::EncrId id;
  std::string_view kernel_name;  // XFRMA_ALG_CRYPT or XFRMA_ALG_AEAD name
  bool aead = false;
  uint32_t icv_bits = 0;         // AEAD only (XFRMA_ALG_AEAD alg_icv_len)
  // Key sizes in bytes without the salt: min..max in steps of `step` (a single size when
  // min == max).
  uint32_t key_min = 0;
  uint32_t key_max = 0;
  uint32_t key_step = 8;
  // Bytes appended to the key for counter and AEAD modes (RFC 3686 nonce, RFC 4106/4309/
  // 7634 salt), part of the keying material IKE derives (RFC 7296 2.17).
  uint32_t salt = 0;
};

struct IntegInfo {
  v2::IntegId id;
  std::string_view kernel_name;  // XFRMA_ALG_AUTH_TRUNC name
  uint32_t key_bytes = 0;
  uint32_t trunc_bits = 0;
};

// nullopt when the kernel has no XFRM algorithm for the transform (DES_IV64, RC5, IDEA,
// CAMELLIA_CCM_*, AES_*_GMAC integrity, ...).
std::optional<EncrInfo> encr_info(v2::EncrId id);
std::optional<IntegInfo> integ_info(v2::IntegId id);
// Reverse lookups for dumps: from the kernel name (and ICV/truncation length, which tells
// AES_GCM_8 from AES_GCM_16 and HMAC_MD5_96 from HMAC_MD5_128).
std::optional<v2::EncrId> encr_from_kernel(std::string_view kernel_name, uint32_t icv_bits);
std::optional<v2::IntegId> integ_from_kernel(std::string_view kernel_name, uint32_t trunc_bits);

// The algorithm attributes an SA gets. ESP carries `crypt` (plus `auth` unless the cipher is
// AEAD) or `aead`; AH carries only `auth`.
struct KernelAlgorithms {
  struct Cipher {
    std::string name;
    Bytes key;
  };
  struct Aead {
    std::string name;
    Bytes key;
    uint32_t icv_bits = 0;
  };
  struct Auth {
    std::string name;
    Bytes key;
    uint32_t trunc_bits = 0;
  };
  std::optional<Cipher> crypt;
  std::optional<Aead> aead;
  std::optional<Auth> auth;
};

// Maps the spec's transforms. Fails with an Error carrying ENOSYS when the kernel has no
// such algorithm (the kernel's own answer to an unknown name) and EINVAL for combinations
// XFRM refuses (AEAD plus integrity, AH without integrity, a cipher key for AH).
Result<KernelAlgorithms> kernel_algorithms(const SaSpec& spec);

// Checks key lengths as the kernel's crypto layer does when it keys the transforms (EINVAL
// on a mismatch). For HMAC it is stricter than the kernel, which takes any key length: RFC
// 2404 3, RFC 4868 2.1.1 and RFC 7296 2.17 fix the key size to the hash size, so any other
// length is an engine bug. Kept apart from kernel_algorithms(): the xfrm backend leaves this
// judgement to the real kernel, whose answer is the point of a conformance run.
Status check_key_lengths(const SaSpec& spec);

}  // namespace ikesuite::sa
