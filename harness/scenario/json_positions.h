// Source positions for JSON values. nlohmann::json keeps no positions, so the loader runs this
// small tokenizer over the same text: it maps every JSON pointer (RFC 6901) to the line and
// column where its value starts and, for object members, where its key starts. It also finds
// what nlohmann silently accepts but a scenario must not contain: duplicate keys.
//
// Lines and columns are 1-based; columns count characters (UTF-8 code points), as editors
// show them. A byte-order mark at the start is skipped.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ikesuite::harness {

struct TextPosition {
  int line = 1;
  int column = 1;
  bool operator==(const TextPosition&) const = default;
};

// RFC 6901 pointer helpers.
std::string json_pointer_escape(std::string_view token);  // "~" -> "~0", "/" -> "~1"
std::string json_pointer_append(std::string_view pointer, std::string_view token);
std::string json_pointer_append(std::string_view pointer, size_t index);
std::string json_pointer_parent(std::string_view pointer);  // "" for "" and "/a"
std::vector<std::string> json_pointer_tokens(std::string_view pointer);  // unescaped
// The pointer for display: "/" for the root, the pointer otherwise.
std::string json_pointer_display(std::string_view pointer);

class JsonPositions {
 public:
  struct DuplicateKey {
    std::string pointer;  // of the member that repeats an earlier key
    TextPosition position;  // of the repeated key
    TextPosition first;     // of the key's first occurrence
  };

  // Indexes `text`. On text that is not valid JSON it indexes what it could read before the
  // error and reports the error's position (the loader gets the message from nlohmann).
  static JsonPositions index(std::string_view text);

  // Where the value at `pointer` starts, if the text has it.
  std::optional<TextPosition> value(std::string_view pointer) const;
  // Where the key of the member at `pointer` starts (objects members only).
  std::optional<TextPosition> key(std::string_view pointer) const;
  // The value's position, or that of the nearest ancestor the text has (a missing key is
  // reported at the object that lacks it). Never fails: the root is at least at 1:1.
  TextPosition locate(std::string_view pointer) const;
  // The position of a byte offset into the text.
  TextPosition at_offset(size_t offset) const;

  const std::vector<DuplicateKey>& duplicate_keys() const { return duplicates_; }
  // Where the tokenizer stopped on invalid text (or on nesting deeper than 512 levels).
  std::optional<TextPosition> syntax_error() const { return syntax_error_; }

 private:
  struct Entry {
    TextPosition value;
    std::optional<TextPosition> key;
  };
  std::unordered_map<std::string, Entry> entries_;
  std::vector<DuplicateKey> duplicates_;
  std::optional<TextPosition> syntax_error_;
  std::vector<size_t> line_starts_;  // byte offsets where each line begins
  std::string text_;                 // kept for at_offset() column counting
  friend class JsonTokenizer;
};

}  // namespace ikesuite::harness
