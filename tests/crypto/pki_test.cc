// Keys, certificates, identities and chains, with the test PKI of tests/data/crypto
// (make-certs.sh): loading from files and PEM strings, accessors, identity matching
// (RFC 4945 §3.1), distinguished names, and chain verification at chosen times.
#include "engine/crypto/pki.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/crypto/hash.h"
#include "tests/crypto/test_util.h"

namespace ikesuite::crypto {
namespace {

using testing::data_path;
using testing::must;
using testing::str;

Certificate cert(const char* name) {
  return must(Certificate::load_file(data_path(name)));
}
PrivateKey key(const char* name) {
  return must(PrivateKey::load_pem_file(data_path(name)));
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Pki, LoadsEveryKeyTypeAndEncoding) {
  EXPECT_EQ(key("moon-rsa.key").type(), KeyType::kRsa);
  EXPECT_EQ(key("moon-rsa.key").bits(), 2048u);
  EXPECT_EQ(key("moon-ec.key").type(), KeyType::kEcdsaP256);
  EXPECT_EQ(key("sun-ec.key").type(), KeyType::kEcdsaP384);
  EXPECT_EQ(key("carol-ec.key").type(), KeyType::kEcdsaP521);
  EXPECT_EQ(key("dave-ed25519.key").type(), KeyType::kEd25519);
  // Traditional encodings and an encrypted PKCS#8 key hold the same keys.
  EXPECT_EQ(key("moon-rsa.traditional.key").public_key(), key("moon-rsa.key").public_key());
  EXPECT_EQ(key("moon-ec.traditional.key").public_key(), key("moon-ec.key").public_key());
  auto enc = must(PrivateKey::load_pem_file(data_path("moon-rsa.encrypted.key"), "moon"));
  EXPECT_EQ(enc.public_key(), key("moon-rsa.key").public_key());
  // From a PEM string too.
  EXPECT_EQ(must(PrivateKey::from_pem(slurp(data_path("sun-ec.key")))).type(), KeyType::kEcdsaP384);
  // A certificate's key is the key pair's public half.
  EXPECT_EQ(cert("moon-rsa.crt").public_key(), key("moon-rsa.key").public_key());
  EXPECT_FALSE(cert("sun-rsa.crt").public_key() == key("moon-rsa.key").public_key());
  EXPECT_EQ(cert("dave-ed25519.crt").public_key().type(), KeyType::kEd25519);
}

TEST(Pki, LoadErrorsNameTheFileAndTheReason) {
  auto missing = PrivateKey::load_pem_file("/nonexistent/moon.key");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kConfig);
  EXPECT_NE(missing.error().reason().find("/nonexistent/moon.key"), std::string::npos);
  EXPECT_NE(missing.error().reason().find("No such file"), std::string::npos);
  auto no_pass = PrivateKey::load_pem_file(data_path("moon-rsa.encrypted.key"));
  ASSERT_FALSE(no_pass.ok());
  EXPECT_NE(no_pass.error().reason().find("no passphrase"), std::string::npos);
  EXPECT_NE(no_pass.error().reason().find("moon-rsa.encrypted.key"), std::string::npos);
  auto bad_pass = PrivateKey::load_pem_file(data_path("moon-rsa.encrypted.key"), "sun");
  ASSERT_FALSE(bad_pass.ok());
  EXPECT_NE(bad_pass.error().reason().find("wrong passphrase"), std::string::npos);
  // A certificate is not a key, and a key is not a certificate.
  auto not_key = PrivateKey::load_pem_file(data_path("moon-rsa.crt"));
  ASSERT_FALSE(not_key.ok());
  EXPECT_NE(not_key.error().reason().find("no private key found"), std::string::npos);
  auto not_cert = Certificate::load_file(data_path("moon-rsa.key"));
  ASSERT_FALSE(not_cert.ok());
  EXPECT_NE(not_cert.error().reason().find("moon-rsa.key: no certificate found"),
            std::string::npos);
  EXPECT_FALSE(Certificate::from_pem("garbage").ok());
  EXPECT_FALSE(
      PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").ok());
}

TEST(Pki, CertificateAccessors) {
  Certificate moon = cert("moon-rsa.crt");
  EXPECT_EQ(moon.subject(), "C=CH, O=strongSwan, CN=moon.strongswan.org");
  EXPECT_EQ(moon.issuer(), "C=CH, O=strongSwan, CN=strongSwan Root CA");
  EXPECT_EQ(cert("carol-rsa.crt").subject(),
            "C=CH, O=strongSwan, OU=Research, CN=carol@strongswan.org");
  EXPECT_EQ(moon.serial_hex(), "02");
  EXPECT_FALSE(moon.is_ca());
  EXPECT_FALSE(moon.is_self_signed());
  Certificate ca = cert("ca-rsa.crt");
  EXPECT_TRUE(ca.is_ca());
  EXPECT_TRUE(ca.is_self_signed());
  EXPECT_EQ(ca.subject_der(), moon.issuer_der());
  // make-certs.sh issues 20-year certificates.
  const auto days =
      std::chrono::duration_cast<std::chrono::hours>(moon.not_after() - moon.not_before()).count() /
      24;
  EXPECT_EQ(days, 7300);
  // subjectAltNames in certificate order, IP addresses in text and as bytes.
  auto sans = moon.subject_alt_names();
  ASSERT_EQ(sans.size(), 3u);
  EXPECT_EQ(sans[0].kind, SubjectAltName::Kind::kDns);
  EXPECT_EQ(sans[0].text, "moon.strongswan.org");
  EXPECT_EQ(sans[1].kind, SubjectAltName::Kind::kIp);
  EXPECT_EQ(sans[1].text, "192.168.0.1");
  EXPECT_EQ(sans[1].raw, hex("c0a80001"));
  EXPECT_EQ(sans[2].text, "fec0::1");
  auto carol = cert("carol-rsa.crt").subject_alt_names();
  ASSERT_EQ(carol.size(), 1u);
  EXPECT_EQ(carol[0].kind, SubjectAltName::Kind::kEmail);
  EXPECT_EQ(carol[0].text, "carol@strongswan.org");
  // DER and PEM round trips.
  EXPECT_EQ(must(Certificate::from_der(moon.der())), moon);
  EXPECT_EQ(must(Certificate::from_pem(moon.pem())).der(), moon.der());
  EXPECT_FALSE(Certificate::from_der(ByteView(moon.der()).first(100)).ok());
  auto trailing = Certificate::from_der(concat({moon.der(), hex("00")}));
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.error().code(), ErrorCode::kTrailingBytes);
}

TEST(Pki, HashesForCertreqAndHashAndUrl) {
  Certificate ca = cert("ca-ec.crt");
  // RFC 7296 §3.7: SHA-1 of the DER subjectPublicKeyInfo.
  EXPECT_EQ(ca.spki_sha1(), must(digest(Hash::kSha1, ca.public_key().spki_der())));
  EXPECT_EQ(ca.spki_sha1().size(), 20u);
  EXPECT_NE(ca.spki_sha1(), cert("ca-rsa.crt").spki_sha1());
  // RFC 7296 §3.6: Hash and URL hashes the DER certificate.
  EXPECT_EQ(ca.sha1(), must(digest(Hash::kSha1, ca.der())));
  // A PublicKey survives a trip through its DER SubjectPublicKeyInfo.
  EXPECT_EQ(must(PublicKey::from_der(ca.public_key().spki_der())), ca.public_key());
  EXPECT_EQ(ca.public_key().bits(), 384u);
}

TEST(Pki, LoadsBundles) {
  const std::string bundle = slurp(data_path("ca-rsa.crt")) + slurp(data_path("ca-ec.crt"));
  auto certs = must(Certificate::all_from_pem(bundle));
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(certs[1].subject(), "C=CH, O=strongSwan, CN=strongSwan EC Root CA");
  EXPECT_EQ(must(Certificate::load_bundle_file(data_path("ca-ec.crt"))).size(), 1u);
  EXPECT_FALSE(Certificate::all_from_pem("no certificates here").ok());
}

TEST(Pki, MatchesPeerIdentities) {
  Certificate moon = cert("moon-rsa.crt");
  EXPECT_TRUE(moon.matches_identity(v2::IdType::FQDN, str("moon.strongswan.org")));
  EXPECT_TRUE(moon.matches_identity(v2::IdType::FQDN, str("MOON.strongswan.ORG")));
  EXPECT_FALSE(moon.matches_identity(v2::IdType::FQDN, str("sun.strongswan.org")));
  EXPECT_TRUE(moon.matches_identity(v2::IdType::IPV4_ADDR, hex("c0a80001")));
  EXPECT_FALSE(moon.matches_identity(v2::IdType::IPV4_ADDR, hex("c0a80002")));
  EXPECT_TRUE(
      moon.matches_identity(v2::IdType::IPV6_ADDR, hex("fec00000000000000000000000000001")));
  EXPECT_TRUE(moon.matches_identity(v2::IdType::DER_ASN1_DN, moon.subject_der()));
  EXPECT_TRUE(moon.matches_identity(
      v2::IdType::DER_ASN1_DN, must(dn_from_text("C=CH, O=strongSwan, CN=moon.strongswan.org"))));
  EXPECT_FALSE(moon.matches_identity(v2::IdType::DER_ASN1_DN,
                                     must(dn_from_text("C=CH, O=strongSwan, CN=sun"))));
  EXPECT_FALSE(moon.matches_identity(v2::IdType::KEY_ID, str("moon.strongswan.org")));
  EXPECT_FALSE(moon.matches_identity(v2::IdType::RFC822_ADDR, str("moon.strongswan.org")));
  Certificate carol = cert("carol-ec.crt");
  EXPECT_TRUE(carol.matches_identity(v2::IdType::RFC822_ADDR, str("carol@strongswan.org")));
  EXPECT_TRUE(carol.matches_identity(v1::IdType::USER_FQDN, str("carol@strongswan.org")));
  EXPECT_FALSE(carol.matches_identity(v2::IdType::FQDN, str("carol@strongswan.org")));
  EXPECT_TRUE(moon.matches_identity(v1::IdType::IPV4_ADDR, hex("c0a80001")));
  EXPECT_FALSE(moon.matches_identity(v1::IdType::IPV4_ADDR_SUBNET, hex("c0a80001ffffffff")));
}

TEST(Pki, DistinguishedNames) {
  Bytes der = must(dn_from_text("C=CH, O=strongSwan, CN=moon.strongswan.org"));
  EXPECT_EQ(der, cert("moon-rsa.crt").subject_der());  // same encoding as the openssl CLI's
  EXPECT_EQ(must(dn_to_text(der)), "C=CH, O=strongSwan, CN=moon.strongswan.org");
  // Separators and spacing vary; canonical comparison folds case and spaces.
  EXPECT_TRUE(dn_equal(der, must(dn_from_text("C=CH,O=strongSwan,CN=moon.strongswan.org"))));
  EXPECT_TRUE(dn_equal(der, must(dn_from_text("C=ch, O=STRONGSWAN, CN=Moon.StrongSwan.org"))));
  EXPECT_FALSE(dn_equal(der, must(dn_from_text("O=strongSwan, C=CH, CN=moon.strongswan.org"))));
  EXPECT_EQ(must(dn_to_text(must(dn_from_text("CN=\"Doe, John\", O=x")))), "CN=Doe\\, John, O=x");
  EXPECT_EQ(must(dn_to_text(must(dn_from_text("CN=a+OU=b, O=c")))), "CN=a + OU=b, O=c");
  EXPECT_EQ(must(dn_to_text(must(dn_from_text("E=carol@strongswan.org")))),
            "emailAddress=carol@strongswan.org");
  for (const char* bad : {"", "garbage", "XX=1", "CN=\"open", "=x"}) {
    auto r = dn_from_text(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kConfig) << bad;
  }
  EXPECT_FALSE(dn_to_text(hex("3003")).ok());
  EXPECT_FALSE(dn_equal(der, hex("3000ff")));
}

class Chain : public ::testing::Test {
 protected:
  Certificate ca_rsa = cert("ca-rsa.crt");
  Certificate ca_ec = cert("ca-ec.crt");
  Certificate other = cert("other-ca.crt");
  Certificate moon = cert("moon-rsa.crt");
  Time now() const { return moon.not_before() + std::chrono::hours(24 * 365); }
};

TEST_F(Chain, VerifiesToTheIssuingCa) {
  const std::vector<Certificate> trusted = {ca_rsa};
  EXPECT_TRUE(verify_chain(moon, {}, trusted, now()).ok());
  const std::vector<Certificate> both = {ca_ec, ca_rsa};
  EXPECT_TRUE(verify_chain(cert("sun-rsa.crt"), {}, both, now()).ok());
  EXPECT_TRUE(verify_chain(cert("carol-ec.crt"), {}, both, now()).ok());
  EXPECT_TRUE(verify_chain(cert("dave-ed25519.crt"), {}, both, now()).ok());
  EXPECT_TRUE(verify_chain(ca_rsa, {}, trusted, now()).ok());
  // A trusted end-entity certificate is an anchor by itself.
  const std::vector<Certificate> pinned = {moon};
  EXPECT_TRUE(verify_chain(moon, {}, pinned, now()).ok());
}

TEST_F(Chain, RejectsTheWrongCa) {
  const std::vector<Certificate> ec_only = {ca_ec};
  auto r = verify_chain(moon, {}, ec_only, now());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCrypto);
  EXPECT_NE(r.error().reason().find("moon.strongswan.org"), std::string::npos)
      << r.error().reason();
  EXPECT_NE(r.error().reason().find("unable to get local issuer certificate"), std::string::npos)
      << r.error().reason();
  // mallory claims moon's name from another CA.
  const std::vector<Certificate> rsa_only = {ca_rsa};
  EXPECT_FALSE(verify_chain(cert("mallory.crt"), {}, rsa_only, now()).ok());
  const std::vector<Certificate> other_only = {other};
  EXPECT_TRUE(verify_chain(cert("mallory.crt"), {}, other_only, now()).ok());
  // Offering the CA as an untrusted intermediate does not make it an anchor.
  const std::vector<Certificate> intermediates = {ca_rsa};
  EXPECT_FALSE(verify_chain(moon, intermediates, other_only, now()).ok());
  auto none = verify_chain(moon, {}, {}, now());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kConfig);
}

TEST_F(Chain, JudgesValidityAtTheGivenTime) {
  const std::vector<Certificate> trusted = {ca_rsa};
  auto expired = verify_chain(moon, {}, trusted, moon.not_after() + std::chrono::hours(24));
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.error().reason().find("expired"), std::string::npos)
      << expired.error().reason();
  auto early = verify_chain(moon, {}, trusted, moon.not_before() - std::chrono::hours(24));
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().reason().find("not yet valid"), std::string::npos)
      << early.error().reason();
  EXPECT_TRUE(verify_chain(moon, {}, trusted, moon.not_after() - std::chrono::hours(24)).ok());
}

}  // namespace
}  // namespace ikesuite::crypto
