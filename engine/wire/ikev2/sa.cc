// RFC 7296 §3.3: the Security Association payload, its proposals, transforms and attributes.
#include "engine/wire/ikev2/codec_internal.h"

namespace ikesuite::v2 {

namespace {

using detail::check_reserved;
using detail::syntax_error;

// RFC 7296 §3.3.1 and §3.3.2: the "Last Substruc" octet. Values 2 and 3 are the ISAKMP
// payload types of a proposal and a transform, kept by IKEv2 for compatibility.
constexpr uint8_t kLastSubstruc = 0;
constexpr uint8_t kMoreProposals = 2;
constexpr uint8_t kMoreTransforms = 3;
constexpr size_t kProposalHeaderSize = 8;
constexpr size_t kTransformHeaderSize = 8;
constexpr uint16_t kAttributeFormatBit = 0x8000;  // RFC 7296 §3.3.5: AF, 1 = TV

std::string attribute_label(size_t index, uint16_t type) {
  return "attribute #" + std::to_string(index) + " (" +
         to_string(static_cast<TransformAttributeType>(type)) + ")";
}

Status parse_attribute_into(wire::Reader& r, TransformAttribute& a) {
  size_t start = r.offset();
  TRY_ASSIGN(uint16_t af_type, r.u16());
  a.tv = (af_type & kAttributeFormatBit) != 0;
  a.type = af_type & static_cast<uint16_t>(~kAttributeFormatBit);
  if (a.tv) {
    TRY_ASSIGN(a.tv_value, r.u16());
  } else {
    TRY_ASSIGN(uint16_t length, r.u16());
    if (length > r.remaining())
      return syntax_error(ErrorCode::kLength,
                          "Attribute Length " + std::to_string(length) +
                              " runs past the end of the transform (" +
                              std::to_string(r.remaining()) + " bytes left)",
                          start + 2);
    TRY_ASSIGN(a.tlv_value, r.copy(length));
  }
  // RFC 7296 §3.3.5: "Key Length ... (TV)". A TLV key length is a type/format mismatch.
  if (a.type == static_cast<uint16_t>(TransformAttributeType::KeyLength) && !a.tv)
    return syntax_error(ErrorCode::kMalformed,
                        "KEY_LENGTH must use the TV format (RFC 7296 §3.3.5)", start);
  // Unknown attribute types are kept: RFC 7296 §3.3.6 makes a proposal with an attribute the
  // responder does not understand unacceptable (NO_PROPOSAL_CHOSEN), which is the engine's
  // decision, not a syntax error. So is a KEY_LENGTH on a transform that takes none.
  return {};
}

struct ParsedTransform {
  Transform transform;
  bool last = false;
  size_t start = 0;
};

Status parse_transform_into(wire::Reader& r, const ParseOptions& options, ParsedTransform& out,
                            bool& have_type) {
  size_t start = out.start = r.offset();
  TRY_ASSIGN(uint8_t marker, r.u8());
  if (marker != kLastSubstruc && marker != kMoreTransforms)
    return syntax_error(ErrorCode::kMalformed,
                        "Last Substruc is " + std::to_string(marker) +
                            ", must be 0 (last) or 3 (more transforms follow)",
                        start);
  out.last = marker == kLastSubstruc;
  TRY_ASSIGN(uint8_t reserved1, r.u8());
  TRY(check_reserved(options, reserved1, start + 1, "the RESERVED octet"));
  TRY_ASSIGN(uint16_t length, r.u16());
  if (length < kTransformHeaderSize)
    return syntax_error(ErrorCode::kLength,
                        "Transform Length " + std::to_string(length) +
                            " is shorter than the 8-byte transform header",
                        start + 2);
  if (length - 4u > r.remaining())
    return syntax_error(ErrorCode::kLength,
                        "Transform Length " + std::to_string(length) +
                            " runs past the end of the proposal (" +
                            std::to_string(r.remaining() + 4) + " bytes left)",
                        start + 2);
  TRY_ASSIGN(wire::Reader body, r.sub(length - 4u));
  TRY_ASSIGN(uint8_t type, body.u8());
  out.transform.type = static_cast<TransformType>(type);
  have_type = true;
  TRY_ASSIGN(uint8_t reserved2, body.u8());
  TRY(check_reserved(options, reserved2, start + 5, "the RESERVED octet"));
  TRY_ASSIGN(out.transform.id, body.u16());
  // Unknown transform types and IDs are kept: RFC 7296 §3.3.6 has the responder reject the
  // proposal that carries them, not the message.
  size_t index = 0;
  while (!body.empty()) {
    if (out.transform.attributes.size() >= kMaxAttributesPerTransform)
      return Error(ErrorCode::kLimit,
                   "more than " + std::to_string(kMaxAttributesPerTransform) + " attributes",
                   body.offset());
    ++index;
    TransformAttribute a;
    Status s = parse_attribute_into(body, a);
    if (!s.ok()) return std::move(s).error().within(attribute_label(index, a.type));
    out.transform.attributes.push_back(std::move(a));
  }
  return {};
}

Result<ParsedTransform> parse_transform(wire::Reader& r, const ParseOptions& options,
                                        size_t index) {
  ParsedTransform out;
  bool have_type = false;
  Status s = parse_transform_into(r, options, out, have_type);
  if (!s.ok()) {
    std::string label = "transform #" + std::to_string(index);
    if (have_type) label += " (" + to_string(out.transform.type) + ")";
    return std::move(s).error().within(std::move(label));
  }
  return out;
}

// RFC 7296 §3.3.1: the SPI size a protocol implies.
Status check_proposal_spi(ProtocolId protocol, uint8_t spi_size, size_t offset) {
  switch (protocol) {
    case ProtocolId::IKE:
      // 0 in IKE_SA_INIT (the SPIs are in the header), 8 when rekeying the IKE SA in
      // CREATE_CHILD_SA; which of the two applies is the engine's to judge.
      if (spi_size == 0 || spi_size == 8) return {};
      return syntax_error(ErrorCode::kMalformed,
                          "SPI Size " + std::to_string(spi_size) + " for IKE, must be 0 or 8",
                          offset);
    case ProtocolId::AH:
    case ProtocolId::ESP:
      if (spi_size == 4) return {};
      return syntax_error(
          ErrorCode::kMalformed,
          "SPI Size " + std::to_string(spi_size) + " for " + to_string(protocol) + ", must be 4",
          offset);
    case ProtocolId::None:
      return syntax_error(ErrorCode::kMalformed, "Protocol ID 0 is reserved (RFC 7296 §3.3.1)",
                          offset - 1);
  }
  // Other protocol IDs (RFC 4595's Fibre Channel ones, or unassigned) are kept with whatever
  // SPI they carry: a proposal the engine does not understand is unacceptable, not malformed.
  return {};
}

struct ParsedProposal {
  Proposal proposal;
  bool last = false;
  size_t start = 0;
};

Status parse_proposal_into(wire::Reader& r, const ParseOptions& options, ParsedProposal& out) {
  size_t start = out.start = r.offset();
  TRY_ASSIGN(uint8_t marker, r.u8());
  if (marker != kLastSubstruc && marker != kMoreProposals)
    return syntax_error(ErrorCode::kMalformed,
                        "Last Substruc is " + std::to_string(marker) +
                            ", must be 0 (last) or 2 (more proposals follow)",
                        start);
  out.last = marker == kLastSubstruc;
  TRY_ASSIGN(uint8_t reserved, r.u8());
  TRY(check_reserved(options, reserved, start + 1, "the RESERVED octet"));
  TRY_ASSIGN(uint16_t length, r.u16());
  if (length < kProposalHeaderSize)
    return syntax_error(
        ErrorCode::kLength,
        "Proposal Length " + std::to_string(length) + " is shorter than the 8-byte proposal header",
        start + 2);
  if (length - 4u > r.remaining())
    return syntax_error(ErrorCode::kLength,
                        "Proposal Length " + std::to_string(length) +
                            " runs past the end of the SA payload (" +
                            std::to_string(r.remaining() + 4) + " bytes left)",
                        start + 2);
  TRY_ASSIGN(wire::Reader body, r.sub(length - 4u));
  Proposal& p = out.proposal;
  TRY_ASSIGN(p.number, body.u8());
  if (p.number == 0)
    return syntax_error(ErrorCode::kMalformed, "Proposal Num 0 (numbering starts at 1)", start + 4);
  TRY_ASSIGN(uint8_t protocol, body.u8());
  p.protocol = static_cast<ProtocolId>(protocol);
  TRY_ASSIGN(uint8_t spi_size, body.u8());
  TRY(check_proposal_spi(p.protocol, spi_size, start + 6));
  TRY_ASSIGN(uint8_t count, body.u8());
  if (count > kMaxTransformsPerProposal)
    return Error(ErrorCode::kLimit,
                 "Num Transforms " + std::to_string(count) + " exceeds our limit of " +
                     std::to_string(kMaxTransformsPerProposal),
                 start + 7);
  if (spi_size > body.remaining())
    return syntax_error(ErrorCode::kLength,
                        "SPI Size " + std::to_string(spi_size) +
                            " runs past the end of the proposal (" +
                            std::to_string(body.remaining()) + " bytes left)",
                        start + 6);
  TRY_ASSIGN(p.spi, body.copy(spi_size));
  // Each transform is at least 8 bytes: the count is bounded by the bytes before reserving.
  if (size_t{count} * kTransformHeaderSize > body.remaining())
    return syntax_error(ErrorCode::kLength,
                        "Num Transforms " + std::to_string(count) + " needs at least " +
                            std::to_string(size_t{count} * kTransformHeaderSize) +
                            " bytes, the proposal has " + std::to_string(body.remaining()) +
                            " after its SPI",
                        start + 7);
  p.transforms.reserve(count);
  for (size_t i = 1; i <= count; ++i) {
    TRY_ASSIGN(ParsedTransform t, parse_transform(body, options, i));
    // RFC 7296 §3.3.2: 0 marks the last transform of the proposal, 3 any other.
    if (t.last && i < count)
      return syntax_error(ErrorCode::kMalformed,
                          "transform #" + std::to_string(i) +
                              " is marked last, but Num Transforms is " + std::to_string(count),
                          t.start);
    if (!t.last && i == count)
      return syntax_error(ErrorCode::kMalformed,
                          "transform #" + std::to_string(i) +
                              " is marked as followed by more, but Num Transforms is " +
                              std::to_string(count),
                          t.start);
    p.transforms.push_back(std::move(t.transform));
  }
  if (!body.empty())
    return syntax_error(ErrorCode::kLength,
                        "Proposal Length " + std::to_string(length) + " leaves " +
                            std::to_string(body.remaining()) + " bytes after the " +
                            std::to_string(count) + " transforms Num Transforms announces",
                        body.offset());
  // A proposal without transforms, or without a mandatory type, is unacceptable (RFC 7296
  // §3.3.6: NO_PROPOSAL_CHOSEN), not malformed: the engine judges it.
  return {};
}

}  // namespace

namespace detail {

Result<SaPayload> parse_sa(wire::Reader& r, const ParseOptions& options) {
  SaPayload sa;
  // RFC 7296 §3.3: "An SA payload consists of one or more proposals."
  if (r.empty())
    return syntax_error(ErrorCode::kLength, "an SA payload needs at least one proposal",
                        r.offset());
  size_t first_start = r.offset();
  bool last = false;
  while (!last) {
    size_t index = sa.proposals.size() + 1;
    if (r.empty())
      return syntax_error(ErrorCode::kLength,
                          "proposal #" + std::to_string(index - 1) +
                              " is marked as followed by more, but the SA payload ends",
                          r.offset());
    if (sa.proposals.size() >= kMaxProposals)
      return Error(ErrorCode::kLimit, "more than " + std::to_string(kMaxProposals) + " proposals",
                   r.offset());
    ParsedProposal p;
    Status s = parse_proposal_into(r, options, p);
    if (!s.ok()) return std::move(s).error().within("proposal #" + std::to_string(index));
    // RFC 7296 §3.3.1: "the first proposal in an SA payload MUST be 1, and subsequent
    // proposals MUST be one more than the previous proposal". A response carries the one
    // chosen proposal with the number it had in the request, so a lone proposal may have any
    // number; that a request's lone proposal is #1 is the engine's check.
    if (index == 2 && sa.proposals[0].number != 1)
      return syntax_error(ErrorCode::kMalformed,
                          "the first of several proposals is numbered " +
                              std::to_string(sa.proposals[0].number) + ", must be 1",
                          first_start + 4)
          .within("proposal #1");
    if (index >= 2 && p.proposal.number != sa.proposals.back().number + 1)
      return syntax_error(ErrorCode::kMalformed,
                          "Proposal Num " + std::to_string(p.proposal.number) + " follows " +
                              std::to_string(sa.proposals.back().number) + ", must be " +
                              std::to_string(sa.proposals.back().number + 1),
                          p.start + 4)
          .within("proposal #" + std::to_string(index));
    last = p.last;
    sa.proposals.push_back(std::move(p.proposal));
  }
  if (!r.empty())
    return syntax_error(ErrorCode::kLength,
                        std::to_string(r.remaining()) +
                            " bytes follow the proposal marked last (SA payload length vs its "
                            "proposals)",
                        r.offset());
  return sa;
}

void write_sa(wire::Writer& w, const SaPayload& sa) {
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    const Proposal& p = sa.proposals[i];
    size_t start = w.size();
    w.u8(i + 1 == sa.proposals.size() ? kLastSubstruc : kMoreProposals);
    w.u8(0);
    size_t length = w.reserve_u16();
    w.u8(p.number);
    w.u8(static_cast<uint8_t>(p.protocol));
    if (p.spi.size() > 0xff)
      w.fail(Error(ErrorCode::kLimit, "proposal SPI of " + std::to_string(p.spi.size()) +
                                          " bytes does not fit the SPI Size octet"));
    w.u8(static_cast<uint8_t>(p.spi.size()));
    if (p.transforms.size() > 0xff)
      w.fail(Error(ErrorCode::kLimit, std::to_string(p.transforms.size()) +
                                          " transforms do not fit the Num Transforms octet"));
    w.u8(static_cast<uint8_t>(p.transforms.size()));
    w.bytes(p.spi);
    for (size_t j = 0; j < p.transforms.size(); ++j) {
      const Transform& t = p.transforms[j];
      size_t tstart = w.size();
      w.u8(j + 1 == p.transforms.size() ? kLastSubstruc : kMoreTransforms);
      w.u8(0);
      size_t tlength = w.reserve_u16();
      w.u8(static_cast<uint8_t>(t.type));
      w.u8(0);
      w.u16(t.id);
      for (const TransformAttribute& a : t.attributes) {
        if (a.type & kAttributeFormatBit)
          w.fail(Error(ErrorCode::kMalformed,
                       "attribute type " + std::to_string(a.type) + " does not fit in 15 bits"));
        if (a.tv) {
          w.u16(static_cast<uint16_t>(a.type | kAttributeFormatBit));
          w.u16(a.tv_value);
        } else {
          w.u16(a.type);
          size_t alength = w.reserve_u16();
          w.bytes(a.tlv_value);
          w.patch_length_u16(alength, alength + 2);
        }
      }
      w.patch_length_u16(tlength, tstart);
    }
    w.patch_length_u16(length, start);
  }
}

}  // namespace detail

std::optional<uint16_t> Transform::key_length() const {
  for (const TransformAttribute& a : attributes)
    if (a.tv && a.type == static_cast<uint16_t>(TransformAttributeType::KeyLength))
      return a.tv_value;
  return std::nullopt;
}

const Transform* Proposal::find(TransformType type) const {
  for (const Transform& t : transforms)
    if (t.type == type) return &t;
  return nullptr;
}

Transform make_transform(TransformType type, uint16_t id, std::optional<uint16_t> key_bits) {
  Transform t;
  t.type = type;
  t.id = id;
  if (key_bits) t.attributes.push_back(TransformAttribute::key_length(*key_bits));
  return t;
}

}  // namespace ikesuite::v2
