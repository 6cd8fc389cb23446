#include "engine/crypto/ikev1_keys.h"

#include <openssl/crypto.h>

#include <string>

#include "engine/crypto/ikev2_keys.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::crypto {

namespace {

Bytes u32_bytes(uint32_t v) {
  wire::Writer w;
  w.u32(v);
  return Bytes(w.data().begin(), w.data().end());
}

Result<Bytes> truncate_to(Result<Bytes> h, size_t n, const char* what) {
  if (!h.ok()) return h;
  if (h->size() < n)
    return Error(ErrorCode::kCrypto, std::string(what) + ": hash shorter than the block size");
  h->resize(n);
  return h;
}

}  // namespace

Result<Bytes> skeyid_psk(const Prf& prf, ByteView pre_shared_key, ByteView ni_b, ByteView nr_b) {
  return prf.compute(pre_shared_key, {ni_b, nr_b});
}

Result<Bytes> skeyid_sig(const Prf& prf, ByteView ni_b, ByteView nr_b, ByteView g_xy) {
  return prf.compute(concat({ni_b, nr_b}), g_xy);
}

Result<Bytes> skeyid_pke(const Prf& prf, Hash hash, ByteView ni_b, ByteView nr_b, uint64_t cky_i,
                         uint64_t cky_r) {
  TRY_ASSIGN(Bytes key, digest(hash, {ni_b, nr_b}));
  return prf.compute(key, {spi_bytes(cky_i), spi_bytes(cky_r)});
}

Result<SkeyidSet> derive_skeyids(const Prf& prf, ByteView skeyid, ByteView g_xy, uint64_t cky_i,
                                 uint64_t cky_r) {
  const Bytes ci = spi_bytes(cky_i), cr = spi_bytes(cky_r);
  static const uint8_t kZero = 0, kOne = 1, kTwo = 2;
  SkeyidSet s;
  s.SKEYID.assign(skeyid.begin(), skeyid.end());
  TRY_ASSIGN(s.SKEYID_d, prf.compute(skeyid, {g_xy, ci, cr, ByteView(&kZero, 1)}));
  TRY_ASSIGN(s.SKEYID_a, prf.compute(skeyid, {s.SKEYID_d, g_xy, ci, cr, ByteView(&kOne, 1)}));
  TRY_ASSIGN(s.SKEYID_e, prf.compute(skeyid, {s.SKEYID_a, g_xy, ci, cr, ByteView(&kTwo, 1)}));
  return s;
}

Result<Bytes> ikev1_encryption_key(const Prf& prf, ByteView skeyid_e, size_t key_size) {
  if (skeyid_e.size() >= key_size)
    return Bytes(skeyid_e.begin(), skeyid_e.begin() + static_cast<long>(key_size));
  // RFC 2409 Appendix B: K1 = prf(SKEYID_e, 0) with a single zero octet, then chained.
  static const uint8_t kZero = 0;
  Bytes ka;
  TRY_ASSIGN(Bytes k, prf.compute(skeyid_e, ByteView(&kZero, 1)));
  append(ka, k);
  while (ka.size() < key_size) {
    TRY_ASSIGN(k, prf.compute(skeyid_e, k));
    append(ka, k);
  }
  ka.resize(key_size);
  return ka;
}

Result<Bytes> hash_i(const Prf& prf, ByteView skeyid, ByteView g_xi, ByteView g_xr, uint64_t cky_i,
                     uint64_t cky_r, ByteView sai_b, ByteView idii_b) {
  return prf.compute(skeyid, {g_xi, g_xr, spi_bytes(cky_i), spi_bytes(cky_r), sai_b, idii_b});
}

Result<Bytes> hash_r(const Prf& prf, ByteView skeyid, ByteView g_xi, ByteView g_xr, uint64_t cky_i,
                     uint64_t cky_r, ByteView sai_b, ByteView idir_b) {
  return prf.compute(skeyid, {g_xr, g_xi, spi_bytes(cky_r), spi_bytes(cky_i), sai_b, idir_b});
}

Result<Bytes> phase1_iv(Hash hash, ByteView g_xi, ByteView g_xr, size_t block_size) {
  return truncate_to(digest(hash, {g_xi, g_xr}), block_size, "phase-1 IV");
}

Result<Bytes> phase2_iv(Hash hash, ByteView last_phase1_block, uint32_t message_id,
                        size_t block_size) {
  return truncate_to(digest(hash, {last_phase1_block, u32_bytes(message_id)}), block_size,
                     "phase-2 IV");
}

Result<Bytes> qm_hash1(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView rest) {
  return prf.compute(skeyid_a, {u32_bytes(message_id), rest});
}

Result<Bytes> qm_hash2(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView ni_b,
                       ByteView rest) {
  return prf.compute(skeyid_a, {u32_bytes(message_id), ni_b, rest});
}

Result<Bytes> qm_hash3(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView ni_b,
                       ByteView nr_b) {
  static const uint8_t kZero = 0;
  return prf.compute(skeyid_a, {ByteView(&kZero, 1), u32_bytes(message_id), ni_b, nr_b});
}

Result<Bytes> informational_hash(const Prf& prf, ByteView skeyid_a, uint32_t message_id,
                                 ByteView payloads) {
  return prf.compute(skeyid_a, {u32_bytes(message_id), payloads});
}

Result<Bytes> keymat(const Prf& prf, ByteView skeyid_d, ByteView g_qm_xy, uint8_t protocol,
                     uint32_t spi, ByteView ni_b, ByteView nr_b, size_t length) {
  const Bytes seed = concat({g_qm_xy, ByteView(&protocol, 1), u32_bytes(spi), ni_b, nr_b});
  Bytes out;
  Bytes k;
  while (out.size() < length) {
    TRY_ASSIGN(k, prf.compute(skeyid_d, {k, seed}));
    append(out, k);
  }
  out.resize(length);
  return out;
}

size_t ikev1_padded_size(const Cipher& cipher, size_t plaintext_size) {
  const size_t b = cipher.block_size();
  return (plaintext_size + b - 1) / b * b;
}

namespace {

Result<Bytes> last_block(ByteView data, size_t block) {
  if (data.size() < block) return Error(ErrorCode::kLength, "message shorter than one block");
  wire::Reader r(data);
  TRY(r.skip(data.size() - block));
  const ByteView last = r.rest();
  return Bytes(last.begin(), last.end());
}

Status check_cbc(const Cipher& cipher) {
  if (cipher.is_aead() || cipher.iv_size() != cipher.block_size() || cipher.block_size() < 8)
    return Error(ErrorCode::kConfig,
                 v2::to_string(cipher.id()) + " is not a CBC cipher usable for IKEv1");
  return ok_status();
}

}  // namespace

Result<CbcResult> ikev1_encrypt(const Cipher& cipher, ByteView key, ByteView iv,
                                ByteView plaintext) {
  TRY(check_cbc(cipher));
  Bytes padded(plaintext.begin(), plaintext.end());
  padded.resize(ikev1_padded_size(cipher, plaintext.size()), 0);
  if (padded.empty()) padded.resize(cipher.block_size(), 0);
  CbcResult out;
  TRY_ASSIGN(out.data, cipher.encrypt(key, iv, padded));
  TRY_ASSIGN(out.next_iv, last_block(out.data, cipher.block_size()));
  return out;
}

Result<CbcResult> ikev1_decrypt(const Cipher& cipher, ByteView key, ByteView iv,
                                ByteView ciphertext) {
  TRY(check_cbc(cipher));
  if (ciphertext.empty() || ciphertext.size() % cipher.block_size() != 0)
    return Error(ErrorCode::kLength, "encrypted IKEv1 body of " +
                                         std::to_string(ciphertext.size()) +
                                         " bytes is not a whole number of " +
                                         std::to_string(cipher.block_size()) + "-byte blocks");
  CbcResult out;
  TRY_ASSIGN(out.next_iv, last_block(ciphertext, cipher.block_size()));
  TRY_ASSIGN(out.data, cipher.decrypt(key, iv, ciphertext));
  return out;
}

Bytes ikev1_nat_d_hash(Hash hash, uint64_t cky_i, uint64_t cky_r, const IpAddress& address,
                       uint16_t port) {
  wire::Writer w;
  w.u64(cky_i);
  w.u64(cky_r);
  w.bytes(address.bytes());
  w.u16(port);
  auto h = digest(hash, w.data());
  return h.ok() ? *h : Bytes{};
}

uint64_t isakmp_cookie(const Endpoint& local, const Endpoint& peer, ByteView local_secret,
                       Time now) {
  wire::Writer w;
  w.bytes(local.addr.bytes());
  w.u16(local.port);
  w.bytes(peer.addr.bytes());
  w.u16(peer.port);
  w.bytes(local_secret);
  w.u64(static_cast<uint64_t>(now.count()));
  auto h = digest(Hash::kSha256, w.data());
  uint64_t c = 0;
  if (h.ok()) {
    wire::Reader r(*h);
    c = r.u64().value_or(0);
  }
  // RFC 2408 §3.1: an all-zero Initiator Cookie is invalid.
  return c == 0 ? 1 : c;
}

}  // namespace ikesuite::crypto
