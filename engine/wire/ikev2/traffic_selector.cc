// RFC 7296 §3.13: the Traffic Selector payloads, and the subnet/range helpers engines use to
// build and read them.
#include "engine/wire/ikev2/codec_internal.h"

namespace ikesuite::v2 {

namespace {

using detail::check_reserved;
using detail::syntax_error;

constexpr size_t kSelectorHeaderSize = 4;  // TS Type, IP Protocol ID, Selector Length

Status parse_selector_into(wire::Reader& r, TrafficSelector& ts) {
  size_t start = r.offset();
  TRY_ASSIGN(uint8_t type, r.u8());
  ts.type = static_cast<TsType>(type);
  TRY_ASSIGN(ts.ip_protocol, r.u8());
  TRY_ASSIGN(uint16_t length, r.u16());
  if (length < kSelectorHeaderSize)
    return syntax_error(
        ErrorCode::kLength,
        "Selector Length " + std::to_string(length) + " is shorter than the 4-byte selector header",
        start + 2);
  if (length - kSelectorHeaderSize > r.remaining())
    return syntax_error(ErrorCode::kLength,
                        "Selector Length " + std::to_string(length) +
                            " runs past the end of the payload (" +
                            std::to_string(r.remaining() + kSelectorHeaderSize) + " bytes left)",
                        start + 2);
  TRY_ASSIGN(wire::Reader body, r.sub(length - kSelectorHeaderSize));
  size_t address_size = 0;
  switch (ts.type) {
    case TsType::IPV4_ADDR_RANGE:
      address_size = 4;
      break;
    case TsType::IPV6_ADDR_RANGE:
      address_size = 16;
      break;
    default:
      // TS_FC_ADDR_RANGE (RFC 4595) and unassigned types: kept whole. RFC 7296 §3.13.1 leaves
      // an unknown TS type to the responder's policy (TS_UNACCEPTABLE), not to the parser.
      // The ports and addresses keep their defaults.
      TRY_ASSIGN(ts.raw, body.copy(body.remaining()));
      return {};
  }
  // RFC 7296 §3.13.1: "Selector Length ... 16 for IPv4 ... 40 for IPv6" (header, two ports,
  // two addresses).
  size_t expected = kSelectorHeaderSize + 4 + 2 * address_size;
  if (length != expected)
    return syntax_error(ErrorCode::kLength,
                        "Selector Length " + std::to_string(length) + " for " + to_string(ts.type) +
                            ", must be " + std::to_string(expected),
                        start + 2);
  TRY_ASSIGN(ts.start_port, body.u16());
  TRY_ASSIGN(ts.end_port, body.u16());
  TRY_ASSIGN(ByteView start_address, body.bytes(address_size));
  TRY_ASSIGN(ByteView end_address, body.bytes(address_size));
  ts.start_address = *IpAddress::from_bytes(start_address);
  ts.end_address = *IpAddress::from_bytes(end_address);
  // Start above end (ports or addresses) is not rejected here: RFC 4301's OPAQUE ports are
  // encoded as start 65535, end 0 (RFC 7296 §3.13.1), and what a range means is policy.
  return {};
}

}  // namespace

namespace detail {

Result<TsPayload> parse_ts(wire::Reader& r, const ParseOptions& options) {
  TsPayload out;
  size_t start = r.offset();
  TRY_ASSIGN(uint8_t count, r.u8());
  TRY_ASSIGN(uint32_t reserved, r.u24());
  TRY(check_reserved(options, reserved, start + 1, "the RESERVED field"));
  // Each selector is at least 4 bytes: bound the count by the bytes before reserving.
  if (size_t{count} * kSelectorHeaderSize > r.remaining())
    return syntax_error(ErrorCode::kLength,
                        "Number of TSs " + std::to_string(count) + " needs at least " +
                            std::to_string(size_t{count} * kSelectorHeaderSize) +
                            " bytes, the payload has " + std::to_string(r.remaining()),
                        start);
  out.selectors.reserve(count);
  for (size_t i = 1; i <= count; ++i) {
    if (r.empty())
      return syntax_error(ErrorCode::kLength,
                          "Number of TSs is " + std::to_string(count) +
                              " but the payload ends after " + std::to_string(i - 1) + " selectors",
                          r.offset());
    TrafficSelector ts;
    Status s = parse_selector_into(r, ts);
    if (!s.ok()) return std::move(s).error().within("selector #" + std::to_string(i));
    out.selectors.push_back(std::move(ts));
  }
  if (!r.empty())
    return syntax_error(ErrorCode::kLength,
                        std::to_string(r.remaining()) + " bytes follow the " +
                            std::to_string(count) + " selectors Number of TSs announces",
                        r.offset());
  // Zero selectors are not a syntax error; whether they are acceptable is policy
  // (TS_UNACCEPTABLE, RFC 7296 §2.9).
  return out;
}

void write_ts(wire::Writer& w, const TsPayload& ts) {
  if (ts.selectors.size() > 0xff)
    w.fail(Error(ErrorCode::kLimit, std::to_string(ts.selectors.size()) +
                                        " selectors do not fit the Number of TSs octet"));
  w.u8(static_cast<uint8_t>(ts.selectors.size()));
  w.zeros(3);
  for (const TrafficSelector& s : ts.selectors) {
    IpAddress::Family family = IpAddress::Family::kNone;
    if (s.type == TsType::IPV4_ADDR_RANGE) family = IpAddress::Family::kV4;
    if (s.type == TsType::IPV6_ADDR_RANGE) family = IpAddress::Family::kV6;
    size_t start = w.size();
    w.u8(static_cast<uint8_t>(s.type));
    w.u8(s.ip_protocol);
    size_t length = w.reserve_u16();
    if (family == IpAddress::Family::kNone) {
      w.bytes(s.raw);
    } else {
      if (s.start_address.family() != family || s.end_address.family() != family)
        w.fail(
            Error(ErrorCode::kMalformed, "a " + to_string(s.type) + " selector needs " +
                                             (family == IpAddress::Family::kV4 ? "IPv4" : "IPv6") +
                                             " start and end addresses"));
      w.u16(s.start_port);
      w.u16(s.end_port);
      w.bytes(s.start_address.bytes());
      w.bytes(s.end_address.bytes());
    }
    w.patch_length_u16(length, start);
  }
}

}  // namespace detail

std::optional<unsigned> prefix_length(const IpAddress& start, const IpAddress& end) {
  if (start.empty() || start.family() != end.family()) return std::nullopt;
  unsigned bits = static_cast<unsigned>(start.size() * 8);
  // The prefix is the longest run of leading bits the two ends share; beyond it the start
  // must be all zeros and the end all ones.
  unsigned prefix = 0;
  while (prefix < bits && start.masked(prefix + 1) == end.masked(prefix + 1)) ++prefix;
  if (start != start.masked(prefix) || end != end.last_in(prefix)) return std::nullopt;
  return prefix;
}

TrafficSelector TrafficSelector::from_subnet(const Subnet& subnet, uint8_t ip_protocol,
                                             uint16_t start_port, uint16_t end_port) {
  TrafficSelector ts;
  ts.type = subnet.addr.is_v6() ? TsType::IPV6_ADDR_RANGE : TsType::IPV4_ADDR_RANGE;
  ts.ip_protocol = ip_protocol;
  ts.start_port = start_port;
  ts.end_port = end_port;
  ts.start_address = subnet.first();
  ts.end_address = subnet.last();
  return ts;
}

Result<TrafficSelector> TrafficSelector::from_range(const IpAddress& start, const IpAddress& end,
                                                    uint8_t ip_protocol, uint16_t start_port,
                                                    uint16_t end_port) {
  if (start.empty() || start.family() != end.family())
    return Error(ErrorCode::kConfig, "a traffic selector range needs two addresses of one family");
  TrafficSelector ts;
  ts.type = start.is_v6() ? TsType::IPV6_ADDR_RANGE : TsType::IPV4_ADDR_RANGE;
  ts.ip_protocol = ip_protocol;
  ts.start_port = start_port;
  ts.end_port = end_port;
  ts.start_address = start;
  ts.end_address = end;
  return ts;
}

std::optional<Subnet> TrafficSelector::to_subnet() const {
  if (!is_ip()) return std::nullopt;
  auto prefix = prefix_length(start_address, end_address);
  if (!prefix) return std::nullopt;
  return Subnet{start_address, *prefix};
}

std::string TrafficSelector::to_string() const {
  if (!is_ip()) return v2::to_string(type) + "(" + std::to_string(raw.size()) + " bytes)";
  std::string out;
  if (auto subnet = to_subnet())
    out = subnet->to_string();
  else
    out = start_address.to_string() + ".." + end_address.to_string();
  if (ip_protocol != 0 || start_port != 0 || end_port != 0xffff) {
    out += "[" + std::to_string(ip_protocol);
    if (start_port != 0 || end_port != 0xffff) {
      out += "/" + std::to_string(start_port);
      if (end_port != start_port) out += "-" + std::to_string(end_port);
    }
    out += "]";
  }
  return out;
}

}  // namespace ikesuite::v2
