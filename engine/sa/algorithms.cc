#include "engine/sa/algorithms.h"

#include <cerrno>

namespace ikesuite::sa {
namespace {

using v2::EncrId;
using v2::IntegId;

// RFC 4303 / RFC 7296 ESP ciphers the kernel registers for XFRM.
constexpr EncrInfo kEncrs[] = {
    {EncrId::DES, "cbc(des)", false, 0, 8, 8, 8, 0},
    {EncrId::TripleDES, "cbc(des3_ede)", false, 0, 24, 24, 8, 0},
    // RFC 2144: CAST-128 keys from 40 to 128 bits; RFC 2451 Blowfish from 40 to 448 bits
    // (the kernel's cipher accepts 32).
    {EncrId::CAST, "cbc(cast5)", false, 0, 5, 16, 1, 0},
    {EncrId::BLOWFISH, "cbc(blowfish)", false, 0, 4, 56, 1, 0},
    {EncrId::Null, "ecb(cipher_null)", false, 0, 0, 0, 8, 0},
    {EncrId::AES_CBC, "cbc(aes)", false, 0, 16, 32, 8, 0},
    // RFC 3686 3.1: a 4-byte nonce follows the AES key.
    {EncrId::AES_CTR, "rfc3686(ctr(aes))", false, 0, 16, 32, 8, 4},
    // RFC 4309 4: a 3-byte salt; the ICV length is part of the transform ID.
    {EncrId::AES_CCM_8, "rfc4309(ccm(aes))", true, 64, 16, 32, 8, 3},
    {EncrId::AES_CCM_12, "rfc4309(ccm(aes))", true, 96, 16, 32, 8, 3},
    {EncrId::AES_CCM_16, "rfc4309(ccm(aes))", true, 128, 16, 32, 8, 3},
    // RFC 4106 8.1: a 4-byte salt.
    {EncrId::AES_GCM_8, "rfc4106(gcm(aes))", true, 64, 16, 32, 8, 4},
    {EncrId::AES_GCM_12, "rfc4106(gcm(aes))", true, 96, 16, 32, 8, 4},
    {EncrId::AES_GCM_16, "rfc4106(gcm(aes))", true, 128, 16, 32, 8, 4},
    // RFC 4543 3.2: GMAC is GCM with no ciphertext, same salt, 16-byte ICV.
    {EncrId::NULL_AUTH_AES_GMAC, "rfc4543(gcm(aes))", true, 128, 16, 32, 8, 4},
    {EncrId::CAMELLIA_CBC, "cbc(camellia)", false, 0, 16, 32, 8, 0},
    {EncrId::CAMELLIA_CTR, "rfc3686(ctr(camellia))", false, 0, 16, 32, 8, 4},
    // RFC 7634 2: a 256-bit key and a 4-byte salt, 16-byte tag.
    {EncrId::CHACHA20_POLY1305, "rfc7539esp(chacha20,poly1305)", true, 128, 32, 32, 8, 4},
};

// RFC 2404, 2403, 3566, 4494, 4868 integrity algorithms; the truncation length is the
// transform's ICV length.
constexpr IntegInfo kIntegs[] = {
    {IntegId::HMAC_MD5_96, "hmac(md5)", 16, 96},
    {IntegId::HMAC_SHA1_96, "hmac(sha1)", 20, 96},
    {IntegId::AES_XCBC_96, "xcbc(aes)", 16, 96},
    {IntegId::HMAC_MD5_128, "hmac(md5)", 16, 128},
    {IntegId::HMAC_SHA1_160, "hmac(sha1)", 20, 160},
    {IntegId::AES_CMAC_96, "cmac(aes)", 16, 96},
    {IntegId::HMAC_SHA2_256_128, "hmac(sha256)", 32, 128},
    {IntegId::HMAC_SHA2_384_192, "hmac(sha384)", 48, 192},
    {IntegId::HMAC_SHA2_512_256, "hmac(sha512)", 64, 256},
};

Error refuse(int err, std::string reason) {
  return Error(err == ENOSYS ? ErrorCode::kUnsupported : ErrorCode::kConfig, std::move(reason))
      .with_errno(err);
}

bool key_size_ok(const EncrInfo& e, size_t bytes) {
  if (bytes < e.salt) return false;
  size_t key = bytes - e.salt;
  if (key < e.key_min || key > e.key_max) return false;
  return e.key_step == 0 || (key - e.key_min) % e.key_step == 0;
}

std::string key_sizes(const EncrInfo& e) {
  std::string out;
  if (e.key_min == e.key_max) {
    out = std::to_string(e.key_min + e.salt);
  } else if (e.key_step == 8) {
    for (uint32_t k = e.key_min; k <= e.key_max; k += 8) {
      if (!out.empty()) out += k + 8 > e.key_max ? " or " : ", ";
      out += std::to_string(k + e.salt);
    }
  } else {
    out = std::to_string(e.key_min + e.salt) + " to " + std::to_string(e.key_max + e.salt);
  }
  return out;
}

}  // namespace

std::optional<EncrInfo> encr_info(v2::EncrId id) {
  for (const auto& e : kEncrs)
    if (e.id == id) return e;
  return std::nullopt;
}

std::optional<IntegInfo> integ_info(v2::IntegId id) {
  for (const auto& i : kIntegs)
    if (i.id == id) return i;
  return std::nullopt;
}

std::optional<v2::EncrId> encr_from_kernel(std::string_view kernel_name, uint32_t icv_bits) {
  for (const auto& e : kEncrs) {
    if (e.kernel_name != kernel_name) continue;
    if (!e.aead || e.icv_bits == icv_bits) return e.id;
  }
  return std::nullopt;
}

std::optional<v2::IntegId> integ_from_kernel(std::string_view kernel_name, uint32_t trunc_bits) {
  for (const auto& i : kIntegs)
    if (i.kernel_name == kernel_name && i.trunc_bits == trunc_bits) return i.id;
  return std::nullopt;
}

Result<KernelAlgorithms> kernel_algorithms(const SaSpec& spec) {
  KernelAlgorithms out;
  if (spec.integ != v2::IntegId::None) {
    auto integ = integ_info(spec.integ);
    if (!integ)
      return refuse(ENOSYS, "no kernel algorithm for integrity " + v2::to_string(spec.integ));
    out.auth = KernelAlgorithms::Auth{std::string(integ->kernel_name), spec.integ_key,
                                      integ->trunc_bits};
  }
  if (spec.key.protocol == Protocol::AH) {
    // RFC 4302: AH only authenticates. XFRM refuses cipher attributes on an AH state, so a
    // cipher key here is a caller's mistake rather than something to drop silently.
    if (!out.auth) return refuse(EINVAL, "AH needs an integrity algorithm");
    if (!spec.encr_key.empty()) return refuse(EINVAL, "AH takes no encryption key");
    return out;
  }
  auto encr = encr_info(spec.encr);
  if (!encr) return refuse(ENOSYS, "no kernel algorithm for encryption " + v2::to_string(spec.encr));
  if (encr->aead) {
    // RFC 4106 / RFC 5282: combined-mode ciphers carry their own ICV.
    if (out.auth)
      return refuse(EINVAL, v2::to_string(spec.encr) + " is combined-mode and takes no " +
                                "integrity algorithm");
    out.aead = KernelAlgorithms::Aead{std::string(encr->kernel_name), spec.encr_key,
                                      encr->icv_bits};
  } else {
    out.crypt = KernelAlgorithms::Cipher{std::string(encr->kernel_name), spec.encr_key};
  }
  return out;
}

Status check_key_lengths(const SaSpec& spec) {
  if (spec.key.protocol == Protocol::ESP) {
    auto encr = encr_info(spec.encr);
    if (encr && !key_size_ok(*encr, spec.encr_key.size()))
      return refuse(EINVAL, "encryption key for " + v2::to_string(spec.encr) + " must be " +
                                key_sizes(*encr) + " bytes, got " +
                                std::to_string(spec.encr_key.size()));
  }
  if (spec.integ != v2::IntegId::None) {
    auto integ = integ_info(spec.integ);
    if (integ && spec.integ_key.size() != integ->key_bytes)
      return refuse(EINVAL, "integrity key for " + v2::to_string(spec.integ) + " must be " +
                                std::to_string(integ->key_bytes) + " bytes, got " +
                                std::to_string(spec.integ_key.size()));
  }
  return ok_status();
}

}  // namespace ikesuite::sa
