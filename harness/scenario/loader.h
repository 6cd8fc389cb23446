// Loading a scenario file: JSON syntax, then the JSON Schema (scenarios/schema.json, built
// into the library), then the semantic checks, each error located by file, line, column and
// JSON pointer:
//
//   scenarios/ikev2/bad-psk.json:23:7: /hosts/moon/conns/home/ike: unknown algorithm 'aes257'
//
// Every error of a file is reported (up to LoadOptions::max_errors), not just the first. A
// scenario comes back only when there is no error; warnings (likely mistakes that can be
// meant, such as a PSK connection without a PSK) do not stop it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness {

enum class Severity : uint8_t { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;  // 0: no position (the file could not be read)
  int column = 0;
  std::string pointer;  // JSON pointer; "" is the root
  std::string message;
  // "file:line:col: /pointer: message", with "warning: " before the pointer for warnings.
  std::string format() const;
};

// Which proposal list a proposal string comes from.
enum class ProposalKind : uint8_t { kIke, kEsp, kAh };
std::string_view name(ProposalKind k);

// Validates one proposal (strongSwan syntax, e.g. "aes256-sha256-modp2048", a trailing '!'
// removed) for a connection of `version`. The error's reason is reported as is, e.g.
// "unknown algorithm 'aes257'".
using ProposalCheck =
    std::function<Status(ProposalKind kind, IkeVersion version, std::string_view proposal)>;

// The check used when none is installed: strongSwan's token syntax only (lowercase
// alphanumeric algorithm keywords joined by '-'), no knowledge of algorithms.
Status check_proposal_syntax(ProposalKind kind, IkeVersion version, std::string_view proposal);

struct LoadOptions {
  // Installed by the runner or the CLI (engine/crypto's parser); empty: check_proposal_syntax.
  ProposalCheck proposal_check;
  // Stop collecting errors after this many (a note says how many more were suppressed).
  size_t max_errors = 50;
  // Whether certificate, key and CA files named by the scenario must exist.
  bool check_files = false;
  // A schema file to use instead of the built-in copy of scenarios/schema.json.
  std::string schema_path;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set when there is no error
  std::vector<Diagnostic> diagnostics;
  size_t suppressed = 0;  // errors beyond max_errors, not listed

  bool ok() const { return scenario.has_value(); }
  size_t errors() const;
  size_t warnings() const;
};

// Loads and validates a scenario file. Relative paths inside it (certificates, keys) are
// resolved against the file's directory.
LoadResult load_scenario(const std::string& path, const LoadOptions& options = {});

// The same for text in memory: `file` is the name diagnostics show, `directory` where
// relative paths resolve.
LoadResult load_scenario_text(std::string_view text, const std::string& file,
                              const std::string& directory, const LoadOptions& options = {});

// The JSON Schema built into the library (scenarios/schema.json at build time).
std::string_view builtin_schema();

}  // namespace ikesuite::harness
