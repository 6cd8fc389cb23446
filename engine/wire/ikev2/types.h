// IKEv2 registries (RFC 7296 §3 and the IANA "IKEv2 Parameters" registry), each an enum class
// whose enumerators carry the registry value, with its RFC names for logs and scenarios.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/names.h"

namespace ikesuite::v2 {

// RFC 7296 §3.1
enum class ExchangeType : uint8_t {
  IkeSaInit = 34,
  IkeAuth = 35,
  CreateChildSa = 36,
  Informational = 37,
  IkeSessionResume = 38,  // RFC 5723
  IkeIntermediate = 43,   // RFC 9242
  IkeFollowupKe = 44,     // RFC 9370
};

// RFC 7296 §3.2 and §3.14 (SK), RFC 7383 §2.5 (SKF)
enum class PayloadType : uint8_t {
  None = 0,
  SA = 33,
  KE = 34,
  IDi = 35,
  IDr = 36,
  CERT = 37,
  CERTREQ = 38,
  AUTH = 39,
  Nonce = 40,
  Notify = 41,
  Delete = 42,
  VendorId = 43,
  TSi = 44,
  TSr = 45,
  SK = 46,
  CP = 47,
  EAP = 48,
  SKF = 53,
};

// RFC 7296 §3.1 header flags
inline constexpr uint8_t kFlagInitiator = 0x08;
inline constexpr uint8_t kFlagVersion = 0x10;
inline constexpr uint8_t kFlagResponse = 0x20;

// RFC 7296 §3.3.2: the critical bit of the generic payload header
inline constexpr uint8_t kCriticalBit = 0x80;

// RFC 7296 §3.3.1
enum class ProtocolId : uint8_t { None = 0, IKE = 1, AH = 2, ESP = 3 };

// RFC 7296 §3.3.2, RFC 9370 §2.2.2 (additional key exchanges)
enum class TransformType : uint8_t {
  ENCR = 1,
  PRF = 2,
  INTEG = 3,
  DH = 4,
  ESN = 5,
  ADDKE1 = 6,
  ADDKE2 = 7,
  ADDKE3 = 8,
  ADDKE4 = 9,
  ADDKE5 = 10,
  ADDKE6 = 11,
  ADDKE7 = 12,
};

enum class EncrId : uint16_t {
  DES_IV64 = 1,
  DES = 2,
  TripleDES = 3,
  RC5 = 4,
  IDEA = 5,
  CAST = 6,
  BLOWFISH = 7,
  TripleIDEA = 8,
  DES_IV32 = 9,
  Null = 11,
  AES_CBC = 12,
  AES_CTR = 13,
  AES_CCM_8 = 14,
  AES_CCM_12 = 15,
  AES_CCM_16 = 16,
  AES_GCM_8 = 18,
  AES_GCM_12 = 19,
  AES_GCM_16 = 20,
  NULL_AUTH_AES_GMAC = 21,
  CAMELLIA_CBC = 23,
  CAMELLIA_CTR = 24,
  CAMELLIA_CCM_8 = 25,
  CAMELLIA_CCM_12 = 26,
  CAMELLIA_CCM_16 = 27,
  CHACHA20_POLY1305 = 28,
};

enum class PrfId : uint16_t {
  HMAC_MD5 = 1,
  HMAC_SHA1 = 2,
  HMAC_TIGER = 3,
  AES128_XCBC = 4,
  HMAC_SHA2_256 = 5,
  HMAC_SHA2_384 = 6,
  HMAC_SHA2_512 = 7,
  AES128_CMAC = 8,
};

enum class IntegId : uint16_t {
  None = 0,
  HMAC_MD5_96 = 1,
  HMAC_SHA1_96 = 2,
  DES_MAC = 3,
  KPDK_MD5 = 4,
  AES_XCBC_96 = 5,
  HMAC_MD5_128 = 6,
  HMAC_SHA1_160 = 7,
  AES_CMAC_96 = 8,
  AES_128_GMAC = 9,
  AES_192_GMAC = 10,
  AES_256_GMAC = 11,
  HMAC_SHA2_256_128 = 12,
  HMAC_SHA2_384_192 = 13,
  HMAC_SHA2_512_256 = 14,
};

// Transform type 4 (Diffie-Hellman group / key exchange method). Shared with IKEv1's
// Group Description attribute, which uses the same numbers.
enum class DhGroup : uint16_t {
  None = 0,
  MODP_768 = 1,
  MODP_1024 = 2,
  MODP_1536 = 5,
  MODP_2048 = 14,
  MODP_3072 = 15,
  MODP_4096 = 16,
  MODP_6144 = 17,
  MODP_8192 = 18,
  ECP_256 = 19,
  ECP_384 = 20,
  ECP_521 = 21,
  MODP_1024_160 = 22,
  MODP_2048_224 = 23,
  MODP_2048_256 = 24,
  ECP_192 = 25,
  ECP_224 = 26,
  BRAINPOOL_224 = 27,
  BRAINPOOL_256 = 28,
  BRAINPOOL_384 = 29,
  BRAINPOOL_512 = 30,
  CURVE25519 = 31,
  CURVE448 = 32,
  ML_KEM_512 = 35,   // FIPS 203 ML-KEM, draft-ietf-ipsecme-ikev2-mlkem (IANA-assigned)
  ML_KEM_768 = 36,
  ML_KEM_1024 = 37,
};

enum class EsnId : uint16_t { NoEsn = 0, Esn = 1 };

// RFC 7296 §3.3.5
enum class TransformAttributeType : uint16_t { KeyLength = 14 };

// RFC 7296 §3.5
enum class IdType : uint8_t {
  IPV4_ADDR = 1,
  FQDN = 2,
  RFC822_ADDR = 3,
  IPV6_ADDR = 5,
  DER_ASN1_DN = 9,
  DER_ASN1_GN = 10,
  KEY_ID = 11,
  FC_NAME = 12,  // RFC 4595
  NULL_ID = 13,  // RFC 7619
};

// RFC 7296 §3.6
enum class CertEncoding : uint8_t {
  PKCS7_X509 = 1,
  PGP = 2,
  DNS_SIGNED_KEY = 3,
  X509_SIGNATURE = 4,
  KERBEROS_TOKEN = 6,
  CRL = 7,
  ARL = 8,
  SPKI = 9,
  X509_ATTRIBUTE = 10,
  RAW_RSA_KEY = 11,
  HASH_URL_X509_CERT = 12,
  HASH_URL_X509_BUNDLE = 13,
  OCSP_CONTENT = 14,     // RFC 4806
  RAW_PUBLIC_KEY = 15,   // RFC 7670
};

// RFC 7296 §3.8, RFC 4754, RFC 7427, RFC 7619
enum class AuthMethod : uint8_t {
  RSA_SIG = 1,
  PSK = 2,  // Shared Key Message Integrity Code
  DSS_SIG = 3,
  ECDSA_SHA256_P256 = 9,
  ECDSA_SHA384_P384 = 10,
  ECDSA_SHA512_P521 = 11,
  GSPM = 12,
  NULL_AUTH = 13,
  DIGITAL_SIGNATURE = 14,
};

// RFC 7427 §7: hash algorithms announced in SIGNATURE_HASH_ALGORITHMS
enum class HashAlgorithm : uint16_t { SHA1 = 1, SHA2_256 = 2, SHA2_384 = 3, SHA2_512 = 4, IDENTITY = 5 };

// RFC 7296 §3.13.1
enum class TsType : uint8_t { IPV4_ADDR_RANGE = 7, IPV6_ADDR_RANGE = 8, FC_ADDR_RANGE = 9 };

// RFC 7296 §3.15
enum class CfgType : uint8_t { Request = 1, Reply = 2, Set = 3, Ack = 4 };

// RFC 7296 §3.15.1 and the IANA registry
enum class CfgAttribute : uint16_t {
  INTERNAL_IP4_ADDRESS = 1,
  INTERNAL_IP4_NETMASK = 2,
  INTERNAL_IP4_DNS = 3,
  INTERNAL_IP4_NBNS = 4,
  INTERNAL_IP4_DHCP = 6,
  APPLICATION_VERSION = 7,
  INTERNAL_IP6_ADDRESS = 8,
  INTERNAL_IP6_DNS = 10,
  INTERNAL_IP6_DHCP = 12,
  INTERNAL_IP4_SUBNET = 13,
  SUPPORTED_ATTRIBUTES = 14,
  INTERNAL_IP6_SUBNET = 15,
  MIP6_HOME_PREFIX = 16,
  INTERNAL_IP6_LINK = 17,
  INTERNAL_IP6_PREFIX = 18,
  HOME_AGENT_ADDRESS = 19,
  P_CSCF_IP4_ADDRESS = 20,
  P_CSCF_IP6_ADDRESS = 21,
  FTT_KAT = 22,
  EXTERNAL_SOURCE_IP4_NAT_INFO = 23,
  TIMEOUT_PERIOD_FOR_LIVENESS_CHECK = 24,
  INTERNAL_DNS_DOMAIN = 25,
  INTERNAL_DNSSEC_TA = 26,
};

// RFC 7296 §3.10.1 and the IANA "IKEv2 Notify Message Types" registry (errors below 16384,
// status types from 16384), with RFC 4555 (MOBIKE), 5685 (redirect), 7383 (fragmentation),
// 7427 (signature hash algorithms) and the other registered values.
enum class NotifyType : uint16_t {
  // errors
  UNSUPPORTED_CRITICAL_PAYLOAD = 1,
  INVALID_IKE_SPI = 4,
  INVALID_MAJOR_VERSION = 5,
  INVALID_SYNTAX = 7,
  INVALID_MESSAGE_ID = 9,
  INVALID_SPI = 11,
  NO_PROPOSAL_CHOSEN = 14,
  INVALID_KE_PAYLOAD = 17,
  AUTHENTICATION_FAILED = 24,
  SINGLE_PAIR_REQUIRED = 34,
  NO_ADDITIONAL_SAS = 35,
  INTERNAL_ADDRESS_FAILURE = 36,
  FAILED_CP_REQUIRED = 37,
  TS_UNACCEPTABLE = 38,
  INVALID_SELECTORS = 39,
  UNACCEPTABLE_ADDRESSES = 40,
  UNEXPECTED_NAT_DETECTED = 41,
  USE_ASSIGNED_HoA = 42,
  TEMPORARY_FAILURE = 43,
  CHILD_SA_NOT_FOUND = 44,
  INVALID_GROUP_ID = 45,
  AUTHORIZATION_FAILED = 46,
  STATE_NOT_FOUND = 47,
  // status
  INITIAL_CONTACT = 16384,
  SET_WINDOW_SIZE = 16385,
  ADDITIONAL_TS_POSSIBLE = 16386,
  IPCOMP_SUPPORTED = 16387,
  NAT_DETECTION_SOURCE_IP = 16388,
  NAT_DETECTION_DESTINATION_IP = 16389,
  COOKIE = 16390,
  USE_TRANSPORT_MODE = 16391,
  HTTP_CERT_LOOKUP_SUPPORTED = 16392,
  REKEY_SA = 16393,
  ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
  NON_FIRST_FRAGMENTS_ALSO = 16395,
  MOBIKE_SUPPORTED = 16396,
  ADDITIONAL_IP4_ADDRESS = 16397,
  ADDITIONAL_IP6_ADDRESS = 16398,
  NO_ADDITIONAL_ADDRESSES = 16399,
  UPDATE_SA_ADDRESSES = 16400,
  COOKIE2 = 16401,
  NO_NATS_ALLOWED = 16402,
  AUTH_LIFETIME = 16403,
  MULTIPLE_AUTH_SUPPORTED = 16404,
  ANOTHER_AUTH_FOLLOWS = 16405,
  REDIRECT_SUPPORTED = 16406,
  REDIRECT = 16407,
  REDIRECTED_FROM = 16408,
  TICKET_LT_OPAQUE = 16409,
  TICKET_REQUEST = 16410,
  TICKET_ACK = 16411,
  TICKET_NACK = 16412,
  TICKET_OPAQUE = 16413,
  LINK_ID = 16414,
  USE_WESP_MODE = 16415,
  ROHC_SUPPORTED = 16416,
  EAP_ONLY_AUTHENTICATION = 16417,
  CHILDLESS_IKEV2_SUPPORTED = 16418,
  QUICK_CRASH_DETECTION = 16419,
  IKEV2_MESSAGE_ID_SYNC_SUPPORTED = 16420,
  IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED = 16421,
  IKEV2_MESSAGE_ID_SYNC = 16422,
  IPSEC_REPLAY_COUNTER_SYNC = 16423,
  SECURE_PASSWORD_METHODS = 16424,
  PSK_PERSIST = 16425,
  PSK_CONFIRM = 16426,
  ERX_SUPPORTED = 16427,
  IFOM_CAPABILITY = 16428,
  SENDER_REQUEST_ID = 16429,
  IKEV2_FRAGMENTATION_SUPPORTED = 16430,
  SIGNATURE_HASH_ALGORITHMS = 16431,
  CLONE_IKE_SA_SUPPORTED = 16432,
  CLONE_IKE_SA = 16433,
  PUZZLE = 16434,
  USE_PPK = 16435,
  PPK_IDENTITY = 16436,
  NO_PPK_AUTH = 16437,
  INTERMEDIATE_EXCHANGE_SUPPORTED = 16438,
  IP4_ALLOWED = 16439,
  IP6_ALLOWED = 16440,
  ADDITIONAL_KEY_EXCHANGE = 16441,
  USE_AGGFRAG = 16442,
};

// RFC 7296 §3.10.1: types below 16384 are errors.
constexpr bool is_error(NotifyType t) { return static_cast<uint16_t>(t) < 16384; }

// Names, as the RFCs spell them ("IKE_SA_INIT", "N(NO_PROPOSAL_CHOSEN)" uses "NO_PROPOSAL_CHOSEN").
std::string_view name(ExchangeType v);
std::string_view name(PayloadType v);
std::string_view name(ProtocolId v);
std::string_view name(TransformType v);
std::string_view name(EncrId v);
std::string_view name(PrfId v);
std::string_view name(IntegId v);
std::string_view name(DhGroup v);
std::string_view name(EsnId v);
std::string_view name(IdType v);
std::string_view name(CertEncoding v);
std::string_view name(AuthMethod v);
std::string_view name(HashAlgorithm v);
std::string_view name(TsType v);
std::string_view name(CfgType v);
std::string_view name(CfgAttribute v);
std::string_view name(NotifyType v);
std::string_view name(TransformAttributeType v);

// Never-empty forms: the name, or e.g. "NOTIFY(12345)" for an unregistered value.
std::string to_string(ExchangeType v);
std::string to_string(PayloadType v);
std::string to_string(ProtocolId v);
std::string to_string(TransformType v);
std::string to_string(EncrId v);
std::string to_string(PrfId v);
std::string to_string(IntegId v);
std::string to_string(DhGroup v);
std::string to_string(EsnId v);
std::string to_string(IdType v);
std::string to_string(CertEncoding v);
std::string to_string(AuthMethod v);
std::string to_string(HashAlgorithm v);
std::string to_string(TsType v);
std::string to_string(CfgType v);
std::string to_string(CfgAttribute v);
std::string to_string(NotifyType v);
std::string to_string(TransformAttributeType v);

// strongSwan's short payload labels, as charon logs messages: "SA", "KE", "No", "N(COOKIE)",
// "IDi", "AUTH", "TSi", "D", "V", "CPRQ", "EF" ...
std::string_view short_name(PayloadType v);

// The name tables themselves, for lookups by name (scenario files) and for listings.
extern const NameTable<ExchangeType> kExchangeTypeNames;
extern const NameTable<PayloadType> kPayloadTypeNames;
extern const NameTable<ProtocolId> kProtocolIdNames;
extern const NameTable<TransformType> kTransformTypeNames;
extern const NameTable<EncrId> kEncrIdNames;
extern const NameTable<PrfId> kPrfIdNames;
extern const NameTable<IntegId> kIntegIdNames;
extern const NameTable<DhGroup> kDhGroupNames;
extern const NameTable<EsnId> kEsnIdNames;
extern const NameTable<IdType> kIdTypeNames;
extern const NameTable<CertEncoding> kCertEncodingNames;
extern const NameTable<AuthMethod> kAuthMethodNames;
extern const NameTable<HashAlgorithm> kHashAlgorithmNames;
extern const NameTable<TsType> kTsTypeNames;
extern const NameTable<CfgType> kCfgTypeNames;
extern const NameTable<CfgAttribute> kCfgAttributeNames;
extern const NameTable<NotifyType> kNotifyTypeNames;
extern const NameTable<TransformAttributeType> kTransformAttributeTypeNames;

}  // namespace ikesuite::v2
