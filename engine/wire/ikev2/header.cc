// RFC 7296 §3.1: the IKE header.
#include "engine/wire/ikev2/codec_internal.h"

namespace ikesuite::v2 {

namespace detail {

std::string hex_u8(uint8_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  s.push_back(kDigits[v >> 4]);
  s.push_back(kDigits[v & 0x0f]);
  return s;
}

}  // namespace detail

namespace {

using detail::syntax_error;

constexpr size_t kVersionOffset = 17;
constexpr size_t kFlagsOffset = 19;
constexpr size_t kLengthOffset = 24;

Status parse_header_into(ByteView datagram, const ParseOptions& options, Header& h) {
  if (datagram.size() < Header::kSize)
    return syntax_error(
        ErrorCode::kTruncated,
        "the IKE header needs 28 bytes, the datagram has " + std::to_string(datagram.size()),
        datagram.size());
  wire::Reader r(datagram);
  TRY_ASSIGN(h.spi_i, r.u64());
  TRY_ASSIGN(h.spi_r, r.u64());
  TRY_ASSIGN(uint8_t next, r.u8());
  h.next_payload = static_cast<PayloadType>(next);
  TRY_ASSIGN(uint8_t version, r.u8());
  h.major_version = version >> 4;
  h.minor_version = version & 0x0f;
  // RFC 7296 §2.5: a higher (or lower) major version is answered with INVALID_MAJOR_VERSION;
  // nothing after the version can be read with IKEv2's rules. The minor version is kept and
  // otherwise ignored ("MUST ignore the minor version number of received messages").
  if (h.major_version != 2)
    return Error(ErrorCode::kUnsupported,
                 "major version " + std::to_string(h.major_version) + " (IKEv2 is major version 2)",
                 kVersionOffset)
        .with_notify(static_cast<uint16_t>(NotifyType::INVALID_MAJOR_VERSION));
  TRY_ASSIGN(uint8_t exchange, r.u8());
  h.exchange = static_cast<ExchangeType>(exchange);
  TRY_ASSIGN(h.flags, r.u8());
  // RFC 7296 §3.1: the reserved flag bits and V are cleared by senders and ignored by
  // receivers; the octet is kept whole for the engine and for logs.
  TRY(detail::check_reserved(options, h.flags & ~(kFlagInitiator | kFlagResponse), kFlagsOffset,
                             "the flags octet"));
  TRY_ASSIGN(h.message_id, r.u32());
  TRY_ASSIGN(h.length, r.u32());
  if (h.length < Header::kSize)
    return syntax_error(
        ErrorCode::kLength,
        "Length " + std::to_string(h.length) + " is shorter than the 28-byte header",
        kLengthOffset);
  if (h.length != datagram.size())
    return syntax_error(ErrorCode::kLength,
                        "Length " + std::to_string(h.length) + " but the datagram has " +
                            std::to_string(datagram.size()) + " bytes",
                        kLengthOffset);
  // Checks that need the exchange and state stay with the engine: RFC 7296 §3.1 "Initiator's
  // SPI ... MUST NOT be zero" and "Responder's SPI ... MUST be zero in the first message of an
  // IKE initial exchange", the I and R flags against the role, the Message ID window (§2.3).
  return {};
}

}  // namespace

Result<Header> parse_header(ByteView datagram, const ParseOptions& options) {
  Header h;
  Status s = parse_header_into(datagram, options, h);
  if (!s.ok()) return detail::finish_error(std::move(s).error().within("header"));
  return h;
}

namespace detail {

// Writes the header with a placeholder length; returns the length field's position.
size_t write_header(wire::Writer& w, const Header& h, PayloadType first) {
  if (h.major_version > 0x0f || h.minor_version > 0x0f)
    w.fail(Error(ErrorCode::kMalformed, "version " + std::to_string(h.major_version) + "." +
                                            std::to_string(h.minor_version) +
                                            " does not fit in two 4-bit fields"));
  w.u64(h.spi_i);
  w.u64(h.spi_r);
  w.u8(static_cast<uint8_t>(first));
  w.u8(static_cast<uint8_t>((h.major_version & 0x0f) << 4 | (h.minor_version & 0x0f)));
  w.u8(static_cast<uint8_t>(h.exchange));
  w.u8(h.flags);
  w.u32(h.message_id);
  return w.reserve_u32();
}

}  // namespace detail

}  // namespace ikesuite::v2
