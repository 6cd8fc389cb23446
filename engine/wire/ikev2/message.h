// IKEv2 messages and payloads (RFC 7296 §3), as plain values: parse() turns a datagram into a
// Message, serialize() turns a Message into bytes, and for canonical input the two are
// inverse. The codec knows nothing of state or keys: the SK and SKF payloads are carried as
// opaque bodies (IV | ciphertext | ICV) that engine/crypto opens, after which
// parse_chain() parses the inner payloads.
#pragma once

#include <cstdint>
#include <optional>
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

// RFC 7296 §3.3.1
struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::IKE;
  Bytes spi;  // empty in an initial IKE_SA_INIT, 8 bytes for IKE rekey, 4 for ESP/AH
  std::vector<Transform> transforms;
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
  CertEncoding encoding = CertEncoding::X509_SIGNATURE;
  Bytes authorities;
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
  TsType type = TsType::IPV4_ADDR_RANGE;
  uint8_t ip_protocol = 0;  // 0 = any
  uint16_t start_port = 0;
  uint16_t end_port = 0xffff;
  IpAddress start_address;
  IpAddress end_address;
  Bytes raw;  // selector body for types this codec does not interpret

  bool operator==(const TrafficSelector&) const = default;
};

// RFC 7296 §3.13 (TSi and TSr share the format)
struct TsPayload {
  std::vector<TrafficSelector> selectors;
  bool operator==(const TsPayload&) const = default;
};

// RFC 7296 §3.14. `inner_first` is the Next Payload field of the SK header: the type of the
// first payload inside. `body` is IV | ciphertext (with padding and pad length) | ICV.
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

// RFC 7296 §3.16: the EAP message (RFC 3748) as carried; `code`, `identifier` and, for
// requests and responses, `eap_type` are read from it for logs.
struct EapPayload {
  Bytes message;
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
  const T* as() const { return std::get_if<T>(&body); }
  template <typename T>
  T* as() { return std::get_if<T>(&body); }
  bool operator==(const Payload&) const = default;
};

struct Message {
  Header header;
  std::vector<Payload> payloads;

  // First payload of a wire type, or nullptr.
  const Payload* find(PayloadType type) const;
  // First notify of a type, or nullptr.
  const NotifyPayload* find_notify(NotifyType type) const;
  bool operator==(const Message&) const = default;
};

// Limits that bound what a parse may allocate (RFC 7296 sets no counts; these are ours).
inline constexpr size_t kMaxPayloadsPerMessage = 256;
inline constexpr size_t kMaxProposals = 64;
inline constexpr size_t kMaxTransformsPerProposal = 128;
inline constexpr size_t kMaxAttributesPerTransform = 16;

struct ParseOptions {
  // RFC 7296 §2.5: an unknown payload with the critical bit set makes the whole message fail
  // with UNSUPPORTED_CRITICAL_PAYLOAD (error.notify(), notify data = the payload type). When
  // false, it is kept as a RawPayload with critical = true (for decoders and tools).
  bool reject_unknown_critical = true;
};

// Parses the 28-byte header only (length checked against the datagram).
Result<Header> parse_header(ByteView datagram);

// Parses a whole IKEv2 message (no UDP-4500 non-ESP marker): the header, then the chain of
// payloads its Next Payload starts. An SK or SKF payload must be the last one (RFC 7296 §3.14:
// its Next Payload names the inner first payload, not a following one).
Result<Message> parse(ByteView datagram, const ParseOptions& options = {});

// Parses a chain of payloads beginning with `first` that fills `data` exactly (the decrypted
// contents of an SK payload). `base` is the offset of data[0] for error messages.
Result<std::vector<Payload>> parse_chain(PayloadType first, ByteView data, size_t base = 0,
                                         const ParseOptions& options = {});

// Parses one payload body of `type` (the bytes after the 4-byte generic header).
Result<PayloadBody> parse_body(PayloadType type, ByteView body, size_t base = 0);

// Serializes a message: fills every Next Payload and length field and the header length
// (Header::next_payload and Header::length are ignored). An SK/SKF payload, if present, must
// be the last one.
Result<Bytes> serialize(const Message& message);

// Serializes a payload chain (the plaintext of an SK payload). The first payload's type is
// payloads.front().type, which the caller puts into EncryptedPayload::inner_first.
Result<Bytes> serialize_chain(const std::vector<Payload>& payloads);

// Serializes one payload body (without the generic header).
Result<Bytes> serialize_body(const PayloadBody& body);

// charon's one-line summary of a message: "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP)
// N(NATD_D_IP) ]" — the inner payloads of SK must be passed separately when known.
std::string summary(const Message& message, const std::vector<Payload>* inner = nullptr);

}  // namespace ikesuite::v2
