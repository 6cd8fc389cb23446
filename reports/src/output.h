// Writing report files so that a reader (a CI job collecting JUnit XML, a browser reloading
// the HTML) never sees half of one: a temporary file in the same folder, fsync, rename.
#pragma once

#include <string>

#include "engine/base/result.h"

namespace ikesuite::reports {

// Creates the parent folders as needed.
Status write_file_atomically(const std::string& path, const std::string& content,
                             unsigned mode = 0644);
Result<std::string> read_file(const std::string& path);

}  // namespace ikesuite::reports
