#include "engine/crypto/pki.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "engine/base/ip.h"
#include "engine/crypto/hash.h"
#include "engine/crypto/ossl.h"

namespace ikesuite::crypto {

namespace {

using ossl::Ptr;

std::shared_ptr<evp_pkey_st> share(EVP_PKEY* k) {
  return std::shared_ptr<evp_pkey_st>(k, [](EVP_PKEY* p) { EVP_PKEY_free(p); });
}
std::shared_ptr<x509_st> share(X509* c) {
  return std::shared_ptr<x509_st>(c, [](X509* p) { X509_free(p); });
}

Ptr<BIO> mem_bio(std::string_view s) {
  return Ptr<BIO>(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())));
}

KeyType key_type(const EVP_PKEY* k) {
  switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      return KeyType::kRsa;
    case EVP_PKEY_ED25519:
      return KeyType::kEd25519;
    case EVP_PKEY_ED448:
      return KeyType::kEd448;
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t n = 0;
      if (EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), &n) != 1) break;
      const int nid = OBJ_sn2nid(group);
      if (nid == NID_X9_62_prime256v1) return KeyType::kEcdsaP256;
      if (nid == NID_secp384r1) return KeyType::kEcdsaP384;
      if (nid == NID_secp521r1) return KeyType::kEcdsaP521;
      break;
    }
    default:
      break;
  }
  ossl::clear_errors();
  return KeyType::kOther;
}

Bytes i2d_bytes(int (*i2d)(const X509_NAME*, unsigned char**), const X509_NAME* name) {
  unsigned char* der = nullptr;
  int n = i2d(name, &der);
  if (n <= 0) return {};
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

// strongSwan's DN text: "C=CH, O=strongSwan, CN=moon" (short names, RDNs in encoding order,
// ", " between RDNs, " + " inside a multi-valued RDN, UTF-8 values). Separators inside values
// are escaped as RFC 4514 does ("CN=Doe\, John"), so the text parses back to the same DN.
std::string name_text(const X509_NAME* name) {
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  const unsigned long flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_UTF8_CONVERT |
                              ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_ESC_2253;
  if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Time asn1_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return Time{0};
  return std::chrono::seconds(timegm(&tm));
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int e = errno;
    return Error(ErrorCode::kConfig, path + ": cannot open: " + std::strerror(e)).with_errno(e);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error(ErrorCode::kConfig, path + ": read error");
  return ss.str();
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

int passphrase_cb(char* buf, int size, int /*rwflag*/, void* u) {
  const auto* pass = static_cast<const std::string_view*>(u);
  if (!pass || pass->empty()) return -1;
  const int n = static_cast<int>(pass->size()) < size ? static_cast<int>(pass->size()) : size;
  std::memcpy(buf, pass->data(), static_cast<size_t>(n));
  return n;
}

}  // namespace

std::string_view name(KeyType t) {
  switch (t) {
    case KeyType::kRsa:
      return "RSA";
    case KeyType::kEcdsaP256:
      return "ECDSA P-256";
    case KeyType::kEcdsaP384:
      return "ECDSA P-384";
    case KeyType::kEcdsaP521:
      return "ECDSA P-521";
    case KeyType::kEd25519:
      return "Ed25519";
    case KeyType::kEd448:
      return "Ed448";
    case KeyType::kOther:
      return "other";
  }
  return "other";
}

// ---- PublicKey ---------------------------------------------------------------------------

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  Ptr<BIO> bio = mem_bio(pem);
  EVP_PKEY* k = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!k)
    return ossl::error("no public key found (expected PEM 'BEGIN PUBLIC KEY')", ErrorCode::kConfig);
  return PublicKey(share(k));
}

Result<PublicKey> PublicKey::from_der(ByteView spki) {
  const unsigned char* p = spki.data();
  EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  if (!k) return ossl::error("malformed SubjectPublicKeyInfo", ErrorCode::kMalformed);
  if (p != spki.data() + spki.size()) {
    EVP_PKEY_free(k);
    return Error(ErrorCode::kTrailingBytes, "bytes after the SubjectPublicKeyInfo");
  }
  return PublicKey(share(k));
}

KeyType PublicKey::type() const {
  return key_type(key_.get());
}
size_t PublicKey::bits() const {
  return static_cast<size_t>(EVP_PKEY_get_bits(key_.get()));
}

Bytes PublicKey::spki_der() const {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key_.get(), &der);
  if (n <= 0) return {};
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

Bytes PublicKey::spki_sha1() const {
  auto h = digest(Hash::kSha1, spki_der());
  return h.ok() ? *h : Bytes{};
}

bool PublicKey::operator==(const PublicKey& other) const {
  return EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
}

// ---- PrivateKey --------------------------------------------------------------------------

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view passphrase) {
  Ptr<BIO> bio = mem_bio(pem);
  EVP_PKEY* k = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_cb,
                                              const_cast<std::string_view*>(&passphrase))
                    : nullptr;
  if (!k) {
    const bool encrypted = pem.find("ENCRYPTED") != std::string_view::npos;
    return ossl::error(encrypted ? (passphrase.empty() ? "the private key is encrypted and no "
                                                         "passphrase was given"
                                                       : "cannot decrypt the private key "
                                                         "(wrong passphrase?)")
                                 : "no private key found (expected PEM 'BEGIN PRIVATE KEY', "
                                   "'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY')",
                       ErrorCode::kConfig);
  }
  return PrivateKey(share(k));
}

Result<PrivateKey> PrivateKey::load_pem_file(const std::string& path, std::string_view passphrase) {
  TRY_ASSIGN(std::string pem, read_file(path));
  auto key = from_pem(pem, passphrase);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!key.ok()) return Error(key.error().code(), path + ": " + key.error().reason());
  return key;
}

KeyType PrivateKey::type() const {
  return key_type(key_.get());
}
size_t PrivateKey::bits() const {
  return static_cast<size_t>(EVP_PKEY_get_bits(key_.get()));
}

PublicKey PrivateKey::public_key() const {
  // A public-only copy through the SubjectPublicKeyInfo, so a PublicKey never carries the
  // private half.
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key_.get(), &der);
  const unsigned char* p = der;
  EVP_PKEY* pub = n > 0 ? d2i_PUBKEY(nullptr, &p, n) : nullptr;
  OPENSSL_free(der);
  return PublicKey(share(pub));
}

// ---- Certificate -------------------------------------------------------------------------

Result<Certificate> Certificate::from_pem(std::string_view pem) {
  Ptr<BIO> bio = mem_bio(pem);
  X509* c = bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!c)
    return ossl::error("no certificate found (expected PEM 'BEGIN CERTIFICATE')",
                       ErrorCode::kConfig);
  return Certificate(share(c));
}

Result<std::vector<Certificate>> Certificate::all_from_pem(std::string_view pem) {
  Ptr<BIO> bio = mem_bio(pem);
  std::vector<Certificate> out;
  while (bio) {
    X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (!c) break;
    out.push_back(Certificate(share(c)));
  }
  ossl::clear_errors();  // the end of the input reads as an error
  if (out.empty())
    return Error(ErrorCode::kConfig, "no certificate found (expected PEM 'BEGIN CERTIFICATE')");
  return out;
}

Result<Certificate> Certificate::from_der(ByteView der) {
  const unsigned char* p = der.data();
  X509* c = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (!c) return ossl::error("malformed X.509 certificate", ErrorCode::kMalformed);
  if (p != der.data() + der.size()) {
    X509_free(c);
    return Error(ErrorCode::kTrailingBytes, "bytes after the X.509 certificate");
  }
  return Certificate(share(c));
}

Result<Certificate> Certificate::load_file(const std::string& path) {
  TRY_ASSIGN(std::string data, read_file(path));
  auto cert = data.find("-----BEGIN") != std::string::npos
                  ? from_pem(data)
                  : from_der(ByteView(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  if (!cert.ok()) return Error(cert.error().code(), path + ": " + cert.error().reason());
  return cert;
}

Result<std::vector<Certificate>> Certificate::load_bundle_file(const std::string& path) {
  TRY_ASSIGN(std::string data, read_file(path));
  auto certs = all_from_pem(data);
  if (!certs.ok()) return Error(certs.error().code(), path + ": " + certs.error().reason());
  return certs;
}

Bytes Certificate::der() const {
  unsigned char* der = nullptr;
  int n = i2d_X509(cert_.get(), &der);
  if (n <= 0) return {};
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

std::string Certificate::pem() const {
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert_.get()) != 1) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Bytes Certificate::subject_der() const {
  return i2d_bytes(i2d_X509_NAME, X509_get_subject_name(cert_.get()));
}
std::string Certificate::subject() const {
  return name_text(X509_get_subject_name(cert_.get()));
}
Bytes Certificate::issuer_der() const {
  return i2d_bytes(i2d_X509_NAME, X509_get_issuer_name(cert_.get()));
}
std::string Certificate::issuer() const {
  return name_text(X509_get_issuer_name(cert_.get()));
}

std::string Certificate::serial_hex() const {
  Ptr<BIGNUM> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert_.get()), nullptr));
  if (!bn) return {};
  char* h = BN_bn2hex(bn.get());
  std::string out(h ? h : "");
  OPENSSL_free(h);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Time Certificate::not_before() const {
  return asn1_time(X509_get0_notBefore(cert_.get()));
}
Time Certificate::not_after() const {
  return asn1_time(X509_get0_notAfter(cert_.get()));
}

bool Certificate::is_ca() const {
  return X509_check_ca(cert_.get()) > 0;
}

bool Certificate::is_self_signed() const {
  return X509_self_signed(cert_.get(), 1) == 1;
}

std::vector<SubjectAltName> Certificate::subject_alt_names() const {
  std::vector<SubjectAltName> out;
  Ptr<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert_.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    SubjectAltName san;
    auto set_string = [&](SubjectAltName::Kind kind, const ASN1_STRING* s) {
      san.kind = kind;
      san.raw.assign(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s));
      san.text.assign(san.raw.begin(), san.raw.end());
    };
    switch (gn->type) {
      case GEN_DNS:
        set_string(SubjectAltName::Kind::kDns, gn->d.dNSName);
        break;
      case GEN_EMAIL:
        set_string(SubjectAltName::Kind::kEmail, gn->d.rfc822Name);
        break;
      case GEN_URI:
        set_string(SubjectAltName::Kind::kUri, gn->d.uniformResourceIdentifier);
        break;
      case GEN_IPADD: {
        set_string(SubjectAltName::Kind::kIp, gn->d.iPAddress);
        auto ip = IpAddress::from_bytes(san.raw);
        san.text = ip ? ip->to_string() : to_hex(san.raw);
        break;
      }
      case GEN_DIRNAME:
        san.kind = SubjectAltName::Kind::kDn;
        san.raw = i2d_bytes(i2d_X509_NAME, gn->d.directoryName);
        san.text = name_text(gn->d.directoryName);
        break;
      default:
        san.kind = SubjectAltName::Kind::kOther;
        break;
    }
    out.push_back(std::move(san));
  }
  return out;
}

PublicKey Certificate::public_key() const {
  EVP_PKEY* k = X509_get_pubkey(cert_.get());  // a new reference
  return PublicKey(share(k));
}

Bytes Certificate::spki_sha1() const {
  return public_key().spki_sha1();
}

Bytes Certificate::sha1() const {
  auto h = digest(Hash::kSha1, der());
  return h.ok() ? *h : Bytes{};
}

namespace {

enum class IdKind { kIp, kFqdn, kEmail, kDn, kNone };

bool matches(const Certificate& cert, IdKind kind, ByteView data) {
  const std::string text(data.begin(), data.end());
  switch (kind) {
    case IdKind::kDn:
      if (dn_equal(cert.subject_der(), data)) return true;
      break;
    case IdKind::kNone:
      return false;
    default:
      break;
  }
  for (const auto& san : cert.subject_alt_names()) {
    switch (kind) {
      case IdKind::kIp:
        if (san.kind == SubjectAltName::Kind::kIp && equal_ct(san.raw, data)) return true;
        break;
      case IdKind::kFqdn:
        if (san.kind == SubjectAltName::Kind::kDns && iequal(san.text, text)) return true;
        break;
      case IdKind::kEmail:
        if (san.kind == SubjectAltName::Kind::kEmail && iequal(san.text, text)) return true;
        break;
      case IdKind::kDn:
        if (san.kind == SubjectAltName::Kind::kDn && dn_equal(san.raw, data)) return true;
        break;
      case IdKind::kNone:
        break;
    }
  }
  return false;
}

}  // namespace

bool Certificate::matches_identity(v2::IdType type, ByteView data) const {
  switch (type) {
    case v2::IdType::IPV4_ADDR:
      return data.size() == 4 && matches(*this, IdKind::kIp, data);
    case v2::IdType::IPV6_ADDR:
      return data.size() == 16 && matches(*this, IdKind::kIp, data);
    case v2::IdType::FQDN:
      return matches(*this, IdKind::kFqdn, data);
    case v2::IdType::RFC822_ADDR:
      return matches(*this, IdKind::kEmail, data);
    case v2::IdType::DER_ASN1_DN:
      return matches(*this, IdKind::kDn, data);
    default:
      return false;
  }
}

bool Certificate::matches_identity(v1::IdType type, ByteView data) const {
  switch (type) {
    case v1::IdType::IPV4_ADDR:
      return data.size() == 4 && matches(*this, IdKind::kIp, data);
    case v1::IdType::IPV6_ADDR:
      return data.size() == 16 && matches(*this, IdKind::kIp, data);
    case v1::IdType::FQDN:
      return matches(*this, IdKind::kFqdn, data);
    case v1::IdType::USER_FQDN:
      return matches(*this, IdKind::kEmail, data);
    case v1::IdType::DER_ASN1_DN:
      return matches(*this, IdKind::kDn, data);
    default:
      return false;
  }
}

bool Certificate::operator==(const Certificate& other) const {
  return X509_cmp(cert_.get(), other.cert_.get()) == 0;
}

// ---- chains ------------------------------------------------------------------------------

Status verify_chain(const Certificate& leaf, std::span<const Certificate> intermediates,
                    std::span<const Certificate> trusted, Time at) {
  if (trusted.empty()) return Error(ErrorCode::kConfig, "no trusted CA certificates");
  Ptr<X509_STORE> store(X509_STORE_new());
  Ptr<STACK_OF(X509)> untrusted(sk_X509_new_null());
  Ptr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx) return ossl::error("allocation failed");
  for (const auto& ca : trusted)
    if (X509_STORE_add_cert(store.get(), ca.get()) != 1) {
      // Adding the same anchor twice is harmless.
      ossl::clear_errors();
    }
  for (const auto& c : intermediates) {
    if (X509_up_ref(c.get()) != 1 || sk_X509_push(untrusted.get(), c.get()) <= 0)
      return ossl::error("allocation failed");
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1)
    return ossl::error("chain verification setup failed");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // An explicit time, so simulated runs and tests judge validity at the moment they model;
  // trusted intermediates are anchors of their own (as strongSwan treats configured CAs).
  X509_VERIFY_PARAM_set_time(
      param, static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(at).count()));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(ctx.get()) == 1) return ok_status();
  const int err = X509_STORE_CTX_get_error(ctx.get());
  const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  X509* bad = X509_STORE_CTX_get_current_cert(ctx.get());
  std::string who = bad ? name_text(X509_get_subject_name(bad)) : leaf.subject();
  ossl::clear_errors();
  return Error(ErrorCode::kCrypto,
               "certificate \"" + who + "\" (depth " + std::to_string(depth) +
                   ") failed verification: " + X509_verify_cert_error_string(err));
}

// ---- distinguished names -----------------------------------------------------------------

Result<Bytes> dn_from_text(std::string_view text) {
  Ptr<X509_NAME> name(X509_NAME_new());
  if (!name) return ossl::error("allocation failed");
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  // X509_NAME_add_entry_by_txt: set 0 starts a new RDN, -1 joins the previous one ('+').
  int set = 0;
  while (true) {
    skip_space();
    if (i >= text.size()) break;
    size_t eq = text.find('=', i);
    if (eq == std::string_view::npos)
      return Error(ErrorCode::kConfig, "DN \"" + std::string(text) + "\": '=' missing after \"" +
                                           std::string(text.substr(i)) + "\"");
    std::string attr(text.substr(i, eq - i));
    while (!attr.empty() && attr.back() == ' ') attr.pop_back();
    i = eq + 1;
    skip_space();
    std::string value;
    char sep = 0;
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value.push_back(text[i++]);
      }
      if (i >= text.size())
        return Error(ErrorCode::kConfig, "DN \"" + std::string(text) + "\": unterminated quote");
      ++i;
      skip_space();
      if (i < text.size()) sep = text[i++];
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '/' && text[i] != '+') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value.push_back(text[i++]);
      }
      while (!value.empty() && value.back() == ' ') value.pop_back();
      if (i < text.size()) sep = text[i++];
    }
    if (attr.empty())
      return Error(ErrorCode::kConfig, "DN \"" + std::string(text) + "\": empty attribute name");
    // strongSwan also knows "E" for the e-mail attribute.
    const std::string field = iequal(attr, "E") ? "emailAddress" : attr;
    if (X509_NAME_add_entry_by_txt(name.get(), field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, set) != 1) {
      ossl::clear_errors();
      return Error(ErrorCode::kConfig, "DN \"" + std::string(text) + "\": unknown attribute \"" +
                                           attr + "\" or bad value \"" + value + "\"");
    }
    set = sep == '+' ? -1 : 0;
    if (sep && sep != ',' && sep != '/' && sep != '+')
      return Error(ErrorCode::kConfig,
                   "DN \"" + std::string(text) + "\": unexpected '" + std::string(1, sep) + "'");
  }
  if (X509_NAME_entry_count(name.get()) == 0)
    return Error(ErrorCode::kConfig, "empty DN \"" + std::string(text) + "\"");
  return i2d_bytes(i2d_X509_NAME, name.get());
}

Result<std::string> dn_to_text(ByteView der) {
  const unsigned char* p = der.data();
  Ptr<X509_NAME> name(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
  if (!name) return ossl::error("malformed DER distinguished name", ErrorCode::kMalformed);
  if (p != der.data() + der.size())
    return Error(ErrorCode::kTrailingBytes, "bytes after the distinguished name");
  return name_text(name.get());
}

bool dn_equal(ByteView a, ByteView b) {
  const unsigned char* pa = a.data();
  const unsigned char* pb = b.data();
  Ptr<X509_NAME> na(d2i_X509_NAME(nullptr, &pa, static_cast<long>(a.size())));
  Ptr<X509_NAME> nb(d2i_X509_NAME(nullptr, &pb, static_cast<long>(b.size())));
  if (!na || !nb || pa != a.data() + a.size() || pb != b.data() + b.size()) {
    ossl::clear_errors();
    return false;
  }
  // X509_NAME_cmp compares the canonical encodings (RFC 5280 §7.1 folding).
  return X509_NAME_cmp(na.get(), nb.get()) == 0;
}

}  // namespace ikesuite::crypto
