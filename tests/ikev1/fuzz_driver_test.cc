// The IKEv1 engine fuzzer's driver in the normal build: the programs reach the states they
// name, and every program of the seed corpus (fuzz/corpus/ikev1_engine/) and of the fixed
// crash reproducers (fuzz/corpus/ikev1_engine_crashes/, when present) keeps every invariant.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/ikev1_engine/driver.h"

namespace ikesuite::ikev1::fuzz {
namespace {

Bytes program(std::initializer_list<uint8_t> b) { return Bytes(b); }

TEST(Ikev1FuzzDriver, StartingPointsAreRealExchanges) {
  EXPECT_EQ(run(program({0, 0})).established, 0u);
  EXPECT_EQ(run(program({4, 0})).established, 0u);
  EXPECT_EQ(run(program({9, 0})).established, 1u);
  EXPECT_EQ(run(program({255, 0x01})).established, 1u);  // Aggressive Mode
  EXPECT_EQ(run(program({255, 0x06})).established, 1u);  // PFS, NAT-T
  EXPECT_EQ(run(program({255, 0x18})).established, 1u);  // transport mode, DPD
}

TEST(Ikev1FuzzDriver, OperationsKeepInvariants) {
  // Established, then: a sealed INFORMATIONAL with a correct HASH and an N(R-U-THERE)-like
  // body, an hour of time, a rekey, an SA backend failure, a reset.
  Outcome o = run(program({9, 0x02, 2, 0, 3, 0x01, 0, 0, 0, 7, 11, 4, 0, 0, 0, 0, 3, 200, 4, 0,
                           1, 5, 1, 1, 1, 0, 3, 40, 4, 1, 5, 3, 250}));
  EXPECT_TRUE(o.violation.empty()) << o.violation;
  EXPECT_GE(o.ops, 7u);
}

class TextLogger final : public Logger {
 public:
  void log(LogGroup, int, std::string_view text) override { all += std::string(text) + "\n"; }
  bool enabled(LogGroup, int level) const override { return level <= 4; }
  std::string all;
};

TEST(Ikev1FuzzDriver, SealedChainsReachTheHandlers) {
  // N(R-U-THERE) (RFC 3706) for the ISAKMP SA, sealed with sun's keys and a correct HASH.
  Bytes p = {9, 0, 2, 0, 3, 0x01, 0, 0, 0x12, 0x34, 11, 28, 0, 0, 0, 0x20, 0, 0, 0, 1, 1, 16,
             0x8d, 0x28};
  for (int i = 0; i < 16; ++i) p.push_back(static_cast<uint8_t>(i));
  for (uint8_t b : {0, 0, 0, 1}) p.push_back(b);
  p[11] = static_cast<uint8_t>(p.size() - 12);
  TextLogger log;
  Options options;
  options.log = &log;
  Outcome o = run(p, options);
  EXPECT_TRUE(o.violation.empty()) << o.violation;
  EXPECT_NE(log.all.find("parsed INFORMATIONAL_V1 request 4660 [ HASH N(DPD) ]"),
            std::string::npos)
      << log.all;
}

TEST(Ikev1FuzzDriver, CorpusKeepsInvariants) {
  size_t files = 0;
  for (const char* dir : {"fuzz/corpus/ikev1_engine", "fuzz/corpus/ikev1_engine_crashes"}) {
    std::filesystem::path root = std::filesystem::path(IKESUITE_SOURCE_DIR) / dir;
    if (!std::filesystem::exists(root)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream f(entry.path(), std::ios::binary);
      Bytes data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      Outcome o = run(data);
      EXPECT_TRUE(o.violation.empty()) << entry.path() << ": " << o.violation;
      ++files;
    }
  }
  EXPECT_GT(files, 10u);
}

}  // namespace
}  // namespace ikesuite::ikev1::fuzz
