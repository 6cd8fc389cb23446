// Data Attributes (RFC 2408 §3.3) and their typed phase-1 (RFC 2409 Appendix A) and phase-2
// (RFC 2407 §4.5) readings.
#include <string>

#include "engine/wire/ikev1/message.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::v1 {

using wire::Reader;
using wire::Writer;

DataAttribute DataAttribute::make_tv(uint16_t type, uint16_t value) {
  return DataAttribute{type, true, value, {}};
}

DataAttribute DataAttribute::make_tlv(uint16_t type, Bytes value) {
  return DataAttribute{type, false, 0, std::move(value)};
}

DataAttribute DataAttribute::make_number(uint16_t type, uint64_t value) {
  if (value <= 0xffff) return make_tv(type, static_cast<uint16_t>(value));
  Writer w;
  if (value <= 0xffffffffu) {
    w.u32(static_cast<uint32_t>(value));
  } else {
    w.u64(value);
  }
  return make_tlv(type, std::move(w).finish().value_or(Bytes{}));
}

Result<uint64_t> DataAttribute::number() const {
  if (tv) return uint64_t{tv_value};
  if (tlv_value.empty())
    return Error(ErrorCode::kMalformed, "empty value for attribute " + std::to_string(type));
  Reader r(tlv_value);
  while (r.remaining() > 8) {
    TRY_ASSIGN(uint8_t lead, r.u8());
    if (lead != 0)
      return Error(ErrorCode::kMalformed, "value of attribute " + std::to_string(type) +
                                              " does not fit in 64 bits");
  }
  uint64_t v = 0;
  while (!r.empty()) {
    TRY_ASSIGN(uint8_t b, r.u8());
    v = v << 8 | b;
  }
  return v;
}

const DataAttribute* Transform::find(uint16_t type) const {
  for (const auto& a : attributes)
    if (a.type == type) return &a;
  return nullptr;
}

namespace {

Error bad_attributes(std::string reason) {
  return Error(ErrorCode::kMalformed, std::move(reason))
      .with_notify(static_cast<uint16_t>(NotifyType::BAD_PROPOSAL_SYNTAX));
}

// RFC 2409 Appendix A: "Attributes described as basic MUST NOT be encoded as variable."
Result<uint16_t> basic(const DataAttribute& a, std::string_view name) {
  if (!a.tv) return bad_attributes(std::string(name) + " is a basic attribute but was sent as TLV");
  return a.tv_value;
}

template <typename T>
Status set_once(std::optional<T>& slot, T value, std::string_view name) {
  if (slot) return bad_attributes(std::string(name) + " appears twice");
  slot = value;
  return {};
}

// Life Type / Life Duration pairs (RFC 2409 Appendix A, RFC 2407 §4.5): a duration belongs
// to the type just before it.
class LifeReader {
 public:
  explicit LifeReader(std::vector<LifeLimit>& out) : out_(out) {}

  Status type(const DataAttribute& a) {
    if (pending_) return bad_attributes("Life Type without a Life Duration");
    TRY_ASSIGN(uint16_t t, basic(a, "Life Type"));
    out_.push_back(LifeLimit{static_cast<LifeType>(t), 0});
    pending_ = true;
    return {};
  }
  Status duration(const DataAttribute& a) {
    if (!pending_) return bad_attributes("Life Duration without a Life Type before it");
    auto v = a.number();
    if (!v.ok()) return bad_attributes("Life Duration: " + v.error().reason());
    out_.back().duration = *v;
    pending_ = false;
    return {};
  }
  Status finish() const {
    if (pending_) return bad_attributes("Life Type without a Life Duration");
    return {};
  }

 private:
  std::vector<LifeLimit>& out_;
  bool pending_ = false;
};

template <typename Enum>
Status set_enum(std::optional<Enum>& slot, const DataAttribute& a, std::string_view name) {
  TRY_ASSIGN(uint16_t v, basic(a, name));
  return set_once(slot, static_cast<Enum>(v), name);
}

void add_lifetimes(std::vector<DataAttribute>& out, const std::vector<LifeLimit>& lifetimes,
                   uint16_t type_class, uint16_t duration_class) {
  for (const auto& l : lifetimes) {
    out.push_back(DataAttribute::make_tv(type_class, static_cast<uint16_t>(l.type)));
    out.push_back(DataAttribute::make_number(duration_class, l.duration));
  }
}

template <typename T>
void add_tv(std::vector<DataAttribute>& out, uint16_t type_class, const std::optional<T>& v) {
  if (v) out.push_back(DataAttribute::make_tv(type_class, static_cast<uint16_t>(*v)));
}

uint16_t cls(OakleyAttribute a) { return static_cast<uint16_t>(a); }
uint16_t cls(IpsecAttribute a) { return static_cast<uint16_t>(a); }

}  // namespace

Result<Phase1Attributes> Phase1Attributes::decode(const std::vector<DataAttribute>& attributes) {
  Phase1Attributes p;
  LifeReader life(p.lifetimes);
  for (const auto& a : attributes) {
    switch (static_cast<OakleyAttribute>(a.type)) {
      case OakleyAttribute::EncryptionAlgorithm:
        TRY(set_enum(p.encryption, a, "Encryption Algorithm"));
        break;
      case OakleyAttribute::HashAlgorithm:
        TRY(set_enum(p.hash, a, "Hash Algorithm"));
        break;
      case OakleyAttribute::AuthenticationMethod:
        TRY(set_enum(p.auth_method, a, "Authentication Method"));
        break;
      case OakleyAttribute::GroupDescription:
        TRY(set_enum(p.group, a, "Group Description"));
        break;
      case OakleyAttribute::GroupType:
        TRY(set_enum(p.group_type, a, "Group Type"));
        break;
      case OakleyAttribute::LifeType:
        TRY(life.type(a));
        break;
      case OakleyAttribute::LifeDuration:
        TRY(life.duration(a));
        break;
      case OakleyAttribute::PRF:
        TRY(set_enum(p.prf, a, "PRF"));
        break;
      case OakleyAttribute::KeyLength:
        TRY(set_enum(p.key_length, a, "Key Length"));
        break;
      case OakleyAttribute::FieldSize:
        TRY(set_enum(p.field_size, a, "Field Size"));
        break;
      default:
        p.other.push_back(a);
        break;
    }
  }
  TRY(life.finish());
  return p;
}

std::vector<DataAttribute> Phase1Attributes::encode() const {
  std::vector<DataAttribute> out;
  add_tv(out, cls(OakleyAttribute::EncryptionAlgorithm), encryption);
  add_tv(out, cls(OakleyAttribute::KeyLength), key_length);
  add_tv(out, cls(OakleyAttribute::HashAlgorithm), hash);
  add_tv(out, cls(OakleyAttribute::AuthenticationMethod), auth_method);
  add_tv(out, cls(OakleyAttribute::GroupDescription), group);
  add_tv(out, cls(OakleyAttribute::GroupType), group_type);
  add_lifetimes(out, lifetimes, cls(OakleyAttribute::LifeType),
                cls(OakleyAttribute::LifeDuration));
  add_tv(out, cls(OakleyAttribute::PRF), prf);
  add_tv(out, cls(OakleyAttribute::FieldSize), field_size);
  out.insert(out.end(), other.begin(), other.end());
  return out;
}

Result<Phase2Attributes> Phase2Attributes::decode(const std::vector<DataAttribute>& attributes) {
  Phase2Attributes p;
  LifeReader life(p.lifetimes);
  for (const auto& a : attributes) {
    switch (static_cast<IpsecAttribute>(a.type)) {
      case IpsecAttribute::SaLifeType:
        TRY(life.type(a));
        break;
      case IpsecAttribute::SaLifeDuration:
        TRY(life.duration(a));
        break;
      case IpsecAttribute::GroupDescription:
        TRY(set_enum(p.group, a, "Group Description"));
        break;
      case IpsecAttribute::EncapsulationMode:
        TRY(set_enum(p.encapsulation, a, "Encapsulation Mode"));
        break;
      case IpsecAttribute::AuthenticationAlgorithm:
        TRY(set_enum(p.auth_algorithm, a, "Authentication Algorithm"));
        break;
      case IpsecAttribute::KeyLength:
        TRY(set_enum(p.key_length, a, "Key Length"));
        break;
      case IpsecAttribute::KeyRounds:
        TRY(set_enum(p.key_rounds, a, "Key Rounds"));
        break;
      case IpsecAttribute::EcnTunnel:
        TRY(set_enum(p.ecn_tunnel, a, "ECN Tunnel"));
        break;
      case IpsecAttribute::ExtendedSequenceNumber: {
        // RFC 4304 §2: the only value is 1 (64-bit sequence numbers).
        TRY_ASSIGN(uint16_t v, basic(a, "Extended Sequence Number"));
        if (p.esn) return bad_attributes("Extended Sequence Number appears twice");
        if (v != 1)
          return Error(ErrorCode::kUnsupported,
                       "Extended Sequence Number value " + std::to_string(v) + " (only 1 is defined)")
              .with_notify(static_cast<uint16_t>(NotifyType::ATTRIBUTES_NOT_SUPPORTED));
        p.esn = true;
        break;
      }
      default:
        p.other.push_back(a);
        break;
    }
  }
  TRY(life.finish());
  return p;
}

std::vector<DataAttribute> Phase2Attributes::encode() const {
  std::vector<DataAttribute> out;
  add_lifetimes(out, lifetimes, cls(IpsecAttribute::SaLifeType),
                cls(IpsecAttribute::SaLifeDuration));
  add_tv(out, cls(IpsecAttribute::GroupDescription), group);
  add_tv(out, cls(IpsecAttribute::EncapsulationMode), encapsulation);
  add_tv(out, cls(IpsecAttribute::AuthenticationAlgorithm), auth_algorithm);
  add_tv(out, cls(IpsecAttribute::KeyLength), key_length);
  add_tv(out, cls(IpsecAttribute::KeyRounds), key_rounds);
  add_tv(out, cls(IpsecAttribute::EcnTunnel), ecn_tunnel);
  if (esn) out.push_back(DataAttribute::make_tv(cls(IpsecAttribute::ExtendedSequenceNumber), 1));
  out.insert(out.end(), other.begin(), other.end());
  return out;
}

Transform ike_transform(uint8_t number, const Phase1Attributes& attributes) {
  return Transform{number, static_cast<uint8_t>(IsakmpTransformId::KEY_IKE), attributes.encode()};
}

Transform ipsec_transform(uint8_t number, uint8_t transform_id, const Phase2Attributes& attributes) {
  return Transform{number, transform_id, attributes.encode()};
}

}  // namespace ikesuite::v1
