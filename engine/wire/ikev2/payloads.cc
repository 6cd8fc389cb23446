// RFC 7296 §3.4-§3.16 and RFC 7383 §2.5: the payload bodies other than SA, TS and EAP, and
// the dispatch from a payload type to its body parser and writer.
#include <cstdint>

#include "engine/wire/ikev2/codec_internal.h"

namespace ikesuite::v2 {

namespace {

using detail::check_reserved;
using detail::syntax_error;

Result<KePayload> parse_ke(wire::Reader& r, const ParseOptions& options) {
  KePayload ke;
  size_t start = r.offset();
  TRY_ASSIGN(uint16_t group, r.u16());
  ke.group = static_cast<DhGroup>(group);
  TRY_ASSIGN(uint16_t reserved, r.u16());
  TRY(check_reserved(options, reserved, start + 2, "the RESERVED field"));
  // RFC 7296 §3.4 fixes the public value's length per group ("MUST be equal to the length of
  // the prime modulus", RFC 5903 for ECP); the group table lives in engine/crypto, which
  // checks it and answers INVALID_SYNTAX or INVALID_KE_PAYLOAD.
  TRY_ASSIGN(ke.data, r.copy(r.remaining()));
  return ke;
}

Result<IdPayload> parse_id(wire::Reader& r, const ParseOptions& options) {
  IdPayload id;
  size_t start = r.offset();
  TRY_ASSIGN(uint8_t type, r.u8());
  id.type = static_cast<IdType>(type);
  TRY_ASSIGN(uint32_t reserved, r.u24());
  TRY(check_reserved(options, reserved, start + 1, "the RESERVED field"));
  size_t data_offset = r.offset();
  TRY_ASSIGN(id.data, r.copy(r.remaining()));
  // RFC 7296 §3.5: ID_IPV4_ADDR is "a single four (4) octet IPv4 address", ID_IPV6_ADDR a
  // sixteen-octet one. The other types are strings or DER whose syntax the engine's identity
  // matching judges.
  size_t expected = id.type == IdType::IPV4_ADDR ? 4 : id.type == IdType::IPV6_ADDR ? 16 : 0;
  if (expected != 0 && id.data.size() != expected)
    return syntax_error(ErrorCode::kLength,
                        to_string(id.type) + " data is " + std::to_string(id.data.size()) +
                            " bytes, must be " + std::to_string(expected),
                        data_offset);
  return id;
}

Result<CertPayload> parse_cert(wire::Reader& r) {
  CertPayload cert;
  TRY_ASSIGN(uint8_t encoding, r.u8());
  cert.encoding = static_cast<CertEncoding>(encoding);
  // The certificate's DER (or hash and URL, RFC 7296 §3.6) is for engine/crypto to decode.
  TRY_ASSIGN(cert.data, r.copy(r.remaining()));
  return cert;
}

bool is_x509_ca_list(CertEncoding e) {
  // RFC 7296 §3.7: the CA field is defined for X.509 encodings 4, 12 and 13.
  return e == CertEncoding::X509_SIGNATURE || e == CertEncoding::HASH_URL_X509_CERT ||
         e == CertEncoding::HASH_URL_X509_BUNDLE;
}

Result<CertReqPayload> parse_certreq(wire::Reader& r) {
  CertReqPayload req;
  TRY_ASSIGN(uint8_t encoding, r.u8());
  req.encoding = static_cast<CertEncoding>(encoding);
  size_t data_offset = r.offset();
  TRY_ASSIGN(req.authorities, r.copy(r.remaining()));
  // RFC 7296 §3.7: for X.509 the field "is a concatenated list of SHA-1 hashes" of CA public
  // keys. An empty list is accepted (peers send it to ask for any certificate).
  if (is_x509_ca_list(req.encoding) && req.authorities.size() % CertReqPayload::kCaHashSize != 0)
    return syntax_error(ErrorCode::kLength,
                        "Certification Authority field of " +
                            std::to_string(req.authorities.size()) +
                            " bytes is not a list of 20-byte SHA-1 hashes",
                        data_offset);
  return req;
}

Result<AuthPayload> parse_auth(wire::Reader& r, const ParseOptions& options) {
  AuthPayload auth;
  size_t start = r.offset();
  TRY_ASSIGN(uint8_t method, r.u8());
  auth.method = static_cast<AuthMethod>(method);
  TRY_ASSIGN(uint32_t reserved, r.u24());
  TRY(check_reserved(options, reserved, start + 1, "the RESERVED field"));
  // The AUTH value's length depends on the PRF or the signature; engine/crypto verifies it.
  TRY_ASSIGN(auth.data, r.copy(r.remaining()));
  return auth;
}

Result<NoncePayload> parse_nonce(wire::Reader& r) {
  NoncePayload nonce;
  size_t start = r.offset();
  // RFC 7296 §3.9: "The size of the Nonce Data MUST be between 16 and 256 octets, inclusive."
  if (r.remaining() < NoncePayload::kMinSize || r.remaining() > NoncePayload::kMaxSize)
    return syntax_error(
        ErrorCode::kLength,
        "Nonce Data of " + std::to_string(r.remaining()) + " bytes, must be 16 to 256", start);
  TRY_ASSIGN(nonce.nonce, r.copy(r.remaining()));
  return nonce;
}

// RFC 7296 §3.10: which SPI a notify may carry. "For a notification concerning the IKE SA,
// the SPI Size MUST be zero"; a Child SA's SPI (AH, ESP) is four octets. With no SPI the
// Protocol ID "MUST be ignored on receipt", so any value is kept.
Status check_notify_spi(ProtocolId protocol, uint8_t spi_size, size_t offset) {
  if (spi_size == 0) return {};
  switch (protocol) {
    case ProtocolId::AH:
    case ProtocolId::ESP:
      if (spi_size == 4) return {};
      return syntax_error(
          ErrorCode::kMalformed,
          "SPI Size " + std::to_string(spi_size) + " for " + to_string(protocol) + ", must be 4",
          offset);
    case ProtocolId::IKE:
      return syntax_error(ErrorCode::kMalformed,
                          "SPI Size " + std::to_string(spi_size) +
                              " for an IKE SA notification, must be 0 (RFC 7296 §3.10)",
                          offset);
    case ProtocolId::None:
      return syntax_error(ErrorCode::kMalformed,
                          "SPI Size " + std::to_string(spi_size) + " with Protocol ID 0", offset);
  }
  return {};  // other protocol IDs: the SPI is whatever that protocol defines
}

// The data length a notify type's RFC fixes: {min, max}; {0, SIZE_MAX} when free.
struct DataLength {
  size_t min = 0;
  size_t max = SIZE_MAX;
  size_t multiple = 1;
  const char* rule = "";
};

DataLength notify_data_length(NotifyType type) {
  switch (type) {
    case NotifyType::INVALID_KE_PAYLOAD:
      return {2, 2, 1, "the accepted group, two octets (RFC 7296 §3.10.1)"};
    case NotifyType::INVALID_MESSAGE_ID:
      return {4, 4, 1, "the four-octet Message ID (RFC 7296 §3.10.1)"};
    case NotifyType::SET_WINDOW_SIZE:
      return {4, 4, 1, "a four-octet window size (RFC 7296 §3.10.1)"};
    case NotifyType::IPCOMP_SUPPORTED:
      return {3, SIZE_MAX, 1, "a two-octet CPI and a one-octet transform ID (RFC 7296 §3.10.1)"};
    case NotifyType::NAT_DETECTION_SOURCE_IP:
    case NotifyType::NAT_DETECTION_DESTINATION_IP:
      return {20, 20, 1, "a 20-octet SHA-1 digest (RFC 7296 §2.23)"};
    case NotifyType::COOKIE:
      return {1, 64, 1, "1 to 64 octets (RFC 7296 §2.6)"};
    case NotifyType::ADDITIONAL_IP4_ADDRESS:
      return {4, 4, 1, "an IPv4 address (RFC 4555 §3.6)"};
    case NotifyType::ADDITIONAL_IP6_ADDRESS:
      return {16, 16, 1, "an IPv6 address (RFC 4555 §3.6)"};
    case NotifyType::AUTH_LIFETIME:
      return {4, 4, 1, "a four-octet lifetime (RFC 4478 §3)"};
    case NotifyType::SIGNATURE_HASH_ALGORITHMS:
      return {0, SIZE_MAX, 2, "a list of two-octet hash identifiers (RFC 7427 §4)"};
    default:
      // Other types' data is interpreted (or ignored) by the engine that handles the type;
      // capability notifies whose data the RFCs leave empty are never read, so extra data
      // there cannot be misread.
      return {};
  }
}

Result<NotifyPayload> parse_notify(wire::Reader& r) {
  NotifyPayload n;
  size_t start = r.offset();
  TRY_ASSIGN(uint8_t protocol, r.u8());
  n.protocol = static_cast<ProtocolId>(protocol);
  TRY_ASSIGN(uint8_t spi_size, r.u8());
  TRY_ASSIGN(uint16_t type, r.u16());
  n.type = static_cast<NotifyType>(type);
  TRY(check_notify_spi(n.protocol, spi_size, start + 1));
  if (spi_size > r.remaining())
    return syntax_error(ErrorCode::kLength,
                        "SPI Size " + std::to_string(spi_size) +
                            " runs past the end of the payload (" + std::to_string(r.remaining()) +
                            " bytes left)",
                        start + 1);
  TRY_ASSIGN(n.spi, r.copy(spi_size));
  size_t data_offset = r.offset();
  TRY_ASSIGN(n.data, r.copy(r.remaining()));
  DataLength rule = notify_data_length(n.type);
  if (n.data.size() < rule.min || n.data.size() > rule.max || n.data.size() % rule.multiple != 0)
    return syntax_error(ErrorCode::kLength,
                        to_string(n.type) + " data is " + std::to_string(n.data.size()) +
                            " bytes, must be " + rule.rule,
                        data_offset);
  return n;
}

Result<DeletePayload> parse_delete(wire::Reader& r) {
  DeletePayload d;
  size_t start = r.offset();
  TRY_ASSIGN(uint8_t protocol, r.u8());
  d.protocol = static_cast<ProtocolId>(protocol);
  TRY_ASSIGN(d.spi_size, r.u8());
  TRY_ASSIGN(uint16_t count, r.u16());
  // RFC 7296 §3.11: SPI Size "MUST be zero for IKE (SPI is in message header) or four for AH
  // and ESP".
  switch (d.protocol) {
    case ProtocolId::IKE:
      if (d.spi_size != 0)
        return syntax_error(ErrorCode::kMalformed,
                            "SPI Size " + std::to_string(d.spi_size) + " for IKE, must be 0",
                            start + 1);
      break;
    case ProtocolId::AH:
    case ProtocolId::ESP:
      if (d.spi_size != 4)
        return syntax_error(ErrorCode::kMalformed,
                            "SPI Size " + std::to_string(d.spi_size) + " for " +
                                to_string(d.protocol) + ", must be 4",
                            start + 1);
      break;
    case ProtocolId::None:
      return syntax_error(ErrorCode::kMalformed, "Protocol ID 0 names no SA to delete", start);
  }
  // Zero-size SPIs cannot be counted: the IKE SA's SPIs are in the header.
  if (d.spi_size == 0 && count != 0)
    return syntax_error(ErrorCode::kMalformed,
                        "Num of SPIs " + std::to_string(count) + " with SPI Size 0", start + 2);
  size_t needed = size_t{count} * d.spi_size;
  if (needed != r.remaining())
    return syntax_error(ErrorCode::kLength,
                        std::to_string(count) + " SPIs of " + std::to_string(d.spi_size) +
                            " bytes need " + std::to_string(needed) + " bytes, the payload has " +
                            std::to_string(r.remaining()),
                        start + 2);
  d.spis.reserve(count);  // bounded: count * spi_size bytes are present
  for (size_t i = 0; i < count; ++i) {
    TRY_ASSIGN(Bytes spi, r.copy(d.spi_size));
    d.spis.push_back(std::move(spi));
  }
  return d;
}

Result<EncryptedFragmentPayload> parse_skf(wire::Reader& r) {
  EncryptedFragmentPayload f;
  size_t start = r.offset();
  TRY_ASSIGN(f.fragment_number, r.u16());
  TRY_ASSIGN(f.total_fragments, r.u16());
  // RFC 7383 §2.5: Fragment Number "MUST be less than or equal to" Total Fragments and
  // "MUST NOT be zero"; Total Fragments "MUST NOT be zero".
  if (f.fragment_number == 0)
    return syntax_error(ErrorCode::kMalformed, "Fragment Number 0 (numbering starts at 1)", start);
  if (f.total_fragments == 0)
    return syntax_error(ErrorCode::kMalformed, "Total Fragments 0", start + 2);
  if (f.fragment_number > f.total_fragments)
    return syntax_error(ErrorCode::kMalformed,
                        "Fragment Number " + std::to_string(f.fragment_number) +
                            " exceeds Total Fragments " + std::to_string(f.total_fragments),
                        start);
  TRY_ASSIGN(f.body, r.copy(r.remaining()));
  return f;
}

Result<CpPayload> parse_cp(wire::Reader& r, const ParseOptions& options) {
  CpPayload cp;
  size_t start = r.offset();
  TRY_ASSIGN(uint8_t cfg_type, r.u8());
  // Unassigned CFG types are kept; the engine ignores or rejects them.
  cp.cfg_type = static_cast<CfgType>(cfg_type);
  TRY_ASSIGN(uint32_t reserved, r.u24());
  TRY(check_reserved(options, reserved, start + 1, "the RESERVED field"));
  while (!r.empty()) {
    size_t index = cp.attributes.size() + 1;
    if (cp.attributes.size() >= kMaxConfigAttributes)
      return Error(ErrorCode::kLimit,
                   "more than " + std::to_string(kMaxConfigAttributes) + " attributes", r.offset());
    size_t astart = r.offset();
    CpAttributeValue a;
    auto parse_attribute = [&]() -> Status {
      TRY_ASSIGN(uint16_t r_type, r.u16());
      // RFC 7296 §3.15.1: R "MUST be set to zero and MUST be ignored on receipt".
      TRY(check_reserved(options, r_type & 0x8000, astart, "the R bit"));
      a.type = static_cast<CfgAttribute>(r_type & 0x7fff);
      TRY_ASSIGN(uint16_t length, r.u16());
      if (length > r.remaining())
        return syntax_error(ErrorCode::kLength,
                            "Length " + std::to_string(length) +
                                " runs past the end of the payload (" +
                                std::to_string(r.remaining()) + " bytes left)",
                            astart + 2);
      TRY_ASSIGN(a.value, r.copy(length));
      // RFC 7296 §3.15.1's table (and RFC 7651 for P-CSCF): a request leaves the value
      // empty, a reply carries the fixed-size value.
      size_t fixed = 0;
      size_t multiple = 0;
      switch (a.type) {
        case CfgAttribute::INTERNAL_IP4_ADDRESS:
        case CfgAttribute::INTERNAL_IP4_NETMASK:
        case CfgAttribute::INTERNAL_IP4_DNS:
        case CfgAttribute::INTERNAL_IP4_NBNS:
        case CfgAttribute::INTERNAL_IP4_DHCP:
        case CfgAttribute::P_CSCF_IP4_ADDRESS:
          fixed = 4;
          break;
        case CfgAttribute::INTERNAL_IP6_DNS:
        case CfgAttribute::INTERNAL_IP6_DHCP:
        case CfgAttribute::P_CSCF_IP6_ADDRESS:
          fixed = 16;
          break;
        case CfgAttribute::INTERNAL_IP6_ADDRESS:  // address and prefix length
        case CfgAttribute::INTERNAL_IP6_SUBNET:
          fixed = 17;
          break;
        case CfgAttribute::INTERNAL_IP4_SUBNET:  // address and netmask
          fixed = 8;
          break;
        case CfgAttribute::SUPPORTED_ATTRIBUTES:  // a list of two-octet attribute types
          multiple = 2;
          break;
        default:
          break;
      }
      if (fixed != 0 && !a.value.empty() && a.value.size() != fixed)
        return syntax_error(ErrorCode::kLength,
                            "Length " + std::to_string(a.value.size()) + " for " +
                                to_string(a.type) + ", must be 0 or " + std::to_string(fixed),
                            astart + 2);
      if (multiple != 0 && a.value.size() % multiple != 0)
        return syntax_error(ErrorCode::kLength,
                            "Length " + std::to_string(a.value.size()) + " for " +
                                to_string(a.type) + ", must be a multiple of " +
                                std::to_string(multiple),
                            astart + 2);
      return {};
    };
    Status s = parse_attribute();
    if (!s.ok())
      return std::move(s).error().within("attribute #" + std::to_string(index) + " (" +
                                         to_string(a.type) + ")");
    cp.attributes.push_back(std::move(a));
  }
  return cp;
}

Result<PayloadBody> parse_body_impl(PayloadType type, wire::Reader& r, const ParseOptions& o) {
  switch (type) {
    case PayloadType::SA: {
      TRY_ASSIGN(SaPayload v, detail::parse_sa(r, o));
      return PayloadBody(std::move(v));
    }
    case PayloadType::KE: {
      TRY_ASSIGN(KePayload v, parse_ke(r, o));
      return PayloadBody(std::move(v));
    }
    case PayloadType::IDi:
    case PayloadType::IDr: {
      TRY_ASSIGN(IdPayload v, parse_id(r, o));
      return PayloadBody(std::move(v));
    }
    case PayloadType::CERT: {
      TRY_ASSIGN(CertPayload v, parse_cert(r));
      return PayloadBody(std::move(v));
    }
    case PayloadType::CERTREQ: {
      TRY_ASSIGN(CertReqPayload v, parse_certreq(r));
      return PayloadBody(std::move(v));
    }
    case PayloadType::AUTH: {
      TRY_ASSIGN(AuthPayload v, parse_auth(r, o));
      return PayloadBody(std::move(v));
    }
    case PayloadType::Nonce: {
      TRY_ASSIGN(NoncePayload v, parse_nonce(r));
      return PayloadBody(std::move(v));
    }
    case PayloadType::Notify: {
      TRY_ASSIGN(NotifyPayload v, parse_notify(r));
      return PayloadBody(std::move(v));
    }
    case PayloadType::Delete: {
      TRY_ASSIGN(DeletePayload v, parse_delete(r));
      return PayloadBody(std::move(v));
    }
    case PayloadType::VendorId: {
      VendorIdPayload v;
      TRY_ASSIGN(v.id, r.copy(r.remaining()));
      return PayloadBody(std::move(v));
    }
    case PayloadType::TSi:
    case PayloadType::TSr: {
      TRY_ASSIGN(TsPayload v, detail::parse_ts(r, o));
      return PayloadBody(std::move(v));
    }
    case PayloadType::SK: {
      // RFC 7296 §3.14: IV, ciphertext, padding and ICV sizes depend on the negotiated
      // algorithms; engine/crypto checks them when it decrypts.
      EncryptedPayload v;
      TRY_ASSIGN(v.body, r.copy(r.remaining()));
      return PayloadBody(std::move(v));
    }
    case PayloadType::SKF: {
      TRY_ASSIGN(EncryptedFragmentPayload v, parse_skf(r));
      return PayloadBody(std::move(v));
    }
    case PayloadType::CP: {
      TRY_ASSIGN(CpPayload v, parse_cp(r, o));
      return PayloadBody(std::move(v));
    }
    case PayloadType::EAP: {
      TRY_ASSIGN(EapPayload v, detail::parse_eap(r));
      return PayloadBody(std::move(v));
    }
    case PayloadType::None:
      return syntax_error(ErrorCode::kMalformed, "payload type 0 means \"no next payload\"",
                          r.offset());
  }
  RawPayload raw;
  TRY_ASSIGN(raw.body, r.copy(r.remaining()));
  return PayloadBody(std::move(raw));
}

// Visitor writing each body alternative.
struct BodyWriter {
  wire::Writer& w;

  void operator()(const SaPayload& v) { detail::write_sa(w, v); }
  void operator()(const KePayload& v) {
    w.u16(static_cast<uint16_t>(v.group));
    w.u16(0);
    w.bytes(v.data);
  }
  void operator()(const IdPayload& v) {
    w.u8(static_cast<uint8_t>(v.type));
    w.zeros(3);
    w.bytes(v.data);
  }
  void operator()(const CertPayload& v) {
    w.u8(static_cast<uint8_t>(v.encoding));
    w.bytes(v.data);
  }
  void operator()(const CertReqPayload& v) {
    w.u8(static_cast<uint8_t>(v.encoding));
    w.bytes(v.authorities);
  }
  void operator()(const AuthPayload& v) {
    w.u8(static_cast<uint8_t>(v.method));
    w.zeros(3);
    w.bytes(v.data);
  }
  void operator()(const NoncePayload& v) { w.bytes(v.nonce); }
  void operator()(const NotifyPayload& v) {
    if (v.spi.size() > 0xff)
      w.fail(Error(ErrorCode::kLimit, "notify SPI of " + std::to_string(v.spi.size()) +
                                          " bytes does not fit the SPI Size octet"));
    w.u8(static_cast<uint8_t>(v.protocol));
    w.u8(static_cast<uint8_t>(v.spi.size()));
    w.u16(static_cast<uint16_t>(v.type));
    w.bytes(v.spi);
    w.bytes(v.data);
  }
  void operator()(const DeletePayload& v) {
    if (v.spis.size() > 0xffff)
      w.fail(Error(ErrorCode::kLimit,
                   std::to_string(v.spis.size()) + " SPIs do not fit the Num of SPIs field"));
    w.u8(static_cast<uint8_t>(v.protocol));
    w.u8(v.spi_size);
    w.u16(static_cast<uint16_t>(v.spis.size()));
    for (const Bytes& spi : v.spis) {
      if (spi.size() != v.spi_size)
        w.fail(Error(ErrorCode::kMalformed, "a " + std::to_string(spi.size()) +
                                                "-byte SPI in a Delete payload whose SPI Size is " +
                                                std::to_string(v.spi_size)));
      w.bytes(spi);
    }
  }
  void operator()(const VendorIdPayload& v) { w.bytes(v.id); }
  void operator()(const TsPayload& v) { detail::write_ts(w, v); }
  void operator()(const EncryptedPayload& v) { w.bytes(v.body); }
  void operator()(const EncryptedFragmentPayload& v) {
    w.u16(v.fragment_number);
    w.u16(v.total_fragments);
    w.bytes(v.body);
  }
  void operator()(const CpPayload& v) {
    w.u8(static_cast<uint8_t>(v.cfg_type));
    w.zeros(3);
    for (const CpAttributeValue& a : v.attributes) {
      if (static_cast<uint16_t>(a.type) & 0x8000)
        w.fail(Error(ErrorCode::kMalformed, "configuration attribute type " +
                                                std::to_string(static_cast<uint16_t>(a.type)) +
                                                " does not fit in 15 bits"));
      w.u16(static_cast<uint16_t>(a.type));
      size_t length = w.reserve_u16();
      w.bytes(a.value);
      w.patch_length_u16(length, length + 2);
    }
  }
  void operator()(const EapPayload& v) { w.bytes(v.message); }
  void operator()(const RawPayload& v) { w.bytes(v.body); }
};

}  // namespace

namespace detail {

void write_body(wire::Writer& w, const PayloadBody& body) {
  std::visit(BodyWriter{w}, body);
}

Result<PayloadBody> parse_body_reader(PayloadType type, wire::Reader& r,
                                      const ParseOptions& options) {
  return parse_body_impl(type, r, options);
}

}  // namespace detail

Result<PayloadBody> parse_body(PayloadType type, ByteView body, size_t base,
                               const ParseOptions& options) {
  wire::Reader r(body, base);
  auto result = parse_body_impl(type, r, options);
  if (!result.ok()) return detail::finish_error(std::move(result).error().within(to_string(type)));
  return result;
}

Result<Bytes> serialize_body(const PayloadBody& body) {
  wire::Writer w;
  detail::write_body(w, body);
  return std::move(w).finish();
}

bool is_known(PayloadType type) {
  switch (type) {
    case PayloadType::SA:
    case PayloadType::KE:
    case PayloadType::IDi:
    case PayloadType::IDr:
    case PayloadType::CERT:
    case PayloadType::CERTREQ:
    case PayloadType::AUTH:
    case PayloadType::Nonce:
    case PayloadType::Notify:
    case PayloadType::Delete:
    case PayloadType::VendorId:
    case PayloadType::TSi:
    case PayloadType::TSr:
    case PayloadType::SK:
    case PayloadType::CP:
    case PayloadType::EAP:
    case PayloadType::SKF:
      return true;
    case PayloadType::None:
      return false;
  }
  return false;
}

bool body_matches(PayloadType type, const PayloadBody& body) {
  // A raw body can stand in for any payload but SK and SKF, whose Next Payload field names
  // the inner first payload and so must come from the typed body.
  if (std::holds_alternative<RawPayload>(body))
    return type != PayloadType::None && type != PayloadType::SK && type != PayloadType::SKF;
  switch (type) {
    case PayloadType::SA:
      return std::holds_alternative<SaPayload>(body);
    case PayloadType::KE:
      return std::holds_alternative<KePayload>(body);
    case PayloadType::IDi:
    case PayloadType::IDr:
      return std::holds_alternative<IdPayload>(body);
    case PayloadType::CERT:
      return std::holds_alternative<CertPayload>(body);
    case PayloadType::CERTREQ:
      return std::holds_alternative<CertReqPayload>(body);
    case PayloadType::AUTH:
      return std::holds_alternative<AuthPayload>(body);
    case PayloadType::Nonce:
      return std::holds_alternative<NoncePayload>(body);
    case PayloadType::Notify:
      return std::holds_alternative<NotifyPayload>(body);
    case PayloadType::Delete:
      return std::holds_alternative<DeletePayload>(body);
    case PayloadType::VendorId:
      return std::holds_alternative<VendorIdPayload>(body);
    case PayloadType::TSi:
    case PayloadType::TSr:
      return std::holds_alternative<TsPayload>(body);
    case PayloadType::SK:
      return std::holds_alternative<EncryptedPayload>(body);
    case PayloadType::CP:
      return std::holds_alternative<CpPayload>(body);
    case PayloadType::EAP:
      return std::holds_alternative<EapPayload>(body);
    case PayloadType::SKF:
      return std::holds_alternative<EncryptedFragmentPayload>(body);
    case PayloadType::None:
      return false;
  }
  return false;
}

std::vector<ByteView> CertReqPayload::ca_hashes() const {
  std::vector<ByteView> out;
  if (!is_x509_ca_list(encoding)) return out;
  wire::Reader r(authorities);
  while (r.remaining() >= kCaHashSize) out.push_back(*r.bytes(kCaHashSize));
  return out;
}

}  // namespace ikesuite::v2
