#include "engine/ikev2/impair.h"

#include <algorithm>

namespace ikesuite::ikev2 {

namespace {

struct KindName {
  ImpairKind kind;
  std::string_view name;
};

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
    {ImpairKind::KeGroup, "ke-group"},
    {ImpairKind::KeData, "ke-data"},
    {ImpairKind::BadAuth, "bad-auth"},
    {ImpairKind::BadIcv, "bad-icv"},
    {ImpairKind::ZeroNonce, "nonce-size"},
    {ImpairKind::ForceProposal, "force-proposal"},
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

bool ImpairRule::matches(v2::ExchangeType ex, bool is_response, uint32_t mid) const {
  if (count != 0 && applied >= count) return false;
  if (exchange && *exchange != ex) return false;
  if (response && *response != is_response) return false;
  if (message_id && *message_id != mid) return false;
  return true;
}

std::string ImpairRule::describe() const {
  std::string out(name(kind));
  if (payload) out += " " + v2::to_string(*payload);
  if (notify) out += "(" + v2::to_string(*notify) + ")";
  if (value) out += " " + std::to_string(value);
  return out;
}

ImpairRule* Impairments::take(ImpairKind kind, v2::ExchangeType ex, bool is_response,
                              uint32_t mid) {
  for (auto& r : rules_)
    if (r.kind == kind && r.matches(ex, is_response, mid)) return &r;
  return nullptr;
}

void Impairments::apply_payloads(v2::ExchangeType ex, bool is_response, uint32_t mid,
                                 std::vector<v2::Payload>& payloads, Logger& log) {
  for (auto& r : rules_) {
    if (!r.matches(ex, is_response, mid)) continue;
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
          (*body)[body->size() / 2] ^= 0x5a;
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
      default:
        break;
    }
    if (applied) {
      ++r.applied;
      log.log(LogGroup::kIke, 1, "IMPAIR: " + r.describe() + " in " + where(ex, is_response, mid));
    }
  }
}

void Impairments::apply_header(v2::ExchangeType ex, bool is_response, uint32_t mid,
                               v2::Header& header, Random& rng, Logger& log) {
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
        if (header.flags & v2::kFlagInitiator) {
          header.spi_r = rng.next_u64();
        } else {
          header.spi_i = rng.next_u64();
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

void Impairments::apply_bytes(v2::ExchangeType ex, bool is_response, uint32_t mid, Bytes& d,
                              Logger& log) {
  for (auto& r : rules_) {
    if (!r.matches(ex, is_response, mid)) continue;
    bool applied = false;
    if (r.kind == ImpairKind::HeaderLength && d.size() >= v2::Header::kSize) {
      uint32_t len = uint32_t{d[24]} << 24 | uint32_t{d[25]} << 16 | uint32_t{d[26]} << 8 | d[27];
      len = static_cast<uint32_t>(len + r.value);
      for (int i = 0; i < 4; ++i) d[24 + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
      applied = true;
    } else if (r.kind == ImpairKind::BadIcv && d.size() > v2::Header::kSize) {
      d.back() ^= 0x01;
      applied = true;
    } else if (r.kind == ImpairKind::PayloadLength && r.payload && d.size() >= v2::Header::kSize) {
      // Walk the clear chain (the codec's reader does the bounds checking) to the payload.
      auto msg = v2::parse(d, v2::ParseOptions{false});
      if (msg.ok()) {
        size_t offset = v2::Header::kSize;
        for (const auto& p : msg->payloads) {
          auto body = v2::serialize_body(p.body);
          if (!body.ok()) break;
          if (p.type == *r.payload && offset + 4 <= d.size()) {
            uint16_t len = static_cast<uint16_t>(d[offset + 2] << 8 | d[offset + 3]);
            len = static_cast<uint16_t>(len + r.value);
            d[offset + 2] = static_cast<uint8_t>(len >> 8);
            d[offset + 3] = static_cast<uint8_t>(len);
            applied = true;
            break;
          }
          offset += 4 + body->size();
        }
      }
    }
    if (applied) {
      ++r.applied;
      log.log(LogGroup::kIke, 1, "IMPAIR: " + r.describe() + " in " + where(ex, is_response, mid));
    }
  }
}

int Impairments::copies(v2::ExchangeType ex, bool is_response, uint32_t mid, Logger& log) {
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

std::optional<std::string> Impairments::forced_proposal(v2::ExchangeType ex) {
  for (auto& r : rules_)
    if (r.kind == ImpairKind::ForceProposal && (!r.exchange || *r.exchange == ex)) return r.text;
  return std::nullopt;
}

}  // namespace ikesuite::ikev2
