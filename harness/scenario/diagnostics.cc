#include "harness/scenario/diagnostics.h"

#include <algorithm>

namespace ikesuite::harness {

std::string Diagnostic::format() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (severity == Severity::kWarning) out += "warning: ";
  if (line > 0) out += json_pointer_display(pointer) + ": ";
  out += message;
  return out;
}

size_t LoadResult::errors() const {
  return static_cast<size_t>(std::count_if(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  }));
}

size_t LoadResult::warnings() const { return diagnostics.size() - errors(); }

namespace detail {

TextPosition Collector::position_of(std::string_view pointer, bool at_key) const {
  if (!positions_) return {};
  if (at_key) {
    if (auto k = positions_->key(pointer)) return *k;
  }
  return positions_->locate(pointer);
}

void Collector::add(Severity severity, std::string_view pointer, TextPosition position,
                    bool has_position, std::string message) {
  auto key = std::make_tuple(static_cast<int>(severity), std::string(pointer), message);
  if (!seen_.insert(key).second) return;  // %default values are checked once per conn
  if (severity == Severity::kError) ++errors_;
  Diagnostic d;
  d.severity = severity;
  d.file = file_;
  if (has_position) {
    d.line = position.line;
    d.column = position.column;
  }
  d.pointer = std::string(pointer);
  d.message = std::move(message);
  list_.push_back(std::move(d));
}

void Collector::error(std::string_view pointer, std::string message) {
  add(Severity::kError, pointer, position_of(pointer, false), true, std::move(message));
}

void Collector::value_error(std::string_view pointer, std::string message) {
  if (schema_pointers_.count(std::string(pointer))) return;
  error(pointer, std::move(message));
}

void Collector::key_error(std::string_view pointer, std::string message) {
  // An unknown key is the schema's to report; "does not apply" would say it twice.
  if (schema_pointers_.count(std::string(pointer))) return;
  add(Severity::kError, pointer, position_of(pointer, true), true, std::move(message));
}

void Collector::schema_error(std::string_view pointer, bool at_key, std::string message) {
  schema_pointers_.insert(std::string(pointer));
  add(Severity::kError, pointer, position_of(pointer, at_key), true, std::move(message));
}

void Collector::warning(std::string_view pointer, std::string message) {
  add(Severity::kWarning, pointer, position_of(pointer, false), true, std::move(message));
}

void Collector::error_at(TextPosition position, std::string message) {
  add(Severity::kError, "", position, true, std::move(message));
}

void Collector::error_without_position(std::string message) {
  add(Severity::kError, "", {}, false, std::move(message));
}

SourceRef Collector::source(std::string_view pointer) const {
  TextPosition p = position_of(pointer, false);
  return SourceRef{std::string(pointer), p.line, p.column};
}

std::vector<Diagnostic> Collector::finish(size_t* suppressed) {
  std::stable_sort(list_.begin(), list_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::vector<Diagnostic> out;
  size_t errors = 0, dropped = 0;
  for (auto& d : list_) {
    if (d.severity == Severity::kError && errors >= max_errors_) {
      ++dropped;
      continue;
    }
    if (d.severity == Severity::kError) ++errors;
    out.push_back(std::move(d));
  }
  if (suppressed) *suppressed = dropped;
  return out;
}

}  // namespace detail
}  // namespace ikesuite::harness
