// Known-answer tests for hashes, HMAC, AES-XCBC, AES-CMAC, the IKE PRFs, prf+ and the
// integrity algorithms. Each test names the document its vectors come from.
#include <gtest/gtest.h>

#include "engine/crypto/hash.h"
#include "engine/crypto/integ.h"
#include "engine/crypto/prf.h"
#include "tests/crypto/test_util.h"

namespace ikesuite::crypto {
namespace {

using testing::must;
using testing::repeat;
using testing::str;

const Bytes kCount20 = hex("000102030405060708090a0b0c0d0e0f10111213");
const Bytes kKey16 = hex("000102030405060708090a0b0c0d0e0f");
const Bytes kCmacKey = hex("2b7e151628aed2a6abf7158809cf4f3c");
const Bytes kCmacMsg64 =
    hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
        "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");

TEST(Hash, Fips180AndRfc1321Digests) {
  // FIPS 180-2 Appendix A/B "abc" examples, RFC 1321 §A.5 for MD5.
  EXPECT_EQ(to_hex(must(digest(Hash::kSha1, str("abc")))),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(to_hex(must(digest(Hash::kSha256, str("abc")))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(must(digest(Hash::kMd5, str("abc")))), "900150983cd24fb0d6963f7d28e17f72");
  // Split input hashes like the concatenation.
  EXPECT_EQ(must(digest(Hash::kSha384, {str("a"), str("bc")})),
            must(digest(Hash::kSha384, str("abc"))));
  EXPECT_EQ(digest_size(Hash::kSha512), 64u);
  EXPECT_EQ(block_size(Hash::kSha384), 128u);
  EXPECT_EQ(hash_from_v1(v1::OakleyHash::SHA2_384), Hash::kSha384);
  EXPECT_EQ(hash_from_v2(v2::HashAlgorithm::IDENTITY), std::nullopt);
  EXPECT_EQ(hash_to_v2(Hash::kSha512), v2::HashAlgorithm::SHA2_512);
}

TEST(Hmac, Rfc2202Sha1AndMd5) {
  EXPECT_EQ(to_hex(must(hmac(Hash::kSha1, repeat(0x0b, 20), str("Hi There")))),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(to_hex(must(hmac(Hash::kSha1, str("Jefe"), str("what do ya want for nothing?")))),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(to_hex(must(hmac(Hash::kMd5, repeat(0x0b, 16), str("Hi There")))),
            "9294727a3638bb1c13f48ef8158bfc9d");
  EXPECT_EQ(to_hex(must(hmac(Hash::kMd5, str("Jefe"), str("what do ya want for nothing?")))),
            "750c783e6ab0b503eaa86e310a5db738");
}

TEST(Hmac, EmptyKeyIsALegalKey) {
  // RFC 2104 pads any key, including an empty one, to the block size with zeros.
  EXPECT_EQ(must(hmac(Hash::kSha256, {}, str("x"))),
            must(hmac(Hash::kSha256, repeat(0, 64), str("x"))));
}

struct PrfVector {
  v2::PrfId id;
  Bytes key;
  Bytes data;
  const char* out;
};

TEST(Prf, Rfc4868Section271HmacSha2Vectors) {
  // RFC 4868 §2.7.1 (the RFC 4231 test cases 1, 3 and 6 for PRF-HMAC-SHA-256/384/512).
  const Bytes big_key = repeat(0xaa, 131);
  const Bytes big_msg = str("Test Using Larger Than Block-Size Key - Hash Key First");
  const PrfVector vectors[] = {
      {v2::PrfId::HMAC_SHA2_256, repeat(0x0b, 20), str("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {v2::PrfId::HMAC_SHA2_384, repeat(0x0b, 20), str("Hi There"),
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2f"
       "a9cb6"},
      {v2::PrfId::HMAC_SHA2_512, repeat(0x0b, 20), str("Hi There"),
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea"
       "3f4e4be9d914eeb61f1702e696c203a126854"},
      {v2::PrfId::HMAC_SHA2_256, repeat(0xaa, 20), repeat(0xdd, 50),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {v2::PrfId::HMAC_SHA2_256, big_key, big_msg,
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {v2::PrfId::HMAC_SHA2_384, big_key, big_msg,
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f"
       "44952"},
      {v2::PrfId::HMAC_SHA2_512, big_key, big_msg,
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6"
       "a1e5295e64f73f63f0aec8b915a985d786598"},
      {v2::PrfId::HMAC_SHA1, repeat(0x0b, 20), str("Hi There"),  // RFC 2202 test case 1
       "b617318655057264e28bc0b6fb378c8ef146be00"},
  };
  for (const auto& v : vectors) {
    Prf prf = must(Prf::create(v.id));
    EXPECT_EQ(to_hex(must(prf.compute(v.key, v.data))), v.out) << v2::to_string(v.id);
    EXPECT_EQ(prf.output_size(), std::string(v.out).size() / 2);
    EXPECT_EQ(prf.preferred_key_size(), prf.output_size());
  }
}

TEST(Prf, Rfc3566And4434AesXcbcVectors) {
  // RFC 3566 §4.6 test cases 1-5 (full 128-bit output, RFC 4434 §3 PRF-128) ...
  Prf prf = must(Prf::create(v2::PrfId::AES128_XCBC));
  EXPECT_EQ(prf.output_size(), 16u);
  EXPECT_EQ(prf.preferred_key_size(), 16u);
  EXPECT_EQ(to_hex(must(prf.compute(kKey16, {}))), "75f0251d528ac01c4573dfd584d79f29");
  EXPECT_EQ(to_hex(must(prf.compute(kKey16, hex("000102")))), "5b376580ae2f19afe7219ceef172756f");
  EXPECT_EQ(to_hex(must(prf.compute(kKey16, kKey16))), "d2a246fa349b68a79998a4394ff7a263");
  EXPECT_EQ(to_hex(must(prf.compute(kKey16, kCount20))), "47f51b4564966215b8985c63055ed308");
  EXPECT_EQ(
      to_hex(must(prf.compute(kKey16, concat({kKey16, hex("101112131415161718191a1b1c1d1e1f")})))),
      "f54f0ec8d2b9f3d36807734bd5283fd4");
  // ... and RFC 4434 §4: keys shorter (padded) and longer (reduced) than 128 bits.
  EXPECT_EQ(to_hex(must(prf.compute(hex("00010203040506070809"), kCount20))),
            "0fa087af7d866e7653434e602fdde835");
  EXPECT_EQ(to_hex(must(prf.compute(hex("000102030405060708090a0b0c0d0e0fedcb"), kCount20))),
            "8cd3c93ae598a9803006ffb67c40e9e4");
}

TEST(Prf, Rfc4493And4615AesCmacVectors) {
  Prf prf = must(Prf::create(v2::PrfId::AES128_CMAC));
  // RFC 4493 §4 examples 1-4.
  EXPECT_EQ(to_hex(must(prf.compute(kCmacKey, {}))), "bb1d6929e95937287fa37d129b756746");
  EXPECT_EQ(to_hex(must(prf.compute(kCmacKey, ByteView(kCmacMsg64).first(16)))),
            "070a16b46b4d4144f79bdd9dd04a287c");
  EXPECT_EQ(to_hex(must(prf.compute(kCmacKey, ByteView(kCmacMsg64).first(40)))),
            "dfa66747de9ae63030ca32611497c827");
  EXPECT_EQ(to_hex(must(prf.compute(kCmacKey, kCmacMsg64))), "51f0bebf7e3b9d92fc49741779363cfe");
  // RFC 4615 §4: 18-, 16- and 10-byte keys (the short key is reduced, not padded).
  EXPECT_EQ(to_hex(must(prf.compute(hex("000102030405060708090a0b0c0d0e0fedcb"), kCount20))),
            "84a348a4a45d235babfffc0d2b4da09a");
  EXPECT_EQ(to_hex(must(prf.compute(kKey16, kCount20))), "980ae87b5f4c9c5214f5b6a8455e4c2d");
  EXPECT_EQ(to_hex(must(prf.compute(hex("00010203040506070809"), kCount20))),
            "290d9e112edb09ee141fcf64c0b72f3d");
}

TEST(Prf, PlusFollowsRfc7296Section213) {
  Prf prf = must(Prf::create(v2::PrfId::HMAC_SHA2_256));
  const Bytes key = str("key"), seed = str("seed");
  Bytes out = must(prf.plus(key, seed, 80));
  ASSERT_EQ(out.size(), 80u);
  // T1 = prf(K, S | 0x01), T2 = prf(K, T1 | S | 0x02), T3 = prf(K, T2 | S | 0x03)
  Bytes t1 = must(prf.compute(key, concat({seed, hex("01")})));
  Bytes t2 = must(prf.compute(key, concat({t1, seed, hex("02")})));
  Bytes t3 = must(prf.compute(key, concat({t2, seed, hex("03")})));
  EXPECT_EQ(out, Bytes(concat({t1, t2, ByteView(t3).first(16)})));
  // A shorter request is a prefix of a longer one.
  EXPECT_EQ(must(prf.plus(key, seed, 20)), Bytes(out.begin(), out.begin() + 20));
}

TEST(Prf, PlusRefusesMoreThan255Blocks) {
  Prf prf = must(Prf::create(v2::PrfId::HMAC_SHA1));
  EXPECT_TRUE(prf.plus(str("k"), str("s"), 255 * 20).ok());
  auto r = prf.plus(str("k"), str("s"), 255 * 20 + 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCrypto);
}

TEST(Prf, UnsupportedAndIkev1Mapping) {
  auto tiger = Prf::create(v2::PrfId::HMAC_TIGER);
  ASSERT_FALSE(tiger.ok());
  EXPECT_EQ(tiger.error().code(), ErrorCode::kUnsupported);
  EXPECT_FALSE(Prf::create(static_cast<v2::PrfId>(99)).ok());
  EXPECT_EQ(must(Prf::create_v1(v1::OakleyHash::SHA)).id(), v2::PrfId::HMAC_SHA1);
  EXPECT_EQ(must(Prf::create_v1(v1::OakleyHash::MD5)).id(), v2::PrfId::HMAC_MD5);
  EXPECT_EQ(must(Prf::create_v1(v1::OakleyHash::SHA2_512)).output_size(), 64u);
  EXPECT_FALSE(Prf::create_v1(v1::OakleyHash::TIGER).ok());
  EXPECT_EQ(must(Prf::create_v1(v1::OakleyHash::SHA2_256)).hash(), Hash::kSha256);
  EXPECT_EQ(must(Prf::create(v2::PrfId::AES128_CMAC)).hash(), std::nullopt);
}

struct IntegVector {
  v2::IntegId id;
  Bytes key;
  Bytes data;
  const char* icv;
};

TEST(Integrity, TruncatedIcvVectors) {
  const IntegVector vectors[] = {
      // RFC 4868 §2.7.2.1-2.7.2.3, test cases AUTH256-1/-2, AUTH384-1, AUTH512-1/-2.
      {v2::IntegId::HMAC_SHA2_256_128, repeat(0x0b, 32), str("Hi There"),
       "198a607eb44bfbc69903a0f1cf2bbdc5"},
      {v2::IntegId::HMAC_SHA2_256_128, str("JefeJefeJefeJefeJefeJefeJefeJefe"),
       str("what do ya want for nothing?"), "167f928588c5cc2eef8e3093caa0e87c"},
      {v2::IntegId::HMAC_SHA2_384_192, repeat(0x0b, 48), str("Hi There"),
       "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973"},
      {v2::IntegId::HMAC_SHA2_512_256, repeat(0x0b, 64), str("Hi There"),
       "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"},
      {v2::IntegId::HMAC_SHA2_512_256,
       str("JefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefe"),
       str("what do ya want for nothing?"),
       "cb370917ae8a7ce28cfd1d8f4705d6141c173b2a9362c15df235dfb251b15454"},
      // RFC 3566 §4.6 test cases 2 and 4 (AES-XCBC-MAC-96).
      {v2::IntegId::AES_XCBC_96, kKey16, hex("000102"), "5b376580ae2f19afe7219cee"},
      {v2::IntegId::AES_XCBC_96, kKey16, kCount20, "47f51b4564966215b8985c63"},
      // RFC 4494 §5 test cases 1 and 4 (AES-CMAC-96).
      {v2::IntegId::AES_CMAC_96, kCmacKey, {}, "bb1d6929e95937287fa37d12"},
      {v2::IntegId::AES_CMAC_96, kCmacKey, kCmacMsg64, "51f0bebf7e3b9d92fc497417"},
      // RFC 2202 test cases 1, truncated to 96 bits (RFC 2403 / RFC 2404 §2).
      {v2::IntegId::HMAC_SHA1_96, repeat(0x0b, 20), str("Hi There"), "b617318655057264e28bc0b6"},
      {v2::IntegId::HMAC_MD5_96, repeat(0x0b, 16), str("Hi There"), "9294727a3638bb1c13f48ef8"},
      {v2::IntegId::HMAC_SHA1_160, repeat(0x0b, 20), str("Hi There"),
       "b617318655057264e28bc0b6fb378c8ef146be00"},
  };
  for (const auto& v : vectors) {
    Integrity integ = must(Integrity::create(v.id));
    EXPECT_EQ(integ.key_size(), v.key.size()) << v2::to_string(v.id);
    EXPECT_EQ(integ.icv_size(), std::string(v.icv).size() / 2) << v2::to_string(v.id);
    EXPECT_EQ(to_hex(must(integ.compute(v.key, v.data))), v.icv) << v2::to_string(v.id);
    EXPECT_TRUE(integ.verify(v.key, v.data, hex(v.icv))) << v2::to_string(v.id);
  }
}

TEST(Integrity, VerifyRejectsAnyChange) {
  Integrity integ = must(Integrity::create(v2::IntegId::HMAC_SHA2_256_128));
  const Bytes key = repeat(0x11, 32), data = str("payload");
  Bytes icv = must(integ.compute(key, data));
  for (size_t i = 0; i < icv.size() * 8; ++i) {
    Bytes bad = icv;
    bad[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    EXPECT_FALSE(integ.verify(key, data, bad)) << "bit " << i;
  }
  EXPECT_FALSE(integ.verify(key, data, ByteView(icv).first(15)));  // truncated ICV
  EXPECT_FALSE(integ.verify(key, str("payloaD"), icv));
  EXPECT_FALSE(integ.verify(repeat(0x11, 31), data, icv));  // wrong key length
}

TEST(Integrity, KeyLengthIsEnforced) {
  Integrity integ = must(Integrity::create(v2::IntegId::AES_XCBC_96));
  auto r = integ.compute(repeat(0, 20), str("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCrypto);
  auto none = Integrity::create(v2::IntegId::DES_MAC);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace ikesuite::crypto
