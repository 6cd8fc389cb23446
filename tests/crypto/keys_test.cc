// Key schedules. The IKEv2 and IKEv1 derivations are replayed byte for byte against NIST CAVP
// SP 800-135 component test vectors (ikev2.zip: SHA-1, Ni/Nr of 8 bytes, g^ir of 128 bytes;
// the IKEv1 digital-signature file: SHA-1); the remaining functions are checked against their
// RFC formulas built from the primitives, and for the properties the engine relies on.
#include <gtest/gtest.h>

#include "engine/crypto/hash.h"
#include "engine/crypto/ikev1_keys.h"
#include "engine/crypto/ikev2_keys.h"
#include "tests/crypto/test_util.h"

namespace ikesuite::crypto {
namespace {

using testing::must;
using testing::str;

// NIST CAVP SP 800-135 IKEv2 KDF, [SHA-1], COUNT = 0.
const Bytes kNi = hex("3651fef5c9c35e93");
const Bytes kNr = hex("c09a8b90a3f04d59");
const Bytes kGir =
    hex("d084a30166a50fb7325c3960874a839449ef9741c2f4f947d0201dd8c1269273d79509f37e3ca3eb4fa2fe2a28"
        "254e28"
        "9cd3f34dad4eb4df1a07685a4b8a94fa61e2491f7598b3ce65547ff133b3f63d1ac4175eaa695033f3cedb026a"
        "6873a3"
        "6455172a8540b8a5d23a0143bed0390ee49b168269d75fffee9fb62be965993c");
const Bytes kGirNew =
    hex("52f00ab174c25d5b7139ae5ff4e8e9eddee5992d2e36adf8a559ffd90dab1442e4fbe429d320c0f33552a17d15"
        "57fa41"
        "ea70e8fb916c4fa27ed52b5f8ebd8461afa78f1159159a64055ac5f6319e29c28eae58cbc6847770f32c3fed1d"
        "047504"
        "84f854790f95e9ec01bc5bc461f24966462e359511329305038e94deb6dd42c2");
constexpr uint64_t kSpiI = 0x8e5c3ae507221684ULL;
constexpr uint64_t kSpiR = 0xb1f201bb155c3acdULL;
const char* kSkeyseed = "cd2e8050137832245f1dbacc6e4f0a92f94d45d6";
const char* kDkm =
    "6f1b12cad3cbe097b35430356d869d54cddb0198ec859174d53ceb92dddedbe2436db69f60977c58fa63bbb667f8d3"
    "69"
    "20b109baae8f6c61a9ac49feda01843225d080ec5539d5881a25521ffb2a0a91874a9c0a27fcc2d717eb8963a9e3a8"
    "9c"
    "7ab264757284c28cf8c3ca40576f4220b052b1fb8e9ad60ba3c80557323331a8cbb89f20";
const char* kDkmChild =
    "4727dc0ef94eb326ce131cf282fb652faa638ad0ddae3786a11bcc0309876009f8c485de011ad962c5b1ca8a41ff81"
    "45"
    "445749079c5686e26ffebbc342f06981f3da745e11ca0976424d1f8caec623d59dc7186deb20a27b411d1dcb70a365"
    "44"
    "0bf7de905088b0692e8addc094e18d1939bdb67e89798ca6b239e2ccb81c2409dac0106c";
const char* kDkmChildDh =
    "b109c21ad4c0797768c1cec9e63554681e48f224bca7f23c20c4ea7041983451e9aa1d5408656c8a975ff1b9d9a12c"
    "75"
    "ffeb64bdecb30174664cccb4e14f1c377b7f6d1525af77c7092aac3e47f917ebae8297fb5539d2008ce830823a09cc"
    "19"
    "7361d4a289c72745f6ce9fefe812be5bf55b3200fbb82e41a4a40877d3fe106db909707b";
const char* kSkeyseedRekey = "3b03bce748c96d5e8306918d2ff89b68f0648da3";

Bytes join(const IkeSaKeys& k) {
  return concat({k.SK_d, k.SK_ai, k.SK_ar, k.SK_ei, k.SK_er, k.SK_pi, k.SK_pr});
}
Bytes join(const ChildSaKeys& k) {
  return concat({k.encr_i, k.integ_i, k.encr_r, k.integ_r});
}

TEST(Ikev2Keys, NistCavpSkeyseedAndIkeSaKeys) {
  Prf prf = must(Prf::create(v2::PrfId::HMAC_SHA1));
  Bytes seed = must(skeyseed(prf, kNi, kNr, kGir));
  EXPECT_EQ(to_hex(seed), kSkeyseed);
  // 132 bytes of DKM = SK_d (20) | SK_ai, SK_ar (20 each) | SK_ei, SK_er (16 each) | SK_pi, SK_pr.
  IkeSaKeys keys = must(derive_ike_sa_keys(prf, seed, kNi, kNr, kSpiI, kSpiR, 20, 16));
  EXPECT_EQ(to_hex(join(keys)), kDkm);
  EXPECT_EQ(keys.SK_d.size(), 20u);
  EXPECT_EQ(keys.SK_ei.size(), 16u);
  EXPECT_EQ(keys.SK_pr.size(), 20u);
  EXPECT_EQ(to_hex(keys.SK_d), "6f1b12cad3cbe097b35430356d869d54cddb0198");
}

TEST(Ikev2Keys, NistCavpChildSaKeymatWithAndWithoutPfs) {
  Prf prf = must(Prf::create(v2::PrfId::HMAC_SHA1));
  const Bytes sk_d = hex("6f1b12cad3cbe097b35430356d869d54cddb0198");
  ChildSaKeys child = must(derive_child_sa_keys(prf, sk_d, {}, kNi, kNr, 36, 30));
  EXPECT_EQ(to_hex(join(child)), kDkmChild);
  EXPECT_EQ(child.encr_i.size(), 36u);
  EXPECT_EQ(child.integ_r.size(), 30u);
  ChildSaKeys pfs = must(derive_child_sa_keys(prf, sk_d, kGirNew, kNi, kNr, 36, 30));
  EXPECT_EQ(to_hex(join(pfs)), kDkmChildDh);
}

TEST(Ikev2Keys, NistCavpRekeyedSkeyseed) {
  Prf prf = must(Prf::create(v2::PrfId::HMAC_SHA1));
  const Bytes sk_d = hex("6f1b12cad3cbe097b35430356d869d54cddb0198");
  EXPECT_EQ(to_hex(must(skeyseed_rekey(prf, sk_d, kGirNew, kNi, kNr))), kSkeyseedRekey);
}

TEST(Ikev2Keys, AesPrfsKeySkeyseedWithEightBytesOfEachNonce) {
  // RFC 7296 §2.14: for AES-XCBC-PRF-128 and AES-CMAC-PRF-128 only the first 64 bits of Ni and
  // Nr key SKEYSEED; the HMAC PRFs use the whole nonces.
  const Bytes ni = hex("00112233445566778899aabbccddeeff"),
              nr = hex("ffeeddccbbaa99887766554433221100");
  Bytes ni2 = ni, nr2 = nr;
  ni2[12] ^= 1;
  nr2[15] ^= 1;
  for (v2::PrfId id : {v2::PrfId::AES128_XCBC, v2::PrfId::AES128_CMAC}) {
    Prf prf = must(Prf::create(id));
    Bytes s = must(skeyseed(prf, ni, nr, kGir));
    EXPECT_EQ(s, must(skeyseed(prf, ni2, nr2, kGir)));
    EXPECT_EQ(s, must(prf.compute(hex("0011223344556677ffeeddccbbaa9988"), kGir)));
    EXPECT_EQ(s.size(), 16u);
    // ... but all of both nonces go into prf+.
    IkeSaKeys a = must(derive_ike_sa_keys(prf, s, ni, nr, 1, 2, 16, 16));
    IkeSaKeys b = must(derive_ike_sa_keys(prf, s, ni2, nr2, 1, 2, 16, 16));
    EXPECT_NE(a.SK_d, b.SK_d);
    EXPECT_EQ(a.SK_d.size(), 16u);
  }
  Prf hmac = must(Prf::create(v2::PrfId::HMAC_SHA2_256));
  EXPECT_NE(must(skeyseed(hmac, ni, nr, kGir)), must(skeyseed(hmac, ni2, nr2, kGir)));
  Prf xcbc = must(Prf::create(v2::PrfId::AES128_XCBC));
  EXPECT_FALSE(skeyseed(xcbc, hex("0011"), nr, kGir).ok());
}

TEST(Ikev2Keys, AeadSuitesHaveNoIntegrityKeys) {
  Prf prf = must(Prf::create(v2::PrfId::HMAC_SHA2_256));
  IkeSaKeys k = must(derive_ike_sa_keys(prf, Bytes(32, 1), kNi, kNr, 1, 2, 0, 36));
  EXPECT_TRUE(k.SK_ai.empty());
  EXPECT_TRUE(k.SK_ar.empty());
  EXPECT_EQ(k.SK_ei.size(), 36u);
  EXPECT_EQ(k.SK_pi.size(), 32u);
  ChildSaKeys c = must(derive_child_sa_keys(prf, Bytes(32, 1), {}, kNi, kNr, 20, 0));
  EXPECT_TRUE(c.integ_i.empty());
  EXPECT_EQ(c.encr_r.size(), 20u);
  EXPECT_NE(c.encr_i, c.encr_r);
}

TEST(Ikev2Keys, PskAuthAndSignedOctetsFollowSection215) {
  Prf prf = must(Prf::create(v2::PrfId::HMAC_SHA2_256));
  const Bytes message = str("IKE_SA_INIT request bytes"), nonce = str("responder nonce");
  const Bytes sk_pi = Bytes(32, 7), id = hex("02000000") /* FQDN */;
  const Bytes id_body = concat({id, str("moon.strongswan.org")});
  Bytes octets = must(signed_octets(prf, message, nonce, sk_pi, id_body));
  EXPECT_EQ(octets, concat({message, nonce, must(prf.compute(sk_pi, id_body))}));
  // "Key Pad for IKEv2" is 17 ASCII bytes without a terminating NUL.
  Bytes pad_key = must(prf.compute(str("secret"), str("Key Pad for IKEv2")));
  EXPECT_EQ(must(psk_auth(prf, str("secret"), octets)), must(prf.compute(pad_key, octets)));
  EXPECT_NE(must(psk_auth(prf, str("secreT"), octets)), must(psk_auth(prf, str("secret"), octets)));
}

TEST(Ikev2Keys, NatDetectionAndCookieHashes) {
  // RFC 7296 §2.23: SHA-1(SPIi | SPIr | IP | port), all in network byte order.
  Bytes h = nat_detection_hash(0x0102030405060708ULL, 0, IpAddress::v4(192, 0, 2, 1), 500);
  EXPECT_EQ(h, must(digest(Hash::kSha1, hex("0102030405060708"
                                            "0000000000000000"
                                            "c0000201"
                                            "01f4"))));
  auto v6 = IpAddress::parse("2001:db8::1");
  ASSERT_TRUE(v6.has_value());
  Bytes h6 = nat_detection_hash(1, 2, *v6, 4500);
  EXPECT_EQ(h6, must(digest(Hash::kSha1, concat({hex("0000000000000001"
                                                     "0000000000000002"),
                                                 v6->bytes(), hex("1194")}))));
  // RFC 7296 §2.6: the cookie hash depends on every input.
  const Bytes secret = str("local secret"), ni = Bytes(32, 5);
  const auto ip = IpAddress::v4(10, 1, 0, 1);
  Bytes c = cookie_hash(secret, ni, ip, 42);
  EXPECT_EQ(c.size(), 32u);
  EXPECT_EQ(c, cookie_hash(secret, ni, ip, 42));
  EXPECT_NE(c, cookie_hash(str("other secret"), ni, ip, 42));
  EXPECT_NE(c, cookie_hash(secret, Bytes(32, 6), ip, 42));
  EXPECT_NE(c, cookie_hash(secret, ni, IpAddress::v4(10, 1, 0, 2), 42));
  EXPECT_NE(c, cookie_hash(secret, ni, ip, 43));
  EXPECT_EQ(to_hex(spi_bytes(0x0102030405060708ULL)), "0102030405060708");
}

// NIST CAVP SP 800-135 IKEv1 KDF (digital signature authentication), [SHA-1], COUNT = 0.
TEST(Ikev1Keys, NistCavpSignatureSkeyidSet) {
  const Bytes ni = hex("ced5635da6796075"), nr = hex("6244b427712fb776");
  const Bytes gxy = hex(
      "2a2e0bbe8da3657a83f3d35826e49e2d38e557e912a1b9e6c30c63577b3eab715466202862027f2c26f309074355"
      "5579611771db0b92bef93834432a3a7762fc8a0f4889fd281d6082770d10a40d7bad61e832f041e620d6787e7f62"
      "ab"
      "2861ddfbe272e0d9d3cdec5f1bbf750e24b8b32d6d714968ad69ce5086c32ad2742ebc");
  Prf prf = must(Prf::create_v1(v1::OakleyHash::SHA));
  Bytes skeyid = must(skeyid_sig(prf, ni, nr, gxy));
  EXPECT_EQ(to_hex(skeyid), "dc37ac99de6dcfbd1ee74af7fb36f9b4b0a7829d");
  // CKY-I = 382e5c8b0a3fa307, CKY-R = ba4b7616700a2413
  SkeyidSet s =
      must(derive_skeyids(prf, skeyid, gxy, 0x382e5c8b0a3fa307ULL, 0xba4b7616700a2413ULL));
  EXPECT_EQ(to_hex(s.SKEYID_d), "486293ed547adb562cefdaf43d3d8457b196f2b6");
  EXPECT_EQ(to_hex(s.SKEYID_a), "f4053b5ca07e59bb41b8f401037ca90b72b3917e");
  EXPECT_EQ(to_hex(s.SKEYID_e), "49a1d53a80fb77e663552964fbbcb45092021473");
  EXPECT_EQ(s.SKEYID, skeyid);
}

TEST(Ikev1Keys, SkeyidForPreSharedKeysAndPublicKeyEncryption) {
  Prf prf = must(Prf::create_v1(v1::OakleyHash::SHA2_256));
  const Bytes ni = str("Ni_b"), nr = str("Nr_b");
  EXPECT_EQ(must(skeyid_psk(prf, str("psk"), ni, nr)),
            must(prf.compute(str("psk"), str("Ni_bNr_b"))));
  Bytes key = must(digest(Hash::kSha256, str("Ni_bNr_b")));
  EXPECT_EQ(must(skeyid_pke(prf, Hash::kSha256, ni, nr, 1, 2)),
            must(prf.compute(key, hex("0000000000000001"
                                      "0000000000000002"))));
}

TEST(Ikev1Keys, AppendixBKeyExpansion) {
  Prf prf = must(Prf::create_v1(v1::OakleyHash::SHA));
  const Bytes e = hex("49a1d53a80fb77e663552964fbbcb45092021473");
  // Long enough: the leading bytes of SKEYID_e.
  EXPECT_EQ(must(ikev1_encryption_key(prf, e, 16)), Bytes(e.begin(), e.begin() + 16));
  EXPECT_EQ(must(ikev1_encryption_key(prf, e, 20)), e);
  // Too short for AES-256: Ka = K1 | K2, K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1).
  Bytes k1 = must(prf.compute(e, hex("00")));
  Bytes k2 = must(prf.compute(e, k1));
  Bytes ka = concat({k1, k2});
  EXPECT_EQ(must(ikev1_encryption_key(prf, e, 32)), Bytes(ka.begin(), ka.begin() + 32));
  Bytes k3 = must(prf.compute(e, k2));
  Bytes long_key = must(ikev1_encryption_key(prf, e, 50));
  EXPECT_EQ(long_key, Bytes(concat({k1, k2, ByteView(k3).first(10)})));
}

TEST(Ikev1Keys, HashesAndIvsFollowRfc2409) {
  Prf prf = must(Prf::create_v1(v1::OakleyHash::SHA));
  const Bytes skeyid = Bytes(20, 1), gxi = Bytes(128, 2), gxr = Bytes(128, 3);
  const Bytes sa = str("SA body"), idii = str("ID i"), idir = str("ID r");
  const uint64_t ci = 0x1111111111111111ULL, cr = 0x2222222222222222ULL;
  const Bytes ci_b = hex("1111111111111111"), cr_b = hex("2222222222222222");
  EXPECT_EQ(must(hash_i(prf, skeyid, gxi, gxr, ci, cr, sa, idii)),
            must(prf.compute(skeyid, concat({gxi, gxr, ci_b, cr_b, sa, idii}))));
  EXPECT_EQ(must(hash_r(prf, skeyid, gxi, gxr, ci, cr, sa, idir)),
            must(prf.compute(skeyid, concat({gxr, gxi, cr_b, ci_b, sa, idir}))));
  // Appendix B: IVs are hashes (not PRFs) truncated to the cipher block.
  Bytes iv1 = must(phase1_iv(Hash::kSha1, gxi, gxr, 16));
  Bytes full = must(digest(Hash::kSha1, concat({gxi, gxr})));
  EXPECT_EQ(iv1, Bytes(full.begin(), full.begin() + 16));
  Bytes iv2 = must(phase2_iv(Hash::kSha1, Bytes(16, 9), 0xdeadbeef, 8));
  Bytes full2 = must(digest(Hash::kSha1, concat({Bytes(16, 9), hex("deadbeef")})));
  EXPECT_EQ(iv2, Bytes(full2.begin(), full2.begin() + 8));
  EXPECT_FALSE(phase1_iv(Hash::kMd5, gxi, gxr, 32).ok());  // longer than the hash
}

TEST(Ikev1Keys, QuickModeAndInformationalHashes) {
  Prf prf = must(Prf::create_v1(v1::OakleyHash::SHA2_256));
  const Bytes a = Bytes(32, 4), ni = str("Ni_b"), nr = str("Nr_b"), rest = str("SA|Ni|IDci|IDcr");
  const uint32_t mid = 0x01020304;
  EXPECT_EQ(must(qm_hash1(prf, a, mid, rest)),
            must(prf.compute(a, concat({hex("01020304"), rest}))));
  EXPECT_EQ(must(qm_hash2(prf, a, mid, ni, rest)),
            must(prf.compute(a, concat({hex("01020304"), ni, rest}))));
  EXPECT_EQ(must(qm_hash3(prf, a, mid, ni, nr)), must(prf.compute(a, concat({hex("00"
                                                                                 "01020304"),
                                                                             ni, nr}))));
  EXPECT_EQ(must(informational_hash(prf, a, mid, str("N"))),
            must(prf.compute(a, concat({hex("01020304"), str("N")}))));
}

TEST(Ikev1Keys, KeymatExpansion) {
  Prf prf = must(Prf::create_v1(v1::OakleyHash::SHA));
  const Bytes d = Bytes(20, 8), ni = str("ni"), nr = str("nr"), g = Bytes(96, 1);
  const Bytes seed = concat({hex("03"
                                 "c0ffee01"),
                             ni, nr});
  Bytes k1 = must(prf.compute(d, seed));
  Bytes k2 = must(prf.compute(d, concat({k1, seed})));
  Bytes k3 = must(prf.compute(d, concat({k2, seed})));
  // ESP with AES-256 + HMAC-SHA1: 32 + 20 = 52 bytes from three PRF blocks.
  EXPECT_EQ(must(keymat(prf, d, {}, 3, 0xc0ffee01, ni, nr, 52)),
            Bytes(concat({k1, k2, ByteView(k3).first(12)})));
  const Bytes pfs_seed = concat({g, seed});
  EXPECT_EQ(must(keymat(prf, d, g, 3, 0xc0ffee01, ni, nr, 20)), must(prf.compute(d, pfs_seed)));
  // Each direction's SPI gives a different KEYMAT.
  EXPECT_NE(must(keymat(prf, d, {}, 3, 1, ni, nr, 20)), must(keymat(prf, d, {}, 3, 2, ni, nr, 20)));
}

TEST(Ikev1Keys, CbcMessagesChainTheirIvs) {
  Cipher aes = must(Cipher::create_v1(v1::OakleyEncryption::AES_CBC, 128));
  const Bytes key(16, 0x61), iv0(16, 0x62);
  const Bytes text = str("first message, 30 bytes long!!");
  // Appendix B: the next message continues from the last ciphertext block.
  CbcResult m1 = must(ikev1_encrypt(aes, key, iv0, text));
  EXPECT_EQ(m1.data.size(), 32u);  // zero-padded to the block size
  EXPECT_EQ(m1.next_iv, Bytes(m1.data.end() - 16, m1.data.end()));
  CbcResult m2 = must(ikev1_encrypt(aes, key, m1.next_iv, Bytes(32, 0x41)));
  EXPECT_EQ(m2.data.size(), 32u);  // already aligned: no padding block added
  CbcResult d1 = must(ikev1_decrypt(aes, key, iv0, m1.data));
  EXPECT_EQ(d1.data, concat({text, Bytes(2, 0)}));
  EXPECT_EQ(d1.next_iv, m1.next_iv);
  CbcResult d2 = must(ikev1_decrypt(aes, key, d1.next_iv, m2.data));
  EXPECT_EQ(d2.data, Bytes(32, 0x41));
  // Equivalent to one CBC pass over both messages.
  Bytes both = must(aes.encrypt(key, iv0, concat({text, Bytes(2, 0), Bytes(32, 0x41)})));
  EXPECT_EQ(both, concat({m1.data, m2.data}));
  EXPECT_EQ(ikev1_padded_size(aes, 33), 48u);
  auto bad = ikev1_decrypt(aes, key, iv0, Bytes(20, 0));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kLength);
  EXPECT_FALSE(ikev1_decrypt(aes, key, iv0, {}).ok());
  Cipher gcm = must(Cipher::create(v2::EncrId::AES_GCM_16, 128));
  EXPECT_FALSE(ikev1_encrypt(gcm, Bytes(20, 0), Bytes(8, 0), str("x")).ok());
  Cipher des3 = must(Cipher::create_v1(v1::OakleyEncryption::TripleDES_CBC, 0));
  CbcResult t = must(ikev1_encrypt(des3, Bytes(24, 3), Bytes(8, 4), str("abc")));
  EXPECT_EQ(t.data.size(), 8u);
}

TEST(Ikev1Keys, NatDAndCookies) {
  // RFC 3947 §3.2: HASH = hash(CKY-I | CKY-R | IP | Port) with the negotiated hash.
  Bytes h = ikev1_nat_d_hash(Hash::kSha256, 1, 2, IpAddress::v4(192, 0, 2, 7), 4500);
  EXPECT_EQ(h, must(digest(Hash::kSha256, hex("0000000000000001"
                                              "0000000000000002"
                                              "c0000207"
                                              "1194"))));
  // RFC 2408 §2.5.3: a function of the endpoints, a local secret and the time.
  const Endpoint local{IpAddress::v4(10, 0, 0, 1), 500}, peer{IpAddress::v4(10, 0, 0, 2), 500};
  const Bytes secret = str("secret");
  uint64_t c = isakmp_cookie(local, peer, secret, Time{1000});
  EXPECT_NE(c, 0u);
  EXPECT_EQ(c, isakmp_cookie(local, peer, secret, Time{1000}));
  EXPECT_NE(c, isakmp_cookie(local, peer, secret, Time{1001}));
  EXPECT_NE(c, isakmp_cookie(local, peer, str("secreT"), Time{1000}));
  EXPECT_NE(c, isakmp_cookie(peer, local, secret, Time{1000}));
  EXPECT_NE(c, isakmp_cookie(local, Endpoint{peer.addr, 4500}, secret, Time{1000}));
}

}  // namespace
}  // namespace ikesuite::crypto
