#include "engine/crypto/sk.h"

#include <string>

#include "engine/wire/reader.h"

namespace ikesuite::crypto {

Status check_suite(const SkSuite& suite) {
  const v2::EncrId id = suite.cipher.id();
  if (id == v2::EncrId::Null || id == v2::EncrId::NULL_AUTH_AES_GMAC)
    return Error(ErrorCode::kConfig, v2::to_string(id) + " cannot protect IKE messages");
  if (suite.cipher.is_aead() && suite.integ)
    return Error(ErrorCode::kConfig, "an AEAD cipher takes no integrity algorithm (RFC 5282 §8)");
  if (!suite.cipher.is_aead() && !suite.integ)
    return Error(ErrorCode::kConfig,
                 v2::to_string(id) + " needs an integrity algorithm (RFC 7296 §3.3)");
  return ok_status();
}

size_t sk_icv_size(const SkSuite& suite) {
  return suite.cipher.is_aead() ? suite.cipher.icv_size()
                                : (suite.integ ? suite.integ->icv_size() : 0);
}

namespace {
size_t padded(size_t n, size_t block) {
  return (n + block - 1) / block * block;
}
}  // namespace

size_t sealed_size(const SkSuite& suite, size_t plaintext_size) {
  return suite.cipher.iv_size() + padded(plaintext_size + 1, suite.cipher.block_size()) +
         sk_icv_size(suite);
}

size_t min_sealed_size(const SkSuite& suite) {
  return sealed_size(suite, 0);
}

size_t max_plaintext_for(const SkSuite& suite, size_t body_size) {
  const size_t overhead = suite.cipher.iv_size() + sk_icv_size(suite);
  if (body_size < min_sealed_size(suite)) return 0;
  const size_t block = suite.cipher.block_size();
  const size_t room = (body_size - overhead) / block * block;  // whole blocks only
  return room - 1;                                             // the Pad Length byte
}

Result<Bytes> seal(const SkSuite& suite, const SkKeys& keys, ByteView prefix, ByteView plaintext,
                   Random& rng) {
  TRY(check_suite(suite));
  const Cipher& c = suite.cipher;
  const size_t total = padded(plaintext.size() + 1, c.block_size());
  const size_t pad = total - plaintext.size() - 1;
  if (pad > 255) return Error(ErrorCode::kInternal, "padding exceeds 255 bytes");
  Bytes inner(plaintext.begin(), plaintext.end());
  inner.resize(total, 0);
  inner.back() = static_cast<uint8_t>(pad);  // RFC 7296 §3.14: Pad Length
  const Bytes iv = rng.bytes(c.iv_size());
  if (c.is_aead()) {
    TRY_ASSIGN(Bytes sealed, c.encrypt(keys.encr, iv, inner, prefix));
    return concat({iv, sealed});
  }
  TRY_ASSIGN(Bytes ct, c.encrypt(keys.encr, iv, inner));
  TRY_ASSIGN(Bytes icv, suite.integ->compute(keys.integ, concat({prefix, iv, ct})));
  return concat({iv, ct, icv});
}

Result<Bytes> open(const SkSuite& suite, const SkKeys& keys, ByteView prefix, ByteView body) {
  TRY(check_suite(suite));
  const Cipher& c = suite.cipher;
  const size_t icv_size = sk_icv_size(suite);
  if (body.size() < c.iv_size() + icv_size + 1)
    return Error(ErrorCode::kLength, "Encrypted payload body of " + std::to_string(body.size()) +
                                         " bytes cannot hold IV (" + std::to_string(c.iv_size()) +
                                         "), Pad Length and ICV (" + std::to_string(icv_size) +
                                         ")");
  wire::Reader r(body);
  TRY_ASSIGN(ByteView iv, r.bytes(c.iv_size()));
  const ByteView sealed = r.peek_rest();  // ciphertext | ICV
  TRY_ASSIGN(ByteView ct, r.bytes(r.remaining() - icv_size));
  ByteView icv = r.rest();

  Bytes inner;
  if (c.is_aead()) {
    auto opened = c.decrypt(keys.encr, iv, sealed, prefix);
    if (!opened.ok()) {
      if (opened.error().code() == ErrorCode::kIntegrity)
        return Error(ErrorCode::kIntegrity,
                     "Encrypted payload ICV mismatch (" + v2::to_string(c.id()) + ")");
      return std::move(opened).error();
    }
    inner = std::move(opened).value();
  } else {
    // RFC 7296 §3.14: the ICV covers everything from the IKE header through the Pad Length,
    // which on the wire is prefix | IV | ciphertext. Checked before any decryption.
    if (!suite.integ->verify(keys.integ, concat({prefix, iv, ct}), icv))
      return Error(ErrorCode::kIntegrity,
                   "Encrypted payload ICV mismatch (" + v2::to_string(suite.integ->id()) + ")");
    if (ct.size() % c.block_size() != 0)
      return Error(ErrorCode::kLength, "Encrypted payload ciphertext of " +
                                           std::to_string(ct.size()) +
                                           " bytes is not a multiple of the block size");
    TRY_ASSIGN(inner, c.decrypt(keys.encr, iv, ct));
  }
  wire::Reader pr(inner);
  TRY(pr.skip(inner.size() - 1));
  TRY_ASSIGN(uint8_t pad, pr.u8());
  if (static_cast<size_t>(pad) + 1 > inner.size())
    return Error(ErrorCode::kMalformed, "Pad Length " + std::to_string(pad) + " exceeds the " +
                                            std::to_string(inner.size()) + " decrypted bytes");
  inner.resize(inner.size() - pad - 1);
  return inner;
}

}  // namespace ikesuite::crypto
