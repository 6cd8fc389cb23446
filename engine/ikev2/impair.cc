#include "engine/ikev2/impair.h"

#include <algorithm>

#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::ikev2 {

namespace {

struct KindName {
  ImpairKind kind;
  std::string_view name;
};

// The names of the scenario language's impairment catalogue (harness/scenario/catalogue.cc),
// so a rule reads the same in a scenario file, a log line and a report.
constexpr KindName kKindNames[] = {
    {ImpairKind::OmitPayload, "omit_payload"},
    {ImpairKind::DuplicatePayload, "duplicate_payload"},
    {ImpairKind::AddUnknownPayload, "add_unknown_payload"},
    {ImpairKind::AddNotify, "add_notify"},
    {ImpairKind::CorruptPayload, "corrupt_payload"},
    {ImpairKind::PayloadLength, "payload_length"},
    {ImpairKind::HeaderLength, "header_length"},
    {ImpairKind::HeaderFlags, "header_flags"},
    {ImpairKind::MajorVersion, "major_version"},
    {ImpairKind::MinorVersion, "minor_version"},
    {ImpairKind::WrongSpi, "wrong_spi"},
    {ImpairKind::MessageId, "message_id"},
    {ImpairKind::Drop, "drop_message"},
    {ImpairKind::Duplicate, "duplicate_message"},
    {ImpairKind::NoRetransmit, "no_retransmit"},
    {ImpairKind::KeGroup, "ke_group"},
    {ImpairKind::KeData, "ke_length"},
    {ImpairKind::BadAuth, "bad_auth"},
    {ImpairKind::BadIcv, "bad_icv"},
    {ImpairKind::ZeroNonce, "nonce_length"},
    {ImpairKind::ForceProposal, "force_proposal"},
    {ImpairKind::DelayMessage, "delay_message"},
    {ImpairKind::ReplayMessage, "replay_message"},
    {ImpairKind::IgnoreMessage, "ignore_message"},
    {ImpairKind::TruncateMessage, "truncate_message"},
    {ImpairKind::ForceTs, "force_ts"},
};

bool payload_matches(const v2::Payload& p, const ImpairRule& r) {
  if (!r.payload || p.type != *r.payload) return false;
  if (r.notify) {
    const auto* n = p.as<v2::NotifyPayload>();
    return n && n->type == *r.notify;
  }
  return true;
}

std::string where(v2::ExchangeType ex, bool is_response, uint32_t mid) {
  return v2::to_string(ex) + (is_response ? " response " : " request ") + std::to_string(mid);
}

bool rule_matches(const ImpairRule& r, v2::ExchangeType ex, bool is_response, uint32_t mid,
                  std::optional<std::string_view> conn) {
  return conn ? r.matches(ex, is_response, mid, *conn) : r.matches(ex, is_response, mid);
}

void note(ImpairRule& r, v2::ExchangeType ex, bool is_response, uint32_t mid, Logger& log) {
  ++r.applied;
  log.log(LogGroup::kIke, 1, "IMPAIR: " + r.describe() + " in " + where(ex, is_response, mid));
}

std::string seconds_text(Duration d) {
  std::string s = std::to_string(to_seconds(d));
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s + "s";
}

// The Payload Length field of the payload starting `offset` bytes into the datagram, read and
// rewritten through the codec's Reader and Writer.
Status add_to_payload_length(Bytes& d, size_t offset, int64_t delta) {
  wire::Reader r(d);
  TRY(r.skip(offset + 2));
  TRY_ASSIGN(uint16_t len, r.u16());
  wire::Writer w;
  w.bytes(ByteView(d).first(offset + 2));
  w.u16(static_cast<uint16_t>(len + delta));
  w.bytes(r.rest());
  TRY_ASSIGN(d, std::move(w).finish());
  return {};
}

Status add_to_header_length(Bytes& d, int64_t delta) {
  wire::Reader r(d);
  TRY_ASSIGN(ByteView head, r.bytes(24));
  TRY_ASSIGN(uint32_t len, r.u32());
  wire::Writer w;
  w.bytes(head);
  w.u32(static_cast<uint32_t>(len + delta));
  w.bytes(r.rest());
  TRY_ASSIGN(d, std::move(w).finish());
  return {};
}

}  // namespace

std::string_view name(ImpairKind k) {
  for (const auto& e : kKindNames)
    if (e.kind == k) return e.name;
  return "?";
}

std::optional<ImpairKind> parse_impair_kind(std::string_view text) {
  std::string normal(text);
  std::replace(normal.begin(), normal.end(), '-', '_');
  for (const auto& e : kKindNames)
    if (e.name == normal) return e.kind;
  return std::nullopt;
}

bool ImpairRule::matches(v2::ExchangeType ex, bool is_response, uint32_t mid) const {
  if (count != 0 && applied >= count) return false;
  if (exchange && *exchange != ex) return false;
  if (response && *response != is_response) return false;
  if (message_id && *message_id != mid) return false;
  return true;
}

bool ImpairRule::matches(v2::ExchangeType ex, bool is_response, uint32_t mid,
                         std::string_view c) const {
  if (!conn.empty() && conn != c) return false;
  return matches(ex, is_response, mid);
}

std::string ImpairRule::describe() const {
  std::string out(name(kind));
  if (payload) out += " " + v2::to_string(*payload);
  if (notify) out += "(" + v2::to_string(*notify) + ")";
  if (value || value_set) out += " " + std::to_string(value);
  if (delay > Duration::zero()) out += " " + seconds_text(delay);
  if (!text.empty()) out += " " + text;
  return out;
}

ImpairRule* Impairments::take(ImpairKind kind, v2::ExchangeType ex, bool is_response, uint32_t mid,
                              std::optional<std::string_view> conn) {
  for (auto& r : rules_)
    if (r.kind == kind && rule_matches(r, ex, is_response, mid, conn)) return &r;
  return nullptr;
}

void Impairments::apply_payloads(v2::ExchangeType ex, bool is_response, uint32_t mid,
                                 std::vector<v2::Payload>& payloads, Logger& log) {
  apply_payloads_impl(ex, is_response, mid, std::nullopt, payloads, log);
}

void Impairments::apply_payloads(v2::ExchangeType ex, bool is_response, uint32_t mid,
                                 std::string_view conn, std::vector<v2::Payload>& payloads,
                                 Logger& log) {
  apply_payloads_impl(ex, is_response, mid, conn, payloads, log);
}

void Impairments::apply_payloads_impl(v2::ExchangeType ex, bool is_response, uint32_t mid,
                                      std::optional<std::string_view> conn,
                                      std::vector<v2::Payload>& payloads, Logger& log) {
  for (auto& r : rules_) {
    if (!rule_matches(r, ex, is_response, mid, conn)) continue;
    bool applied = false;
    switch (r.kind) {
      case ImpairKind::OmitPayload: {
        auto it = std::find_if(payloads.begin(), payloads.end(),
                               [&](const v2::Payload& p) { return payload_matches(p, r); });
        if (it != payloads.end()) {
          payloads.erase(it);
          applied = true;
        }
        break;
      }
      case ImpairKind::DuplicatePayload: {
        auto it = std::find_if(payloads.begin(), payloads.end(),
                               [&](const v2::Payload& p) { return payload_matches(p, r); });
        if (it != payloads.end()) {
          v2::Payload copy = *it;
          payloads.insert(it + 1, copy);
          applied = true;
        }
        break;
      }
      case ImpairKind::AddUnknownPayload: {
        v2::Payload p;
        p.type = static_cast<v2::PayloadType>(r.value ? r.value : 127);
        p.critical = r.critical;
        p.body = v2::RawPayload{r.data.empty() ? Bytes{0xde, 0xad, 0xbe, 0xef} : r.data};
        payloads.push_back(std::move(p));
        applied = true;
        break;
      }
      case ImpairKind::AddNotify: {
        v2::NotifyPayload n;
        n.type = r.notify.value_or(v2::NotifyType::INITIAL_CONTACT);
        n.data = r.data;
        v2::Payload p;
        p.type = v2::PayloadType::Notify;
        p.critical = r.critical;
        p.body = n;
        payloads.push_back(std::move(p));
        applied = true;
        break;
      }
      case ImpairKind::CorruptPayload: {
        for (auto& p : payloads) {
          if (!payload_matches(p, r)) continue;
          auto body = v2::serialize_body(p.body);
          if (!body.ok() || body->empty()) break;
          // The payload goes out as opaque bytes, so the change survives serialization even
          // where the typed body could not represent it.
          size_t at = std::min<size_t>(static_cast<size_t>(std::max<int64_t>(r.value, 0)),
                                       body->size() - 1);
          (*body)[at] ^= 0xff;
          p.body = v2::RawPayload{std::move(*body)};
          applied = true;
          break;
        }
        break;
      }
      case ImpairKind::KeGroup:
      case ImpairKind::KeData:
        for (auto& p : payloads) {
          auto* ke = p.as<v2::KePayload>();
          if (!ke) continue;
          if (r.kind == ImpairKind::KeGroup) {
            ke->group = static_cast<v2::DhGroup>(r.value);
          } else if (r.value < 0) {
            size_t cut = std::min<size_t>(ke->data.size(), static_cast<size_t>(-r.value));
            ke->data.resize(ke->data.size() - cut);
          } else {
            ke->data.resize(ke->data.size() + static_cast<size_t>(r.value), 0);
          }
          applied = true;
          break;
        }
        break;
      case ImpairKind::BadAuth:
        for (auto& p : payloads) {
          auto* auth = p.as<v2::AuthPayload>();
          if (!auth || auth->data.empty()) continue;
          auth->data[0] ^= 0x01;
          applied = true;
          break;
        }
        break;
      case ImpairKind::ZeroNonce:
        for (auto& p : payloads) {
          auto* n = p.as<v2::NoncePayload>();
          if (!n) continue;
          n->nonce.assign(static_cast<size_t>(std::max<int64_t>(r.value, 0)), 0);
          applied = true;
          break;
        }
        break;
      case ImpairKind::ForceTs:
        // RFC 7296 §2.9: the selectors proposed are replaced, whatever the policy says.
        for (auto& p : payloads) {
          auto* ts = p.as<v2::TsPayload>();
          if (!ts) continue;
          if (p.type == v2::PayloadType::TSi && !r.tsi.empty()) {
            ts->selectors = r.tsi;
            applied = true;
          } else if (p.type == v2::PayloadType::TSr && !r.tsr.empty()) {
            ts->selectors = r.tsr;
            applied = true;
          }
        }
        break;
      default:
        break;
    }
    if (applied) note(r, ex, is_response, mid, log);
  }
}

void Impairments::apply_header(v2::ExchangeType ex, bool is_response, uint32_t mid,
                               v2::Header& header, Random& rng, Logger& log) {
  apply_header_impl(ex, is_response, mid, std::nullopt, header, rng, log);
}

void Impairments::apply_header(v2::ExchangeType ex, bool is_response, uint32_t mid,
                               std::string_view conn, v2::Header& header, Random& rng,
                               Logger& log) {
  apply_header_impl(ex, is_response, mid, conn, header, rng, log);
}

void Impairments::apply_header_impl(v2::ExchangeType ex, bool is_response, uint32_t mid,
                                    std::optional<std::string_view> conn, v2::Header& header,
                                    Random& rng, Logger& log) {
  for (auto& r : rules_) {
    if (!rule_matches(r, ex, is_response, mid, conn)) continue;
    bool applied = true;
    switch (r.kind) {
      case ImpairKind::HeaderFlags: header.flags ^= static_cast<uint8_t>(r.value); break;
      case ImpairKind::MajorVersion: header.major_version = static_cast<uint8_t>(r.value); break;
      case ImpairKind::MinorVersion: header.minor_version = static_cast<uint8_t>(r.value); break;
      case ImpairKind::MessageId:
        header.message_id = static_cast<uint32_t>(header.message_id + r.value);
        break;
      case ImpairKind::WrongSpi: {
        uint64_t spi = r.value_set ? static_cast<uint64_t>(r.value) : rng.next_u64();
        if (header.flags & v2::kFlagInitiator) {
          header.spi_r = spi;
        } else {
          header.spi_i = spi;
        }
        break;
      }
      default: applied = false; break;
    }
    if (applied) note(r, ex, is_response, mid, log);
  }
}

void Impairments::apply_bytes(v2::ExchangeType ex, bool is_response, uint32_t mid, Bytes& d,
                              Logger& log) {
  apply_bytes_impl(ex, is_response, mid, std::nullopt, d, log);
}

void Impairments::apply_bytes(v2::ExchangeType ex, bool is_response, uint32_t mid,
                              std::string_view conn, Bytes& d, Logger& log) {
  apply_bytes_impl(ex, is_response, mid, conn, d, log);
}

void Impairments::apply_bytes_impl(v2::ExchangeType ex, bool is_response, uint32_t mid,
                                   std::optional<std::string_view> conn, Bytes& d, Logger& log) {
  for (auto& r : rules_) {
    if (!rule_matches(r, ex, is_response, mid, conn)) continue;
    bool applied = false;
    if (r.kind == ImpairKind::HeaderLength && d.size() >= v2::Header::kSize) {
      applied = add_to_header_length(d, r.value).ok();
    } else if (r.kind == ImpairKind::BadIcv && d.size() > v2::Header::kSize) {
      // The ICV ends the SK payload, which ends the message (RFC 7296 §3.14).
      d.back() ^= 0x01;
      applied = true;
    } else if (r.kind == ImpairKind::TruncateMessage) {
      size_t keep = static_cast<size_t>(std::max<int64_t>(r.value, 0));
      if (keep < d.size()) {
        d.resize(keep);
        applied = true;
      }
    } else if (r.kind == ImpairKind::PayloadLength && r.payload && d.size() >= v2::Header::kSize) {
      // Walk the clear chain (the codec's reader does the bounds checking) to the payload.
      // Payloads inside SK are sealed by now: their lengths cannot change here.
      auto msg = v2::parse(d, v2::ParseOptions{false});
      if (msg.ok()) {
        size_t offset = v2::Header::kSize;
        for (const auto& p : msg->payloads) {
          auto body = v2::serialize_body(p.body);
          if (!body.ok()) break;
          if (p.type == *r.payload) {
            applied = add_to_payload_length(d, offset, r.value).ok();
            break;
          }
          offset += 4 + body->size();
        }
      }
    }
    if (applied) note(r, ex, is_response, mid, log);
  }
}

int Impairments::copies(v2::ExchangeType ex, bool is_response, uint32_t mid, Logger& log) {
  if (ImpairRule* r = take(ImpairKind::Drop, ex, is_response, mid, std::nullopt)) {
    ++r->applied;
    log.log(LogGroup::kIke, 1, "IMPAIR: dropping " + where(ex, is_response, mid));
    return 0;
  }
  if (ImpairRule* r = take(ImpairKind::Duplicate, ex, is_response, mid, std::nullopt)) {
    ++r->applied;
    int extra = r->value_set || r->value > 0 ? static_cast<int>(std::max<int64_t>(r->value, 0)) : 1;
    log.log(LogGroup::kIke, 1, "IMPAIR: duplicating " + where(ex, is_response, mid));
    return 1 + extra;
  }
  return 1;
}

SendPlan Impairments::send_plan(v2::ExchangeType ex, bool is_response, uint32_t mid,
                                std::string_view conn, Logger& log) {
  if (ImpairRule* r = take(ImpairKind::Drop, ex, is_response, mid, conn)) {
    ++r->applied;
    log.log(LogGroup::kIke, 1, "IMPAIR: dropping " + where(ex, is_response, mid));
    return {};
  }
  Duration start{0};
  if (ImpairRule* r = take(ImpairKind::DelayMessage, ex, is_response, mid, conn)) {
    ++r->applied;
    start = r->delay;
    log.log(LogGroup::kIke, 1, "IMPAIR: delaying " + where(ex, is_response, mid) + " by " +
                                   seconds_text(r->delay));
  }
  SendPlan plan{start};
  if (ImpairRule* r = take(ImpairKind::Duplicate, ex, is_response, mid, conn)) {
    ++r->applied;
    int extra = r->value_set || r->value > 0 ? static_cast<int>(std::max<int64_t>(r->value, 0)) : 1;
    log.log(LogGroup::kIke, 1, "IMPAIR: duplicating " + where(ex, is_response, mid));
    plan.insert(plan.end(), static_cast<size_t>(extra), start);
  }
  if (ImpairRule* r = take(ImpairKind::ReplayMessage, ex, is_response, mid, conn)) {
    ++r->applied;
    log.log(LogGroup::kIke, 1, "IMPAIR: replaying " + where(ex, is_response, mid) + " after " +
                                   seconds_text(r->delay));
    plan.push_back(start + r->delay);
  }
  return plan;
}

bool Impairments::ignores(v2::ExchangeType ex, bool is_response, uint32_t mid,
                          std::string_view conn, Logger& log) {
  ImpairRule* r = take(ImpairKind::IgnoreMessage, ex, is_response, mid, conn);
  if (!r) return false;
  ++r->applied;
  log.log(LogGroup::kIke, 1, "IMPAIR: ignoring received " + where(ex, is_response, mid));
  return true;
}

bool Impairments::no_retransmit() const {
  return std::any_of(rules_.begin(), rules_.end(),
                     [](const ImpairRule& r) { return r.kind == ImpairKind::NoRetransmit; });
}

bool Impairments::no_retransmit(v2::ExchangeType ex, uint32_t mid, std::string_view conn) const {
  return std::any_of(rules_.begin(), rules_.end(), [&](const ImpairRule& r) {
    return r.kind == ImpairKind::NoRetransmit && r.matches(ex, false, mid, conn);
  });
}

std::optional<std::string> Impairments::forced_proposal(v2::ExchangeType ex) {
  for (auto& r : rules_)
    if (r.kind == ImpairKind::ForceProposal && (!r.exchange || *r.exchange == ex)) return r.text;
  return std::nullopt;
}

std::optional<std::string> Impairments::forced_proposal(v2::ExchangeType ex, std::string_view conn) {
  for (auto& r : rules_)
    if (r.kind == ImpairKind::ForceProposal && (!r.exchange || *r.exchange == ex) &&
        (r.conn.empty() || r.conn == conn))
      return r.text;
  return std::nullopt;
}

}  // namespace ikesuite::ikev2
