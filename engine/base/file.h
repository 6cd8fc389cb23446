// Writing files so that a crash or a kill never leaves a half-written one behind: reports,
// key tables and scenario results are read by other programs (CI, Wireshark) while a run is
// still going or after it died.
#pragma once

#include <string>

#include "engine/base/result.h"

namespace ikesuite {

// Writes `content` to `path` atomically: a temporary file in the same folder, created with
// exactly `mode` (the umask does not apply: 0600 keeps key material private), written,
// fsync'ed and renamed over `path`, so readers see the old content or the new, never a part.
// With `create_parents`, missing parent folders are created first. Errors name the file and
// the errno text.
Status write_file_atomically(const std::string& path, const std::string& content,
                             unsigned mode = 0644, bool create_parents = false);

}  // namespace ikesuite
