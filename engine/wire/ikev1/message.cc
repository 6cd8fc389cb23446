// Parsing and serialization of ISAKMP/IKEv1 messages (RFC 2408 §3, RFC 2407 §4.6, RFC 3947).
#include "engine/wire/ikev1/message.h"

#include <string>
#include <type_traits>
#include <variant>

#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::v1 {

using wire::Reader;
using wire::Writer;

namespace {

constexpr size_t kGenericHeaderSize = 4;      // Next Payload, RESERVED, Payload Length
constexpr size_t kProposalHeaderSize = 8;     // generic header + #, protocol, SPI size, # transforms
constexpr size_t kTransformHeaderSize = 8;    // generic header + #, ID, RESERVED2
constexpr uint16_t kAttributeFormatTv = 0x8000;  // RFC 2408 §3.3 AF bit
constexpr uint8_t kKnownFlags = kFlagEncryption | kFlagCommit | kFlagAuthOnly;

uint16_t code(NotifyType t) { return static_cast<uint16_t>(t); }

Error fail(ErrorCode c, std::string reason, size_t offset, NotifyType notify) {
  return Error(c, std::move(reason), offset).with_notify(code(notify));
}

// The notify an error answers with, unless an inner parser already chose a more precise one.
Error default_notify(Error e, NotifyType notify) {
  if (e.notify()) return e;
  return std::move(e).with_notify(code(notify));
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

size_t pad4(size_t n) { return (n + 3) & ~size_t{3}; }

// Reads `n` padding bytes, which RFC 2407 §4.6.1 fills with zeros.
Status skip_padding(Reader& r, size_t n, const ParseOptions& options) {
  for (size_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    TRY_ASSIGN(uint8_t b, r.u8());
    if (options.strict_reserved && b != 0)
      return fail(ErrorCode::kMalformed, "non-zero padding", at, NotifyType::PAYLOAD_MALFORMED);
  }
  return {};
}

Status check_reserved(uint32_t value, size_t offset, const ParseOptions& options) {
  if (options.strict_reserved && value != 0)
    return fail(ErrorCode::kMalformed, "RESERVED field is " + std::to_string(value) + ", not 0",
                offset, NotifyType::PAYLOAD_MALFORMED);
  return {};
}

bool known_payload(PayloadType t) {
  switch (t) {
    case PayloadType::SA:
    case PayloadType::KE:
    case PayloadType::ID:
    case PayloadType::CERT:
    case PayloadType::CR:
    case PayloadType::HASH:
    case PayloadType::SIG:
    case PayloadType::Nonce:
    case PayloadType::Notification:
    case PayloadType::Delete:
    case PayloadType::VendorId:
    case PayloadType::Attribute:
    case PayloadType::NAT_D:
    case PayloadType::NAT_OA:
    case PayloadType::NAT_D_DRAFT:
    case PayloadType::NAT_OA_DRAFT:
    case PayloadType::Fragment:
      return true;
    default:
      return false;
  }
}

// RFC 2407 §4.6.2.1..§4.6.2.7: the data length an address-bearing ID type needs.
std::optional<size_t> id_data_size(IdType type) {
  switch (type) {
    case IdType::IPV4_ADDR: return 4;
    case IdType::IPV6_ADDR: return 16;
    case IdType::IPV4_ADDR_SUBNET:
    case IdType::IPV4_ADDR_RANGE: return 8;
    case IdType::IPV6_ADDR_SUBNET:
    case IdType::IPV6_ADDR_RANGE: return 32;
    default: return std::nullopt;
  }
}

bool has_labeled_domain(uint32_t doi, uint32_t situation) {
  return doi == kDoiIpsec && (situation & (kSitSecrecy | kSitIntegrity)) != 0;
}

// ---------------------------------------------------------------------------------------------
// Parsing

Result<std::vector<DataAttribute>> read_attributes(Reader& r, size_t max_count) {
  std::vector<DataAttribute> out;
  while (!r.empty()) {
    // Context labels are built only on the error path: parsing stays allocation-light.
    auto ctx = [&out] { return "attribute #" + std::to_string(out.size() + 1); };
    if (out.size() >= max_count)
      return Error(ErrorCode::kLimit, "more than " + plural(max_count, "attribute"), r.offset())
          .within(ctx());
    size_t start = r.offset();
    if (r.remaining() < 4)
      return Error(ErrorCode::kTruncated,
                   "attribute header needs 4 bytes, " + std::to_string(r.remaining()) + " left",
                   start)
          .within(ctx());
    TRY_ASSIGN(uint16_t type_field, r.u16());
    TRY_ASSIGN(uint16_t value, r.u16());
    DataAttribute a;
    a.type = type_field & ~kAttributeFormatTv;
    a.tv = (type_field & kAttributeFormatTv) != 0;
    if (a.tv) {
      a.tv_value = value;
    } else {
      if (value > r.remaining())
        return Error(ErrorCode::kLength,
                     "attribute length " + std::to_string(value) + " exceeds the " +
                         std::to_string(r.remaining()) + " bytes left",
                     start + 2)
            .within(ctx());
      TRY_ASSIGN(a.tlv_value, r.copy(value));
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<Bytes> read_padded(Reader& r, size_t n, const ParseOptions& options) {
  TRY_ASSIGN(Bytes value, r.copy(n));
  TRY(skip_padding(r, pad4(n) - n, options));
  return value;
}

// RFC 2407 §4.6.1: labeled domain, secrecy level and categories, integrity level and
// categories; every variable field is padded to 32 bits.
Result<LabeledDomain> read_labeled_domain(Reader& r, const ParseOptions& options) {
  LabeledDomain d;
  TRY_ASSIGN(d.domain, r.u32());
  TRY_ASSIGN(uint16_t secrecy_len, r.u16());
  size_t at = r.offset();
  TRY_ASSIGN(uint16_t reserved, r.u16());
  TRY(check_reserved(reserved, at, options));
  TRY_ASSIGN(d.secrecy_level, read_padded(r, secrecy_len, options));
  TRY_ASSIGN(d.secrecy_category_bits, r.u16());
  at = r.offset();
  TRY_ASSIGN(reserved, r.u16());
  TRY(check_reserved(reserved, at, options));
  TRY_ASSIGN(d.secrecy_categories, read_padded(r, (d.secrecy_category_bits + 7u) / 8u, options));
  TRY_ASSIGN(uint16_t integrity_len, r.u16());
  at = r.offset();
  TRY_ASSIGN(reserved, r.u16());
  TRY(check_reserved(reserved, at, options));
  TRY_ASSIGN(d.integrity_level, read_padded(r, integrity_len, options));
  TRY_ASSIGN(d.integrity_category_bits, r.u16());
  at = r.offset();
  TRY_ASSIGN(reserved, r.u16());
  TRY(check_reserved(reserved, at, options));
  TRY_ASSIGN(d.integrity_categories,
             read_padded(r, (d.integrity_category_bits + 7u) / 8u, options));
  return d;
}

// The generic header of a Proposal or Transform inside an SA (RFC 2408 §3.5, §3.6): its Next
// Payload may only be `more` (another one follows) or 0 (the last one).
struct SubHeader {
  uint8_t next = 0;
  Reader body;
};

Result<SubHeader> read_sub_header(Reader& r, uint8_t more, size_t min_length, const char* what,
                                  const ParseOptions& options) {
  size_t start = r.offset();
  if (r.remaining() < kGenericHeaderSize)
    return Error(ErrorCode::kTruncated,
                 std::string(what) + " header needs 4 bytes, " + std::to_string(r.remaining()) +
                     " left",
                 start);
  TRY_ASSIGN(uint8_t next, r.u8());
  TRY_ASSIGN(uint8_t reserved, r.u8());
  TRY_ASSIGN(uint16_t length, r.u16());
  if (next != more && next != 0)
    return Error(ErrorCode::kMalformed,
                 "Next Payload " + std::to_string(next) + " in a " + what + " (must be " +
                     std::to_string(more) + " or 0)",
                 start);
  TRY(check_reserved(reserved, start + 1, options));
  if (length < min_length)
    return Error(ErrorCode::kLength,
                 std::string(what) + " length " + std::to_string(length) +
                     " is shorter than its " + std::to_string(min_length) + "-byte header",
                 start + 2);
  if (length - kGenericHeaderSize > r.remaining())
    return Error(ErrorCode::kLength,
                 std::string(what) + " length " + std::to_string(length) + " exceeds the " +
                     std::to_string(r.remaining() + kGenericHeaderSize) + " bytes left",
                 start + 2);
  TRY_ASSIGN(Reader body, r.sub(length - kGenericHeaderSize));
  return SubHeader{next, body};
}

Result<Transform> read_transform(Reader& r, const ParseOptions& options) {
  Transform t;
  TRY_ASSIGN(t.number, r.u8());
  TRY_ASSIGN(t.id, r.u8());
  size_t at = r.offset();
  TRY_ASSIGN(uint16_t reserved, r.u16());
  TRY(check_reserved(reserved, at, options));
  TRY_ASSIGN(t.attributes, read_attributes(r, kMaxAttributesPerTransform));
  return t;
}

Result<Proposal> read_proposal(Reader& r, const ParseOptions& options) {
  Proposal p;
  TRY_ASSIGN(p.number, r.u8());
  TRY_ASSIGN(uint8_t protocol, r.u8());
  p.protocol = static_cast<ProtocolId>(protocol);
  size_t spi_size_at = r.offset();
  TRY_ASSIGN(uint8_t spi_size, r.u8());
  size_t count_at = r.offset();
  TRY_ASSIGN(uint8_t declared, r.u8());
  if (spi_size > r.remaining())
    return Error(ErrorCode::kLength,
                 "SPI size " + std::to_string(spi_size) + " exceeds the " +
                     std::to_string(r.remaining()) + " bytes left in the proposal",
                 spi_size_at);
  TRY_ASSIGN(p.spi, r.copy(spi_size));
  if (declared == 0)
    return Error(ErrorCode::kMalformed, "proposal declares no transforms", count_at);
  uint8_t next = 3;
  while (next != 0) {
    auto ctx = [&p] { return "transform #" + std::to_string(p.transforms.size() + 1); };
    if (p.transforms.size() >= kMaxTransformsPerProposal)
      return Error(ErrorCode::kLimit,
                   "more than " + plural(kMaxTransformsPerProposal, "transform"), r.offset())
          .within(ctx());
    if (r.empty())
      return Error(ErrorCode::kTruncated,
                   "a transform should follow but the proposal ends (" +
                       std::to_string(p.transforms.size()) + " of " + std::to_string(declared) +
                       " read)",
                   r.offset())
          .within(ctx());
    auto header = read_sub_header(r, 3, kTransformHeaderSize, "transform", options);
    if (!header.ok()) return std::move(header).error().within(ctx());
    next = header->next;
    auto t = read_transform(header->body, options);
    if (!t.ok()) return std::move(t).error().within(ctx());
    p.transforms.push_back(std::move(*t));
  }
  if (!r.empty())
    return Error(ErrorCode::kTrailingBytes,
                 plural(r.remaining(), "byte") + " after the last transform", r.offset());
  if (p.transforms.size() != declared)
    return Error(ErrorCode::kMalformed,
                 "# of transforms says " + std::to_string(declared) + " but " +
                     std::to_string(p.transforms.size()) + " follow",
                 count_at);
  return p;
}

Result<SaPayload> read_sa(Reader& r, const ParseOptions& options) {
  SaPayload sa;
  TRY_ASSIGN(sa.doi, r.u32());
  TRY_ASSIGN(sa.situation, r.u32());
  if (has_labeled_domain(sa.doi, sa.situation)) {
    auto d = read_labeled_domain(r, options);
    if (!d.ok()) return std::move(d).error().within("situation");
    sa.labeled_domain = std::move(*d);
  }
  // RFC 2408 §5.4-§5.6: a malformed proposal or transform is BAD-PROPOSAL-SYNTAX.
  if (r.empty())
    return fail(ErrorCode::kMalformed, "SA payload has no proposal", r.offset(),
                NotifyType::BAD_PROPOSAL_SYNTAX);
  uint8_t next = 2;
  while (next != 0) {
    auto ctx = [&sa] { return "proposal #" + std::to_string(sa.proposals.size() + 1); };
    if (sa.proposals.size() >= kMaxProposals)
      return fail(ErrorCode::kLimit, "more than " + plural(kMaxProposals, "proposal"),
                  r.offset(), NotifyType::BAD_PROPOSAL_SYNTAX)
          .within(ctx());
    if (r.empty())
      return fail(ErrorCode::kTruncated, "a proposal should follow but the SA payload ends",
                  r.offset(), NotifyType::BAD_PROPOSAL_SYNTAX)
          .within(ctx());
    auto header = read_sub_header(r, 2, kProposalHeaderSize, "proposal", options);
    if (!header.ok())
      return default_notify(std::move(header).error(), NotifyType::BAD_PROPOSAL_SYNTAX)
          .within(ctx());
    next = header->next;
    auto p = read_proposal(header->body, options);
    if (!p.ok())
      return default_notify(std::move(p).error(), NotifyType::BAD_PROPOSAL_SYNTAX).within(ctx());
    sa.proposals.push_back(std::move(*p));
  }
  if (!r.empty())
    return fail(ErrorCode::kTrailingBytes,
                plural(r.remaining(), "byte") + " after the last proposal", r.offset(),
                NotifyType::BAD_PROPOSAL_SYNTAX);
  return sa;
}

Bytes rest_of(Reader& r) {
  ByteView v = r.rest();
  return Bytes(v.begin(), v.end());
}

Result<IdPayload> read_id(Reader& r) {
  IdPayload id;
  TRY_ASSIGN(uint8_t type, r.u8());
  id.type = static_cast<IdType>(type);
  TRY_ASSIGN(id.protocol, r.u8());
  TRY_ASSIGN(id.port, r.u16());
  size_t at = r.offset();
  id.data = rest_of(r);
  if (auto need = id_data_size(id.type); need && id.data.size() != *need)
    return fail(ErrorCode::kLength,
                to_string(id.type) + " needs " + plural(*need, "byte") + " of data, has " +
                    std::to_string(id.data.size()),
                at, NotifyType::INVALID_ID_INFORMATION);
  return id;
}

Result<NotifyPayload> read_notify(Reader& r) {
  NotifyPayload n;
  TRY_ASSIGN(n.doi, r.u32());
  TRY_ASSIGN(uint8_t protocol, r.u8());
  n.protocol = static_cast<ProtocolId>(protocol);
  size_t spi_size_at = r.offset();
  TRY_ASSIGN(uint8_t spi_size, r.u8());
  TRY_ASSIGN(uint16_t type, r.u16());
  n.type = static_cast<NotifyType>(type);
  if (spi_size > r.remaining())
    return Error(ErrorCode::kLength,
                 "SPI size " + std::to_string(spi_size) + " exceeds the " +
                     std::to_string(r.remaining()) + " bytes left",
                 spi_size_at);
  TRY_ASSIGN(n.spi, r.copy(spi_size));
  n.data = rest_of(r);
  return n;
}

Result<DeletePayload> read_delete(Reader& r) {
  DeletePayload d;
  TRY_ASSIGN(d.doi, r.u32());
  TRY_ASSIGN(uint8_t protocol, r.u8());
  d.protocol = static_cast<ProtocolId>(protocol);
  size_t spi_size_at = r.offset();
  TRY_ASSIGN(d.spi_size, r.u8());
  TRY_ASSIGN(uint16_t count, r.u16());
  // An SPI of size 0 identifies nothing; refusing it also keeps a count of 65535 empty SPIs
  // from allocating more than the datagram holds.
  if (d.spi_size == 0 && count != 0)
    return Error(ErrorCode::kMalformed,
                 "SPI size 0 with " + plural(count, "SPI") + " to delete", spi_size_at);
  size_t need = size_t{d.spi_size} * count;
  if (need != r.remaining())
    return Error(ErrorCode::kLength,
                 plural(count, "SPI") + " of " + plural(d.spi_size, "byte") + " need " +
                     std::to_string(need) + " bytes, the payload has " +
                     std::to_string(r.remaining()),
                 spi_size_at);
  d.spis.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    TRY_ASSIGN(Bytes spi, r.copy(d.spi_size));
    d.spis.push_back(std::move(spi));
  }
  return d;
}

Result<AttributePayload> read_attribute_payload(Reader& r, const ParseOptions& options) {
  AttributePayload a;
  TRY_ASSIGN(uint8_t type, r.u8());
  a.cfg_type = static_cast<CfgType>(type);
  size_t at = r.offset();
  TRY_ASSIGN(uint8_t reserved, r.u8());
  TRY(check_reserved(reserved, at, options));
  TRY_ASSIGN(a.identifier, r.u16());
  TRY_ASSIGN(a.attributes, read_attributes(r, kMaxCfgAttributes));
  return a;
}

Result<NatOaPayload> read_nat_oa(Reader& r, const ParseOptions& options) {
  size_t type_at = r.offset();
  TRY_ASSIGN(uint8_t type, r.u8());
  size_t at = r.offset();
  TRY_ASSIGN(uint32_t reserved, r.u24());
  TRY(check_reserved(reserved, at, options));
  size_t size = 0;
  if (type == static_cast<uint8_t>(IdType::IPV4_ADDR)) {
    size = 4;
  } else if (type == static_cast<uint8_t>(IdType::IPV6_ADDR)) {
    size = 16;
  } else {
    return Error(ErrorCode::kMalformed,
                 "ID type " + to_string(static_cast<IdType>(type)) +
                     " (RFC 3947 §5.2 allows ID_IPV4_ADDR or ID_IPV6_ADDR)",
                 type_at);
  }
  if (r.remaining() != size)
    return Error(ErrorCode::kLength,
                 to_string(static_cast<IdType>(type)) + " needs " + plural(size, "byte") +
                     ", has " + std::to_string(r.remaining()),
                 r.offset());
  TRY_ASSIGN(ByteView address, r.bytes(size));
  auto ip = IpAddress::from_bytes(address);
  if (!ip) return Error(ErrorCode::kInternal, "address of unexpected size", r.offset());
  return NatOaPayload{*ip};
}

Result<FragmentPayload> read_fragment(Reader& r) {
  FragmentPayload f;
  TRY_ASSIGN(f.fragment_id, r.u16());
  size_t at = r.offset();
  TRY_ASSIGN(f.number, r.u8());
  TRY_ASSIGN(f.flags, r.u8());
  if (f.number == 0)
    return Error(ErrorCode::kMalformed, "fragment number 0 (fragments count from 1)", at);
  f.data = rest_of(r);
  return f;
}

Result<PayloadBody> read_body(PayloadType type, Reader& r, const ParseOptions& options) {
  switch (type) {
    case PayloadType::SA: {
      TRY_ASSIGN(SaPayload sa, read_sa(r, options));
      return PayloadBody{std::move(sa)};
    }
    case PayloadType::KE:
      return PayloadBody{KePayload{rest_of(r)}};
    case PayloadType::ID: {
      TRY_ASSIGN(IdPayload id, read_id(r));
      return PayloadBody{std::move(id)};
    }
    case PayloadType::CERT: {
      TRY_ASSIGN(uint8_t encoding, r.u8());
      return PayloadBody{CertPayload{static_cast<CertEncoding>(encoding), rest_of(r)}};
    }
    case PayloadType::CR: {
      TRY_ASSIGN(uint8_t encoding, r.u8());
      return PayloadBody{CertRequestPayload{static_cast<CertEncoding>(encoding), rest_of(r)}};
    }
    case PayloadType::HASH:
      return PayloadBody{HashPayload{rest_of(r)}};
    case PayloadType::SIG:
      return PayloadBody{SignaturePayload{rest_of(r)}};
    case PayloadType::Nonce:
      return PayloadBody{NoncePayload{rest_of(r)}};
    case PayloadType::Notification: {
      TRY_ASSIGN(NotifyPayload n, read_notify(r));
      return PayloadBody{std::move(n)};
    }
    case PayloadType::Delete: {
      TRY_ASSIGN(DeletePayload d, read_delete(r));
      return PayloadBody{std::move(d)};
    }
    case PayloadType::VendorId:
      return PayloadBody{VendorIdPayload{rest_of(r)}};
    case PayloadType::Attribute: {
      TRY_ASSIGN(AttributePayload a, read_attribute_payload(r, options));
      return PayloadBody{std::move(a)};
    }
    case PayloadType::NAT_D:
    case PayloadType::NAT_D_DRAFT:
      return PayloadBody{NatDPayload{rest_of(r)}};
    case PayloadType::NAT_OA:
    case PayloadType::NAT_OA_DRAFT: {
      TRY_ASSIGN(NatOaPayload oa, read_nat_oa(r, options));
      return PayloadBody{std::move(oa)};
    }
    case PayloadType::Fragment: {
      TRY_ASSIGN(FragmentPayload f, read_fragment(r));
      return PayloadBody{std::move(f)};
    }
    case PayloadType::None:
    case PayloadType::Proposal:
    case PayloadType::Transform:
      // RFC 2408 §3.5, §3.6: Proposal and Transform payloads exist only inside an SA.
      return fail(ErrorCode::kMalformed,
                  to_string(type) + " payload outside an SA payload", r.offset(),
                  NotifyType::INVALID_PAYLOAD_TYPE);
  }
  return PayloadBody{RawPayload{rest_of(r)}};
}

// ---------------------------------------------------------------------------------------------
// Serialization

void fail_writer(Writer& w, std::string reason) {
  w.fail(Error(ErrorCode::kMalformed, std::move(reason), w.size()));
}

void write_attributes(Writer& w, const std::vector<DataAttribute>& attributes) {
  for (const auto& a : attributes) {
    if (a.type & kAttributeFormatTv) {
      fail_writer(w, "attribute class " + std::to_string(a.type) + " does not fit in 15 bits");
      return;
    }
    if (a.tv) {
      w.u16(static_cast<uint16_t>(a.type | kAttributeFormatTv));
      w.u16(a.tv_value);
    } else {
      w.u16(a.type);
      size_t len = w.reserve_u16();
      size_t from = w.size();
      w.bytes(a.tlv_value);
      w.patch_length_u16(len, from);
    }
  }
}

void write_padded(Writer& w, ByteView value) {
  w.bytes(value);
  w.zeros(pad4(value.size()) - value.size());
}

void write_length16(Writer& w, uint16_t value, size_t size_check, const char* what) {
  if (size_check > 0xffff) {
    fail_writer(w, std::string(what) + " is too long");
    return;
  }
  w.u16(value);
}

void write_labeled_domain(Writer& w, const LabeledDomain& d) {
  w.u32(d.domain);
  write_length16(w, static_cast<uint16_t>(d.secrecy_level.size()), d.secrecy_level.size(),
                 "secrecy level");
  w.u16(0);
  write_padded(w, d.secrecy_level);
  if (d.secrecy_categories.size() != (d.secrecy_category_bits + 7u) / 8u)
    fail_writer(w, "secrecy category bitmap size disagrees with its bit length");
  w.u16(d.secrecy_category_bits);
  w.u16(0);
  write_padded(w, d.secrecy_categories);
  write_length16(w, static_cast<uint16_t>(d.integrity_level.size()), d.integrity_level.size(),
                 "integrity level");
  w.u16(0);
  write_padded(w, d.integrity_level);
  if (d.integrity_categories.size() != (d.integrity_category_bits + 7u) / 8u)
    fail_writer(w, "integrity category bitmap size disagrees with its bit length");
  w.u16(d.integrity_category_bits);
  w.u16(0);
  write_padded(w, d.integrity_categories);
}

void write_sa(Writer& w, const SaPayload& sa) {
  w.u32(sa.doi);
  w.u32(sa.situation);
  if (has_labeled_domain(sa.doi, sa.situation) != sa.labeled_domain.has_value()) {
    fail_writer(w, sa.labeled_domain ? "a labeled domain needs the IPsec DOI and SIT_SECRECY or "
                                       "SIT_INTEGRITY"
                                     : "SIT_SECRECY/SIT_INTEGRITY need a labeled domain");
    return;
  }
  if (sa.labeled_domain) write_labeled_domain(w, *sa.labeled_domain);
  if (sa.proposals.empty()) fail_writer(w, "SA payload without proposals");
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    const Proposal& p = sa.proposals[i];
    size_t start = w.size();
    w.u8(i + 1 < sa.proposals.size() ? static_cast<uint8_t>(PayloadType::Proposal) : 0);
    w.u8(0);
    size_t len = w.reserve_u16();
    w.u8(p.number);
    w.u8(static_cast<uint8_t>(p.protocol));
    if (p.spi.size() > 0xff) fail_writer(w, "SPI longer than 255 bytes");
    w.u8(static_cast<uint8_t>(p.spi.size()));
    if (p.transforms.empty() || p.transforms.size() > 0xff)
      fail_writer(w, "a proposal needs 1 to 255 transforms, has " +
                         std::to_string(p.transforms.size()));
    w.u8(static_cast<uint8_t>(p.transforms.size()));
    w.bytes(p.spi);
    for (size_t j = 0; j < p.transforms.size(); ++j) {
      const Transform& t = p.transforms[j];
      size_t tstart = w.size();
      w.u8(j + 1 < p.transforms.size() ? static_cast<uint8_t>(PayloadType::Transform) : 0);
      w.u8(0);
      size_t tlen = w.reserve_u16();
      w.u8(t.number);
      w.u8(t.id);
      w.u16(0);
      write_attributes(w, t.attributes);
      w.patch_length_u16(tlen, tstart);
    }
    w.patch_length_u16(len, start);
  }
}

void write_body(Writer& w, const PayloadBody& body) {
  std::visit(
      [&w](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, SaPayload>) {
          write_sa(w, b);
        } else if constexpr (std::is_same_v<T, KePayload>) {
          w.bytes(b.data);
        } else if constexpr (std::is_same_v<T, IdPayload>) {
          if (auto need = id_data_size(b.type); need && b.data.size() != *need)
            fail_writer(w, to_string(b.type) + " needs " + plural(*need, "byte") + " of data");
          w.u8(static_cast<uint8_t>(b.type));
          w.u8(b.protocol);
          w.u16(b.port);
          w.bytes(b.data);
        } else if constexpr (std::is_same_v<T, CertPayload>) {
          w.u8(static_cast<uint8_t>(b.encoding));
          w.bytes(b.data);
        } else if constexpr (std::is_same_v<T, CertRequestPayload>) {
          w.u8(static_cast<uint8_t>(b.encoding));
          w.bytes(b.authority);
        } else if constexpr (std::is_same_v<T, HashPayload>) {
          w.bytes(b.hash);
        } else if constexpr (std::is_same_v<T, SignaturePayload>) {
          w.bytes(b.signature);
        } else if constexpr (std::is_same_v<T, NoncePayload>) {
          w.bytes(b.nonce);
        } else if constexpr (std::is_same_v<T, NotifyPayload>) {
          w.u32(b.doi);
          w.u8(static_cast<uint8_t>(b.protocol));
          if (b.spi.size() > 0xff) fail_writer(w, "SPI longer than 255 bytes");
          w.u8(static_cast<uint8_t>(b.spi.size()));
          w.u16(static_cast<uint16_t>(b.type));
          w.bytes(b.spi);
          w.bytes(b.data);
        } else if constexpr (std::is_same_v<T, DeletePayload>) {
          w.u32(b.doi);
          w.u8(static_cast<uint8_t>(b.protocol));
          w.u8(b.spi_size);
          if (b.spis.size() > 0xffff) fail_writer(w, "more than 65535 SPIs");
          if (b.spi_size == 0 && !b.spis.empty()) fail_writer(w, "SPI size 0 with SPIs to delete");
          w.u16(static_cast<uint16_t>(b.spis.size()));
          for (const auto& spi : b.spis) {
            if (spi.size() != b.spi_size)
              fail_writer(w, "an SPI of " + plural(spi.size(), "byte") + " in a Delete of " +
                                 std::to_string(b.spi_size) + "-byte SPIs");
            w.bytes(spi);
          }
        } else if constexpr (std::is_same_v<T, VendorIdPayload>) {
          w.bytes(b.id);
        } else if constexpr (std::is_same_v<T, AttributePayload>) {
          w.u8(static_cast<uint8_t>(b.cfg_type));
          w.u8(0);
          w.u16(b.identifier);
          write_attributes(w, b.attributes);
        } else if constexpr (std::is_same_v<T, NatDPayload>) {
          w.bytes(b.hash);
        } else if constexpr (std::is_same_v<T, NatOaPayload>) {
          if (b.address.empty()) fail_writer(w, "NAT-OA without an address");
          w.u8(static_cast<uint8_t>(b.address.is_v6() ? IdType::IPV6_ADDR : IdType::IPV4_ADDR));
          w.u8(0);
          w.u16(0);
          w.bytes(b.address.bytes());
        } else if constexpr (std::is_same_v<T, FragmentPayload>) {
          if (b.number == 0) fail_writer(w, "fragment number 0 (fragments count from 1)");
          w.u16(b.fragment_id);
          w.u8(b.number);
          w.u8(b.flags);
          w.bytes(b.data);
        } else {
          static_assert(std::is_same_v<T, RawPayload>);
          w.bytes(b.body);
        }
      },
      body);
}

// Whether a body may be sent under a wire type: its own type(s), or anything for RawPayload.
bool body_fits_type(const PayloadBody& body, PayloadType type) {
  if (std::holds_alternative<RawPayload>(body)) return true;
  PayloadType own = default_type(body);
  if (own == type) return true;
  if (own == PayloadType::NAT_D) return type == PayloadType::NAT_D_DRAFT;
  if (own == PayloadType::NAT_OA) return type == PayloadType::NAT_OA_DRAFT;
  return false;
}

void write_chain(Writer& w, const std::vector<Payload>& payloads) {
  if (payloads.size() > kMaxPayloadsPerMessage) {
    w.fail(Error(ErrorCode::kLimit, "more than " + plural(kMaxPayloadsPerMessage, "payload")));
    return;
  }
  for (size_t i = 0; i < payloads.size(); ++i) {
    const Payload& p = payloads[i];
    if (p.type == PayloadType::None) {
      w.fail(Error(ErrorCode::kMalformed, "payload #" + std::to_string(i + 1) + " has type NONE"));
      return;
    }
    if (!body_fits_type(p.body, p.type)) {
      w.fail(Error(ErrorCode::kMalformed, "payload #" + std::to_string(i + 1) + " of type " +
                                              to_string(p.type) + " carries a " +
                                              to_string(default_type(p.body)) + " body"));
      return;
    }
    size_t start = w.size();
    w.u8(i + 1 < payloads.size() ? static_cast<uint8_t>(payloads[i + 1].type) : 0);
    w.u8(0);
    size_t len = w.reserve_u16();
    write_body(w, p.body);
    w.patch_length_u16(len, start);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API

PayloadType default_type(const PayloadBody& body) {
  return std::visit(
      [](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, SaPayload>) return PayloadType::SA;
        else if constexpr (std::is_same_v<T, KePayload>) return PayloadType::KE;
        else if constexpr (std::is_same_v<T, IdPayload>) return PayloadType::ID;
        else if constexpr (std::is_same_v<T, CertPayload>) return PayloadType::CERT;
        else if constexpr (std::is_same_v<T, CertRequestPayload>) return PayloadType::CR;
        else if constexpr (std::is_same_v<T, HashPayload>) return PayloadType::HASH;
        else if constexpr (std::is_same_v<T, SignaturePayload>) return PayloadType::SIG;
        else if constexpr (std::is_same_v<T, NoncePayload>) return PayloadType::Nonce;
        else if constexpr (std::is_same_v<T, NotifyPayload>) return PayloadType::Notification;
        else if constexpr (std::is_same_v<T, DeletePayload>) return PayloadType::Delete;
        else if constexpr (std::is_same_v<T, VendorIdPayload>) return PayloadType::VendorId;
        else if constexpr (std::is_same_v<T, AttributePayload>) return PayloadType::Attribute;
        else if constexpr (std::is_same_v<T, NatDPayload>) return PayloadType::NAT_D;
        else if constexpr (std::is_same_v<T, NatOaPayload>) return PayloadType::NAT_OA;
        else if constexpr (std::is_same_v<T, FragmentPayload>) return PayloadType::Fragment;
        else return PayloadType::None;
      },
      body);
}

Payload make_payload(PayloadBody body) {
  PayloadType type = default_type(body);
  return Payload{type, std::move(body)};
}

const Payload* Message::find(PayloadType type) const {
  for (const auto& p : payloads)
    if (p.type == type) return &p;
  return nullptr;
}

std::vector<const Payload*> Message::find_all(PayloadType type) const {
  std::vector<const Payload*> out;
  for (const auto& p : payloads)
    if (p.type == type) out.push_back(&p);
  return out;
}

const NotifyPayload* Message::find_notify(NotifyType type) const {
  for (const auto& p : payloads)
    if (const auto* n = p.as<NotifyPayload>(); n && n->type == type) return n;
  return nullptr;
}

Result<Header> parse_header(ByteView datagram, const ParseOptions& options) {
  Reader r(datagram);
  if (datagram.size() < Header::kSize)
    return fail(ErrorCode::kTruncated,
                "ISAKMP header needs 28 bytes, the datagram has " +
                    std::to_string(datagram.size()),
                datagram.size(), NotifyType::PAYLOAD_MALFORMED)
        .within("ISAKMP header");
  Header h;
  TRY_ASSIGN(h.cookie_i, r.u64());
  TRY_ASSIGN(h.cookie_r, r.u64());
  TRY_ASSIGN(uint8_t next, r.u8());
  h.next_payload = static_cast<PayloadType>(next);
  size_t version_at = r.offset();
  TRY_ASSIGN(uint8_t version, r.u8());
  h.major_version = version >> 4;
  h.minor_version = version & 0x0f;
  TRY_ASSIGN(uint8_t exchange, r.u8());
  h.exchange = static_cast<ExchangeType>(exchange);
  size_t flags_at = r.offset();
  TRY_ASSIGN(h.flags, r.u8());
  TRY_ASSIGN(h.message_id, r.u32());
  size_t length_at = r.offset();
  TRY_ASSIGN(h.length, r.u32());
  // RFC 2408 §5.1: the version is checked first, so that an IKEv2 datagram reads as such.
  if (h.major_version != 1)
    return fail(ErrorCode::kUnsupported,
                "major version " + std::to_string(h.major_version) + " (ISAKMP is 1)",
                version_at, NotifyType::INVALID_MAJOR_VERSION)
        .within("ISAKMP header");
  if (options.strict_reserved && (h.flags & ~kKnownFlags))
    return fail(ErrorCode::kMalformed, "unknown flag bits in " + std::to_string(h.flags),
                flags_at, NotifyType::INVALID_FLAGS)
        .within("ISAKMP header");
  if (h.length < Header::kSize)
    return fail(ErrorCode::kLength,
                "length " + std::to_string(h.length) + " is shorter than the 28-byte header",
                length_at, NotifyType::UNEQUAL_PAYLOAD_LENGTHS)
        .within("ISAKMP header");
  if (h.length > datagram.size())
    return fail(ErrorCode::kTruncated,
                "length " + std::to_string(h.length) + " exceeds the datagram's " +
                    std::to_string(datagram.size()) + " bytes",
                length_at, NotifyType::UNEQUAL_PAYLOAD_LENGTHS)
        .within("ISAKMP header");
  if (h.length < datagram.size())
    return fail(ErrorCode::kTrailingBytes,
                "length " + std::to_string(h.length) + " is shorter than the datagram's " +
                    std::to_string(datagram.size()) + " bytes",
                length_at, NotifyType::UNEQUAL_PAYLOAD_LENGTHS)
        .within("ISAKMP header");
  return h;
}

Result<Message> parse(ByteView datagram, const ParseOptions& options) {
  TRY_ASSIGN(Header h, parse_header(datagram, options));
  Message m;
  m.header = h;
  ByteView body = datagram.subspan(Header::kSize, h.length - Header::kSize);
  if (h.encrypted()) {
    // RFC 2408 §3.1: with the E flag every byte after the header is encrypted.
    m.encrypted_body.assign(body.begin(), body.end());
    return m;
  }
  ParseOptions chain_options = options;
  chain_options.allow_padding = false;  // a message in clear has no cipher padding
  auto chain = parse_chain(h.next_payload, body, Header::kSize, chain_options);
  // Libreswan pads messages in clear with zeros to a multiple of 4 octets and counts them in
  // the header's Length (an Aggressive Mode message with a 26-byte ID payload ends with two):
  // up to 3 zero bytes after the last payload are that alignment, not a length mismatch.
  if (!chain.ok() && chain.error().code() == ErrorCode::kTrailingBytes && chain.error().offset()) {
    size_t end = *chain.error().offset();
    size_t extra = h.length - end;
    bool zeros = end >= Header::kSize && extra <= 3 && (h.length % 4) == 0;
    for (size_t i = end; zeros && i < h.length; ++i) zeros = datagram[i] == 0;
    if (zeros) chain = parse_chain(h.next_payload, body.first(end - Header::kSize), Header::kSize, chain_options);
  }
  if (!chain.ok()) return std::move(chain).error().within("ISAKMP message");
  m.payloads = std::move(chain->payloads);
  return m;
}

Result<PayloadChain> parse_chain(PayloadType first, ByteView data, size_t base,
                                 const ParseOptions& options) {
  PayloadChain out;
  Reader r(data, base);
  PayloadType type = first;
  while (type != PayloadType::None) {
    auto ctx = [&out, type] {
      return to_string(type) + " payload #" + std::to_string(out.payloads.size() + 1);
    };
    size_t start = r.offset();
    if (out.payloads.size() >= kMaxPayloadsPerMessage)
      return fail(ErrorCode::kLimit, "more than " + plural(kMaxPayloadsPerMessage, "payload"),
                  start, NotifyType::PAYLOAD_MALFORMED)
          .within(ctx());
    if (options.reject_unknown_payloads && !known_payload(type) &&
        type != PayloadType::Proposal && type != PayloadType::Transform)
      return Error(ErrorCode::kUnsupported, "unknown payload type " + std::to_string(static_cast<unsigned>(type)),
                   start)
          .with_notify(code(NotifyType::INVALID_PAYLOAD_TYPE), Bytes{static_cast<uint8_t>(type)})
          .within(ctx());
    if (r.remaining() < kGenericHeaderSize)
      return fail(ErrorCode::kTruncated,
                  "payload header needs 4 bytes, " + std::to_string(r.remaining()) + " left",
                  start, NotifyType::PAYLOAD_MALFORMED)
          .within(ctx());
    TRY_ASSIGN(uint8_t next, r.u8());
    TRY_ASSIGN(uint8_t reserved, r.u8());
    TRY_ASSIGN(uint16_t length, r.u16());
    if (auto s = check_reserved(reserved, start + 1, options); !s.ok())
      return std::move(s).error().within(ctx());
    if (length < kGenericHeaderSize)
      return fail(ErrorCode::kLength,
                  "payload length " + std::to_string(length) +
                      " is shorter than the 4-byte generic header",
                  start + 2, NotifyType::PAYLOAD_MALFORMED)
          .within(ctx());
    if (length - kGenericHeaderSize > r.remaining())
      return fail(ErrorCode::kLength,
                  "payload length " + std::to_string(length) + " exceeds the " +
                      std::to_string(r.remaining() + kGenericHeaderSize) + " bytes left",
                  start + 2, NotifyType::PAYLOAD_MALFORMED)
          .within(ctx());
    TRY_ASSIGN(ByteView body, r.bytes(length - kGenericHeaderSize));
    auto parsed = parse_body(type, body, start + kGenericHeaderSize, options);
    if (!parsed.ok()) return std::move(parsed).error().within(ctx());
    out.payloads.push_back(Payload{type, std::move(*parsed)});
    type = static_cast<PayloadType>(next);
  }
  if (!r.empty()) {
    if (!options.allow_padding)
      return fail(ErrorCode::kTrailingBytes,
                  plural(r.remaining(), "byte") + " after the last payload", r.offset(),
                  NotifyType::UNEQUAL_PAYLOAD_LENGTHS);
    out.padding = r.remaining();
  }
  return out;
}

Result<PayloadBody> parse_body(PayloadType type, ByteView body, size_t base,
                               const ParseOptions& options) {
  Reader r(body, base);
  auto parsed = read_body(type, r, options);
  if (!parsed.ok()) return default_notify(std::move(parsed).error(), NotifyType::PAYLOAD_MALFORMED);
  if (!r.empty())  // every body reader consumes its payload; this guards the invariant
    return fail(ErrorCode::kTrailingBytes, plural(r.remaining(), "byte") + " left unread",
                r.offset(), NotifyType::PAYLOAD_MALFORMED);
  return parsed;
}

Result<std::vector<DataAttribute>> parse_attributes(ByteView data, size_t base, size_t max_count) {
  Reader r(data, base);
  auto out = read_attributes(r, max_count);
  if (!out.ok()) return default_notify(std::move(out).error(), NotifyType::PAYLOAD_MALFORMED);
  return out;
}

Result<Bytes> serialize(const Message& message) {
  const Header& h = message.header;
  Writer w;
  w.u64(h.cookie_i);
  w.u64(h.cookie_r);
  if (h.encrypted()) {
    if (!message.payloads.empty())
      return Error(ErrorCode::kMalformed,
                   "an encrypted message carries its payloads in encrypted_body, not in clear");
    w.u8(static_cast<uint8_t>(h.next_payload));
  } else {
    if (!message.encrypted_body.empty())
      return Error(ErrorCode::kMalformed, "encrypted_body without the Encryption flag");
    w.u8(message.payloads.empty() ? 0 : static_cast<uint8_t>(message.payloads.front().type));
  }
  if (h.major_version > 0x0f || h.minor_version > 0x0f)
    return Error(ErrorCode::kMalformed, "version numbers are 4 bits each");
  w.u8(static_cast<uint8_t>(h.major_version << 4 | h.minor_version));
  w.u8(static_cast<uint8_t>(h.exchange));
  w.u8(h.flags);
  w.u32(h.message_id);
  size_t len = w.reserve_u32();
  if (h.encrypted()) {
    w.bytes(message.encrypted_body);
  } else {
    write_chain(w, message.payloads);
  }
  w.patch_length_u32(len, 0);
  return std::move(w).finish();
}

Result<Bytes> serialize_chain(const std::vector<Payload>& payloads) {
  Writer w;
  write_chain(w, payloads);
  return std::move(w).finish();
}

Result<Bytes> serialize_body(const PayloadBody& body) {
  Writer w;
  write_body(w, body);
  return std::move(w).finish();
}

Result<Bytes> serialize_attributes(const std::vector<DataAttribute>& attributes) {
  Writer w;
  write_attributes(w, attributes);
  return std::move(w).finish();
}

}  // namespace ikesuite::v1
