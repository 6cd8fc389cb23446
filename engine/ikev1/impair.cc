#include "engine/ikev1/impair.h"

#include <algorithm>

#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::ikev1 {

namespace {

struct KindName {
  ImpairKind kind;
  std::string_view name;
};

// The scenario catalogue's names (docs/scenarios.md).
constexpr KindName kKindNames[] = {
    {ImpairKind::OmitPayload, "omit-payload"},
    {ImpairKind::DuplicatePayload, "duplicate-payload"},
    {ImpairKind::AddUnknownPayload, "add-unknown-payload"},
    {ImpairKind::AddNotify, "add-notify"},
    {ImpairKind::CorruptPayload, "corrupt-payload"},
    {ImpairKind::PayloadLength, "payload-length"},
    {ImpairKind::HeaderLength, "header-length"},
    {ImpairKind::HeaderFlags, "header-flags"},
    {ImpairKind::MajorVersion, "major-version"},
    {ImpairKind::MinorVersion, "minor-version"},
    {ImpairKind::WrongSpi, "wrong-spi"},
    {ImpairKind::MessageId, "message-id"},
    {ImpairKind::Drop, "drop"},
    {ImpairKind::Duplicate, "duplicate"},
    {ImpairKind::NoRetransmit, "no-retransmit"},
    {ImpairKind::KeData, "ke-data"},
    {ImpairKind::BadHash, "bad-hash"},
    {ImpairKind::ZeroNonce, "nonce-size"},
    {ImpairKind::ForceProposal, "force-proposal"},
};

bool payload_matches(const v1::Payload& p, const ImpairRule& r) {
  if (!r.payload || p.type != *r.payload) return false;
  if (r.notify) {
    const auto* n = p.as<v1::NotifyPayload>();
    return n && n->type == *r.notify;
  }
  return true;
}

std::string where(v1::ExchangeType ex, bool is_response, uint32_t mid) {
  v1::Message m;
  m.header.exchange = ex;
  m.header.message_id = mid;
  // "QUICK_MODE response 2812367394" without the payload list.
  std::string s = v1::summary(m, is_response ? v1::Direction::Response : v1::Direction::Request);
  return s.substr(0, s.find(" ["));
}

// Patches the 16-bit field at `pos` of `d` by adding `delta`.
bool add_to_u16(Bytes& d, size_t pos, int64_t delta) {
  wire::Reader r(d);
  if (!r.skip(pos).ok()) return false;
  auto old = r.u16();
  if (!old.ok()) return false;
  wire::Writer w;
  w.bytes(d);
  w.patch_u16(pos, static_cast<uint16_t>(*old + delta));
  auto out = std::move(w).finish();
  if (!out.ok()) return false;
  d = std::move(*out);
  return true;
}

bool add_to_u32(Bytes& d, size_t pos, int64_t delta) {
  wire::Reader r(d);
  if (!r.skip(pos).ok()) return false;
  auto old = r.u32();
  if (!old.ok()) return false;
  wire::Writer w;
  w.bytes(d);
  w.patch_u32(pos, static_cast<uint32_t>(*old + delta));
  auto out = std::move(w).finish();
  if (!out.ok()) return false;
  d = std::move(*out);
  return true;
}

// The offset of the generic header of the first payload of `type` in a clear message.
std::optional<size_t> payload_offset(const Bytes& d, v1::PayloadType type) {
  wire::Reader r(d);
  if (!r.skip(16).ok()) return std::nullopt;
  auto next = r.u8();
  if (!next.ok() || !r.skip(v1::Header::kSize - 17).ok()) return std::nullopt;
  auto current = static_cast<v1::PayloadType>(*next);
  while (current != v1::PayloadType::None && !r.empty()) {
    size_t at = r.offset();
    auto np = r.u8();
    auto reserved = r.u8();
    auto len = r.u16();
    if (!np.ok() || !reserved.ok() || !len.ok() || *len < 4) return std::nullopt;
    if (current == type) return at;
    if (!r.skip(*len - 4u).ok()) return std::nullopt;
    current = static_cast<v1::PayloadType>(*np);
  }
  return std::nullopt;
}

}  // namespace

std::string_view name(ImpairKind k) {
  for (const auto& e : kKindNames)
    if (e.kind == k) return e.name;
  return "?";
}

std::optional<ImpairKind> parse_impair_kind(std::string_view text) {
  for (const auto& e : kKindNames)
    if (e.name == text) return e.kind;
  return std::nullopt;
}

bool ImpairRule::matches(v1::ExchangeType ex, bool is_response, uint32_t mid) const {
  if (count != 0 && applied >= count) return false;
  if (exchange && *exchange != ex) return false;
  if (response && *response != is_response) return false;
  if (message_id && *message_id != mid) return false;
  return true;
}

std::string ImpairRule::describe() const {
  std::string out(name(kind));
  if (payload) out += " " + v1::to_string(*payload);
  if (notify) out += "(" + v1::to_string(*notify) + ")";
  if (value) out += " " + std::to_string(value);
  return out;
}

ImpairRule* Impairments::take(ImpairKind kind, v1::ExchangeType ex, bool is_response,
                              uint32_t mid) {
  for (auto& r : rules_)
    if (r.kind == kind && r.matches(ex, is_response, mid)) return &r;
  return nullptr;
}

void Impairments::apply_payloads(v1::ExchangeType ex, bool is_response, uint32_t mid,
                                 std::vector<v1::Payload>& payloads, Logger& log) {
  for (auto& r : rules_) {
    if (!r.matches(ex, is_response, mid)) continue;
    bool applied = false;
    auto first_match = [&] {
      return std::find_if(payloads.begin(), payloads.end(),
                          [&](const v1::Payload& p) { return payload_matches(p, r); });
    };
    switch (r.kind) {
      case ImpairKind::OmitPayload:
        if (auto it = first_match(); it != payloads.end()) {
          payloads.erase(it);
          applied = true;
        }
        break;
      case ImpairKind::DuplicatePayload:
        if (auto it = first_match(); it != payloads.end()) {
          v1::Payload copy = *it;
          payloads.insert(it + 1, copy);
          applied = true;
        }
        break;
      case ImpairKind::AddUnknownPayload: {
        v1::Payload p;
        p.type = static_cast<v1::PayloadType>(r.value ? r.value : 127);
        p.body = v1::RawPayload{r.data.empty() ? Bytes{0xde, 0xad, 0xbe, 0xef} : r.data};
        payloads.push_back(std::move(p));
        applied = true;
        break;
      }
      case ImpairKind::AddNotify: {
        v1::NotifyPayload n;
        n.type = r.notify.value_or(v1::NotifyType::INITIAL_CONTACT);
        n.data = r.data;
        payloads.push_back(v1::make_payload(n));
        applied = true;
        break;
      }
      case ImpairKind::CorruptPayload:
        if (auto it = first_match(); it != payloads.end()) {
          auto body = v1::serialize_body(it->body);
          if (body.ok() && !body->empty()) {
            wire::Writer w;
            w.bytes(*body);
            wire::Reader rd(*body);
            size_t at = body->size() / 2;
            (void)rd.skip(at);
            w.patch_u8(at, static_cast<uint8_t>(rd.u8().value_or(0) ^ 0x5a));
            it->body = v1::RawPayload{std::move(w).finish().value_or(*body)};
            applied = true;
          }
        }
        break;
      case ImpairKind::KeData:
        for (auto& p : payloads) {
          auto* ke = p.as<v1::KePayload>();
          if (!ke) continue;
          if (r.value < 0) {
            size_t cut = std::min<size_t>(ke->data.size(), static_cast<size_t>(-r.value));
            ke->data.resize(ke->data.size() - cut);
          } else {
            ke->data.resize(ke->data.size() + static_cast<size_t>(r.value), 0);
          }
          applied = true;
          break;
        }
        break;
      case ImpairKind::BadHash:
        for (auto& p : payloads) {
          Bytes* value = nullptr;
          if (auto* h = p.as<v1::HashPayload>()) value = &h->hash;
          if (auto* s = p.as<v1::SignaturePayload>()) value = &s->signature;
          if (!value || value->empty()) continue;
          value->front() ^= 0x01;
          applied = true;
          break;
        }
        break;
      case ImpairKind::ZeroNonce:
        for (auto& p : payloads) {
          auto* n = p.as<v1::NoncePayload>();
          if (!n) continue;
          n->nonce.assign(static_cast<size_t>(std::max<int64_t>(r.value, 0)), 0);
          applied = true;
          break;
        }
        break;
      default:
        break;
    }
    if (applied) {
      ++r.applied;
      log.log(LogGroup::kIke, 1, "IMPAIR: " + r.describe() + " in " + where(ex, is_response, mid));
    }
  }
}

void Impairments::apply_header(v1::ExchangeType ex, bool is_response, uint32_t mid,
                               v1::Header& header, Random& rng, Logger& log) {
  for (auto& r : rules_) {
    if (!r.matches(ex, is_response, mid)) continue;
    bool applied = true;
    switch (r.kind) {
      case ImpairKind::HeaderFlags: header.flags ^= static_cast<uint8_t>(r.value); break;
      case ImpairKind::MajorVersion: header.major_version = static_cast<uint8_t>(r.value); break;
      case ImpairKind::MinorVersion: header.minor_version = static_cast<uint8_t>(r.value); break;
      case ImpairKind::MessageId:
        header.message_id = static_cast<uint32_t>(header.message_id + r.value);
        break;
      case ImpairKind::WrongSpi:
        // The cookie the receiver looks itself up by: the other side's.
        if (is_response) {
          header.cookie_i = rng.next_u64();
        } else {
          header.cookie_r = rng.next_u64();
        }
        break;
      default: applied = false; break;
    }
    if (applied) {
      ++r.applied;
      log.log(LogGroup::kIke, 1, "IMPAIR: " + r.describe() + " in " + where(ex, is_response, mid));
    }
  }
}

void Impairments::apply_bytes(v1::ExchangeType ex, bool is_response, uint32_t mid, Bytes& d,
                              Logger& log) {
  for (auto& r : rules_) {
    if (!r.matches(ex, is_response, mid)) continue;
    bool applied = false;
    if (r.kind == ImpairKind::HeaderLength) {
      applied = add_to_u32(d, 24, r.value);
    } else if (r.kind == ImpairKind::PayloadLength && r.payload) {
      if (auto at = payload_offset(d, *r.payload)) applied = add_to_u16(d, *at + 2, r.value);
    }
    if (applied) {
      ++r.applied;
      log.log(LogGroup::kIke, 1, "IMPAIR: " + r.describe() + " in " + where(ex, is_response, mid));
    }
  }
}

int Impairments::copies(v1::ExchangeType ex, bool is_response, uint32_t mid, Logger& log) {
  if (ImpairRule* r = take(ImpairKind::Drop, ex, is_response, mid)) {
    ++r->applied;
    log.log(LogGroup::kIke, 1, "IMPAIR: dropping " + where(ex, is_response, mid));
    return 0;
  }
  if (ImpairRule* r = take(ImpairKind::Duplicate, ex, is_response, mid)) {
    ++r->applied;
    log.log(LogGroup::kIke, 1, "IMPAIR: duplicating " + where(ex, is_response, mid));
    return 2;
  }
  return 1;
}

bool Impairments::no_retransmit() const {
  return std::any_of(rules_.begin(), rules_.end(),
                     [](const ImpairRule& r) { return r.kind == ImpairKind::NoRetransmit; });
}

std::optional<std::string> Impairments::forced_proposal(v1::ExchangeType ex) const {
  for (const auto& r : rules_)
    if (r.kind == ImpairKind::ForceProposal && (!r.exchange || *r.exchange == ex)) return r.text;
  return std::nullopt;
}

}  // namespace ikesuite::ikev1
