#include "engine/ikev2/proposal_select.h"

#include <algorithm>

#include "engine/crypto/proposal.h"

namespace ikesuite::ikev2 {

namespace {

constexpr v2::TransformType kTypes[] = {v2::TransformType::ENCR, v2::TransformType::PRF,
                                        v2::TransformType::INTEG, v2::TransformType::DH,
                                        v2::TransformType::ESN};

bool same_transform(const v2::Transform& a, const v2::Transform& b) {
  return a.type == b.type && a.id == b.id && a.key_length() == b.key_length();
}

std::vector<const v2::Transform*> of_type(const v2::Proposal& p, v2::TransformType t,
                                          bool strip_dh) {
  std::vector<const v2::Transform*> out;
  if (strip_dh && t == v2::TransformType::DH) return out;
  for (const auto& tr : p.transforms)
    if (tr.type == t) out.push_back(&tr);
  // A DH transform of NONE (0) is the same as offering no DH.
  if (t == v2::TransformType::DH) {
    bool only_none = !out.empty() && std::all_of(out.begin(), out.end(), [](const auto* x) {
      return x->id == 0;
    });
    if (only_none) out.clear();
  }
  return out;
}

// Missing ESN transforms in ESP/AH proposals are read as "no ESN" (some peers omit it).
std::vector<v2::Transform> esn_default(const v2::Proposal& p) {
  v2::Transform t;
  t.type = v2::TransformType::ESN;
  t.id = static_cast<uint16_t>(v2::EsnId::NoEsn);
  if (p.protocol == v2::ProtocolId::IKE) return {};
  for (const auto& tr : p.transforms)
    if (tr.type == v2::TransformType::ESN) return {};
  return {t};
}

std::optional<v2::Proposal> match(const v2::Proposal& mine, const v2::Proposal& theirs,
                                  bool prefer_mine, bool strip_dh) {
  if (mine.protocol != theirs.protocol) return std::nullopt;
  v2::Proposal a = mine, b = theirs;
  for (auto& t : esn_default(a)) a.transforms.push_back(t);
  for (auto& t : esn_default(b)) b.transforms.push_back(t);
  v2::Proposal out;
  out.number = theirs.number;
  out.protocol = theirs.protocol;
  out.spi = theirs.spi;
  for (auto type : kTypes) {
    auto ours = of_type(a, type, strip_dh);
    auto other = of_type(b, type, strip_dh);
    if (ours.empty() && other.empty()) continue;
    if (ours.empty() || other.empty()) return std::nullopt;
    const auto& first = prefer_mine ? ours : other;
    const auto& second = prefer_mine ? other : ours;
    const v2::Transform* pick = nullptr;
    for (const auto* x : first) {
      for (const auto* y : second)
        if (same_transform(*x, *y)) {
          pick = prefer_mine ? y : x;  // keep the received transform
          break;
        }
      if (pick) break;
    }
    if (!pick) return std::nullopt;
    out.transforms.push_back(*pick);
  }
  return out;
}

}  // namespace

std::optional<v2::Proposal> select_proposal(const std::vector<v2::Proposal>& configured,
                                            const std::vector<v2::Proposal>& received,
                                            v2::ProtocolId protocol,
                                            const SelectOptions& options) {
  if (options.prefer_configured) {
    for (const auto& mine : configured) {
      if (mine.protocol != protocol) continue;
      for (const auto& theirs : received) {
        if (theirs.protocol != protocol) continue;
        if (auto m = match(mine, theirs, true, options.strip_dh)) return m;
      }
    }
  } else {
    for (const auto& theirs : received) {
      if (theirs.protocol != protocol) continue;
      for (const auto& mine : configured)
        if (auto m = match(mine, theirs, false, options.strip_dh)) return m;
    }
  }
  return std::nullopt;
}

bool choice_is_acceptable(const std::vector<v2::Proposal>& offered, const v2::Proposal& chosen,
                          bool strip_dh) {
  // Exactly one transform of each type.
  for (auto type : kTypes) {
    size_t n = std::count_if(chosen.transforms.begin(), chosen.transforms.end(),
                             [&](const v2::Transform& t) { return t.type == type; });
    if (n > 1) return false;
  }
  for (const auto& p : offered) {
    if (p.number != chosen.number || p.protocol != chosen.protocol) continue;
    auto m = match(p, chosen, true, strip_dh);
    if (!m) continue;
    // Every transform of the choice must come from this proposal.
    bool all = std::all_of(chosen.transforms.begin(), chosen.transforms.end(),
                           [&](const v2::Transform& t) {
                             if (strip_dh && t.type == v2::TransformType::DH) return true;
                             if (t.type == v2::TransformType::DH && t.id == 0) return true;
                             return std::any_of(p.transforms.begin(), p.transforms.end(),
                                                [&](const v2::Transform& o) {
                                                  return same_transform(o, t);
                                                }) ||
                                    (t.type == v2::TransformType::ESN &&
                                     t.id == static_cast<uint16_t>(v2::EsnId::NoEsn));
                           });
    if (all) return true;
  }
  return false;
}

std::optional<v2::Transform> transform_of(const v2::Proposal& p, v2::TransformType type) {
  for (const auto& t : p.transforms)
    if (t.type == type) return t;
  return std::nullopt;
}

std::string proposal_string(const v2::Proposal& p) { return crypto::to_string(p); }

std::string proposals_string(const std::vector<v2::Proposal>& ps) {
  std::string out;
  for (const auto& p : ps) {
    if (!out.empty()) out += ", ";
    out += proposal_string(p);
  }
  return out;
}

}  // namespace ikesuite::ikev2
