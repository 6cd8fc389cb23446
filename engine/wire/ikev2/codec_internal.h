// Shared pieces of the IKEv2 codec's implementation files (not part of the public API).
#pragma once

#include <string>

#include "engine/wire/ikev2/message.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::v2::detail {

// RFC 7296 §3.2: the generic payload header.
inline constexpr size_t kGenericHeaderSize = 4;

// A malformed-input error: INVALID_SYNTAX is the notify an engine answers with (RFC 7296
// §3.10.1: "indicates the IKE message that was received was invalid because some type,
// length, or value was out of range").
inline Error syntax_error(ErrorCode code, std::string reason, size_t offset) {
  return Error(code, std::move(reason), offset)
      .with_notify(static_cast<uint16_t>(NotifyType::INVALID_SYNTAX));
}

// Errors raised by Reader (truncation, trailing bytes) carry no notify; every codec error that
// leaves a public entry point without one is a syntax error, except our own resource limits
// (kLimit), which an engine should drop rather than answer.
inline Error finish_error(Error e) {
  if (!e.notify() && e.code() != ErrorCode::kLimit)
    return std::move(e).with_notify(static_cast<uint16_t>(NotifyType::INVALID_SYNTAX));
  return e;
}

template <typename T>
Result<T> finish(Result<T> r) {
  if (r.ok()) return r;
  return finish_error(std::move(r).error());
}

// RFC 7296 §3.2 and the per-field rules that repeat it: reserved fields are ignored unless the
// caller asked for a conformance check.
inline Status check_reserved(const ParseOptions& options, uint64_t value, size_t offset,
                             std::string_view field) {
  if (value == 0 || !options.reject_nonzero_reserved) return {};
  return syntax_error(
      ErrorCode::kMalformed,
      std::string(field) + " has non-zero reserved bits (RFC 7296 §3.2: sent as zero)", offset);
}

std::string hex_u8(uint8_t v);

// Body parsers: `r` covers exactly the body; `options` carries the reserved-bits policy.
Result<SaPayload> parse_sa(wire::Reader& r, const ParseOptions& options);
Result<TsPayload> parse_ts(wire::Reader& r, const ParseOptions& options);
Result<EapPayload> parse_eap(wire::Reader& r);
// Any body by payload type (RawPayload for unknown types), without context or notify.
Result<PayloadBody> parse_body_reader(PayloadType type, wire::Reader& r,
                                      const ParseOptions& options);

// Body writers. They record unencodable values on the writer (Writer::fail).
void write_sa(wire::Writer& w, const SaPayload& sa);
void write_ts(wire::Writer& w, const TsPayload& ts);
void write_body(wire::Writer& w, const PayloadBody& body);

// The payload chain parser behind parse() and parse_chain(). `outer` is true for the chain of
// a message (SK/SKF allowed, as the last payload), false for the decrypted contents of SK.
Result<std::vector<Payload>> parse_payloads(PayloadType first, wire::Reader& r,
                                            const ParseOptions& options, bool outer);
Status write_payloads(wire::Writer& w, const std::vector<Payload>& payloads, bool outer);
// Writes the IKE header with a placeholder Length; returns the Length field's position.
size_t write_header(wire::Writer& w, const Header& h, PayloadType first);

}  // namespace ikesuite::v2::detail
