// The one-line message summary in charon's form ("ID_PROT request 0 [ SA V V ]"), so that
// scenario expectations and people who read strongSwan logs see the same text. charon shares
// one notify table between IKEv1 and IKEv2, so IKEv1 numbers print with the label charon has
// for that number (1 prints as CRIT, 17 as INVAL_KE) and "(n)" when it has none.
#include <string>

#include "engine/base/names.h"
#include "engine/wire/charon_names.h"
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

// IKEv1 numbers charon names outside the shared table (charon_names.h).
constexpr Label kV1NotifyLabels[] = {
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

std::string notify_label(unsigned value) {
  for (const auto& l : wire::charon_notify_short_names())
    if (l.value == value) return std::string(l.text);
  return label(kV1NotifyLabels, value);
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
        return "N(" + notify_label(static_cast<unsigned>(n->type)) + ")";
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
