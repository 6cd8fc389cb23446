// Helpers shared by the pcap tests: scratch folders, running tshark.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ikesuite::pcap::testing {

// A fresh folder under /tmp, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ikesuite-pcap-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made) path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
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

inline bool have_tshark() { return run_command("command -v tshark").exit_code == 0; }

// Fails the test (never skips it) when tshark is missing: the checks against Wireshark's own
// dissectors are the point of these tests.
#define REQUIRE_TSHARK()                                                                 \
  do {                                                                                   \
    if (!::ikesuite::pcap::testing::have_tshark())                                       \
      FAIL() << "tshark is missing: install it (scripts/setup.sh test)";                 \
  } while (0)

// tshark -V over `capture` with the key tables (and preferences) of `config_dir`.
inline CommandResult tshark_verbose(const std::string& config_dir, const std::string& capture,
                                    const std::string& extra = "") {
  return run_command("WIRESHARK_CONFIG_DIR='" + config_dir + "' tshark -n -r '" + capture +
                     "' -V " + extra);
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline size_t count_of(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

}  // namespace ikesuite::pcap::testing
