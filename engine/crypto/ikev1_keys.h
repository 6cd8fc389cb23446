// The IKEv1 key schedule and hashes, named as RFC 2409 §5 names them: SKEYID for each
// authentication method, SKEYID_d/_a/_e, the phase-1 encryption key (Appendix B), HASH_I and
// HASH_R, the phase-1 and phase-2 IVs, Quick Mode HASH(1)/(2)/(3) and KEYMAT (§5.5), the
// Informational HASH (§5.7), CBC protection of whole messages with IV chaining, NAT-D hashes
// (RFC 3947 §3.2) and ISAKMP cookies (RFC 2408 §2.5.3).
//
// The PRF is Prf::create_v1(negotiated hash); "hash" below is the negotiated hash itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/crypto/cipher.h"
#include "engine/crypto/hash.h"
#include "engine/crypto/prf.h"

namespace ikesuite::crypto {

// RFC 2409 §5: SKEYID for pre-shared keys = prf(pre-shared-key, Ni_b | Nr_b).
Result<Bytes> skeyid_psk(const Prf& prf, ByteView pre_shared_key, ByteView ni_b, ByteView nr_b);
// RFC 2409 §5: SKEYID for signatures = prf(Ni_b | Nr_b, g^xy).
Result<Bytes> skeyid_sig(const Prf& prf, ByteView ni_b, ByteView nr_b, ByteView g_xy);
// RFC 2409 §5: SKEYID for public key encryption = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R).
Result<Bytes> skeyid_pke(const Prf& prf, Hash hash, ByteView ni_b, ByteView nr_b, uint64_t cky_i,
                         uint64_t cky_r);

struct SkeyidSet {
  Bytes SKEYID, SKEYID_d, SKEYID_a, SKEYID_e;
};

// RFC 2409 §5: SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0),
// SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1),
// SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2).
Result<SkeyidSet> derive_skeyids(const Prf& prf, ByteView skeyid, ByteView g_xy, uint64_t cky_i,
                                 uint64_t cky_r);

// RFC 2409 Appendix B: the first `key_size` bytes of SKEYID_e, or, when SKEYID_e is shorter,
// of Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0) and Kn = prf(SKEYID_e, Kn-1).
Result<Bytes> ikev1_encryption_key(const Prf& prf, ByteView skeyid_e, size_t key_size);

// RFC 2409 §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) and
// HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). SAi_b is the whole
// body of the initiator's SA payload, the ID bodies exclude the generic payload header.
Result<Bytes> hash_i(const Prf& prf, ByteView skeyid, ByteView g_xi, ByteView g_xr, uint64_t cky_i,
                     uint64_t cky_r, ByteView sai_b, ByteView idii_b);
Result<Bytes> hash_r(const Prf& prf, ByteView skeyid, ByteView g_xi, ByteView g_xr, uint64_t cky_i,
                     uint64_t cky_r, ByteView sai_b, ByteView idir_b);

// RFC 2409 Appendix B: the phase-1 IV is hash(g^xi | g^xr) truncated to the block size.
Result<Bytes> phase1_iv(Hash hash, ByteView g_xi, ByteView g_xr, size_t block_size);
// RFC 2409 Appendix B: the IV of a Quick Mode or Informational exchange is
// hash(last phase-1 CBC output block | M-ID) truncated to the block size.
Result<Bytes> phase2_iv(Hash hash, ByteView last_phase1_block, uint32_t message_id,
                        size_t block_size);

// RFC 2409 §5.5: HASH(1) = prf(SKEYID_a, M-ID | <rest>), where <rest> is the message after
// the HASH payload (SA | Ni [| KE] [| IDci | IDcr]).
Result<Bytes> qm_hash1(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView rest);
// RFC 2409 §5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | <rest>).
Result<Bytes> qm_hash2(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView ni_b,
                       ByteView rest);
// RFC 2409 §5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b).
Result<Bytes> qm_hash3(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView ni_b,
                       ByteView nr_b);
// RFC 2409 §5.7: HASH(1) = prf(SKEYID_a, M-ID | N/D), the Notification or Delete payload
// (with its generic header) that follows the HASH payload.
Result<Bytes> informational_hash(const Prf& prf, ByteView skeyid_a, uint32_t message_id,
                                 ByteView payloads);

// RFC 2409 §5.5: KEYMAT = K1 | K2 | ..., K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b |
// Nr_b), Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), truncated to
// `length`. One call per SA (each direction has its own SPI). `g_qm_xy` is empty without PFS.
Result<Bytes> keymat(const Prf& prf, ByteView skeyid_d, ByteView g_qm_xy, uint8_t protocol,
                     uint32_t spi, ByteView ni_b, ByteView nr_b, size_t length);

// The size an IKEv1 message body of `plaintext_size` bytes has once padded for `cipher`.
size_t ikev1_padded_size(const Cipher& cipher, size_t plaintext_size);

// Ciphertext plus the IV the next message of the same exchange continues from: RFC 2409
// Appendix B, the last ciphertext block (of the message last sent or received).
struct CbcResult {
  Bytes data;
  Bytes next_iv;
};

// Encrypts the payloads after the ISAKMP header with a CBC cipher. Pads with zero bytes to
// the block size (RFC 2408 §3.5 counts padding in the header's Length; the receiver finds
// the payload chain's end from the payload lengths).
Result<CbcResult> ikev1_encrypt(const Cipher& cipher, ByteView key, ByteView iv,
                                ByteView plaintext);
// Decrypts a message body; `data` keeps any padding. A body that is not a whole number of
// blocks is kLength.
Result<CbcResult> ikev1_decrypt(const Cipher& cipher, ByteView key, ByteView iv,
                                ByteView ciphertext);

// RFC 3947 §3.2: HASH = hash(CKY-I | CKY-R | IP | Port) with the negotiated hash.
Bytes ikev1_nat_d_hash(Hash hash, uint64_t cky_i, uint64_t cky_r, const IpAddress& address,
                       uint16_t port);

// RFC 2408 §2.5.3: a cookie as a hash over the source and destination address and port, a
// locally generated secret and the time (SHA-256, first 64 bits; never zero).
uint64_t isakmp_cookie(const Endpoint& local, const Endpoint& peer, ByteView local_secret,
                       Time now);

}  // namespace ikesuite::crypto
