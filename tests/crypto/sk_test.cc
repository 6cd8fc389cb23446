// SK / SKF payload protection: the RFC 7634 Appendix B IKEv2 example replayed byte for byte,
// round trips for every suite, tamper detection on every bit of body and prefix, and the
// malformed-body cases (short body, bad Pad Length, partial blocks).
#include "engine/crypto/sk.h"

#include <gtest/gtest.h>

#include "tests/crypto/test_util.h"

namespace ikesuite::crypto {
namespace {

using testing::FixedRandom;
using testing::must;
using testing::str;

struct SuiteSpec {
  v2::EncrId encr;
  uint16_t bits;
  std::optional<v2::IntegId> integ;
};

SkSuite suite_of(const SuiteSpec& s) {
  SkSuite suite{must(Cipher::create(s.encr, s.bits)), std::nullopt};
  if (s.integ) suite.integ = must(Integrity::create(*s.integ));
  return suite;
}

SkKeys keys_for(const SkSuite& s, uint8_t seed) {
  SkKeys k;
  for (size_t i = 0; i < s.cipher.key_size(); ++i) k.encr.push_back(static_cast<uint8_t>(seed + i));
  if (s.integ)
    for (size_t i = 0; i < s.integ->key_size(); ++i)
      k.integ.push_back(static_cast<uint8_t>(seed * 3 + i));
  return k;
}

std::string describe(const SuiteSpec& s) {
  return v2::to_string(s.encr) + "_" + std::to_string(s.bits) +
         (s.integ ? "/" + v2::to_string(*s.integ) : "");
}

const SuiteSpec kSuites[] = {
    {v2::EncrId::AES_CBC, 128, v2::IntegId::HMAC_SHA1_96},
    {v2::EncrId::AES_CBC, 256, v2::IntegId::HMAC_SHA2_256_128},
    {v2::EncrId::AES_CBC, 192, v2::IntegId::HMAC_SHA2_384_192},
    {v2::EncrId::AES_CBC, 256, v2::IntegId::HMAC_SHA2_512_256},
    {v2::EncrId::AES_CBC, 128, v2::IntegId::AES_XCBC_96},
    {v2::EncrId::AES_CBC, 128, v2::IntegId::AES_CMAC_96},
    {v2::EncrId::AES_CBC, 128, v2::IntegId::HMAC_MD5_96},
    {v2::EncrId::TripleDES, 0, v2::IntegId::HMAC_SHA1_96},
    {v2::EncrId::AES_CTR, 256, v2::IntegId::HMAC_SHA2_256_128},
    {v2::EncrId::CAMELLIA_CBC, 128, v2::IntegId::HMAC_SHA2_256_128},
    {v2::EncrId::AES_GCM_8, 128, std::nullopt},
    {v2::EncrId::AES_GCM_12, 192, std::nullopt},
    {v2::EncrId::AES_GCM_16, 256, std::nullopt},
    {v2::EncrId::AES_CCM_8, 128, std::nullopt},
    {v2::EncrId::AES_CCM_16, 256, std::nullopt},
    {v2::EncrId::CHACHA20_POLY1305, 0, std::nullopt},
};

TEST(Sk, Rfc7634AppendixBEncryptedPayload) {
  // RFC 7634 Appendix B: an INFORMATIONAL request whose SK payload carries one Notify payload.
  // The prefix is the IKE header and the SK generic header; the body is IV | ciphertext | ICV.
  SkSuite suite = suite_of({v2::EncrId::CHACHA20_POLY1305, 0, std::nullopt});
  SkKeys keys{hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3"), {}};
  const Bytes prefix = hex("c0c1c2c3c4c5c6c7d0d1d2d3d4d5d6d72e202500000000090000004529000029");
  const Bytes body = concat(
      {hex("1011121314151617"), hex("610394701f8d017f7c129248896b71bfe25236efd7cdc67066906315b2")});
  const Bytes inner = hex("0000000c000040010000000a00");  // Notify payload | Pad Length (0)
  const Bytes notify(inner.begin(), inner.end() - 1);
  EXPECT_EQ(must(open(suite, keys, prefix, body)), notify);
  EXPECT_EQ(sealed_size(suite, notify.size()), body.size());
  FixedRandom iv(hex("1011121314151617"));
  EXPECT_EQ(must(seal(suite, keys, prefix, notify, iv)), body);
}

TEST(Sk, RoundTripAndSizesForEverySuite) {
  SeededRandom rng(11);
  for (const auto& spec : kSuites) {
    SCOPED_TRACE(describe(spec));
    SkSuite suite = suite_of(spec);
    ASSERT_TRUE(check_suite(suite).ok());
    SkKeys keys = keys_for(suite, 0x10);
    for (size_t n : {0u, 1u, 15u, 16u, 17u, 100u, 1000u}) {
      const Bytes prefix = rng.bytes(32);
      const Bytes plain = rng.bytes(n);
      Bytes body = must(seal(suite, keys, prefix, plain, rng));
      EXPECT_EQ(body.size(), sealed_size(suite, n));
      const size_t block = suite.cipher.block_size();
      EXPECT_EQ((body.size() - suite.cipher.iv_size() - sk_icv_size(suite)) % block, 0u);
      EXPECT_EQ(must(open(suite, keys, prefix, body)), plain);
      EXPECT_GE(max_plaintext_for(suite, body.size()), n);
      EXPECT_LT(max_plaintext_for(suite, body.size()), n + block);
    }
  }
}

TEST(Sk, IvsComeFromTheRandomAndDiffer) {
  SkSuite suite = suite_of(kSuites[1]);
  SkKeys keys = keys_for(suite, 1);
  SeededRandom a(3), b(3);
  Bytes x = must(seal(suite, keys, str("hdr"), str("data"), a));
  Bytes y = must(seal(suite, keys, str("hdr"), str("data"), b));
  EXPECT_EQ(x, y);  // reproducible from the seed
  Bytes z = must(seal(suite, keys, str("hdr"), str("data"), a));
  EXPECT_NE(x, z);  // a fresh IV per message
}

TEST(Sk, EverySingleBitFlipOfBodyOrPrefixFailsIntegrity) {
  SeededRandom rng(12);
  for (const auto& spec : kSuites) {
    SCOPED_TRACE(describe(spec));
    SkSuite suite = suite_of(spec);
    SkKeys keys = keys_for(suite, 0x20);
    const Bytes prefix = rng.bytes(32);
    const Bytes plain = rng.bytes(37);
    const Bytes body = must(seal(suite, keys, prefix, plain, rng));
    for (size_t bit = 0; bit < body.size() * 8; ++bit) {
      Bytes bad = body;
      bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      auto r = open(suite, keys, prefix, bad);
      ASSERT_FALSE(r.ok()) << "body bit " << bit;
      ASSERT_EQ(r.error().code(), ErrorCode::kIntegrity) << "body bit " << bit;
    }
    for (size_t bit = 0; bit < prefix.size() * 8; ++bit) {
      Bytes bad = prefix;
      bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      auto r = open(suite, keys, bad, body);
      ASSERT_FALSE(r.ok()) << "prefix bit " << bit;
      ASSERT_EQ(r.error().code(), ErrorCode::kIntegrity) << "prefix bit " << bit;
    }
    // The other direction's keys do not open it either.
    auto wrong = open(suite, keys_for(suite, 0x21), prefix, body);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code(), ErrorCode::kIntegrity);
  }
}

TEST(Sk, RejectsTruncatedBodies) {
  for (const auto& spec : {kSuites[1], kSuites[12]}) {
    SkSuite suite = suite_of(spec);
    SkKeys keys = keys_for(suite, 2);
    SeededRandom rng(4);
    Bytes body = must(seal(suite, keys, str("p"), str("x"), rng));
    for (size_t n = 0; n < suite.cipher.iv_size() + sk_icv_size(suite) + 1; ++n) {
      auto r = open(suite, keys, str("p"), ByteView(body).first(n));
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code(), ErrorCode::kLength) << describe(spec) << " " << n;
    }
    for (size_t n = suite.cipher.iv_size() + sk_icv_size(suite) + 1; n < body.size(); ++n)
      EXPECT_FALSE(open(suite, keys, str("p"), ByteView(body).first(n)).ok());
  }
}

// Builds a correctly authenticated classic (non-AEAD) body around `inner`, which the test
// makes malformed on purpose.
Bytes raw_body(const SkSuite& suite, const SkKeys& keys, ByteView prefix, ByteView inner) {
  const Bytes iv(suite.cipher.iv_size(), 0x33);
  Bytes ct = must(suite.cipher.encrypt(keys.encr, iv, inner));
  Bytes icv = must(suite.integ->compute(keys.integ, concat({prefix, iv, ct})));
  return concat({iv, ct, icv});
}

TEST(Sk, RejectsAPadLengthBeyondTheData) {
  SkSuite suite = suite_of(kSuites[1]);
  SkKeys keys = keys_for(suite, 5);
  Bytes inner(32, 0xab);
  inner.back() = 32;  // 32 bytes of padding plus the Pad Length byte: 33 > 32
  auto r = open(suite, keys, str("p"), raw_body(suite, keys, str("p"), inner));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kMalformed);
  inner.back() = 31;  // everything is padding: an empty payload chain
  EXPECT_EQ(must(open(suite, keys, str("p"), raw_body(suite, keys, str("p"), inner))).size(), 0u);
  inner.back() = 20;  // more than a block of padding is legal (RFC 7296 §3.14 sets no maximum)
  EXPECT_EQ(must(open(suite, keys, str("p"), raw_body(suite, keys, str("p"), inner))).size(), 11u);
}

TEST(Sk, RejectsPartialBlocksEvenWhenAuthenticated) {
  // AES-CTR has no block constraint; a CBC body of 17 bytes is authenticated but unusable.
  SkSuite suite = suite_of(kSuites[0]);
  SkKeys keys = keys_for(suite, 6);
  const Bytes iv(16, 1);
  const Bytes ct(17, 2);
  Bytes icv = must(suite.integ->compute(keys.integ, concat({str("p"), iv, ct})));
  auto r = open(suite, keys, str("p"), concat({iv, ct, icv}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLength);
}

TEST(Sk, SuitesThatCannotProtectIke) {
  SeededRandom rng(1);
  SkSuite null_suite{must(Cipher::create(v2::EncrId::Null, 0)),
                     must(Integrity::create(v2::IntegId::HMAC_SHA1_96))};
  auto r = seal(null_suite, SkKeys{{}, Bytes(20, 0)}, {}, str("x"), rng);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kConfig);
  SkSuite no_integ{must(Cipher::create(v2::EncrId::AES_CBC, 128)), std::nullopt};
  EXPECT_FALSE(check_suite(no_integ).ok());
  SkSuite aead_with_integ{must(Cipher::create(v2::EncrId::AES_GCM_16, 128)),
                          must(Integrity::create(v2::IntegId::HMAC_SHA1_96))};
  EXPECT_FALSE(check_suite(aead_with_integ).ok());
}

}  // namespace
}  // namespace ikesuite::crypto
