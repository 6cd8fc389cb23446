// Misbehaviour on purpose. A scenario can tell a reference host to deviate from RFC 7296 so
// that the peer's handling of the deviation can be judged (modelled on Libreswan's "impair"
// options). The hooks sit at the codec boundary, beside the protocol logic: the engine builds
// a correct message, then hands the payload list, the header and finally the bytes to
// Impairments, which changes them only when a rule matches. With no rules the engine is
// exactly RFC-conformant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/log.h"
#include "engine/base/random.h"
#include "engine/base/result.h"
#include "engine/wire/ikev2/message.h"

namespace ikesuite::ikev2 {

enum class ImpairKind : uint8_t {
  OmitPayload,         // remove the (first) payload of `payload` type (and `notify`)
  DuplicatePayload,    // send the payload twice
  AddUnknownPayload,   // append an unknown payload type (`value`, default 127), `critical`
  AddNotify,           // append N(`notify`) with `data`
  CorruptPayload,      // flip a byte in the body of the payload (kept syntactically opaque)
  PayloadLength,       // add `value` to the payload's length field on the wire
  HeaderLength,        // add `value` to the IKE header length field
  HeaderFlags,         // XOR the header flags with `value`
  MajorVersion,        // send this major version (`value`)
  MinorVersion,        // send this minor version (`value`)
  WrongSpi,            // replace the peer's SPI in the header with a random one
  MessageId,           // add `value` to the message ID
  Drop,                // do not send the message at all
  Duplicate,           // send the message twice
  NoRetransmit,        // never retransmit requests
  KeGroup,             // put group `value` into the KE payload (data unchanged)
  KeData,              // truncate or extend the KE data by `value` bytes
  BadAuth,             // flip a bit of the AUTH data
  BadIcv,              // flip a bit of the SK integrity checksum
  ZeroNonce,           // send a nonce of `value` bytes (RFC 7296 §2.10 wants 16..256)
  ForceProposal,       // offer the proposal string in `text` (forbidden or odd choices)
};

std::string_view name(ImpairKind k);
std::optional<ImpairKind> parse_impair_kind(std::string_view text);

struct ImpairRule {
  ImpairKind kind = ImpairKind::OmitPayload;
  // Which messages: all unset = every message we send.
  std::optional<v2::ExchangeType> exchange;
  std::optional<bool> response;
  std::optional<uint32_t> message_id;
  // Which payload (for payload-level kinds); `notify` narrows a Notify payload.
  std::optional<v2::PayloadType> payload;
  std::optional<v2::NotifyType> notify;
  int64_t value = 0;
  bool critical = false;
  Bytes data;
  std::string text;
  // How many messages to affect: 0 = every matching message.
  uint32_t count = 0;
  uint32_t applied = 0;

  bool matches(v2::ExchangeType ex, bool is_response, uint32_t mid) const;
  std::string describe() const;
};

class Impairments {
 public:
  void add(ImpairRule rule) { rules_.push_back(std::move(rule)); }
  void clear() { rules_.clear(); }
  bool empty() const { return rules_.empty(); }
  const std::vector<ImpairRule>& rules() const { return rules_; }

  // Payload-level changes, on the payloads that go inside SK (or the clear payloads of
  // IKE_SA_INIT). Logs every change as "IMPAIR: ...".
  void apply_payloads(v2::ExchangeType ex, bool is_response, uint32_t mid,
                      std::vector<v2::Payload>& payloads, Logger& log);
  // Header-level changes before serialization (integrity still covers them).
  void apply_header(v2::ExchangeType ex, bool is_response, uint32_t mid, v2::Header& header,
                    Random& rng, Logger& log);
  // Byte-level changes to the serialized datagram (after integrity protection).
  void apply_bytes(v2::ExchangeType ex, bool is_response, uint32_t mid, Bytes& datagram,
                   Logger& log);
  // How many copies of the message to send (0 = drop, 2 = duplicate).
  int copies(v2::ExchangeType ex, bool is_response, uint32_t mid, Logger& log);
  bool no_retransmit() const;
  // A proposal string to offer instead of the configured one, if a rule says so.
  std::optional<std::string> forced_proposal(v2::ExchangeType ex);

 private:
  ImpairRule* take(ImpairKind kind, v2::ExchangeType ex, bool is_response, uint32_t mid);
  std::vector<ImpairRule> rules_;
};

}  // namespace ikesuite::ikev2
