#include "engine/crypto/ikev2_keys.h"

#include <openssl/crypto.h>

#include <string>

#include "engine/crypto/hash.h"
#include "engine/wire/writer.h"

namespace ikesuite::crypto {

Bytes spi_bytes(uint64_t spi) {
  Bytes out(8);
  for (int i = 7; i >= 0; --i, spi >>= 8) out[static_cast<size_t>(i)] = static_cast<uint8_t>(spi);
  return out;
}

Result<Bytes> skeyseed(const Prf& prf, ByteView ni, ByteView nr, ByteView g_ir) {
  if (prf.id() == v2::PrfId::AES128_XCBC || prf.id() == v2::PrfId::AES128_CMAC) {
    // RFC 7296 §2.14: "only the first 64 bits of Ni and the first 64 bits of Nr are used in
    // calculating SKEYSEED" for these two PRFs.
    if (ni.size() < 8 || nr.size() < 8)
      return Error(ErrorCode::kCrypto, "nonces shorter than 8 bytes");
    return prf.compute(concat({ni.first(8), nr.first(8)}), g_ir);
  }
  return prf.compute(concat({ni, nr}), g_ir);
}

Result<Bytes> skeyseed_rekey(const Prf& new_prf, ByteView sk_d_old, ByteView g_ir_new, ByteView ni,
                             ByteView nr) {
  return new_prf.compute(sk_d_old, {g_ir_new, ni, nr});
}

Result<IkeSaKeys> derive_ike_sa_keys(const Prf& prf, ByteView seed_key, ByteView ni, ByteView nr,
                                     uint64_t spi_i, uint64_t spi_r, size_t integ_key_size,
                                     size_t encr_key_size) {
  const size_t p = prf.preferred_key_size();
  const size_t total = 3 * p + 2 * integ_key_size + 2 * encr_key_size;
  const Bytes si = spi_bytes(spi_i), sr = spi_bytes(spi_r);
  TRY_ASSIGN(Bytes km, prf.plus(seed_key, concat({ni, nr, si, sr}), total));
  IkeSaKeys k;
  size_t at = 0;
  auto take = [&](size_t n) {
    Bytes b(km.begin() + static_cast<long>(at), km.begin() + static_cast<long>(at + n));
    at += n;
    return b;
  };
  k.SK_d = take(p);
  k.SK_ai = take(integ_key_size);
  k.SK_ar = take(integ_key_size);
  k.SK_ei = take(encr_key_size);
  k.SK_er = take(encr_key_size);
  k.SK_pi = take(p);
  k.SK_pr = take(p);
  OPENSSL_cleanse(km.data(), km.size());
  return k;
}

Result<ChildSaKeys> derive_child_sa_keys(const Prf& prf, ByteView sk_d, ByteView g_ir, ByteView ni,
                                         ByteView nr, size_t encr_key_size, size_t integ_key_size) {
  const size_t total = 2 * (encr_key_size + integ_key_size);
  TRY_ASSIGN(Bytes km, prf.plus(sk_d, concat({g_ir, ni, nr}), total));
  ChildSaKeys k;
  size_t at = 0;
  auto take = [&](size_t n) {
    Bytes b(km.begin() + static_cast<long>(at), km.begin() + static_cast<long>(at + n));
    at += n;
    return b;
  };
  k.encr_i = take(encr_key_size);
  k.integ_i = take(integ_key_size);
  k.encr_r = take(encr_key_size);
  k.integ_r = take(integ_key_size);
  OPENSSL_cleanse(km.data(), km.size());
  return k;
}

Result<Bytes> psk_auth(const Prf& prf, ByteView shared_secret, ByteView octets) {
  static constexpr std::string_view kKeyPad = "Key Pad for IKEv2";  // RFC 7296 §2.15
  const ByteView pad(reinterpret_cast<const uint8_t*>(kKeyPad.data()), kKeyPad.size());
  TRY_ASSIGN(Bytes inner, prf.compute(shared_secret, pad));
  return prf.compute(inner, octets);
}

Result<Bytes> signed_octets(const Prf& prf, ByteView real_message, ByteView peer_nonce,
                            ByteView sk_p, ByteView id_payload_body) {
  TRY_ASSIGN(Bytes maced_id, prf.compute(sk_p, id_payload_body));
  return concat({real_message, peer_nonce, maced_id});
}

Bytes nat_detection_hash(uint64_t spi_i, uint64_t spi_r, const IpAddress& address, uint16_t port) {
  wire::Writer w;
  w.u64(spi_i);
  w.u64(spi_r);
  w.bytes(address.bytes());
  w.u16(port);
  auto h = digest(Hash::kSha1, w.data());
  return h.ok() ? *h : Bytes{};
}

Bytes cookie_hash(ByteView secret, ByteView ni, const IpAddress& ip_i, uint64_t spi_i) {
  wire::Writer w;
  w.bytes(ni);
  w.bytes(ip_i.bytes());
  w.u64(spi_i);
  w.bytes(secret);
  auto h = digest(Hash::kSha256, w.data());
  return h.ok() ? *h : Bytes{};
}

}  // namespace ikesuite::crypto
