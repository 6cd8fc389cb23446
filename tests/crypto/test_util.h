// Helpers shared by the crypto tests.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/random.h"
#include "engine/base/result.h"

namespace ikesuite::crypto::testing {

// A Random that hands out a fixed byte string (a known private key or IV), then zeros.
class FixedRandom final : public Random {
 public:
  explicit FixedRandom(Bytes data) : data_(std::move(data)) {}
  void fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = pos_ < data_.size() ? data_[pos_++] : 0;
  }

 private:
  Bytes data_;
  size_t pos_ = 0;
};

inline Bytes str(std::string_view s) {
  return Bytes(s.begin(), s.end());
}
inline Bytes repeat(uint8_t b, size_t n) {
  return Bytes(n, b);
}

// Unwraps a Result in a test; an error fails the test with its message.
template <typename T>
T must(Result<T> r) {
  // Tests may throw: gtest reports the exception as a failure of the running test only.
  if (!r.ok()) throw std::runtime_error(r.error().message());
  return std::move(r).value();
}

// The path of a file under tests/data/crypto/.
inline std::string data_path(std::string_view name) {
  return std::string(IKESUITE_SOURCE_DIR) + "/tests/data/crypto/" + std::string(name);
}

}  // namespace ikesuite::crypto::testing
