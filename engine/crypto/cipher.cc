#include "engine/crypto/cipher.h"

#include <string>

#include "engine/crypto/ossl.h"

namespace ikesuite::crypto {

namespace {

enum class Mode { kCbc, kCtr, kGcm, kCcm, kChaCha, kGmac, kNull };

struct Spec {
  Mode mode;
  size_t cipher_key;  // bytes of the block cipher key
  size_t salt;
  size_t block;
  size_t iv;
  size_t icv;
  const EVP_CIPHER* evp;
};

const EVP_CIPHER* aes(Mode mode, uint16_t bits) {
  switch (mode) {
    case Mode::kCbc:
      return bits == 128 ? EVP_aes_128_cbc() : bits == 192 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
    case Mode::kCtr:
      return bits == 128 ? EVP_aes_128_ctr() : bits == 192 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();
    case Mode::kGcm:
    case Mode::kGmac:
      return bits == 128 ? EVP_aes_128_gcm() : bits == 192 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
    case Mode::kCcm:
      return bits == 128 ? EVP_aes_128_ccm() : bits == 192 ? EVP_aes_192_ccm() : EVP_aes_256_ccm();
    default:
      return nullptr;
  }
}

const EVP_CIPHER* camellia(Mode mode, uint16_t bits) {
  if (mode == Mode::kCbc)
    return bits == 128   ? EVP_camellia_128_cbc()
           : bits == 192 ? EVP_camellia_192_cbc()
                         : EVP_camellia_256_cbc();
  return bits == 128   ? EVP_camellia_128_ctr()
         : bits == 192 ? EVP_camellia_192_ctr()
                       : EVP_camellia_256_ctr();
}

// The spec of a supported (id, key_bits) pair; key_bits already validated by create().
Spec spec_of(v2::EncrId id, uint16_t bits) {
  const size_t k = bits / 8;
  switch (id) {
    case v2::EncrId::AES_CBC:
      return {Mode::kCbc, k, 0, 16, 16, 0, aes(Mode::kCbc, bits)};
    case v2::EncrId::AES_CTR:
      return {Mode::kCtr, k, 4, 1, 8, 0, aes(Mode::kCtr, bits)};
    case v2::EncrId::AES_GCM_8:
      return {Mode::kGcm, k, 4, 1, 8, 8, aes(Mode::kGcm, bits)};
    case v2::EncrId::AES_GCM_12:
      return {Mode::kGcm, k, 4, 1, 8, 12, aes(Mode::kGcm, bits)};
    case v2::EncrId::AES_GCM_16:
      return {Mode::kGcm, k, 4, 1, 8, 16, aes(Mode::kGcm, bits)};
    case v2::EncrId::AES_CCM_8:
      return {Mode::kCcm, k, 3, 1, 8, 8, aes(Mode::kCcm, bits)};
    case v2::EncrId::AES_CCM_12:
      return {Mode::kCcm, k, 3, 1, 8, 12, aes(Mode::kCcm, bits)};
    case v2::EncrId::AES_CCM_16:
      return {Mode::kCcm, k, 3, 1, 8, 16, aes(Mode::kCcm, bits)};
    case v2::EncrId::NULL_AUTH_AES_GMAC:
      return {Mode::kGmac, k, 4, 1, 8, 16, aes(Mode::kGmac, bits)};
    case v2::EncrId::CAMELLIA_CBC:
      return {Mode::kCbc, k, 0, 16, 16, 0, camellia(Mode::kCbc, bits)};
    case v2::EncrId::CAMELLIA_CTR:
      return {Mode::kCtr, k, 4, 1, 8, 0, camellia(Mode::kCtr, bits)};
    case v2::EncrId::CHACHA20_POLY1305:
      return {Mode::kChaCha, 32, 4, 1, 8, 16, EVP_chacha20_poly1305()};
    case v2::EncrId::TripleDES:
      return {Mode::kCbc, 24, 0, 8, 8, 0, EVP_des_ede3_cbc()};
    default:
      return {Mode::kNull, 0, 0, 1, 0, 0, nullptr};
  }
}

bool is_aes_like(v2::EncrId id) {
  switch (id) {
    case v2::EncrId::AES_CBC:
    case v2::EncrId::AES_CTR:
    case v2::EncrId::AES_GCM_8:
    case v2::EncrId::AES_GCM_12:
    case v2::EncrId::AES_GCM_16:
    case v2::EncrId::AES_CCM_8:
    case v2::EncrId::AES_CCM_12:
    case v2::EncrId::AES_CCM_16:
    case v2::EncrId::NULL_AUTH_AES_GMAC:
    case v2::EncrId::CAMELLIA_CBC:
    case v2::EncrId::CAMELLIA_CTR:
      return true;
    default:
      return false;
  }
}

Error failed(v2::EncrId id, const char* what) {
  return ossl::error(v2::to_string(id) + ": " + what);
}

// Runs an EVP cipher context through one AEAD operation. `encrypt` selects direction; for
// decryption `tag` is the received tag.
Result<Bytes> run_aead(const Spec& s, v2::EncrId id, bool encrypt, ByteView key, ByteView nonce,
                       ByteView aad, ByteView in, ByteView tag) {
  ossl::Ptr<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return failed(id, "context allocation failed");
  const int enc = encrypt ? 1 : 0;
  if (EVP_CipherInit_ex(ctx.get(), s.evp, nullptr, nullptr, nullptr, enc) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1)
    return failed(id, "init failed");
  if (s.mode == Mode::kCcm) {
    // CCM fixes the tag length (and, on decryption, the expected tag) before the key.
    void* t = encrypt ? nullptr : const_cast<uint8_t*>(tag.data());
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(s.icv), t) != 1)
      return failed(id, "setting the tag failed");
  }
  if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce.data(), enc) != 1)
    return failed(id, "key setup failed");
  int n = 0;
  if (s.mode == Mode::kCcm &&
      EVP_CipherUpdate(ctx.get(), nullptr, &n, nullptr, static_cast<int>(in.size())) != 1)
    return failed(id, "length setup failed");
  if (!aad.empty() &&
      EVP_CipherUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1)
    return failed(id, "AAD failed");
  Bytes out(in.size());
  if (!in.empty() || s.mode == Mode::kCcm) {
    static const uint8_t kNothing = 0;
    const uint8_t* src = in.empty() ? &kNothing : in.data();
    // A non-null output pointer marks this call as payload rather than AAD.
    uint8_t dummy[1];
    uint8_t* dst = out.empty() ? dummy : out.data();
    if (EVP_CipherUpdate(ctx.get(), dst, &n, src, static_cast<int>(in.size())) != 1) {
      if (!encrypt && s.mode == Mode::kCcm) {
        ossl::clear_errors();
        return Error(ErrorCode::kIntegrity, v2::to_string(id) + ": ICV mismatch");
      }
      return failed(id, "update failed");
    }
  }
  if (!encrypt && s.mode != Mode::kCcm &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<uint8_t*>(tag.data())) != 1)
    return failed(id, "setting the tag failed");
  uint8_t scratch[32];
  if (EVP_CipherFinal_ex(ctx.get(), scratch, &n) != 1) {
    if (!encrypt) {
      ossl::clear_errors();
      OPENSSL_cleanse(out.data(), out.size());
      return Error(ErrorCode::kIntegrity, v2::to_string(id) + ": ICV mismatch");
    }
    return failed(id, "final failed");
  }
  if (encrypt) {
    Bytes t(s.icv);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(s.icv), t.data()) !=
        1)
      return failed(id, "reading the tag failed");
    append(out, t);
  }
  return out;
}

Result<Bytes> run_plain(const Spec& s, v2::EncrId id, bool encrypt, ByteView key, ByteView iv,
                        ByteView in) {
  ossl::Ptr<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return failed(id, "context allocation failed");
  if (EVP_CipherInit_ex(ctx.get(), s.evp, nullptr, key.data(), iv.data(), encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
    return failed(id, "init failed");
  Bytes out(in.size() + s.block);
  int n = 0, m = 0;
  if (!in.empty() &&
      EVP_CipherUpdate(ctx.get(), out.data(), &n, in.data(), static_cast<int>(in.size())) != 1)
    return failed(id, "update failed");
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + n, &m) != 1) return failed(id, "final failed");
  out.resize(static_cast<size_t>(n + m));
  return out;
}

}  // namespace

Result<Cipher> Cipher::create(v2::EncrId id, uint16_t key_bits) {
  if (is_aes_like(id)) {
    if (key_bits == 0)
      return Error(ErrorCode::kMalformed,
                   v2::to_string(id) + " needs a key length (RFC 7296 §3.3.5)");
    if (key_bits != 128 && key_bits != 192 && key_bits != 256)
      return Error(ErrorCode::kUnsupported,
                   v2::to_string(id) + " with a " + std::to_string(key_bits) + "-bit key");
    return Cipher(id, key_bits);
  }
  uint16_t only = 0;
  switch (id) {
    case v2::EncrId::CHACHA20_POLY1305:
      only = 256;
      break;
    case v2::EncrId::TripleDES:
      only = 192;
      break;
    case v2::EncrId::Null:
      only = 0;
      break;
    default:
      return Error(ErrorCode::kUnsupported,
                   "encryption algorithm " + v2::to_string(id) + " is not supported");
  }
  if (key_bits != 0 && key_bits != only)
    return Error(ErrorCode::kUnsupported,
                 v2::to_string(id) + " with a " + std::to_string(key_bits) + "-bit key");
  return Cipher(id, key_bits);
}

Result<Cipher> Cipher::create_v1(v1::OakleyEncryption alg, uint16_t key_bits) {
  switch (alg) {
    case v1::OakleyEncryption::TripleDES_CBC:
      return create(v2::EncrId::TripleDES, key_bits);
    case v1::OakleyEncryption::AES_CBC:
      if (key_bits == 0)
        return Error(ErrorCode::kMalformed, "AES-CBC needs a Key Length attribute (RFC 3602 §5.3)");
      return create(v2::EncrId::AES_CBC, key_bits);
    case v1::OakleyEncryption::CAMELLIA_CBC:
      return create(v2::EncrId::CAMELLIA_CBC, key_bits == 0 ? 128 : key_bits);
    default:
      return Error(ErrorCode::kUnsupported,
                   "IKEv1 encryption algorithm " + v1::to_string(alg) + " is not supported");
  }
}

bool Cipher::is_aead() const {
  Mode m = spec_of(id_, key_bits_).mode;
  return m == Mode::kGcm || m == Mode::kCcm || m == Mode::kChaCha || m == Mode::kGmac;
}

size_t Cipher::key_size() const {
  Spec s = spec_of(id_, key_bits_);
  return s.cipher_key + s.salt;
}
size_t Cipher::salt_size() const {
  return spec_of(id_, key_bits_).salt;
}
size_t Cipher::block_size() const {
  return spec_of(id_, key_bits_).block;
}
size_t Cipher::iv_size() const {
  return spec_of(id_, key_bits_).iv;
}
size_t Cipher::icv_size() const {
  return spec_of(id_, key_bits_).icv;
}

namespace {

Status check_sizes(const Spec& s, v2::EncrId id, ByteView key, ByteView iv) {
  if (key.size() != s.cipher_key + s.salt)
    return Error(ErrorCode::kCrypto, v2::to_string(id) + " needs " +
                                         std::to_string(s.cipher_key + s.salt) +
                                         " bytes of key, got " + std::to_string(key.size()));
  if (iv.size() != s.iv)
    return Error(ErrorCode::kCrypto, v2::to_string(id) + " needs a " + std::to_string(s.iv) +
                                         "-byte IV, got " + std::to_string(iv.size()));
  return ok_status();
}

Bytes nonce_of(const Spec& s, ByteView key, ByteView iv) {
  return concat({key.subspan(s.cipher_key, s.salt), iv});
}

// RFC 3686 §4: the counter block is nonce | IV | a 32-bit block counter starting at 1.
Bytes counter_block(const Spec& s, ByteView key, ByteView iv) {
  static const uint8_t kOne[] = {0, 0, 0, 1};
  return concat({key.subspan(s.cipher_key, s.salt), iv, ByteView(kOne, 4)});
}

}  // namespace

Result<Bytes> Cipher::encrypt(ByteView key, ByteView iv, ByteView plaintext, ByteView aad) const {
  const Spec s = spec_of(id_, key_bits_);
  TRY(check_sizes(s, id_, key, iv));
  const ByteView k = key.first(s.cipher_key);
  switch (s.mode) {
    case Mode::kNull:
      if (!aad.empty()) break;
      return Bytes(plaintext.begin(), plaintext.end());
    case Mode::kCbc:
      if (!aad.empty()) break;
      if (plaintext.size() % s.block != 0)
        return Error(ErrorCode::kCrypto, v2::to_string(id_) + ": " +
                                             std::to_string(plaintext.size()) +
                                             " bytes is not a multiple of the block size");
      return run_plain(s, id_, true, k, iv, plaintext);
    case Mode::kCtr: {
      if (!aad.empty()) break;
      Bytes ctr = counter_block(s, key, iv);
      return run_plain(s, id_, true, k, ctr, plaintext);
    }
    case Mode::kGmac: {
      // RFC 4543 §3: GMAC is GCM with all data as AAD and nothing to encrypt; the data
      // travels in clear followed by the tag.
      Bytes all = concat({aad, plaintext});
      TRY_ASSIGN(Bytes tag, run_aead(s, id_, true, k, nonce_of(s, key, iv), all, {}, {}));
      return concat({plaintext, tag});
    }
    case Mode::kGcm:
    case Mode::kCcm:
    case Mode::kChaCha:
      return run_aead(s, id_, true, k, nonce_of(s, key, iv), aad, plaintext, {});
  }
  return Error(ErrorCode::kInternal, v2::to_string(id_) + " takes no AAD");
}

Result<Bytes> Cipher::decrypt(ByteView key, ByteView iv, ByteView input, ByteView aad) const {
  const Spec s = spec_of(id_, key_bits_);
  TRY(check_sizes(s, id_, key, iv));
  const ByteView k = key.first(s.cipher_key);
  if (s.icv > 0 && input.size() < s.icv)
    return Error(ErrorCode::kLength, v2::to_string(id_) + ": " + std::to_string(input.size()) +
                                         " bytes cannot hold a " + std::to_string(s.icv) +
                                         "-byte ICV");
  switch (s.mode) {
    case Mode::kNull:
      if (!aad.empty()) break;
      return Bytes(input.begin(), input.end());
    case Mode::kCbc:
      if (!aad.empty()) break;
      if (input.size() % s.block != 0)
        return Error(ErrorCode::kLength, v2::to_string(id_) + ": " + std::to_string(input.size()) +
                                             " bytes is not a multiple of the block size");
      return run_plain(s, id_, false, k, iv, input);
    case Mode::kCtr: {
      if (!aad.empty()) break;
      Bytes ctr = counter_block(s, key, iv);
      return run_plain(s, id_, false, k, ctr, input);
    }
    case Mode::kGmac: {
      ByteView data = input.first(input.size() - s.icv);
      ByteView tag = input.last(s.icv);
      Bytes all = concat({aad, data});
      TRY(run_aead(s, id_, false, k, nonce_of(s, key, iv), all, {}, tag));
      return Bytes(data.begin(), data.end());
    }
    case Mode::kGcm:
    case Mode::kCcm:
    case Mode::kChaCha:
      return run_aead(s, id_, false, k, nonce_of(s, key, iv), aad,
                      input.first(input.size() - s.icv), input.last(s.icv));
  }
  return Error(ErrorCode::kInternal, v2::to_string(id_) + " takes no AAD");
}

}  // namespace ikesuite::crypto
