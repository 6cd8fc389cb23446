// The IKEv1 key schedule as the engine runs it, composed from engine/crypto's steps so it can
// be checked on its own against published vectors: phase 1 (RFC 2409 §5, Appendix B) from the
// negotiated transform, the authentication method's SKEYID, g^xy, the nonces and the cookies,
// to the encryption key Ka and the first IV; and Quick Mode KEYMAT (§5.5) for the two SAs.
#pragma once

#include <cstdint>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/crypto/cipher.h"
#include "engine/crypto/hash.h"
#include "engine/crypto/prf.h"
#include "engine/crypto/proposal.h"
#include "engine/wire/ikev1/types.h"

namespace ikesuite::ikev1 {

struct Phase1KeyInput {
  crypto::V1IkeTransform transform;
  v1::OakleyAuthMethod method = v1::OakleyAuthMethod::PreSharedKey;
  ByteView pre_shared_key;  // PRE_SHARED_KEY only
  ByteView g_xy;            // the DH shared secret
  ByteView g_xi;            // the public values, for the IV
  ByteView g_xr;
  ByteView ni_b;  // nonce bodies
  ByteView nr_b;
  uint64_t cookie_i = 0;
  uint64_t cookie_r = 0;
};

struct Phase1Keys {
  crypto::Prf prf;
  crypto::Cipher cipher;
  crypto::Hash hash;
  Bytes SKEYID, SKEYID_d, SKEYID_a, SKEYID_e;
  Bytes ka;  // Appendix B: the cipher key, SKEYID_e or its expansion
  Bytes iv;  // Appendix B: hash(g^xi | g^xr) truncated to the block size
};

// RFC 2409 §5: SKEYID = prf(PSK, Ni_b | Nr_b) for pre-shared keys, prf(Ni_b | Nr_b, g^xy)
// for signatures; then SKEYID_d/a/e, Ka and the phase-1 IV. Methods other than these are
// kUnsupported; a cipher without CBC (AEAD) is refused.
Result<Phase1Keys> derive_phase1_keys(const Phase1KeyInput& in);

struct ChildKeys {
  Bytes encr_in, integ_in;    // the SA the peer sends on (our SPI)
  Bytes encr_out, integ_out;  // the SA we send on (the peer's SPI)
};

// RFC 2409 §5.5: KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) expanded,
// one per SA by its own SPI; each is cut into the encryption key (salt included) then the
// integrity key.
Result<ChildKeys> derive_child_keys(const crypto::Prf& prf, ByteView skeyid_d, ByteView g_qm,
                                    uint8_t protocol, uint32_t spi_in, uint32_t spi_out,
                                    ByteView ni_b, ByteView nr_b, size_t encr_size,
                                    size_t integ_size);

}  // namespace ikesuite::ikev1
