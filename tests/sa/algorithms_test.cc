#include "engine/sa/algorithms.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "engine/sa/kernel_error.h"
#include "tests/sa/test_specs.h"

namespace ikesuite::sa {
namespace {

using testing::esp_in;

TEST(SaKernelNames, CiphersMapToTheKernelsXfrmNames) {
  struct Row {
    v2::EncrId id;
    const char* name;
    bool aead;
    uint32_t icv;
  };
  for (const Row& r : {Row{v2::EncrId::AES_CBC, "cbc(aes)", false, 0},
                       Row{v2::EncrId::AES_CTR, "rfc3686(ctr(aes))", false, 0},
                       Row{v2::EncrId::TripleDES, "cbc(des3_ede)", false, 0},
                       Row{v2::EncrId::Null, "ecb(cipher_null)", false, 0},
                       Row{v2::EncrId::AES_GCM_8, "rfc4106(gcm(aes))", true, 64},
                       Row{v2::EncrId::AES_GCM_12, "rfc4106(gcm(aes))", true, 96},
                       Row{v2::EncrId::AES_GCM_16, "rfc4106(gcm(aes))", true, 128},
                       Row{v2::EncrId::AES_CCM_8, "rfc4309(ccm(aes))", true, 64},
                       Row{v2::EncrId::NULL_AUTH_AES_GMAC, "rfc4543(gcm(aes))", true, 128},
                       Row{v2::EncrId::CHACHA20_POLY1305, "rfc7539esp(chacha20,poly1305)", true, 128},
                       Row{v2::EncrId::CAMELLIA_CBC, "cbc(camellia)", false, 0}}) {
    auto info = encr_info(r.id);
    ASSERT_TRUE(info) << v2::to_string(r.id);
    EXPECT_EQ(info->kernel_name, r.name);
    EXPECT_EQ(info->aead, r.aead);
    EXPECT_EQ(info->icv_bits, r.icv);
    EXPECT_EQ(encr_from_kernel(r.name, r.icv), r.id);
  }
  for (auto id : {v2::EncrId::DES_IV64, v2::EncrId::RC5, v2::EncrId::IDEA,
                  v2::EncrId::CAMELLIA_CCM_8})
    EXPECT_FALSE(encr_info(id)) << v2::to_string(id);
  EXPECT_FALSE(encr_from_kernel("cbc(serpent)", 0));
  EXPECT_FALSE(encr_from_kernel("rfc4106(gcm(aes))", 32));
}

TEST(SaKernelNames, IntegrityMapsWithTruncation) {
  struct Row {
    v2::IntegId id;
    const char* name;
    uint32_t trunc;
    uint32_t key;
  };
  for (const Row& r : {Row{v2::IntegId::HMAC_MD5_96, "hmac(md5)", 96, 16},
                       Row{v2::IntegId::HMAC_MD5_128, "hmac(md5)", 128, 16},
                       Row{v2::IntegId::HMAC_SHA1_96, "hmac(sha1)", 96, 20},
                       Row{v2::IntegId::HMAC_SHA1_160, "hmac(sha1)", 160, 20},
                       Row{v2::IntegId::AES_XCBC_96, "xcbc(aes)", 96, 16},
                       Row{v2::IntegId::AES_CMAC_96, "cmac(aes)", 96, 16},
                       Row{v2::IntegId::HMAC_SHA2_256_128, "hmac(sha256)", 128, 32},
                       Row{v2::IntegId::HMAC_SHA2_384_192, "hmac(sha384)", 192, 48},
                       Row{v2::IntegId::HMAC_SHA2_512_256, "hmac(sha512)", 256, 64}}) {
    auto info = integ_info(r.id);
    ASSERT_TRUE(info) << v2::to_string(r.id);
    EXPECT_EQ(info->kernel_name, r.name);
    EXPECT_EQ(info->trunc_bits, r.trunc);
    EXPECT_EQ(info->key_bytes, r.key);
    EXPECT_EQ(integ_from_kernel(r.name, r.trunc), r.id);
  }
  EXPECT_FALSE(integ_info(v2::IntegId::AES_128_GMAC));
  EXPECT_FALSE(integ_info(v2::IntegId::None));
  EXPECT_FALSE(integ_from_kernel("hmac(sha256)", 96));
}

TEST(SaKernelAlgorithms, EspCbcWithHmac) {
  auto algs = kernel_algorithms(esp_in(1));
  ASSERT_TRUE(algs.ok());
  ASSERT_TRUE(algs->crypt);
  EXPECT_EQ(algs->crypt->name, "cbc(aes)");
  EXPECT_EQ(algs->crypt->key.size(), 16u);
  ASSERT_TRUE(algs->auth);
  EXPECT_EQ(algs->auth->name, "hmac(sha256)");
  EXPECT_EQ(algs->auth->trunc_bits, 128u);
  EXPECT_FALSE(algs->aead);
}

TEST(SaKernelAlgorithms, AeadAloneAndAhIntegrityAlone) {
  SaSpec gcm = esp_in(1);
  gcm.encr = v2::EncrId::AES_GCM_16;
  gcm.integ = v2::IntegId::None;
  auto a = kernel_algorithms(gcm);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->aead);
  EXPECT_EQ(a->aead->icv_bits, 128u);
  EXPECT_FALSE(a->crypt);
  EXPECT_FALSE(a->auth);

  SaSpec ah = esp_in(1);
  ah.key.protocol = Protocol::AH;
  ah.encr_key.clear();
  auto b = kernel_algorithms(ah);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->auth);
  EXPECT_FALSE(b->crypt);
  EXPECT_FALSE(b->aead);
}

TEST(SaKernelAlgorithms, RefusalsCarryErrno) {
  SaSpec s = esp_in(1);
  s.integ = v2::IntegId::DES_MAC;
  auto r = kernel_algorithms(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sys_errno(), ENOSYS);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnsupported);

  s = esp_in(1);
  s.encr = v2::EncrId::CHACHA20_POLY1305;
  r = kernel_algorithms(s);  // AEAD plus HMAC
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sys_errno(), EINVAL);

  s = esp_in(1);
  s.key.protocol = Protocol::AH;  // AES key left in: AH has no cipher
  r = kernel_algorithms(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sys_errno(), EINVAL);
}

TEST(SaKeyLengths, SaltAndKeySizes) {
  SaSpec s = esp_in(1);
  s.integ = v2::IntegId::None;
  s.integ_key.clear();
  struct Row {
    v2::EncrId id;
    size_t len;
    bool ok;
  };
  for (const Row& r : {Row{v2::EncrId::AES_CBC, 16, true}, Row{v2::EncrId::AES_CBC, 24, true},
                       Row{v2::EncrId::AES_CBC, 32, true}, Row{v2::EncrId::AES_CBC, 20, false},
                       Row{v2::EncrId::AES_CBC, 0, false}, Row{v2::EncrId::AES_CTR, 20, true},
                       Row{v2::EncrId::AES_CTR, 16, false}, Row{v2::EncrId::AES_CCM_8, 19, true},
                       Row{v2::EncrId::AES_CCM_8, 20, false}, Row{v2::EncrId::AES_GCM_16, 36, true},
                       Row{v2::EncrId::CHACHA20_POLY1305, 36, true},
                       Row{v2::EncrId::CHACHA20_POLY1305, 32, false},
                       Row{v2::EncrId::TripleDES, 24, true}, Row{v2::EncrId::TripleDES, 16, false},
                       Row{v2::EncrId::Null, 0, true}, Row{v2::EncrId::Null, 1, false},
                       Row{v2::EncrId::BLOWFISH, 7, true}, Row{v2::EncrId::BLOWFISH, 57, false}}) {
    s.encr = r.id;
    s.encr_key.assign(r.len, 0);
    auto st = check_key_lengths(s);
    EXPECT_EQ(st.ok(), r.ok) << v2::to_string(r.id) << " with " << r.len << " bytes";
    if (!st.ok()) {
      EXPECT_EQ(st.error().sys_errno(), EINVAL);
    }
  }
}

TEST(SaKernelError, MessageShape) {
  // moon's inbound SA from sun, as in the interop notes' strongSwan log.
  SaSpec s = esp_in(0xc14f1c0a);
  auto e = kernel_error(describe_add_sa(s), EPROTONOSUPPORT);
  EXPECT_EQ(e.reason(),
            "add SA ESP 0xc14f1c0a 192.168.0.2 => 192.168.0.1: Protocol not supported (errno 93)");
  EXPECT_EQ(e.sys_errno(), 93);
  EXPECT_EQ(e.code(), ErrorCode::kSystem);
  EXPECT_EQ(e.message(),
            "system error: add SA ESP 0xc14f1c0a 192.168.0.2 => 192.168.0.1: Protocol not "
            "supported (errno 93)");

  auto with_detail = kernel_error("x", EINVAL, "Requested type not found");
  EXPECT_EQ(with_detail.reason(), "x: Invalid argument (errno 22) [Requested type not found]");
  EXPECT_EQ(kernel_error("x", ESRCH).code(), ErrorCode::kNotFound);
  EXPECT_EQ(kernel_error("x", ENOENT).code(), ErrorCode::kNotFound);
  EXPECT_EQ(kernel_error("x", EEXIST).code(), ErrorCode::kSystem);
  EXPECT_EQ(errno_text(4242), "Unknown error 4242");
}

TEST(SaKernelError, Describe) {
  EXPECT_EQ(describe_alloc_spi(Protocol::AH, testing::sun(), testing::moon()),
            "allocate SPI AH 192.168.0.2 => 192.168.0.1");
  EXPECT_EQ(describe_sa(Operation::DeleteSa, SaKey{Protocol::ESP, 0xcb131d54, testing::moon()}),
            "delete SA ESP 0xcb131d54 dst 192.168.0.1");
  EXPECT_EQ(describe_policy(Operation::AddPolicy, testing::net2net(), Direction::Fwd),
            "add policy 10.1.0.0/16 === 10.2.0.0/16 fwd");
}

TEST(SaNames, EnumsAndSelectors) {
  EXPECT_EQ(name(Protocol::ESP), "ESP");
  EXPECT_EQ(name(Protocol::AH), "AH");
  EXPECT_EQ(name(Mode::Tunnel), "TUNNEL");
  EXPECT_EQ(name(Mode::Transport), "TRANSPORT");
  EXPECT_EQ(name(Direction::Fwd), "fwd");
  EXPECT_EQ(name(Operation::AllocSpi), "alloc-spi");
  EXPECT_EQ(name(Operation::DeletePolicy), "delete-policy");
  EXPECT_EQ(name(PolicyAction::Drop), "drop");
  EXPECT_EQ(testing::net2net().to_string(), "10.1.0.0/16 === 10.2.0.0/16");
  Selector web{testing::moon_net(), *Subnet::parse("10.2.0.10/32"), 6, 0, 80};
  EXPECT_EQ(web.to_string(), "10.1.0.0/16[tcp] === 10.2.0.10/32[tcp/80]");
  Selector odd{testing::moon_net(), testing::sun_net(), 47, 0, 0};
  EXPECT_EQ(odd.to_string(), "10.1.0.0/16[47] === 10.2.0.0/16[47]");
}

}  // namespace
}  // namespace ikesuite::sa
