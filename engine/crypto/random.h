// The system random source for real runs. Simulated runs pass a SeededRandom instead (see
// engine/base/random.h); every key, nonce and IV in engine/crypto is drawn from the Random the
// caller hands in, so a seeded run is reproducible byte for byte.
#pragma once

#include "engine/base/random.h"

namespace ikesuite::crypto {

// OpenSSL's DRBG (RAND_bytes). Aborts if the DRBG cannot be seeded: running without entropy
// would silently produce guessable keys.
class SystemRandom final : public Random {
 public:
  void fill(std::span<uint8_t> out) override;
};

}  // namespace ikesuite::crypto
