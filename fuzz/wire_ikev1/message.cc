// fuzz_ikev1_message: a whole ISAKMP datagram as received on UDP 500.
#include <cstddef>
#include <cstdint>

#include "fuzz/wire_ikev1/fuzz_check.h"

using namespace ikesuite;
using namespace ikesuite::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  auto m = parse(input);
  fuzz::check_error(m, size);
  if (!m.ok()) return 0;
  for (const auto& p : m->payloads) fuzz::exercise(p.body);
  (void)summary(*m, Direction::Request);
  if (m->encrypted()) {
    // What the engine does with a decrypted body: here the "plaintext" is the ciphertext
    // itself, which exercises the padding-tolerant chain parser on arbitrary bytes.
    ParseOptions padded;
    padded.allow_padding = true;
    auto chain = parse_chain(m->header.next_payload, m->encrypted_body, Header::kSize, padded);
    fuzz::check_error(chain, size);
    if (chain.ok()) (void)summary(*m, Direction::Response, &chain->payloads);
  }
  return 0;
}
