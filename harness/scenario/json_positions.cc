#include "harness/scenario/json_positions.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace ikesuite::harness {

std::string json_pointer_escape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string json_pointer_append(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out += '/';
  out += json_pointer_escape(token);
  return out;
}

std::string json_pointer_append(std::string_view pointer, size_t index) {
  std::string out(pointer);
  out += '/';
  out += std::to_string(index);
  return out;
}

std::string json_pointer_parent(std::string_view pointer) {
  auto slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return "";
  return std::string(pointer.substr(0, slash));
}

std::vector<std::string> json_pointer_tokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  size_t start = 1;  // skip the leading '/'
  while (true) {
    size_t end = pointer.find('/', start);
    std::string_view raw =
        pointer.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return tokens;
}

std::string json_pointer_display(std::string_view pointer) {
  return pointer.empty() ? std::string("/") : std::string(pointer);
}

// A recursive-descent reader of RFC 8259 JSON that records positions instead of building
// values. It stops at the first syntax error; nlohmann has already rejected such text with
// its own message, so only the position matters here.
class JsonTokenizer {
 public:
  JsonTokenizer(std::string_view text, JsonPositions& out) : text_(text), out_(out) {}

  void run() {
    if (text_.size() >= 3 && static_cast<uint8_t>(text_[0]) == 0xef &&
        static_cast<uint8_t>(text_[1]) == 0xbb && static_cast<uint8_t>(text_[2]) == 0xbf) {
      pos_ = 3;  // a UTF-8 byte-order mark is not a character of the first line
    }
    skip_ws();
    if (!value("", 0)) return;
    skip_ws();
    if (pos_ != text_.size()) fail();
  }

 private:
  // Objects and arrays nested deeper than this are reported as an error rather than
  // risking the stack; no scenario comes close.
  static constexpr int kMaxDepth = 512;

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void advance() {
    if (at_end()) return;
    auto c = static_cast<uint8_t>(text_[pos_]);
    ++pos_;
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xc0) != 0x80) {
      // Count lead bytes only, so a multi-byte UTF-8 character is one column.
      ++column_;
    }
  }

  TextPosition here() const { return {line_, column_}; }

  void skip_ws() {
    while (!at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else {
        break;
      }
    }
  }

  bool fail() {
    if (!out_.syntax_error_) out_.syntax_error_ = here();
    return false;
  }

  bool value(const std::string& pointer, int depth) {
    if (depth > kMaxDepth) return fail();
    auto& entry = out_.entries_[pointer];
    entry.value = here();
    switch (peek()) {
      case '{': return object(pointer, depth);
      case '[': return array(pointer, depth);
      case '"': return string(nullptr);
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  bool object(const std::string& pointer, int depth) {
    advance();  // '{'
    skip_ws();
    if (peek() == '}') {
      advance();
      return true;
    }
    std::unordered_map<std::string, TextPosition> seen;
    while (true) {
      skip_ws();
      if (peek() != '"') return fail();
      TextPosition key_pos = here();
      std::string key;
      if (!string(&key)) return false;
      skip_ws();
      if (peek() != ':') return fail();
      advance();
      skip_ws();
      std::string member = json_pointer_append(pointer, key);
      auto [it, fresh] = seen.emplace(key, key_pos);
      if (!fresh) out_.duplicates_.push_back({member, key_pos, it->second});
      if (!value(member, depth + 1)) return false;
      // For a repeated key, nlohmann keeps the last value; so do the positions.
      out_.entries_[member].key = key_pos;
      skip_ws();
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() == '}') {
        advance();
        return true;
      }
      return fail();
    }
  }

  bool array(const std::string& pointer, int depth) {
    advance();  // '['
    skip_ws();
    if (peek() == ']') {
      advance();
      return true;
    }
    for (size_t index = 0;; ++index) {
      skip_ws();
      if (!value(json_pointer_append(pointer, index), depth + 1)) return false;
      skip_ws();
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() == ']') {
        advance();
        return true;
      }
      return fail();
    }
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  bool hex4(uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return fail();
      }
      out = out << 4 | digit;
      advance();
    }
    return true;
  }

  // Reads a string; when `decoded` is given, stores its value (escapes resolved, so keys
  // match nlohmann's).
  bool string(std::string* decoded) {
    advance();  // opening quote
    while (true) {
      if (at_end()) return fail();
      char c = peek();
      if (c == '"') {
        advance();
        return true;
      }
      if (static_cast<uint8_t>(c) < 0x20) return fail();
      if (c != '\\') {
        if (decoded) *decoded += c;
        advance();
        continue;
      }
      advance();  // backslash
      char e = peek();
      char plain = 0;
      switch (e) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': break;
        default: return fail();
      }
      advance();
      if (e != 'u') {
        if (decoded) *decoded += plain;
        continue;
      }
      uint32_t cp;
      if (!hex4(cp)) return false;
      if (cp >= 0xd800 && cp <= 0xdbff) {
        // RFC 8259 §7: a character outside the BMP is a surrogate pair of \u escapes.
        if (peek() != '\\') return fail();
        advance();
        if (peek() != 'u') return fail();
        advance();
        uint32_t low;
        if (!hex4(low)) return false;
        if (low < 0xdc00 || low > 0xdfff) return fail();
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
      } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        return fail();
      }
      if (decoded) append_utf8(*decoded, cp);
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return fail();
    for (size_t i = 0; i < word.size(); ++i) advance();
    return true;
  }

  bool digits() {
    if (!(peek() >= '0' && peek() <= '9')) return fail();
    while (peek() >= '0' && peek() <= '9') advance();
    return true;
  }

  bool number() {
    if (peek() == '-') advance();
    if (peek() == '0') {
      advance();
    } else if (!digits()) {
      return false;
    }
    if (peek() == '.') {
      advance();
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      advance();
      if (peek() == '+' || peek() == '-') advance();
      if (!digits()) return false;
    }
    return true;
  }

  std::string_view text_;
  JsonPositions& out_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

JsonPositions JsonPositions::index(std::string_view text) {
  JsonPositions positions;
  positions.text_ = std::string(text);
  positions.line_starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') positions.line_starts_.push_back(i + 1);
  JsonTokenizer(text, positions).run();
  return positions;
}

std::optional<TextPosition> JsonPositions::value(std::string_view pointer) const {
  auto it = entries_.find(std::string(pointer));
  if (it == entries_.end()) return std::nullopt;
  return it->second.value;
}

std::optional<TextPosition> JsonPositions::key(std::string_view pointer) const {
  auto it = entries_.find(std::string(pointer));
  if (it == entries_.end()) return std::nullopt;
  return it->second.key;
}

TextPosition JsonPositions::locate(std::string_view pointer) const {
  std::string p(pointer);
  while (true) {
    if (auto v = value(p)) return *v;
    if (p.empty()) return TextPosition{};
    p = json_pointer_parent(p);
  }
}

TextPosition JsonPositions::at_offset(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line_index = static_cast<size_t>(it - line_starts_.begin()) - 1;
  size_t start = line_starts_[line_index];
  // Skip a byte-order mark on the first line, as the tokenizer does.
  if (line_index == 0 && text_.size() >= 3 && text_.compare(0, 3, "\xef\xbb\xbf") == 0 &&
      offset >= 3)
    start = 3;
  int column = 1;
  for (size_t i = start; i < offset; ++i)
    if ((static_cast<uint8_t>(text_[i]) & 0xc0) != 0x80) ++column;
  return {static_cast<int>(line_index) + 1, column};
}

}  // namespace ikesuite::harness
