// Independent check: Wireshark's ISAKMP dissector reads every message the codec writes as
// the payloads we meant, field by field, with no malformed packet or expert error.
#include <gtest/gtest.h>

#include <map>

#include "engine/wire/ikev1/message.h"
#include "tests/wire_ikev1/samples.h"
#include "tests/wire_ikev1/tshark.h"

namespace ikesuite::v1 {
namespace {

using testing::dissect;
using testing::isakmp_payloads;
using testing::problems;

const std::string kSa = "Security Association (1)";
const std::string kKe = "Key Exchange (4)";
const std::string kId = "Identification (5)";
const std::string kNonce = "Nonce (10)";
const std::string kHash = "Hash (8)";
const std::string kNotify = "Notification (11)";
const std::string kDelete = "Delete (12)";
const std::string kNatD = "NAT-D (RFC 3947) (20)";
const std::string kNatOa = "NAT-OA (RFC 3947) (21)";
const std::string kVidXauth = "Vendor ID (13) : XAUTH";
const std::string kVidDpd = "Vendor ID (13) : RFC 3706 DPD (Dead Peer Detection)";
const std::string kVidNatt = "Vendor ID (13) : RFC 3947 Negotiation of NAT-Traversal in the IKE";
const std::string kVidDraft02 = "Vendor ID (13) : draft-ietf-ipsec-nat-t-ike-02\\n";
const std::string kVidFrag = "Vendor ID (13) : Cisco Fragmentation";
const std::string kFrag = "Cisco-Fragmentation (132)";

struct Expectation {
  std::vector<std::string> payloads;
  std::vector<std::string> details;  // whole lines (after indentation) the dissection must show
};

std::map<std::string, Expectation> expectations() {
  return {
      {"main_mode_1",
       {{kSa, kVidXauth, kVidDpd, kVidNatt, kVidDraft02, kVidFrag},
        {"Exchange type: Identity Protection (Main Mode) (2)", "Domain of interpretation: IPSEC (1)",
         "Proposal transforms: 4", "Transform ID: KEY_IKE (1)",
         "IKE Attribute (t=1,l=2): Encryption-Algorithm: AES-CBC",
         "IKE Attribute (t=14,l=2): Key-Length: 256",
         "IKE Attribute (t=2,l=2): Hash-Algorithm: SHA2-256",
         "IKE Attribute (t=3,l=2): Authentication-Method: Pre-shared key",
         "IKE Attribute (t=4,l=2): Group-Description: 2048 bit MODP group",
         "IKE Attribute (t=12,l=2): Life-Duration: 28800",
         "IKE Attribute (t=1,l=2): Encryption-Algorithm: 3DES-CBC",
         "IKE Attribute (t=12,l=4): Life-Duration: 86400", "Initiator SPI: 1122334455667788",
         "Responder SPI: 0000000000000000"}}},
      {"main_mode_2", {{kSa, kVidXauth, kVidDpd, kVidNatt}, {"Proposal transforms: 1"}}},
      {"main_mode_3", {{kKe, kNonce, kNatD, kNatD}, {"Payload length: 260", "Payload length: 36"}}},
      {"main_mode_4", {{kKe, kNonce, kNatD, kNatD}, {}}},
      {"main_mode_5",
       {{}, {"Next payload: Identification (5)", ".... ...1 = Encryption: Encrypted"}}},
      {"main_mode_5_clear",
       {{kId, kHash, kNotify},
        {"ID type: IPV4_ADDR (1)", "Protocol ID: UDP (17)", "Port: 500",
         "Identification Data:192.168.0.1", "Notify Message Type: INITIAL-CONTACT (24578)",
         "SPI Size: 16"}}},
      {"main_mode_5_rsa_clear",
       {{kId, "Certificate (6)", "Certificate Request (7)", "Signature (9)"},
        {"ID type: DER_ASN1_DN (9)", "Certificate Encoding: X.509 Certificate - Signature (4)",
         "Certificate Type: X.509 Certificate - Signature (4)",
         "rdnSequence: 3 items (id-at-commonName=moon.ikesuite.test,id-at-organizationName=ikesuite,"
         "id-at-countryName=CH)"}}},
      {"aggressive_1",
       {{kSa, kKe, kNonce, kId, kVidXauth, kVidDpd, kVidNatt, kVidFrag},
        {"Exchange type: Aggressive (4)", "ID type: FQDN (2)",
         "Identification Data:moon.ikesuite.test"}}},
      {"quick_mode_1",
       {{}, {"Exchange type: Quick Mode (32)", "Message ID: 0xa7a15222", "Next payload: Hash (8)"}}},
      {"quick_mode_1_clear",
       {{kHash, kSa, kNonce, kKe, kId, kId},
        {"Protocol ID: IPSEC_ESP (3)", "SPI: c1a2b3c4", "Transform ID: AES (12)",
         "IPsec Attribute (t=1,l=2): SA-Life-Type: Seconds",
         "IPsec Attribute (t=2,l=2): SA-Life-Duration: 3600",
         "IPsec Attribute (t=2,l=4): SA-Life-Duration: 4608000",
         "IPsec Attribute (t=3,l=2): Group-Description: 2048 bit MODP group",
         "IPsec Attribute (t=4,l=2): Encapsulation-Mode: Tunnel",
         "IPsec Attribute (t=5,l=2): Authentication-Algorithm: HMAC-SHA2-256",
         "IPsec Attribute (t=6,l=2): Key-Length: 128", "ID type: IPV4_ADDR_SUBNET (4)",
         "Identification Data:10.1.0.0/255.255.0.0", "Identification Data:10.2.0.0/255.255.0.0"}}},
      {"quick_mode_natoa_clear",
       {{kHash, kSa, kNonce, kId, kId, kNatOa, kNatOa},
        {"IPsec Attribute (t=4,l=2): Encapsulation-Mode: UDP-Encapsulated-Tunnel",
         "ID type: IPV4_ADDR_RANGE (7)", "Identification Data:10.2.0.1/10.2.0.9",
         "NAT Original IPv4 Address: 192.168.0.1", "NAT Original IPv6 Address: 2001:db8::2"}}},
      {"informational_delete",
       {{}, {"Exchange type: Informational (5)", "Message ID: 0x000004d2"}}},
      {"informational_delete_clear",
       {{kHash, kDelete, kDelete},
        {"Protocol ID: IPSEC_ESP (3)", "Number of SPIs: 1", "Delete SPI: c1a2b3c4",
         "Protocol ID: ISAKMP (1)", "Delete SPI: 112233445566778899aabbccddeeff00"}}},
      {"informational_dpd", {{}, {"Next payload: Hash (8)"}}},
      {"informational_dpd_clear",
       {{kHash, kNotify},
        {"Notify Message Type: R-U-THERE (36136)", "Notification DATA: 00000001"}}},
      {"transaction_request",
       {{kHash, "Attributes (14)"},
        {"Exchange type: Transaction (Config Mode) (6)", "Type: ISAKMP_CFG_REQUEST (1)",
         "Identifier: 4660", "Config Attribute (t=1,l=0): INTERNAL_IP4_ADDRESS",
         "Config Attribute (t=3,l=0): INTERNAL_IP4_DNS",
         "Config Attribute (t=16520,l=2): XAUTH_TYPE: Generic"}}},
      {"fragment_1", {{kFrag}, {"Frag ID: 0x0001", "Frag seq: 1", "Frag last: More fragments (0)"}}},
      {"fragment_2_last",
       {{kFrag}, {"Frag seq: 2", "Frag last: Last fragment (1)", "[Message fragment count: 2]"}}},
  };
}

bool contains_line(const std::string& frame, const std::string& wanted) {
  size_t pos = 0;
  while ((pos = frame.find(wanted, pos)) != std::string::npos) {
    bool starts = pos == 0 || frame[pos - 1] == ' ' || frame[pos - 1] == '\n';
    size_t end = pos + wanted.size();
    bool ends = end == frame.size() || frame[end] == '\n';
    if (starts && ends) return true;
    pos = end;
  }
  return false;
}

TEST(Ikev1Wireshark, DissectsEverySampleAsBuilt) {
  auto all = samples::all_messages();
  auto want = expectations();
  std::vector<Bytes> datagrams;
  for (const auto& s : all) {
    auto bytes = serialize(s.message);
    ASSERT_TRUE(bytes.ok()) << s.name << ": " << bytes.error().message();
    datagrams.push_back(*bytes);
  }
  auto frames = dissect(datagrams);
  ASSERT_TRUE(frames.ok()) << frames.error().message();
  for (size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE(all[i].name);
    const std::string& frame = (*frames)[i];
    EXPECT_EQ(problems(frame), std::vector<std::string>{}) << frame;
    auto it = want.find(all[i].name);
    ASSERT_NE(it, want.end()) << "no Wireshark expectation for " << all[i].name;
    auto payloads = isakmp_payloads(frame);
    if (all[i].name == "fragment_2_last") {
      // Wireshark reassembles the two fragments and dissects the whole message after them
      ASSERT_FALSE(payloads.empty());
      EXPECT_EQ(payloads.front(), kFrag);
      EXPECT_NE(frame.find("Reassembled"), std::string::npos) << frame;
      EXPECT_NE(frame.find("Certificate Request (7)"), std::string::npos) << frame;
    } else {
      EXPECT_EQ(payloads, it->second.payloads) << frame;
    }
    for (const auto& line : it->second.details)
      EXPECT_TRUE(contains_line(frame, line)) << "missing \"" << line << "\" in\n" << frame;
  }
}

TEST(Ikev1Wireshark, DissectsTheOtherPayloadShapes) {
  // SA shapes, ID types, notifies and deletes the samples do not cover, each in a message
  // in clear.
  auto message_with = [](ExchangeType exchange, std::vector<Payload> payloads) {
    Message m;
    m.header.cookie_i = samples::kCookieI;
    m.header.cookie_r = samples::kCookieR;
    m.header.exchange = exchange;
    m.header.message_id = exchange == ExchangeType::IdentityProtection ? 0 : 99;
    m.payloads = std::move(payloads);
    return *serialize(m);
  };
  Phase2Attributes transport;
  transport.encapsulation = EncapsulationMode::Transport;
  transport.auth_algorithm = IpsecAuthAlgorithm::HMAC_SHA;
  transport.esn = true;
  SaPayload and_sa;
  and_sa.proposals = {
      Proposal{1, ProtocolId::IPSEC_AH, hex("0000a001"),
               {ipsec_transform(1, static_cast<uint8_t>(AhTransformId::AH_SHA), transport)}},
      Proposal{1, ProtocolId::IPSEC_ESP, hex("0000e001"),
               {ipsec_transform(1, static_cast<uint8_t>(EspTransformId::ESP_3DES), transport)}}};
  NotifyPayload lifetime{kDoiIpsec, ProtocolId::IPSEC_ESP, hex("c1a2b3c4"),
                         NotifyType::RESPONDER_LIFETIME,
                         *serialize_attributes({DataAttribute::make_tv(1, 1),
                                                DataAttribute::make_number(2, 86400)})};
  std::vector<Bytes> datagrams = {
      message_with(ExchangeType::QuickMode,
                   {make_payload(HashPayload{samples::filler(20, 1)}), make_payload(and_sa),
                    make_payload(NoncePayload{samples::filler(16, 2)}),
                    make_payload(IdPayload::from_subnet(*Subnet::parse("2001:db8:1::/48"), 6, 443)),
                    make_payload(IdPayload::from_range(*IpAddress::parse("2001:db8::1"),
                                                       *IpAddress::parse("2001:db8::ff")))}),
      message_with(ExchangeType::Informational,
                   {make_payload(HashPayload{samples::filler(20, 3)}), make_payload(lifetime),
                    make_payload(NotifyPayload::dpd(true, samples::kCookieI, samples::kCookieR, 7)),
                    make_payload(DeletePayload::ipsec_sas(ProtocolId::IPSEC_AH, {1, 2}))}),
      message_with(ExchangeType::IdentityProtection,
                   {make_payload(IdPayload::from_user_fqdn("carol@ikesuite.test")),
                    make_payload(HashPayload{samples::filler(32, 4)})}),
  };
  auto frames = dissect(datagrams);
  ASSERT_TRUE(frames.ok()) << frames.error().message();
  for (const auto& frame : *frames) EXPECT_EQ(problems(frame), std::vector<std::string>{}) << frame;

  const std::string& qm = (*frames)[0];
  EXPECT_EQ(isakmp_payloads(qm), (std::vector<std::string>{kHash, kSa, kNonce, kId, kId}));
  for (const char* line : {"Protocol ID: IPSEC_AH (2)", "Protocol ID: IPSEC_ESP (3)",
                           "IPsec Attribute (t=4,l=2): Encapsulation-Mode: Transport",
                           "IPsec Attribute (t=11,l=2): Extended (64-bit) Sequence Number: "
                           "64-bit Sequence Number",
                           "Transform ID: SHA (3)", "Transform ID: 3DES (3)", "SPI: 0000e001",
                           "ID type: IPV6_ADDR_SUBNET (6)",
                           "Identification Data:2001:db8:1::/ffff:ffff:ffff::",
                           "ID type: IPV6_ADDR_RANGE (8)",
                           "Identification Data:2001:db8::1/2001:db8::ff", "Port: 443"})
    EXPECT_TRUE(contains_line(qm, line)) << "missing \"" << line << "\" in\n" << qm;
  size_t proposals = 0;
  for (size_t pos = qm.find("Payload: Proposal (2) # 1"); pos != std::string::npos;
       pos = qm.find("Payload: Proposal (2) # 1", pos + 1))
    ++proposals;
  EXPECT_EQ(proposals, 2u) << qm;  // AH and ESP, both proposal number 1

  const std::string& info = (*frames)[1];
  EXPECT_EQ(isakmp_payloads(info), (std::vector<std::string>{kHash, kNotify, kNotify, kDelete}));
  for (const char* line : {"Notify Message Type: RESPONDER-LIFETIME (24576)",
                           "IPsec Attribute (t=2,l=4): SA-Life-Duration: 86400",
                           "Notify Message Type: R-U-THERE-ACK (36137)",
                           "Notification DATA: 00000007", "Protocol ID: IPSEC_AH (2)",
                           "Number of SPIs: 2", "Delete SPI: 00000001", "Delete SPI: 00000002"})
    EXPECT_TRUE(contains_line(info, line)) << "missing \"" << line << "\" in\n" << info;

  const std::string& mm = (*frames)[2];
  EXPECT_EQ(isakmp_payloads(mm), (std::vector<std::string>{kId, kHash}));
  EXPECT_TRUE(contains_line(mm, "Identification Data:carol@ikesuite.test")) << mm;
}

}  // namespace
}  // namespace ikesuite::v1
