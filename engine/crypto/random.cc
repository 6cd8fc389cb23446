#include "engine/crypto/random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstdlib>

namespace ikesuite::crypto {

void SystemRandom::fill(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    size_t n = out.size() - done;
    if (n > INT_MAX) n = INT_MAX;
    if (RAND_bytes(out.data() + done, static_cast<int>(n)) != 1) std::abort();
    done += n;
  }
}

}  // namespace ikesuite::crypto
