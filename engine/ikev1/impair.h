// Misbehaviour on purpose, for IKEv1 (the IKEv2 engine's impair.h, with ISAKMP's payloads and
// without its SK checksum). The engine builds a correct message, then hands the payload list
// (after HASH and SIG are computed), the header and finally the bytes (after encryption) to
// Impairments, which changes them only when a rule matches. With no rules the engine follows
// RFC 2408/2409 exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/log.h"
#include "engine/base/random.h"
#include "engine/wire/ikev1/message.h"

namespace ikesuite::ikev1 {

enum class ImpairKind : uint8_t {
  OmitPayload,        // remove the (first) payload of `payload` type (and `notify`)
  DuplicatePayload,   // send the payload twice
  AddUnknownPayload,  // append a payload of an unassigned type (`value`, default 127)
  AddNotify,          // append N(`notify`) with `data`
  CorruptPayload,     // flip a byte in the body of the payload
  PayloadLength,      // add `value` to the payload's length on the wire (clear messages)
  HeaderLength,       // add `value` to the ISAKMP header's Length
  HeaderFlags,        // XOR the header flags with `value` (0x01 E, 0x02 C, 0x04 A)
  MajorVersion,       // send this major version (`value`)
  MinorVersion,       // send this minor version (`value`)
  WrongSpi,           // replace the peer's cookie in the header with a random one
  MessageId,          // add `value` to the message ID
  Drop,               // do not send the message
  Duplicate,          // send the message twice
  NoRetransmit,       // never retransmit
  KeData,             // truncate or extend the KE data by `value` bytes
  BadHash,            // flip a bit of the HASH (or SIG) payload (RFC 2409 §5)
  ZeroNonce,          // send a nonce of `value` bytes (RFC 2409 §5 wants 8..256)
  ForceProposal,      // offer the proposal string in `text` instead of the configured ones
};

std::string_view name(ImpairKind k);
std::optional<ImpairKind> parse_impair_kind(std::string_view text);

struct ImpairRule {
  ImpairKind kind = ImpairKind::OmitPayload;
  // Which messages: all unset = every message we send. IKEv1 has no response flag:
  // `response` means a message from the responder of its exchange (Main/Aggressive Mode
  // messages 2, 4, 6, Quick Mode message 2).
  std::optional<v1::ExchangeType> exchange;
  std::optional<bool> response;
  std::optional<uint32_t> message_id;
  std::optional<v1::PayloadType> payload;
  std::optional<v1::NotifyType> notify;
  int64_t value = 0;
  Bytes data;
  std::string text;
  // How many messages to affect: 0 = every matching message.
  uint32_t count = 0;
  uint32_t applied = 0;

  bool matches(v1::ExchangeType ex, bool is_response, uint32_t mid) const;
  std::string describe() const;
};

class Impairments {
 public:
  void add(ImpairRule rule) { rules_.push_back(std::move(rule)); }
  void clear() { rules_.clear(); }
  bool empty() const { return rules_.empty(); }
  const std::vector<ImpairRule>& rules() const { return rules_; }

  // Payload-level changes (the payloads that go into the body, clear or encrypted). Logs
  // every change as "IMPAIR: ...".
  void apply_payloads(v1::ExchangeType ex, bool is_response, uint32_t mid,
                      std::vector<v1::Payload>& payloads, Logger& log);
  void apply_header(v1::ExchangeType ex, bool is_response, uint32_t mid, v1::Header& header,
                    Random& rng, Logger& log);
  // Byte-level changes to the serialized datagram.
  void apply_bytes(v1::ExchangeType ex, bool is_response, uint32_t mid, Bytes& datagram,
                   Logger& log);
  // How many copies to send (0 = drop, 2 = duplicate).
  int copies(v1::ExchangeType ex, bool is_response, uint32_t mid, Logger& log);
  bool no_retransmit() const;
  // A proposal string to offer instead of the configured one.
  std::optional<std::string> forced_proposal(v1::ExchangeType ex) const;

 private:
  ImpairRule* take(ImpairKind kind, v1::ExchangeType ex, bool is_response, uint32_t mid);
  std::vector<ImpairRule> rules_;
};

}  // namespace ikesuite::ikev1
