// The IKEv2 key schedule and the values derived from it, named as RFC 7296 names them:
// SKEYSEED and the SK_* keys (§2.13, §2.14), rekeyed SKEYSEED (§2.18), Child SA KEYMAT
// (§2.17), the AUTH payload's signed octets and shared-key MAC (§2.15), NAT detection
// hashes (§2.23) and stateless COOKIEs (§2.6).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/crypto/prf.h"

namespace ikesuite::crypto {

// RFC 7296 §2.14: SKEYSEED = prf(Ni | Nr, g^ir). For AES128_XCBC and AES128_CMAC only the
// first 64 bits of Ni and of Nr form the key (so each nonce must have at least 8 bytes).
Result<Bytes> skeyseed(const Prf& prf, ByteView ni, ByteView nr, ByteView g_ir);

// RFC 7296 §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), with the PRF of the new
// IKE SA. `g_ir_new` is empty for a rekey without a new key exchange (not allowed for IKE SAs
// by RFC 7296, but used by tests that deviate on purpose).
Result<Bytes> skeyseed_rekey(const Prf& new_prf, ByteView sk_d_old, ByteView g_ir_new, ByteView ni,
                             ByteView nr);

struct IkeSaKeys {
  Bytes SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr;
};

// RFC 7296 §2.14: {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
// prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), with SK_d, SK_pi and SK_pr of the PRF's preferred
// key size. `integ_key_size` is 0 for AEAD ciphers; `encr_key_size` includes any salt.
Result<IkeSaKeys> derive_ike_sa_keys(const Prf& prf, ByteView skeyseed, ByteView ni, ByteView nr,
                                     uint64_t spi_i, uint64_t spi_r, size_t integ_key_size,
                                     size_t encr_key_size);

// Keys of one Child SA; `_i` is the initiator-to-responder direction.
struct ChildSaKeys {
  Bytes encr_i, integ_i, encr_r, integ_r;
};

// RFC 7296 §2.17: KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) with PFS;
// taken in the order encryption then integrity key, initiator-to-responder first.
Result<ChildSaKeys> derive_child_sa_keys(const Prf& prf, ByteView sk_d, ByteView g_ir, ByteView ni,
                                         ByteView nr, size_t encr_key_size, size_t integ_key_size);

// RFC 7296 §2.15: the pre-shared-key AUTH value prf(prf(Shared Secret, "Key Pad for IKEv2"),
// <signed octets>).
Result<Bytes> psk_auth(const Prf& prf, ByteView shared_secret, ByteView signed_octets);

// RFC 7296 §2.15: <SignedOctets> = RealMessage | NonceData of the peer | prf(SK_p, RestOfIDPayload)
// where SK_p is SK_pi for the initiator's AUTH and SK_pr for the responder's, and
// `id_payload_body` is the ID payload from the ID Type through the end (the generic payload
// header excluded).
Result<Bytes> signed_octets(const Prf& prf, ByteView real_message, ByteView peer_nonce,
                            ByteView sk_p, ByteView id_payload_body);

// RFC 7296 §2.23: SHA-1(SPIi | SPIr | IP address | port), SPIs as on the wire (SPIr is zero
// in the IKE_SA_INIT request).
Bytes nat_detection_hash(uint64_t spi_i, uint64_t spi_r, const IpAddress& address, uint16_t port);

// RFC 7296 §2.6: the hash part of a stateless cookie, SHA-256(Ni | IPi | SPIi | secret). The
// engine prepends its version of the secret: Cookie = <VersionIDofSecret> | cookie_hash(...).
Bytes cookie_hash(ByteView secret, ByteView ni, const IpAddress& ip_i, uint64_t spi_i);

// SPI in network byte order, as the key schedules and hashes use it.
Bytes spi_bytes(uint64_t spi);

}  // namespace ikesuite::crypto
