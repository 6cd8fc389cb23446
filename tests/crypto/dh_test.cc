// Key exchange tests: RFC 5903 §8 (ECP groups 19-21), RFC 7748 §5.2 and §6.1/§6.2 (X25519,
// X448), the MODP primes of RFC 2409 §6 and RFC 3526 checked against their defining formula
// (with pi computed here) and their published hex, agreement and reproducibility for every
// group, and peer value validation (RFC 6989, RFC 8031 §2).
#include "engine/crypto/dh.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>

#include "tests/crypto/test_util.h"

namespace ikesuite::crypto {
namespace {

using testing::FixedRandom;
using testing::must;

const v2::DhGroup kAllGroups[] = {
    v2::DhGroup::MODP_768,      v2::DhGroup::MODP_1024,     v2::DhGroup::MODP_1536,
    v2::DhGroup::MODP_2048,     v2::DhGroup::MODP_3072,     v2::DhGroup::MODP_4096,
    v2::DhGroup::MODP_6144,     v2::DhGroup::MODP_8192,     v2::DhGroup::MODP_1024_160,
    v2::DhGroup::MODP_2048_224, v2::DhGroup::MODP_2048_256, v2::DhGroup::ECP_256,
    v2::DhGroup::ECP_384,       v2::DhGroup::ECP_521,       v2::DhGroup::ECP_192,
    v2::DhGroup::ECP_224,       v2::DhGroup::BRAINPOOL_224, v2::DhGroup::BRAINPOOL_256,
    v2::DhGroup::BRAINPOOL_384, v2::DhGroup::BRAINPOOL_512, v2::DhGroup::CURVE25519,
    v2::DhGroup::CURVE448,
};

struct KexVector {
  v2::DhGroup group;
  const char* priv_i;
  const char* pub_i;
  const char* priv_r;
  const char* pub_r;
  const char* shared;
};

void check_vector(const KexVector& v) {
  SCOPED_TRACE(v2::to_string(v.group));
  // Drawing the private value from a Random that yields the vector's key, as a seeded run would.
  FixedRandom rng(hex(v.priv_i));
  auto i = must(KeyExchange::create(v.group, rng));
  EXPECT_EQ(to_hex(i->public_value()), v.pub_i);
  EXPECT_EQ(to_hex(i->private_value()), v.priv_i);
  auto r = must(KeyExchange::from_private(v.group, hex(v.priv_r)));
  EXPECT_EQ(to_hex(r->public_value()), v.pub_r);
  EXPECT_EQ(to_hex(must(i->shared_secret(hex(v.pub_r)))), v.shared);
  EXPECT_EQ(to_hex(must(r->shared_secret(hex(v.pub_i)))), v.shared);
}

// The big-endian value minus a small amount (the values used here end in 0xff).
Bytes minus(Bytes v, uint8_t d) {
  if (!v.empty()) v[v.size() - 1] = static_cast<uint8_t>(v[v.size() - 1] - d);
  return v;
}

std::string half(const std::string& s, bool first) {
  return first ? s.substr(0, s.size() / 2) : s.substr(s.size() / 2);
}

TEST(KeyExchange, Rfc5903Section8EcpVectors) {
  const std::string s256 =
                        "814264145f2f56f2e96a8e337a1284993faf432a5abce59e867b7291d507a3af2ce1788ec1"
                        "97e096db95a200cc0ab26a19ce6bccad562b8eee1b593761cf7f41",
                    s384 =
                        "d27335ea71664af244dd14e9fd1260715dfd8a7965571c48d709ee7a7962a156d706a90cbc"
                        "b5df2986f05feadb9376f152d1791fdb4b70f89c0f00d456c2f7023b6125262c36a7df1f80"
                        "231121cce3d39be52e00c194a4132c4a6c768bcd94d2",
                    s521 =
                        "0113f82da825735e3d97276683b2b74277bad27335ea71664af2430cc4f33459b9669ee78b"
                        "3ffb9b8683015d344dcbfef6fb9af4c6c470be254516cd3c1a1fb4736200cee3480d8645a1"
                        "7d249f2776d28bae616952d1791fdb4b70f7c3378732aa1b22928448bcd1dc2496d435b010"
                        "48066ebe4f72903c361b1a9dc1193dc2c9d0891b96";
  const std::string a = half(s256, true), b = half(s256, false);
  check_vector({v2::DhGroup::ECP_256, a.c_str(),
                "2af502f3be8952f2c9b5a8d4160d09e97165be50bc42ae4a5e8d3b4ba83aeb15eb0faf4ca986c4d386"
                "81a0f9872d79d56795bd4bff6e6de3c0f5015ece5efd85",
                b.c_str(),
                "b120de4aa36492795346e8de6c2c8646ae06aaea279fa775b3ab0715f6ce51b09f1b7eece20d7b5ed8"
                "ec685fa3f071d83727027092a8411385c34dde5708b2b6",
                "dd0f5396219d1ea393310412d19a08f1f5811e9dc8ec8eea7f80d21c820c2788"});
  const std::string c = half(s384, true), d = half(s384, false);
  check_vector({v2::DhGroup::ECP_384, c.c_str(),
                "793148f1787634d5da4c6d9074417d05e057ab62f82054d10ee6b0403d6279547e6a8ea9d1fd77427d"
                "016fe27a8b8c66c6c41294331d23e6f480f4fb4cd40504c947392e94f4c3f06b8f398bb29e42368f7a"
                "685923de3b67baced214a1a1d128",
                d.c_str(),
                "5cd42ab9c41b5347f74b8d4efb708b3d5b36db65915359b44abc17647b6b9999789d72a84865ae2f22"
                "3f12b5a1abc120e171458feaa939aaa3a8bfac46b404bd8f6d5b348c0fa4d80ceca16356ca933240bd"
                "e8723415a8ece035b0edf36755de",
                "5ea1fc4af7256d2055981b110575e0a8cae53160137d904c59d926eb1b8456e427aa8a4540884c37de"
                "159a58028abc0e"});
  const std::string e = half(s521, true), f = half(s521, false);
  check_vector(
      {v2::DhGroup::ECP_521, e.c_str(),
       "01ebb34dd75721abf8adc9dbed17889cbb9765d90a7c60f2cef007bb0f2b26e14881fd4442e689d61cb2dd046ee"
       "30e3ffd20f9a45bbdf6413d583a2dbf59924fd35c00f6b632d194c0388e22d8437e558c552ae195adfd153f92d7"
       "4908351b2f8c4eda94edb0916d1b53c020b5eecaed1a5fc38a233e4830587bb2ee3489b3b42a5a86a4",
       f.c_str(),
       "010ebfafc6e85e08d24bfffcc1a4511db0e634beeb1b6dec8c5939ae44766201af6200430ba97c8ac6a0e9f08b3"
       "3ce7e9feeb5ba4ee5e0d81510c24295b8a08d023500a4a6ec300df9e257b0372b5e7abfef093436719a77887ebb"
       "0b18cf8099b9f4212b6e30a1419c18e029d36863cc9d448f4dba4d2a0e60711be572915fbd4fef2695",
       "00cdea89621cfa46b132f9e4cfe2261cde2d4368eb5656634c7cc98c7a00cde54ed1866a0dd3e6126c9d2f845da"
       "ff82ceb1da08f5d87521bb0ebeca77911169c20cc"});
}

TEST(KeyExchange, Rfc7748Section61X25519) {
  check_vector({v2::DhGroup::CURVE25519,
                "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
                "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
                "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"});
}

TEST(KeyExchange, Rfc7748Section52X25519ScalarMultiplication) {
  // The function X25519(k, u) for an arbitrary u: our private value k, the peer's value u.
  auto k = must(KeyExchange::from_private(
      v2::DhGroup::CURVE25519,
      hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")));
  EXPECT_EQ(to_hex(must(k->shared_secret(
                hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")))),
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

TEST(KeyExchange, Rfc7748Section62X448) {
  const std::string seed =
      "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127"
      "ab1d9ac2d8c0a598726b1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee897"
      "2b0d3e21374c9c921b09d1b0366f10b65173992d";
  const std::string a = half(seed, true), b = half(seed, false);
  check_vector({v2::DhGroup::CURVE448, a.c_str(),
                "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c"
                "5b12da88120d53177f80e532c41fa0",
                b.c_str(),
                "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca7"
                "06dcb57aec3dae07bdc1c67bf33609",
                "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c33554393652"
                "1c24403085d59a449a5037514a879d"});
}

// floor(2^e * pi) by Machin's formula, pi = 16 atan(1/5) - 4 atan(1/239), in fixed point with
// guard bits, so the MODP primes can be rebuilt from their RFC definition.
BIGNUM* pi_scaled(int e) {
  const int guard = 64;
  BN_CTX* ctx = BN_CTX_new();
  BIGNUM* one = BN_new();
  BN_one(one);
  BN_lshift(one, one, e + guard);
  auto atan_inv = [&](unsigned long x) {
    BIGNUM* sum = BN_new();
    BIGNUM* term = BN_dup(one);
    BIGNUM* t = BN_new();
    BN_zero(sum);
    BN_div_word(term, x);  // 1/x
    for (unsigned long k = 0; !BN_is_zero(term); ++k) {
      BN_copy(t, term);
      BN_div_word(t, 2 * k + 1);
      if (k % 2 == 0)
        BN_add(sum, sum, t);
      else
        BN_sub(sum, sum, t);
      BN_div_word(term, x * x);
    }
    BN_free(term);
    BN_free(t);
    return sum;
  };
  BIGNUM* a = atan_inv(5);
  BIGNUM* b = atan_inv(239);
  BN_mul_word(a, 16);
  BN_mul_word(b, 4);
  BIGNUM* pi = BN_new();
  BN_sub(pi, a, b);
  BN_rshift(pi, pi, guard);
  BN_free(a);
  BN_free(b);
  BN_free(one);
  BN_CTX_free(ctx);
  return pi;
}

TEST(KeyExchange, ModpPrimesMatchTheirRfcDefinition) {
  // RFC 2409 §6.1/6.2 and RFC 3526 §2-7: p = 2^n - 2^(n-64) - 1 + 2^64 * ([2^(n-130) pi] + k).
  struct {
    v2::DhGroup group;
    int bits;
    unsigned long k;
  } const groups[] = {
      {v2::DhGroup::MODP_768, 768, 149686},    {v2::DhGroup::MODP_1024, 1024, 129093},
      {v2::DhGroup::MODP_1536, 1536, 741804},  {v2::DhGroup::MODP_2048, 2048, 124476},
      {v2::DhGroup::MODP_3072, 3072, 1690314}, {v2::DhGroup::MODP_4096, 4096, 240904},
      {v2::DhGroup::MODP_6144, 6144, 929484},  {v2::DhGroup::MODP_8192, 8192, 4743158},
  };
  for (const auto& g : groups) {
    SCOPED_TRACE(v2::to_string(g.group));
    BIGNUM* p = pi_scaled(g.bits - 130);
    BN_add_word(p, g.k);
    BN_lshift(p, p, 64);
    BIGNUM* t = BN_new();
    BN_one(t);
    BN_lshift(t, t, g.bits);
    BN_add(p, p, t);
    BN_one(t);
    BN_lshift(t, t, g.bits - 64);
    BN_sub(p, p, t);
    BN_sub_word(p, 1);
    Bytes expected(static_cast<size_t>(g.bits / 8));
    BN_bn2binpad(p, expected.data(), static_cast<int>(expected.size()));
    BN_free(p);
    BN_free(t);
    // Our public value g^x mod p with x = 1 is not allowed; instead: g^x for x = 2 is 4 and
    // p - 1 must be rejected as a peer value, which pins the prime the group uses.
    auto kx = must(KeyExchange::from_private(g.group, hex("02")));
    Bytes four(expected.size(), 0);
    four.back() = 4;
    EXPECT_EQ(kx->public_value(), four);
    auto r = kx->shared_secret(minus(expected, 1));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().reason().find("1 < y < p-1"), std::string::npos) << r.error().reason();
    // (p-2)^2 mod p = 4: the largest accepted value proves where p is.
    Bytes s = must(kx->shared_secret(minus(expected, 2)));
    EXPECT_EQ(s, four);
  }
}

TEST(KeyExchange, ModpPrimesMatchPublishedHex) {
  // RFC 2409 §6.2 (group 2) and RFC 3526 §2 (group 5), as printed there.
  const Bytes p1024 =
      hex("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
          "8E3404DD"
          "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6"
          "F406B7ED"
          "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF");
  const Bytes p1536 =
      hex("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
          "8E3404DD"
          "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6"
          "F406B7ED"
          "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8"
          "FD24CF5F"
          "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFF"
          "FFFFFFFF");
  for (auto [group, p] :
       {std::pair{v2::DhGroup::MODP_1024, p1024}, std::pair{v2::DhGroup::MODP_1536, p1536}}) {
    auto kx = must(KeyExchange::from_private(group, hex("02")));
    Bytes four(p.size(), 0);
    four[four.size() - 1] = 4;
    EXPECT_EQ(must(kx->shared_secret(minus(p, 2))), four) << v2::to_string(group);
    EXPECT_FALSE(kx->shared_secret(p).ok());  // p itself is out of range
  }
}

TEST(KeyExchange, EveryGroupAgreesAndHasTheRfcSizes) {
  SeededRandom rng(2024);
  for (v2::DhGroup g : kAllGroups) {
    SCOPED_TRACE(v2::to_string(g));
    ASSERT_TRUE(is_supported(g));
    auto a = must(KeyExchange::create(g, rng));
    auto b = must(KeyExchange::create(g, rng));
    EXPECT_EQ(a->group(), g);
    EXPECT_EQ(a->public_value().size(), public_value_size(g));
    EXPECT_NE(a->public_value(), b->public_value());
    Bytes s1 = must(a->shared_secret(b->public_value()));
    Bytes s2 = must(b->shared_secret(a->public_value()));
    EXPECT_EQ(s1, s2);
    EXPECT_EQ(s1.size(), shared_secret_size(g));
  }
  EXPECT_EQ(public_value_size(v2::DhGroup::MODP_2048), 256u);
  EXPECT_EQ(public_value_size(v2::DhGroup::ECP_256), 64u);
  EXPECT_EQ(shared_secret_size(v2::DhGroup::ECP_521), 66u);
  EXPECT_EQ(public_value_size(v2::DhGroup::CURVE448), 56u);
}

TEST(KeyExchange, SeededRandomReproducesKeysByteForByte) {
  for (v2::DhGroup g : {v2::DhGroup::MODP_2048, v2::DhGroup::ECP_384, v2::DhGroup::CURVE25519,
                        v2::DhGroup::MODP_2048_256, v2::DhGroup::ECP_521}) {
    SeededRandom r1(99), r2(99), r3(100);
    auto a = must(KeyExchange::create(g, r1));
    auto b = must(KeyExchange::create(g, r2));
    auto c = must(KeyExchange::create(g, r3));
    EXPECT_EQ(a->public_value(), b->public_value()) << v2::to_string(g);
    EXPECT_EQ(a->private_value(), b->private_value());
    EXPECT_NE(a->public_value(), c->public_value());
    auto again = must(KeyExchange::from_private(g, a->private_value()));
    EXPECT_EQ(again->public_value(), a->public_value());
  }
}

TEST(KeyExchange, ModpShortSharedSecretsAreLeftPadded) {
  // RFC 7296 §2.14: g^ir is as long as the prime; a value with leading zero bytes keeps them.
  // x = 2 and peer y = 2^k gives 2^(2k): choose k so the result has a zero top byte.
  auto kx = must(KeyExchange::from_private(v2::DhGroup::MODP_2048, hex("02")));
  Bytes y(256, 0);
  y[200] = 1;  // y = 2^(8*55)
  Bytes s = must(kx->shared_secret(y));
  ASSERT_EQ(s.size(), 256u);
  EXPECT_EQ(s[0], 0);
  EXPECT_EQ(s[255 - 110], 1);  // 2^(8*110)
}

TEST(KeyExchange, RejectsInvalidModpPeerValues) {
  SeededRandom rng(5);
  auto kx = must(KeyExchange::create(v2::DhGroup::MODP_2048, rng));
  Bytes zero(256, 0), one(256, 0);
  one.back() = 1;
  for (const Bytes& bad : {zero, one, Bytes(255, 7), Bytes(257, 7), Bytes(256, 0xff)}) {
    auto r = kx->shared_secret(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kCrypto);
  }
  // RFC 6989 §2.2: in the RFC 5114 groups a value outside the q-order subgroup is refused.
  auto sub = must(KeyExchange::create(v2::DhGroup::MODP_2048_256, rng));
  Bytes two(256, 0);
  two.back() = 2;
  auto r = sub->shared_secret(two);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason().find("subgroup"), std::string::npos) << r.error().reason();
}

TEST(KeyExchange, RejectsPointsOffTheCurve) {
  SeededRandom rng(6);
  auto kx = must(KeyExchange::create(v2::DhGroup::ECP_256, rng));
  auto peer = must(KeyExchange::create(v2::DhGroup::ECP_256, rng));
  Bytes off = peer->public_value();
  off.back() ^= 1;  // y + 1 is not on the curve for the same x
  auto r = kx->shared_secret(off);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCrypto);
  EXPECT_FALSE(kx->shared_secret(Bytes(64, 0)).ok());  // (0,0) is not a point
  EXPECT_FALSE(kx->shared_secret(Bytes(65, 1)).ok());  // with a 0x04 prefix: wrong length
  auto len = kx->shared_secret(ByteView(peer->public_value()).first(32));  // x only
  ASSERT_FALSE(len.ok());
  EXPECT_NE(len.error().reason().find("32 bytes"), std::string::npos);
}

TEST(KeyExchange, Rfc8031Section2RejectsAllZeroX25519Results) {
  SeededRandom rng(8);
  auto kx = must(KeyExchange::create(v2::DhGroup::CURVE25519, rng));
  auto r = kx->shared_secret(Bytes(32, 0));  // u = 0 is of small order: X25519 yields zeros
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCrypto);
  Bytes u1(32, 0);
  u1[0] = 1;  // u = 1 has order dividing the cofactor too
  EXPECT_FALSE(kx->shared_secret(u1).ok());
  EXPECT_FALSE(kx->shared_secret(Bytes(31, 9)).ok());
  auto x448 = must(KeyExchange::create(v2::DhGroup::CURVE448, rng));
  EXPECT_FALSE(x448->shared_secret(Bytes(56, 0)).ok());
}

TEST(KeyExchange, UnsupportedGroupsAndBadPrivateValues) {
  SeededRandom rng(1);
  auto none = KeyExchange::create(v2::DhGroup::None, rng);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kUnsupported);
  EXPECT_FALSE(is_supported(static_cast<v2::DhGroup>(40)));
  EXPECT_EQ(public_value_size(static_cast<v2::DhGroup>(40)), 0u);
  EXPECT_FALSE(KeyExchange::from_private(v2::DhGroup::MODP_2048, hex("01")).ok());
  EXPECT_FALSE(KeyExchange::from_private(v2::DhGroup::ECP_256, Bytes(32, 0)).ok());
  EXPECT_FALSE(KeyExchange::from_private(v2::DhGroup::ECP_256, Bytes(32, 0xff)).ok());  // >= n
  EXPECT_FALSE(KeyExchange::from_private(v2::DhGroup::CURVE25519, Bytes(31, 1)).ok());
}

}  // namespace
}  // namespace ikesuite::crypto
