#include "engine/crypto/algorithms.h"

namespace ikesuite::crypto {

bool needs_key_length(v2::EncrId id) {
  switch (id) {
    case v2::EncrId::AES_CBC:
    case v2::EncrId::AES_CTR:
    case v2::EncrId::AES_CCM_8:
    case v2::EncrId::AES_CCM_12:
    case v2::EncrId::AES_CCM_16:
    case v2::EncrId::AES_GCM_8:
    case v2::EncrId::AES_GCM_12:
    case v2::EncrId::AES_GCM_16:
    case v2::EncrId::NULL_AUTH_AES_GMAC:
    case v2::EncrId::CAMELLIA_CBC:
    case v2::EncrId::CAMELLIA_CTR:
    case v2::EncrId::CAMELLIA_CCM_8:
    case v2::EncrId::CAMELLIA_CCM_12:
    case v2::EncrId::CAMELLIA_CCM_16:
      return true;
    default:
      return false;
  }
}

bool is_aead(v2::EncrId id) {
  switch (id) {
    case v2::EncrId::AES_CCM_8:
    case v2::EncrId::AES_CCM_12:
    case v2::EncrId::AES_CCM_16:
    case v2::EncrId::AES_GCM_8:
    case v2::EncrId::AES_GCM_12:
    case v2::EncrId::AES_GCM_16:
    case v2::EncrId::NULL_AUTH_AES_GMAC:
    case v2::EncrId::CAMELLIA_CCM_8:
    case v2::EncrId::CAMELLIA_CCM_12:
    case v2::EncrId::CAMELLIA_CCM_16:
    case v2::EncrId::CHACHA20_POLY1305:
      return true;
    default:
      return false;
  }
}

size_t encr_key_size(v2::EncrId id, uint16_t key_bits) {
  const bool sized = key_bits == 128 || key_bits == 192 || key_bits == 256;
  switch (id) {
    case v2::EncrId::AES_CBC:
    case v2::EncrId::CAMELLIA_CBC:
      return sized ? key_bits / 8u : 0;
    case v2::EncrId::AES_CTR:
    case v2::EncrId::CAMELLIA_CTR:
    case v2::EncrId::AES_GCM_8:
    case v2::EncrId::AES_GCM_12:
    case v2::EncrId::AES_GCM_16:
    case v2::EncrId::NULL_AUTH_AES_GMAC:
      return sized ? key_bits / 8u + 4 : 0;
    case v2::EncrId::AES_CCM_8:
    case v2::EncrId::AES_CCM_12:
    case v2::EncrId::AES_CCM_16:
    case v2::EncrId::CAMELLIA_CCM_8:
    case v2::EncrId::CAMELLIA_CCM_12:
    case v2::EncrId::CAMELLIA_CCM_16:
      return sized ? key_bits / 8u + 3 : 0;
    case v2::EncrId::CHACHA20_POLY1305:
      return key_bits == 0 || key_bits == 256 ? 36 : 0;
    case v2::EncrId::TripleDES:
      return key_bits == 0 || key_bits == 192 ? 24 : 0;
    case v2::EncrId::DES:
      return key_bits == 0 || key_bits == 64 ? 8 : 0;
    case v2::EncrId::Null:
      return 0;
    case v2::EncrId::BLOWFISH:  // RFC 2451: variable length, 128 bits by default
    case v2::EncrId::CAST:
      return key_bits == 0 ? 16 : key_bits / 8u;
    default:
      return 0;
  }
}

size_t integ_key_size(v2::IntegId id) {
  switch (id) {
    case v2::IntegId::HMAC_MD5_96:
    case v2::IntegId::HMAC_MD5_128:
    case v2::IntegId::AES_XCBC_96:
    case v2::IntegId::AES_CMAC_96:
      return 16;
    case v2::IntegId::HMAC_SHA1_96:
    case v2::IntegId::HMAC_SHA1_160:
      return 20;
    case v2::IntegId::AES_128_GMAC:
      return 20;
    case v2::IntegId::AES_192_GMAC:
      return 28;
    case v2::IntegId::AES_256_GMAC:
      return 36;
    case v2::IntegId::HMAC_SHA2_256_128:
      return 32;
    case v2::IntegId::HMAC_SHA2_384_192:
      return 48;
    case v2::IntegId::HMAC_SHA2_512_256:
      return 64;
    default:
      return 0;
  }
}

std::string_view strongswan_name(v2::EncrId id) {
  switch (id) {
    case v2::EncrId::DES_IV64:
      return "DES_IV64";
    case v2::EncrId::DES:
      return "DES_CBC";
    case v2::EncrId::TripleDES:
      return "3DES_CBC";
    case v2::EncrId::RC5:
      return "RC5_CBC";
    case v2::EncrId::IDEA:
      return "IDEA_CBC";
    case v2::EncrId::CAST:
      return "CAST_CBC";
    case v2::EncrId::BLOWFISH:
      return "BLOWFISH_CBC";
    case v2::EncrId::TripleIDEA:
      return "3IDEA";
    case v2::EncrId::DES_IV32:
      return "DES_IV32";
    case v2::EncrId::Null:
      return "NULL";
    case v2::EncrId::AES_CBC:
      return "AES_CBC";
    case v2::EncrId::AES_CTR:
      return "AES_CTR";
    case v2::EncrId::AES_CCM_8:
      return "AES_CCM_8";
    case v2::EncrId::AES_CCM_12:
      return "AES_CCM_12";
    case v2::EncrId::AES_CCM_16:
      return "AES_CCM_16";
    case v2::EncrId::AES_GCM_8:
      return "AES_GCM_8";
    case v2::EncrId::AES_GCM_12:
      return "AES_GCM_12";
    case v2::EncrId::AES_GCM_16:
      return "AES_GCM_16";
    case v2::EncrId::NULL_AUTH_AES_GMAC:
      return "NULL_AES_GMAC";
    case v2::EncrId::CAMELLIA_CBC:
      return "CAMELLIA_CBC";
    case v2::EncrId::CAMELLIA_CTR:
      return "CAMELLIA_CTR";
    case v2::EncrId::CAMELLIA_CCM_8:
      return "CAMELLIA_CCM_8";
    case v2::EncrId::CAMELLIA_CCM_12:
      return "CAMELLIA_CCM_12";
    case v2::EncrId::CAMELLIA_CCM_16:
      return "CAMELLIA_CCM_16";
    case v2::EncrId::CHACHA20_POLY1305:
      return "CHACHA20_POLY1305";
    default:
      break;
  }
  return {};
}

std::string_view strongswan_name(v2::IntegId id) {
  switch (id) {
    case v2::IntegId::None:
      return "NONE";
    case v2::IntegId::HMAC_MD5_96:
      return "HMAC_MD5_96";
    case v2::IntegId::HMAC_SHA1_96:
      return "HMAC_SHA1_96";
    case v2::IntegId::DES_MAC:
      return "DES_MAC";
    case v2::IntegId::KPDK_MD5:
      return "KPDK_MD5";
    case v2::IntegId::AES_XCBC_96:
      return "AES_XCBC_96";
    case v2::IntegId::HMAC_MD5_128:
      return "HMAC_MD5_128";
    case v2::IntegId::HMAC_SHA1_160:
      return "HMAC_SHA1_160";
    case v2::IntegId::AES_CMAC_96:
      return "AES_CMAC_96";
    case v2::IntegId::AES_128_GMAC:
      return "AES_128_GMAC";
    case v2::IntegId::AES_192_GMAC:
      return "AES_192_GMAC";
    case v2::IntegId::AES_256_GMAC:
      return "AES_256_GMAC";
    case v2::IntegId::HMAC_SHA2_256_128:
      return "HMAC_SHA2_256_128";
    case v2::IntegId::HMAC_SHA2_384_192:
      return "HMAC_SHA2_384_192";
    case v2::IntegId::HMAC_SHA2_512_256:
      return "HMAC_SHA2_512_256";
    default:
      break;
  }
  return {};
}

std::string_view strongswan_name(v2::PrfId id) {
  switch (id) {
    case v2::PrfId::HMAC_MD5:
      return "PRF_HMAC_MD5";
    case v2::PrfId::HMAC_SHA1:
      return "PRF_HMAC_SHA1";
    case v2::PrfId::HMAC_TIGER:
      return "PRF_HMAC_TIGER";
    case v2::PrfId::AES128_XCBC:
      return "PRF_AES128_XCBC";
    case v2::PrfId::HMAC_SHA2_256:
      return "PRF_HMAC_SHA2_256";
    case v2::PrfId::HMAC_SHA2_384:
      return "PRF_HMAC_SHA2_384";
    case v2::PrfId::HMAC_SHA2_512:
      return "PRF_HMAC_SHA2_512";
    case v2::PrfId::AES128_CMAC:
      return "PRF_AES128_CMAC";
    default:
      break;
  }
  return {};
}

std::string_view strongswan_name(v2::DhGroup id) {
  switch (id) {
    case v2::DhGroup::None:
      return "MODP_NONE";
    case v2::DhGroup::MODP_768:
      return "MODP_768";
    case v2::DhGroup::MODP_1024:
      return "MODP_1024";
    case v2::DhGroup::MODP_1536:
      return "MODP_1536";
    case v2::DhGroup::MODP_2048:
      return "MODP_2048";
    case v2::DhGroup::MODP_3072:
      return "MODP_3072";
    case v2::DhGroup::MODP_4096:
      return "MODP_4096";
    case v2::DhGroup::MODP_6144:
      return "MODP_6144";
    case v2::DhGroup::MODP_8192:
      return "MODP_8192";
    case v2::DhGroup::ECP_256:
      return "ECP_256";
    case v2::DhGroup::ECP_384:
      return "ECP_384";
    case v2::DhGroup::ECP_521:
      return "ECP_521";
    case v2::DhGroup::MODP_1024_160:
      return "MODP_1024_160";
    case v2::DhGroup::MODP_2048_224:
      return "MODP_2048_224";
    case v2::DhGroup::MODP_2048_256:
      return "MODP_2048_256";
    case v2::DhGroup::ECP_192:
      return "ECP_192";
    case v2::DhGroup::ECP_224:
      return "ECP_224";
    case v2::DhGroup::BRAINPOOL_224:
      return "ECP_224_BP";
    case v2::DhGroup::BRAINPOOL_256:
      return "ECP_256_BP";
    case v2::DhGroup::BRAINPOOL_384:
      return "ECP_384_BP";
    case v2::DhGroup::BRAINPOOL_512:
      return "ECP_512_BP";
    case v2::DhGroup::CURVE25519:
      return "CURVE_25519";
    case v2::DhGroup::CURVE448:
      return "CURVE_448";
    default:
      break;
  }
  return {};
}

std::string_view strongswan_name(v2::EsnId id) {
  switch (id) {
    case v2::EsnId::NoEsn:
      return "NO_EXT_SEQ";
    case v2::EsnId::Esn:
      return "EXT_SEQ";
    default:
      break;
  }
  return {};
}

std::optional<v2::EncrId> encr_from_v1(v1::OakleyEncryption alg) {
  switch (alg) {
    case v1::OakleyEncryption::DES_CBC:
      return v2::EncrId::DES;
    case v1::OakleyEncryption::IDEA_CBC:
      return v2::EncrId::IDEA;
    case v1::OakleyEncryption::BLOWFISH_CBC:
      return v2::EncrId::BLOWFISH;
    case v1::OakleyEncryption::RC5_R16_B64_CBC:
      return v2::EncrId::RC5;
    case v1::OakleyEncryption::TripleDES_CBC:
      return v2::EncrId::TripleDES;
    case v1::OakleyEncryption::CAST_CBC:
      return v2::EncrId::CAST;
    case v1::OakleyEncryption::AES_CBC:
      return v2::EncrId::AES_CBC;
    case v1::OakleyEncryption::CAMELLIA_CBC:
      return v2::EncrId::CAMELLIA_CBC;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<v1::OakleyEncryption> encr_to_v1(v2::EncrId id) {
  switch (id) {
    case v2::EncrId::DES:
      return v1::OakleyEncryption::DES_CBC;
    case v2::EncrId::IDEA:
      return v1::OakleyEncryption::IDEA_CBC;
    case v2::EncrId::BLOWFISH:
      return v1::OakleyEncryption::BLOWFISH_CBC;
    case v2::EncrId::RC5:
      return v1::OakleyEncryption::RC5_R16_B64_CBC;
    case v2::EncrId::TripleDES:
      return v1::OakleyEncryption::TripleDES_CBC;
    case v2::EncrId::CAST:
      return v1::OakleyEncryption::CAST_CBC;
    case v2::EncrId::AES_CBC:
      return v1::OakleyEncryption::AES_CBC;
    case v2::EncrId::CAMELLIA_CBC:
      return v1::OakleyEncryption::CAMELLIA_CBC;
    default:
      return std::nullopt;
  }
}

std::optional<v2::PrfId> prf_from_v1(v1::OakleyHash hash) {
  switch (hash) {
    case v1::OakleyHash::MD5:
      return v2::PrfId::HMAC_MD5;
    case v1::OakleyHash::SHA:
      return v2::PrfId::HMAC_SHA1;
    case v1::OakleyHash::TIGER:
      return v2::PrfId::HMAC_TIGER;
    case v1::OakleyHash::SHA2_256:
      return v2::PrfId::HMAC_SHA2_256;
    case v1::OakleyHash::SHA2_384:
      return v2::PrfId::HMAC_SHA2_384;
    case v1::OakleyHash::SHA2_512:
      return v2::PrfId::HMAC_SHA2_512;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<v1::OakleyHash> hash_to_v1(v2::PrfId prf) {
  switch (prf) {
    case v2::PrfId::HMAC_MD5:
      return v1::OakleyHash::MD5;
    case v2::PrfId::HMAC_SHA1:
      return v1::OakleyHash::SHA;
    case v2::PrfId::HMAC_TIGER:
      return v1::OakleyHash::TIGER;
    case v2::PrfId::HMAC_SHA2_256:
      return v1::OakleyHash::SHA2_256;
    case v2::PrfId::HMAC_SHA2_384:
      return v1::OakleyHash::SHA2_384;
    case v2::PrfId::HMAC_SHA2_512:
      return v1::OakleyHash::SHA2_512;
    default:
      return std::nullopt;
  }
}

std::optional<v1::OakleyHash> hash_to_v1(v2::IntegId integ) {
  switch (integ) {
    case v2::IntegId::HMAC_MD5_96:
    case v2::IntegId::HMAC_MD5_128:
      return v1::OakleyHash::MD5;
    case v2::IntegId::HMAC_SHA1_96:
    case v2::IntegId::HMAC_SHA1_160:
      return v1::OakleyHash::SHA;
    case v2::IntegId::HMAC_SHA2_256_128:
      return v1::OakleyHash::SHA2_256;
    case v2::IntegId::HMAC_SHA2_384_192:
      return v1::OakleyHash::SHA2_384;
    case v2::IntegId::HMAC_SHA2_512_256:
      return v1::OakleyHash::SHA2_512;
    default:
      return std::nullopt;
  }
}

std::optional<v2::IntegId> integ_from_v1(v1::OakleyHash hash) {
  switch (hash) {
    case v1::OakleyHash::MD5:
      return v2::IntegId::HMAC_MD5_96;
    case v1::OakleyHash::SHA:
      return v2::IntegId::HMAC_SHA1_96;
    case v1::OakleyHash::SHA2_256:
      return v2::IntegId::HMAC_SHA2_256_128;
    case v1::OakleyHash::SHA2_384:
      return v2::IntegId::HMAC_SHA2_384_192;
    case v1::OakleyHash::SHA2_512:
      return v2::IntegId::HMAC_SHA2_512_256;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<v2::EncrId> encr_from_v1(v1::EspTransformId id) {
  switch (id) {
    case v1::EspTransformId::ESP_DES_IV64:
      return v2::EncrId::DES_IV64;
    case v1::EspTransformId::ESP_DES:
      return v2::EncrId::DES;
    case v1::EspTransformId::ESP_3DES:
      return v2::EncrId::TripleDES;
    case v1::EspTransformId::ESP_RC5:
      return v2::EncrId::RC5;
    case v1::EspTransformId::ESP_IDEA:
      return v2::EncrId::IDEA;
    case v1::EspTransformId::ESP_CAST:
      return v2::EncrId::CAST;
    case v1::EspTransformId::ESP_BLOWFISH:
      return v2::EncrId::BLOWFISH;
    case v1::EspTransformId::ESP_3IDEA:
      return v2::EncrId::TripleIDEA;
    case v1::EspTransformId::ESP_DES_IV32:
      return v2::EncrId::DES_IV32;
    case v1::EspTransformId::ESP_NULL:
      return v2::EncrId::Null;
    case v1::EspTransformId::ESP_AES:
      return v2::EncrId::AES_CBC;
    case v1::EspTransformId::ESP_AES_CTR:
      return v2::EncrId::AES_CTR;
    case v1::EspTransformId::ESP_AES_CCM_8:
      return v2::EncrId::AES_CCM_8;
    case v1::EspTransformId::ESP_AES_CCM_12:
      return v2::EncrId::AES_CCM_12;
    case v1::EspTransformId::ESP_AES_CCM_16:
      return v2::EncrId::AES_CCM_16;
    case v1::EspTransformId::ESP_AES_GCM_8:
      return v2::EncrId::AES_GCM_8;
    case v1::EspTransformId::ESP_AES_GCM_12:
      return v2::EncrId::AES_GCM_12;
    case v1::EspTransformId::ESP_AES_GCM_16:
      return v2::EncrId::AES_GCM_16;
    case v1::EspTransformId::ESP_NULL_AUTH_AES_GMAC:
      return v2::EncrId::NULL_AUTH_AES_GMAC;
    case v1::EspTransformId::ESP_CAMELLIA:
      return v2::EncrId::CAMELLIA_CBC;  // RFC 4312
    default:
      break;
  }
  return std::nullopt;
}

std::optional<v1::EspTransformId> esp_to_v1(v2::EncrId id) {
  switch (id) {
    case v2::EncrId::DES_IV64:
      return v1::EspTransformId::ESP_DES_IV64;
    case v2::EncrId::DES:
      return v1::EspTransformId::ESP_DES;
    case v2::EncrId::TripleDES:
      return v1::EspTransformId::ESP_3DES;
    case v2::EncrId::RC5:
      return v1::EspTransformId::ESP_RC5;
    case v2::EncrId::IDEA:
      return v1::EspTransformId::ESP_IDEA;
    case v2::EncrId::CAST:
      return v1::EspTransformId::ESP_CAST;
    case v2::EncrId::BLOWFISH:
      return v1::EspTransformId::ESP_BLOWFISH;
    case v2::EncrId::TripleIDEA:
      return v1::EspTransformId::ESP_3IDEA;
    case v2::EncrId::DES_IV32:
      return v1::EspTransformId::ESP_DES_IV32;
    case v2::EncrId::Null:
      return v1::EspTransformId::ESP_NULL;
    case v2::EncrId::AES_CBC:
      return v1::EspTransformId::ESP_AES;
    case v2::EncrId::AES_CTR:
      return v1::EspTransformId::ESP_AES_CTR;
    case v2::EncrId::AES_CCM_8:
      return v1::EspTransformId::ESP_AES_CCM_8;
    case v2::EncrId::AES_CCM_12:
      return v1::EspTransformId::ESP_AES_CCM_12;
    case v2::EncrId::AES_CCM_16:
      return v1::EspTransformId::ESP_AES_CCM_16;
    case v2::EncrId::AES_GCM_8:
      return v1::EspTransformId::ESP_AES_GCM_8;
    case v2::EncrId::AES_GCM_12:
      return v1::EspTransformId::ESP_AES_GCM_12;
    case v2::EncrId::AES_GCM_16:
      return v1::EspTransformId::ESP_AES_GCM_16;
    case v2::EncrId::NULL_AUTH_AES_GMAC:
      return v1::EspTransformId::ESP_NULL_AUTH_AES_GMAC;
    case v2::EncrId::CAMELLIA_CBC:
      return v1::EspTransformId::ESP_CAMELLIA;
    default:
      return std::nullopt;
  }
}

std::optional<v2::IntegId> integ_from_v1(v1::IpsecAuthAlgorithm alg) {
  switch (alg) {
    case v1::IpsecAuthAlgorithm::HMAC_MD5:
      return v2::IntegId::HMAC_MD5_96;
    case v1::IpsecAuthAlgorithm::HMAC_SHA:
      return v2::IntegId::HMAC_SHA1_96;
    case v1::IpsecAuthAlgorithm::DES_MAC:
      return v2::IntegId::DES_MAC;
    case v1::IpsecAuthAlgorithm::KPDK:
      return v2::IntegId::KPDK_MD5;
    // RFC 4868 §4: the IKEv1 SHA-2 authentication algorithms are the truncated HMACs.
    case v1::IpsecAuthAlgorithm::HMAC_SHA2_256:
      return v2::IntegId::HMAC_SHA2_256_128;
    case v1::IpsecAuthAlgorithm::HMAC_SHA2_384:
      return v2::IntegId::HMAC_SHA2_384_192;
    case v1::IpsecAuthAlgorithm::HMAC_SHA2_512:
      return v2::IntegId::HMAC_SHA2_512_256;
    case v1::IpsecAuthAlgorithm::AES_XCBC_MAC:
      return v2::IntegId::AES_XCBC_96;
    case v1::IpsecAuthAlgorithm::AES_128_GMAC:
      return v2::IntegId::AES_128_GMAC;
    case v1::IpsecAuthAlgorithm::AES_192_GMAC:
      return v2::IntegId::AES_192_GMAC;
    case v1::IpsecAuthAlgorithm::AES_256_GMAC:
      return v2::IntegId::AES_256_GMAC;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<v1::IpsecAuthAlgorithm> auth_to_v1(v2::IntegId id) {
  switch (id) {
    case v2::IntegId::HMAC_MD5_96:
      return v1::IpsecAuthAlgorithm::HMAC_MD5;
    case v2::IntegId::HMAC_SHA1_96:
      return v1::IpsecAuthAlgorithm::HMAC_SHA;
    case v2::IntegId::DES_MAC:
      return v1::IpsecAuthAlgorithm::DES_MAC;
    case v2::IntegId::KPDK_MD5:
      return v1::IpsecAuthAlgorithm::KPDK;
    case v2::IntegId::HMAC_SHA2_256_128:
      return v1::IpsecAuthAlgorithm::HMAC_SHA2_256;
    case v2::IntegId::HMAC_SHA2_384_192:
      return v1::IpsecAuthAlgorithm::HMAC_SHA2_384;
    case v2::IntegId::HMAC_SHA2_512_256:
      return v1::IpsecAuthAlgorithm::HMAC_SHA2_512;
    case v2::IntegId::AES_XCBC_96:
      return v1::IpsecAuthAlgorithm::AES_XCBC_MAC;
    case v2::IntegId::AES_128_GMAC:
      return v1::IpsecAuthAlgorithm::AES_128_GMAC;
    case v2::IntegId::AES_192_GMAC:
      return v1::IpsecAuthAlgorithm::AES_192_GMAC;
    case v2::IntegId::AES_256_GMAC:
      return v1::IpsecAuthAlgorithm::AES_256_GMAC;
    default:
      return std::nullopt;
  }
}

}  // namespace ikesuite::crypto
