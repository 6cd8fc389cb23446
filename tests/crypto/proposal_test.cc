// strongSwan proposal strings: every keyword, strongSwan 5.9's completion and rejection rules,
// clear errors, the charon log form, selection, the algorithm sets of selected proposals, and
// the IKEv1 phase-1/phase-2 transforms.
#include "engine/crypto/proposal.h"

#include <gtest/gtest.h>

#include "engine/crypto/algorithms.h"
#include "tests/crypto/test_util.h"

namespace ikesuite::crypto {
namespace {

using testing::must;

std::string ike(std::string_view s) {
  return to_string(must(parse_proposals(v2::ProtocolId::IKE, s)));
}
std::string esp(std::string_view s) {
  return to_string(must(parse_proposals(v2::ProtocolId::ESP, s)));
}
std::string ah(std::string_view s) {
  return to_string(must(parse_proposals(v2::ProtocolId::AH, s)));
}

Error ike_error(std::string_view s) {
  auto r = parse_proposals(v2::ProtocolId::IKE, s);
  if (r.ok()) throw std::runtime_error("parsed: " + std::string(s));
  return r.error();
}

TEST(Proposal, IkeProposalsAsCharonLogsThem) {
  EXPECT_EQ(ike("aes256-sha256-modp2048"),
            "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048");
  EXPECT_EQ(ike("aes128gcm16-prfsha256-x25519"),
            "IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519");
  EXPECT_EQ(ike("chacha20poly1305-prfsha256-ecp256"),
            "IKE:CHACHA20_POLY1305/PRF_HMAC_SHA2_256/ECP_256");
  EXPECT_EQ(ike("3des-sha1-modp1024"), "IKE:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024");
  EXPECT_EQ(
      ike("aes128-aes256-sha256-sha1-ecp384-modp3072"),
      "IKE:AES_CBC_128/AES_CBC_256/HMAC_SHA2_256_128/HMAC_SHA1_96/PRF_HMAC_SHA2_256/PRF_HMAC_SHA1/"
      "ECP_384/MODP_3072");
  EXPECT_EQ(ike("aes128ctr-aesxcbc-modp2048"),
            "IKE:AES_CTR_128/AES_XCBC_96/PRF_AES128_XCBC/MODP_2048");
  EXPECT_EQ(ike("aes-aescmac-prfsha384-curve448"),
            "IKE:AES_CBC_128/AES_CMAC_96/PRF_HMAC_SHA2_384/CURVE_448");
  EXPECT_EQ(ike("AES256-SHA512-ECP521"),
            "IKE:AES_CBC_256/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/ECP_521");
  EXPECT_EQ(ike("aes128-sha256-modp2048, aes256gcm16-prfsha384-ecp384"),
            "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048, "
            "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384");
}

TEST(Proposal, WireLayoutOfAnIkeProposal) {
  auto props = must(
      parse_proposals(v2::ProtocolId::IKE, "aes256-sha256-modp2048,aes128gcm16-prfsha256-x25519"));
  ASSERT_EQ(props.size(), 2u);
  const v2::Proposal& p = props[0];
  EXPECT_EQ(p.number, 1);
  EXPECT_EQ(props[1].number, 2);
  EXPECT_EQ(p.protocol, v2::ProtocolId::IKE);
  EXPECT_TRUE(p.spi.empty());
  ASSERT_EQ(p.transforms.size(), 4u);  // ENCR, PRF, INTEG, DH in type order
  EXPECT_EQ(p.transforms[0].type, v2::TransformType::ENCR);
  EXPECT_EQ(p.transforms[0].id, 12);
  EXPECT_EQ(p.transforms[0].key_length(), 256);
  EXPECT_EQ(p.transforms[1].type, v2::TransformType::PRF);
  EXPECT_EQ(p.transforms[1].id, 5);
  EXPECT_EQ(p.transforms[2].type, v2::TransformType::INTEG);
  EXPECT_EQ(p.transforms[2].id, 12);
  EXPECT_FALSE(p.transforms[2].key_length().has_value());
  EXPECT_EQ(p.transforms[3].type, v2::TransformType::DH);
  EXPECT_EQ(p.transforms[3].id, 14);
  // AEAD: no INTEG transform at all (RFC 5282 §8).
  for (const auto& t : props[1].transforms) EXPECT_NE(t.type, v2::TransformType::INTEG);
}

TEST(Proposal, StrongSwan59RulesForIke) {
  // An AEAD proposal without a PRF is refused: no integrity algorithm to derive it from.
  Error aead = ike_error("aes256gcm16-x25519");
  EXPECT_EQ(aead.code(), ErrorCode::kConfig);
  EXPECT_NE(aead.reason().find("a PRF algorithm is mandatory in IKE proposals"), std::string::npos);
  EXPECT_NE(aead.reason().find("aes256gcm16-x25519"), std::string::npos);
  EXPECT_NE(ike_error("aes128-sha256").reason().find("a DH group is mandatory"), std::string::npos);
  EXPECT_NE(ike_error("aes128-sha256-modpnone").reason().find("a DH group is mandatory"),
            std::string::npos);
  EXPECT_NE(
      ike_error("aes128-prfsha256-modp2048").reason().find("integrity algorithm is mandatory"),
      std::string::npos);
  EXPECT_NE(ike_error("sha256-modp2048").reason().find("encryption algorithm is mandatory"),
            std::string::npos);
  EXPECT_NE(ike_error("aes128-aes128gcm16-sha256-modp2048").reason().find("can't be contained"),
            std::string::npos);
  EXPECT_NE(ike_error("null-sha256-modp2048").reason().find("cannot protect IKE"),
            std::string::npos);
  // Integrity keywords with an AEAD are dropped, the PRF they implied stays.
  EXPECT_EQ(ike("aes128gcm16-sha256-modp2048"), "IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/MODP_2048");
  // An explicit PRF wins over the integrity-derived one.
  EXPECT_EQ(ike("aes128-sha1-prfsha512-modp2048"),
            "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA2_512/MODP_2048");
}

TEST(Proposal, EspAndAhProposals) {
  EXPECT_EQ(esp("aes128-sha256"), "ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ");
  EXPECT_EQ(esp("aes128gcm16"), "ESP:AES_GCM_16_128/NO_EXT_SEQ");
  EXPECT_EQ(esp("aes128-sha256-modp2048"),
            "ESP:AES_CBC_128/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ");
  EXPECT_EQ(esp("aes256-sha512-esn"), "ESP:AES_CBC_256/HMAC_SHA2_512_256/EXT_SEQ");
  EXPECT_EQ(esp("aes256-sha512-esn-noesn"), "ESP:AES_CBC_256/HMAC_SHA2_512_256/EXT_SEQ/NO_EXT_SEQ");
  EXPECT_EQ(esp("aes128ctr-sha1"), "ESP:AES_CTR_128/HMAC_SHA1_96/NO_EXT_SEQ");
  EXPECT_EQ(esp("null-sha256"), "ESP:NULL/HMAC_SHA2_256_128/NO_EXT_SEQ");
  EXPECT_EQ(esp("aes128gmac"), "ESP:NULL_AES_GMAC_128/NO_EXT_SEQ");
  EXPECT_EQ(esp("aes128-sha256-prfsha256"),
            "ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ");  // PRF dropped
  EXPECT_EQ(esp("aes128-sha256-modp2048-modpnone"),
            "ESP:AES_CBC_128/HMAC_SHA2_256_128/MODP_2048/MODP_NONE/NO_EXT_SEQ");  // optional PFS
  EXPECT_EQ(esp("aes128"), "ESP:AES_CBC_128/NO_EXT_SEQ");  // integrity is optional for ESP
  EXPECT_EQ(ah("sha256-sha1"), "AH:HMAC_SHA2_256_128/HMAC_SHA1_96/NO_EXT_SEQ");
  EXPECT_EQ(ah("aes256gmac"), "AH:AES_256_GMAC/NO_EXT_SEQ");
  EXPECT_FALSE(parse_proposals(v2::ProtocolId::AH, "aes128").ok());
  EXPECT_FALSE(parse_proposals(v2::ProtocolId::None, "aes128").ok());
}

TEST(Proposal, EveryKeywordParses) {
  const char* encr[] = {"null",
                        "des",
                        "3des",
                        "aes",
                        "aes128",
                        "aes192",
                        "aes256",
                        "aes128ctr",
                        "aes192ctr",
                        "aes256ctr",
                        "aes128ccm8",
                        "aes128ccm64",
                        "aes128ccm12",
                        "aes128ccm96",
                        "aes128ccm16",
                        "aes128ccm128",
                        "aes128ccm",
                        "aes192ccm8",
                        "aes256ccm16",
                        "aes128gcm8",
                        "aes128gcm64",
                        "aes128gcm12",
                        "aes128gcm96",
                        "aes128gcm16",
                        "aes128gcm128",
                        "aes128gcm",
                        "aes192gcm16",
                        "aes256gcm12",
                        "aes128gmac",
                        "aes192gmac",
                        "aes256gmac",
                        "chacha20poly1305",
                        "chacha20poly1305compat",
                        "blowfish",
                        "blowfish128",
                        "blowfish192",
                        "blowfish256",
                        "camellia",
                        "camellia128",
                        "camellia192",
                        "camellia256",
                        "camellia128ctr",
                        "camellia256ctr",
                        "camellia128ccm8",
                        "camellia192ccm12",
                        "camellia256ccm16",
                        "camellia128ccm128",
                        "cast128"};
  for (const char* e : encr)
    EXPECT_TRUE(parse_proposals(v2::ProtocolId::ESP, std::string(e) + "-sha256").ok() ||
                parse_proposals(v2::ProtocolId::ESP, e).ok())
        << e;
  const char* integ[] = {"sha",     "sha1",     "sha1_160", "sha256",   "sha2_256",
                         "sha384",  "sha2_384", "sha512",   "sha2_512", "md5",
                         "md5_128", "aesxcbc",  "aescmac"};
  for (const char* i : integ)
    EXPECT_TRUE(parse_proposals(v2::ProtocolId::IKE, std::string("aes-") + i + "-modp2048").ok())
        << i;
  const char* prf[] = {"prfsha1", "prfsha256",  "prfsha384", "prfsha512",
                       "prfmd5",  "prfaesxcbc", "prfaescmac"};
  for (const char* f : prf)
    EXPECT_TRUE(
        parse_proposals(v2::ProtocolId::IKE, std::string("aes128gcm16-") + f + "-ecp256").ok())
        << f;
  const char* dh[] = {"modp768",      "modp1024", "modp1536", "modp2048",     "modp3072",
                      "modp4096",     "modp6144", "modp8192", "ecp192",       "ecp224",
                      "ecp256",       "ecp384",   "ecp521",   "modp1024s160", "modp2048s224",
                      "modp2048s256", "ecp224bp", "ecp256bp", "ecp384bp",     "ecp512bp",
                      "curve25519",   "x25519",   "curve448", "x448"};
  for (const char* g : dh)
    EXPECT_TRUE(parse_proposals(v2::ProtocolId::IKE, std::string("aes-sha1-") + g).ok()) << g;
  // Keyword details: the ICV aliases, "aes" = AES-128, the compat ChaCha20 key length.
  EXPECT_EQ(esp("aes192ccm64"), "ESP:AES_CCM_8_192/NO_EXT_SEQ");
  EXPECT_EQ(esp("aes256gcm"), "ESP:AES_GCM_16_256/NO_EXT_SEQ");
  EXPECT_EQ(esp("camellia128ccm96"), "ESP:CAMELLIA_CCM_12_128/NO_EXT_SEQ");
  EXPECT_EQ(esp("chacha20poly1305compat"), "ESP:CHACHA20_POLY1305_256/NO_EXT_SEQ");
  EXPECT_EQ(ike("aes-sha1-modp1024s160"),
            "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024_160");
  EXPECT_EQ(ike("aes-sha1-ecp512bp"), "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/ECP_512_BP");
  EXPECT_EQ(ike("aes-md5_128-modp768"), "IKE:AES_CBC_128/HMAC_MD5_128/PRF_HMAC_MD5/MODP_768");
}

TEST(Proposal, ErrorsNameTheBadKeyword) {
  Error unknown = ike_error("aes256-sha257-modp2048");
  EXPECT_EQ(unknown.code(), ErrorCode::kConfig);
  EXPECT_NE(unknown.reason().find("algorithm 'sha257' not recognized"), std::string::npos)
      << unknown.reason();
  EXPECT_NE(unknown.reason().find("aes256-sha257-modp2048"), std::string::npos);
  Error priv = ike_error("serpent-sha256-modp2048");
  EXPECT_NE(priv.reason().find("'serpent' is a strongSwan private-use algorithm"),
            std::string::npos);
  EXPECT_NE(ike_error("aes128-sha256_96-modp2048").reason().find("'sha256_96'"), std::string::npos);
  EXPECT_NE(ike_error("aes128--sha256-modp2048").reason().find("empty algorithm"),
            std::string::npos);
  EXPECT_NE(ike_error("aes128-sha256-modp2048,").reason().find("empty proposal"),
            std::string::npos);
  EXPECT_NE(ike_error("").reason().find("empty proposal"), std::string::npos);
  for (const char* bad :
       {"aes512-sha1-modp2048", "aesctr-sha1-modp2048", "camelliaccm16-sha1-modp2048",
        "aes128gcm7-prfsha1-modp2048", "camellia128gcm16-prfsha1-modp2048", "aes128-sha1-ntru128",
        "aes128-sha1-modp2047", "aes128-sha1_96-modp2048"})
    EXPECT_FALSE(parse_proposals(v2::ProtocolId::IKE, bad).ok()) << bad;
}

TEST(Proposal, SelectionFollowsThePreferredSide) {
  auto ours =
      must(parse_proposals(v2::ProtocolId::IKE, "aes256-sha384-ecp384, aes128-sha256-modp2048"));
  auto theirs =
      must(parse_proposals(v2::ProtocolId::IKE, "aes128-aes256-sha256-sha384-modp2048-ecp384"));
  theirs[0].spi = {1, 2, 3, 4, 5, 6, 7, 8};
  auto sel = select_proposal(ours, theirs);
  ASSERT_TRUE(sel.has_value());
  EXPECT_EQ(to_string(*sel), "IKE:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_384");
  EXPECT_EQ(sel->number, 1);
  EXPECT_EQ(sel->spi, theirs[0].spi);  // the peer's proposal number and SPI
  auto peer_first = select_proposal(ours, theirs, true);
  ASSERT_TRUE(peer_first.has_value());
  EXPECT_EQ(to_string(*peer_first), "IKE:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_384");
  // Key lengths must agree.
  auto aes192 = must(parse_proposals(v2::ProtocolId::IKE, "aes192-sha384-ecp384"));
  EXPECT_FALSE(select_proposal(ours, aes192).has_value());
  // PFS: "modpnone" lets a proposal without a DH transform match.
  auto pfs_optional = must(parse_proposals(v2::ProtocolId::ESP, "aes128-sha256-modp2048-modpnone"));
  auto no_pfs = must(parse_proposals(v2::ProtocolId::ESP, "aes128-sha256"));
  auto with_pfs = must(parse_proposals(v2::ProtocolId::ESP, "aes128-sha256-modp2048"));
  EXPECT_FALSE(select_proposal(no_pfs, with_pfs).has_value());
  auto sel_pfs = select_proposal(pfs_optional, with_pfs);
  ASSERT_TRUE(sel_pfs.has_value());
  EXPECT_EQ(to_string(*sel_pfs), "ESP:AES_CBC_128/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ");
  // A received ESP proposal without ESN counts as "no ESN".
  v2::Proposal bare = no_pfs[0];
  bare.transforms.pop_back();
  EXPECT_TRUE(select_proposal(no_pfs, std::vector<v2::Proposal>{bare}).has_value());
  // Protocols must agree.
  EXPECT_FALSE(select_proposal(ours, no_pfs).has_value());
}

TEST(Proposal, AlgorithmsOfASelectedProposal) {
  auto p = must(parse_proposals(v2::ProtocolId::IKE, "aes256-sha256-modp2048"))[0];
  IkeAlgorithms a = must(ike_algorithms(p));
  EXPECT_EQ(a.cipher.key_size(), 32u);
  ASSERT_TRUE(a.integ.has_value());
  EXPECT_EQ(a.integ->key_size(), 32u);
  EXPECT_EQ(a.prf.preferred_key_size(), 32u);
  EXPECT_EQ(a.dh, v2::DhGroup::MODP_2048);
  auto g = must(parse_proposals(v2::ProtocolId::IKE, "aes128gcm16-prfsha256-x25519"))[0];
  IkeAlgorithms ga = must(ike_algorithms(g));
  EXPECT_TRUE(ga.cipher.is_aead());
  EXPECT_EQ(ga.cipher.key_size(), 20u);
  EXPECT_FALSE(ga.integ.has_value());
  auto multi = must(parse_proposals(v2::ProtocolId::IKE, "aes128-aes256-sha256-modp2048"))[0];
  EXPECT_FALSE(ike_algorithms(multi).ok());  // not a selected proposal
  auto c = must(
      child_algorithms(must(parse_proposals(v2::ProtocolId::ESP, "aes128gcm16-modp2048-esn"))[0]));
  EXPECT_EQ(c.encr, v2::EncrId::AES_GCM_16);
  EXPECT_EQ(c.encr_key_size, 20u);
  EXPECT_EQ(c.integ, v2::IntegId::None);
  EXPECT_EQ(c.dh, v2::DhGroup::MODP_2048);
  EXPECT_TRUE(c.esn);
  auto cb = must(child_algorithms(must(parse_proposals(v2::ProtocolId::ESP, "3des-md5"))[0]));
  EXPECT_EQ(cb.encr_key_size, 24u);
  EXPECT_EQ(cb.integ_key_size, 16u);
  EXPECT_FALSE(cb.esn);
  auto ah_alg = must(child_algorithms(must(parse_proposals(v2::ProtocolId::AH, "aes128gmac"))[0]));
  EXPECT_EQ(ah_alg.integ, v2::IntegId::AES_128_GMAC);
  EXPECT_EQ(ah_alg.integ_key_size, 20u);
  EXPECT_FALSE(child_algorithms(p).ok());
}

TEST(Proposal, AlgorithmFacts) {
  EXPECT_EQ(encr_key_size(v2::EncrId::AES_CTR, 256), 36u);
  EXPECT_EQ(encr_key_size(v2::EncrId::AES_CCM_12, 192), 27u);
  EXPECT_EQ(encr_key_size(v2::EncrId::CHACHA20_POLY1305, 0), 36u);
  EXPECT_EQ(encr_key_size(v2::EncrId::AES_CBC, 0), 0u);
  EXPECT_EQ(integ_key_size(v2::IntegId::AES_256_GMAC), 36u);
  EXPECT_TRUE(is_aead(v2::EncrId::NULL_AUTH_AES_GMAC));
  EXPECT_FALSE(is_aead(v2::EncrId::AES_CTR));
  EXPECT_EQ(encr_from_v1(v1::EspTransformId::ESP_AES_GCM_16), v2::EncrId::AES_GCM_16);
  EXPECT_EQ(esp_to_v1(v2::EncrId::AES_CBC), v1::EspTransformId::ESP_AES);
  EXPECT_EQ(integ_from_v1(v1::IpsecAuthAlgorithm::HMAC_SHA2_256), v2::IntegId::HMAC_SHA2_256_128);
  EXPECT_EQ(auth_to_v1(v2::IntegId::AES_XCBC_96), v1::IpsecAuthAlgorithm::AES_XCBC_MAC);
  EXPECT_EQ(encr_from_v1(v1::OakleyEncryption::TripleDES_CBC), v2::EncrId::TripleDES);
  EXPECT_EQ(prf_from_v1(v1::OakleyHash::SHA2_384), v2::PrfId::HMAC_SHA2_384);
  EXPECT_EQ(hash_to_v1(v2::IntegId::HMAC_SHA1_96), v1::OakleyHash::SHA);
  EXPECT_EQ(esp_to_v1(v2::EncrId::CHACHA20_POLY1305), std::nullopt);
}

TEST(Proposal, Ikev1PhaseOneTransforms) {
  auto t = must(parse_ikev1_ike_proposals("aes256-sha256-modp2048"));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0], (V1IkeTransform{v1::OakleyEncryption::AES_CBC, 256, v1::OakleyHash::SHA2_256,
                                  v2::DhGroup::MODP_2048}));
  EXPECT_EQ(to_string(t[0]), "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048");
  auto three = must(parse_ikev1_ike_proposals("3des-sha1-modp1024"));
  EXPECT_EQ(three[0], (V1IkeTransform{v1::OakleyEncryption::TripleDES_CBC, 0, v1::OakleyHash::SHA,
                                      v2::DhGroup::MODP_1024}));
  // Every combination, encryption outermost.
  auto combos = must(
      parse_ikev1_ike_proposals("aes128-aes256-sha256-sha1-modp2048-ecp256, 3des-md5-modp1024"));
  ASSERT_EQ(combos.size(), 9u);
  EXPECT_EQ(combos[1], (V1IkeTransform{v1::OakleyEncryption::AES_CBC, 128, v1::OakleyHash::SHA2_256,
                                       v2::DhGroup::ECP_256}));
  EXPECT_EQ(combos[2], (V1IkeTransform{v1::OakleyEncryption::AES_CBC, 128, v1::OakleyHash::SHA,
                                       v2::DhGroup::MODP_2048}));
  EXPECT_EQ(combos[8].hash, v1::OakleyHash::MD5);
  // IKEv1 phase 1 has no AEAD ciphers.
  EXPECT_FALSE(parse_ikev1_ike_proposals("aes128gcm16-prfsha256-modp2048").ok());
  EXPECT_FALSE(parse_ikev1_ike_proposals("aes128-aesxcbc-modp2048").ok());
  EXPECT_FALSE(parse_ikev1_ike_proposals("aes128-sha256").ok());
}

TEST(Proposal, Ikev1PhaseTwoTransforms) {
  auto t = must(parse_ikev1_esp_proposals("aes128-sha256-modp2048"));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0],
            (V1EspTransform{v1::EspTransformId::ESP_AES, 128, v1::IpsecAuthAlgorithm::HMAC_SHA2_256,
                            v2::DhGroup::MODP_2048, false}));
  EXPECT_EQ(to_string(t[0]), "ESP:AES_CBC_128/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ");
  auto gcm = must(parse_ikev1_esp_proposals("aes128gcm16-esn"));
  EXPECT_EQ(gcm[0], (V1EspTransform{v1::EspTransformId::ESP_AES_GCM_16, 128, std::nullopt,
                                    v2::DhGroup::None, true}));
  EXPECT_EQ(to_string(gcm[0]), "ESP:AES_GCM_16_128/EXT_SEQ");
  auto combos = must(parse_ikev1_esp_proposals("aes128-3des-sha1-md5"));
  ASSERT_EQ(combos.size(), 4u);
  EXPECT_EQ(combos[3].transform, v1::EspTransformId::ESP_3DES);
  EXPECT_EQ(combos[3].auth, v1::IpsecAuthAlgorithm::HMAC_MD5);
  EXPECT_FALSE(parse_ikev1_esp_proposals("chacha20poly1305").ok());  // no IKEv1 transform ID
  EXPECT_FALSE(parse_ikev1_esp_proposals("aes128-sha257").ok());
}

}  // namespace
}  // namespace ikesuite::crypto
