// The engine's IKEv1 key schedule (engine/ikev1/keys.h) composed from engine/crypto's steps.
// The steps themselves are replayed against the NIST CAVP SP 800-135 IKEv1 vectors in
// tests/crypto (keys_test.cc); here the composition is checked: which SKEYID each
// authentication method uses (RFC 2409 §5), Ka and its expansion (Appendix B), the phase-1 IV
// and KEYMAT per direction with and without PFS (§5.5), and the refusals.
#include <gtest/gtest.h>

#include <stdexcept>

#include "engine/crypto/ikev1_keys.h"
#include "engine/ikev1/keys.h"

namespace ikesuite::ikev1 {
namespace {

// Unwraps a Result; an error fails the running test (gtest reports the exception).
template <typename T>
T must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().message());
  return std::move(r).value();
}

Bytes filled(size_t n, uint8_t v) { return Bytes(n, v); }

struct Inputs {
  Bytes psk = to_bytes("secret");
  Bytes gxy = filled(256, 0x5a), gxi = filled(256, 0x11), gxr = filled(256, 0x22);
  Bytes ni = filled(32, 0x33), nr = filled(32, 0x44);
  Phase1KeyInput make(const crypto::V1IkeTransform& t, v1::OakleyAuthMethod m) const {
    Phase1KeyInput in;
    in.transform = t;
    in.method = m;
    in.pre_shared_key = psk;
    in.g_xy = gxy;
    in.g_xi = gxi;
    in.g_xr = gxr;
    in.ni_b = ni;
    in.nr_b = nr;
    in.cookie_i = 0x0102030405060708ULL;
    in.cookie_r = 0x1112131415161718ULL;
    return in;
  }
};

crypto::V1IkeTransform transform(v1::OakleyEncryption e, uint16_t bits, v1::OakleyHash h) {
  crypto::V1IkeTransform t;
  t.encryption = e;
  t.key_length = bits;
  t.hash = h;
  return t;
}

TEST(Ikev1KeySchedule, PreSharedKeyComposition) {
  Inputs x;
  auto t = transform(v1::OakleyEncryption::AES_CBC, 128, v1::OakleyHash::SHA2_256);
  Phase1Keys k = must(derive_phase1_keys(x.make(t, v1::OakleyAuthMethod::PreSharedKey)));
  crypto::Prf prf = must(crypto::Prf::create_v1(v1::OakleyHash::SHA2_256));
  Bytes skeyid = must(crypto::skeyid_psk(prf, x.psk, x.ni, x.nr));
  crypto::SkeyidSet s = must(crypto::derive_skeyids(prf, skeyid, x.gxy, 0x0102030405060708ULL,
                                                    0x1112131415161718ULL));
  EXPECT_EQ(k.SKEYID, skeyid);
  EXPECT_EQ(k.SKEYID_d, s.SKEYID_d);
  EXPECT_EQ(k.SKEYID_a, s.SKEYID_a);
  EXPECT_EQ(k.SKEYID_e, s.SKEYID_e);
  // AES-128 with SHA-256: Ka is the first 16 bytes of SKEYID_e.
  EXPECT_EQ(k.ka, Bytes(s.SKEYID_e.begin(), s.SKEYID_e.begin() + 16));
  // The first IV: hash(g^xi | g^xr) cut to the block size.
  EXPECT_EQ(k.iv, must(crypto::phase1_iv(crypto::Hash::kSha256, x.gxi, x.gxr, 16)));
  EXPECT_EQ(k.iv.size(), 16u);
}

TEST(Ikev1KeySchedule, SignaturesUseTheDhSecret) {
  Inputs x;
  auto t = transform(v1::OakleyEncryption::AES_CBC, 256, v1::OakleyHash::SHA);
  Phase1Keys rsa = must(derive_phase1_keys(x.make(t, v1::OakleyAuthMethod::RSA_SIG)));
  Phase1Keys ecdsa = must(derive_phase1_keys(x.make(t, v1::OakleyAuthMethod::ECDSA_SHA256_P256)));
  Phase1Keys psk = must(derive_phase1_keys(x.make(t, v1::OakleyAuthMethod::PreSharedKey)));
  crypto::Prf prf = must(crypto::Prf::create_v1(v1::OakleyHash::SHA));
  EXPECT_EQ(rsa.SKEYID, must(crypto::skeyid_sig(prf, x.ni, x.nr, x.gxy)));
  EXPECT_EQ(rsa.SKEYID, ecdsa.SKEYID);
  EXPECT_NE(rsa.SKEYID, psk.SKEYID);
  // AES-256 with SHA-1: 32 bytes of Ka from a 20-byte SKEYID_e, expanded as Appendix B says.
  EXPECT_EQ(rsa.ka.size(), 32u);
  EXPECT_EQ(rsa.ka, must(crypto::ikev1_encryption_key(prf, rsa.SKEYID_e, 32)));
  EXPECT_NE(Bytes(rsa.ka.begin(), rsa.ka.begin() + 20), rsa.SKEYID_e);
}

TEST(Ikev1KeySchedule, TripleDesBlockAndKeySizes) {
  Inputs x;
  auto t = transform(v1::OakleyEncryption::TripleDES_CBC, 0, v1::OakleyHash::SHA);
  Phase1Keys k = must(derive_phase1_keys(x.make(t, v1::OakleyAuthMethod::PreSharedKey)));
  EXPECT_EQ(k.ka.size(), 24u);
  EXPECT_EQ(k.iv.size(), 8u);
}

TEST(Ikev1KeySchedule, RefusesWhatIkev1CannotUse) {
  Inputs x;
  auto t = transform(v1::OakleyEncryption::AES_CBC, 128, v1::OakleyHash::SHA2_256);
  auto pke = derive_phase1_keys(x.make(t, v1::OakleyAuthMethod::RSA_ENC));
  ASSERT_FALSE(pke.ok());
  EXPECT_EQ(pke.error().code(), ErrorCode::kUnsupported);
  auto bad_hash = derive_phase1_keys(x.make(
      transform(v1::OakleyEncryption::AES_CBC, 128, static_cast<v1::OakleyHash>(99)),
      v1::OakleyAuthMethod::PreSharedKey));
  EXPECT_FALSE(bad_hash.ok());
}

TEST(Ikev1KeySchedule, KeymatPerDirectionWithAndWithoutPfs) {
  crypto::Prf prf = must(crypto::Prf::create_v1(v1::OakleyHash::SHA2_256));
  Bytes d = filled(32, 0x77), ni = filled(16, 1), nr = filled(16, 2), gqm = filled(256, 9);
  constexpr uint8_t kEsp = 3;
  ChildKeys plain = must(derive_child_keys(prf, d, {}, kEsp, 0xc0000001, 0xc0000002, ni, nr, 16,
                                           32));
  EXPECT_EQ(plain.encr_in.size(), 16u);
  EXPECT_EQ(plain.integ_in.size(), 32u);
  Bytes in = must(crypto::keymat(prf, d, {}, kEsp, 0xc0000001, ni, nr, 48));
  Bytes out = must(crypto::keymat(prf, d, {}, kEsp, 0xc0000002, ni, nr, 48));
  EXPECT_EQ(plain.encr_in, Bytes(in.begin(), in.begin() + 16));
  EXPECT_EQ(plain.integ_in, Bytes(in.begin() + 16, in.end()));
  EXPECT_EQ(plain.encr_out, Bytes(out.begin(), out.begin() + 16));
  EXPECT_EQ(plain.integ_out, Bytes(out.begin() + 16, out.end()));
  // The peer derives the same two keys with the SPIs swapped.
  ChildKeys peer = must(derive_child_keys(prf, d, {}, kEsp, 0xc0000002, 0xc0000001, ni, nr, 16,
                                          32));
  EXPECT_EQ(peer.encr_in, plain.encr_out);
  EXPECT_EQ(peer.integ_out, plain.integ_in);
  // PFS: g(qm)^xy goes into every KEYMAT block.
  ChildKeys pfs = must(derive_child_keys(prf, d, gqm, kEsp, 0xc0000001, 0xc0000002, ni, nr, 16,
                                         32));
  EXPECT_NE(pfs.encr_in, plain.encr_in);
  Bytes pfs_in = must(crypto::keymat(prf, d, gqm, kEsp, 0xc0000001, ni, nr, 48));
  EXPECT_EQ(pfs.encr_in, Bytes(pfs_in.begin(), pfs_in.begin() + 16));
  EXPECT_FALSE(derive_child_keys(prf, d, {}, kEsp, 1, 2, ni, nr, 0, 0).ok());
}

}  // namespace
}  // namespace ikesuite::ikev1
