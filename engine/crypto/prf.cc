#include "engine/crypto/prf.h"

#include <string>

namespace ikesuite::crypto {

namespace {
constexpr size_t kAesKey = 16;
}  // namespace

Result<Prf> Prf::create(v2::PrfId id) {
  switch (id) {
    case v2::PrfId::HMAC_MD5:
    case v2::PrfId::HMAC_SHA1:
    case v2::PrfId::HMAC_SHA2_256:
    case v2::PrfId::HMAC_SHA2_384:
    case v2::PrfId::HMAC_SHA2_512:
    case v2::PrfId::AES128_XCBC:
    case v2::PrfId::AES128_CMAC:
      return Prf(id);
    default:
      break;
  }
  return Error(ErrorCode::kUnsupported, "PRF " + v2::to_string(id) + " is not supported");
}

Result<Prf> Prf::create_v1(v1::OakleyHash hash) {
  switch (hash) {
    case v1::OakleyHash::MD5:
      return Prf(v2::PrfId::HMAC_MD5);
    case v1::OakleyHash::SHA:
      return Prf(v2::PrfId::HMAC_SHA1);
    case v1::OakleyHash::SHA2_256:
      return Prf(v2::PrfId::HMAC_SHA2_256);
    case v1::OakleyHash::SHA2_384:
      return Prf(v2::PrfId::HMAC_SHA2_384);
    case v1::OakleyHash::SHA2_512:
      return Prf(v2::PrfId::HMAC_SHA2_512);
    default:
      break;
  }
  return Error(ErrorCode::kUnsupported, "IKEv1 hash " + v1::to_string(hash) + " is not supported");
}

std::optional<Hash> Prf::hash() const {
  switch (id_) {
    case v2::PrfId::HMAC_MD5:
      return Hash::kMd5;
    case v2::PrfId::HMAC_SHA1:
      return Hash::kSha1;
    case v2::PrfId::HMAC_SHA2_256:
      return Hash::kSha256;
    case v2::PrfId::HMAC_SHA2_384:
      return Hash::kSha384;
    case v2::PrfId::HMAC_SHA2_512:
      return Hash::kSha512;
    default:
      return std::nullopt;
  }
}

size_t Prf::output_size() const {
  auto h = hash();
  return h ? digest_size(*h) : kAesKey;
}

size_t Prf::preferred_key_size() const {
  return output_size();
}

Result<Bytes> Prf::compute(ByteView key, ByteView data) const {
  if (auto h = hash()) return hmac(*h, key, data);
  if (id_ == v2::PrfId::AES128_XCBC) {
    // RFC 4434 §2: a 16-byte key is used as is, a shorter one is padded with zero bits on
    // the right, a longer one is first reduced with AES-XCBC-PRF-128 under a zero key.
    Bytes k(key.begin(), key.end());
    if (k.size() < kAesKey) {
      k.resize(kAesKey, 0);
    } else if (k.size() > kAesKey) {
      const Bytes zero(kAesKey, 0);
      TRY_ASSIGN(k, aes_xcbc_mac(zero, key));
    }
    return aes_xcbc_mac(k, data);
  }
  // RFC 4615 §3: any key that is not exactly 16 bytes is reduced with AES-CMAC under a zero
  // key (shorter keys too: no padding here, unlike XCBC).
  if (key.size() == kAesKey) return aes_cmac(key, data);
  const Bytes zero(kAesKey, 0);
  TRY_ASSIGN(Bytes k, aes_cmac(zero, key));
  return aes_cmac(k, data);
}

Result<Bytes> Prf::compute(ByteView key, std::initializer_list<ByteView> data) const {
  return compute(key, concat(data));
}

Result<Bytes> Prf::plus(ByteView key, ByteView seed, size_t length) const {
  const size_t block = output_size();
  if (length > 255 * block)
    return Error(ErrorCode::kCrypto, "prf+ cannot produce " + std::to_string(length) +
                                         " bytes with a " + std::to_string(block) +
                                         "-byte PRF (RFC 7296 §2.13: at most 255 blocks)");
  Bytes out;
  out.reserve(length + block);
  Bytes t;
  for (unsigned n = 1; out.size() < length; ++n) {
    const uint8_t counter = static_cast<uint8_t>(n);
    TRY_ASSIGN(t, compute(key, {t, seed, ByteView(&counter, 1)}));
    append(out, t);
  }
  out.resize(length);
  return out;
}

}  // namespace ikesuite::crypto
