// Byte strings and hex helpers shared by every layer.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ikesuite {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// Lower-case hex without separators ("0a1b").
std::string to_hex(ByteView data);
// Accepts upper or lower case, ignores ':' and whitespace; nullopt on any other character or
// an odd number of digits.
std::optional<Bytes> from_hex(std::string_view hex);
// Hex that must parse (for tests and compiled-in constants); aborts on bad input.
Bytes hex(std::string_view hex);

inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline ByteView view(const Bytes& b) { return ByteView(b.data(), b.size()); }

// Concatenates any number of byte strings.
Bytes concat(std::initializer_list<ByteView> parts);
inline void append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

// Constant-time comparison for MACs and AUTH values.
bool equal_ct(ByteView a, ByteView b);

}  // namespace ikesuite
