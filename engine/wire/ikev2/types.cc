// Name tables for engine/wire/ikev2/types.h (generated once from the enums, then maintained by hand).
#include "engine/wire/ikev2/types.h"

namespace ikesuite::v2 {

namespace {
constexpr NameEntry<ExchangeType> kExchangeTypeEntries[] = {
    {ExchangeType::IkeSaInit, "IKE_SA_INIT"},
    {ExchangeType::IkeAuth, "IKE_AUTH"},
    {ExchangeType::CreateChildSa, "CREATE_CHILD_SA"},
    {ExchangeType::Informational, "INFORMATIONAL"},
    {ExchangeType::IkeSessionResume, "IKE_SESSION_RESUME"},
    {ExchangeType::IkeIntermediate, "IKE_INTERMEDIATE"},
    {ExchangeType::IkeFollowupKe, "IKE_FOLLOWUP_KE"},
};
}  // namespace
const NameTable<ExchangeType> kExchangeTypeNames{kExchangeTypeEntries};
std::string_view name(ExchangeType v) { return kExchangeTypeNames.name(v); }
std::string to_string(ExchangeType v) { return kExchangeTypeNames.describe(v, "EXCHANGE"); }

namespace {
constexpr NameEntry<PayloadType> kPayloadTypeEntries[] = {
    {PayloadType::None, "NO_NEXT_PAYLOAD"},
    {PayloadType::SA, "SA"},
    {PayloadType::KE, "KE"},
    {PayloadType::IDi, "IDi"},
    {PayloadType::IDr, "IDr"},
    {PayloadType::CERT, "CERT"},
    {PayloadType::CERTREQ, "CERTREQ"},
    {PayloadType::AUTH, "AUTH"},
    {PayloadType::Nonce, "Nonce"},
    {PayloadType::Notify, "Notify"},
    {PayloadType::Delete, "Delete"},
    {PayloadType::VendorId, "VendorID"},
    {PayloadType::TSi, "TSi"},
    {PayloadType::TSr, "TSr"},
    {PayloadType::SK, "SK"},
    {PayloadType::CP, "CP"},
    {PayloadType::EAP, "EAP"},
    {PayloadType::SKF, "SKF"},
};
}  // namespace
const NameTable<PayloadType> kPayloadTypeNames{kPayloadTypeEntries};
std::string_view name(PayloadType v) { return kPayloadTypeNames.name(v); }
std::string to_string(PayloadType v) { return kPayloadTypeNames.describe(v, "PAYLOAD"); }

namespace {
constexpr NameEntry<ProtocolId> kProtocolIdEntries[] = {
    {ProtocolId::None, "NONE"},
    {ProtocolId::IKE, "IKE"},
    {ProtocolId::AH, "AH"},
    {ProtocolId::ESP, "ESP"},
};
}  // namespace
const NameTable<ProtocolId> kProtocolIdNames{kProtocolIdEntries};
std::string_view name(ProtocolId v) { return kProtocolIdNames.name(v); }
std::string to_string(ProtocolId v) { return kProtocolIdNames.describe(v, "PROTO"); }

namespace {
constexpr NameEntry<TransformType> kTransformTypeEntries[] = {
    {TransformType::ENCR, "ENCR"},
    {TransformType::PRF, "PRF"},
    {TransformType::INTEG, "INTEG"},
    {TransformType::DH, "DH"},
    {TransformType::ESN, "ESN"},
    {TransformType::ADDKE1, "ADDKE1"},
    {TransformType::ADDKE2, "ADDKE2"},
    {TransformType::ADDKE3, "ADDKE3"},
    {TransformType::ADDKE4, "ADDKE4"},
    {TransformType::ADDKE5, "ADDKE5"},
    {TransformType::ADDKE6, "ADDKE6"},
    {TransformType::ADDKE7, "ADDKE7"},
};
}  // namespace
const NameTable<TransformType> kTransformTypeNames{kTransformTypeEntries};
std::string_view name(TransformType v) { return kTransformTypeNames.name(v); }
std::string to_string(TransformType v) { return kTransformTypeNames.describe(v, "TRANSFORM"); }

namespace {
constexpr NameEntry<EncrId> kEncrIdEntries[] = {
    {EncrId::DES_IV64, "ENCR_DES_IV64"},
    {EncrId::DES, "ENCR_DES"},
    {EncrId::TripleDES, "ENCR_3DES"},
    {EncrId::RC5, "ENCR_RC5"},
    {EncrId::IDEA, "ENCR_IDEA"},
    {EncrId::CAST, "ENCR_CAST"},
    {EncrId::BLOWFISH, "ENCR_BLOWFISH"},
    {EncrId::TripleIDEA, "ENCR_3IDEA"},
    {EncrId::DES_IV32, "ENCR_DES_IV32"},
    {EncrId::Null, "ENCR_NULL"},
    {EncrId::AES_CBC, "ENCR_AES_CBC"},
    {EncrId::AES_CTR, "ENCR_AES_CTR"},
    {EncrId::AES_CCM_8, "ENCR_AES_CCM_8"},
    {EncrId::AES_CCM_12, "ENCR_AES_CCM_12"},
    {EncrId::AES_CCM_16, "ENCR_AES_CCM_16"},
    {EncrId::AES_GCM_8, "ENCR_AES_GCM_8"},
    {EncrId::AES_GCM_12, "ENCR_AES_GCM_12"},
    {EncrId::AES_GCM_16, "ENCR_AES_GCM_16"},
    {EncrId::NULL_AUTH_AES_GMAC, "ENCR_NULL_AUTH_AES_GMAC"},
    {EncrId::CAMELLIA_CBC, "ENCR_CAMELLIA_CBC"},
    {EncrId::CAMELLIA_CTR, "ENCR_CAMELLIA_CTR"},
    {EncrId::CAMELLIA_CCM_8, "ENCR_CAMELLIA_CCM_8"},
    {EncrId::CAMELLIA_CCM_12, "ENCR_CAMELLIA_CCM_12"},
    {EncrId::CAMELLIA_CCM_16, "ENCR_CAMELLIA_CCM_16"},
    {EncrId::CHACHA20_POLY1305, "ENCR_CHACHA20_POLY1305"},
};
}  // namespace
const NameTable<EncrId> kEncrIdNames{kEncrIdEntries};
std::string_view name(EncrId v) { return kEncrIdNames.name(v); }
std::string to_string(EncrId v) { return kEncrIdNames.describe(v, "ENCR"); }

namespace {
constexpr NameEntry<PrfId> kPrfIdEntries[] = {
    {PrfId::HMAC_MD5, "PRF_HMAC_MD5"},
    {PrfId::HMAC_SHA1, "PRF_HMAC_SHA1"},
    {PrfId::HMAC_TIGER, "PRF_HMAC_TIGER"},
    {PrfId::AES128_XCBC, "PRF_AES128_XCBC"},
    {PrfId::HMAC_SHA2_256, "PRF_HMAC_SHA2_256"},
    {PrfId::HMAC_SHA2_384, "PRF_HMAC_SHA2_384"},
    {PrfId::HMAC_SHA2_512, "PRF_HMAC_SHA2_512"},
    {PrfId::AES128_CMAC, "PRF_AES128_CMAC"},
};
}  // namespace
const NameTable<PrfId> kPrfIdNames{kPrfIdEntries};
std::string_view name(PrfId v) { return kPrfIdNames.name(v); }
std::string to_string(PrfId v) { return kPrfIdNames.describe(v, "PRF"); }

namespace {
constexpr NameEntry<IntegId> kIntegIdEntries[] = {
    {IntegId::None, "NONE"},
    {IntegId::HMAC_MD5_96, "AUTH_HMAC_MD5_96"},
    {IntegId::HMAC_SHA1_96, "AUTH_HMAC_SHA1_96"},
    {IntegId::DES_MAC, "AUTH_DES_MAC"},
    {IntegId::KPDK_MD5, "AUTH_KPDK_MD5"},
    {IntegId::AES_XCBC_96, "AUTH_AES_XCBC_96"},
    {IntegId::HMAC_MD5_128, "AUTH_HMAC_MD5_128"},
    {IntegId::HMAC_SHA1_160, "AUTH_HMAC_SHA1_160"},
    {IntegId::AES_CMAC_96, "AUTH_AES_CMAC_96"},
    {IntegId::AES_128_GMAC, "AUTH_AES_128_GMAC"},
    {IntegId::AES_192_GMAC, "AUTH_AES_192_GMAC"},
    {IntegId::AES_256_GMAC, "AUTH_AES_256_GMAC"},
    {IntegId::HMAC_SHA2_256_128, "AUTH_HMAC_SHA2_256_128"},
    {IntegId::HMAC_SHA2_384_192, "AUTH_HMAC_SHA2_384_192"},
    {IntegId::HMAC_SHA2_512_256, "AUTH_HMAC_SHA2_512_256"},
};
}  // namespace
const NameTable<IntegId> kIntegIdNames{kIntegIdEntries};
std::string_view name(IntegId v) { return kIntegIdNames.name(v); }
std::string to_string(IntegId v) { return kIntegIdNames.describe(v, "INTEG"); }

namespace {
constexpr NameEntry<DhGroup> kDhGroupEntries[] = {
    {DhGroup::None, "NONE"},
    {DhGroup::MODP_768, "MODP_768"},
    {DhGroup::MODP_1024, "MODP_1024"},
    {DhGroup::MODP_1536, "MODP_1536"},
    {DhGroup::MODP_2048, "MODP_2048"},
    {DhGroup::MODP_3072, "MODP_3072"},
    {DhGroup::MODP_4096, "MODP_4096"},
    {DhGroup::MODP_6144, "MODP_6144"},
    {DhGroup::MODP_8192, "MODP_8192"},
    {DhGroup::ECP_256, "ECP_256"},
    {DhGroup::ECP_384, "ECP_384"},
    {DhGroup::ECP_521, "ECP_521"},
    {DhGroup::MODP_1024_160, "MODP_1024_160"},
    {DhGroup::MODP_2048_224, "MODP_2048_224"},
    {DhGroup::MODP_2048_256, "MODP_2048_256"},
    {DhGroup::ECP_192, "ECP_192"},
    {DhGroup::ECP_224, "ECP_224"},
    {DhGroup::BRAINPOOL_224, "BRAINPOOL_224"},
    {DhGroup::BRAINPOOL_256, "BRAINPOOL_256"},
    {DhGroup::BRAINPOOL_384, "BRAINPOOL_384"},
    {DhGroup::BRAINPOOL_512, "BRAINPOOL_512"},
    {DhGroup::CURVE25519, "CURVE_25519"},
    {DhGroup::CURVE448, "CURVE_448"},
    {DhGroup::ML_KEM_512, "ML_KEM_512"},
    {DhGroup::ML_KEM_768, "ML_KEM_768"},
    {DhGroup::ML_KEM_1024, "ML_KEM_1024"},
};
}  // namespace
const NameTable<DhGroup> kDhGroupNames{kDhGroupEntries};
std::string_view name(DhGroup v) { return kDhGroupNames.name(v); }
std::string to_string(DhGroup v) { return kDhGroupNames.describe(v, "DH"); }

namespace {
constexpr NameEntry<EsnId> kEsnIdEntries[] = {
    {EsnId::NoEsn, "NO_ESN"},
    {EsnId::Esn, "ESN"},
};
}  // namespace
const NameTable<EsnId> kEsnIdNames{kEsnIdEntries};
std::string_view name(EsnId v) { return kEsnIdNames.name(v); }
std::string to_string(EsnId v) { return kEsnIdNames.describe(v, "ESN"); }

namespace {
constexpr NameEntry<TransformAttributeType> kTransformAttributeTypeEntries[] = {
    {TransformAttributeType::KeyLength, "KEY_LENGTH"},
};
}  // namespace
const NameTable<TransformAttributeType> kTransformAttributeTypeNames{kTransformAttributeTypeEntries};
std::string_view name(TransformAttributeType v) { return kTransformAttributeTypeNames.name(v); }
std::string to_string(TransformAttributeType v) { return kTransformAttributeTypeNames.describe(v, "ATTR"); }

namespace {
constexpr NameEntry<IdType> kIdTypeEntries[] = {
    {IdType::IPV4_ADDR, "ID_IPV4_ADDR"},
    {IdType::FQDN, "ID_FQDN"},
    {IdType::RFC822_ADDR, "ID_RFC822_ADDR"},
    {IdType::IPV6_ADDR, "ID_IPV6_ADDR"},
    {IdType::DER_ASN1_DN, "ID_DER_ASN1_DN"},
    {IdType::DER_ASN1_GN, "ID_DER_ASN1_GN"},
    {IdType::KEY_ID, "ID_KEY_ID"},
    {IdType::FC_NAME, "ID_FC_NAME"},
    {IdType::NULL_ID, "ID_NULL"},
};
}  // namespace
const NameTable<IdType> kIdTypeNames{kIdTypeEntries};
std::string_view name(IdType v) { return kIdTypeNames.name(v); }
std::string to_string(IdType v) { return kIdTypeNames.describe(v, "ID"); }

namespace {
constexpr NameEntry<CertEncoding> kCertEncodingEntries[] = {
    {CertEncoding::PKCS7_X509, "PKCS7_X509"},
    {CertEncoding::PGP, "PGP"},
    {CertEncoding::DNS_SIGNED_KEY, "DNS_SIGNED_KEY"},
    {CertEncoding::X509_SIGNATURE, "X509_SIGNATURE"},
    {CertEncoding::KERBEROS_TOKEN, "KERBEROS_TOKEN"},
    {CertEncoding::CRL, "CRL"},
    {CertEncoding::ARL, "ARL"},
    {CertEncoding::SPKI, "SPKI"},
    {CertEncoding::X509_ATTRIBUTE, "X509_ATTRIBUTE"},
    {CertEncoding::RAW_RSA_KEY, "RAW_RSA_KEY"},
    {CertEncoding::HASH_URL_X509_CERT, "HASH_URL_X509_CERT"},
    {CertEncoding::HASH_URL_X509_BUNDLE, "HASH_URL_X509_BUNDLE"},
    {CertEncoding::OCSP_CONTENT, "OCSP_CONTENT"},
    {CertEncoding::RAW_PUBLIC_KEY, "RAW_PUBLIC_KEY"},
};
}  // namespace
const NameTable<CertEncoding> kCertEncodingNames{kCertEncodingEntries};
std::string_view name(CertEncoding v) { return kCertEncodingNames.name(v); }
std::string to_string(CertEncoding v) { return kCertEncodingNames.describe(v, "CERT"); }

namespace {
constexpr NameEntry<AuthMethod> kAuthMethodEntries[] = {
    {AuthMethod::RSA_SIG, "RSA_SIG"},
    {AuthMethod::PSK, "PSK"},
    {AuthMethod::DSS_SIG, "DSS_SIG"},
    {AuthMethod::ECDSA_SHA256_P256, "ECDSA_SHA256_P256"},
    {AuthMethod::ECDSA_SHA384_P384, "ECDSA_SHA384_P384"},
    {AuthMethod::ECDSA_SHA512_P521, "ECDSA_SHA512_P521"},
    {AuthMethod::GSPM, "GSPM"},
    {AuthMethod::NULL_AUTH, "NULL_AUTH"},
    {AuthMethod::DIGITAL_SIGNATURE, "DIGITAL_SIGNATURE"},
};
}  // namespace
const NameTable<AuthMethod> kAuthMethodNames{kAuthMethodEntries};
std::string_view name(AuthMethod v) { return kAuthMethodNames.name(v); }
std::string to_string(AuthMethod v) { return kAuthMethodNames.describe(v, "AUTH"); }

namespace {
constexpr NameEntry<HashAlgorithm> kHashAlgorithmEntries[] = {
    {HashAlgorithm::SHA1, "SHA1"},
    {HashAlgorithm::SHA2_256, "SHA2_256"},
    {HashAlgorithm::SHA2_384, "SHA2_384"},
    {HashAlgorithm::SHA2_512, "SHA2_512"},
    {HashAlgorithm::IDENTITY, "IDENTITY"},
};
}  // namespace
const NameTable<HashAlgorithm> kHashAlgorithmNames{kHashAlgorithmEntries};
std::string_view name(HashAlgorithm v) { return kHashAlgorithmNames.name(v); }
std::string to_string(HashAlgorithm v) { return kHashAlgorithmNames.describe(v, "HASH"); }

namespace {
constexpr NameEntry<TsType> kTsTypeEntries[] = {
    {TsType::IPV4_ADDR_RANGE, "TS_IPV4_ADDR_RANGE"},
    {TsType::IPV6_ADDR_RANGE, "TS_IPV6_ADDR_RANGE"},
    {TsType::FC_ADDR_RANGE, "TS_FC_ADDR_RANGE"},
};
}  // namespace
const NameTable<TsType> kTsTypeNames{kTsTypeEntries};
std::string_view name(TsType v) { return kTsTypeNames.name(v); }
std::string to_string(TsType v) { return kTsTypeNames.describe(v, "TS"); }

namespace {
constexpr NameEntry<CfgType> kCfgTypeEntries[] = {
    {CfgType::Request, "CFG_REQUEST"},
    {CfgType::Reply, "CFG_REPLY"},
    {CfgType::Set, "CFG_SET"},
    {CfgType::Ack, "CFG_ACK"},
};
}  // namespace
const NameTable<CfgType> kCfgTypeNames{kCfgTypeEntries};
std::string_view name(CfgType v) { return kCfgTypeNames.name(v); }
std::string to_string(CfgType v) { return kCfgTypeNames.describe(v, "CFG"); }

namespace {
constexpr NameEntry<CfgAttribute> kCfgAttributeEntries[] = {
    {CfgAttribute::INTERNAL_IP4_ADDRESS, "INTERNAL_IP4_ADDRESS"},
    {CfgAttribute::INTERNAL_IP4_NETMASK, "INTERNAL_IP4_NETMASK"},
    {CfgAttribute::INTERNAL_IP4_DNS, "INTERNAL_IP4_DNS"},
    {CfgAttribute::INTERNAL_IP4_NBNS, "INTERNAL_IP4_NBNS"},
    {CfgAttribute::INTERNAL_IP4_DHCP, "INTERNAL_IP4_DHCP"},
    {CfgAttribute::APPLICATION_VERSION, "APPLICATION_VERSION"},
    {CfgAttribute::INTERNAL_IP6_ADDRESS, "INTERNAL_IP6_ADDRESS"},
    {CfgAttribute::INTERNAL_IP6_DNS, "INTERNAL_IP6_DNS"},
    {CfgAttribute::INTERNAL_IP6_DHCP, "INTERNAL_IP6_DHCP"},
    {CfgAttribute::INTERNAL_IP4_SUBNET, "INTERNAL_IP4_SUBNET"},
    {CfgAttribute::SUPPORTED_ATTRIBUTES, "SUPPORTED_ATTRIBUTES"},
    {CfgAttribute::INTERNAL_IP6_SUBNET, "INTERNAL_IP6_SUBNET"},
    {CfgAttribute::MIP6_HOME_PREFIX, "MIP6_HOME_PREFIX"},
    {CfgAttribute::INTERNAL_IP6_LINK, "INTERNAL_IP6_LINK"},
    {CfgAttribute::INTERNAL_IP6_PREFIX, "INTERNAL_IP6_PREFIX"},
    {CfgAttribute::HOME_AGENT_ADDRESS, "HOME_AGENT_ADDRESS"},
    {CfgAttribute::P_CSCF_IP4_ADDRESS, "P_CSCF_IP4_ADDRESS"},
    {CfgAttribute::P_CSCF_IP6_ADDRESS, "P_CSCF_IP6_ADDRESS"},
    {CfgAttribute::FTT_KAT, "FTT_KAT"},
    {CfgAttribute::EXTERNAL_SOURCE_IP4_NAT_INFO, "EXTERNAL_SOURCE_IP4_NAT_INFO"},
    {CfgAttribute::TIMEOUT_PERIOD_FOR_LIVENESS_CHECK, "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK"},
    {CfgAttribute::INTERNAL_DNS_DOMAIN, "INTERNAL_DNS_DOMAIN"},
    {CfgAttribute::INTERNAL_DNSSEC_TA, "INTERNAL_DNSSEC_TA"},
};
}  // namespace
const NameTable<CfgAttribute> kCfgAttributeNames{kCfgAttributeEntries};
std::string_view name(CfgAttribute v) { return kCfgAttributeNames.name(v); }
std::string to_string(CfgAttribute v) { return kCfgAttributeNames.describe(v, "CFG_ATTR"); }

namespace {
constexpr NameEntry<NotifyType> kNotifyTypeEntries[] = {
    {NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD"},
    {NotifyType::INVALID_IKE_SPI, "INVALID_IKE_SPI"},
    {NotifyType::INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION"},
    {NotifyType::INVALID_SYNTAX, "INVALID_SYNTAX"},
    {NotifyType::INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID"},
    {NotifyType::INVALID_SPI, "INVALID_SPI"},
    {NotifyType::NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN"},
    {NotifyType::INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD"},
    {NotifyType::AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED"},
    {NotifyType::SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED"},
    {NotifyType::NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS"},
    {NotifyType::INTERNAL_ADDRESS_FAILURE, "INTERNAL_ADDRESS_FAILURE"},
    {NotifyType::FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED"},
    {NotifyType::TS_UNACCEPTABLE, "TS_UNACCEPTABLE"},
    {NotifyType::INVALID_SELECTORS, "INVALID_SELECTORS"},
    {NotifyType::UNACCEPTABLE_ADDRESSES, "UNACCEPTABLE_ADDRESSES"},
    {NotifyType::UNEXPECTED_NAT_DETECTED, "UNEXPECTED_NAT_DETECTED"},
    {NotifyType::USE_ASSIGNED_HoA, "USE_ASSIGNED_HoA"},
    {NotifyType::TEMPORARY_FAILURE, "TEMPORARY_FAILURE"},
    {NotifyType::CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND"},
    {NotifyType::INVALID_GROUP_ID, "INVALID_GROUP_ID"},
    {NotifyType::AUTHORIZATION_FAILED, "AUTHORIZATION_FAILED"},
    {NotifyType::STATE_NOT_FOUND, "STATE_NOT_FOUND"},
    {NotifyType::INITIAL_CONTACT, "INITIAL_CONTACT"},
    {NotifyType::SET_WINDOW_SIZE, "SET_WINDOW_SIZE"},
    {NotifyType::ADDITIONAL_TS_POSSIBLE, "ADDITIONAL_TS_POSSIBLE"},
    {NotifyType::IPCOMP_SUPPORTED, "IPCOMP_SUPPORTED"},
    {NotifyType::NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP"},
    {NotifyType::NAT_DETECTION_DESTINATION_IP, "NAT_DETECTION_DESTINATION_IP"},
    {NotifyType::COOKIE, "COOKIE"},
    {NotifyType::USE_TRANSPORT_MODE, "USE_TRANSPORT_MODE"},
    {NotifyType::HTTP_CERT_LOOKUP_SUPPORTED, "HTTP_CERT_LOOKUP_SUPPORTED"},
    {NotifyType::REKEY_SA, "REKEY_SA"},
    {NotifyType::ESP_TFC_PADDING_NOT_SUPPORTED, "ESP_TFC_PADDING_NOT_SUPPORTED"},
    {NotifyType::NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAGMENTS_ALSO"},
    {NotifyType::MOBIKE_SUPPORTED, "MOBIKE_SUPPORTED"},
    {NotifyType::ADDITIONAL_IP4_ADDRESS, "ADDITIONAL_IP4_ADDRESS"},
    {NotifyType::ADDITIONAL_IP6_ADDRESS, "ADDITIONAL_IP6_ADDRESS"},
    {NotifyType::NO_ADDITIONAL_ADDRESSES, "NO_ADDITIONAL_ADDRESSES"},
    {NotifyType::UPDATE_SA_ADDRESSES, "UPDATE_SA_ADDRESSES"},
    {NotifyType::COOKIE2, "COOKIE2"},
    {NotifyType::NO_NATS_ALLOWED, "NO_NATS_ALLOWED"},
    {NotifyType::AUTH_LIFETIME, "AUTH_LIFETIME"},
    {NotifyType::MULTIPLE_AUTH_SUPPORTED, "MULTIPLE_AUTH_SUPPORTED"},
    {NotifyType::ANOTHER_AUTH_FOLLOWS, "ANOTHER_AUTH_FOLLOWS"},
    {NotifyType::REDIRECT_SUPPORTED, "REDIRECT_SUPPORTED"},
    {NotifyType::REDIRECT, "REDIRECT"},
    {NotifyType::REDIRECTED_FROM, "REDIRECTED_FROM"},
    {NotifyType::TICKET_LT_OPAQUE, "TICKET_LT_OPAQUE"},
    {NotifyType::TICKET_REQUEST, "TICKET_REQUEST"},
    {NotifyType::TICKET_ACK, "TICKET_ACK"},
    {NotifyType::TICKET_NACK, "TICKET_NACK"},
    {NotifyType::TICKET_OPAQUE, "TICKET_OPAQUE"},
    {NotifyType::LINK_ID, "LINK_ID"},
    {NotifyType::USE_WESP_MODE, "USE_WESP_MODE"},
    {NotifyType::ROHC_SUPPORTED, "ROHC_SUPPORTED"},
    {NotifyType::EAP_ONLY_AUTHENTICATION, "EAP_ONLY_AUTHENTICATION"},
    {NotifyType::CHILDLESS_IKEV2_SUPPORTED, "CHILDLESS_IKEV2_SUPPORTED"},
    {NotifyType::QUICK_CRASH_DETECTION, "QUICK_CRASH_DETECTION"},
    {NotifyType::IKEV2_MESSAGE_ID_SYNC_SUPPORTED, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"},
    {NotifyType::IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"},
    {NotifyType::IKEV2_MESSAGE_ID_SYNC, "IKEV2_MESSAGE_ID_SYNC"},
    {NotifyType::IPSEC_REPLAY_COUNTER_SYNC, "IPSEC_REPLAY_COUNTER_SYNC"},
    {NotifyType::SECURE_PASSWORD_METHODS, "SECURE_PASSWORD_METHODS"},
    {NotifyType::PSK_PERSIST, "PSK_PERSIST"},
    {NotifyType::PSK_CONFIRM, "PSK_CONFIRM"},
    {NotifyType::ERX_SUPPORTED, "ERX_SUPPORTED"},
    {NotifyType::IFOM_CAPABILITY, "IFOM_CAPABILITY"},
    {NotifyType::SENDER_REQUEST_ID, "SENDER_REQUEST_ID"},
    {NotifyType::IKEV2_FRAGMENTATION_SUPPORTED, "IKEV2_FRAGMENTATION_SUPPORTED"},
    {NotifyType::SIGNATURE_HASH_ALGORITHMS, "SIGNATURE_HASH_ALGORITHMS"},
    {NotifyType::CLONE_IKE_SA_SUPPORTED, "CLONE_IKE_SA_SUPPORTED"},
    {NotifyType::CLONE_IKE_SA, "CLONE_IKE_SA"},
    {NotifyType::PUZZLE, "PUZZLE"},
    {NotifyType::USE_PPK, "USE_PPK"},
    {NotifyType::PPK_IDENTITY, "PPK_IDENTITY"},
    {NotifyType::NO_PPK_AUTH, "NO_PPK_AUTH"},
    {NotifyType::INTERMEDIATE_EXCHANGE_SUPPORTED, "INTERMEDIATE_EXCHANGE_SUPPORTED"},
    {NotifyType::IP4_ALLOWED, "IP4_ALLOWED"},
    {NotifyType::IP6_ALLOWED, "IP6_ALLOWED"},
    {NotifyType::ADDITIONAL_KEY_EXCHANGE, "ADDITIONAL_KEY_EXCHANGE"},
    {NotifyType::USE_AGGFRAG, "USE_AGGFRAG"},
};
}  // namespace
const NameTable<NotifyType> kNotifyTypeNames{kNotifyTypeEntries};
std::string_view name(NotifyType v) { return kNotifyTypeNames.name(v); }
std::string to_string(NotifyType v) { return kNotifyTypeNames.describe(v, "NOTIFY"); }

std::string_view short_name(PayloadType v) {
  switch (v) {
    case PayloadType::None: return "";
    case PayloadType::SA: return "SA";
    case PayloadType::KE: return "KE";
    case PayloadType::IDi: return "IDi";
    case PayloadType::IDr: return "IDr";
    case PayloadType::CERT: return "CERT";
    case PayloadType::CERTREQ: return "CERTREQ";
    case PayloadType::AUTH: return "AUTH";
    case PayloadType::Nonce: return "No";
    case PayloadType::Notify: return "N";
    case PayloadType::Delete: return "D";
    case PayloadType::VendorId: return "V";
    case PayloadType::TSi: return "TSi";
    case PayloadType::TSr: return "TSr";
    case PayloadType::SK: return "E";
    case PayloadType::CP: return "CP";
    case PayloadType::EAP: return "EAP";
    case PayloadType::SKF: return "EF";
  }
  return "";
}

}  // namespace ikesuite::v2
