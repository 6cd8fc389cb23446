// The loader's collector of diagnostics: locates each one through the position index,
// drops repeats, keeps at most a limit and sorts them by position at the end. Internal to
// harness/scenario (the public type is Diagnostic in loader.h).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "harness/scenario/json_positions.h"
#include "harness/scenario/loader.h"

namespace ikesuite::harness::detail {

class Collector {
 public:
  Collector(std::string file, const JsonPositions* positions, size_t max_errors)
      : file_(std::move(file)), positions_(positions), max_errors_(max_errors) {}

  // An error about the value at `pointer` (reported where the value starts).
  void error(std::string_view pointer, std::string message);
  // An error about the value at `pointer` that the schema may already have reported: it is
  // dropped when a schema error names the same pointer.
  void value_error(std::string_view pointer, std::string message);
  // An error about the key of the member at `pointer` (reported where the key starts).
  void key_error(std::string_view pointer, std::string message);
  // An error found by the schema.
  void schema_error(std::string_view pointer, bool at_key, std::string message);
  void warning(std::string_view pointer, std::string message);
  // An error at an explicit position (syntax errors), or with none (unreadable file).
  void error_at(TextPosition position, std::string message);
  void error_without_position(std::string message);

  SourceRef source(std::string_view pointer) const;
  size_t errors() const { return errors_; }
  // The diagnostics sorted by position, errors beyond the limit cut off.
  std::vector<Diagnostic> finish(size_t* suppressed);

 private:
  void add(Severity severity, std::string_view pointer, TextPosition position, bool has_position,
           std::string message);
  TextPosition position_of(std::string_view pointer, bool at_key) const;

  std::string file_;
  const JsonPositions* positions_;
  size_t max_errors_;
  size_t errors_ = 0;
  std::vector<Diagnostic> list_;
  std::set<std::tuple<int, std::string, std::string>> seen_;
  std::set<std::string> schema_pointers_;
};

}  // namespace ikesuite::harness::detail
