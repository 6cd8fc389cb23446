#include "engine/base/random.h"

#include <gtest/gtest.h>

namespace ikesuite {
namespace {

TEST(SeededRandom, ReproducibleFromSeed) {
  SeededRandom a(42), b(42), c(43);
  EXPECT_EQ(a.bytes(37), b.bytes(37));
  EXPECT_NE(SeededRandom(42).bytes(16), c.bytes(16));
}

TEST(SeededRandom, UniformStaysInBounds) {
  SeededRandom r(1);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_LT(r.uniform(7), 7u);
    double u = r.unit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
  EXPECT_EQ(r.uniform(0), 0u);
}

TEST(SeededRandom, ForksAreIndependent) {
  SeededRandom r(5);
  auto f1 = r.fork(1);
  auto f2 = r.fork(1);
  EXPECT_NE(f1.bytes(8), f2.bytes(8));
}

}  // namespace
}  // namespace ikesuite
