// Known-answer tests for the ciphers: RFC 3602 (AES-CBC), RFC 3686 (AES-CTR), the McGrew-Viega
// GCM test cases (as RFC 4106 uses them), CCM vectors with 11-byte nonces (RFC 4309 layout),
// RFC 8439 §2.8.2 and RFC 7634 Appendix B (ChaCha20-Poly1305), NIST 3DES MMT; plus the
// structural facts and failure modes of each.
#include "engine/crypto/cipher.h"

#include <gtest/gtest.h>

#include "tests/crypto/test_util.h"

namespace ikesuite::crypto {
namespace {

using testing::must;
using testing::str;

Cipher make(v2::EncrId id, uint16_t bits) {
  return must(Cipher::create(id, bits));
}

TEST(Cipher, Rfc3602AesCbc) {
  Cipher c = make(v2::EncrId::AES_CBC, 128);
  EXPECT_FALSE(c.is_aead());
  EXPECT_EQ(c.key_size(), 16u);
  EXPECT_EQ(c.block_size(), 16u);
  EXPECT_EQ(c.iv_size(), 16u);
  EXPECT_EQ(c.icv_size(), 0u);
  // Case #1: "Single block msg"
  EXPECT_EQ(
      to_hex(must(c.encrypt(hex("06a9214036b8a15b512e03d534120006"),
                            hex("3dafba429d9eb430b422da802c9fac41"), str("Single block msg")))),
      "e353779c1079aeb82708942dbe77181a");
  // Case #3: 64 bytes
  Bytes pt3;
  for (int i = 0xa0; i <= 0xdf; ++i) pt3.push_back(static_cast<uint8_t>(i));
  EXPECT_EQ(to_hex(must(c.encrypt(hex("56e47a38c5598974bc46903dba290349"),
                                  hex("8ce82eefbea0da3c44699ed7db51b7d9"), pt3))),
            "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e35907aa632c3ffdf868bb7"
            "b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55");
  EXPECT_EQ(must(c.decrypt(hex("56e47a38c5598974bc46903dba290349"),
                           hex("8ce82eefbea0da3c44699ed7db51b7d9"),
                           hex("c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e359"
                               "07aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55"))),
            pt3);
}

TEST(Cipher, CbcRejectsPartialBlocksAndWrongSizes) {
  Cipher c = make(v2::EncrId::AES_CBC, 256);
  const Bytes key(32, 1), iv(16, 2);
  auto r = c.encrypt(key, iv, Bytes(15, 0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCrypto);
  auto d = c.decrypt(key, iv, Bytes(17, 0));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kLength);
  EXPECT_FALSE(c.encrypt(Bytes(16, 1), iv, Bytes(16, 0)).ok());     // key too short
  EXPECT_FALSE(c.encrypt(key, Bytes(8, 2), Bytes(16, 0)).ok());     // IV too short
  EXPECT_FALSE(c.encrypt(key, iv, Bytes(16, 0), str("aad")).ok());  // AAD on a non-AEAD
  EXPECT_EQ(must(c.encrypt(key, iv, {})).size(), 0u);
}

TEST(Cipher, Rfc3686AesCtr) {
  // Test vectors #2 (AES-128) and #9 (AES-256); the key material ends in the 4-byte nonce.
  Bytes pt32, pt36;
  for (int i = 0; i < 36; ++i) {
    if (i < 32) pt32.push_back(static_cast<uint8_t>(i));
    pt36.push_back(static_cast<uint8_t>(i));
  }
  Cipher c128 = make(v2::EncrId::AES_CTR, 128);
  EXPECT_EQ(c128.key_size(), 20u);
  EXPECT_EQ(c128.salt_size(), 4u);
  EXPECT_EQ(c128.iv_size(), 8u);
  EXPECT_EQ(c128.block_size(), 1u);
  EXPECT_EQ(to_hex(must(c128.encrypt(hex("7e24067817fae0d743d6ce1f32539163006cb6db"),
                                     hex("c0543b59da48d90b"), pt32))),
            "5104a106168a72d9790d41ee8edad388eb2e1efc46da57c8fce630df9141be28");
  Cipher c256 = make(v2::EncrId::AES_CTR, 256);
  EXPECT_EQ(to_hex(must(c256.encrypt(
                hex("ff7a617ce69148e4f1726e2f43581de2aa62d9f805532edff1eed687fb54153d001cc5b7"),
                hex("51a51d70a1c11148"), pt36))),
            "eb6c52821d0bbbf7ce7594462aca4faab407df866569fd07f48cc0b583d6071f1ec0e6b8");
  EXPECT_EQ(must(c256.decrypt(
                hex("ff7a617ce69148e4f1726e2f43581de2aa62d9f805532edff1eed687fb54153d001cc5b7"),
                hex("51a51d70a1c11148"),
                hex("eb6c52821d0bbbf7ce7594462aca4faab407df866569fd07f48cc0b583d6071f1ec0e6b8"))),
            pt36);
}

TEST(Cipher, McGrewViegaGcmTestCases) {
  // GCM spec test cases 3 and 4 (AES-128) and 15/16 (AES-256), in the RFC 4106 layout: the
  // salt (cafebabe) closes the key material, the IV is the 8-byte explicit part.
  const Bytes pt64 =
      hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
          "49a6b525b16aedf5aa0de657ba637b391aafd255");
  const Bytes pt60(pt64.begin(), pt64.begin() + 60);
  Cipher g16 = make(v2::EncrId::AES_GCM_16, 128);
  EXPECT_TRUE(g16.is_aead());
  EXPECT_EQ(g16.key_size(), 20u);
  EXPECT_EQ(g16.icv_size(), 16u);
  EXPECT_EQ(g16.iv_size(), 8u);
  EXPECT_EQ(to_hex(must(g16.encrypt(hex("feffe9928665731c6d6a8f9467308308cafebabe"),
                                    hex("facedbaddecaf888"), pt64))),
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a"
            "5aac84aa051ba30b396a0aac973d58e091473f59854d5c2af327cd64a62cf35abd2ba6fab4");
  EXPECT_EQ(to_hex(must(g16.encrypt(hex("feffe9928665731c6d6a8f9467308308cafebabe"),
                                    hex("facedbaddecaf888"), pt60,
                                    hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")))),
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a"
            "5aac84aa051ba30b396a0aac973d58e0915bc94fbc3221a5db94fae95ae7121a47");
  EXPECT_EQ(must(g16.decrypt(
                hex("feffe9928665731c6d6a8f9467308308cafebabe"), hex("facedbaddecaf888"),
                hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b2546693"
                    "1c7d8f6a5aac84aa051ba30b396a0aac973d58e0915bc94fbc3221a5db94fae95ae7121a47"),
                hex("feedfacedeadbeeffeedfacedeadbeefabaddad2"))),
            pt60);
  // The 8- and 12-byte ICV variants carry the same tag, truncated.
  const std::string c3 =
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84"
      "aa051ba30b396a0aac973d58e091473f59854d5c2af327cd64a62cf35abd2ba6fab4";
  Cipher g8 = make(v2::EncrId::AES_GCM_8, 128);
  EXPECT_EQ(to_hex(must(g8.encrypt(hex("feffe9928665731c6d6a8f9467308308cafebabe"),
                                   hex("facedbaddecaf888"), pt64))),
            c3.substr(0, 2 * (64 + 8)));
  Cipher g12 = make(v2::EncrId::AES_GCM_12, 128);
  EXPECT_EQ(to_hex(must(g12.encrypt(hex("feffe9928665731c6d6a8f9467308308cafebabe"),
                                    hex("facedbaddecaf888"), pt64))),
            c3.substr(0, 2 * (64 + 12)));
  EXPECT_EQ(must(g8.decrypt(hex("feffe9928665731c6d6a8f9467308308cafebabe"),
                            hex("facedbaddecaf888"), hex(c3.substr(0, 2 * 72)))),
            pt64);
  Cipher g256 = make(v2::EncrId::AES_GCM_16, 256);
  EXPECT_EQ(g256.key_size(), 36u);
  EXPECT_EQ(to_hex(must(g256.encrypt(
                hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308cafebabe"),
                hex("facedbaddecaf888"), pt60, hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")))),
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b"
            "1056828838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b");
}

TEST(Cipher, AeadTamperingIsAnIntegrityError) {
  for (v2::EncrId id : {v2::EncrId::AES_GCM_16, v2::EncrId::AES_CCM_12,
                        v2::EncrId::CHACHA20_POLY1305, v2::EncrId::NULL_AUTH_AES_GMAC}) {
    Cipher c = make(id, id == v2::EncrId::CHACHA20_POLY1305 ? 0 : 256);
    const Bytes key(c.key_size(), 0x42), iv(c.iv_size(), 0x24);
    const Bytes aad = str("header"), pt = str("some inner payloads");
    Bytes sealed = must(c.encrypt(key, iv, pt, aad));
    ASSERT_EQ(sealed.size(), pt.size() + c.icv_size());
    EXPECT_EQ(must(c.decrypt(key, iv, sealed, aad)), pt) << v2::to_string(id);
    for (size_t i = 0; i < sealed.size(); i += 3) {
      Bytes bad = sealed;
      bad[i] ^= 0x01;
      auto r = c.decrypt(key, iv, bad, aad);
      ASSERT_FALSE(r.ok()) << v2::to_string(id) << " byte " << i;
      EXPECT_EQ(r.error().code(), ErrorCode::kIntegrity);
    }
    auto wrong_aad = c.decrypt(key, iv, sealed, str("headeR"));
    ASSERT_FALSE(wrong_aad.ok());
    EXPECT_EQ(wrong_aad.error().code(), ErrorCode::kIntegrity);
    auto short_input = c.decrypt(key, iv, Bytes(c.icv_size() - 1, 0), aad);
    ASSERT_FALSE(short_input.ok());
    EXPECT_EQ(short_input.error().code(), ErrorCode::kLength);
  }
}

TEST(Cipher, GmacAuthenticatesWithoutEncrypting) {
  // RFC 4543: ENCR_NULL_AUTH_AES_GMAC leaves the data in clear and appends the GCM tag over
  // AAD | data; that tag equals AES-GCM's with everything as AAD (McGrew-Viega case 4 key).
  Cipher gmac = make(v2::EncrId::NULL_AUTH_AES_GMAC, 128);
  Cipher gcm = make(v2::EncrId::AES_GCM_16, 128);
  const Bytes key = hex("feffe9928665731c6d6a8f9467308308cafebabe"), iv = hex("facedbaddecaf888");
  Bytes out = must(gmac.encrypt(key, iv, str("data"), str("aad")));
  EXPECT_EQ(Bytes(out.begin(), out.begin() + 4), str("data"));
  EXPECT_EQ(Bytes(out.begin() + 4, out.end()), must(gcm.encrypt(key, iv, {}, str("aaddata"))));
}

TEST(Cipher, CcmVectorsWithElevenByteNonces) {
  // FIPS CAVS CCM vectors with a 3-byte salt and 8-byte IV (the RFC 4309 nonce layout).
  Cipher c16 = make(v2::EncrId::AES_CCM_16, 128);
  EXPECT_EQ(c16.key_size(), 19u);
  EXPECT_EQ(c16.salt_size(), 3u);
  EXPECT_EQ(to_hex(must(c16.encrypt(
                hex("1e2c7e01419aefc00d58966e5ca24bd34fa319"), hex("d3015ad830601556"),
                hex("87a336fd96b39378a92863ba12a31485571e06c97b21ef767f387e8e29a43e7e"),
                hex("dae6289c452dfd635eda4cb6e6fcf9b70c56cbe4e0057ae10a630978bc2c55de")))),
            "8a1e11f0026be219fc70c46d8eb799abc54ba2acd3f348ff3bb5ce53efdebb02a986156c13feda0a22b829"
            "3dd8399a23");
  EXPECT_EQ(
      must(c16.decrypt(hex("1e2c7e01419aefc00d58966e5ca24bd34fa319"), hex("d3015ad830601556"),
                       hex("8a1e11f0026be219fc70c46d8eb799abc54ba2acd3f348ff3bb5ce53efdebb02a986156"
                           "c13feda0a22b8293dd8399a23"),
                       hex("dae6289c452dfd635eda4cb6e6fcf9b70c56cbe4e0057ae10a630978bc2c55de"))),
      hex("87a336fd96b39378a92863ba12a31485571e06c97b21ef767f387e8e29a43e7e"));
  Cipher c8 = make(v2::EncrId::AES_CCM_8, 256);
  EXPECT_EQ(to_hex(must(c8.encrypt(
                hex("e08d997160d7971abd0199d58adf713ad3df244b5e3d4b4e307ab9d8530a5e2b1e2991"),
                hex("ad8ec1530acf2dbe"),
                hex("e1d9d813eb3a753f9dbd5f66bedcbb66bf1799624a39271f1ddc24ae192f984c"),
                hex("19b61f57c4f3f08b782b9402290f42276b75cb9834087e79e43e490d848b2287")))),
            "19b86133452b43966f51d020307d9bc6263df8c96516a89ff0621734f21e8d754e13ccc0c32a542d");
  Cipher c8s = make(v2::EncrId::AES_CCM_8, 128);  // empty plaintext and AAD: only a tag
  EXPECT_EQ(to_hex(must(c8s.encrypt(hex("ab2f8a74b71cd2b1ff802e487d82f8b9af9487"),
                                    hex("783582817f889468"), {}))),
            "413cb88773cbf3f3");
  EXPECT_EQ(must(c8s.decrypt(hex("ab2f8a74b71cd2b1ff802e487d82f8b9af9487"), hex("783582817f889468"),
                             hex("413cb88773cbf3f3")))
                .size(),
            0u);
}

TEST(Cipher, Rfc8439ChaCha20Poly1305Aead) {
  // RFC 8439 §2.8.2: key 80..9f, nonce 07000000 | 4041424344454647 (RFC 7634 §2 splits it into
  // the 4-byte salt at the end of the key material and the 8-byte IV).
  Cipher c = make(v2::EncrId::CHACHA20_POLY1305, 0);
  EXPECT_EQ(c.key_size(), 36u);
  EXPECT_EQ(c.salt_size(), 4u);
  EXPECT_EQ(c.iv_size(), 8u);
  EXPECT_EQ(c.icv_size(), 16u);
  const Bytes pt =
      str("Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
          "for the future, sunscreen would be it.");
  EXPECT_EQ(
      to_hex(must(
          c.encrypt(hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f07000000"),
                    hex("4041424344454647"), pt, hex("50515253c0c1c2c3c4c5c6c7")))),
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92"
      "728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b"
      "4831d7bc3ff4def08e4b7a9de576d26586cec64b61161ae10b594f09e26a7e902ecbd0600691");
  EXPECT_EQ(must(c.decrypt(
                hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f07000000"),
                hex("4041424344454647"),
                hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca967"
                    "1282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee32809"
                    "1b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b61161ae10b"
                    "594f09e26a7e902ecbd0600691"),
                hex("50515253c0c1c2c3c4c5c6c7"))),
            pt);
  EXPECT_TRUE(Cipher::create(v2::EncrId::CHACHA20_POLY1305, 256).ok());
  EXPECT_FALSE(Cipher::create(v2::EncrId::CHACHA20_POLY1305, 128).ok());
}

TEST(Cipher, Rfc7634AppendixBIkev2Example) {
  // The Encrypted payload of RFC 7634 Appendix B: AAD = IKE header | SK header.
  Cipher c = make(v2::EncrId::CHACHA20_POLY1305, 0);
  EXPECT_EQ(to_hex(must(c.encrypt(
                hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3"),
                hex("1011121314151617"), hex("0000000c000040010000000a00"),
                hex("c0c1c2c3c4c5c6c7d0d1d2d3d4d5d6d72e202500000000090000004529000029")))),
            "610394701f8d017f7c129248896b71bfe25236efd7cdc67066906315b2");
}

TEST(Cipher, NistTripleDesMmt) {
  Cipher c = make(v2::EncrId::TripleDES, 0);
  EXPECT_EQ(c.key_size(), 24u);
  EXPECT_EQ(c.block_size(), 8u);
  EXPECT_EQ(
      to_hex(must(c.encrypt(hex("37ae5ebf46dff2dc0754b94f31cbb3855e7fd36dc870bfae"),
                            hex("3d1de3cc132e3b65"), hex("84401f78fe6c10876d8ea23094ea5309")))),
      "7b1f7c7e3b1c948ebd04a75ffba7d2f5");
  EXPECT_EQ(must(c.decrypt(hex("37ae5ebf46dff2dc0754b94f31cbb3855e7fd36dc870bfae"),
                           hex("3d1de3cc132e3b65"), hex("7b1f7c7e3b1c948ebd04a75ffba7d2f5"))),
            hex("84401f78fe6c10876d8ea23094ea5309"));
  EXPECT_TRUE(Cipher::create(v2::EncrId::TripleDES, 192).ok());
}

TEST(Cipher, NullPassesDataThrough) {
  Cipher c = make(v2::EncrId::Null, 0);
  EXPECT_EQ(c.key_size(), 0u);
  EXPECT_EQ(c.iv_size(), 0u);
  EXPECT_EQ(must(c.encrypt({}, {}, str("clear"))), str("clear"));
  EXPECT_EQ(must(c.decrypt({}, {}, str("clear"))), str("clear"));
}

TEST(Cipher, CamelliaRoundTrips) {
  for (v2::EncrId id : {v2::EncrId::CAMELLIA_CBC, v2::EncrId::CAMELLIA_CTR}) {
    Cipher c = make(id, 192);
    const Bytes key(c.key_size(), 7), iv(c.iv_size(), 9), pt(48, 0x5a);
    Bytes ct = must(c.encrypt(key, iv, pt));
    EXPECT_NE(ct, pt);
    EXPECT_EQ(must(c.decrypt(key, iv, ct)), pt);
  }
}

TEST(Cipher, CreateValidatesAlgorithmsAndKeyLengths) {
  auto no_len = Cipher::create(v2::EncrId::AES_CBC, 0);
  ASSERT_FALSE(no_len.ok());
  EXPECT_EQ(no_len.error().code(), ErrorCode::kMalformed);
  auto odd = Cipher::create(v2::EncrId::AES_GCM_16, 160);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code(), ErrorCode::kUnsupported);
  auto des = Cipher::create(v2::EncrId::DES, 0);
  ASSERT_FALSE(des.ok());
  EXPECT_EQ(des.error().code(), ErrorCode::kUnsupported);
  EXPECT_FALSE(Cipher::create(v2::EncrId::TripleDES, 128).ok());
  EXPECT_FALSE(Cipher::create(v2::EncrId::Null, 128).ok());
  for (uint16_t bits : {128, 192, 256}) {
    Cipher c = make(v2::EncrId::AES_CCM_8, bits);
    EXPECT_EQ(c.key_size(), bits / 8u + 3u);
    EXPECT_EQ(c.key_bits(), bits);
  }
}

TEST(Cipher, Ikev1Mapping) {
  Cipher aes = must(Cipher::create_v1(v1::OakleyEncryption::AES_CBC, 256));
  EXPECT_EQ(aes.id(), v2::EncrId::AES_CBC);
  EXPECT_EQ(aes.key_size(), 32u);
  EXPECT_EQ(must(Cipher::create_v1(v1::OakleyEncryption::TripleDES_CBC, 0)).id(),
            v2::EncrId::TripleDES);
  auto no_len = Cipher::create_v1(v1::OakleyEncryption::AES_CBC, 0);
  ASSERT_FALSE(no_len.ok());
  EXPECT_EQ(no_len.error().code(), ErrorCode::kMalformed);
  EXPECT_FALSE(Cipher::create_v1(v1::OakleyEncryption::DES_CBC, 0).ok());
  EXPECT_FALSE(Cipher::create_v1(v1::OakleyEncryption::IDEA_CBC, 0).ok());
}

}  // namespace
}  // namespace ikesuite::crypto
