// ISAKMP/IKEv1 registries: RFC 2408 (ISAKMP), RFC 2407 (IPsec DOI), RFC 2409 Appendix A
// (Oakley attributes), RFC 3947 (NAT-T), RFC 3706 (DPD). Enumerators carry registry values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/names.h"

namespace ikesuite::v1 {

// RFC 2408 §3.1 (+ RFC 3947 NAT-D/NAT-OA, and the draft numbers still seen on the wire)
enum class PayloadType : uint8_t {
  None = 0,
  SA = 1,
  Proposal = 2,
  Transform = 3,
  KE = 4,
  ID = 5,
  CERT = 6,
  CR = 7,
  HASH = 8,
  SIG = 9,
  Nonce = 10,
  Notification = 11,
  Delete = 12,
  VendorId = 13,
  Attribute = 14,  // draft-dukes-ike-mode-cfg (Mode Config / XAUTH, TRANSACTION exchange)
  NAT_D = 20,
  NAT_OA = 21,
  NAT_D_DRAFT = 130,
  NAT_OA_DRAFT = 131,
  Fragment = 132,
};

// RFC 2408 §3.1, RFC 2409 §5.5 (Quick Mode = 32), §5.6 (New Group Mode = 33)
enum class ExchangeType : uint8_t {
  None = 0,
  Base = 1,
  IdentityProtection = 2,  // Main Mode
  AuthenticationOnly = 3,
  Aggressive = 4,
  Informational = 5,
  Transaction = 6,  // Mode Config (draft-ietf-ipsec-isakmp-mode-cfg)
  QuickMode = 32,
  NewGroupMode = 33,
};

// RFC 2408 §3.1 header flags
inline constexpr uint8_t kFlagEncryption = 0x01;
inline constexpr uint8_t kFlagCommit = 0x02;
inline constexpr uint8_t kFlagAuthOnly = 0x04;

// RFC 2407 §4.2
inline constexpr uint32_t kDoiIpsec = 1;
inline constexpr uint32_t kSitIdentityOnly = 0x01;
inline constexpr uint32_t kSitSecrecy = 0x02;
inline constexpr uint32_t kSitIntegrity = 0x04;

// RFC 2407 §4.4.1
enum class ProtocolId : uint8_t { ISAKMP = 1, IPSEC_AH = 2, IPSEC_ESP = 3, IPCOMP = 4 };

// RFC 2407 §4.4.2 (ISAKMP), §4.4.3 (AH), §4.4.4 (ESP) and later registrations
enum class IsakmpTransformId : uint8_t { KEY_IKE = 1 };
enum class AhTransformId : uint8_t {
  AH_MD5 = 2,
  AH_SHA = 3,
  AH_DES = 4,
  AH_SHA2_256 = 5,
  AH_SHA2_384 = 6,
  AH_SHA2_512 = 7,
  AH_RIPEMD = 8,
  AH_AES_XCBC_MAC = 9,  // RFC 3566
  AH_AES_128_GMAC = 11,  // RFC 4543
  AH_AES_192_GMAC = 12,
  AH_AES_256_GMAC = 13,
};
enum class EspTransformId : uint8_t {
  ESP_DES_IV64 = 1,
  ESP_DES = 2,
  ESP_3DES = 3,
  ESP_RC5 = 4,
  ESP_IDEA = 5,
  ESP_CAST = 6,
  ESP_BLOWFISH = 7,
  ESP_3IDEA = 8,
  ESP_DES_IV32 = 9,
  ESP_RC4 = 10,
  ESP_NULL = 11,
  ESP_AES = 12,
  ESP_AES_CTR = 13,
  ESP_AES_CCM_8 = 14,
  ESP_AES_CCM_12 = 15,
  ESP_AES_CCM_16 = 16,
  ESP_AES_GCM_8 = 18,
  ESP_AES_GCM_12 = 19,
  ESP_AES_GCM_16 = 20,
  ESP_SEED_CBC = 21,  // RFC 4196
  ESP_NULL_AUTH_AES_GMAC = 23,  // RFC 4543
  ESP_CAMELLIA = 22,  // RFC 4312
};

// RFC 2407 §4.4.5
enum class IpcompTransformId : uint8_t { IPCOMP_OUI = 1, IPCOMP_DEFLATE = 2, IPCOMP_LZS = 3, IPCOMP_LZJH = 4 };

// RFC 2409 Appendix A: phase-1 (Oakley) attribute classes
enum class OakleyAttribute : uint16_t {
  EncryptionAlgorithm = 1,
  HashAlgorithm = 2,
  AuthenticationMethod = 3,
  GroupDescription = 4,
  GroupType = 5,
  GroupPrime = 6,
  GroupGeneratorOne = 7,
  GroupGeneratorTwo = 8,
  GroupCurveA = 9,
  GroupCurveB = 10,
  LifeType = 11,
  LifeDuration = 12,
  PRF = 13,
  KeyLength = 14,
  FieldSize = 15,
  GroupOrder = 16,
};

enum class OakleyEncryption : uint16_t {
  DES_CBC = 1,
  IDEA_CBC = 2,
  BLOWFISH_CBC = 3,
  RC5_R16_B64_CBC = 4,
  TripleDES_CBC = 5,
  CAST_CBC = 6,
  AES_CBC = 7,  // RFC 3602
  CAMELLIA_CBC = 8,
};

enum class OakleyHash : uint16_t { MD5 = 1, SHA = 2, TIGER = 3, SHA2_256 = 4, SHA2_384 = 5, SHA2_512 = 6 };

enum class OakleyAuthMethod : uint16_t {
  PreSharedKey = 1,
  DSS_SIG = 2,
  RSA_SIG = 3,
  RSA_ENC = 4,
  RSA_ENC_REV = 5,
  ECDSA_SHA256_P256 = 9,   // RFC 4754
  ECDSA_SHA384_P384 = 10,
  ECDSA_SHA512_P521 = 11,
  HYBRID_INIT_RSA = 64221,  // draft-ietf-ipsec-isakmp-hybrid-auth
  HYBRID_RESP_RSA = 64222,
  HYBRID_INIT_DSS = 64223,
  HYBRID_RESP_DSS = 64224,
  XAUTH_INIT_PSK = 65001,  // draft-beaulieu-ike-xauth
  XAUTH_RESP_PSK = 65002,
  XAUTH_INIT_DSS = 65003,
  XAUTH_RESP_DSS = 65004,
  XAUTH_INIT_RSA = 65005,
  XAUTH_RESP_RSA = 65006,
  XAUTH_INIT_RSA_ENC = 65007,
  XAUTH_RESP_RSA_ENC = 65008,
  XAUTH_INIT_RSA_REV = 65009,
  XAUTH_RESP_RSA_REV = 65010,
};

enum class OakleyGroupType : uint16_t { MODP = 1, ECP = 2, EC2N = 3 };

// RFC 2409 Appendix A Group Description (phase 1) and RFC 2407 §4.5 Group Description
// (phase 2 PFS): the IANA "Group Description" registry, numbered like IKEv2's DH groups but
// with the IKEv1-only EC2N groups 3 and 4 (RFC 2409 §6.3, §6.4).
enum class GroupDescription : uint16_t {
  MODP_768 = 1,
  MODP_1024 = 2,
  EC2N_155 = 3,
  EC2N_185 = 4,
  MODP_1536 = 5,
  MODP_2048 = 14,  // RFC 3526
  MODP_3072 = 15,
  MODP_4096 = 16,
  MODP_6144 = 17,
  MODP_8192 = 18,
  ECP_256 = 19,  // RFC 5903
  ECP_384 = 20,
  ECP_521 = 21,
  MODP_1024_160 = 22,  // RFC 5114
  MODP_2048_224 = 23,
  MODP_2048_256 = 24,
  ECP_192 = 25,
  ECP_224 = 26,
  BRAINPOOL_224 = 27,  // RFC 6954
  BRAINPOOL_256 = 28,
  BRAINPOOL_384 = 29,
  BRAINPOOL_512 = 30,
  CURVE25519 = 31,  // RFC 8031
  CURVE448 = 32,
};

// Life Type for both phases (RFC 2409 Appendix A, RFC 2407 §4.5)
enum class LifeType : uint16_t { Seconds = 1, Kilobytes = 2 };

// RFC 2407 §4.5: IPsec DOI (phase-2) SA attributes
enum class IpsecAttribute : uint16_t {
  SaLifeType = 1,
  SaLifeDuration = 2,
  GroupDescription = 3,
  EncapsulationMode = 4,
  AuthenticationAlgorithm = 5,
  KeyLength = 6,
  KeyRounds = 7,
  CompressDictionarySize = 8,
  CompressPrivateAlgorithm = 9,
  EcnTunnel = 10,  // RFC 3168
  ExtendedSequenceNumber = 11,  // RFC 4304
};

// RFC 2407 §4.5, RFC 3947 §5 (UDP encapsulation), and the draft values still in use
enum class EncapsulationMode : uint16_t {
  Tunnel = 1,
  Transport = 2,
  UdpTunnel = 3,
  UdpTransport = 4,
  UdpTunnelDraft = 61443,
  UdpTransportDraft = 61444,
};

// RFC 2407 §4.5 Authentication Algorithm, RFC 4868 and RFC 3566
enum class IpsecAuthAlgorithm : uint16_t {
  HMAC_MD5 = 1,
  HMAC_SHA = 2,
  DES_MAC = 3,
  KPDK = 4,
  HMAC_SHA2_256 = 5,
  HMAC_SHA2_384 = 6,
  HMAC_SHA2_512 = 7,
  HMAC_RIPEMD = 8,
  AES_XCBC_MAC = 9,
  SIG_RSA = 10,  // RFC 4359
  AES_128_GMAC = 11,  // RFC 4543
  AES_192_GMAC = 12,
  AES_256_GMAC = 13,
};

// RFC 2407 §4.6.2.1
enum class IdType : uint8_t {
  IPV4_ADDR = 1,
  FQDN = 2,
  USER_FQDN = 3,
  IPV4_ADDR_SUBNET = 4,
  IPV6_ADDR = 5,
  IPV6_ADDR_SUBNET = 6,
  IPV4_ADDR_RANGE = 7,
  IPV6_ADDR_RANGE = 8,
  DER_ASN1_DN = 9,
  DER_ASN1_GN = 10,
  KEY_ID = 11,
};

// RFC 2408 §3.9
enum class CertEncoding : uint8_t {
  None = 0,
  PKCS7 = 1,
  PGP = 2,
  DNS_SIGNED_KEY = 3,
  X509_SIGNATURE = 4,
  X509_KEY_EXCHANGE = 5,
  KERBEROS = 6,
  CRL = 7,
  ARL = 8,
  SPKI = 9,
  X509_ATTRIBUTE = 10,
};

// RFC 2408 §3.14.1 (errors 1-30, status 16384), RFC 2407 §4.6.3 (DOI status),
// RFC 3706 (DPD)
enum class NotifyType : uint16_t {
  INVALID_PAYLOAD_TYPE = 1,
  DOI_NOT_SUPPORTED = 2,
  SITUATION_NOT_SUPPORTED = 3,
  INVALID_COOKIE = 4,
  INVALID_MAJOR_VERSION = 5,
  INVALID_MINOR_VERSION = 6,
  INVALID_EXCHANGE_TYPE = 7,
  INVALID_FLAGS = 8,
  INVALID_MESSAGE_ID = 9,
  INVALID_PROTOCOL_ID = 10,
  INVALID_SPI = 11,
  INVALID_TRANSFORM_ID = 12,
  ATTRIBUTES_NOT_SUPPORTED = 13,
  NO_PROPOSAL_CHOSEN = 14,
  BAD_PROPOSAL_SYNTAX = 15,
  PAYLOAD_MALFORMED = 16,
  INVALID_KEY_INFORMATION = 17,
  INVALID_ID_INFORMATION = 18,
  INVALID_CERT_ENCODING = 19,
  INVALID_CERTIFICATE = 20,
  CERT_TYPE_UNSUPPORTED = 21,
  INVALID_CERT_AUTHORITY = 22,
  INVALID_HASH_INFORMATION = 23,
  AUTHENTICATION_FAILED = 24,
  INVALID_SIGNATURE = 25,
  ADDRESS_NOTIFICATION = 26,
  NOTIFY_SA_LIFETIME = 27,
  CERTIFICATE_UNAVAILABLE = 28,
  UNSUPPORTED_EXCHANGE_TYPE = 29,
  UNEQUAL_PAYLOAD_LENGTHS = 30,
  CONNECTED = 16384,
  RESPONDER_LIFETIME = 24576,
  REPLAY_STATUS = 24577,
  INITIAL_CONTACT = 24578,
  R_U_THERE = 36136,
  R_U_THERE_ACK = 36137,
  UNITY_LOAD_BALANCE = 40501,  // Cisco Unity
};

// draft-dukes-ike-mode-cfg §3.2: the Attribute payload's type
enum class CfgType : uint8_t {
  ISAKMP_CFG_REQUEST = 1,
  ISAKMP_CFG_REPLY = 2,
  ISAKMP_CFG_SET = 3,
  ISAKMP_CFG_ACK = 4,
};

// draft-dukes-ike-mode-cfg §3.3, draft-beaulieu-ike-xauth §6 and the Cisco Unity extensions
enum class CfgAttribute : uint16_t {
  INTERNAL_IP4_ADDRESS = 1,
  INTERNAL_IP4_NETMASK = 2,
  INTERNAL_IP4_DNS = 3,
  INTERNAL_IP4_NBNS = 4,
  INTERNAL_ADDRESS_EXPIRY = 5,
  INTERNAL_IP4_DHCP = 6,
  APPLICATION_VERSION = 7,
  INTERNAL_IP6_ADDRESS = 8,
  INTERNAL_IP6_NETMASK = 9,
  INTERNAL_IP6_DNS = 10,
  INTERNAL_IP6_NBNS = 11,
  INTERNAL_IP6_DHCP = 12,
  INTERNAL_IP4_SUBNET = 13,
  SUPPORTED_ATTRIBUTES = 14,
  INTERNAL_IP6_SUBNET = 15,
  XAUTH_TYPE = 16520,
  XAUTH_USER_NAME = 16521,
  XAUTH_USER_PASSWORD = 16522,
  XAUTH_PASSCODE = 16523,
  XAUTH_MESSAGE = 16524,
  XAUTH_CHALLENGE = 16525,
  XAUTH_DOMAIN = 16526,
  XAUTH_STATUS = 16527,
  XAUTH_NEXT_PIN = 16528,
  XAUTH_ANSWER = 16529,
  UNITY_BANNER = 28672,
  UNITY_SAVE_PASSWD = 28673,
  UNITY_DEF_DOMAIN = 28674,
  UNITY_SPLITDNS_NAME = 28675,
  UNITY_SPLIT_INCLUDE = 28676,
  UNITY_NATT_PORT = 28677,
  UNITY_LOCAL_LAN = 28678,
  UNITY_PFS = 28679,
  UNITY_FW_TYPE = 28680,
  UNITY_BACKUP_SERVERS = 28681,
  UNITY_DDNS_HOSTNAME = 28682,
};

std::string_view name(PayloadType v);
std::string_view name(ExchangeType v);
std::string_view name(ProtocolId v);
std::string_view name(IsakmpTransformId v);
std::string_view name(AhTransformId v);
std::string_view name(EspTransformId v);
std::string_view name(IpcompTransformId v);
std::string_view name(OakleyAttribute v);
std::string_view name(OakleyEncryption v);
std::string_view name(OakleyHash v);
std::string_view name(OakleyAuthMethod v);
std::string_view name(OakleyGroupType v);
std::string_view name(GroupDescription v);
std::string_view name(LifeType v);
std::string_view name(IpsecAttribute v);
std::string_view name(EncapsulationMode v);
std::string_view name(IpsecAuthAlgorithm v);
std::string_view name(IdType v);
std::string_view name(CertEncoding v);
std::string_view name(NotifyType v);
std::string_view name(CfgType v);
std::string_view name(CfgAttribute v);

std::string to_string(PayloadType v);
std::string to_string(ExchangeType v);
std::string to_string(ProtocolId v);
std::string to_string(IsakmpTransformId v);
std::string to_string(AhTransformId v);
std::string to_string(EspTransformId v);
std::string to_string(IpcompTransformId v);
std::string to_string(OakleyAttribute v);
std::string to_string(OakleyEncryption v);
std::string to_string(OakleyHash v);
std::string to_string(OakleyAuthMethod v);
std::string to_string(OakleyGroupType v);
std::string to_string(GroupDescription v);
std::string to_string(LifeType v);
std::string to_string(IpsecAttribute v);
std::string to_string(EncapsulationMode v);
std::string to_string(IpsecAuthAlgorithm v);
std::string to_string(IdType v);
std::string to_string(CertEncoding v);
std::string to_string(NotifyType v);
std::string to_string(CfgType v);
std::string to_string(CfgAttribute v);

extern const NameTable<PayloadType> kPayloadTypeNames;
extern const NameTable<ExchangeType> kExchangeTypeNames;
extern const NameTable<ProtocolId> kProtocolIdNames;
extern const NameTable<IsakmpTransformId> kIsakmpTransformIdNames;
extern const NameTable<AhTransformId> kAhTransformIdNames;
extern const NameTable<EspTransformId> kEspTransformIdNames;
extern const NameTable<IpcompTransformId> kIpcompTransformIdNames;
extern const NameTable<OakleyAttribute> kOakleyAttributeNames;
extern const NameTable<OakleyEncryption> kOakleyEncryptionNames;
extern const NameTable<OakleyHash> kOakleyHashNames;
extern const NameTable<OakleyAuthMethod> kOakleyAuthMethodNames;
extern const NameTable<OakleyGroupType> kOakleyGroupTypeNames;
extern const NameTable<GroupDescription> kGroupDescriptionNames;
extern const NameTable<LifeType> kLifeTypeNames;
extern const NameTable<IpsecAttribute> kIpsecAttributeNames;
extern const NameTable<EncapsulationMode> kEncapsulationModeNames;
extern const NameTable<IpsecAuthAlgorithm> kIpsecAuthAlgorithmNames;
extern const NameTable<IdType> kIdTypeNames;
extern const NameTable<CertEncoding> kCertEncodingNames;
extern const NameTable<NotifyType> kNotifyTypeNames;
extern const NameTable<CfgType> kCfgTypeNames;
extern const NameTable<CfgAttribute> kCfgAttributeNames;

}  // namespace ikesuite::v1
