#include "engine/crypto/integ.h"

#include <string>

#include "engine/crypto/hash.h"

namespace ikesuite::crypto {

namespace {

struct IntegInfo {
  v2::IntegId id;
  enum class Kind { kHmac, kXcbc, kCmac } kind;
  Hash hash;  // for kHmac
  size_t key_size;
  size_t icv_size;
};

constexpr IntegInfo kIntegs[] = {
    {v2::IntegId::HMAC_MD5_96, IntegInfo::Kind::kHmac, Hash::kMd5, 16, 12},
    {v2::IntegId::HMAC_SHA1_96, IntegInfo::Kind::kHmac, Hash::kSha1, 20, 12},
    {v2::IntegId::AES_XCBC_96, IntegInfo::Kind::kXcbc, Hash::kSha1, 16, 12},
    {v2::IntegId::HMAC_MD5_128, IntegInfo::Kind::kHmac, Hash::kMd5, 16, 16},
    {v2::IntegId::HMAC_SHA1_160, IntegInfo::Kind::kHmac, Hash::kSha1, 20, 20},
    {v2::IntegId::AES_CMAC_96, IntegInfo::Kind::kCmac, Hash::kSha1, 16, 12},
    {v2::IntegId::HMAC_SHA2_256_128, IntegInfo::Kind::kHmac, Hash::kSha256, 32, 16},
    {v2::IntegId::HMAC_SHA2_384_192, IntegInfo::Kind::kHmac, Hash::kSha384, 48, 24},
    {v2::IntegId::HMAC_SHA2_512_256, IntegInfo::Kind::kHmac, Hash::kSha512, 64, 32},
};

const IntegInfo* find(v2::IntegId id) {
  for (const auto& i : kIntegs)
    if (i.id == id) return &i;
  return nullptr;
}

}  // namespace

Result<Integrity> Integrity::create(v2::IntegId id) {
  if (!find(id))
    return Error(ErrorCode::kUnsupported,
                 "integrity algorithm " + v2::to_string(id) + " is not supported");
  return Integrity(id);
}

size_t Integrity::key_size() const {
  return find(id_)->key_size;
}
size_t Integrity::icv_size() const {
  return find(id_)->icv_size;
}

Result<Bytes> Integrity::compute(ByteView key, ByteView data) const {
  const IntegInfo& info = *find(id_);
  if (key.size() != info.key_size)
    return Error(ErrorCode::kCrypto, v2::to_string(id_) + " needs a " +
                                         std::to_string(info.key_size) + "-byte key, got " +
                                         std::to_string(key.size()));
  Bytes mac;
  switch (info.kind) {
    case IntegInfo::Kind::kHmac: {
      TRY_ASSIGN(mac, hmac(info.hash, key, data));
      break;
    }
    case IntegInfo::Kind::kXcbc: {
      TRY_ASSIGN(mac, aes_xcbc_mac(key, data));
      break;
    }
    case IntegInfo::Kind::kCmac: {
      TRY_ASSIGN(mac, aes_cmac(key, data));
      break;
    }
  }
  mac.resize(info.icv_size);  // RFC 2104 §5: keep the leftmost bits
  return mac;
}

bool Integrity::verify(ByteView key, ByteView data, ByteView icv) const {
  auto mac = compute(key, data);
  if (!mac.ok()) return false;
  return equal_ct(*mac, icv);
}

}  // namespace ikesuite::crypto
