// Small text helpers shared by the parsers of daemons' logs and command output.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace ikesuite {

// The whole of `s` as an unsigned number in `base`: nullopt when it is empty, has anything
// but digits, or does not fit T.
template <typename T>
std::optional<T> parse_uint(std::string_view s, int base = 10) {
  if (s.empty()) return std::nullopt;
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace ikesuite
