// IKEv2 messages and payloads (RFC 7296 §3), as plain values: parse() turns a datagram into a
// Message, serialize() turns a Message into bytes, and for canonical input the two are
// inverse. The codec knows nothing of state or keys: the SK and SKF payloads are carried as
// opaque bodies (IV | ciphertext | ICV) that engine/crypto opens, after which
// parse_chain() parses the inner payloads.
//
// What the codec checks and what it leaves to the engine
// -------------------------------------------------------
// parse() enforces every rule of RFC 7296 §3 (and RFC 7383 §2.5) that can be judged from the
// bytes alone: every length field against its container and its contents, the proposal and
// transform "more follows" markers and counts, proposal numbering, SPI sizes per protocol,
// selector lengths per TS type, fixed-size notify data, nonce size, EAP length, the SK/SKF
// position. A malformed message fails with INVALID_SYNTAX as the notify to answer with; an
// unknown critical payload with UNSUPPORTED_CRITICAL_PAYLOAD; a major version other than 2
// with INVALID_MAJOR_VERSION. Rules that need to know the exchange, the state or the keys
// (which payloads an exchange must carry, whether a proposal is acceptable, a responder SPI
// that must be zero, the KE length for a group, the SK padding) are the engine's and
// engine/crypto's, as the comments at each check say.
//
// Reserved fields: written as zero. On receipt they are ignored and dropped (RFC 7296 §3.2:
// "MUST be sent as zero; MUST be ignored on receipt"), so serialize(parse(bytes)) == bytes
// holds for canonical input only; ParseOptions::reject_nonzero_reserved turns them into
// errors for conformance checks. The header flags byte is the exception: it is kept as
// received (Header::flags), because it is a field the engine and logs inspect, and written
// back as given.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::v2 {

// RFC 7296 §3.1
struct Header {
  static constexpr size_t kSize = 28;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  PayloadType next_payload = PayloadType::None;
  uint8_t major_version = 2;
  uint8_t minor_version = 0;
  ExchangeType exchange = ExchangeType::IkeSaInit;
  // The whole flags octet as received (reserved bits included); serialize() writes it as is.
  uint8_t flags = 0;
  uint32_t message_id = 0;
  // Total length as read from the wire; serialize() computes it.
  uint32_t length = 0;

  bool initiator() const { return flags & kFlagInitiator; }
  bool response() const { return flags & kFlagResponse; }
  bool operator==(const Header&) const = default;
};

// RFC 7296 §3.3.5. Attributes with the AF bit set are TV (value in `tv_value`), otherwise TLV
// (value in `tlv_value`).
struct TransformAttribute {
  uint16_t type = 0;  // without the AF bit
  bool tv = true;
  uint16_t tv_value = 0;
  Bytes tlv_value;

  static TransformAttribute key_length(uint16_t bits) {
    return {static_cast<uint16_t>(TransformAttributeType::KeyLength), true, bits, {}};
  }
  bool operator==(const TransformAttribute&) const = default;
};

// RFC 7296 §3.3.2. `id` is interpreted according to `type` (EncrId, PrfId, IntegId, DhGroup,
// EsnId).
struct Transform {
  TransformType type = TransformType::ENCR;
  uint16_t id = 0;
  std::vector<TransformAttribute> attributes;

  // The KEY_LENGTH attribute, if present.
  std::optional<uint16_t> key_length() const;
  bool operator==(const Transform&) const = default;
};

// A transform, with a KEY_LENGTH attribute when `key_bits` is given.
Transform make_transform(TransformType type, uint16_t id,
                         std::optional<uint16_t> key_bits = std::nullopt);
inline Transform make_transform(EncrId id, std::optional<uint16_t> key_bits = std::nullopt) {
  return make_transform(TransformType::ENCR, static_cast<uint16_t>(id), key_bits);
}
inline Transform make_transform(PrfId id) {
  return make_transform(TransformType::PRF, static_cast<uint16_t>(id));
}
inline Transform make_transform(IntegId id) {
  return make_transform(TransformType::INTEG, static_cast<uint16_t>(id));
}
inline Transform make_transform(DhGroup id) {
  return make_transform(TransformType::DH, static_cast<uint16_t>(id));
}
inline Transform make_transform(EsnId id) {
  return make_transform(TransformType::ESN, static_cast<uint16_t>(id));
}

// RFC 7296 §3.3.1
struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::IKE;
  Bytes spi;  // empty in an initial IKE_SA_INIT, 8 bytes for IKE rekey, 4 for ESP/AH
  std::vector<Transform> transforms;

  // The first transform of a type, or nullptr.
  const Transform* find(TransformType type) const;
  bool operator==(const Proposal&) const = default;
};

struct SaPayload {
  std::vector<Proposal> proposals;
  bool operator==(const SaPayload&) const = default;
};

// RFC 7296 §3.4
struct KePayload {
  DhGroup group = DhGroup::None;
  Bytes data;
  bool operator==(const KePayload&) const = default;
};

// RFC 7296 §3.5 (IDi and IDr share the format; the Payload's type tells them apart)
struct IdPayload {
  IdType type = IdType::FQDN;
  Bytes data;
  bool operator==(const IdPayload&) const = default;
};

// RFC 7296 §3.6
struct CertPayload {
  CertEncoding encoding = CertEncoding::X509_SIGNATURE;
  Bytes data;
  bool operator==(const CertPayload&) const = default;
};

// RFC 7296 §3.7: for X.509, `authorities` is a concatenation of 20-byte SHA-1 hashes of CA
// public keys.
struct CertReqPayload {
  static constexpr size_t kCaHashSize = 20;
  CertEncoding encoding = CertEncoding::X509_SIGNATURE;
  Bytes authorities;

  // The 20-byte CA key hashes (X.509 encodings), in order.
  std::vector<ByteView> ca_hashes() const;
  bool operator==(const CertReqPayload&) const = default;
};

// RFC 7296 §3.8 (for DIGITAL_SIGNATURE, RFC 7427 §3: `data` starts with the ASN.1 length
// byte and AlgorithmIdentifier; the codec leaves that to crypto)
struct AuthPayload {
  AuthMethod method = AuthMethod::PSK;
  Bytes data;
  bool operator==(const AuthPayload&) const = default;
};

// RFC 7296 §3.9
struct NoncePayload {
  static constexpr size_t kMinSize = 16;   // RFC 7296 §3.9: at least 128 bits
  static constexpr size_t kMaxSize = 256;  // and at most 2048 bits
  Bytes nonce;
  bool operator==(const NoncePayload&) const = default;
};

// RFC 7296 §3.10
struct NotifyPayload {
  ProtocolId protocol = ProtocolId::None;
  Bytes spi;
  NotifyType type = NotifyType::INITIAL_CONTACT;
  Bytes data;
  bool operator==(const NotifyPayload&) const = default;
};

// RFC 7296 §3.11: every SPI has the same size (`spi_size`; 0 for the IKE SA itself)
struct DeletePayload {
  ProtocolId protocol = ProtocolId::ESP;
  uint8_t spi_size = 4;
  std::vector<Bytes> spis;
  bool operator==(const DeletePayload&) const = default;
};

// RFC 7296 §3.12
struct VendorIdPayload {
  Bytes id;
  bool operator==(const VendorIdPayload&) const = default;
};

// RFC 7296 §3.13.1. For FC_ADDR_RANGE or unknown types the selector body is kept in `raw`.
struct TrafficSelector {
  static constexpr size_t kIpv4Length = 16;  // RFC 7296 §3.13.1: selector length, IPv4
  static constexpr size_t kIpv6Length = 40;  // and IPv6
  TsType type = TsType::IPV4_ADDR_RANGE;
  // 0 = any. For types kept in `raw`, the second octet of the selector, whatever it means there.
  uint8_t ip_protocol = 0;
  uint16_t start_port = 0;
  uint16_t end_port = 0xffff;
  IpAddress start_address;
  IpAddress end_address;
  Bytes raw;  // selector body after the 4-octet type/octet/length header, for types this codec
              // does not interpret

  // A selector covering `subnet` (its family gives the TS type).
  static TrafficSelector from_subnet(const Subnet& subnet, uint8_t ip_protocol = 0,
                                     uint16_t start_port = 0, uint16_t end_port = 0xffff);
  // A selector for an address range; both ends must be of one family.
  static Result<TrafficSelector> from_range(const IpAddress& start, const IpAddress& end,
                                            uint8_t ip_protocol = 0, uint16_t start_port = 0,
                                            uint16_t end_port = 0xffff);
  // The subnet, when the address range is exactly one CIDR prefix.
  std::optional<Subnet> to_subnet() const;
  bool is_ip() const { return type == TsType::IPV4_ADDR_RANGE || type == TsType::IPV6_ADDR_RANGE; }
  // "10.1.0.0/16", "10.1.0.5..10.1.0.9", with "[6/80]" or "[17/1000-2000]" when the protocol
  // or the ports are restricted.
  std::string to_string() const;
  bool operator==(const TrafficSelector&) const = default;
};

// The prefix length when [start, end] is exactly one CIDR prefix (start has the host bits
// clear, end has them set, both of one family); nullopt otherwise.
std::optional<unsigned> prefix_length(const IpAddress& start, const IpAddress& end);

// RFC 7296 §3.13 (TSi and TSr share the format)
struct TsPayload {
  std::vector<TrafficSelector> selectors;
  bool operator==(const TsPayload&) const = default;
};

// RFC 7296 §3.14. `inner_first` is the Next Payload field of the SK header: the type of the
// first payload inside. `body` is IV | ciphertext (with padding and pad length) | ICV.
// parse_body() cannot see the generic header and leaves `inner_first` as None; parse() and
// parse_chain() fill it in.
struct EncryptedPayload {
  PayloadType inner_first = PayloadType::None;
  Bytes body;
  bool operator==(const EncryptedPayload&) const = default;
};

// RFC 7383 §2.5. `inner_first` is meaningful only in fragment 1 (0 in the others).
struct EncryptedFragmentPayload {
  PayloadType inner_first = PayloadType::None;
  uint16_t fragment_number = 1;
  uint16_t total_fragments = 1;
  Bytes body;
  bool operator==(const EncryptedFragmentPayload&) const = default;
};

// RFC 7296 §3.15.1
struct CpAttributeValue {
  CfgAttribute type = CfgAttribute::INTERNAL_IP4_ADDRESS;
  Bytes value;
  bool operator==(const CpAttributeValue&) const = default;
};

// RFC 7296 §3.15
struct CpPayload {
  CfgType cfg_type = CfgType::Request;
  std::vector<CpAttributeValue> attributes;
  bool operator==(const CpPayload&) const = default;
};

// RFC 3748 §4 codes, and RFC 6696 §5.3 (EAP re-authentication) codes 5 and 6.
enum class EapCode : uint8_t {
  Request = 1,
  Response = 2,
  Success = 3,
  Failure = 4,
  Initiate = 5,
  Finish = 6
};

// The IANA "Method Types" registry (RFC 3748 §5 and the methods IKEv2 peers use).
enum class EapType : uint8_t {
  Identity = 1,
  Notification = 2,
  Nak = 3,
  MD5 = 4,
  OTP = 5,
  GTC = 6,
  TLS = 13,
  SIM = 18,
  TTLS = 21,
  AKA = 23,
  PEAP = 25,
  MSCHAPV2 = 26,
  MSTLV = 33,
  TNC = 38,
  AKA_PRIME = 50,
  PWD = 52,
  EKE = 53,
  PT_EAP = 54,
  TEAP = 55,
  Expanded = 254,  // RFC 3748 §5.7: vendor id and vendor type follow
  Experimental = 255,
};

std::string_view name(EapCode v);
std::string_view name(EapType v);

// RFC 7296 §3.16: the EAP message (RFC 3748) as carried; `code`, `identifier` and, for
// requests and responses, `eap_type` are read from it for logs.
struct EapPayload {
  static constexpr size_t kHeaderSize = 4;  // RFC 3748 §4: code, identifier, length
  Bytes message;

  // Each accessor reads `message` and returns nullopt when it is too short for the field
  // (a parsed payload always has the header; hand-built ones may not).
  std::optional<EapCode> code() const;
  std::optional<uint8_t> identifier() const;
  std::optional<uint16_t> length() const;  // the EAP Length field
  // Only for codes that carry a type (Request, Response, and RFC 6696's Initiate, Finish).
  std::optional<EapType> eap_type() const;
  // RFC 3748 §5.7, for the Expanded type: the 24-bit Vendor-Id and 32-bit Vendor-Type.
  std::optional<uint32_t> vendor_id() const;
  std::optional<uint32_t> vendor_type() const;
  // What follows the type (and, for Expanded, the vendor fields).
  ByteView type_data() const;

  // A well-formed EAP message: `type` for Request/Response/Initiate/Finish (Success and
  // Failure carry none), `type_data` after it.
  static EapPayload make(EapCode code, uint8_t identifier,
                         std::optional<EapType> type = std::nullopt, ByteView type_data = {});
  bool operator==(const EapPayload&) const = default;
};

// A payload of a type this codec does not know, kept as received.
struct RawPayload {
  Bytes body;
  bool operator==(const RawPayload&) const = default;
};

using PayloadBody =
    std::variant<SaPayload, KePayload, IdPayload, CertPayload, CertReqPayload, AuthPayload,
                 NoncePayload, NotifyPayload, DeletePayload, VendorIdPayload, TsPayload,
                 EncryptedPayload, EncryptedFragmentPayload, CpPayload, EapPayload, RawPayload>;

struct Payload {
  PayloadType type = PayloadType::None;  // wire type: tells IDi from IDr, TSi from TSr
  bool critical = false;                 // RFC 7296 §3.2 critical bit
  PayloadBody body;

  template <typename T>
  const T* as() const {
    return std::get_if<T>(&body);
  }
  template <typename T>
  T* as() {
    return std::get_if<T>(&body);
  }
  bool operator==(const Payload&) const = default;
};

// Whether this codec parses payloads of `type` into a typed body (the others, when not
// critical, become RawPayload).
bool is_known(PayloadType type);

// The body alternative that payloads of `type` carry when parsed (RawPayload for unknown
// types); serialize() accepts that alternative, or RawPayload for any type but SK and SKF
// (whose Next Payload field must come from the typed body).
bool body_matches(PayloadType type, const PayloadBody& body);

// Builders for the payloads engines assemble most.
Payload make_payload(PayloadType type, PayloadBody body, bool critical = false);
// RFC 7296 §3.10: `protocol` and `spi` name the Child SA a notify concerns (none for the IKE SA).
Payload make_notify(NotifyType type, ByteView data = {}, ProtocolId protocol = ProtocolId::None,
                    ByteView spi = {});
// RFC 7296 §3.10.1: INVALID_KE_PAYLOAD carries the accepted group, two octets.
Payload make_invalid_ke_payload(DhGroup accepted);
std::optional<DhGroup> invalid_ke_group(const NotifyPayload& notify);
// RFC 7427 §4: SIGNATURE_HASH_ALGORITHMS carries a list of 16-bit hash identifiers.
Payload make_signature_hash_algorithms(std::span<const HashAlgorithm> algorithms);
std::optional<std::vector<HashAlgorithm>> signature_hash_algorithms(const NotifyPayload& notify);
// RFC 7296 §3.11: deleting the IKE SA (no SPIs) or Child SAs (4-octet SPIs).
Payload make_delete_ike();
Payload make_delete(ProtocolId protocol, std::span<const uint32_t> spis);
// RFC 7296 §3.10.1: REKEY_SA names the Child SA being rekeyed.
Payload make_rekey_sa(ProtocolId protocol, uint32_t spi);
// A 4-octet SPI in network order.
Bytes spi_bytes(uint32_t spi);

struct Message {
  Header header;
  std::vector<Payload> payloads;

  // First payload of a wire type, or nullptr.
  const Payload* find(PayloadType type) const;
  // Every payload of a wire type, in order.
  std::vector<const Payload*> find_all(PayloadType type) const;
  // First notify of a type, or nullptr.
  const NotifyPayload* find_notify(NotifyType type) const;
  bool operator==(const Message&) const = default;
};

// Limits that bound what a parse may allocate (RFC 7296 sets no counts; these are ours).
inline constexpr size_t kMaxPayloadsPerMessage = 256;
inline constexpr size_t kMaxProposals = 64;
inline constexpr size_t kMaxTransformsPerProposal = 128;
inline constexpr size_t kMaxAttributesPerTransform = 16;
inline constexpr size_t kMaxConfigAttributes = 256;

struct ParseOptions {
  // RFC 7296 §2.5: an unknown payload with the critical bit set makes the whole message fail
  // with UNSUPPORTED_CRITICAL_PAYLOAD (error.notify(), notify data = the payload type). When
  // false, it is kept as a RawPayload with critical = true (for decoders and tools).
  bool reject_unknown_critical = true;
  // RFC 7296 §3.2 tells receivers to ignore reserved fields, so by default non-zero reserved
  // bits (header flags included) are accepted and dropped. True makes them INVALID_SYNTAX
  // errors: a conformance check of what a peer sends.
  bool reject_nonzero_reserved = false;
};

// Parses the 28-byte header only (length checked against the datagram).
Result<Header> parse_header(ByteView datagram, const ParseOptions& options = {});

// Parses a whole IKEv2 message (no UDP-4500 non-ESP marker): the header, then the chain of
// payloads its Next Payload starts. An SK or SKF payload must be the last one (RFC 7296 §3.14:
// its Next Payload names the inner first payload, not a following one).
Result<Message> parse(ByteView datagram, const ParseOptions& options = {});

// Parses a chain of payloads beginning with `first` that fills `data` exactly (the decrypted
// contents of an SK payload). `base` is the offset of data[0] for error messages. SK and SKF
// cannot appear inside (there is no nesting).
Result<std::vector<Payload>> parse_chain(PayloadType first, ByteView data, size_t base = 0,
                                         const ParseOptions& options = {});

// Parses one payload body of `type` (the bytes after the 4-byte generic header). Unknown types
// give a RawPayload. For SK and SKF, `inner_first` is left as None (it lives in the generic
// header), and the SKF rule on the Next Payload of later fragments is not checked.
Result<PayloadBody> parse_body(PayloadType type, ByteView body, size_t base = 0,
                               const ParseOptions& options = {});

// Serializes a message: fills every Next Payload and length field and the header length
// (Header::next_payload and Header::length are ignored). An SK/SKF payload, if present, must
// be the last one. Values are written as given, so a scenario can send a proposal numbered
// 7 or a 3-byte nonce; only what cannot be encoded at all fails (a length that overflows its
// field, an SPI that does not match its size field, a body that does not match its payload
// type, an SK that is not last). parse(serialize(m)) == m (up to Header::length and
// Header::next_payload) for every m that parse() would accept.
Result<Bytes> serialize(const Message& message);

// Serializes a payload chain (the plaintext of an SK payload). The first payload's type is
// payloads.front().type, which the caller puts into EncryptedPayload::inner_first.
Result<Bytes> serialize_chain(const std::vector<Payload>& payloads);

// Serializes one payload body (without the generic header).
Result<Bytes> serialize_body(const PayloadBody& body);

// charon's one-line summary of a message: "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP)
// N(NATD_D_IP) ]" — the inner payloads of SK must be passed separately when known; without
// them SK shows as "E". SKF shows as "EF(n/total)".
std::string summary(const Message& message, const std::vector<Payload>* inner = nullptr);
// The label of one payload in that summary ("SA", "N(COOKIE)", "CPRQ(ADDR DNS)",
// "EAP/REQ/ID", "EF(1/3)").
std::string summary_label(const Payload& payload);

// charon's abbreviated names (notify_type_short_names, configuration attribute short names,
// EAP code/type short names): "NATD_S_IP", "FRAG_SUP", "ADDR", "REQ", "ID". Values charon
// does not abbreviate fall back to the full name, and unregistered values to an empty view.
std::string_view short_name(NotifyType v);
std::string_view short_name(CfgAttribute v);
std::string_view short_name(EapCode v);
std::string_view short_name(EapType v);

}  // namespace ikesuite::v2
