// RFC 7296 §3.16: the EAP payload carries one EAP message (RFC 3748 §4), whose header the
// codec checks so that the EAP layer receives a message whose length it can trust.
#include "engine/wire/ikev2/codec_internal.h"

namespace ikesuite::v2 {

namespace {

using detail::syntax_error;

constexpr size_t kTypeOffset = 4;
constexpr size_t kExpandedHeaderSize = 12;  // RFC 3748 §5.7: header, 254, Vendor-Id, Vendor-Type

// Codes whose messages carry a Type octet: RFC 3748 §4.1 (Request, Response) and RFC 6696
// §5.3 (Initiate, Finish).
bool has_type(uint8_t code) {
  return code == static_cast<uint8_t>(EapCode::Request) ||
         code == static_cast<uint8_t>(EapCode::Response) ||
         code == static_cast<uint8_t>(EapCode::Initiate) ||
         code == static_cast<uint8_t>(EapCode::Finish);
}

constexpr NameEntry<EapCode> kEapCodeEntries[] = {
    {EapCode::Request, "EAP_REQUEST"},   {EapCode::Response, "EAP_RESPONSE"},
    {EapCode::Success, "EAP_SUCCESS"},   {EapCode::Failure, "EAP_FAILURE"},
    {EapCode::Initiate, "EAP_INITIATE"}, {EapCode::Finish, "EAP_FINISH"},
};
constexpr NameTable<EapCode> kEapCodeNames{kEapCodeEntries};

constexpr NameEntry<EapType> kEapTypeEntries[] = {
    {EapType::Identity, "EAP_IDENTITY"},
    {EapType::Notification, "EAP_NOTIFICATION"},
    {EapType::Nak, "EAP_NAK"},
    {EapType::MD5, "EAP_MD5"},
    {EapType::OTP, "EAP_OTP"},
    {EapType::GTC, "EAP_GTC"},
    {EapType::TLS, "EAP_TLS"},
    {EapType::SIM, "EAP_SIM"},
    {EapType::TTLS, "EAP_TTLS"},
    {EapType::AKA, "EAP_AKA"},
    {EapType::PEAP, "EAP_PEAP"},
    {EapType::MSCHAPV2, "EAP_MSCHAPV2"},
    {EapType::MSTLV, "EAP_MSTLV"},
    {EapType::TNC, "EAP_TNC"},
    {EapType::AKA_PRIME, "EAP_AKA_PRIME"},
    {EapType::PWD, "EAP_PWD"},
    {EapType::EKE, "EAP_EKE"},
    {EapType::PT_EAP, "EAP_PT_EAP"},
    {EapType::TEAP, "EAP_TEAP"},
    {EapType::Expanded, "EAP_EXPANDED"},
    {EapType::Experimental, "EAP_EXPERIMENTAL"},
};
constexpr NameTable<EapType> kEapTypeNames{kEapTypeEntries};

}  // namespace

std::string_view name(EapCode v) {
  return kEapCodeNames.name(v);
}
std::string_view name(EapType v) {
  return kEapTypeNames.name(v);
}

namespace detail {

Result<EapPayload> parse_eap(wire::Reader& r) {
  EapPayload eap;
  size_t start = r.offset();
  if (r.remaining() < EapPayload::kHeaderSize)
    return syntax_error(
        ErrorCode::kTruncated,
        "the EAP header needs 4 bytes, the payload has " + std::to_string(r.remaining()), start);
  wire::Reader fields = r;
  TRY_ASSIGN(eap.message, r.copy(r.remaining()));
  TRY_ASSIGN(uint8_t code, fields.u8());
  TRY(fields.skip(1));  // Identifier
  TRY_ASSIGN(uint16_t length, fields.u16());
  // RFC 3748 §4: Length covers code, identifier, length and data. Over a link layer, bytes
  // beyond it are padding; the EAP payload frames the message exactly, so they must agree.
  if (length != eap.message.size())
    return syntax_error(ErrorCode::kLength,
                        "EAP Length " + std::to_string(length) + " but the payload carries " +
                            std::to_string(eap.message.size()) + " bytes",
                        start + 2);
  if (has_type(code)) {
    if (length <= kTypeOffset)
      return syntax_error(ErrorCode::kLength,
                          "EAP Length " + std::to_string(length) + " leaves no room for the Type",
                          start + 2);
    TRY_ASSIGN(uint8_t type, fields.u8());
    if (type == static_cast<uint8_t>(EapType::Expanded) && length < kExpandedHeaderSize)
      return syntax_error(ErrorCode::kLength,
                          "an Expanded Type needs Vendor-Id and Vendor-Type (RFC 3748 §5.7), "
                          "the message has " +
                              std::to_string(length) + " bytes",
                          start + 2);
  } else if (code == static_cast<uint8_t>(EapCode::Success) ||
             code == static_cast<uint8_t>(EapCode::Failure)) {
    // RFC 3748 §4.2: Success and Failure are the bare 4-octet header.
    if (length != EapPayload::kHeaderSize)
      return syntax_error(ErrorCode::kLength,
                          "EAP " + std::string(name(static_cast<EapCode>(code))) + " has Length " +
                              std::to_string(length) + ", must be 4",
                          start + 2);
  }
  // Unknown codes are kept: RFC 3748 §4 has the EAP layer silently discard them, which is the
  // EAP method's business, not an IKE syntax error.
  return eap;
}

}  // namespace detail

std::optional<EapCode> EapPayload::code() const {
  wire::Reader r(message);
  auto v = r.u8();
  if (!v.ok()) return std::nullopt;
  return static_cast<EapCode>(*v);
}

std::optional<uint8_t> EapPayload::identifier() const {
  wire::Reader r(message);
  if (!r.skip(1).ok()) return std::nullopt;
  auto v = r.u8();
  if (!v.ok()) return std::nullopt;
  return *v;
}

std::optional<uint16_t> EapPayload::length() const {
  wire::Reader r(message);
  if (!r.skip(2).ok()) return std::nullopt;
  auto v = r.u16();
  if (!v.ok()) return std::nullopt;
  return *v;
}

std::optional<EapType> EapPayload::eap_type() const {
  auto c = code();
  if (!c || !has_type(static_cast<uint8_t>(*c))) return std::nullopt;
  wire::Reader r(message);
  if (!r.skip(kTypeOffset).ok()) return std::nullopt;
  auto v = r.u8();
  if (!v.ok()) return std::nullopt;
  return static_cast<EapType>(*v);
}

std::optional<uint32_t> EapPayload::vendor_id() const {
  if (eap_type() != EapType::Expanded) return std::nullopt;
  wire::Reader r(message);
  if (!r.skip(kTypeOffset + 1).ok()) return std::nullopt;
  auto v = r.u24();
  if (!v.ok()) return std::nullopt;
  return *v;
}

std::optional<uint32_t> EapPayload::vendor_type() const {
  if (eap_type() != EapType::Expanded) return std::nullopt;
  wire::Reader r(message);
  if (!r.skip(kTypeOffset + 4).ok()) return std::nullopt;
  auto v = r.u32();
  if (!v.ok()) return std::nullopt;
  return *v;
}

ByteView EapPayload::type_data() const {
  auto type = eap_type();
  if (!type) return {};
  size_t skip = *type == EapType::Expanded ? kExpandedHeaderSize : kTypeOffset + 1;
  wire::Reader r(message);
  if (!r.skip(skip).ok()) return {};
  return r.rest();
}

EapPayload EapPayload::make(EapCode code, uint8_t identifier, std::optional<EapType> type,
                            ByteView type_data) {
  wire::Writer w;
  w.u8(static_cast<uint8_t>(code));
  w.u8(identifier);
  size_t length = w.reserve_u16();
  if (type) w.u8(static_cast<uint8_t>(*type));
  w.bytes(type_data);
  w.patch_length_u16(length, 0);
  EapPayload eap;
  // A message too long for the 16-bit Length cannot be carried; the writer's error then
  // leaves an empty message, which serialize() writes and parse() rejects.
  eap.message = std::move(w).finish().value_or(Bytes{});
  return eap;
}

}  // namespace ikesuite::v2
