// The IKEv1 engine under the fuzzer: every input is a program (driver.h) run in a fresh,
// deterministic two-host world, which aborts on the first broken invariant.
// IKESUITE_FUZZ_LOG=1 in the environment prints both engines' logs (to read a reproducer).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/ikev1_engine/driver.h"

namespace {

class StderrLogger final : public ikesuite::Logger {
 public:
  void log(ikesuite::LogGroup, int level, std::string_view text) override {
    if (level <= 2) std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
  }
  bool enabled(ikesuite::LogGroup, int level) const override { return level <= 2; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool verbose = std::getenv("IKESUITE_FUZZ_LOG") != nullptr;
  static StderrLogger logger;
  ikesuite::ikev1::fuzz::Options options;
  options.trap = true;
  if (verbose) options.log = &logger;
  (void)ikesuite::ikev1::fuzz::run(ikesuite::ByteView(data, size), options);
  return 0;
}
