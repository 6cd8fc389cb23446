// Encryption algorithms (IKEv2 transform type 1, IKEv1 phase-1 and ESP transforms), raw: no
// padding is added or removed here (the SK payload and IKEv1 message rules live in sk.h and
// ikev1_keys.h). CBC ciphers take the full IV; counter-mode and AEAD ciphers take the 8-byte
// explicit IV of the wire and the salt/nonce from the end of their keying material:
//  - AES-CBC 128/192/256 (RFC 3602), Camellia-CBC (RFC 5529), 3DES-CBC (RFC 2451)
//  - AES-CTR and Camellia-CTR (RFC 3686, RFC 5930, RFC 5529): key | 4-byte nonce,
//    counter block = nonce | IV | 0x00000001
//  - AES-GCM with 8/12/16-byte ICV (RFC 4106, RFC 5282): key | 4-byte salt, nonce = salt | IV
//  - AES-CCM with 8/12/16-byte ICV (RFC 4309, RFC 5282): key | 3-byte salt, nonce = salt | IV
//  - ChaCha20-Poly1305 (RFC 7634): 32-byte key | 4-byte salt, nonce = salt | IV
//  - AES-GMAC (ENCR_NULL_AUTH_AES_GMAC, RFC 4543, ESP only): authenticates without encrypting
//  - NULL (RFC 2410, ESP only)
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::crypto {

class Cipher {
 public:
  // `key_bits` is the Key Length attribute: required for AES and Camellia (RFC 7296 §3.3.5),
  // 0 (or the only size) for 3DES, ChaCha20-Poly1305 and NULL. Unsupported algorithms and
  // sizes are kUnsupported; an AES transform without a key length is kMalformed.
  static Result<Cipher> create(v2::EncrId id, uint16_t key_bits);
  // RFC 2409 Appendix A encryption algorithms (3DES, AES per RFC 3602 §5, Camellia per
  // RFC 4312); AES needs its Key Length attribute.
  static Result<Cipher> create_v1(v1::OakleyEncryption alg, uint16_t key_bits);

  v2::EncrId id() const { return id_; }
  // The key size in bits as negotiated (0 for fixed-size algorithms without the attribute).
  uint16_t key_bits() const { return key_bits_; }
  bool is_aead() const;
  // Bytes of keying material taken from the key schedule, including the salt or nonce of
  // counter and AEAD modes (RFC 5282 §7.1, RFC 7634 §2, RFC 5930 §2).
  size_t key_size() const;
  // The trailing part of key_size() that is salt/nonce rather than cipher key.
  size_t salt_size() const;
  // The size plaintext is padded to (1 for stream-like modes).
  size_t block_size() const;
  // Explicit IV carried on the wire (the block size for CBC, 8 for CTR and AEAD modes).
  size_t iv_size() const;
  // AEAD tag length (the ICV of an AEAD-protected SK payload); 0 for other ciphers.
  size_t icv_size() const;

  // CBC input must be a multiple of block_size(). For AEAD ciphers the result is
  // ciphertext | tag; `aad` must be empty for the others.
  Result<Bytes> encrypt(ByteView key, ByteView iv, ByteView plaintext, ByteView aad = {}) const;
  // For AEAD ciphers the input is ciphertext | tag; a tag mismatch is kIntegrity and yields
  // no plaintext.
  Result<Bytes> decrypt(ByteView key, ByteView iv, ByteView ciphertext_and_tag,
                        ByteView aad = {}) const;

 private:
  Cipher(v2::EncrId id, uint16_t key_bits) : id_(id), key_bits_(key_bits) {}
  v2::EncrId id_;
  uint16_t key_bits_;
};

}  // namespace ikesuite::crypto
