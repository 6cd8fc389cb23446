// charon's one-line message summaries ("IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]"), so
// that logs, reports and scenario expectations read like strongSwan's, and the abbreviated
// names they use.
#include "engine/wire/ikev2/codec_internal.h"

namespace ikesuite::v2 {

namespace {

// The abbreviations charon logs. Types charon has no abbreviation for (or does not know) are
// absent and fall back to the full name.
constexpr NameEntry<NotifyType> kNotifyShortEntries[] = {
    {NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD, "CRIT"},
    {NotifyType::INVALID_IKE_SPI, "INVAL_IKE_SPI"},
    {NotifyType::INVALID_MAJOR_VERSION, "INVAL_MAJOR"},
    {NotifyType::INVALID_SYNTAX, "INVAL_SYN"},
    {NotifyType::INVALID_MESSAGE_ID, "INVAL_MID"},
    {NotifyType::INVALID_SPI, "INVAL_SPI"},
    {NotifyType::NO_PROPOSAL_CHOSEN, "NO_PROP"},
    {NotifyType::INVALID_KE_PAYLOAD, "INVAL_KE"},
    {NotifyType::AUTHENTICATION_FAILED, "AUTH_FAILED"},
    {NotifyType::SINGLE_PAIR_REQUIRED, "SINGLE_PAIR"},
    {NotifyType::NO_ADDITIONAL_SAS, "NO_ADD_SAS"},
    {NotifyType::INTERNAL_ADDRESS_FAILURE, "INT_ADDR_FAIL"},
    {NotifyType::FAILED_CP_REQUIRED, "FAIL_CP_REQ"},
    {NotifyType::TS_UNACCEPTABLE, "TS_UNACCEPT"},
    {NotifyType::INVALID_SELECTORS, "INVAL_SEL"},
    {NotifyType::UNACCEPTABLE_ADDRESSES, "UNACCEPT_ADDR"},
    {NotifyType::UNEXPECTED_NAT_DETECTED, "UNEXPECT_NAT"},
    {NotifyType::USE_ASSIGNED_HoA, "ASSIGNED_HoA"},
    {NotifyType::TEMPORARY_FAILURE, "TEMP_FAIL"},
    {NotifyType::CHILD_SA_NOT_FOUND, "NO_CHILD_SA"},
    {NotifyType::INITIAL_CONTACT, "INIT_CONTACT"},
    {NotifyType::SET_WINDOW_SIZE, "SET_WINSIZE"},
    {NotifyType::ADDITIONAL_TS_POSSIBLE, "ADD_TS_POSS"},
    {NotifyType::IPCOMP_SUPPORTED, "IPCOMP_SUP"},
    {NotifyType::NAT_DETECTION_SOURCE_IP, "NATD_S_IP"},
    {NotifyType::NAT_DETECTION_DESTINATION_IP, "NATD_D_IP"},
    {NotifyType::COOKIE, "COOKIE"},
    {NotifyType::USE_TRANSPORT_MODE, "USE_TRANSP"},
    {NotifyType::HTTP_CERT_LOOKUP_SUPPORTED, "HTTP_CERT_LOOK"},
    {NotifyType::REKEY_SA, "REKEY_SA"},
    {NotifyType::ESP_TFC_PADDING_NOT_SUPPORTED, "ESP_TFC_PAD_N"},
    {NotifyType::NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAG"},
    {NotifyType::MOBIKE_SUPPORTED, "MOBIKE_SUP"},
    {NotifyType::ADDITIONAL_IP4_ADDRESS, "ADD_4_ADDR"},
    {NotifyType::ADDITIONAL_IP6_ADDRESS, "ADD_6_ADDR"},
    {NotifyType::NO_ADDITIONAL_ADDRESSES, "NO_ADD_ADDR"},
    {NotifyType::UPDATE_SA_ADDRESSES, "UPD_SA_ADDR"},
    {NotifyType::COOKIE2, "COOKIE2"},
    {NotifyType::NO_NATS_ALLOWED, "NO_NATS"},
    {NotifyType::AUTH_LIFETIME, "AUTH_LFT"},
    {NotifyType::MULTIPLE_AUTH_SUPPORTED, "MULT_AUTH"},
    {NotifyType::ANOTHER_AUTH_FOLLOWS, "AUTH_FOLLOWS"},
    {NotifyType::REDIRECT_SUPPORTED, "REDIR_SUP"},
    {NotifyType::REDIRECT, "REDIR"},
    {NotifyType::REDIRECTED_FROM, "REDIR_FROM"},
    {NotifyType::TICKET_LT_OPAQUE, "TKT_LT_OPAK"},
    {NotifyType::TICKET_REQUEST, "TKT_REQ"},
    {NotifyType::TICKET_ACK, "TKT_ACK"},
    {NotifyType::TICKET_NACK, "TKT_NACK"},
    {NotifyType::TICKET_OPAQUE, "TKT_OPAK"},
    {NotifyType::LINK_ID, "LINK_ID"},
    {NotifyType::USE_WESP_MODE, "WESP_MODE"},
    {NotifyType::ROHC_SUPPORTED, "ROHC_SUP"},
    {NotifyType::EAP_ONLY_AUTHENTICATION, "EAP_ONLY"},
    {NotifyType::CHILDLESS_IKEV2_SUPPORTED, "CHDLESS_SUP"},
    {NotifyType::QUICK_CRASH_DETECTION, "CRASH_DET"},
    {NotifyType::IKEV2_MESSAGE_ID_SYNC_SUPPORTED, "MSG_ID_SYN_SUP"},
    {NotifyType::IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED, "RPL_CTR_SYN_SUP"},
    {NotifyType::IKEV2_MESSAGE_ID_SYNC, "MSG_ID_SYN"},
    {NotifyType::IPSEC_REPLAY_COUNTER_SYNC, "RPL_CTR_SYN"},
    {NotifyType::SECURE_PASSWORD_METHODS, "SEC_PASSWD"},
    {NotifyType::PSK_PERSIST, "PSK_PST"},
    {NotifyType::PSK_CONFIRM, "PSK_CFM"},
    {NotifyType::ERX_SUPPORTED, "ERX_SUP"},
    {NotifyType::IFOM_CAPABILITY, "IFOM_CAP"},
    {NotifyType::SENDER_REQUEST_ID, "SENDER_REQ_ID"},
    {NotifyType::IKEV2_FRAGMENTATION_SUPPORTED, "FRAG_SUP"},
    {NotifyType::SIGNATURE_HASH_ALGORITHMS, "HASH_ALG"},
    {NotifyType::USE_PPK, "USE_PPK"},
    {NotifyType::PPK_IDENTITY, "PPK_ID"},
    {NotifyType::NO_PPK_AUTH, "NO_PPK_AUTH"},
    {NotifyType::INTERMEDIATE_EXCHANGE_SUPPORTED, "IKE_INT_SUP"},
    {NotifyType::ADDITIONAL_KEY_EXCHANGE, "ADD_KE"},
};
constexpr NameTable<NotifyType> kNotifyShortNames{kNotifyShortEntries};

// charon's configuration attribute abbreviations (RFC 7296 §3.15.1 registry order).
constexpr NameEntry<CfgAttribute> kCfgAttributeShortEntries[] = {
    {CfgAttribute::INTERNAL_IP4_ADDRESS, "ADDR"},
    {CfgAttribute::INTERNAL_IP4_NETMASK, "MASK"},
    {CfgAttribute::INTERNAL_IP4_DNS, "DNS"},
    {CfgAttribute::INTERNAL_IP4_NBNS, "NBNS"},
    {static_cast<CfgAttribute>(5), "EXP"},  // INTERNAL_ADDRESS_EXPIRY, RFC 4306 only
    {CfgAttribute::INTERNAL_IP4_DHCP, "DHCP"},
    {CfgAttribute::APPLICATION_VERSION, "VER"},
    {CfgAttribute::INTERNAL_IP6_ADDRESS, "ADDR6"},
    {static_cast<CfgAttribute>(9), "MASK6"},  // INTERNAL_IP6_NETMASK, RFC 4306 only
    {CfgAttribute::INTERNAL_IP6_DNS, "DNS6"},
    {static_cast<CfgAttribute>(11), "NBNS6"},  // INTERNAL_IP6_NBNS, RFC 4306 only
    {CfgAttribute::INTERNAL_IP6_DHCP, "DHCP6"},
    {CfgAttribute::INTERNAL_IP4_SUBNET, "SUBNET"},
    {CfgAttribute::SUPPORTED_ATTRIBUTES, "SUP"},
    {CfgAttribute::INTERNAL_IP6_SUBNET, "SUBNET6"},
    {CfgAttribute::MIP6_HOME_PREFIX, "MIP6HPFX"},
    {CfgAttribute::INTERNAL_IP6_LINK, "LINK6"},
    {CfgAttribute::INTERNAL_IP6_PREFIX, "PFX6"},
    {CfgAttribute::HOME_AGENT_ADDRESS, "HOA"},
};
constexpr NameTable<CfgAttribute> kCfgAttributeShortNames{kCfgAttributeShortEntries};

constexpr NameEntry<EapCode> kEapCodeShortEntries[] = {
    {EapCode::Request, "REQ"},  {EapCode::Response, "RES"},  {EapCode::Success, "SUCC"},
    {EapCode::Failure, "FAIL"}, {EapCode::Initiate, "INIT"}, {EapCode::Finish, "FIN"},
};
constexpr NameTable<EapCode> kEapCodeShortNames{kEapCodeShortEntries};

constexpr NameEntry<EapType> kEapTypeShortEntries[] = {
    {EapType::Identity, "ID"},  {EapType::Notification, "NTF"}, {EapType::Nak, "NAK"},
    {EapType::MD5, "MD5"},      {EapType::OTP, "OTP"},          {EapType::GTC, "GTC"},
    {EapType::TLS, "TLS"},      {EapType::SIM, "SIM"},          {EapType::TTLS, "TTLS"},
    {EapType::AKA, "AKA"},      {EapType::PEAP, "PEAP"},        {EapType::MSCHAPV2, "MSCHAPV2"},
    {EapType::MSTLV, "MSTLV"},  {EapType::TNC, "TNC"},          {EapType::PT_EAP, "PT"},
    {EapType::Expanded, "EXP"}, {EapType::Experimental, "XP"},
};
constexpr NameTable<EapType> kEapTypeShortNames{kEapTypeShortEntries};

// A name for a value, preferring the short form, then the full one, then the number.
template <typename E>
std::string label(std::string_view short_form, E value) {
  if (!short_form.empty()) return std::string(short_form);
  return std::to_string(static_cast<unsigned long long>(value));
}

std::string cp_label(const CpPayload& cp) {
  std::string out = "CP";
  if (cp.attributes.empty()) return out;
  switch (cp.cfg_type) {
    case CfgType::Request:
      out += "RQ(";
      break;
    case CfgType::Reply:
      out += "RP(";
      break;
    case CfgType::Set:
      out += "S(";
      break;
    case CfgType::Ack:
      out += "A(";
      break;
    default:
      out += "(";
      break;
  }
  for (size_t i = 0; i < cp.attributes.size(); ++i) {
    if (i) out += " ";
    out += label(short_name(cp.attributes[i].type), cp.attributes[i].type);
  }
  return out + ")";
}

std::string eap_label(const EapPayload& eap) {
  std::string out = "EAP";
  auto code = eap.code();
  if (!code) return out;
  out += "/" + label(short_name(*code), *code);
  if (auto type = eap.eap_type()) {
    auto vendor = eap.vendor_id();
    if (*type == EapType::Expanded && vendor && *vendor != 0)
      // charon's form for vendor-specific methods: type-vendor
      out += "/" + std::to_string(eap.vendor_type().value_or(0)) + "-" + std::to_string(*vendor);
    else if (*type == EapType::Expanded && vendor)
      out += "/" + label(short_name(static_cast<EapType>(eap.vendor_type().value_or(0))),
                         eap.vendor_type().value_or(0));
    else
      out += "/" + label(short_name(*type), *type);
  }
  return out;
}

}  // namespace

std::string_view short_name(NotifyType v) {
  auto s = kNotifyShortNames.name(v);
  return s.empty() ? name(v) : s;
}

std::string_view short_name(CfgAttribute v) {
  auto s = kCfgAttributeShortNames.name(v);
  return s.empty() ? name(v) : s;
}

std::string_view short_name(EapCode v) {
  auto s = kEapCodeShortNames.name(v);
  return s.empty() ? name(v) : s;
}

std::string_view short_name(EapType v) {
  auto s = kEapTypeShortNames.name(v);
  return s.empty() ? name(v) : s;
}

std::string summary_label(const Payload& p) {
  std::string base(short_name(p.type));
  if (base.empty()) base = to_string(p.type);
  if (const auto* n = p.as<NotifyPayload>())
    return base + "(" + label(short_name(n->type), n->type) + ")";
  if (const auto* cp = p.as<CpPayload>()) return cp_label(*cp);
  if (const auto* eap = p.as<EapPayload>()) return eap_label(*eap);
  if (const auto* skf = p.as<EncryptedFragmentPayload>())
    return base + "(" + std::to_string(skf->fragment_number) + "/" +
           std::to_string(skf->total_fragments) + ")";
  return base;
}

std::string summary(const Message& message, const std::vector<Payload>* inner) {
  std::string out = to_string(message.header.exchange);
  out += message.header.response() ? " response " : " request ";
  out += std::to_string(message.header.message_id);
  out += " [";
  for (const Payload& p : message.payloads) {
    if (p.type == PayloadType::SK && inner) {
      for (const Payload& q : *inner) out += " " + summary_label(q);
      continue;
    }
    out += " " + summary_label(p);
  }
  return out + " ]";
}

}  // namespace ikesuite::v2
