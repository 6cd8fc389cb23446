// The IKEv2 engine under the fuzzer: every input is a program (program.h) run in a fresh,
// deterministic two-host World (driver.h), which traps on the first broken invariant.
// IKESUITE_FUZZ_LOG=1 in the environment prints both engines' logs (to read a reproducer).
//
// libFuzzer's entropic scheduling (its default) spends most of this target's time updating
// feature frequencies: one execution of a program touches tens of thousands of features.
// Without it the target runs about four times as many inputs per second and reaches more
// coverage in the same time, so LLVMFuzzerInitialize adds -entropic=0 unless the command line
// chooses otherwise (libFuzzer parses its flags after this hook, from the argv it leaves).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "fuzz/ikev2_engine/driver.h"

namespace {

class StderrLogger final : public ikesuite::Logger {
 public:
  void log(ikesuite::LogGroup, int level, std::string_view text) override {
    if (level <= 2) std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
  }
  bool enabled(ikesuite::LogGroup, int level) const override { return level <= 2; }
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  static char entropic_off[] = "-entropic=0";
  static std::vector<char*> args;
  for (int i = 1; i < *argc; ++i)
    if (std::strncmp((*argv)[i], "-entropic=", 10) == 0) return 0;
  args.assign(*argv, *argv + *argc);
  // After the program name: flags and inputs may come in any order.
  args.insert(args.begin() + 1, entropic_off);
  args.push_back(nullptr);
  *argc = static_cast<int>(args.size()) - 1;
  *argv = args.data();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool verbose = std::getenv("IKESUITE_FUZZ_LOG") != nullptr;
  static StderrLogger logger;
  ikesuite::ikev2::fuzz::WorldOptions options;
  options.trap = true;
  if (verbose) options.log = &logger;
  (void)ikesuite::ikev2::fuzz::run(ikesuite::ByteView(data, size), options);
  return 0;
}
