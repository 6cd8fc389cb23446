// Name tables for engine/wire/ikev1/types.h (generated once from the enums, then maintained by hand).
#include "engine/wire/ikev1/types.h"

namespace ikesuite::v1 {

namespace {
constexpr NameEntry<PayloadType> kPayloadTypeEntries[] = {
    {PayloadType::None, "NONE"},
    {PayloadType::SA, "SA"},
    {PayloadType::Proposal, "P"},
    {PayloadType::Transform, "T"},
    {PayloadType::KE, "KE"},
    {PayloadType::ID, "ID"},
    {PayloadType::CERT, "CERT"},
    {PayloadType::CR, "CR"},
    {PayloadType::HASH, "HASH"},
    {PayloadType::SIG, "SIG"},
    {PayloadType::Nonce, "NONCE"},
    {PayloadType::Notification, "N"},
    {PayloadType::Delete, "D"},
    {PayloadType::VendorId, "VID"},
    {PayloadType::Attribute, "ATTR"},
    {PayloadType::NAT_D, "NAT-D"},
    {PayloadType::NAT_OA, "NAT-OA"},
    {PayloadType::NAT_D_DRAFT, "NAT-D(draft)"},
    {PayloadType::NAT_OA_DRAFT, "NAT-OA(draft)"},
    {PayloadType::Fragment, "FRAG"},
};
}  // namespace
const NameTable<PayloadType> kPayloadTypeNames{kPayloadTypeEntries};
std::string_view name(PayloadType v) { return kPayloadTypeNames.name(v); }
std::string to_string(PayloadType v) { return kPayloadTypeNames.describe(v, "PAYLOAD"); }

namespace {
constexpr NameEntry<ExchangeType> kExchangeTypeEntries[] = {
    {ExchangeType::None, "NONE"},
    {ExchangeType::Base, "BASE"},
    {ExchangeType::IdentityProtection, "ID_PROT"},
    {ExchangeType::AuthenticationOnly, "AUTH_ONLY"},
    {ExchangeType::Aggressive, "AGGRESSIVE"},
    {ExchangeType::Informational, "INFORMATIONAL_V1"},
    {ExchangeType::Transaction, "TRANSACTION"},
    {ExchangeType::QuickMode, "QUICK_MODE"},
    {ExchangeType::NewGroupMode, "NEW_GROUP_MODE"},
};
}  // namespace
const NameTable<ExchangeType> kExchangeTypeNames{kExchangeTypeEntries};
std::string_view name(ExchangeType v) { return kExchangeTypeNames.name(v); }
std::string to_string(ExchangeType v) { return kExchangeTypeNames.describe(v, "EXCHANGE"); }

namespace {
constexpr NameEntry<ProtocolId> kProtocolIdEntries[] = {
    {ProtocolId::ISAKMP, "PROTO_ISAKMP"},
    {ProtocolId::IPSEC_AH, "PROTO_IPSEC_AH"},
    {ProtocolId::IPSEC_ESP, "PROTO_IPSEC_ESP"},
    {ProtocolId::IPCOMP, "PROTO_IPCOMP"},
};
}  // namespace
const NameTable<ProtocolId> kProtocolIdNames{kProtocolIdEntries};
std::string_view name(ProtocolId v) { return kProtocolIdNames.name(v); }
std::string to_string(ProtocolId v) { return kProtocolIdNames.describe(v, "PROTO"); }

namespace {
constexpr NameEntry<IsakmpTransformId> kIsakmpTransformIdEntries[] = {
    {IsakmpTransformId::KEY_IKE, "KEY_IKE"},
};
}  // namespace
const NameTable<IsakmpTransformId> kIsakmpTransformIdNames{kIsakmpTransformIdEntries};
std::string_view name(IsakmpTransformId v) { return kIsakmpTransformIdNames.name(v); }
std::string to_string(IsakmpTransformId v) { return kIsakmpTransformIdNames.describe(v, "TRANSFORM"); }

namespace {
constexpr NameEntry<AhTransformId> kAhTransformIdEntries[] = {
    {AhTransformId::AH_MD5, "AH_MD5"},
    {AhTransformId::AH_SHA, "AH_SHA"},
    {AhTransformId::AH_DES, "AH_DES"},
    {AhTransformId::AH_SHA2_256, "AH_SHA2_256"},
    {AhTransformId::AH_SHA2_384, "AH_SHA2_384"},
    {AhTransformId::AH_SHA2_512, "AH_SHA2_512"},
    {AhTransformId::AH_RIPEMD, "AH_RIPEMD"},
    {AhTransformId::AH_AES_XCBC_MAC, "AH_AES_XCBC_MAC"},
    {AhTransformId::AH_AES_128_GMAC, "AH_AES_128_GMAC"},
    {AhTransformId::AH_AES_192_GMAC, "AH_AES_192_GMAC"},
    {AhTransformId::AH_AES_256_GMAC, "AH_AES_256_GMAC"},
};
}  // namespace
const NameTable<AhTransformId> kAhTransformIdNames{kAhTransformIdEntries};
std::string_view name(AhTransformId v) { return kAhTransformIdNames.name(v); }
std::string to_string(AhTransformId v) { return kAhTransformIdNames.describe(v, "AH"); }

namespace {
constexpr NameEntry<EspTransformId> kEspTransformIdEntries[] = {
    {EspTransformId::ESP_DES_IV64, "ESP_DES_IV64"},
    {EspTransformId::ESP_DES, "ESP_DES"},
    {EspTransformId::ESP_3DES, "ESP_3DES"},
    {EspTransformId::ESP_RC5, "ESP_RC5"},
    {EspTransformId::ESP_IDEA, "ESP_IDEA"},
    {EspTransformId::ESP_CAST, "ESP_CAST"},
    {EspTransformId::ESP_BLOWFISH, "ESP_BLOWFISH"},
    {EspTransformId::ESP_3IDEA, "ESP_3IDEA"},
    {EspTransformId::ESP_DES_IV32, "ESP_DES_IV32"},
    {EspTransformId::ESP_RC4, "ESP_RC4"},
    {EspTransformId::ESP_NULL, "ESP_NULL"},
    {EspTransformId::ESP_AES, "ESP_AES"},
    {EspTransformId::ESP_AES_CTR, "ESP_AES_CTR"},
    {EspTransformId::ESP_AES_CCM_8, "ESP_AES_CCM_8"},
    {EspTransformId::ESP_AES_CCM_12, "ESP_AES_CCM_12"},
    {EspTransformId::ESP_AES_CCM_16, "ESP_AES_CCM_16"},
    {EspTransformId::ESP_AES_GCM_8, "ESP_AES_GCM_8"},
    {EspTransformId::ESP_AES_GCM_12, "ESP_AES_GCM_12"},
    {EspTransformId::ESP_AES_GCM_16, "ESP_AES_GCM_16"},
    {EspTransformId::ESP_SEED_CBC, "ESP_SEED_CBC"},
    {EspTransformId::ESP_NULL_AUTH_AES_GMAC, "ESP_NULL_AUTH_AES_GMAC"},
    {EspTransformId::ESP_CAMELLIA, "ESP_CAMELLIA"},
};
}  // namespace
const NameTable<EspTransformId> kEspTransformIdNames{kEspTransformIdEntries};
std::string_view name(EspTransformId v) { return kEspTransformIdNames.name(v); }
std::string to_string(EspTransformId v) { return kEspTransformIdNames.describe(v, "ESP"); }

namespace {
constexpr NameEntry<IpcompTransformId> kIpcompTransformIdEntries[] = {
    {IpcompTransformId::IPCOMP_OUI, "IPCOMP_OUI"},
    {IpcompTransformId::IPCOMP_DEFLATE, "IPCOMP_DEFLATE"},
    {IpcompTransformId::IPCOMP_LZS, "IPCOMP_LZS"},
    {IpcompTransformId::IPCOMP_LZJH, "IPCOMP_LZJH"},
};
}  // namespace
const NameTable<IpcompTransformId> kIpcompTransformIdNames{kIpcompTransformIdEntries};
std::string_view name(IpcompTransformId v) { return kIpcompTransformIdNames.name(v); }
std::string to_string(IpcompTransformId v) { return kIpcompTransformIdNames.describe(v, "IPCOMP"); }

namespace {
constexpr NameEntry<OakleyAttribute> kOakleyAttributeEntries[] = {
    {OakleyAttribute::EncryptionAlgorithm, "Encryption Algorithm"},
    {OakleyAttribute::HashAlgorithm, "Hash Algorithm"},
    {OakleyAttribute::AuthenticationMethod, "Authentication Method"},
    {OakleyAttribute::GroupDescription, "Group Description"},
    {OakleyAttribute::GroupType, "Group Type"},
    {OakleyAttribute::GroupPrime, "Group Prime/Irreducible Polynomial"},
    {OakleyAttribute::GroupGeneratorOne, "Group Generator One"},
    {OakleyAttribute::GroupGeneratorTwo, "Group Generator Two"},
    {OakleyAttribute::GroupCurveA, "Group Curve A"},
    {OakleyAttribute::GroupCurveB, "Group Curve B"},
    {OakleyAttribute::LifeType, "Life Type"},
    {OakleyAttribute::LifeDuration, "Life Duration"},
    {OakleyAttribute::PRF, "PRF"},
    {OakleyAttribute::KeyLength, "Key Length"},
    {OakleyAttribute::FieldSize, "Field Size"},
    {OakleyAttribute::GroupOrder, "Group Order"},
};
}  // namespace
const NameTable<OakleyAttribute> kOakleyAttributeNames{kOakleyAttributeEntries};
std::string_view name(OakleyAttribute v) { return kOakleyAttributeNames.name(v); }
std::string to_string(OakleyAttribute v) { return kOakleyAttributeNames.describe(v, "ATTR"); }

namespace {
constexpr NameEntry<OakleyEncryption> kOakleyEncryptionEntries[] = {
    {OakleyEncryption::DES_CBC, "DES-CBC"},
    {OakleyEncryption::IDEA_CBC, "IDEA-CBC"},
    {OakleyEncryption::BLOWFISH_CBC, "Blowfish-CBC"},
    {OakleyEncryption::RC5_R16_B64_CBC, "RC5-R16-B64-CBC"},
    {OakleyEncryption::TripleDES_CBC, "3DES-CBC"},
    {OakleyEncryption::CAST_CBC, "CAST-CBC"},
    {OakleyEncryption::AES_CBC, "AES-CBC"},
    {OakleyEncryption::CAMELLIA_CBC, "CAMELLIA-CBC"},
};
}  // namespace
const NameTable<OakleyEncryption> kOakleyEncryptionNames{kOakleyEncryptionEntries};
std::string_view name(OakleyEncryption v) { return kOakleyEncryptionNames.name(v); }
std::string to_string(OakleyEncryption v) { return kOakleyEncryptionNames.describe(v, "ENCR"); }

namespace {
constexpr NameEntry<OakleyHash> kOakleyHashEntries[] = {
    {OakleyHash::MD5, "MD5"},
    {OakleyHash::SHA, "SHA"},
    {OakleyHash::TIGER, "Tiger"},
    {OakleyHash::SHA2_256, "SHA2-256"},
    {OakleyHash::SHA2_384, "SHA2-384"},
    {OakleyHash::SHA2_512, "SHA2-512"},
};
}  // namespace
const NameTable<OakleyHash> kOakleyHashNames{kOakleyHashEntries};
std::string_view name(OakleyHash v) { return kOakleyHashNames.name(v); }
std::string to_string(OakleyHash v) { return kOakleyHashNames.describe(v, "HASH"); }

namespace {
constexpr NameEntry<OakleyAuthMethod> kOakleyAuthMethodEntries[] = {
    {OakleyAuthMethod::PreSharedKey, "Pre-Shared Key"},
    {OakleyAuthMethod::DSS_SIG, "DSS signatures"},
    {OakleyAuthMethod::RSA_SIG, "RSA signatures"},
    {OakleyAuthMethod::RSA_ENC, "Encryption with RSA"},
    {OakleyAuthMethod::RSA_ENC_REV, "Revised encryption with RSA"},
    {OakleyAuthMethod::ECDSA_SHA256_P256, "ECDSA with SHA-256 on P-256"},
    {OakleyAuthMethod::ECDSA_SHA384_P384, "ECDSA with SHA-384 on P-384"},
    {OakleyAuthMethod::ECDSA_SHA512_P521, "ECDSA with SHA-512 on P-521"},
    {OakleyAuthMethod::HYBRID_INIT_RSA, "HYBRID_INIT_RSA"},
    {OakleyAuthMethod::HYBRID_RESP_RSA, "HYBRID_RESP_RSA"},
    {OakleyAuthMethod::HYBRID_INIT_DSS, "HYBRID_INIT_DSS"},
    {OakleyAuthMethod::HYBRID_RESP_DSS, "HYBRID_RESP_DSS"},
    {OakleyAuthMethod::XAUTH_INIT_PSK, "XAUTH_INIT_PSK"},
    {OakleyAuthMethod::XAUTH_RESP_PSK, "XAUTH_RESP_PSK"},
    {OakleyAuthMethod::XAUTH_INIT_DSS, "XAUTH_INIT_DSS"},
    {OakleyAuthMethod::XAUTH_RESP_DSS, "XAUTH_RESP_DSS"},
    {OakleyAuthMethod::XAUTH_INIT_RSA, "XAUTH_INIT_RSA"},
    {OakleyAuthMethod::XAUTH_RESP_RSA, "XAUTH_RESP_RSA"},
    {OakleyAuthMethod::XAUTH_INIT_RSA_ENC, "XAUTH_INIT_RSA_ENC"},
    {OakleyAuthMethod::XAUTH_RESP_RSA_ENC, "XAUTH_RESP_RSA_ENC"},
    {OakleyAuthMethod::XAUTH_INIT_RSA_REV, "XAUTH_INIT_RSA_REV"},
    {OakleyAuthMethod::XAUTH_RESP_RSA_REV, "XAUTH_RESP_RSA_REV"},
};
}  // namespace
const NameTable<OakleyAuthMethod> kOakleyAuthMethodNames{kOakleyAuthMethodEntries};
std::string_view name(OakleyAuthMethod v) { return kOakleyAuthMethodNames.name(v); }
std::string to_string(OakleyAuthMethod v) { return kOakleyAuthMethodNames.describe(v, "AUTH"); }

namespace {
constexpr NameEntry<OakleyGroupType> kOakleyGroupTypeEntries[] = {
    {OakleyGroupType::MODP, "MODP"},
    {OakleyGroupType::ECP, "ECP"},
    {OakleyGroupType::EC2N, "EC2N"},
};
}  // namespace
const NameTable<OakleyGroupType> kOakleyGroupTypeNames{kOakleyGroupTypeEntries};
std::string_view name(OakleyGroupType v) { return kOakleyGroupTypeNames.name(v); }
std::string to_string(OakleyGroupType v) { return kOakleyGroupTypeNames.describe(v, "GROUP_TYPE"); }

namespace {
constexpr NameEntry<GroupDescription> kGroupDescriptionEntries[] = {
    {GroupDescription::MODP_768, "MODP_768"},
    {GroupDescription::MODP_1024, "MODP_1024"},
    {GroupDescription::EC2N_155, "EC2N_155"},
    {GroupDescription::EC2N_185, "EC2N_185"},
    {GroupDescription::MODP_1536, "MODP_1536"},
    {GroupDescription::MODP_2048, "MODP_2048"},
    {GroupDescription::MODP_3072, "MODP_3072"},
    {GroupDescription::MODP_4096, "MODP_4096"},
    {GroupDescription::MODP_6144, "MODP_6144"},
    {GroupDescription::MODP_8192, "MODP_8192"},
    {GroupDescription::ECP_256, "ECP_256"},
    {GroupDescription::ECP_384, "ECP_384"},
    {GroupDescription::ECP_521, "ECP_521"},
    {GroupDescription::MODP_1024_160, "MODP_1024_160"},
    {GroupDescription::MODP_2048_224, "MODP_2048_224"},
    {GroupDescription::MODP_2048_256, "MODP_2048_256"},
    {GroupDescription::ECP_192, "ECP_192"},
    {GroupDescription::ECP_224, "ECP_224"},
    {GroupDescription::BRAINPOOL_224, "BRAINPOOL_224"},
    {GroupDescription::BRAINPOOL_256, "BRAINPOOL_256"},
    {GroupDescription::BRAINPOOL_384, "BRAINPOOL_384"},
    {GroupDescription::BRAINPOOL_512, "BRAINPOOL_512"},
    {GroupDescription::CURVE25519, "CURVE_25519"},
    {GroupDescription::CURVE448, "CURVE_448"},
};
}  // namespace
const NameTable<GroupDescription> kGroupDescriptionNames{kGroupDescriptionEntries};
std::string_view name(GroupDescription v) { return kGroupDescriptionNames.name(v); }
std::string to_string(GroupDescription v) { return kGroupDescriptionNames.describe(v, "GROUP"); }

namespace {
constexpr NameEntry<LifeType> kLifeTypeEntries[] = {
    {LifeType::Seconds, "seconds"},
    {LifeType::Kilobytes, "kilobytes"},
};
}  // namespace
const NameTable<LifeType> kLifeTypeNames{kLifeTypeEntries};
std::string_view name(LifeType v) { return kLifeTypeNames.name(v); }
std::string to_string(LifeType v) { return kLifeTypeNames.describe(v, "LIFE"); }

namespace {
constexpr NameEntry<IpsecAttribute> kIpsecAttributeEntries[] = {
    {IpsecAttribute::SaLifeType, "SA Life Type"},
    {IpsecAttribute::SaLifeDuration, "SA Life Duration"},
    {IpsecAttribute::GroupDescription, "Group Description"},
    {IpsecAttribute::EncapsulationMode, "Encapsulation Mode"},
    {IpsecAttribute::AuthenticationAlgorithm, "Authentication Algorithm"},
    {IpsecAttribute::KeyLength, "Key Length"},
    {IpsecAttribute::KeyRounds, "Key Rounds"},
    {IpsecAttribute::CompressDictionarySize, "Compress Dictionary Size"},
    {IpsecAttribute::CompressPrivateAlgorithm, "Compress Private Algorithm"},
    {IpsecAttribute::EcnTunnel, "ECN Tunnel"},
    {IpsecAttribute::ExtendedSequenceNumber, "Extended (64-bit) Sequence Number"},
};
}  // namespace
const NameTable<IpsecAttribute> kIpsecAttributeNames{kIpsecAttributeEntries};
std::string_view name(IpsecAttribute v) { return kIpsecAttributeNames.name(v); }
std::string to_string(IpsecAttribute v) { return kIpsecAttributeNames.describe(v, "ATTR"); }

namespace {
constexpr NameEntry<EncapsulationMode> kEncapsulationModeEntries[] = {
    {EncapsulationMode::Tunnel, "Tunnel"},
    {EncapsulationMode::Transport, "Transport"},
    {EncapsulationMode::UdpTunnel, "UDP-Encapsulated-Tunnel"},
    {EncapsulationMode::UdpTransport, "UDP-Encapsulated-Transport"},
    {EncapsulationMode::UdpTunnelDraft, "UDP-Encapsulated-Tunnel (draft)"},
    {EncapsulationMode::UdpTransportDraft, "UDP-Encapsulated-Transport (draft)"},
};
}  // namespace
const NameTable<EncapsulationMode> kEncapsulationModeNames{kEncapsulationModeEntries};
std::string_view name(EncapsulationMode v) { return kEncapsulationModeNames.name(v); }
std::string to_string(EncapsulationMode v) { return kEncapsulationModeNames.describe(v, "ENCAP"); }

namespace {
constexpr NameEntry<IpsecAuthAlgorithm> kIpsecAuthAlgorithmEntries[] = {
    {IpsecAuthAlgorithm::HMAC_MD5, "HMAC-MD5"},
    {IpsecAuthAlgorithm::HMAC_SHA, "HMAC-SHA"},
    {IpsecAuthAlgorithm::DES_MAC, "DES-MAC"},
    {IpsecAuthAlgorithm::KPDK, "KPDK"},
    {IpsecAuthAlgorithm::HMAC_SHA2_256, "HMAC-SHA2-256"},
    {IpsecAuthAlgorithm::HMAC_SHA2_384, "HMAC-SHA2-384"},
    {IpsecAuthAlgorithm::HMAC_SHA2_512, "HMAC-SHA2-512"},
    {IpsecAuthAlgorithm::HMAC_RIPEMD, "HMAC-RIPEMD"},
    {IpsecAuthAlgorithm::AES_XCBC_MAC, "AES-XCBC-MAC"},
    {IpsecAuthAlgorithm::SIG_RSA, "SIG-RSA"},
    {IpsecAuthAlgorithm::AES_128_GMAC, "AES-128-GMAC"},
    {IpsecAuthAlgorithm::AES_192_GMAC, "AES-192-GMAC"},
    {IpsecAuthAlgorithm::AES_256_GMAC, "AES-256-GMAC"},
};
}  // namespace
const NameTable<IpsecAuthAlgorithm> kIpsecAuthAlgorithmNames{kIpsecAuthAlgorithmEntries};
std::string_view name(IpsecAuthAlgorithm v) { return kIpsecAuthAlgorithmNames.name(v); }
std::string to_string(IpsecAuthAlgorithm v) { return kIpsecAuthAlgorithmNames.describe(v, "AUTH_ALG"); }

namespace {
constexpr NameEntry<IdType> kIdTypeEntries[] = {
    {IdType::IPV4_ADDR, "ID_IPV4_ADDR"},
    {IdType::FQDN, "ID_FQDN"},
    {IdType::USER_FQDN, "ID_USER_FQDN"},
    {IdType::IPV4_ADDR_SUBNET, "ID_IPV4_ADDR_SUBNET"},
    {IdType::IPV6_ADDR, "ID_IPV6_ADDR"},
    {IdType::IPV6_ADDR_SUBNET, "ID_IPV6_ADDR_SUBNET"},
    {IdType::IPV4_ADDR_RANGE, "ID_IPV4_ADDR_RANGE"},
    {IdType::IPV6_ADDR_RANGE, "ID_IPV6_ADDR_RANGE"},
    {IdType::DER_ASN1_DN, "ID_DER_ASN1_DN"},
    {IdType::DER_ASN1_GN, "ID_DER_ASN1_GN"},
    {IdType::KEY_ID, "ID_KEY_ID"},
};
}  // namespace
const NameTable<IdType> kIdTypeNames{kIdTypeEntries};
std::string_view name(IdType v) { return kIdTypeNames.name(v); }
std::string to_string(IdType v) { return kIdTypeNames.describe(v, "ID"); }

namespace {
constexpr NameEntry<CertEncoding> kCertEncodingEntries[] = {
    {CertEncoding::None, "NONE"},
    {CertEncoding::PKCS7, "PKCS7"},
    {CertEncoding::PGP, "PGP"},
    {CertEncoding::DNS_SIGNED_KEY, "DNS_SIGNED_KEY"},
    {CertEncoding::X509_SIGNATURE, "X509_SIGNATURE"},
    {CertEncoding::X509_KEY_EXCHANGE, "X509_KEY_EXCHANGE"},
    {CertEncoding::KERBEROS, "KERBEROS"},
    {CertEncoding::CRL, "CRL"},
    {CertEncoding::ARL, "ARL"},
    {CertEncoding::SPKI, "SPKI"},
    {CertEncoding::X509_ATTRIBUTE, "X509_ATTRIBUTE"},
};
}  // namespace
const NameTable<CertEncoding> kCertEncodingNames{kCertEncodingEntries};
std::string_view name(CertEncoding v) { return kCertEncodingNames.name(v); }
std::string to_string(CertEncoding v) { return kCertEncodingNames.describe(v, "CERT"); }

namespace {
constexpr NameEntry<NotifyType> kNotifyTypeEntries[] = {
    {NotifyType::INVALID_PAYLOAD_TYPE, "INVALID_PAYLOAD_TYPE"},
    {NotifyType::DOI_NOT_SUPPORTED, "DOI_NOT_SUPPORTED"},
    {NotifyType::SITUATION_NOT_SUPPORTED, "SITUATION_NOT_SUPPORTED"},
    {NotifyType::INVALID_COOKIE, "INVALID_COOKIE"},
    {NotifyType::INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION"},
    {NotifyType::INVALID_MINOR_VERSION, "INVALID_MINOR_VERSION"},
    {NotifyType::INVALID_EXCHANGE_TYPE, "INVALID_EXCHANGE_TYPE"},
    {NotifyType::INVALID_FLAGS, "INVALID_FLAGS"},
    {NotifyType::INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID"},
    {NotifyType::INVALID_PROTOCOL_ID, "INVALID_PROTOCOL_ID"},
    {NotifyType::INVALID_SPI, "INVALID_SPI"},
    {NotifyType::INVALID_TRANSFORM_ID, "INVALID_TRANSFORM_ID"},
    {NotifyType::ATTRIBUTES_NOT_SUPPORTED, "ATTRIBUTES_NOT_SUPPORTED"},
    {NotifyType::NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN"},
    {NotifyType::BAD_PROPOSAL_SYNTAX, "BAD_PROPOSAL_SYNTAX"},
    {NotifyType::PAYLOAD_MALFORMED, "PAYLOAD_MALFORMED"},
    {NotifyType::INVALID_KEY_INFORMATION, "INVALID_KEY_INFORMATION"},
    {NotifyType::INVALID_ID_INFORMATION, "INVALID_ID_INFORMATION"},
    {NotifyType::INVALID_CERT_ENCODING, "INVALID_CERT_ENCODING"},
    {NotifyType::INVALID_CERTIFICATE, "INVALID_CERTIFICATE"},
    {NotifyType::CERT_TYPE_UNSUPPORTED, "CERT_TYPE_UNSUPPORTED"},
    {NotifyType::INVALID_CERT_AUTHORITY, "INVALID_CERT_AUTHORITY"},
    {NotifyType::INVALID_HASH_INFORMATION, "INVALID_HASH_INFORMATION"},
    {NotifyType::AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED"},
    {NotifyType::INVALID_SIGNATURE, "INVALID_SIGNATURE"},
    {NotifyType::ADDRESS_NOTIFICATION, "ADDRESS_NOTIFICATION"},
    {NotifyType::NOTIFY_SA_LIFETIME, "NOTIFY_SA_LIFETIME"},
    {NotifyType::CERTIFICATE_UNAVAILABLE, "CERTIFICATE_UNAVAILABLE"},
    {NotifyType::UNSUPPORTED_EXCHANGE_TYPE, "UNSUPPORTED_EXCHANGE_TYPE"},
    {NotifyType::UNEQUAL_PAYLOAD_LENGTHS, "UNEQUAL_PAYLOAD_LENGTHS"},
    {NotifyType::CONNECTED, "CONNECTED"},
    {NotifyType::RESPONDER_LIFETIME, "RESPONDER_LIFETIME"},
    {NotifyType::REPLAY_STATUS, "REPLAY_STATUS"},
    {NotifyType::INITIAL_CONTACT, "INITIAL_CONTACT"},
    {NotifyType::R_U_THERE, "R_U_THERE"},
    {NotifyType::R_U_THERE_ACK, "R_U_THERE_ACK"},
    {NotifyType::UNITY_LOAD_BALANCE, "UNITY_LOAD_BALANCE"},
};
}  // namespace
const NameTable<NotifyType> kNotifyTypeNames{kNotifyTypeEntries};
std::string_view name(NotifyType v) { return kNotifyTypeNames.name(v); }
std::string to_string(NotifyType v) { return kNotifyTypeNames.describe(v, "NOTIFY"); }

namespace {
constexpr NameEntry<CfgType> kCfgTypeEntries[] = {
    {CfgType::ISAKMP_CFG_REQUEST, "ISAKMP_CFG_REQUEST"},
    {CfgType::ISAKMP_CFG_REPLY, "ISAKMP_CFG_REPLY"},
    {CfgType::ISAKMP_CFG_SET, "ISAKMP_CFG_SET"},
    {CfgType::ISAKMP_CFG_ACK, "ISAKMP_CFG_ACK"},
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
    {CfgAttribute::INTERNAL_ADDRESS_EXPIRY, "INTERNAL_ADDRESS_EXPIRY"},
    {CfgAttribute::INTERNAL_IP4_DHCP, "INTERNAL_IP4_DHCP"},
    {CfgAttribute::APPLICATION_VERSION, "APPLICATION_VERSION"},
    {CfgAttribute::INTERNAL_IP6_ADDRESS, "INTERNAL_IP6_ADDRESS"},
    {CfgAttribute::INTERNAL_IP6_NETMASK, "INTERNAL_IP6_NETMASK"},
    {CfgAttribute::INTERNAL_IP6_DNS, "INTERNAL_IP6_DNS"},
    {CfgAttribute::INTERNAL_IP6_NBNS, "INTERNAL_IP6_NBNS"},
    {CfgAttribute::INTERNAL_IP6_DHCP, "INTERNAL_IP6_DHCP"},
    {CfgAttribute::INTERNAL_IP4_SUBNET, "INTERNAL_IP4_SUBNET"},
    {CfgAttribute::SUPPORTED_ATTRIBUTES, "SUPPORTED_ATTRIBUTES"},
    {CfgAttribute::INTERNAL_IP6_SUBNET, "INTERNAL_IP6_SUBNET"},
    {CfgAttribute::XAUTH_TYPE, "XAUTH_TYPE"},
    {CfgAttribute::XAUTH_USER_NAME, "XAUTH_USER_NAME"},
    {CfgAttribute::XAUTH_USER_PASSWORD, "XAUTH_USER_PASSWORD"},
    {CfgAttribute::XAUTH_PASSCODE, "XAUTH_PASSCODE"},
    {CfgAttribute::XAUTH_MESSAGE, "XAUTH_MESSAGE"},
    {CfgAttribute::XAUTH_CHALLENGE, "XAUTH_CHALLENGE"},
    {CfgAttribute::XAUTH_DOMAIN, "XAUTH_DOMAIN"},
    {CfgAttribute::XAUTH_STATUS, "XAUTH_STATUS"},
    {CfgAttribute::XAUTH_NEXT_PIN, "XAUTH_NEXT_PIN"},
    {CfgAttribute::XAUTH_ANSWER, "XAUTH_ANSWER"},
    {CfgAttribute::UNITY_BANNER, "UNITY_BANNER"},
    {CfgAttribute::UNITY_SAVE_PASSWD, "UNITY_SAVE_PASSWD"},
    {CfgAttribute::UNITY_DEF_DOMAIN, "UNITY_DEF_DOMAIN"},
    {CfgAttribute::UNITY_SPLITDNS_NAME, "UNITY_SPLITDNS_NAME"},
    {CfgAttribute::UNITY_SPLIT_INCLUDE, "UNITY_SPLIT_INCLUDE"},
    {CfgAttribute::UNITY_NATT_PORT, "UNITY_NATT_PORT"},
    {CfgAttribute::UNITY_LOCAL_LAN, "UNITY_LOCAL_LAN"},
    {CfgAttribute::UNITY_PFS, "UNITY_PFS"},
    {CfgAttribute::UNITY_FW_TYPE, "UNITY_FW_TYPE"},
    {CfgAttribute::UNITY_BACKUP_SERVERS, "UNITY_BACKUP_SERVERS"},
    {CfgAttribute::UNITY_DDNS_HOSTNAME, "UNITY_DDNS_HOSTNAME"},
};
}  // namespace
const NameTable<CfgAttribute> kCfgAttributeNames{kCfgAttributeEntries};
std::string_view name(CfgAttribute v) { return kCfgAttributeNames.name(v); }
std::string to_string(CfgAttribute v) { return kCfgAttributeNames.describe(v, "CFG_ATTR"); }

}  // namespace ikesuite::v1
