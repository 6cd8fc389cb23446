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
#include "engine/base/time.h"
#include "engine/wire/ikev2/message.h"

namespace ikesuite::ikev2 {

enum class ImpairKind : uint8_t {
  OmitPayload,         // omit_payload: remove the (first) payload of `payload` type (and `notify`)
  DuplicatePayload,    // duplicate_payload: send the payload twice
  AddUnknownPayload,   // add_unknown_payload: append type `value` (default 127), `critical`
  AddNotify,           // add_notify: append N(`notify`) with `data`
  CorruptPayload,      // corrupt_payload: flip the bits of byte `value` of the payload's body
  PayloadLength,       // payload_length: add `value` to the payload's length field on the wire
  HeaderLength,        // header_length: add `value` to the IKE header length field
  HeaderFlags,         // header_flags: XOR the header flags with `value`
  MajorVersion,        // major_version: send this major version (`value`)
  MinorVersion,        // minor_version: send this minor version (`value`)
  WrongSpi,            // wrong_spi: replace the peer's SPI with `value` (default random)
  MessageId,           // message_id: add `value` to the message ID
  Drop,                // drop_message: do not send the message at all
  Duplicate,           // duplicate_message: send the message 1 + `value` times (default 2)
  NoRetransmit,        // no_retransmit: never retransmit requests
  KeGroup,             // ke_group: put group `value` into the KE payload (data unchanged)
  KeData,              // ke_length: make the KE data `value` bytes longer (negative: shorter)
  BadAuth,             // bad_auth: flip a bit of the AUTH data
  BadIcv,              // bad_icv: flip a bit of the SK integrity checksum
  ZeroNonce,           // nonce_length: send a nonce of `value` bytes (RFC 7296 §2.10: 16..256)
  ForceProposal,       // force_proposal: offer the proposal string in `text`
  DelayMessage,        // delay_message: hold the message back by `delay`
  ReplayMessage,       // replay_message: send it, then a verbatim copy again after `delay`
  IgnoreMessage,       // ignore_message: silently drop matching messages we *receive*
  TruncateMessage,     // truncate_message: cut the datagram to `value` bytes
  ForceTs,             // force_ts: propose `tsi`/`tsr` instead of the configured selectors
};

// The names scenario files use (docs/scenarios.md "Misbehaviour"): "omit_payload",
// "drop_message", "ke_length", ... ('-' is accepted for '_').
std::string_view name(ImpairKind k);
std::optional<ImpairKind> parse_impair_kind(std::string_view text);

struct ImpairRule {
  ImpairKind kind = ImpairKind::OmitPayload;
  // Which messages: all unset = every message we send (or receive, for IgnoreMessage).
  std::optional<v2::ExchangeType> exchange;
  std::optional<bool> response;
  std::optional<uint32_t> message_id;
  // Only messages of this connection's IKE SAs (empty: every connection). Rules with a
  // connection apply only where the engine passes the connection to the hooks.
  std::string conn;
  // Which payload (for payload-level kinds); `notify` narrows a Notify payload.
  std::optional<v2::PayloadType> payload;
  std::optional<v2::NotifyType> notify;
  int64_t value = 0;
  bool value_set = false;  // `value` was given (wrong_spi: otherwise random)
  bool critical = false;
  Bytes data;
  std::string text;
  Duration delay{0};  // delay_message, replay_message
  std::vector<v2::TrafficSelector> tsi;  // force_ts
  std::vector<v2::TrafficSelector> tsr;
  // How many messages to affect: 0 = every matching message.
  uint32_t count = 0;
  uint32_t applied = 0;

  bool matches(v2::ExchangeType ex, bool is_response, uint32_t mid) const;
  bool matches(v2::ExchangeType ex, bool is_response, uint32_t mid, std::string_view conn) const;
  std::string describe() const;
};

// When copies of a message go out, relative to now (drop: none; duplicate: several at 0;
// delay: one later; replay: one now and one later).
using SendPlan = std::vector<Duration>;

class Impairments {
 public:
  void add(ImpairRule rule) { rules_.push_back(std::move(rule)); }
  void clear() { rules_.clear(); }
  bool empty() const { return rules_.empty(); }
  const std::vector<ImpairRule>& rules() const { return rules_; }

  // Each hook has a form with the connection of the IKE SA the message belongs to (empty
  // when there is none, e.g. a clear IKE_SA_INIT error response); the form without it
  // treats every rule as matching whatever its connection.

  // Payload-level changes, on the payloads that go inside SK (or the clear payloads of
  // IKE_SA_INIT). Logs every change as "IMPAIR: ...".
  void apply_payloads(v2::ExchangeType ex, bool is_response, uint32_t mid,
                      std::vector<v2::Payload>& payloads, Logger& log);
  void apply_payloads(v2::ExchangeType ex, bool is_response, uint32_t mid, std::string_view conn,
                      std::vector<v2::Payload>& payloads, Logger& log);
  // Header-level changes before serialization (integrity still covers them).
  void apply_header(v2::ExchangeType ex, bool is_response, uint32_t mid, v2::Header& header,
                    Random& rng, Logger& log);
  void apply_header(v2::ExchangeType ex, bool is_response, uint32_t mid, std::string_view conn,
                    v2::Header& header, Random& rng, Logger& log);
  // Byte-level changes to the serialized datagram (after integrity protection).
  void apply_bytes(v2::ExchangeType ex, bool is_response, uint32_t mid, Bytes& datagram,
                   Logger& log);
  void apply_bytes(v2::ExchangeType ex, bool is_response, uint32_t mid, std::string_view conn,
                   Bytes& datagram, Logger& log);
  // How many copies of the message to send now (0 = drop, 2 = duplicate). Ignores the
  // delay and replay rules: send_plan() is the complete answer.
  int copies(v2::ExchangeType ex, bool is_response, uint32_t mid, Logger& log);
  // When to send copies of the message: drop_message, duplicate_message, delay_message and
  // replay_message together.
  SendPlan send_plan(v2::ExchangeType ex, bool is_response, uint32_t mid, std::string_view conn,
                     Logger& log);
  // Whether a received message is to be ignored (ignore_message), logged when it is.
  bool ignores(v2::ExchangeType ex, bool is_response, uint32_t mid, std::string_view conn,
               Logger& log);
  bool no_retransmit() const;
  bool no_retransmit(v2::ExchangeType ex, uint32_t mid, std::string_view conn) const;
  // A proposal string to offer instead of the configured one, if a rule says so.
  std::optional<std::string> forced_proposal(v2::ExchangeType ex);
  std::optional<std::string> forced_proposal(v2::ExchangeType ex, std::string_view conn);

 private:
  ImpairRule* take(ImpairKind kind, v2::ExchangeType ex, bool is_response, uint32_t mid,
                   std::optional<std::string_view> conn);
  void apply_payloads_impl(v2::ExchangeType ex, bool is_response, uint32_t mid,
                           std::optional<std::string_view> conn,
                           std::vector<v2::Payload>& payloads, Logger& log);
  void apply_header_impl(v2::ExchangeType ex, bool is_response, uint32_t mid,
                         std::optional<std::string_view> conn, v2::Header& header, Random& rng,
                         Logger& log);
  void apply_bytes_impl(v2::ExchangeType ex, bool is_response, uint32_t mid,
                        std::optional<std::string_view> conn, Bytes& datagram, Logger& log);
  std::vector<ImpairRule> rules_;
};

}  // namespace ikesuite::ikev2
