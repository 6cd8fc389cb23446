// Runs fuzz inputs of the IKEv2 engine fuzzer outside libFuzzer, to read what they do: the
// decoded program, both engines' logs (with -v) and every broken invariant.
//
//   replay_ikev2_engine [-v] file...
// Exit status: 0 when no input breaks an invariant, 1 otherwise.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

#include "fuzz/ikev2_engine/driver.h"

using namespace ikesuite;
using namespace ikesuite::ikev2::fuzz;

namespace {

class PrintLogger final : public Logger {
 public:
  void log(LogGroup, int level, std::string_view text) override {
    if (level <= 2) std::printf("    %.*s\n", static_cast<int>(text.size()), text.data());
  }
  bool enabled(LogGroup, int level) const override { return level <= 2; }
};

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  int failed = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0) {
      verbose = true;
      continue;
    }
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot read\n", argv[i]);
      failed = 1;
      continue;
    }
    Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Program p = decode(data);
    std::printf("%s: %zu bytes, start %s%s, variant 0x%02x, %zu operations\n", argv[i],
                data.size(), std::string(name(p.start)).c_str(),
                p.swap_roles ? " (roles swapped)" : "", p.variant, p.ops.size());
    PrintLogger logger;
    WorldOptions options;
    if (verbose) options.log = &logger;
    World world(p.start, p.swap_roles, p.variant, options);
    size_t n = 0;
    for (const Op& op : p.ops) {
      std::printf("  #%zu %s\n", ++n, describe(op).c_str());
      world.apply(op);
      world.check();
    }
    world.finish();
    for (const auto& v : world.violations()) std::printf("  VIOLATION %s\n", v.c_str());
    if (!world.violations().empty()) failed = 1;
  }
  return failed;
}
