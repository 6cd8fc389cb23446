// Helpers shared by the report tests: scratch folders, running external checkers (xmllint,
// chromium), reading files back.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ikesuite::reports::testing {

// A fresh folder under /tmp, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ikesuite-reports-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made) path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline bool have_command(const std::string& name) {
  return run_command("command -v " + name).exit_code == 0;
}

// Fails the test (never skips it) when xmllint is missing: checking the documents with an
// independent parser is the point of these tests.
#define REQUIRE_XMLLINT()                                                                \
  do {                                                                                   \
    if (!::ikesuite::reports::testing::have_command("xmllint"))                          \
      FAIL() << "xmllint is missing: install libxml2-utils (scripts/setup.sh test)";     \
  } while (0)

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline size_t count_of(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

// A folder to keep a test's output in for a person to look at (IKESUITE_REPORTS_KEEP=<dir>),
// or empty.
inline std::string keep_dir() {
  const char* dir = std::getenv("IKESUITE_REPORTS_KEEP");
  if (!dir || !*dir) return "";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return dir;
}

inline std::string source_path(const std::string& relative) {
  return std::string(IKESUITE_SOURCE_DIR) + "/" + relative;
}

}  // namespace ikesuite::reports::testing
