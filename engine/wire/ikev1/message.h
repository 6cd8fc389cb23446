// ISAKMP/IKEv1 messages and payloads (RFC 2408 §3, IPsec DOI RFC 2407 §4.6, RFC 2409, NAT-T
// RFC 3947, DPD RFC 3706), as plain values: parse() turns a datagram into a Message,
// serialize() turns a Message into bytes, and for canonical input the two are inverse.
//
// The codec knows nothing of state or keys. A message with the Encryption flag carries
// everything after its header as ciphertext (Message::encrypted_body); the engine decrypts it
// (IKEv1 has no IV or ICV on the wire: the IV is derived, RFC 2409 Appendix B) and parses the
// plaintext with parse_chain(header.next_payload, plaintext, ...), allowing the cipher's
// padding after the last payload.
//
// Unlike IKEv2, an IKEv1 SA payload nests Proposal and Transform *payloads* (RFC 2408 §3.5,
// §3.6), each with its own generic header; they are parsed into SaPayload and never appear
// in a message's payload list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/wire/ikev1/types.h"

namespace ikesuite::v1 {

// RFC 2408 §3.1
struct Header {
  static constexpr size_t kSize = 28;
  uint64_t cookie_i = 0;
  uint64_t cookie_r = 0;
  // The first payload; for an encrypted message, the first payload inside the ciphertext.
  PayloadType next_payload = PayloadType::None;
  uint8_t major_version = 1;
  uint8_t minor_version = 0;
  ExchangeType exchange = ExchangeType::IdentityProtection;
  uint8_t flags = 0;  // kFlagEncryption | kFlagCommit | kFlagAuthOnly
  uint32_t message_id = 0;
  // Total length as read from the wire; serialize() computes it.
  uint32_t length = 0;

  bool encrypted() const { return flags & kFlagEncryption; }
  bool commit() const { return flags & kFlagCommit; }
  bool auth_only() const { return flags & kFlagAuthOnly; }
  bool operator==(const Header&) const = default;
};

// The 16-byte cookie pair (CKY-I | CKY-R) that IKEv1 uses as the ISAKMP SA's SPI in Delete
// and Notification payloads (RFC 2408 §3.14, §3.15; RFC 3706 §5).
Bytes cookie_pair(uint64_t cookie_i, uint64_t cookie_r);
std::optional<std::pair<uint64_t, uint64_t>> split_cookie_pair(ByteView spi);

// RFC 2408 §3.3 Data Attribute, used for SA attributes (in Transforms), in the data of a
// RESPONDER-LIFETIME notify and in Mode Config Attribute payloads. With the AF bit set it is
// TV (the 2-byte value in `tv_value`), otherwise TLV (`tlv_value`, up to 65535 bytes).
struct DataAttribute {
  uint16_t type = 0;  // attribute class, without the AF bit (at most 0x7fff)
  bool tv = true;
  uint16_t tv_value = 0;
  Bytes tlv_value;

  static DataAttribute make_tv(uint16_t type, uint16_t value);
  static DataAttribute make_tlv(uint16_t type, Bytes value);
  // RFC 2409 Appendix A: a variable attribute whose value fits in 16 bits MAY be sent as TV;
  // larger values go into the shortest TLV of 4 or 8 bytes.
  static DataAttribute make_number(uint16_t type, uint64_t value);
  // The numeric value: TV, or a big-endian TLV of 1..8 significant bytes (longer TLVs are
  // accepted when their excess leading bytes are zero).
  Result<uint64_t> number() const;
  bool operator==(const DataAttribute&) const = default;
};

// RFC 2407 §4.6.1: with SIT_SECRECY or SIT_INTEGRITY set, the IPsec DOI Situation is followed
// by a labeled domain and both the secrecy and the integrity level and category bitmap (each
// padded to 32 bits on the wire; the values here are unpadded).
struct LabeledDomain {
  uint32_t domain = 0;
  Bytes secrecy_level;
  uint16_t secrecy_category_bits = 0;  // length of the bitmap in bits
  Bytes secrecy_categories;            // ceil(bits / 8) bytes
  Bytes integrity_level;
  uint16_t integrity_category_bits = 0;
  Bytes integrity_categories;
  bool operator==(const LabeledDomain&) const = default;
};

// RFC 2408 §3.6. `id` is read according to the proposal's protocol: IsakmpTransformId
// (KEY_IKE), AhTransformId, EspTransformId or IpcompTransformId.
struct Transform {
  uint8_t number = 1;
  uint8_t id = 0;
  std::vector<DataAttribute> attributes;

  // The first attribute of a class, or nullptr.
  const DataAttribute* find(uint16_t type) const;
  bool operator==(const Transform&) const = default;
};

// RFC 2408 §3.5. Proposals that share a number form one AND-ed proposal (e.g. AH + ESP,
// RFC 2408 §4.2); the codec keeps them exactly as given.
struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::ISAKMP;
  Bytes spi;  // empty (or the cookies) for ISAKMP, 4 bytes for AH/ESP, 2 (CPI) for IPCOMP
  std::vector<Transform> transforms;
  bool operator==(const Proposal&) const = default;
};

// RFC 2408 §3.4 with the IPsec DOI Situation of RFC 2407 §4.6.1. The Situation is 4 bytes
// for every DOI (as deployed implementations read it); the labeled domain is present exactly
// when doi == kDoiIpsec and the situation has SIT_SECRECY or SIT_INTEGRITY.
struct SaPayload {
  uint32_t doi = kDoiIpsec;
  uint32_t situation = kSitIdentityOnly;
  std::optional<LabeledDomain> labeled_domain;
  std::vector<Proposal> proposals;
  bool operator==(const SaPayload&) const = default;
};

// RFC 2408 §3.7 (the group is known from the SA, not carried here)
struct KePayload {
  Bytes data;
  bool operator==(const KePayload&) const = default;
};

// RFC 2408 §3.8 with the IPsec DOI fields of RFC 2407 §4.6.2: phase-1 IDs carry the
// protocol/port the ISAKMP traffic uses (0/0 or UDP/500); Quick Mode IDci/IDcr are the
// traffic selectors (protocol and port 0 = any).
struct IdPayload {
  IdType type = IdType::IPV4_ADDR;
  uint8_t protocol = 0;
  uint16_t port = 0;
  Bytes data;

  static IdPayload from_address(const IpAddress& address, uint8_t protocol = 0, uint16_t port = 0);
  // ID_IPV4_ADDR_SUBNET / ID_IPV6_ADDR_SUBNET: address then netmask (RFC 2407 §4.6.2.4).
  static IdPayload from_subnet(const Subnet& subnet, uint8_t protocol = 0, uint16_t port = 0);
  // ID_IPV4_ADDR_RANGE / ID_IPV6_ADDR_RANGE: first then last address (§4.6.2.7).
  static IdPayload from_range(const IpAddress& first, const IpAddress& last, uint8_t protocol = 0,
                              uint16_t port = 0);
  static IdPayload from_fqdn(std::string_view fqdn);
  static IdPayload from_user_fqdn(std::string_view user_fqdn);
  static IdPayload from_key_id(ByteView key_id);

  // The address of an ID_IPV4_ADDR / ID_IPV6_ADDR.
  Result<IpAddress> address() const;
  // An address ID as a full-length prefix, or a subnet ID (whose mask must be contiguous).
  Result<Subnet> subnet() const;
  // Any address, subnet or range ID as its first and last address.
  Result<std::pair<IpAddress, IpAddress>> range() const;
  // "192.0.2.1", "10.1.0.0/16", "10.1.0.1-10.1.0.9", "moon.example.org", "@#0a0b" (key ID),
  // or "<type>:<hex>" for DNs and unknown types; for logs.
  std::string to_string() const;
  bool operator==(const IdPayload&) const = default;
};

// RFC 2408 §3.9
struct CertPayload {
  CertEncoding encoding = CertEncoding::X509_SIGNATURE;
  Bytes data;
  bool operator==(const CertPayload&) const = default;
};

// RFC 2408 §3.10: for X.509 the authority is a DER distinguished name (may be empty: any CA)
struct CertRequestPayload {
  CertEncoding encoding = CertEncoding::X509_SIGNATURE;
  Bytes authority;
  bool operator==(const CertRequestPayload&) const = default;
};

// RFC 2408 §3.11
struct HashPayload {
  Bytes hash;
  bool operator==(const HashPayload&) const = default;
};

// RFC 2408 §3.12
struct SignaturePayload {
  Bytes signature;
  bool operator==(const SignaturePayload&) const = default;
};

// RFC 2408 §3.13. RFC 2409 §5 limits nonces to 8..256 bytes; that is the engine's check.
struct NoncePayload {
  Bytes nonce;
  bool operator==(const NoncePayload&) const = default;
};

// RFC 2408 §3.14. Notifies about the ISAKMP SA (INITIAL-CONTACT, DPD) carry the cookie pair as
// a 16-byte SPI; RESPONDER-LIFETIME carries Data Attributes as its data (RFC 2407 §4.6.3.1).
struct NotifyPayload {
  uint32_t doi = kDoiIpsec;
  ProtocolId protocol = ProtocolId::ISAKMP;
  Bytes spi;
  NotifyType type = NotifyType::INITIAL_CONTACT;
  Bytes data;

  // RFC 3706 §5: R-U-THERE / R-U-THERE-ACK with the cookies as SPI and a 32-bit sequence.
  static NotifyPayload dpd(bool ack, uint64_t cookie_i, uint64_t cookie_r, uint32_t sequence);
  // RFC 2407 §4.6.3.3
  static NotifyPayload initial_contact(uint64_t cookie_i, uint64_t cookie_r);
  // The sequence number of a DPD notify (4 bytes of data), if this is one.
  std::optional<uint32_t> dpd_sequence() const;
  bool operator==(const NotifyPayload&) const = default;
};

// RFC 2408 §3.15: every SPI has `spi_size` bytes. Deleting the ISAKMP SA itself uses
// protocol ISAKMP with the 16-byte cookie pair as the SPI.
struct DeletePayload {
  uint32_t doi = kDoiIpsec;
  ProtocolId protocol = ProtocolId::IPSEC_ESP;
  uint8_t spi_size = 4;
  std::vector<Bytes> spis;

  static DeletePayload isakmp_sa(uint64_t cookie_i, uint64_t cookie_r);
  static DeletePayload ipsec_sas(ProtocolId protocol, const std::vector<uint32_t>& spis);
  // The cookies of an ISAKMP SA delete (protocol ISAKMP, one 16-byte SPI).
  std::optional<std::pair<uint64_t, uint64_t>> cookies() const;
  bool operator==(const DeletePayload&) const = default;
};

// RFC 2408 §3.16
struct VendorIdPayload {
  Bytes id;
  bool operator==(const VendorIdPayload&) const = default;
};

// draft-dukes-ike-mode-cfg §3.2 (payload type 14): Mode Config and XAUTH exchanges.
struct AttributePayload {
  CfgType cfg_type = CfgType::ISAKMP_CFG_REQUEST;
  uint16_t identifier = 0;
  std::vector<DataAttribute> attributes;
  bool operator==(const AttributePayload&) const = default;
};

// RFC 3947 §3.2 NAT-D (type 20, or 130 as drafts 00-03 numbered it): HASH(CKY-I | CKY-R |
// IP | Port). The Payload's type tells the RFC form from the draft one.
struct NatDPayload {
  Bytes hash;
  bool operator==(const NatDPayload&) const = default;
};

// RFC 3947 §5.2 NAT-OA (type 21, or 131 in the drafts): ID type IPV4_ADDR or IPV6_ADDR, three
// reserved bytes, the address.
struct NatOaPayload {
  IpAddress address = IpAddress::v4(0);
  bool operator==(const NatOaPayload&) const = default;
};

// IKEv1 fragmentation as Cisco introduced it and strongSwan, Libreswan and racoon implement it
// (payload type 132, the only payload of a fragment datagram): Fragment ID (2 bytes),
// Fragment Number (1, counting from 1), Flags (1; 0x01 = last fragment), data.
inline constexpr uint8_t kFragmentFlagLast = 0x01;
struct FragmentPayload {
  uint16_t fragment_id = 1;
  uint8_t number = 1;
  uint8_t flags = 0;
  Bytes data;

  bool last() const { return flags & kFragmentFlagLast; }
  bool operator==(const FragmentPayload&) const = default;
};

// A payload of a type this codec does not know (RFC 2408 has no critical bit: the engine
// decides), kept as received. Serializing a RawPayload under any type sends its bytes as they
// are, which is how deliberately malformed payloads are built.
struct RawPayload {
  Bytes body;
  bool operator==(const RawPayload&) const = default;
};

using PayloadBody =
    std::variant<SaPayload, KePayload, IdPayload, CertPayload, CertRequestPayload, HashPayload,
                 SignaturePayload, NoncePayload, NotifyPayload, DeletePayload, VendorIdPayload,
                 AttributePayload, NatDPayload, NatOaPayload, FragmentPayload, RawPayload>;

struct Payload {
  PayloadType type = PayloadType::None;  // wire type: tells NAT-D from its draft number
  PayloadBody body;

  template <typename T>
  const T* as() const { return std::get_if<T>(&body); }
  template <typename T>
  T* as() { return std::get_if<T>(&body); }
  bool operator==(const Payload&) const = default;
};

// The wire type a body is sent as by default (NAT-D/NAT-OA: the RFC 3947 numbers); None for a
// RawPayload, whose type must be given.
PayloadType default_type(const PayloadBody& body);
// A payload of the body's default type.
Payload make_payload(PayloadBody body);

struct Message {
  Header header;
  // The payloads of a message in clear; empty when header.encrypted().
  std::vector<Payload> payloads;
  // When header.encrypted(): every byte after the header (the CBC ciphertext, padding
  // included). Empty otherwise.
  Bytes encrypted_body;

  bool encrypted() const { return header.encrypted(); }
  // First payload of a wire type, or nullptr.
  const Payload* find(PayloadType type) const;
  // Every payload of a wire type, in order.
  std::vector<const Payload*> find_all(PayloadType type) const;
  // First notify of a type, or nullptr.
  const NotifyPayload* find_notify(NotifyType type) const;
  bool operator==(const Message&) const = default;
};

// Limits that bound what a parse may allocate (RFC 2408 sets no counts; these are ours).
inline constexpr size_t kMaxPayloadsPerMessage = 256;
inline constexpr size_t kMaxProposals = 64;
inline constexpr size_t kMaxTransformsPerProposal = 128;
inline constexpr size_t kMaxAttributesPerTransform = 64;
inline constexpr size_t kMaxCfgAttributes = 256;

struct ParseOptions {
  // parse_chain() only: bytes after the payload whose Next Payload is NONE are the padding
  // of a decrypted body and are skipped and counted instead of failing with
  // UNEQUAL_PAYLOAD_LENGTHS. RFC 2409 Appendix B pads to the cipher's block size with zeros
  // and a final pad-length byte; strongSwan and Libreswan send zeros only. Any content is
  // accepted, since the length of the chain, not the padding, delimits the payloads.
  bool allow_padding = false;
  // RFC 2408 §5.2 lets a receiver reject an unknown Next Payload with INVALID_PAYLOAD_TYPE;
  // by default unknown payloads are kept as RawPayload for the engine to judge.
  bool reject_unknown_payloads = false;
  // RFC 2408 §3: RESERVED fields MUST be zero, and §5.1 rejects unknown header flags with
  // INVALID_FLAGS. Deployed implementations ignore both; when true, a non-zero reserved field
  // fails with PAYLOAD_MALFORMED and an unknown flag bit with INVALID_FLAGS (conformance runs).
  bool strict_reserved = false;
};

// A parsed payload chain and the number of padding bytes that followed it.
struct PayloadChain {
  std::vector<Payload> payloads;
  size_t padding = 0;
  bool operator==(const PayloadChain&) const = default;
};

// Parses the 28-byte header only. Fails with INVALID_MAJOR_VERSION (error.notify()) for a
// major version other than 1, and with UNEQUAL_PAYLOAD_LENGTHS when the Length field
// disagrees with the datagram (RFC 2408 §5.1).
Result<Header> parse_header(ByteView datagram, const ParseOptions& options = {});

// Parses a whole ISAKMP message (no UDP-4500 non-ESP marker): the header, then either the
// chain of payloads its Next Payload starts (filling the message exactly) or, with the
// Encryption flag, the opaque encrypted body.
Result<Message> parse(ByteView datagram, const ParseOptions& options = {});

// Parses a chain of payloads beginning with `first` (a decrypted body, or the bytes after a
// header). Without options.allow_padding the chain must fill `data` exactly. `base` is the
// offset of data[0] in the datagram, for error messages.
Result<PayloadChain> parse_chain(PayloadType first, ByteView data, size_t base = 0,
                                 const ParseOptions& options = {});

// Parses one payload body of `type` (the bytes after the 4-byte generic header). Proposal and
// Transform are not payloads of their own here (they live inside SA) and fail with
// INVALID_PAYLOAD_TYPE; unknown types give a RawPayload.
Result<PayloadBody> parse_body(PayloadType type, ByteView body, size_t base = 0,
                               const ParseOptions& options = {});

// Parses a run of Data Attributes filling `data` (the data of a RESPONDER-LIFETIME notify).
Result<std::vector<DataAttribute>> parse_attributes(ByteView data, size_t base = 0,
                                                    size_t max_count = kMaxCfgAttributes);

// Serializes a message and computes the header length. A message in clear takes its Next
// Payload from payloads.front() (Header::next_payload is ignored); an encrypted one writes
// Header::next_payload (the first payload inside) and then encrypted_body, and must have no
// clear payloads.
Result<Bytes> serialize(const Message& message);

// Serializes a payload chain (the plaintext to encrypt, before padding). The first payload's
// type is payloads.front().type, which the caller puts into Header::next_payload.
Result<Bytes> serialize_chain(const std::vector<Payload>& payloads);

// Serializes one payload body (without the generic header).
Result<Bytes> serialize_body(const PayloadBody& body);

// Serializes Data Attributes back to back.
Result<Bytes> serialize_attributes(const std::vector<DataAttribute>& attributes);

// Phase-1 (Oakley) SA attributes of a KEY_IKE transform (RFC 2409 Appendix A), typed.
// Life Type / Life Duration pairs may repeat (seconds and kilobytes).
struct LifeLimit {
  LifeType type = LifeType::Seconds;
  uint64_t duration = 0;
  bool operator==(const LifeLimit&) const = default;
};

struct Phase1Attributes {
  std::optional<OakleyEncryption> encryption;
  std::optional<uint16_t> key_length;  // bits, for variable-key-length ciphers (AES)
  std::optional<OakleyHash> hash;
  std::optional<OakleyAuthMethod> auth_method;
  std::optional<GroupDescription> group;
  std::optional<OakleyGroupType> group_type;
  std::vector<LifeLimit> lifetimes;
  std::optional<uint16_t> prf;
  std::optional<uint16_t> field_size;
  // Every other attribute (group prime, generators, curves, order, private classes), as given.
  std::vector<DataAttribute> other;

  // Fails with BAD_PROPOSAL_SYNTAX for a basic attribute sent as TLV, a repeated attribute, a
  // Life Duration without its Life Type, or an unreadable value.
  static Result<Phase1Attributes> decode(const std::vector<DataAttribute>& attributes);
  // In the order strongSwan and Libreswan send them: encryption, key length, hash, auth
  // method, group, group type, life type/duration pairs, PRF, field size, then `other`.
  std::vector<DataAttribute> encode() const;
  bool operator==(const Phase1Attributes&) const = default;
};

// Phase-2 (IPsec DOI) SA attributes of an AH/ESP/IPCOMP transform (RFC 2407 §4.5), typed.
struct Phase2Attributes {
  std::vector<LifeLimit> lifetimes;
  std::optional<GroupDescription> group;  // PFS group
  std::optional<EncapsulationMode> encapsulation;
  std::optional<IpsecAuthAlgorithm> auth_algorithm;
  std::optional<uint16_t> key_length;
  std::optional<uint16_t> key_rounds;
  std::optional<uint16_t> ecn_tunnel;  // RFC 3168 §9.2: 1 allowed, 2 forbidden
  bool esn = false;                    // RFC 4304: Extended Sequence Number = 1
  std::vector<DataAttribute> other;

  static Result<Phase2Attributes> decode(const std::vector<DataAttribute>& attributes);
  // Order: life type/duration pairs, group, encapsulation, auth algorithm, key length, key
  // rounds, ECN, ESN, then `other`.
  std::vector<DataAttribute> encode() const;
  bool operator==(const Phase2Attributes&) const = default;
};

// Transform builders: a KEY_IKE transform for phase 1 and an IPsec DOI transform for phase 2.
Transform ike_transform(uint8_t number, const Phase1Attributes& attributes);
Transform ipsec_transform(uint8_t number, uint8_t transform_id, const Phase2Attributes& attributes);

// Which way a message goes. IKEv1 has no response flag: the engine knows from its state.
enum class Direction : uint8_t { Request, Response };

// charon's one-line form of a message, e.g. "ID_PROT request 0 [ SA V V V V V ]",
// "QUICK_MODE request 2812367394 [ HASH SA No KE ID ID ]" or "INFORMATIONAL_V1 request 1234
// [ HASH N(DPD) ]", with charon's labels (notify and exchange names as charon prints them,
// "(n)" for values it has no name for). An encrypted message shows its payloads when the
// decrypted chain is passed as `inner`, and "[ E ]" otherwise.
std::string summary(const Message& message, Direction direction,
                    const std::vector<Payload>* inner = nullptr);
// The bracketed payload list alone: "SA V V" (no brackets).
std::string payload_labels(const std::vector<Payload>& payloads);

}  // namespace ikesuite::v1
