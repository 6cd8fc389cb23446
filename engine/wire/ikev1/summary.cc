// The one-line message summary in charon's form ("ID_PROT request 0 [ SA V V ]"), so that
// scenario expectations and people who read strongSwan logs see the same text. charon shares
// one notify table between IKEv1 and IKEv2, so IKEv1 numbers print with the label charon has
// for that number (1 prints as CRIT, 17 as INVAL_KE) and "(n)" when it has none.
#include <string>

#include "engine/base/names.h"
#include "engine/wire/ikev1/message.h"

namespace ikesuite::v1 {

namespace {

struct Label {
  uint16_t value;
  std::string_view text;
};

// charon's exchange_type_names for the values an ISAKMP header can carry.
constexpr Label kExchangeLabels[] = {
    {2, "ID_PROT"},         {3, "AUTH_ONLY"},          {4, "AGGRESSIVE"},
    {5, "INFORMATIONAL_V1"}, {6, "TRANSACTION"},       {32, "QUICK_MODE"},
    {33, "NEW_GROUP_MODE"}, {34, "IKE_SA_INIT"},       {35, "IKE_AUTH"},
    {36, "CREATE_CHILD_SA"}, {37, "INFORMATIONAL"},    {38, "IKE_SESSION_RESUME"},
    {255, "EXCHANGE_TYPE_UNDEFINED"},
};

// charon's notify_type_short_names, by number.
constexpr Label kNotifyLabels[] = {
    {1, "CRIT"},
    {4, "INVAL_IKE_SPI"},
    {5, "INVAL_MAJOR"},
    {7, "INVAL_SYN"},
    {9, "INVAL_MID"},
    {11, "INVAL_SPI"},
    {13, "ATTR_UNSUP"},
    {14, "NO_PROP"},
    {16, "PLD_MAL"},
    {17, "INVAL_KE"},
    {18, "INVAL_ID"},
    {19, "INVAL_CERTEN"},
    {20, "INVAL_CERT"},
    {21, "CERT_UNSUP"},
    {22, "INVAL_CA"},
    {23, "INVAL_HASH"},
    {24, "AUTH_FAILED"},
    {34, "SINGLE_PAIR"},
    {35, "NO_ADD_SAS"},
    {36, "INT_ADDR_FAIL"},
    {37, "FAIL_CP_REQ"},
    {38, "TS_UNACCEPT"},
    {39, "INVAL_SEL"},
    {40, "UNACCEPT_ADDR"},
    {41, "UNEXPECT_NAT"},
    {42, "ASSIGNED_HoA"},
    {43, "TEMP_FAIL"},
    {44, "NO_CHILD_SA"},
    {16384, "INIT_CONTACT"},
    {16385, "SET_WINSIZE"},
    {16386, "ADD_TS_POSS"},
    {16387, "IPCOMP_SUP"},
    {16388, "NATD_S_IP"},
    {16389, "NATD_D_IP"},
    {16390, "COOKIE"},
    {16391, "USE_TRANSP"},
    {16392, "HTTP_CERT_LOOK"},
    {16393, "REKEY_SA"},
    {16394, "ESP_TFC_PAD_N"},
    {16395, "NON_FIRST_FRAG"},
    {16396, "MOBIKE_SUP"},
    {16397, "ADD_4_ADDR"},
    {16398, "ADD_6_ADDR"},
    {16399, "NO_ADD_ADDR"},
    {16400, "UPD_SA_ADDR"},
    {16401, "COOKIE2"},
    {16402, "NO_NATS"},
    {16403, "AUTH_LFT"},
    {16404, "MULT_AUTH"},
    {16405, "AUTH_FOLLOWS"},
    {16406, "REDIR_SUP"},
    {16407, "REDIR"},
    {16408, "REDIR_FROM"},
    {16409, "TKT_LT_OPAK"},
    {16410, "TKT_REQ"},
    {16411, "TKT_ACK"},
    {16412, "TKT_NACK"},
    {16413, "TKT_OPAK"},
    {16414, "LINK_ID"},
    {16415, "WESP_MODE"},
    {16416, "ROHC_SUP"},
    {16417, "EAP_ONLY"},
    {16418, "CHDLESS_SUP"},
    {16419, "CRASH_DET"},
    {16420, "MSG_ID_SYN_SUP"},
    {16421, "RPL_CTR_SYN_SUP"},
    {16422, "MSG_ID_SYN"},
    {16423, "RPL_CTR_SYN"},
    {16424, "SEC_PASSWD"},
    {16425, "PSK_PST"},
    {16426, "PSK_CFM"},
    {16427, "ERX_SUP"},
    {16428, "IFOM_CAP"},
    {16429, "SENDER_REQ_ID"},
    {16430, "FRAG_SUP"},
    {16431, "HASH_ALG"},
    {24578, "INITIAL_CONTACT"},
    {36136, "DPD"},
    {36137, "DPD_ACK"},
    {40501, "UNITY_LB"},
};

// charon's configuration_attribute_type_short_names (Mode Config / XAUTH / Unity).
constexpr Label kCfgAttributeLabels[] = {
    {1, "ADDR"},       {2, "MASK"},        {3, "DNS"},         {4, "NBNS"},
    {5, "EXP"},        {6, "DHCP"},        {7, "VER"},         {8, "ADDR6"},
    {9, "MASK6"},      {10, "DNS6"},       {11, "NBNS6"},      {12, "DHCP6"},
    {13, "SUBNET"},    {14, "SUP"},        {15, "SUBNET6"},    {16, "MIP6HPFX"},
    {17, "LINK6"},     {18, "PFX6"},       {19, "HOA"},        {16520, "X_TYPE"},
    {16521, "X_USER"}, {16522, "X_PWD"},   {16523, "X_CODE"},  {16524, "X_MSG"},
    {16525, "X_CHALL"}, {16526, "X_DOMAIN"}, {16527, "X_STATUS"}, {16528, "X_PIN"},
    {16529, "X_ANSWER"}, {23456, "SRV"},   {23457, "SRV6"},    {28672, "U_BANNER"},
    {28673, "U_SAVEPWD"}, {28674, "U_DEFDOM"}, {28675, "U_SPLITDNS"}, {28676, "U_SPLITINC"},
    {28677, "U_NATTPORT"}, {28678, "U_LOCALLAN"}, {28679, "U_PFS"}, {28680, "U_FWTYPE"},
    {28681, "U_BKPSRV"}, {28682, "U_DDNSHOST"},
};

template <size_t N>
std::string label(const Label (&table)[N], unsigned value) {
  for (const auto& l : table)
    if (l.value == value) return std::string(l.text);
  return "(" + std::to_string(value) + ")";  // charon's form for a value it has no name for
}

std::string cfg_prefix(CfgType t) {
  switch (t) {
    case CfgType::ISAKMP_CFG_REQUEST: return "RQ(";
    case CfgType::ISAKMP_CFG_REPLY: return "RP(";
    case CfgType::ISAKMP_CFG_SET: return "S(";
    case CfgType::ISAKMP_CFG_ACK: return "A(";
  }
  return "(";
}

std::string payload_label(const Payload& p) {
  switch (p.type) {
    case PayloadType::SA: return "SA";
    case PayloadType::Proposal: return "PROP";
    case PayloadType::Transform: return "TRANS";
    case PayloadType::KE: return "KE";
    case PayloadType::ID: return "ID";
    case PayloadType::CERT: return "CERT";
    case PayloadType::CR: return "CERTREQ";
    case PayloadType::HASH: return "HASH";
    case PayloadType::SIG: return "SIG";
    case PayloadType::Nonce: return "No";
    case PayloadType::Notification: {
      if (const auto* n = p.as<NotifyPayload>())
        return "N(" + label(kNotifyLabels, static_cast<unsigned>(n->type)) + ")";
      return "N";
    }
    case PayloadType::Delete: return "D";
    case PayloadType::VendorId: return "V";
    case PayloadType::Attribute: {
      std::string out = "CP";
      const auto* a = p.as<AttributePayload>();
      if (!a || a->attributes.empty()) return out;
      for (size_t i = 0; i < a->attributes.size(); ++i) {
        out += i == 0 ? cfg_prefix(a->cfg_type) : " ";
        out += label(kCfgAttributeLabels, a->attributes[i].type);
      }
      return out + ")";
    }
    case PayloadType::NAT_D:
    case PayloadType::NAT_D_DRAFT: return "NAT-D";
    case PayloadType::NAT_OA:
    case PayloadType::NAT_OA_DRAFT: return "NAT-OA";
    case PayloadType::Fragment: {
      const auto* f = p.as<FragmentPayload>();
      if (!f) return "FRAG";
      std::string n = std::to_string(f->number);
      return "FRAG(" + (f->last() ? n + "/" + n : n) + ")";
    }
    case PayloadType::None: return "--";
  }
  return "UNKN(" + std::to_string(static_cast<unsigned>(p.type)) + ")";
}

}  // namespace

std::string payload_labels(const std::vector<Payload>& payloads) {
  std::string out;
  for (const auto& p : payloads) {
    if (!out.empty()) out += ' ';
    out += payload_label(p);
  }
  return out;
}

std::string summary(const Message& message, Direction direction,
                    const std::vector<Payload>* inner) {
  std::string out = label(kExchangeLabels, static_cast<unsigned>(message.header.exchange));
  out += direction == Direction::Request ? " request " : " response ";
  out += std::to_string(message.header.message_id);
  out += " [";
  std::string list;
  if (message.encrypted()) {
    list = inner ? payload_labels(*inner) : "E";
  } else {
    list = payload_labels(message.payloads);
  }
  if (!list.empty()) out += " " + list;
  return out + " ]";
}

}  // namespace ikesuite::v1
