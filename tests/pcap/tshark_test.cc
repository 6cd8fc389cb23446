// Captures and key tables checked by Wireshark itself: genuine encrypted IKEv2, ESP and IKEv1
// messages are made here with OpenSSL (the engine's codecs are not used, so this checks the
// pcaps module alone), written with PcapWriter, their keys with KeyTables, and tshark must
// decrypt them and verify their integrity. An independent dissector agreeing with us is the
// point, as s2n-tls does with its captures.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "engine/wire/writer.h"
#include "pcaps/src/frame.h"
#include "pcaps/src/key_tables.h"
#include "pcaps/src/pcap_writer.h"
#include "tests/pcap/test_util.h"

namespace ikesuite::pcap {
namespace {

using testing::count_of;
using testing::TempDir;
using testing::tshark_verbose;

Endpoint ep(const char* addr, uint16_t port) { return Endpoint{*IpAddress::parse(addr), port}; }

Bytes pattern(size_t n, uint8_t start) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(start + 7 * i);
  return out;
}

// CBC without padding: callers pad as their protocol says.
Bytes cbc_encrypt(const EVP_CIPHER* cipher, ByteView key, ByteView iv, ByteView plaintext) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(plaintext.size() + 32);
  int n1 = 0, n2 = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(ctx, cipher, nullptr, key.data(), iv.data()), 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, out.data(), &n1, plaintext.data(), static_cast<int>(plaintext.size())), 1);
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx, out.data() + n1, &n2), 1);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(n1 + n2));
  return out;
}

Bytes hmac_truncated(const EVP_MD* md, ByteView key, ByteView data, size_t length) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), data.data(), data.size(), mac, &mac_len);
  return Bytes(mac, mac + std::min<size_t>(length, mac_len));
}

// RFC 7296 §3.14: payloads | padding | pad length, a multiple of the block size.
Bytes sk_plaintext(ByteView inner, size_t block) {
  size_t pad = (block - (inner.size() + 1) % block) % block;
  wire::Writer w;
  w.bytes(inner);
  for (size_t i = 0; i < pad; ++i) w.u8(static_cast<uint8_t>(0xa0 + i));
  w.u8(static_cast<uint8_t>(pad));
  return *std::move(w).finish();
}

// RFC 7296 §3.10: Notify payload, IKE SA (protocol 0, no SPI).
Bytes notify(uint8_t next, uint16_t type, ByteView data) {
  wire::Writer w;
  w.u8(next);
  w.u8(0);
  size_t len = w.reserve_u16();
  w.u8(0);  // protocol ID
  w.u8(0);  // SPI size
  w.u16(type);
  w.bytes(data);
  w.patch_length_u16(len, 0);
  return *std::move(w).finish();
}

// An INFORMATIONAL exchange message protected with AES-CBC-128 and HMAC-SHA2-256-128
// (RFC 7296 §3.14): header | SK header | IV | ciphertext | ICV, the ICV over everything before
// it.
Bytes ikev2_informational(const Ikev2SaKeys& k, bool initiator, uint32_t mid, ByteView iv,
                          ByteView inner, uint8_t first_inner) {
  ByteView sk_e = initiator ? ByteView(k.sk_ei) : ByteView(k.sk_er);
  ByteView sk_a = initiator ? ByteView(k.sk_ai) : ByteView(k.sk_ar);
  Bytes ciphertext = cbc_encrypt(EVP_aes_128_cbc(), sk_e, iv, sk_plaintext(inner, 16));
  constexpr size_t kIcv = 16;
  wire::Writer w;
  w.u64(k.spi_i);
  w.u64(k.spi_r);
  w.u8(46);    // next payload: SK
  w.u8(0x20);  // version 2.0
  w.u8(37);    // INFORMATIONAL
  w.u8(initiator ? 0x08 : 0x20);  // Initiator flag, or Response flag from the responder
  w.u32(mid);
  size_t length = w.reserve_u32();
  w.u8(first_inner);
  w.u8(0);
  size_t sk_start = w.size() - 2;
  size_t sk_length = w.reserve_u16();
  w.bytes(iv);
  w.bytes(ciphertext);
  w.patch_length_u16(sk_length, sk_start, static_cast<long>(kIcv));
  w.patch_length_u32(length, 0, static_cast<long>(kIcv));
  Bytes icv = hmac_truncated(EVP_sha256(), sk_a, w.data(), kIcv);
  w.bytes(icv);
  return *std::move(w).finish();
}

Ikev2SaKeys ikev2_keys() {
  Ikev2SaKeys k;
  k.spi_i = 0x8a3f1c2b4d5e6f70;
  k.spi_r = 0x1b2c3d4e5f607182;
  k.encr = v2::EncrId::AES_CBC;
  k.encr_key_bits = 128;
  k.sk_ei = pattern(16, 0x11);
  k.sk_er = pattern(16, 0x22);
  k.integ = v2::IntegId::HMAC_SHA2_256_128;
  k.sk_ai = pattern(32, 0x33);
  k.sk_ar = pattern(32, 0x44);
  return k;
}

TEST(Tshark, DissectsOurFramesWithGoodChecksums) {
  REQUIRE_TSHARK();
  TempDir dir;
  std::string capture = dir.file("capture.pcap");
  {
    auto writer = PcapWriter::open(capture);
    ASSERT_TRUE(writer.ok());
    // An IKE_SA_INIT-sized datagram on 500, and a NAT-keepalive on 4500, over v4 and v6.
    ASSERT_TRUE(writer->write(seconds(0), ep("192.0.2.1", 500), ep("192.0.2.2", 500), pattern(333, 1)).ok());
    ASSERT_TRUE(writer->write(seconds(1), ep("192.0.2.1", 4500), ep("192.0.2.2", 4500), hex("ff")).ok());
    ASSERT_TRUE(writer->write(seconds(2), ep("2001:db8::1", 500), ep("2001:db8::2", 500), pattern(77, 9)).ok());
  }
  auto keys = KeyTables::create(dir.file("keys"));
  ASSERT_TRUE(keys.ok());
  auto out = tshark_verbose(keys->folder(), capture,
                            "-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(count_of(out.output, "Ethernet II"), 3u) << out.output;
  EXPECT_EQ(count_of(out.output, "[Header checksum status: Good]"), 2u) << out.output;
  EXPECT_EQ(count_of(out.output, "[Checksum Status: Good]"), 3u) << out.output;
  EXPECT_NE(out.output.find("Don't fragment: Set"), std::string::npos);
  EXPECT_NE(out.output.find("Time to Live: 64"), std::string::npos);
  EXPECT_NE(out.output.find("Hop Limit: 64"), std::string::npos);
  EXPECT_NE(out.output.find("Jan  1, 2024 00:00:00.000000000 UTC"), std::string::npos)
      << "epoch not applied";
  EXPECT_EQ(out.output.find("Malformed"), std::string::npos) << out.output;
  EXPECT_EQ(out.output.find("Error loading table"), std::string::npos) << out.output;
}

TEST(Tshark, DecryptsIkev2WithTheKeyTable) {
  REQUIRE_TSHARK();
  TempDir dir;
  Ikev2SaKeys k = ikev2_keys();
  // Request: N(AUTH_LIFETIME) carrying 3600 s; response: N(INITIAL_CONTACT)... from the responder.
  Bytes request = ikev2_informational(k, true, 2, pattern(16, 0x55), notify(0, 16403, hex("00000e10")), 41);
  Bytes response = ikev2_informational(k, false, 2, pattern(16, 0x66),
                                       concat({notify(41, 16384, {}), notify(0, 16395, {})}), 41);
  std::string capture = dir.file("capture.pcap");
  {
    auto writer = PcapWriter::open(capture);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->write(seconds(1), ep("192.0.2.1", 500), ep("192.0.2.2", 500), request).ok());
    ASSERT_TRUE(writer->write(seconds(1.01), ep("192.0.2.2", 500), ep("192.0.2.1", 500), response).ok());
  }
  auto keys = KeyTables::create(dir.file("keys"));
  ASSERT_TRUE(keys.ok());
  ASSERT_TRUE(keys->add(k).ok());

  auto out = tshark_verbose(keys->folder(), capture);
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(out.output.find("Error loading table"), std::string::npos) << out.output;
  EXPECT_EQ(count_of(out.output, "Decrypted Data"), 2u) << out.output;
  EXPECT_NE(out.output.find("Notify Message Type: AUTH_LIFETIME (16403)"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("Notify Message Type: INITIAL_CONTACT (16384)"), std::string::npos);
  EXPECT_NE(out.output.find("Notify Message Type: NON_FIRST_FRAGMENTS_ALSO (16395)"), std::string::npos);
  EXPECT_EQ(count_of(out.output, "[correct]"), 2u) << out.output;
  EXPECT_EQ(out.output.find("[incorrect"), std::string::npos);

  // With a wrong SK_ar the response no longer verifies: tshark really checks the ICV.
  Ikev2SaKeys wrong = k;
  wrong.sk_ar = pattern(32, 0x45);
  ASSERT_TRUE(keys->add(wrong).ok());
  out = tshark_verbose(keys->folder(), capture);
  EXPECT_EQ(count_of(out.output, "[correct]"), 1u) << out.output;
  EXPECT_NE(out.output.find("[incorrect"), std::string::npos) << out.output;
}

// RFC 4303 §2: SPI | sequence | IV | ciphertext(payload | padding | pad length | next header) | ICV
Bytes esp_packet(uint32_t spi, uint32_t seq, ByteView key, ByteView auth_key, ByteView iv,
                 ByteView inner_packet) {
  size_t pad = (16 - (inner_packet.size() + 2) % 16) % 16;
  wire::Writer plain;
  plain.bytes(inner_packet);
  for (size_t i = 1; i <= pad; ++i) plain.u8(static_cast<uint8_t>(i));  // RFC 4303 §2.4
  plain.u8(static_cast<uint8_t>(pad));
  plain.u8(4);  // next header: IPv4 (tunnel mode)
  Bytes ciphertext = cbc_encrypt(EVP_aes_128_cbc(), key, iv, *std::move(plain).finish());
  wire::Writer w;
  w.u32(spi);
  w.u32(seq);
  w.bytes(iv);
  w.bytes(ciphertext);
  Bytes icv = hmac_truncated(EVP_sha256(), auth_key, w.data(), 16);
  w.bytes(icv);
  return *std::move(w).finish();
}

TEST(Tshark, DecryptsUdpEncapsulatedEspWithTheSaTable) {
  REQUIRE_TSHARK();
  TempDir dir;
  EspSaKeys sa;
  sa.src = *IpAddress::parse("192.0.2.1");
  sa.dst = *IpAddress::parse("192.0.2.2");
  sa.spi = 0xc1a5e001;
  sa.encr = v2::EncrId::AES_CBC;
  sa.encr_key = pattern(16, 0x70);
  sa.integ = v2::IntegId::HMAC_SHA2_256_128;
  sa.integ_key = pattern(32, 0x80);

  Bytes inner_udp = *build_udp(ep("10.1.0.10", 40000), ep("10.2.0.10", 7), to_bytes("hello through the tunnel"));
  Bytes inner = *build_ip_packet(*IpAddress::parse("10.1.0.10"), *IpAddress::parse("10.2.0.10"),
                                 kIpProtoUdp, inner_udp, 77);
  std::string capture = dir.file("capture.pcap");
  {
    auto writer = PcapWriter::open(capture);
    ASSERT_TRUE(writer.ok());
    for (uint32_t seq = 1; seq <= 2; ++seq) {
      Bytes esp = esp_packet(sa.spi, seq, sa.encr_key, sa.integ_key, pattern(16, static_cast<uint8_t>(seq)), inner);
      // RFC 3948 §2.1: ESP in UDP on 4500 (no non-ESP marker; the SPI is non-zero).
      ASSERT_TRUE(writer->write(seconds(seq), ep("192.0.2.1", 4500), ep("192.0.2.2", 4500), esp).ok());
    }
  }
  auto keys = KeyTables::create(dir.file("keys"));
  ASSERT_TRUE(keys.ok());
  ASSERT_TRUE(keys->add(sa).ok());
  auto out = tshark_verbose(keys->folder(), capture);
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(out.output.find("Error loading table"), std::string::npos) << out.output;
  EXPECT_EQ(count_of(out.output, "UDP Encapsulation of IPsec Packets"), 2u) << out.output;
  EXPECT_EQ(count_of(out.output, "Src: 10.1.0.10, Dst: 10.2.0.10"), 2u) << out.output;
  EXPECT_NE(out.output.find("Destination Port: 7"), std::string::npos) << out.output;
  EXPECT_EQ(count_of(out.output, "[correct]"), 2u) << out.output;
  EXPECT_EQ(out.output.find("[incorrect"), std::string::npos);
}

// IKEv1 Main Mode (RFC 2409 §5, RFC 2408 §3): Wireshark learns the cipher and hash from the SA
// payload, g^xi and g^xr from the KE payloads, and derives the first IV of phase 1 as
// hash(g^xi | g^xr) (RFC 2409 Appendix B); with Ka from its table it decrypts message 5.
Bytes isakmp_header(uint64_t ci, uint64_t cr, uint8_t next, uint8_t flags, ByteView body) {
  wire::Writer w;
  w.u64(ci);
  w.u64(cr);
  w.u8(next);
  w.u8(0x10);  // version 1.0
  w.u8(2);     // Identity Protection (Main Mode)
  w.u8(flags);
  w.u32(0);    // message ID 0 in phase 1
  w.u32(static_cast<uint32_t>(28 + body.size()));
  w.bytes(body);
  return *std::move(w).finish();
}

Bytes generic(uint8_t next, ByteView body) {
  wire::Writer w;
  w.u8(next);
  w.u8(0);
  w.u16(static_cast<uint16_t>(4 + body.size()));
  w.bytes(body);
  return *std::move(w).finish();
}

// SA (DOI IPsec, SIT_IDENTITY_ONLY) with one proposal and one KEY_IKE transform:
// AES-CBC-128, SHA-1, pre-shared key, MODP 2048.
Bytes isakmp_sa() {
  wire::Writer t;
  t.u8(1);  // transform #1
  t.u8(1);  // KEY_IKE
  t.u16(0);
  for (auto [type, value] : {std::pair<uint16_t, uint16_t>{1, 7}, {14, 128}, {2, 2}, {3, 1}, {4, 14}}) {
    t.u16(static_cast<uint16_t>(0x8000 | type));  // TV format
    t.u16(value);
  }
  Bytes transform = generic(0, *std::move(t).finish());
  wire::Writer p;
  p.u8(1);  // proposal #1
  p.u8(1);  // PROTO_ISAKMP
  p.u8(0);  // SPI size
  p.u8(1);  // one transform
  p.bytes(transform);
  Bytes proposal = generic(0, *std::move(p).finish());
  wire::Writer sa;
  sa.u32(1);  // DOI IPsec
  sa.u32(1);  // SIT_IDENTITY_ONLY
  sa.bytes(proposal);
  return *std::move(sa).finish();
}

TEST(Tshark, DecryptsIkev1MainModeWithTheKeyTable) {
  REQUIRE_TSHARK();
  TempDir dir;
  uint64_t ci = 0x1122334455667788, cr = 0x99aabbccddeeff00;
  Bytes gxi = pattern(256, 0x01), gxr = pattern(256, 0x02);
  Bytes ni = pattern(16, 0x03), nr = pattern(16, 0x04);
  Bytes ka = pattern(16, 0x05);

  Bytes mm1 = isakmp_header(ci, 0, 1, 0, generic(0, isakmp_sa()));
  Bytes mm2 = isakmp_header(ci, cr, 1, 0, generic(0, isakmp_sa()));
  Bytes mm3 = isakmp_header(ci, cr, 4, 0, concat({generic(10, gxi), generic(0, ni)}));
  Bytes mm4 = isakmp_header(ci, cr, 4, 0, concat({generic(10, gxr), generic(0, nr)}));
  // Message 5: ID (IPv4 192.0.2.1, protocol 17, port 500) and HASH_I, encrypted.
  Bytes id = generic(8, hex("01 11 01f4 c0000201"));
  Bytes hash = generic(0, pattern(20, 0x06));
  Bytes plain = concat({id, hash});
  plain.resize((plain.size() + 15) / 16 * 16, 0);  // RFC 2409 §5.3: pad to the block size
  unsigned char digest[SHA_DIGEST_LENGTH];
  Bytes ivsrc = concat({gxi, gxr});
  SHA1(ivsrc.data(), ivsrc.size(), digest);
  Bytes iv(digest, digest + 16);
  Bytes mm5 = isakmp_header(ci, cr, 5, 0x01, cbc_encrypt(EVP_aes_128_cbc(), ka, iv, plain));

  std::string capture = dir.file("capture.pcap");
  {
    auto writer = PcapWriter::open(capture);
    ASSERT_TRUE(writer.ok());
    Endpoint i = ep("192.0.2.1", 500), r = ep("192.0.2.2", 500);
    int n = 0;
    for (const Bytes* m : {&mm1, &mm2, &mm3, &mm4, &mm5}) {
      bool from_i = n % 2 == 0;
      ASSERT_TRUE(writer->write(seconds(n * 0.01), from_i ? i : r, from_i ? r : i, *m).ok());
      ++n;
    }
  }
  auto keys = KeyTables::create(dir.file("keys"));
  ASSERT_TRUE(keys.ok());
  Ikev1SaKeys v1;
  v1.cookie_i = ci;
  v1.ka = ka;
  v1.encr = v1::OakleyEncryption::AES_CBC;
  v1.encr_key_bits = 128;
  v1.hash = v1::OakleyHash::SHA;
  ASSERT_TRUE(keys->add(v1).ok());

  auto out = tshark_verbose(keys->folder(), capture, "-Y isakmp.flags==0x01");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(out.output.find("Error loading table"), std::string::npos) << out.output;
  // Wireshark shows the decrypted payloads in place of the ciphertext.
  EXPECT_NE(out.output.find("Encrypted Data (48 bytes)"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("Payload: Identification (5)"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("ID type: IPV4_ADDR (1)"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("ID_IPV4_ADDR: 192.0.2.1"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("Hash DATA: 060d141b222930373e454c535a61686f767d848b"), std::string::npos)
      << out.output;

  // With another Ka the same message is noise.
  v1.ka = pattern(16, 0x07);
  ASSERT_TRUE(keys->add(v1).ok());
  out = tshark_verbose(keys->folder(), capture, "-Y isakmp.flags==0x01");
  EXPECT_EQ(out.output.find("ID_IPV4_ADDR: 192.0.2.1"), std::string::npos) << out.output;
}

TEST(Tshark, AcceptsAllTablesTogether) {
  REQUIRE_TSHARK();
  TempDir dir;
  auto keys = KeyTables::create(dir.file("keys"));
  ASSERT_TRUE(keys.ok());
  // One entry per algorithm family Wireshark supports, to catch any string it would reject.
  uint64_t spi = 1;
  for (auto [encr, bytes] : std::initializer_list<std::pair<v2::EncrId, size_t>>{
           {v2::EncrId::AES_CBC, 16}, {v2::EncrId::AES_CBC, 24}, {v2::EncrId::AES_CBC, 32},
           {v2::EncrId::TripleDES, 24}, {v2::EncrId::Null, 0}, {v2::EncrId::AES_CTR, 20},
           {v2::EncrId::AES_CTR, 28}, {v2::EncrId::AES_CTR, 36}, {v2::EncrId::AES_GCM_8, 20},
           {v2::EncrId::AES_GCM_12, 28}, {v2::EncrId::AES_GCM_16, 36}, {v2::EncrId::AES_CCM_8, 19},
           {v2::EncrId::AES_CCM_12, 27}, {v2::EncrId::AES_CCM_16, 35}}) {
    for (auto integ : {v2::IntegId::HMAC_MD5_96, v2::IntegId::HMAC_SHA1_96, v2::IntegId::HMAC_MD5_128,
                       v2::IntegId::HMAC_SHA1_160, v2::IntegId::HMAC_SHA2_256_128,
                       v2::IntegId::HMAC_SHA2_384_192, v2::IntegId::HMAC_SHA2_512_256,
                       v2::IntegId::AES_XCBC_96, v2::IntegId::AES_128_GMAC, v2::IntegId::None}) {
      Ikev2SaKeys k;
      k.spi_i = spi++;
      k.spi_r = spi;
      k.encr = encr;
      k.sk_ei = k.sk_er = pattern(bytes, 1);
      k.integ = integ;
      size_t ikey = wireshark_ikev2_integ(integ)->key_bytes;
      k.sk_ai = k.sk_ar = pattern(ikey, 2);
      ASSERT_TRUE(keys->add(k).ok()) << v2::to_string(encr) << " " << v2::to_string(integ);
    }
  }
  uint32_t esp_spi = 0x100;
  for (auto [encr, bytes] : std::initializer_list<std::pair<v2::EncrId, size_t>>{
           {v2::EncrId::AES_CBC, 16}, {v2::EncrId::AES_CBC, 32}, {v2::EncrId::AES_CTR, 20},
           {v2::EncrId::AES_GCM_16, 20}, {v2::EncrId::AES_GCM_12, 36}, {v2::EncrId::AES_GCM_8, 28},
           {v2::EncrId::TripleDES, 24}, {v2::EncrId::DES, 8}, {v2::EncrId::CAST, 16},
           {v2::EncrId::BLOWFISH, 16}, {v2::EncrId::Null, 0}}) {
    for (auto integ : {v2::IntegId::HMAC_MD5_96, v2::IntegId::HMAC_SHA1_96, v2::IntegId::HMAC_SHA2_256_128,
                       v2::IntegId::HMAC_SHA2_384_192, v2::IntegId::HMAC_SHA2_512_256,
                       v2::IntegId::AES_XCBC_96, v2::IntegId::AES_128_GMAC, v2::IntegId::None}) {
      for (const char* v : {"192.0.2.1", "2001:db8::1"}) {
        EspSaKeys sa;
        sa.src = *IpAddress::parse(v);
        sa.dst = *IpAddress::parse(std::string(v) == "192.0.2.1" ? "192.0.2.2" : "2001:db8::2");
        sa.spi = esp_spi++;
        sa.encr = encr;
        sa.encr_key = pattern(bytes, 3);
        sa.integ = integ;
        sa.integ_key = pattern(wireshark_esp_auth(integ)->key_bytes, 4);
        ASSERT_TRUE(keys->add(sa).ok()) << v2::to_string(encr) << " " << v2::to_string(integ);
      }
    }
  }
  Ikev1SaKeys v1;
  v1.cookie_i = 0x42;
  v1.ka = pattern(32, 5);
  ASSERT_TRUE(keys->add(v1).ok());

  std::string capture = dir.file("empty.pcap");
  ASSERT_TRUE(PcapWriter::open(capture).ok());
  auto out = tshark_verbose(keys->folder(), capture);
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(out.output.find("Error"), std::string::npos) << out.output;
  EXPECT_EQ(out.output.find("WARNING"), std::string::npos) << out.output;
  EXPECT_GT(keys->ikev2_entries(), 100u);
}

}  // namespace
}  // namespace ikesuite::pcap
