// Writes the seed corpus of the IKEv2 engine fuzzer (fuzz/corpus/ikev2_engine/): programs
// recorded from real exchanges between the two engines (seeds.h), one file per seed, named
// after it. Deterministic: running it twice gives the same files, so the committed seeds only
// change when the engine or the scripts do.
//
//   gen_corpus_ikev2_engine [repository root]     (default: the source tree it was built from)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz/ikev2_engine/driver.h"
#include "tests/ikev2_fuzz/seeds.h"

namespace fs = std::filesystem;
using namespace ikesuite;
using namespace ikesuite::ikev2::fuzz;

int main(int argc, char** argv) {
  fs::path root = argc > 1 ? fs::path(argv[1]) : fs::path(IKESUITE_SOURCE_DIR);
  fs::path dir = root / "fuzz" / "corpus" / "ikev2_engine";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 1;
  }
  // The generator owns the seeds it names "NNN-..."; anything else in the folder (inputs a
  // campaign found and someone kept) stays.
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() > 4 && name[3] == '-' &&
        name.find_first_not_of("0123456789") == 3)
      fs::remove(entry.path());
  }
  int n = 0;
  int failures = 0;
  auto write = [&](const std::string& name, const Program& program) {
    Bytes data = encode(program);
    Outcome outcome = run(data);
    for (const auto& v : outcome.violations)
      std::fprintf(stderr, "%s: %s\n", name.c_str(), v.c_str());
    failures += outcome.violations.empty() ? 0 : 1;
    char prefix[8];
    std::snprintf(prefix, sizeof prefix, "%03d-", n++);
    std::ofstream out(dir / (prefix + name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    std::printf("%s%s: %zu operations, %zu bytes\n", prefix, name.c_str(), program.ops.size(),
                data.size());
  };
  for (const SeedSpec& spec : seed_specs()) write(spec.name, record(spec));
  for (const auto& [name, program] : synthetic_programs()) write(name, program);
  if (failures) std::fprintf(stderr, "%d seeds break an invariant\n", failures);
  return 0;
}
