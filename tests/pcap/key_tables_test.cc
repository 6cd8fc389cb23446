#include "pcaps/src/key_tables.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/pcap/test_util.h"

namespace ikesuite::pcap {
namespace {

using testing::TempDir;
using testing::read_text;

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

Bytes key(size_t n, uint8_t start = 0) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(start + i);
  return out;
}

Ikev2SaKeys cbc_sha256() {
  Ikev2SaKeys k;
  k.spi_i = 0x0102030405060708;
  k.spi_r = 0x1112131415161718;
  k.encr = v2::EncrId::AES_CBC;
  k.sk_ei = key(16, 0x00);
  k.sk_er = key(16, 0x10);
  k.integ = v2::IntegId::HMAC_SHA2_256_128;
  k.sk_ai = key(32, 0x20);
  k.sk_ar = key(32, 0x40);
  return k;
}

std::vector<std::string> data_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line[0] != '#') out.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

TEST(WiresharkNames, Ikev2Encryption) {
  struct {
    v2::EncrId id;
    size_t key_bytes;
    const char* name;
  } cases[] = {
      {v2::EncrId::AES_CBC, 16, "AES-CBC-128 [RFC3602]"},
      {v2::EncrId::AES_CBC, 24, "AES-CBC-192 [RFC3602]"},
      {v2::EncrId::AES_CBC, 32, "AES-CBC-256 [RFC3602]"},
      {v2::EncrId::TripleDES, 24, "3DES [RFC2451]"},
      {v2::EncrId::Null, 0, "NULL [RFC2410]"},
      {v2::EncrId::AES_CTR, 20, "AES-CTR-128 [RFC5930]"},
      {v2::EncrId::AES_CTR, 36, "AES-CTR-256 [RFC5930]"},
      {v2::EncrId::AES_GCM_16, 20, "AES-GCM-128 with 16 octet ICV [RFC5282]"},
      {v2::EncrId::AES_GCM_8, 28, "AES-GCM-192 with 8 octet ICV [RFC5282]"},
      {v2::EncrId::AES_GCM_12, 36, "AES-GCM-256 with 12 octet ICV [RFC5282]"},
      {v2::EncrId::AES_CCM_16, 19, "AES-CCM-128 with 16 octet ICV [RFC5282]"},
      {v2::EncrId::AES_CCM_8, 35, "AES-CCM-256 with 8 octet ICV [RFC5282]"},
      {v2::EncrId::AES_CCM_12, 27, "AES-CCM-192 with 12 octet ICV [RFC5282]"},
  };
  for (const auto& c : cases) {
    auto alg = wireshark_ikev2_encr(c.id, 0, c.key_bytes);
    ASSERT_TRUE(alg.ok()) << v2::to_string(c.id) << ": " << alg.error().message();
    EXPECT_EQ(alg->name, c.name);
    EXPECT_EQ(alg->key_bytes, c.key_bytes);
  }
  // An explicit key length must agree with the key.
  EXPECT_TRUE(wireshark_ikev2_encr(v2::EncrId::AES_CBC, 256, 32).ok());
  auto mismatch = wireshark_ikev2_encr(v2::EncrId::AES_CBC, 128, 32);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code(), ErrorCode::kConfig);
  EXPECT_FALSE(wireshark_ikev2_encr(v2::EncrId::AES_CBC, 0, 17).ok());
  EXPECT_FALSE(wireshark_ikev2_encr(v2::EncrId::AES_GCM_16, 0, 16).ok());  // salt missing
  EXPECT_FALSE(wireshark_ikev2_encr(v2::EncrId::TripleDES, 0, 16).ok());
  for (auto id : {v2::EncrId::CHACHA20_POLY1305, v2::EncrId::CAMELLIA_CBC,
                  v2::EncrId::NULL_AUTH_AES_GMAC, v2::EncrId::DES, v2::EncrId::BLOWFISH}) {
    auto alg = wireshark_ikev2_encr(id, 0, 32);
    ASSERT_FALSE(alg.ok()) << v2::to_string(id);
    EXPECT_EQ(alg.error().code(), ErrorCode::kUnsupported);
    EXPECT_EQ(alg.error().reason(), "not decryptable by Wireshark: " + v2::to_string(id));
  }
}

TEST(WiresharkNames, Ikev2Integrity) {
  EXPECT_EQ(wireshark_ikev2_integ(v2::IntegId::HMAC_SHA2_256_128)->name, "HMAC_SHA2_256_128 [RFC4868]");
  EXPECT_EQ(wireshark_ikev2_integ(v2::IntegId::HMAC_SHA2_384_192)->key_bytes, 48u);
  EXPECT_EQ(wireshark_ikev2_integ(v2::IntegId::HMAC_SHA2_512_256)->name, "HMAC_SHA2_512_256 [RFC4868]");
  EXPECT_EQ(wireshark_ikev2_integ(v2::IntegId::HMAC_SHA1_96)->name, "HMAC_SHA1_96 [RFC2404]");
  EXPECT_EQ(wireshark_ikev2_integ(v2::IntegId::HMAC_MD5_96)->name, "HMAC_MD5_96 [RFC2403]");
  EXPECT_EQ(wireshark_ikev2_integ(v2::IntegId::HMAC_MD5_128)->name, "HMAC_MD5_128 [RFC4595]");
  EXPECT_EQ(wireshark_ikev2_integ(v2::IntegId::HMAC_SHA1_160)->name, "HMAC_SHA1_160 [RFC4595]");
  EXPECT_EQ(wireshark_ikev2_integ(v2::IntegId::None)->name, "NONE [RFC4306]");
  auto xcbc = wireshark_ikev2_integ(v2::IntegId::AES_XCBC_96);
  ASSERT_TRUE(xcbc.ok());
  EXPECT_FALSE(xcbc->checked);
  EXPECT_EQ(xcbc->name, "ANY 96-bits of Authentication [No Checking]");
  EXPECT_FALSE(wireshark_ikev2_integ(v2::IntegId::DES_MAC).ok());
}

TEST(WiresharkNames, Esp) {
  EXPECT_EQ(wireshark_esp_encr(v2::EncrId::AES_CBC, 16)->name, "AES-CBC [RFC3602]");
  EXPECT_EQ(wireshark_esp_encr(v2::EncrId::AES_CTR, 36)->name, "AES-CTR [RFC3686]");
  EXPECT_EQ(wireshark_esp_encr(v2::EncrId::AES_GCM_16, 20)->name, "AES-GCM with 16 octet ICV [RFC4106]");
  EXPECT_EQ(wireshark_esp_encr(v2::EncrId::AES_GCM_8, 36)->name, "AES-GCM with 8 octet ICV [RFC4106]");
  EXPECT_EQ(wireshark_esp_encr(v2::EncrId::TripleDES, 24)->name, "TripleDES-CBC [RFC2451]");
  EXPECT_EQ(wireshark_esp_encr(v2::EncrId::DES, 8)->name, "DES-CBC [RFC2405]");
  EXPECT_EQ(wireshark_esp_encr(v2::EncrId::CAST, 16)->name, "CAST5-CBC [RFC2144]");
  EXPECT_EQ(wireshark_esp_encr(v2::EncrId::BLOWFISH, 16)->name, "BLOWFISH-CBC [RFC2451]");
  EXPECT_EQ(wireshark_esp_encr(v2::EncrId::Null, 0)->name, "NULL");
  EXPECT_FALSE(wireshark_esp_encr(v2::EncrId::AES_CCM_16, 19).ok());
  EXPECT_FALSE(wireshark_esp_encr(v2::EncrId::CHACHA20_POLY1305, 36).ok());
  EXPECT_EQ(wireshark_esp_auth(v2::IntegId::HMAC_SHA1_96)->name, "HMAC-SHA-1-96 [RFC2404]");
  EXPECT_EQ(wireshark_esp_auth(v2::IntegId::HMAC_SHA2_256_128)->name, "HMAC-SHA-256-128 [RFC4868]");
  EXPECT_EQ(wireshark_esp_auth(v2::IntegId::HMAC_SHA2_512_256)->name, "HMAC-SHA-512-256 [RFC4868]");
  EXPECT_EQ(wireshark_esp_auth(v2::IntegId::None)->name, "NULL");
  EXPECT_EQ(wireshark_esp_auth(v2::IntegId::AES_XCBC_96)->name, "ANY 96 bit authentication [no checking]");
  EXPECT_FALSE(wireshark_esp_auth(v2::IntegId::HMAC_SHA1_160).ok());
}

TEST(KeyTables, CreatesPrivateFolderAndEmptyTables) {
  TempDir dir;
  std::string folder = dir.file("keys/run1");
  auto tables = KeyTables::create(folder);
  ASSERT_TRUE(tables.ok()) << tables.error().message();
  EXPECT_EQ(mode_of(folder), 0700u);
  for (const char* f : {KeyTables::kIkev2File, KeyTables::kIkev1File, KeyTables::kEspFile,
                        KeyTables::kPreferencesFile}) {
    EXPECT_EQ(mode_of(tables->path(f)), 0600u) << f;
  }
  EXPECT_TRUE(data_lines(read_text(tables->path(KeyTables::kIkev2File))).empty());
  EXPECT_NE(read_text(tables->path(KeyTables::kPreferencesFile))
                .find("esp.enable_encryption_decode: TRUE"),
            std::string::npos);
}

TEST(KeyTables, WritesExactIkev2Lines) {
  TempDir dir;
  auto tables = KeyTables::create(dir.path());
  ASSERT_TRUE(tables.ok());
  ASSERT_TRUE(tables->add(cbc_sha256()).ok());
  auto lines = data_lines(read_text(tables->path(KeyTables::kIkev2File)));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "0102030405060708,1112131415161718,000102030405060708090a0b0c0d0e0f,"
            "101112131415161718191a1b1c1d1e1f,\"AES-CBC-128 [RFC3602]\","
            "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f,"
            "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f,"
            "\"HMAC_SHA2_256_128 [RFC4868]\"");
  EXPECT_EQ(mode_of(tables->path(KeyTables::kIkev2File)), 0600u);

  // AEAD: integrity NONE and no SK_a keys, whatever the caller passed.
  Ikev2SaKeys gcm;
  gcm.spi_i = 0xa;
  gcm.spi_r = 0xb;
  gcm.encr = v2::EncrId::AES_GCM_16;
  gcm.encr_key_bits = 256;
  gcm.sk_ei = key(36);
  gcm.sk_er = key(36, 1);
  ASSERT_TRUE(tables->add(gcm).ok());
  lines = data_lines(read_text(tables->path(KeyTables::kIkev2File)));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].substr(0, 34), "000000000000000a,000000000000000b,");
  EXPECT_NE(lines[1].find(",\"AES-GCM-256 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\""),
            std::string::npos)
      << lines[1];
  EXPECT_EQ(tables->ikev2_entries(), 2u);
}

TEST(KeyTables, ReplacesAnSaAddedTwice) {
  TempDir dir;
  auto tables = KeyTables::create(dir.path());
  ASSERT_TRUE(tables.ok());
  ASSERT_TRUE(tables->add(cbc_sha256()).ok());
  Ikev2SaKeys again = cbc_sha256();
  again.sk_ei = key(16, 0x99);
  ASSERT_TRUE(tables->add(again).ok());
  auto lines = data_lines(read_text(tables->path(KeyTables::kIkev2File)));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("999a9b9c"), std::string::npos);
}

TEST(KeyTables, RecordsWhatWiresharkCannotDecrypt) {
  TempDir dir;
  auto tables = KeyTables::create(dir.path());
  ASSERT_TRUE(tables.ok());
  Ikev2SaKeys chacha;
  chacha.spi_i = 1;
  chacha.spi_r = 2;
  chacha.encr = v2::EncrId::CHACHA20_POLY1305;
  chacha.sk_ei = key(36);
  chacha.sk_er = key(36);
  ASSERT_TRUE(tables->add(chacha).ok());
  EXPECT_EQ(tables->ikev2_entries(), 1u);  // as a comment
  EXPECT_TRUE(data_lines(read_text(tables->path(KeyTables::kIkev2File))).empty());
  EXPECT_NE(read_text(tables->path(KeyTables::kIkev2File))
                .find("# IKE_SA 0000000000000001_i 0000000000000002_r: not decryptable by "
                      "Wireshark: ENCR_CHACHA20_POLY1305"),
            std::string::npos);
  ASSERT_EQ(tables->notes().size(), 1u);
  EXPECT_FALSE(tables->notes()[0].decryptable);
  EXPECT_EQ(tables->notes()[0].reason, "not decryptable by Wireshark: ENCR_CHACHA20_POLY1305");

  // Decryptable, but the ICV goes unchecked.
  Ikev2SaKeys xcbc = cbc_sha256();
  xcbc.integ = v2::IntegId::AES_XCBC_96;
  xcbc.sk_ai = key(16);
  xcbc.sk_ar = key(16);
  ASSERT_TRUE(tables->add(xcbc).ok());
  auto lines = data_lines(read_text(tables->path(KeyTables::kIkev2File)));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(",,,\"ANY 96-bits of Authentication [No Checking]\""), std::string::npos)
      << lines[0];
  ASSERT_EQ(tables->notes().size(), 2u);
  EXPECT_TRUE(tables->notes()[1].decryptable);
  EXPECT_EQ(tables->notes()[1].reason, "integrity not checked by Wireshark: AUTH_AES_XCBC_96");

  EspSaKeys camellia;
  camellia.src = *IpAddress::parse("192.0.2.1");
  camellia.dst = *IpAddress::parse("192.0.2.2");
  camellia.spi = 0xc0ffee;
  camellia.encr = v2::EncrId::CAMELLIA_CBC;
  camellia.encr_key = key(16);
  ASSERT_TRUE(tables->add(camellia).ok());
  EXPECT_EQ(tables->notes().back().sa, "ESP SA 0x00c0ffee 192.0.2.1 -> 192.0.2.2");
  EXPECT_EQ(tables->notes().back().reason, "not decryptable by Wireshark: ENCR_CAMELLIA_CBC");
}

TEST(KeyTables, RejectsKeysOfTheWrongLength) {
  TempDir dir;
  auto tables = KeyTables::create(dir.path());
  ASSERT_TRUE(tables.ok());
  Ikev2SaKeys bad = cbc_sha256();
  bad.sk_ar = key(20);
  auto st = tables->add(bad);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kConfig);
  EXPECT_NE(st.error().message().find("SK_ar"), std::string::npos) << st.error().message();
  bad = cbc_sha256();
  bad.sk_er = key(32);
  EXPECT_FALSE(tables->add(bad).ok());
  bad = cbc_sha256();
  bad.encr_key_bits = 256;
  EXPECT_FALSE(tables->add(bad).ok());
  // Nothing half-written: the table still has no entry.
  EXPECT_TRUE(data_lines(read_text(tables->path(KeyTables::kIkev2File))).empty());

  EspSaKeys esp;
  esp.src = *IpAddress::parse("192.0.2.1");
  esp.dst = *IpAddress::parse("2001:db8::1");
  esp.encr_key = key(16);
  esp.integ_key = key(32);
  EXPECT_FALSE(tables->add(esp).ok());  // mixed families
  esp.dst = *IpAddress::parse("192.0.2.2");
  esp.integ_key = key(20);
  EXPECT_FALSE(tables->add(esp).ok());

  Ikev1SaKeys v1;
  v1.cookie_i = 1;
  v1.encr = v1::OakleyEncryption::AES_CBC;
  v1.encr_key_bits = 256;
  v1.ka = key(16);
  EXPECT_FALSE(tables->add(v1).ok());
}

TEST(KeyTables, WritesEspAndIkev1Lines) {
  TempDir dir;
  auto tables = KeyTables::create(dir.path());
  ASSERT_TRUE(tables.ok());
  EspSaKeys esp;
  esp.src = *IpAddress::parse("192.0.2.1");
  esp.dst = *IpAddress::parse("192.0.2.2");
  esp.spi = 0xc1a5;
  esp.encr = v2::EncrId::AES_CBC;
  esp.encr_key = key(16);
  esp.integ = v2::IntegId::HMAC_SHA1_96;
  esp.integ_key = key(20, 0x80);
  ASSERT_TRUE(tables->add(esp).ok());
  EspSaKeys v6;
  v6.src = *IpAddress::parse("2001:db8::1");
  v6.dst = *IpAddress::parse("2001:db8::2");
  v6.spi = 0xffffffff;
  v6.encr = v2::EncrId::AES_GCM_16;
  v6.encr_key = key(20);
  ASSERT_TRUE(tables->add(v6).ok());
  auto lines = data_lines(read_text(tables->path(KeyTables::kEspFile)));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0x0000c1a5\",\"AES-CBC [RFC3602]\","
            "\"0x000102030405060708090a0b0c0d0e0f\",\"HMAC-SHA-1-96 [RFC2404]\","
            "\"0x808182838485868788898a8b8c8d8e8f90919293\"");
  EXPECT_EQ(lines[1],
            "\"IPv6\",\"2001:db8::1\",\"2001:db8::2\",\"0xffffffff\","
            "\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x000102030405060708090a0b0c0d0e0f10111213\","
            "\"NULL\",\"\"");

  Ikev1SaKeys v1;
  v1.cookie_i = 0xfedcba9876543210;
  v1.ka = key(24);
  v1.encr = v1::OakleyEncryption::TripleDES_CBC;
  v1.hash = v1::OakleyHash::SHA;
  ASSERT_TRUE(tables->add(v1).ok());
  Ikev1SaKeys camellia;
  camellia.cookie_i = 5;
  camellia.ka = key(16);
  camellia.encr = v1::OakleyEncryption::CAMELLIA_CBC;
  ASSERT_TRUE(tables->add(camellia).ok());
  lines = data_lines(read_text(tables->path(KeyTables::kIkev1File)));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "fedcba9876543210,000102030405060708090a0b0c0d0e0f1011121314151617");
  EXPECT_EQ(tables->notes().back().reason, "not decryptable by Wireshark: CAMELLIA-CBC");
}

TEST(KeyTables, LeavesNoTemporaryFiles) {
  TempDir dir;
  auto tables = KeyTables::create(dir.path());
  ASSERT_TRUE(tables.ok());
  for (uint64_t i = 1; i <= 20; ++i) {
    Ikev2SaKeys k = cbc_sha256();
    k.spi_i = i;
    ASSERT_TRUE(tables->add(k).ok());
  }
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++files;
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  }
  EXPECT_EQ(files, 4u);
  EXPECT_EQ(data_lines(read_text(tables->path(KeyTables::kIkev2File))).size(), 20u);
}

TEST(KeyTables, FailsOnAnUnwritableFolder) {
  auto tables = KeyTables::create("/proc/ikesuite-cannot-exist");
  EXPECT_FALSE(tables.ok());
}

}  // namespace
}  // namespace ikesuite::pcap
