// Randomness is passed in, never global: a seeded generator makes a simulated run
// reproducible byte for byte (nonces, SPIs, cookies, DH private values), and the system
// generator (OpenSSL's DRBG, in engine/crypto) serves real runs.
#pragma once

#include <cstdint>
#include <span>

#include "engine/base/bytes.h"

namespace ikesuite {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<uint8_t> out) = 0;

  Bytes bytes(size_t n);
  uint32_t next_u32();
  uint64_t next_u64();
  // Uniform in [0, bound); 0 when bound is 0.
  uint64_t uniform(uint64_t bound);
  // Uniform in [0, 1).
  double unit();
};

// Deterministic generator (xoshiro256** seeded through splitmix64). Not for real keys: it is
// what makes sim runs and fuzz runs reproducible.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed);
  void fill(std::span<uint8_t> out) override;
  // An independent stream derived from this one (one per host, per link, ...).
  SeededRandom fork(uint64_t label);

 private:
  uint64_t next();
  uint64_t s_[4];
};

}  // namespace ikesuite
