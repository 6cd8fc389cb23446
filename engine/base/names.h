// Names for protocol numbers. Every IANA registry ikesuite uses is an enum class whose
// enumerators carry their registry values, plus a table of RFC names, so that logs, reports
// and pcap notes print "INVALID_KE_PAYLOAD", never a bare 17, and scenario files can name
// values the same way.
//
// Usage, next to an enum:
//   inline constexpr NameTable<NotifyType> kNotifyTypeNames{{
//       {NotifyType::InvalidKePayload, "INVALID_KE_PAYLOAD"}, ...}};
//   std::string_view name(NotifyType t) { return kNotifyTypeNames.name(t); }
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ikesuite {

template <typename E>
struct NameEntry {
  E value;
  std::string_view name;
};

template <typename E>
class NameTable {
 public:
  template <size_t N>
  constexpr NameTable(const NameEntry<E> (&entries)[N]) : entries_(entries, N) {}  // NOLINT

  // The registered name, or an empty view for values the table does not know.
  constexpr std::string_view name(E value) const {
    for (const auto& e : entries_)
      if (e.value == value) return e.name;
    return {};
  }
  // The registered name, or "<fallback>(<number>)" — never empty.
  std::string describe(E value, std::string_view fallback = "UNKNOWN") const {
    auto n = name(value);
    if (!n.empty()) return std::string(n);
    return std::string(fallback) + "(" +
           std::to_string(static_cast<unsigned long long>(value)) + ")";
  }
  // Case-insensitive lookup by name; also accepts a plain decimal number.
  std::optional<E> parse(std::string_view text) const {
    for (const auto& e : entries_)
      if (iequals(e.name, text)) return e.value;
    if (!text.empty() && text.size() <= 19 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      unsigned long long v = std::stoull(std::string(text));
      using U = std::underlying_type_t<E>;
      if (v > static_cast<unsigned long long>(std::numeric_limits<U>::max())) return std::nullopt;
      return static_cast<E>(v);
    }
    return std::nullopt;
  }
  std::span<const NameEntry<E>> entries() const { return entries_; }

 private:
  static constexpr bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char x = a[i], y = b[i];
      if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
      if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
      if (x == '-') x = '_';
      if (y == '-') y = '_';
      if (x != y) return false;
    }
    return true;
  }
  std::span<const NameEntry<E>> entries_;
};

}  // namespace ikesuite
