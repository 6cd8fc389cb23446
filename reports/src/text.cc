#include "reports/src/text.h"

#include <cstdint>
#include <cstdio>

namespace ikesuite::reports {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629 §4), or 0.
size_t sequence_length(std::string_view text, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = at(i);
  size_t left = text.size() - i;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && is_continuation(at(i + 1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !is_continuation(at(i + 2))) return 0;
    unsigned char c1 = at(i + 1);
    if (c == 0xE0 && (c1 < 0xA0 || c1 > 0xBF)) return 0;       // overlong
    if (c == 0xED && (c1 < 0x80 || c1 > 0x9F)) return 0;       // UTF-16 surrogates
    if (c != 0xE0 && c != 0xED && !is_continuation(c1)) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !is_continuation(at(i + 2)) || !is_continuation(at(i + 3))) return 0;
    unsigned char c1 = at(i + 1);
    if (c == 0xF0 && (c1 < 0x90 || c1 > 0xBF)) return 0;       // overlong
    if (c == 0xF4 && (c1 < 0x80 || c1 > 0x8F)) return 0;       // above U+10FFFF
    if (c != 0xF0 && c != 0xF4 && !is_continuation(c1)) return 0;
    return 4;
  }
  return 0;
}

std::string visible_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

std::string escape(std::string_view text, bool attribute) {
  std::string clean = sanitize_utf8(text);
  std::string out;
  out.reserve(clean.size() + clean.size() / 8);
  for (size_t i = 0; i < clean.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(clean[i]);
    switch (c) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&#39;"; continue;
      case '\n': out += attribute ? "&#10;" : "\n"; continue;
      case '\t': out += attribute ? "&#9;" : "\t"; continue;
      case '\r': out += "&#13;"; continue;  // a raw CR would be folded into LF by parsers
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      // XML 1.0 §2.2: C0 controls are not allowed, not even as references; DEL is allowed
      // but invisible, and a log line is clearer with it shown.
      out += visible_byte(c);
      continue;
    }
    // C1 controls (U+0080..U+009F, C2 80..C2 9F): "discouraged" by XML 1.0 §2.2 and parse
    // errors in HTML; shown as "\u0085".
    if (c == 0xC2 && i + 1 < clean.size() && static_cast<unsigned char>(clean[i + 1]) < 0xA0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(clean[i + 1]));
      out += buf;
      ++i;
      continue;
    }
    // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters either.
    if (c == 0xEF && i + 2 < clean.size() && static_cast<unsigned char>(clean[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(clean[i + 2]) & 0xFE) == 0xBE) {
      out += kReplacement;
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t n = sequence_length(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

std::string escape_text(std::string_view text) { return escape(text, false); }
std::string escape_attribute(std::string_view text) { return escape(text, true); }

size_t count_chars(std::string_view text) {
  std::string clean = sanitize_utf8(text);
  size_t n = 0;
  for (char c : clean)
    if (!is_continuation(static_cast<unsigned char>(c))) ++n;
  return n;
}

std::string truncate_chars(std::string_view text, size_t max_chars) {
  std::string clean = sanitize_utf8(text);
  if (count_chars(clean) <= max_chars) return clean;
  if (max_chars == 0) return "";
  size_t keep = max_chars - 1;  // room for the ellipsis
  size_t chars = 0, end = 0;
  while (end < clean.size()) {
    if (!is_continuation(static_cast<unsigned char>(clean[end]))) {
      if (chars == keep) break;
      ++chars;
    }
    ++end;
  }
  return clean.substr(0, end) + "\xE2\x80\xA6";  // U+2026
}

}  // namespace ikesuite::reports
