#include "engine/ikev1/keys.h"

#include "engine/crypto/ikev1_keys.h"

namespace ikesuite::ikev1 {

Result<Phase1Keys> derive_phase1_keys(const Phase1KeyInput& in) {
  TRY_ASSIGN(crypto::Prf prf, crypto::Prf::create_v1(in.transform.hash));
  TRY_ASSIGN(crypto::Cipher cipher,
             crypto::Cipher::create_v1(in.transform.encryption, in.transform.key_length));
  if (cipher.is_aead())
    return Error(ErrorCode::kUnsupported, "IKEv1 protects messages with CBC ciphers only");
  auto hash = crypto::hash_from_v1(in.transform.hash);
  if (!hash)
    return Error(ErrorCode::kUnsupported,
                 "hash " + v1::to_string(in.transform.hash) + " is not supported");
  Bytes skeyid;
  switch (in.method) {
    case v1::OakleyAuthMethod::PreSharedKey: {
      TRY_ASSIGN(skeyid, crypto::skeyid_psk(prf, in.pre_shared_key, in.ni_b, in.nr_b));
      break;
    }
    case v1::OakleyAuthMethod::RSA_SIG:
    case v1::OakleyAuthMethod::DSS_SIG:
    case v1::OakleyAuthMethod::ECDSA_SHA256_P256:
    case v1::OakleyAuthMethod::ECDSA_SHA384_P384:
    case v1::OakleyAuthMethod::ECDSA_SHA512_P521: {
      TRY_ASSIGN(skeyid, crypto::skeyid_sig(prf, in.ni_b, in.nr_b, in.g_xy));
      break;
    }
    default:
      return Error(ErrorCode::kUnsupported,
                   "authentication method " + v1::to_string(in.method) + " is not supported");
  }
  TRY_ASSIGN(crypto::SkeyidSet set,
             crypto::derive_skeyids(prf, skeyid, in.g_xy, in.cookie_i, in.cookie_r));
  TRY_ASSIGN(Bytes ka, crypto::ikev1_encryption_key(prf, set.SKEYID_e, cipher.key_size()));
  TRY_ASSIGN(Bytes iv, crypto::phase1_iv(*hash, in.g_xi, in.g_xr, cipher.block_size()));
  return Phase1Keys{prf,          cipher,           *hash,         std::move(set.SKEYID),
                    std::move(set.SKEYID_d), std::move(set.SKEYID_a), std::move(set.SKEYID_e),
                    std::move(ka), std::move(iv)};
}

Result<ChildKeys> derive_child_keys(const crypto::Prf& prf, ByteView skeyid_d, ByteView g_qm,
                                    uint8_t protocol, uint32_t spi_in, uint32_t spi_out,
                                    ByteView ni_b, ByteView nr_b, size_t encr_size,
                                    size_t integ_size) {
  size_t total = encr_size + integ_size;
  if (total == 0) return Error(ErrorCode::kConfig, "a CHILD_SA without keys");
  TRY_ASSIGN(Bytes in, crypto::keymat(prf, skeyid_d, g_qm, protocol, spi_in, ni_b, nr_b, total));
  TRY_ASSIGN(Bytes out,
             crypto::keymat(prf, skeyid_d, g_qm, protocol, spi_out, ni_b, nr_b, total));
  auto split = [&](const Bytes& k, Bytes& encr, Bytes& integ) {
    encr.assign(k.begin(), k.begin() + static_cast<long>(encr_size));
    integ.assign(k.begin() + static_cast<long>(encr_size), k.end());
  };
  ChildKeys keys;
  split(in, keys.encr_in, keys.integ_in);
  split(out, keys.encr_out, keys.integ_out);
  return keys;
}

}  // namespace ikesuite::ikev1
