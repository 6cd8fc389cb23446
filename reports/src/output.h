// Writing report files so that a reader (a CI job collecting JUnit XML, a browser reloading
// the HTML) never sees half of one: a temporary file in the same folder, fsync, rename.
#pragma once

#include <string>

#include "engine/base/file.h"
#include "engine/base/result.h"

namespace ikesuite::reports {

// Reports are for whoever collects them (mode 0644); parent folders are created as needed.
inline Status write_file_atomically(const std::string& path, const std::string& content,
                                    unsigned mode = 0644) {
  return ikesuite::write_file_atomically(path, content, mode, /*create_parents=*/true);
}
Result<std::string> read_file(const std::string& path);

}  // namespace ikesuite::reports
