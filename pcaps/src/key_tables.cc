#include "pcaps/src/key_tables.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

namespace ikesuite::pcap {

namespace {

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string hex32(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

Error unsupported(std::string_view what) {
  return Error(ErrorCode::kUnsupported, "not decryptable by Wireshark: " + std::string(what));
}

Error bad_key(std::string_view alg, size_t got, std::string_view want) {
  return Error(ErrorCode::kConfig, std::string(alg) + " key of " + std::to_string(got) +
                                       " bytes; Wireshark expects " + std::string(want));
}

// AES key sizes (bits) for a key of `key_bytes` carrying `salt` extra bytes, checked against
// an explicit KEY_LENGTH when one is given.
Result<unsigned> aes_bits(std::string_view alg, unsigned key_bits, size_t key_bytes, size_t salt) {
  unsigned derived = key_bytes >= salt ? static_cast<unsigned>((key_bytes - salt) * 8) : 0;
  if (derived != 128 && derived != 192 && derived != 256)
    return bad_key(alg, key_bytes,
                   std::to_string(16 + salt) + ", " + std::to_string(24 + salt) + " or " +
                       std::to_string(32 + salt));
  if (key_bits != 0 && key_bits != derived)
    return bad_key(alg, key_bytes, std::to_string(key_bits / 8 + salt) + " for " +
                                       std::to_string(key_bits) + "-bit keys");
  return derived;
}

Status expect_key(std::string_view alg, size_t got, size_t want) {
  if (got != want) return bad_key(alg, got, std::to_string(want));
  return ok_status();
}

std::string_view icv_octets(v2::EncrId e) {
  switch (e) {
    case v2::EncrId::AES_GCM_8:
    case v2::EncrId::AES_CCM_8: return "8";
    case v2::EncrId::AES_GCM_12:
    case v2::EncrId::AES_CCM_12: return "12";
    default: return "16";
  }
}

bool is_aead(v2::EncrId e) {
  switch (e) {
    case v2::EncrId::AES_CCM_8:
    case v2::EncrId::AES_CCM_12:
    case v2::EncrId::AES_CCM_16:
    case v2::EncrId::AES_GCM_8:
    case v2::EncrId::AES_GCM_12:
    case v2::EncrId::AES_GCM_16:
    case v2::EncrId::NULL_AUTH_AES_GMAC:
    case v2::EncrId::CAMELLIA_CCM_8:
    case v2::EncrId::CAMELLIA_CCM_12:
    case v2::EncrId::CAMELLIA_CCM_16:
    case v2::EncrId::CHACHA20_POLY1305: return true;
    default: return false;
  }
}

std::string uat_string(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string ike_sa_label(uint64_t spi_i, uint64_t spi_r) {
  return "IKE_SA " + hex64(spi_i) + "_i " + hex64(spi_r) + "_r";
}

std::string esp_sa_label(const EspSaKeys& k) {
  return "ESP SA 0x" + hex32(k.spi) + " " + k.src.to_string() + " -> " + k.dst.to_string();
}

}  // namespace

Result<WiresharkAlgorithm> wireshark_ikev2_encr(v2::EncrId encr, unsigned key_bits,
                                                size_t key_bytes) {
  std::string alg = v2::to_string(encr);
  switch (encr) {
    case v2::EncrId::Null:
      TRY(expect_key(alg, key_bytes, 0));
      return WiresharkAlgorithm{"NULL [RFC2410]", 0, true};
    case v2::EncrId::TripleDES:
      TRY(expect_key(alg, key_bytes, 24));
      return WiresharkAlgorithm{"3DES [RFC2451]", 24, true};
    case v2::EncrId::AES_CBC: {
      TRY_ASSIGN(unsigned bits, aes_bits(alg, key_bits, key_bytes, 0));
      return WiresharkAlgorithm{"AES-CBC-" + std::to_string(bits) + " [RFC3602]", bits / 8, true};
    }
    case v2::EncrId::AES_CTR: {
      // RFC 5930 §2: the last four bytes of SK_e are the nonce.
      TRY_ASSIGN(unsigned bits, aes_bits(alg, key_bits, key_bytes, 4));
      return WiresharkAlgorithm{"AES-CTR-" + std::to_string(bits) + " [RFC5930]", bits / 8 + 4,
                                true};
    }
    case v2::EncrId::AES_GCM_8:
    case v2::EncrId::AES_GCM_12:
    case v2::EncrId::AES_GCM_16:
    case v2::EncrId::AES_CCM_8:
    case v2::EncrId::AES_CCM_12:
    case v2::EncrId::AES_CCM_16: {
      // RFC 5282 §7.1: a 4-byte salt for GCM, 3 bytes for CCM.
      bool gcm = encr == v2::EncrId::AES_GCM_8 || encr == v2::EncrId::AES_GCM_12 ||
                 encr == v2::EncrId::AES_GCM_16;
      size_t salt = gcm ? 4 : 3;
      TRY_ASSIGN(unsigned bits, aes_bits(alg, key_bits, key_bytes, salt));
      return WiresharkAlgorithm{std::string(gcm ? "AES-GCM-" : "AES-CCM-") +
                                    std::to_string(bits) + " with " +
                                    std::string(icv_octets(encr)) + " octet ICV [RFC5282]",
                                bits / 8 + salt, true};
    }
    default: return unsupported(alg);
  }
}

Result<WiresharkAlgorithm> wireshark_ikev2_integ(v2::IntegId integ) {
  switch (integ) {
    case v2::IntegId::None: return WiresharkAlgorithm{"NONE [RFC4306]", 0, true};
    case v2::IntegId::HMAC_MD5_96: return WiresharkAlgorithm{"HMAC_MD5_96 [RFC2403]", 16, true};
    case v2::IntegId::HMAC_SHA1_96: return WiresharkAlgorithm{"HMAC_SHA1_96 [RFC2404]", 20, true};
    case v2::IntegId::HMAC_MD5_128: return WiresharkAlgorithm{"HMAC_MD5_128 [RFC4595]", 16, true};
    case v2::IntegId::HMAC_SHA1_160:
      return WiresharkAlgorithm{"HMAC_SHA1_160 [RFC4595]", 20, true};
    case v2::IntegId::HMAC_SHA2_256_128:
      return WiresharkAlgorithm{"HMAC_SHA2_256_128 [RFC4868]", 32, true};
    case v2::IntegId::HMAC_SHA2_384_192:
      return WiresharkAlgorithm{"HMAC_SHA2_384_192 [RFC4868]", 48, true};
    case v2::IntegId::HMAC_SHA2_512_256:
      return WiresharkAlgorithm{"HMAC_SHA2_512_256 [RFC4868]", 64, true};
    // Wireshark cannot compute these MACs, but knowing the ICV length is enough to find the
    // ciphertext and decrypt it; its "ANY" entries take no key.
    case v2::IntegId::AES_XCBC_96:
    case v2::IntegId::AES_CMAC_96:
      return WiresharkAlgorithm{"ANY 96-bits of Authentication [No Checking]", 0, false};
    case v2::IntegId::AES_128_GMAC:
    case v2::IntegId::AES_192_GMAC:
    case v2::IntegId::AES_256_GMAC:
      return WiresharkAlgorithm{"ANY 128-bits of Authentication [No Checking]", 0, false};
    default: return unsupported(v2::to_string(integ));
  }
}

Result<WiresharkAlgorithm> wireshark_esp_encr(v2::EncrId encr, size_t key_bytes) {
  std::string alg = v2::to_string(encr);
  switch (encr) {
    case v2::EncrId::Null:
      TRY(expect_key(alg, key_bytes, 0));
      return WiresharkAlgorithm{"NULL", 0, true};
    case v2::EncrId::TripleDES:
      TRY(expect_key(alg, key_bytes, 24));
      return WiresharkAlgorithm{"TripleDES-CBC [RFC2451]", 24, true};
    case v2::EncrId::DES:
      TRY(expect_key(alg, key_bytes, 8));
      return WiresharkAlgorithm{"DES-CBC [RFC2405]", 8, true};
    case v2::EncrId::AES_CBC: {
      TRY(aes_bits(alg, 0, key_bytes, 0));
      return WiresharkAlgorithm{"AES-CBC [RFC3602]", key_bytes, true};
    }
    case v2::EncrId::AES_CTR: {
      TRY(aes_bits(alg, 0, key_bytes, 4));  // RFC 3686 §5.1: key | 4-byte nonce
      return WiresharkAlgorithm{"AES-CTR [RFC3686]", key_bytes, true};
    }
    case v2::EncrId::AES_GCM_8:
    case v2::EncrId::AES_GCM_12:
    case v2::EncrId::AES_GCM_16: {
      TRY(aes_bits(alg, 0, key_bytes, 4));  // RFC 4106 §8.1: key | 4-byte salt
      return WiresharkAlgorithm{
          "AES-GCM with " + std::string(icv_octets(encr)) + " octet ICV [RFC4106]", key_bytes,
          true};
    }
    case v2::EncrId::CAST:
      // RFC 2144: CAST-128 takes 40- to 128-bit keys.
      if (key_bytes < 5 || key_bytes > 16) return bad_key(alg, key_bytes, "5 to 16");
      return WiresharkAlgorithm{"CAST5-CBC [RFC2144]", key_bytes, true};
    case v2::EncrId::BLOWFISH:
      // RFC 2451 §2.2: 40 to 448 bits.
      if (key_bytes < 5 || key_bytes > 56) return bad_key(alg, key_bytes, "5 to 56");
      return WiresharkAlgorithm{"BLOWFISH-CBC [RFC2451]", key_bytes, true};
    default: return unsupported(alg);
  }
}

Result<WiresharkAlgorithm> wireshark_esp_auth(v2::IntegId integ) {
  switch (integ) {
    case v2::IntegId::None: return WiresharkAlgorithm{"NULL", 0, true};
    case v2::IntegId::HMAC_MD5_96: return WiresharkAlgorithm{"HMAC-MD5-96 [RFC2403]", 16, true};
    case v2::IntegId::HMAC_SHA1_96:
      return WiresharkAlgorithm{"HMAC-SHA-1-96 [RFC2404]", 20, true};
    case v2::IntegId::HMAC_SHA2_256_128:
      return WiresharkAlgorithm{"HMAC-SHA-256-128 [RFC4868]", 32, true};
    case v2::IntegId::HMAC_SHA2_384_192:
      return WiresharkAlgorithm{"HMAC-SHA-384-192 [RFC4868]", 48, true};
    case v2::IntegId::HMAC_SHA2_512_256:
      return WiresharkAlgorithm{"HMAC-SHA-512-256 [RFC4868]", 64, true};
    case v2::IntegId::AES_XCBC_96:
    case v2::IntegId::AES_CMAC_96:
      return WiresharkAlgorithm{"ANY 96 bit authentication [no checking]", 0, false};
    case v2::IntegId::HMAC_MD5_128:
    case v2::IntegId::AES_128_GMAC:
    case v2::IntegId::AES_192_GMAC:
    case v2::IntegId::AES_256_GMAC:
      return WiresharkAlgorithm{"ANY 128 bit authentication [no checking]", 0, false};
    default: return unsupported(v2::to_string(integ));
  }
}

Result<KeyTables> KeyTables::create(const std::string& folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return Error(ErrorCode::kSystem, "cannot create key folder " + folder + ": " + ec.message());
  // The folder holds session keys: owner only, even if it existed with a laxer mode.
  if (::chmod(folder.c_str(), 0700) != 0)
    return Error(ErrorCode::kSystem, "cannot restrict key folder " + folder).with_errno(errno);
  KeyTables tables(folder);
  TRY(tables.write_all());
  return tables;
}

void KeyTables::upsert(std::vector<Line>& lines, Line line) {
  for (auto& l : lines) {
    if (l.key == line.key) {
      l = std::move(line);
      return;
    }
  }
  lines.push_back(std::move(line));
}

void KeyTables::note(std::string sa, std::string reason, bool decryptable) {
  for (auto& n : notes_) {
    if (n.sa == sa) {
      n.reason = std::move(reason);
      n.decryptable = decryptable;
      return;
    }
  }
  notes_.push_back(KeyTableNote{std::move(sa), std::move(reason), decryptable});
}

Status KeyTables::add(const Ikev2SaKeys& k) {
  std::string label = ike_sa_label(k.spi_i, k.spi_r);
  std::string key = hex64(k.spi_i) + "," + hex64(k.spi_r);
  auto encr = wireshark_ikev2_encr(k.encr, k.encr_key_bits, k.sk_ei.size());
  auto integ = wireshark_ikev2_integ(is_aead(k.encr) ? v2::IntegId::None : k.integ);
  const Result<WiresharkAlgorithm>* failed = !encr.ok() ? &encr : !integ.ok() ? &integ : nullptr;
  if (failed) {
    if (failed->error().code() != ErrorCode::kUnsupported)
      return Error(failed->error()).within(label);
    note(label, failed->error().reason(), false);
    upsert(ikev2_lines_, {key, "# " + label + ": " + failed->error().reason()});
    return write_file_atomically(path(kIkev2File), ikev2_table());
  }
  TRY_IN(expect_key(v2::to_string(k.encr), k.sk_er.size(), encr->key_bytes), label + " SK_er");
  bool keyless_integ = !integ->checked || is_aead(k.encr);
  if (!keyless_integ) {
    TRY_IN(expect_key(v2::to_string(k.integ), k.sk_ai.size(), integ->key_bytes), label + " SK_ai");
    TRY_IN(expect_key(v2::to_string(k.integ), k.sk_ar.size(), integ->key_bytes), label + " SK_ar");
  }
  if (!integ->checked)
    note(label, "integrity not checked by Wireshark: " + v2::to_string(k.integ), true);
  std::string text = key + "," + to_hex(k.sk_ei) + "," + to_hex(k.sk_er) + "," +
                     uat_string(encr->name) + "," + (keyless_integ ? "" : to_hex(k.sk_ai)) + "," +
                     (keyless_integ ? "" : to_hex(k.sk_ar)) + "," + uat_string(integ->name);
  upsert(ikev2_lines_, {key, std::move(text)});
  return write_file_atomically(path(kIkev2File), ikev2_table());
}

Status KeyTables::add(const Ikev1SaKeys& k) {
  std::string label = "ISAKMP SA " + hex64(k.cookie_i) + "_i";
  std::string key = hex64(k.cookie_i);
  std::optional<std::string> why;
  if (k.encr) {
    // Wireshark's IKEv1 decryption knows DES, 3DES and AES-CBC with MD5/SHA-1/SHA-2 IVs.
    size_t need = 0;
    switch (*k.encr) {
      case v1::OakleyEncryption::DES_CBC: need = 8; break;
      case v1::OakleyEncryption::TripleDES_CBC: need = 24; break;
      case v1::OakleyEncryption::AES_CBC: need = k.encr_key_bits ? k.encr_key_bits / 8 : 16; break;
      default: why = "not decryptable by Wireshark: " + v1::to_string(*k.encr);
    }
    if (!why && k.ka.size() < need)
      return Error(ErrorCode::kConfig, "Ka of " + std::to_string(k.ka.size()) +
                                           " bytes is shorter than the cipher's " +
                                           std::to_string(need))
          .within(label);
  }
  if (!why && k.hash) {
    switch (*k.hash) {
      case v1::OakleyHash::MD5:
      case v1::OakleyHash::SHA:
      case v1::OakleyHash::SHA2_256:
      case v1::OakleyHash::SHA2_384:
      case v1::OakleyHash::SHA2_512: break;
      default: why = "not decryptable by Wireshark: " + v1::to_string(*k.hash);
    }
  }
  if (k.ka.empty() && !why) return Error(ErrorCode::kConfig, "empty Ka").within(label);
  if (why) {
    note(label, *why, false);
    upsert(ikev1_lines_, {key, "# " + label + ": " + *why});
  } else {
    upsert(ikev1_lines_, {key, key + "," + to_hex(k.ka)});
  }
  return write_file_atomically(path(kIkev1File), ikev1_table());
}

Status KeyTables::add(const EspSaKeys& k) {
  std::string label = esp_sa_label(k);
  if (k.src.empty() || k.src.family() != k.dst.family())
    return Error(ErrorCode::kConfig, "ESP SA addresses are not of one IP family").within(label);
  std::string key = k.src.to_string() + "," + k.dst.to_string() + "," + hex32(k.spi);
  auto encr = wireshark_esp_encr(k.encr, k.encr_key.size());
  // Wireshark 4.0 pairs its AES-GCM entries only with NULL authentication.
  auto auth = wireshark_esp_auth(is_aead(k.encr) ? v2::IntegId::None : k.integ);
  const Result<WiresharkAlgorithm>* failed = !encr.ok() ? &encr : !auth.ok() ? &auth : nullptr;
  if (failed) {
    if (failed->error().code() != ErrorCode::kUnsupported)
      return Error(failed->error()).within(label);
    note(label, failed->error().reason(), false);
    upsert(esp_lines_, {key, "# " + label + ": " + failed->error().reason()});
    return write_file_atomically(path(kEspFile), esp_table());
  }
  bool keyless_auth = !auth->checked || is_aead(k.encr);
  if (!keyless_auth)
    TRY_IN(expect_key(v2::to_string(k.integ), k.integ_key.size(), auth->key_bytes), label);
  if (!auth->checked)
    note(label, "integrity not checked by Wireshark: " + v2::to_string(k.integ), true);
  std::string text = uat_string(k.src.is_v4() ? "IPv4" : "IPv6") + "," + uat_string(k.src.to_string()) +
                     "," + uat_string(k.dst.to_string()) + "," + uat_string("0x" + hex32(k.spi)) + "," +
                     uat_string(encr->name) + "," +
                     uat_string(k.encr_key.empty() ? "" : "0x" + to_hex(k.encr_key)) + "," +
                     uat_string(auth->name) + "," +
                     uat_string(keyless_auth || k.integ_key.empty() ? "" : "0x" + to_hex(k.integ_key));
  upsert(esp_lines_, {key, std::move(text)});
  return write_file_atomically(path(kEspFile), esp_table());
}

namespace {
std::string render(const char* header, const std::vector<std::string>& lines) {
  std::string out = header;
  for (const auto& l : lines) out += l + "\n";
  return out;
}
template <typename L>
std::vector<std::string> texts(const std::vector<L>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.text);
  return out;
}
}  // namespace

std::string KeyTables::ikev2_table() const {
  return render(
      "# IKEv2 SA keys for Wireshark (Preferences > Protocols > ISAKMP > IKEv2 Decryption Table).\n"
      "# SPIi,SPIr,SK_ei,SK_er,encryption,SK_ai,SK_ar,integrity (RFC 7296 2.14)\n",
      texts(ikev2_lines_));
}

std::string KeyTables::ikev1_table() const {
  return render(
      "# IKEv1 keys for Wireshark (Preferences > Protocols > ISAKMP > IKEv1 Decryption Table).\n"
      "# initiator cookie,encryption key Ka (RFC 2409 Appendix B)\n",
      texts(ikev1_lines_));
}

std::string KeyTables::esp_table() const {
  return render(
      "# ESP SAs for Wireshark (Preferences > Protocols > ESP > ESP SAs).\n"
      "# protocol,source,destination,SPI,encryption,key,authentication,key (RFC 4303)\n",
      texts(esp_lines_));
}

std::string KeyTables::preferences() {
  return "# Wireshark preferences for decrypting this run's capture.\n"
         "esp.enable_encryption_decode: TRUE\n"
         "esp.enable_authentication_check: TRUE\n";
}

Status KeyTables::write_all() const {
  TRY(write_file_atomically(path(kIkev2File), ikev2_table()));
  TRY(write_file_atomically(path(kIkev1File), ikev1_table()));
  TRY(write_file_atomically(path(kEspFile), esp_table()));
  TRY(write_file_atomically(path(kPreferencesFile), preferences()));
  return ok_status();
}

}  // namespace ikesuite::pcap
