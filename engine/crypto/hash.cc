#include "engine/crypto/hash.h"

#include <openssl/core_names.h>

#include "engine/crypto/ossl.h"

namespace ikesuite::crypto {

namespace {

const EVP_MD* md(Hash h) {
  switch (h) {
    case Hash::kMd5:
      return EVP_md5();
    case Hash::kSha1:
      return EVP_sha1();
    case Hash::kSha256:
      return EVP_sha256();
    case Hash::kSha384:
      return EVP_sha384();
    case Hash::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

const char* md_name(Hash h) {
  switch (h) {
    case Hash::kMd5:
      return "MD5";
    case Hash::kSha1:
      return "SHA1";
    case Hash::kSha256:
      return "SHA256";
    case Hash::kSha384:
      return "SHA384";
    case Hash::kSha512:
      return "SHA512";
  }
  return "";
}

constexpr size_t kAesBlock = 16;

// One AES-128 block encryption (ECB on a single block): the building block of XCBC.
class AesBlock {
 public:
  Status init(ByteView key) {
    if (key.size() != kAesBlock) return Error(ErrorCode::kCrypto, "AES-XCBC needs a 16-byte key");
    ctx_.reset(EVP_CIPHER_CTX_new());
    if (!ctx_ ||
        EVP_EncryptInit_ex(ctx_.get(), EVP_aes_128_ecb(), nullptr, key.data(), nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx_.get(), 0) != 1)
      return ossl::error("AES-128-ECB init failed");
    return ok_status();
  }
  Status encrypt(const uint8_t in[kAesBlock], uint8_t out[kAesBlock]) {
    int n = 0;
    if (EVP_EncryptUpdate(ctx_.get(), out, &n, in, kAesBlock) != 1 || n != kAesBlock)
      return ossl::error("AES-128-ECB failed");
    return ok_status();
  }

 private:
  ossl::Ptr<EVP_CIPHER_CTX> ctx_;
};

}  // namespace

std::string_view name(Hash h) {
  switch (h) {
    case Hash::kMd5:
      return "MD5";
    case Hash::kSha1:
      return "SHA1";
    case Hash::kSha256:
      return "SHA2_256";
    case Hash::kSha384:
      return "SHA2_384";
    case Hash::kSha512:
      return "SHA2_512";
  }
  return "";
}

size_t digest_size(Hash h) {
  switch (h) {
    case Hash::kMd5:
      return 16;
    case Hash::kSha1:
      return 20;
    case Hash::kSha256:
      return 32;
    case Hash::kSha384:
      return 48;
    case Hash::kSha512:
      return 64;
  }
  return 0;
}

size_t block_size(Hash h) {
  return h == Hash::kSha384 || h == Hash::kSha512 ? 128 : 64;
}

std::optional<Hash> hash_from_v1(v1::OakleyHash h) {
  switch (h) {
    case v1::OakleyHash::MD5:
      return Hash::kMd5;
    case v1::OakleyHash::SHA:
      return Hash::kSha1;
    case v1::OakleyHash::SHA2_256:
      return Hash::kSha256;
    case v1::OakleyHash::SHA2_384:
      return Hash::kSha384;
    case v1::OakleyHash::SHA2_512:
      return Hash::kSha512;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<Hash> hash_from_v2(v2::HashAlgorithm h) {
  switch (h) {
    case v2::HashAlgorithm::SHA1:
      return Hash::kSha1;
    case v2::HashAlgorithm::SHA2_256:
      return Hash::kSha256;
    case v2::HashAlgorithm::SHA2_384:
      return Hash::kSha384;
    case v2::HashAlgorithm::SHA2_512:
      return Hash::kSha512;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<v2::HashAlgorithm> hash_to_v2(Hash h) {
  switch (h) {
    case Hash::kSha1:
      return v2::HashAlgorithm::SHA1;
    case Hash::kSha256:
      return v2::HashAlgorithm::SHA2_256;
    case Hash::kSha384:
      return v2::HashAlgorithm::SHA2_384;
    case Hash::kSha512:
      return v2::HashAlgorithm::SHA2_512;
    case Hash::kMd5:
      break;
  }
  return std::nullopt;
}

Result<Bytes> digest(Hash h, ByteView data) {
  return digest(h, {data});
}

Result<Bytes> digest(Hash h, std::initializer_list<ByteView> parts) {
  ossl::Ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md(h), nullptr) != 1)
    return ossl::error(std::string("digest init failed for ") + md_name(h));
  for (ByteView p : parts)
    if (EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) return ossl::error("digest failed");
  Bytes out(digest_size(h));
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &n) != 1 || n != out.size())
    return ossl::error("digest failed");
  return out;
}

Result<Bytes> hmac(Hash h, ByteView key, ByteView data) {
  EVP_MAC* alg = ossl::hmac_algorithm();
  if (!alg) return ossl::error("HMAC is not available");
  ossl::Ptr<EVP_MAC_CTX> ctx(EVP_MAC_CTX_new(alg));
  if (!ctx) return ossl::error("HMAC context allocation failed");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(md_name(h)), 0),
      OSSL_PARAM_construct_end()};
  // An empty key is legal for HMAC (RFC 2104 pads it with zeros); OpenSSL wants a non-null
  // pointer to take it as a key rather than as "keep the previous key".
  static const uint8_t kEmpty = 0;
  const uint8_t* k = key.empty() ? &kEmpty : key.data();
  if (EVP_MAC_init(ctx.get(), k, key.size(), params) != 1)
    return ossl::error(std::string("HMAC-") + md_name(h) + " init failed");
  if (EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1) return ossl::error("HMAC failed");
  Bytes out(digest_size(h));
  size_t n = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &n, out.size()) != 1 || n != out.size())
    return ossl::error("HMAC failed");
  return out;
}

Result<Bytes> aes_xcbc_mac(ByteView key, ByteView data) {
  // RFC 3566 §4: three subkeys derived from K, a CBC-MAC under K1, and a final block
  // mixed with K2 (complete block) or padded with 10* and mixed with K3.
  AesBlock k;
  TRY(k.init(key));
  uint8_t k1[kAesBlock], k2[kAesBlock], k3[kAesBlock], c[kAesBlock];
  for (uint8_t i = 1; i <= 3; ++i) {
    uint8_t constant[kAesBlock];
    for (auto& b : constant) b = i;
    TRY(k.encrypt(constant, i == 1 ? k1 : i == 2 ? k2 : k3));
  }
  AesBlock e;
  TRY(e.init(ByteView(k1, kAesBlock)));
  uint8_t state[kAesBlock] = {};
  size_t n = data.size();
  size_t full_before_last = n == 0 ? 0 : (n - 1) / kAesBlock;
  for (size_t blk = 0; blk < full_before_last; ++blk) {
    for (size_t i = 0; i < kAesBlock; ++i) c[i] = state[i] ^ data[blk * kAesBlock + i];
    TRY(e.encrypt(c, state));
  }
  size_t rest = n - full_before_last * kAesBlock;
  uint8_t last[kAesBlock] = {};
  for (size_t i = 0; i < rest; ++i) last[i] = data[full_before_last * kAesBlock + i];
  const uint8_t* mix = k2;
  if (rest < kAesBlock) {  // RFC 3566 §4 (b): pad with a single 1 bit and zeros, use K3
    last[rest] = 0x80;
    mix = k3;
  }
  for (size_t i = 0; i < kAesBlock; ++i) c[i] = state[i] ^ last[i] ^ mix[i];
  Bytes out(kAesBlock);
  TRY(e.encrypt(c, out.data()));
  OPENSSL_cleanse(k1, sizeof(k1));
  OPENSSL_cleanse(k2, sizeof(k2));
  OPENSSL_cleanse(k3, sizeof(k3));
  return out;
}

Result<Bytes> aes_cmac(ByteView key, ByteView data) {
  if (key.size() != kAesBlock) return Error(ErrorCode::kCrypto, "AES-CMAC needs a 16-byte key");
  EVP_MAC* alg = ossl::cmac_algorithm();
  if (!alg) return ossl::error("CMAC is not available");
  ossl::Ptr<EVP_MAC_CTX> ctx(EVP_MAC_CTX_new(alg));
  if (!ctx) return ossl::error("CMAC context allocation failed");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, const_cast<char*>("AES-128-CBC"), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1)
    return ossl::error("AES-CMAC failed");
  Bytes out(kAesBlock);
  size_t n = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &n, out.size()) != 1 || n != out.size())
    return ossl::error("AES-CMAC failed");
  return out;
}

}  // namespace ikesuite::crypto
