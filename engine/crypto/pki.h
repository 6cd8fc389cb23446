// Keys and X.509 certificates for IKE authentication (RFC 7296 §3.6-3.8, RFC 4945): loading
// from PEM strings and files (errors name the file and the reason), certificate accessors
// (DER, subject and issuer DNs as DER and as strongSwan-style text, subjectAltNames, the
// SHA-1 hashes CERTREQ and "Hash and URL" use), matching a peer identity, and verifying a
// chain to a set of trusted CA certificates at a given time.
//
// Key and certificate objects share their OpenSSL object and are cheap to copy.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/types.h"

struct evp_pkey_st;
struct x509_st;

namespace ikesuite::crypto {

enum class KeyType : uint8_t {
  kRsa,
  kEcdsaP256,
  kEcdsaP384,
  kEcdsaP521,
  kEd25519,
  kEd448,
  kOther,  // a key OpenSSL loaded but IKE has no signature method for (DSA, other curves)
};
std::string_view name(KeyType t);  // "RSA", "ECDSA P-256", "Ed25519", ...

class PublicKey {
 public:
  static Result<PublicKey> from_pem(std::string_view pem);
  // DER SubjectPublicKeyInfo.
  static Result<PublicKey> from_der(ByteView spki);

  KeyType type() const;
  size_t bits() const;
  // DER SubjectPublicKeyInfo, and its SHA-1: the key identifier of RFC 7296 §3.7 (CERTREQ
  // Certification Authority) and RFC 4945 §3.2.7.
  Bytes spki_der() const;
  Bytes spki_sha1() const;
  bool operator==(const PublicKey& other) const;

  evp_pkey_st* get() const { return key_.get(); }
  explicit PublicKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}

 private:
  std::shared_ptr<evp_pkey_st> key_;
};

class PrivateKey {
 public:
  // PKCS#8 ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY") or traditional ("RSA PRIVATE KEY",
  // "EC PRIVATE KEY") PEM; `passphrase` for encrypted keys.
  static Result<PrivateKey> from_pem(std::string_view pem, std::string_view passphrase = {});
  static Result<PrivateKey> load_pem_file(const std::string& path,
                                          std::string_view passphrase = {});

  KeyType type() const;
  size_t bits() const;
  PublicKey public_key() const;

  evp_pkey_st* get() const { return key_.get(); }

 private:
  explicit PrivateKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
  std::shared_ptr<evp_pkey_st> key_;
};

struct SubjectAltName {
  enum class Kind : uint8_t { kDns, kEmail, kIp, kUri, kDn, kOther };
  Kind kind = Kind::kOther;
  std::string text;  // "moon.strongswan.org", "carol@strongswan.org", "192.168.0.1", ...
  Bytes raw;         // the name's value bytes (IP: 4 or 16 address bytes; DN: DER)
  bool operator==(const SubjectAltName&) const = default;
};

class Certificate {
 public:
  // The first certificate in `pem`.
  static Result<Certificate> from_pem(std::string_view pem);
  // Every certificate in `pem` (a bundle); fails if there is none.
  static Result<std::vector<Certificate>> all_from_pem(std::string_view pem);
  static Result<Certificate> from_der(ByteView der);
  // A PEM or DER file; errors name the file.
  static Result<Certificate> load_file(const std::string& path);
  static Result<std::vector<Certificate>> load_bundle_file(const std::string& path);

  // The DER encoding: the Certificate Data of a CERT payload (X.509 Certificate - Signature).
  Bytes der() const;
  std::string pem() const;
  // Subject and issuer as DER (ID_DER_ASN1_DN payload data) and as text in strongSwan's
  // form: "C=CH, O=strongSwan, CN=moon.strongswan.org".
  Bytes subject_der() const;
  std::string subject() const;
  Bytes issuer_der() const;
  std::string issuer() const;
  std::string serial_hex() const;
  // Validity as Unix time.
  Time not_before() const;
  Time not_after() const;
  bool is_ca() const;
  bool is_self_signed() const;
  std::vector<SubjectAltName> subject_alt_names() const;
  PublicKey public_key() const;
  // SHA-1 of the subjectPublicKeyInfo (RFC 7296 §3.7: what a CERTREQ names a CA by).
  Bytes spki_sha1() const;
  // SHA-1 of the DER certificate (RFC 7296 §3.6: the hash in "Hash and URL" encodings).
  Bytes sha1() const;

  // Whether the certificate vouches for an IKEv2 identity (RFC 4945 §3.1): ID_IPV4_ADDR and
  // ID_IPV6_ADDR against iPAddress SANs, ID_FQDN against dNSName SANs (case-insensitive),
  // ID_RFC822_ADDR against rfc822Name SANs, ID_DER_ASN1_DN against the subject (compared in
  // canonical form) or a directoryName SAN. Other types never match.
  bool matches_identity(v2::IdType type, ByteView data) const;
  // The same for IKEv1 identities (RFC 2407 §4.6.2.1 numbering, USER_FQDN as e-mail).
  bool matches_identity(v1::IdType type, ByteView data) const;

  bool operator==(const Certificate& other) const;
  x509_st* get() const { return cert_.get(); }

 private:
  explicit Certificate(std::shared_ptr<x509_st> cert) : cert_(std::move(cert)) {}
  std::shared_ptr<x509_st> cert_;
};

// Verifies that `leaf` chains, through any of `intermediates`, to one of `trusted` (which
// may be roots or intermediate CAs: each trusted certificate is an anchor), with every
// certificate valid at `at` (Unix time) and every signature correct. Failures are kCrypto
// errors naming the certificate and OpenSSL's reason ("certificate has expired", ...).
Status verify_chain(const Certificate& leaf, std::span<const Certificate> intermediates,
                    std::span<const Certificate> trusted, Time at);

// Distinguished names: strongSwan-style text ("C=CH, O=strongSwan, CN=moon.strongswan.org",
// RDNs in the order written, ", " or "," separated; values may be quoted) to DER and back,
// and comparison in canonical form (case and whitespace folded, as RFC 5280 §7.1 allows).
Result<Bytes> dn_from_text(std::string_view text);
Result<std::string> dn_to_text(ByteView der);
bool dn_equal(ByteView a, ByteView b);

}  // namespace ikesuite::crypto
