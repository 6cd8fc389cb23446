// Signatures with the test PKI: every IKEv2 AUTH signature method (RFC 7296 §3.8 method 1,
// RFC 4754 methods 9-11, RFC 7427 method 14 with each scheme), the RFC 7427 AlgorithmIdentifier
// encodings (Appendix A) and their parsing, SIGNATURE_HASH_ALGORITHMS, and the IKEv1 RSA and
// ECDSA signatures (RFC 2409 §5.1, RFC 4754).
#include "engine/crypto/signature.h"

#include <gtest/gtest.h>

#include "tests/crypto/test_util.h"

namespace ikesuite::crypto {
namespace {

using testing::data_path;
using testing::must;
using testing::str;

PrivateKey key(const char* name) {
  return must(PrivateKey::load_pem_file(data_path(name)));
}
PublicKey pub(const char* cert_name) {
  return must(Certificate::load_file(data_path(cert_name))).public_key();
}

const Bytes kOctets = str("RealMessage1 | NonceRData | MACedIDForI");

void expect_verifies(const PublicKey& k, v2::AuthMethod m, const Bytes& auth,
                     const std::string& what) {
  auto ok = auth_verify(k, m, kOctets, auth);
  ASSERT_TRUE(ok.ok()) << what << ": " << ok.error().message();
  Bytes other = kOctets;
  other[0] ^= 1;
  auto bad_octets = auth_verify(k, m, other, auth);
  ASSERT_FALSE(bad_octets.ok()) << what;
  EXPECT_EQ(bad_octets.error().code(), ErrorCode::kIntegrity) << what;
  Bytes tampered = auth;
  tampered.back() ^= 0x40;
  EXPECT_FALSE(auth_verify(k, m, kOctets, tampered).ok()) << what;
}

TEST(Signature, Rfc7296Method1RsaSha1) {
  Bytes auth = must(auth_sign(key("moon-rsa.key"), v2::AuthMethod::RSA_SIG, kOctets));
  EXPECT_EQ(auth.size(), 256u);
  expect_verifies(pub("moon-rsa.crt"), v2::AuthMethod::RSA_SIG, auth, "RSA_SIG");
  // It is RSASSA-PKCS1-v1_5 with SHA-1 (DigestInfo included), deterministic.
  EXPECT_EQ(auth, must(sign(key("moon-rsa.key"), SignatureScheme::kRsaPkcs1Sha1, kOctets)));
  EXPECT_EQ(auth, must(auth_sign(key("moon-rsa.key"), v2::AuthMethod::RSA_SIG, kOctets)));
  // The wrong key does not verify it.
  auto wrong = auth_verify(pub("sun-rsa.crt"), v2::AuthMethod::RSA_SIG, kOctets, auth);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kIntegrity);
}

TEST(Signature, Rfc4754EcdsaMethodsUseFixedLengthRAndS) {
  struct {
    v2::AuthMethod method;
    const char* key;
    const char* cert;
    size_t size;
  } const cases[] = {
      {v2::AuthMethod::ECDSA_SHA256_P256, "moon-ec.key", "moon-ec.crt", 64},
      {v2::AuthMethod::ECDSA_SHA384_P384, "sun-ec.key", "sun-ec.crt", 96},
      {v2::AuthMethod::ECDSA_SHA512_P521, "carol-ec.key", "carol-ec.crt", 132},
  };
  for (const auto& c : cases) {
    Bytes auth = must(auth_sign(key(c.key), c.method, kOctets));
    EXPECT_EQ(auth.size(), c.size) << v2::to_string(c.method);
    expect_verifies(pub(c.cert), c.method, auth, v2::to_string(c.method));
    // The r | s form converts to the DER form a generic verifier takes.
    Bytes der = must(ecdsa_raw_to_der(auth));
    EXPECT_TRUE(
        verify(pub(c.cert),
               *scheme_for(pub(c.cert).type(), c.method == v2::AuthMethod::ECDSA_SHA256_P256
                                                   ? v2::HashAlgorithm::SHA2_256
                                               : c.method == v2::AuthMethod::ECDSA_SHA384_P384
                                                   ? v2::HashAlgorithm::SHA2_384
                                                   : v2::HashAlgorithm::SHA2_512),
               kOctets, der)
            .ok());
    EXPECT_EQ(must(ecdsa_der_to_raw(der, c.size / 2)), auth);
    Bytes truncated(auth.begin(), auth.end() - 1);
    EXPECT_FALSE(auth_verify(pub(c.cert), c.method, kOctets, truncated).ok());
  }
}

TEST(Signature, MethodsRefuseKeysOfTheWrongKind) {
  auto ec_for_rsa = auth_sign(key("moon-ec.key"), v2::AuthMethod::RSA_SIG, kOctets);
  ASSERT_FALSE(ec_for_rsa.ok());
  EXPECT_EQ(ec_for_rsa.error().code(), ErrorCode::kConfig);
  EXPECT_NE(ec_for_rsa.error().reason().find("needs an RSA key"), std::string::npos);
  // Method 9 is P-256 only (RFC 4754 §7).
  EXPECT_FALSE(auth_sign(key("sun-ec.key"), v2::AuthMethod::ECDSA_SHA256_P256, kOctets).ok());
  EXPECT_FALSE(auth_sign(key("moon-rsa.key"), v2::AuthMethod::PSK, kOctets).ok());
  EXPECT_FALSE(auth_sign(key("moon-rsa.key"), v2::AuthMethod::DIGITAL_SIGNATURE, kOctets,
                         SignatureScheme::kEcdsaSha256)
                   .ok());
  Bytes auth = must(auth_sign(key("moon-ec.key"), v2::AuthMethod::ECDSA_SHA256_P256, kOctets));
  auto wrong_kind =
      auth_verify(pub("moon-rsa.crt"), v2::AuthMethod::ECDSA_SHA256_P256, kOctets, auth);
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_EQ(wrong_kind.error().code(), ErrorCode::kIntegrity);
}

TEST(Signature, Rfc7427DigitalSignatureWithEveryScheme) {
  struct {
    SignatureScheme scheme;
    const char* key;
    const char* cert;
  } const cases[] = {
      {SignatureScheme::kRsaPkcs1Sha1, "moon-rsa.key", "moon-rsa.crt"},
      {SignatureScheme::kRsaPkcs1Sha256, "moon-rsa.key", "moon-rsa.crt"},
      {SignatureScheme::kRsaPkcs1Sha384, "sun-rsa.key", "sun-rsa.crt"},
      {SignatureScheme::kRsaPkcs1Sha512, "carol-rsa.key", "carol-rsa.crt"},
      {SignatureScheme::kRsaPssSha256, "moon-rsa.key", "moon-rsa.crt"},
      {SignatureScheme::kRsaPssSha384, "moon-rsa.key", "moon-rsa.crt"},
      {SignatureScheme::kRsaPssSha512, "sun-rsa.key", "sun-rsa.crt"},
      {SignatureScheme::kEcdsaSha256, "moon-ec.key", "moon-ec.crt"},
      {SignatureScheme::kEcdsaSha384, "sun-ec.key", "sun-ec.crt"},
      {SignatureScheme::kEcdsaSha512, "carol-ec.key", "carol-ec.crt"},
      {SignatureScheme::kEcdsaSha512, "moon-ec.key", "moon-ec.crt"},  // any hash on any curve
      {SignatureScheme::kEd25519, "dave-ed25519.key", "dave-ed25519.crt"},
  };
  for (const auto& c : cases) {
    const std::string what = std::string(name(c.scheme)) + " " + c.key;
    Bytes auth = must(auth_sign(key(c.key), v2::AuthMethod::DIGITAL_SIGNATURE, kOctets, c.scheme));
    Bytes prefix = must(digital_signature_prefix(c.scheme));
    ASSERT_GE(auth.size(), prefix.size());
    EXPECT_EQ(Bytes(auth.begin(), auth.begin() + static_cast<long>(prefix.size())), prefix) << what;
    auto used = auth_verify(pub(c.cert), v2::AuthMethod::DIGITAL_SIGNATURE, kOctets, auth);
    ASSERT_TRUE(used.ok()) << what << ": " << used.error().message();
    EXPECT_EQ(*used, c.scheme) << what;
    expect_verifies(pub(c.cert), v2::AuthMethod::DIGITAL_SIGNATURE, auth, what);
    // A policy that does not list the scheme refuses it.
    const SignatureScheme only[] = {c.scheme == SignatureScheme::kEd25519
                                        ? SignatureScheme::kEcdsaSha256
                                        : SignatureScheme::kEd25519};
    EXPECT_FALSE(
        auth_verify(pub(c.cert), v2::AuthMethod::DIGITAL_SIGNATURE, kOctets, auth, only).ok())
        << what;
  }
}

TEST(Signature, Rfc7427AppendixAAlgorithmIdentifiers) {
  // DER of the AlgorithmIdentifiers, as RFC 7427 Appendix A lists them (RSA with NULL
  // parameters, ECDSA and EdDSA without parameters).
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kRsaPkcs1Sha1))),
            "300d06092a864886f70d0101050500");
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kRsaPkcs1Sha256))),
            "300d06092a864886f70d01010b0500");
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kRsaPkcs1Sha384))),
            "300d06092a864886f70d01010c0500");
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kRsaPkcs1Sha512))),
            "300d06092a864886f70d01010d0500");
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kEcdsaSha256))),
            "300a06082a8648ce3d040302");
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kEcdsaSha384))),
            "300a06082a8648ce3d040303");
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kEcdsaSha512))),
            "300a06082a8648ce3d040304");
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kEd25519))), "300506032b6570");
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kEd448))), "300506032b6571");
  // id-RSASSA-PSS with RSASSA-PSS-params {sha256 (NULL params), mgf1(sha256), saltLength 32}.
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kRsaPssSha256))),
            "3041"
            "06092a864886f70d01010a"
            "3034"
            "a00f"
            "300d06096086480165030402010500"
            "a11c"
            "301a06092a864886f70d010108"
            "300d06096086480165030402010500"
            "a203"
            "020120");
  EXPECT_EQ(to_hex(must(algorithm_identifier(SignatureScheme::kRsaPssSha512))),
            "3041"
            "06092a864886f70d01010a"
            "3034"
            "a00f"
            "300d06096086480165030402030500"
            "a11c"
            "301a06092a864886f70d010108"
            "300d06096086480165030402030500"
            "a203"
            "020140");
  EXPECT_EQ(to_hex(must(digital_signature_prefix(SignatureScheme::kEcdsaSha256))),
            "0c300a06082a8648ce3d040302");
  EXPECT_FALSE(algorithm_identifier(SignatureScheme::kRsaPkcs1Raw).ok());
}

TEST(Signature, ParsesDigitalSignatureData) {
  for (SignatureScheme s : {SignatureScheme::kRsaPkcs1Sha384, SignatureScheme::kRsaPssSha384,
                            SignatureScheme::kEcdsaSha384, SignatureScheme::kEd448}) {
    Bytes data = concat({must(digital_signature_prefix(s)), str("sig")});
    DigitalSignature d = must(parse_digital_signature(data));
    EXPECT_EQ(d.scheme, s) << name(s);
    EXPECT_EQ(Bytes(d.signature.begin(), d.signature.end()), str("sig"));
    if (s == SignatureScheme::kRsaPssSha384) {
      EXPECT_EQ(d.pss_salt_length, 48);
    }
  }
  // RSA AlgorithmIdentifiers without the NULL parameter are accepted too.
  EXPECT_EQ(must(parse_digital_signature(hex("0d"
                                             "300b06092a864886f70d01010b"
                                             "00")))
                .scheme,
            SignatureScheme::kRsaPkcs1Sha256);
}

TEST(Signature, RejectsMalformedDigitalSignatureData) {
  auto empty = parse_digital_signature({});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kMalformed);
  auto long_len =
      parse_digital_signature(hex("20"
                                  "300a06082a8648ce3d040302"));
  ASSERT_FALSE(long_len.ok());
  EXPECT_EQ(long_len.error().code(), ErrorCode::kMalformed);
  auto no_sig = parse_digital_signature(hex("0c300a06082a8648ce3d040302"));
  ASSERT_FALSE(no_sig.ok());
  EXPECT_EQ(no_sig.error().code(), ErrorCode::kMalformed);
  auto not_der =
      parse_digital_signature(hex("03"
                                  "ffffff"
                                  "00"));
  ASSERT_FALSE(not_der.ok());
  EXPECT_EQ(not_der.error().code(), ErrorCode::kMalformed);
  // dsa-with-sha256 (2.16.840.1.101.3.4.3.2) is well-formed but not supported.
  auto dsa =
      parse_digital_signature(hex("0d"
                                  "300b0609608648016503040302"
                                  "00"));
  ASSERT_FALSE(dsa.ok());
  EXPECT_EQ(dsa.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(dsa.error().reason().find("2.16.840.1.101.3.4.3.2"), std::string::npos);
  // RSASSA-PSS without parameters means SHA-1/MGF1-SHA-1 (RFC 4055): not offered here.
  auto pss_default =
      parse_digital_signature(hex("0d"
                                  "300b06092a864886f70d01010a"
                                  "00"));
  ASSERT_FALSE(pss_default.ok());
  EXPECT_EQ(pss_default.error().code(), ErrorCode::kUnsupported);
}

TEST(Signature, PssVerificationUsesTheAnnouncedSaltLength) {
  PrivateKey k = key("moon-rsa.key");
  Bytes sig = must(sign(k, SignatureScheme::kRsaPssSha256, kOctets));
  EXPECT_TRUE(verify(k.public_key(), SignatureScheme::kRsaPssSha256, kOctets, sig).ok());
  EXPECT_TRUE(verify(k.public_key(), SignatureScheme::kRsaPssSha256, kOctets, sig, 32).ok());
  EXPECT_FALSE(verify(k.public_key(), SignatureScheme::kRsaPssSha256, kOctets, sig, 20).ok());
  // PSS is randomized: two signatures differ and both verify.
  Bytes sig2 = must(sign(k, SignatureScheme::kRsaPssSha256, kOctets));
  EXPECT_NE(sig, sig2);
}

TEST(Signature, SchemeForKeyAndHash) {
  EXPECT_EQ(must(scheme_for(KeyType::kRsa, v2::HashAlgorithm::SHA2_256)),
            SignatureScheme::kRsaPkcs1Sha256);
  EXPECT_EQ(must(scheme_for(KeyType::kRsa, v2::HashAlgorithm::SHA2_512, true)),
            SignatureScheme::kRsaPssSha512);
  EXPECT_EQ(must(scheme_for(KeyType::kEcdsaP521, v2::HashAlgorithm::SHA2_384)),
            SignatureScheme::kEcdsaSha384);
  EXPECT_EQ(must(scheme_for(KeyType::kEd25519, v2::HashAlgorithm::IDENTITY)),
            SignatureScheme::kEd25519);
  EXPECT_FALSE(scheme_for(KeyType::kEd25519, v2::HashAlgorithm::SHA2_256).ok());
  EXPECT_FALSE(scheme_for(KeyType::kRsa, v2::HashAlgorithm::IDENTITY).ok());
  EXPECT_FALSE(scheme_for(KeyType::kRsa, v2::HashAlgorithm::SHA1, true).ok());
  EXPECT_FALSE(scheme_for(KeyType::kEcdsaP256, v2::HashAlgorithm::SHA1).ok());
  EXPECT_TRUE(scheme_fits_key(SignatureScheme::kEcdsaSha512, KeyType::kEcdsaP256));
  EXPECT_FALSE(scheme_fits_key(SignatureScheme::kRsaPssSha256, KeyType::kEcdsaP256));
  EXPECT_EQ(scheme_hash(SignatureScheme::kRsaPssSha384), Hash::kSha384);
  EXPECT_EQ(scheme_hash(SignatureScheme::kEd25519), std::nullopt);
}

TEST(Signature, Rfc7427HashAlgorithmsNotify) {
  const v2::HashAlgorithm ours[] = {v2::HashAlgorithm::SHA2_256, v2::HashAlgorithm::SHA2_384,
                                    v2::HashAlgorithm::SHA2_512, v2::HashAlgorithm::IDENTITY};
  EXPECT_EQ(to_hex(encode_hash_algorithms(ours)), "0002000300040005");
  auto parsed = must(parse_hash_algorithms(hex("000100020009")));
  ASSERT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed[0], v2::HashAlgorithm::SHA1);
  EXPECT_EQ(static_cast<uint16_t>(parsed[2]), 9);  // unknown identifiers are kept
  auto odd = parse_hash_algorithms(hex("00020003ff"));
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code(), ErrorCode::kMalformed);
  EXPECT_TRUE(must(parse_hash_algorithms({})).empty());

  const v2::HashAlgorithm peer[] = {v2::HashAlgorithm::SHA1, v2::HashAlgorithm::SHA2_256,
                                    v2::HashAlgorithm::SHA2_384};
  EXPECT_EQ(select_signature_hash(ours, peer, KeyType::kRsa), v2::HashAlgorithm::SHA2_384);
  EXPECT_EQ(select_signature_hash(ours, peer, KeyType::kEd25519), std::nullopt);
  const v2::HashAlgorithm peer_ed[] = {v2::HashAlgorithm::IDENTITY, v2::HashAlgorithm::SHA2_512};
  EXPECT_EQ(select_signature_hash(ours, peer_ed, KeyType::kEd25519), v2::HashAlgorithm::IDENTITY);
  EXPECT_EQ(select_signature_hash(ours, peer_ed, KeyType::kEcdsaP256), v2::HashAlgorithm::SHA2_512);
  const v2::HashAlgorithm sha1_only[] = {v2::HashAlgorithm::SHA1};
  EXPECT_EQ(select_signature_hash(sha1_only, sha1_only, KeyType::kRsa), v2::HashAlgorithm::SHA1);
  EXPECT_EQ(select_signature_hash(sha1_only, sha1_only, KeyType::kEcdsaP384), std::nullopt);
  EXPECT_EQ(select_signature_hash(ours, {}, KeyType::kRsa), std::nullopt);
}

TEST(Signature, Ikev1RsaSignsTheRawHashWithoutDigestInfo) {
  // RFC 2409 §5.1: HASH_I is padded per PKCS#1 (type 1) and encrypted with the private key.
  PrivateKey k = key("moon-rsa.key");
  const Bytes hash_i = Bytes(20, 0x5a);
  Bytes sig = must(ikev1_sign(k, v1::OakleyAuthMethod::RSA_SIG, hash_i));
  EXPECT_EQ(sig.size(), 256u);
  EXPECT_EQ(sig, must(ikev1_sign(k, v1::OakleyAuthMethod::RSA_SIG, hash_i)));  // deterministic
  EXPECT_NE(sig, must(sign(k, SignatureScheme::kRsaPkcs1Sha1, hash_i)));       // no DigestInfo
  EXPECT_TRUE(ikev1_verify(pub("moon-rsa.crt"), v1::OakleyAuthMethod::RSA_SIG, hash_i, sig).ok());
  EXPECT_TRUE(
      ikev1_verify(pub("moon-rsa.crt"), v1::OakleyAuthMethod::XAUTH_INIT_RSA, hash_i, sig).ok());
  auto bad = ikev1_verify(pub("moon-rsa.crt"), v1::OakleyAuthMethod::RSA_SIG, Bytes(20, 0x5b), sig);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kIntegrity);
  EXPECT_FALSE(ikev1_verify(pub("sun-rsa.crt"), v1::OakleyAuthMethod::RSA_SIG, hash_i, sig).ok());
  // The raw scheme verifies only an exact match, not a prefix or a longer value.
  EXPECT_FALSE(
      ikev1_verify(pub("moon-rsa.crt"), v1::OakleyAuthMethod::RSA_SIG, Bytes(21, 0x5a), sig).ok());
}

TEST(Signature, Ikev1Ecdsa) {
  const Bytes hash_i = Bytes(32, 0x11);
  Bytes sig = must(ikev1_sign(key("sun-ec.key"), v1::OakleyAuthMethod::ECDSA_SHA384_P384, hash_i));
  EXPECT_EQ(sig.size(), 96u);
  EXPECT_TRUE(
      ikev1_verify(pub("sun-ec.crt"), v1::OakleyAuthMethod::ECDSA_SHA384_P384, hash_i, sig).ok());
  EXPECT_FALSE(
      ikev1_verify(pub("sun-ec.crt"), v1::OakleyAuthMethod::ECDSA_SHA384_P384, Bytes(32, 0x12), sig)
          .ok());
  EXPECT_FALSE(
      ikev1_sign(key("moon-ec.key"), v1::OakleyAuthMethod::ECDSA_SHA384_P384, hash_i).ok());
  EXPECT_FALSE(ikev1_sign(key("moon-rsa.key"), v1::OakleyAuthMethod::PreSharedKey, hash_i).ok());
  EXPECT_FALSE(ikev1_sign(key("moon-rsa.key"), v1::OakleyAuthMethod::DSS_SIG, hash_i).ok());
}

}  // namespace
}  // namespace ikesuite::crypto
