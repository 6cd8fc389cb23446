// Builders and typed accessors of IKEv1 payload values: cookie pairs, IPsec DOI IDs
// (RFC 2407 §4.6.2), DPD and INITIAL-CONTACT notifies, Delete payloads.
#include <array>
#include <string>

#include "engine/wire/ikev1/message.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::v1 {

using wire::Reader;
using wire::Writer;

namespace {

constexpr size_t kCookiePairSize = 16;

IpAddress all_ones(IpAddress::Family family) {
  if (family == IpAddress::Family::kV4) return IpAddress::v4(0xffffffffu);
  std::array<uint8_t, 16> ones;
  ones.fill(0xff);
  return IpAddress::v6(ones);
}

// The prefix length of a contiguous netmask, or nullopt.
std::optional<unsigned> prefix_of(const IpAddress& mask) {
  IpAddress ones = all_ones(mask.family());
  unsigned bits = static_cast<unsigned>(mask.size() * 8);
  for (unsigned p = 0; p <= bits; ++p)
    if (ones.masked(p) == mask) return p;
  return std::nullopt;
}

Error bad_id(std::string reason) {
  return Error(ErrorCode::kMalformed, std::move(reason))
      .with_notify(static_cast<uint16_t>(NotifyType::INVALID_ID_INFORMATION));
}

bool is_v6_type(IdType t) {
  return t == IdType::IPV6_ADDR || t == IdType::IPV6_ADDR_SUBNET || t == IdType::IPV6_ADDR_RANGE;
}

// Two addresses of the ID's family from its data (subnet: address + mask; range: first + last).
Result<std::pair<IpAddress, IpAddress>> address_pair(const IdPayload& id) {
  size_t size = is_v6_type(id.type) ? 16 : 4;
  if (id.data.size() != 2 * size)
    return bad_id(v1::to_string(id.type) + " needs " + std::to_string(2 * size) + " bytes of data");
  Reader r(id.data);
  TRY_ASSIGN(ByteView a, r.bytes(size));
  TRY_ASSIGN(ByteView b, r.bytes(size));
  return std::pair<IpAddress, IpAddress>{*IpAddress::from_bytes(a), *IpAddress::from_bytes(b)};
}

std::string printable(const Bytes& data) {
  std::string out(data.begin(), data.end());
  for (char& c : out)
    if (c < 0x20 || c > 0x7e) c = '?';
  return out;
}

}  // namespace

Bytes cookie_pair(uint64_t cookie_i, uint64_t cookie_r) {
  Writer w;
  w.u64(cookie_i);
  w.u64(cookie_r);
  return std::move(w).finish().value_or(Bytes{});
}

std::optional<std::pair<uint64_t, uint64_t>> split_cookie_pair(ByteView spi) {
  if (spi.size() != kCookiePairSize) return std::nullopt;
  Reader r(spi);
  auto ci = r.u64();
  auto cr = r.u64();
  if (!ci.ok() || !cr.ok()) return std::nullopt;
  return std::pair<uint64_t, uint64_t>{*ci, *cr};
}

// --- IdPayload --------------------------------------------------------------------------------

IdPayload IdPayload::from_address(const IpAddress& address, uint8_t protocol, uint16_t port) {
  return IdPayload{address.is_v6() ? IdType::IPV6_ADDR : IdType::IPV4_ADDR, protocol, port,
                   address.to_bytes()};
}

IdPayload IdPayload::from_subnet(const Subnet& subnet, uint8_t protocol, uint16_t port) {
  IpAddress mask = all_ones(subnet.addr.family()).masked(subnet.prefix);
  return IdPayload{subnet.addr.is_v6() ? IdType::IPV6_ADDR_SUBNET : IdType::IPV4_ADDR_SUBNET,
                   protocol, port, concat({subnet.first().bytes(), mask.bytes()})};
}

IdPayload IdPayload::from_range(const IpAddress& first, const IpAddress& last, uint8_t protocol,
                                uint16_t port) {
  return IdPayload{first.is_v6() ? IdType::IPV6_ADDR_RANGE : IdType::IPV4_ADDR_RANGE, protocol,
                   port, concat({first.bytes(), last.bytes()})};
}

IdPayload IdPayload::from_fqdn(std::string_view fqdn) {
  return IdPayload{IdType::FQDN, 0, 0, to_bytes(fqdn)};
}

IdPayload IdPayload::from_user_fqdn(std::string_view user_fqdn) {
  return IdPayload{IdType::USER_FQDN, 0, 0, to_bytes(user_fqdn)};
}

IdPayload IdPayload::from_key_id(ByteView key_id) {
  return IdPayload{IdType::KEY_ID, 0, 0, Bytes(key_id.begin(), key_id.end())};
}

Result<IpAddress> IdPayload::address() const {
  if (type != IdType::IPV4_ADDR && type != IdType::IPV6_ADDR)
    return bad_id(v1::to_string(type) + " is not a single address");
  auto ip = IpAddress::from_bytes(data);
  if (!ip || ip->is_v6() != (type == IdType::IPV6_ADDR))
    return bad_id(v1::to_string(type) + " with " + std::to_string(data.size()) + " bytes of data");
  return *ip;
}

Result<Subnet> IdPayload::subnet() const {
  if (type == IdType::IPV4_ADDR || type == IdType::IPV6_ADDR) {
    TRY_ASSIGN(IpAddress a, address());
    return Subnet{a, static_cast<unsigned>(a.size() * 8)};
  }
  if (type != IdType::IPV4_ADDR_SUBNET && type != IdType::IPV6_ADDR_SUBNET)
    return bad_id(v1::to_string(type) + " is not a subnet");
  TRY_ASSIGN(auto pair, address_pair(*this));
  auto prefix = prefix_of(pair.second);
  // RFC 2407 §4.6.2.4 defines the mask as a netmask; a non-contiguous one has no prefix.
  if (!prefix) return bad_id("non-contiguous netmask " + pair.second.to_string());
  return Subnet{pair.first.masked(*prefix), *prefix};
}

Result<std::pair<IpAddress, IpAddress>> IdPayload::range() const {
  switch (type) {
    case IdType::IPV4_ADDR:
    case IdType::IPV6_ADDR:
    case IdType::IPV4_ADDR_SUBNET:
    case IdType::IPV6_ADDR_SUBNET: {
      TRY_ASSIGN(Subnet s, subnet());
      return std::pair<IpAddress, IpAddress>{s.first(), s.last()};
    }
    case IdType::IPV4_ADDR_RANGE:
    case IdType::IPV6_ADDR_RANGE: {
      TRY_ASSIGN(auto pair, address_pair(*this));
      if (pair.second < pair.first)
        return bad_id("range ends (" + pair.second.to_string() + ") before it starts (" +
                      pair.first.to_string() + ")");
      return pair;
    }
    default:
      return bad_id(v1::to_string(type) + " is not an address, subnet or range");
  }
}

std::string IdPayload::to_string() const {
  std::string out;
  switch (type) {
    case IdType::IPV4_ADDR:
    case IdType::IPV6_ADDR: {
      auto a = address();
      out = a.ok() ? a->to_string() : "(bad " + v1::to_string(type) + ")";
      break;
    }
    case IdType::IPV4_ADDR_SUBNET:
    case IdType::IPV6_ADDR_SUBNET: {
      auto s = subnet();
      if (s.ok()) {
        out = s->to_string();
      } else if (auto pair = address_pair(*this); pair.ok()) {
        out = pair->first.to_string() + "/" + pair->second.to_string();
      } else {
        out = "(bad " + v1::to_string(type) + ")";
      }
      break;
    }
    case IdType::IPV4_ADDR_RANGE:
    case IdType::IPV6_ADDR_RANGE: {
      auto pair = address_pair(*this);
      out = pair.ok() ? pair->first.to_string() + "-" + pair->second.to_string()
                      : "(bad " + v1::to_string(type) + ")";
      break;
    }
    case IdType::FQDN:
    case IdType::USER_FQDN:
      out = printable(data);
      break;
    case IdType::KEY_ID:
      out = "@#" + to_hex(data);  // strongSwan's notation for key IDs
      break;
    default:
      out = v1::to_string(type) + ":" + to_hex(data);
      break;
  }
  if (protocol != 0 || port != 0)
    out += "[" + std::to_string(protocol) + "/" + std::to_string(port) + "]";
  return out;
}

// --- NotifyPayload ----------------------------------------------------------------------------

NotifyPayload NotifyPayload::dpd(bool ack, uint64_t cookie_i, uint64_t cookie_r,
                                 uint32_t sequence) {
  Writer w;
  w.u32(sequence);
  return NotifyPayload{kDoiIpsec, ProtocolId::ISAKMP, cookie_pair(cookie_i, cookie_r),
                       ack ? NotifyType::R_U_THERE_ACK : NotifyType::R_U_THERE,
                       std::move(w).finish().value_or(Bytes{})};
}

NotifyPayload NotifyPayload::initial_contact(uint64_t cookie_i, uint64_t cookie_r) {
  return NotifyPayload{kDoiIpsec, ProtocolId::ISAKMP, cookie_pair(cookie_i, cookie_r),
                       NotifyType::INITIAL_CONTACT, {}};
}

std::optional<uint32_t> NotifyPayload::dpd_sequence() const {
  if (type != NotifyType::R_U_THERE && type != NotifyType::R_U_THERE_ACK) return std::nullopt;
  if (data.size() != 4) return std::nullopt;
  Reader r(data);
  auto seq = r.u32();
  if (!seq.ok()) return std::nullopt;
  return *seq;
}

// --- DeletePayload ----------------------------------------------------------------------------

DeletePayload DeletePayload::isakmp_sa(uint64_t cookie_i, uint64_t cookie_r) {
  return DeletePayload{kDoiIpsec, ProtocolId::ISAKMP, kCookiePairSize,
                       {cookie_pair(cookie_i, cookie_r)}};
}

DeletePayload DeletePayload::ipsec_sas(ProtocolId protocol, const std::vector<uint32_t>& spis) {
  DeletePayload d{kDoiIpsec, protocol, 4, {}};
  for (uint32_t spi : spis) {
    Writer w;
    w.u32(spi);
    d.spis.push_back(std::move(w).finish().value_or(Bytes{}));
  }
  return d;
}

std::optional<std::pair<uint64_t, uint64_t>> DeletePayload::cookies() const {
  if (protocol != ProtocolId::ISAKMP || spis.size() != 1) return std::nullopt;
  return split_cookie_pair(spis.front());
}

}  // namespace ikesuite::v1
