// RFC 7296 §3.2: the chain of payloads, linked by each generic header's Next Payload, and the
// whole message around it.
#include "engine/wire/ikev2/codec_internal.h"

namespace ikesuite::v2 {

namespace {

using detail::kGenericHeaderSize;
using detail::syntax_error;

bool is_encrypted(PayloadType type) {
  return type == PayloadType::SK || type == PayloadType::SKF;
}

// Parses the payload of `type` at the reader's position; sets `next` to the type that follows
// (None after SK/SKF, whose Next Payload names the inner first payload instead).
Status parse_one(wire::Reader& r, PayloadType type, const ParseOptions& options, bool outer,
                 Payload& out, PayloadType& next) {
  size_t start = r.offset();
  if (r.remaining() < kGenericHeaderSize)
    return syntax_error(
        ErrorCode::kTruncated,
        "the generic payload header needs 4 bytes, " + std::to_string(r.remaining()) + " left",
        start);
  TRY_ASSIGN(uint8_t next_type, r.u8());
  TRY_ASSIGN(uint8_t flags, r.u8());
  TRY_ASSIGN(uint16_t length, r.u16());
  out.type = type;
  out.critical = (flags & kCriticalBit) != 0;
  TRY(detail::check_reserved(options, flags & static_cast<uint8_t>(~kCriticalBit), start + 1,
                             "the generic payload header"));
  if (length < kGenericHeaderSize)
    return syntax_error(
        ErrorCode::kLength,
        "Payload Length " + std::to_string(length) + " is shorter than the 4-byte generic header",
        start + 2);
  if (length - kGenericHeaderSize > r.remaining())
    return syntax_error(ErrorCode::kLength,
                        "Payload Length " + std::to_string(length) + " runs past the end (" +
                            std::to_string(r.remaining() + kGenericHeaderSize) + " bytes left)",
                        start + 2);
  TRY_ASSIGN(wire::Reader body, r.sub(length - kGenericHeaderSize));
  if (is_encrypted(type) && !outer)
    return syntax_error(ErrorCode::kMalformed,
                        to_string(type) + " inside an encrypted payload (RFC 7296 §3.14)", start);
  next = static_cast<PayloadType>(next_type);
  if (is_known(type)) {
    // RFC 7296 §3.2: the critical bit "MUST be ignored by the recipient if the recipient
    // understands the payload type code"; it is kept for round trips and logs.
    TRY_ASSIGN(out.body, detail::parse_body_reader(type, body, options));
  } else {
    // RFC 7296 §3.2: an unknown payload with the critical bit set rejects the whole message
    // with UNSUPPORTED_CRITICAL_PAYLOAD, whose data is the one-octet payload type (§3.10.1);
    // without it, the payload is skipped (kept raw here).
    if (out.critical && options.reject_unknown_critical)
      return Error(ErrorCode::kUnsupported,
                   "unknown payload type " + std::to_string(static_cast<unsigned>(type)) +
                       " has the critical bit set",
                   start)
          .with_notify(static_cast<uint16_t>(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD),
                       Bytes{static_cast<uint8_t>(type)});
    RawPayload raw;
    TRY_ASSIGN(raw.body, body.copy(body.remaining()));
    out.body = std::move(raw);
  }
  if (auto* sk = out.as<EncryptedPayload>()) {
    sk->inner_first = next;
    next = PayloadType::None;
  } else if (auto* skf = out.as<EncryptedFragmentPayload>()) {
    // RFC 7383 §2.5: Next Payload names the first inner payload in fragment 1 and "MUST be
    // set to zero" in the others.
    if (skf->fragment_number != 1 && next != PayloadType::None)
      return syntax_error(ErrorCode::kMalformed,
                          "Next Payload " + std::to_string(next_type) + " in fragment " +
                              std::to_string(skf->fragment_number) +
                              "; only fragment 1 names the inner first payload (RFC 7383 §2.5)",
                          start);
    skf->inner_first = next;
    next = PayloadType::None;
  }
  if (is_encrypted(type) && !r.empty())
    return syntax_error(ErrorCode::kMalformed,
                        to_string(type) +
                            " must be the last payload (RFC 7296 §3.14, RFC 7383 "
                            "§2.5); " +
                            std::to_string(r.remaining()) + " bytes follow it",
                        r.offset());
  return {};
}

}  // namespace

namespace detail {

Result<std::vector<Payload>> parse_payloads(PayloadType first, wire::Reader& r,
                                            const ParseOptions& options, bool outer) {
  std::vector<Payload> payloads;
  PayloadType type = first;
  while (type != PayloadType::None) {
    if (payloads.size() >= kMaxPayloadsPerMessage)
      return Error(ErrorCode::kLimit,
                   "more than " + std::to_string(kMaxPayloadsPerMessage) + " payloads", r.offset());
    Payload p;
    PayloadType next = PayloadType::None;
    Status s = parse_one(r, type, options, outer, p, next);
    if (!s.ok()) return std::move(s).error().within(to_string(type));
    payloads.push_back(std::move(p));
    type = next;
  }
  // RFC 7296 §3.2: Next Payload 0 ends the chain, and the header's (or SK's) length ends the
  // data: bytes in between belong to no payload.
  if (!r.empty())
    return syntax_error(
        ErrorCode::kTrailingBytes,
        std::to_string(r.remaining()) + " bytes follow the last payload (its Next Payload is 0)",
        r.offset());
  return payloads;
}

Status write_payloads(wire::Writer& w, const std::vector<Payload>& payloads, bool outer) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    const Payload& p = payloads[i];
    auto label = [&] {
      return "payload #" + std::to_string(i + 1) + " (" + to_string(p.type) + ")";
    };
    if (!body_matches(p.type, p.body))
      return Error(ErrorCode::kMalformed, "its body does not match its payload type")
          .within(label());
    PayloadType next = i + 1 < payloads.size() ? payloads[i + 1].type : PayloadType::None;
    if (is_encrypted(p.type)) {
      if (!outer)
        return Error(ErrorCode::kMalformed, "SK and SKF cannot be nested").within(label());
      if (i + 1 != payloads.size())
        return Error(ErrorCode::kMalformed,
                     "SK/SKF must be the last payload: its Next Payload names the first inner "
                     "payload")
            .within(label());
      next = p.type == PayloadType::SK ? p.as<EncryptedPayload>()->inner_first
                                       : p.as<EncryptedFragmentPayload>()->inner_first;
    }
    size_t start = w.size();
    w.u8(static_cast<uint8_t>(next));
    w.u8(p.critical ? kCriticalBit : 0);
    size_t length = w.reserve_u16();
    write_body(w, p.body);
    w.patch_length_u16(length, start);
  }
  return {};
}

}  // namespace detail

Result<Message> parse(ByteView datagram, const ParseOptions& options) {
  Message m;
  TRY_ASSIGN(m.header, parse_header(datagram, options));
  wire::Reader r(datagram);
  TRY(r.skip(Header::kSize));
  auto payloads = detail::parse_payloads(m.header.next_payload, r, options, true);
  if (!payloads.ok()) return detail::finish_error(std::move(payloads).error());
  m.payloads = std::move(payloads).value();
  return m;
}

Result<std::vector<Payload>> parse_chain(PayloadType first, ByteView data, size_t base,
                                         const ParseOptions& options) {
  wire::Reader r(data, base);
  return detail::finish(detail::parse_payloads(first, r, options, false));
}

Result<Bytes> serialize(const Message& message) {
  wire::Writer w;
  PayloadType first = message.payloads.empty() ? PayloadType::None : message.payloads.front().type;
  size_t length = detail::write_header(w, message.header, first);
  TRY(detail::write_payloads(w, message.payloads, true));
  w.patch_length_u32(length, 0);
  return std::move(w).finish();
}

Result<Bytes> serialize_chain(const std::vector<Payload>& payloads) {
  wire::Writer w;
  TRY(detail::write_payloads(w, payloads, false));
  return std::move(w).finish();
}

const Payload* Message::find(PayloadType type) const {
  for (const Payload& p : payloads)
    if (p.type == type) return &p;
  return nullptr;
}

std::vector<const Payload*> Message::find_all(PayloadType type) const {
  std::vector<const Payload*> out;
  for (const Payload& p : payloads)
    if (p.type == type) out.push_back(&p);
  return out;
}

const NotifyPayload* Message::find_notify(NotifyType type) const {
  for (const Payload& p : payloads)
    if (const auto* n = p.as<NotifyPayload>(); n && n->type == type) return n;
  return nullptr;
}

}  // namespace ikesuite::v2
