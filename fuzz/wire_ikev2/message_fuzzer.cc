// A whole IKEv2 datagram (UDP port 500): parse it with the engine's options and with the
// decoder's, summarize what parses, and serialize it again (anything that parses must).
#include <cstddef>
#include <cstdint>

#include "engine/wire/ikev2/message.h"
#include "fuzz/wire_ikev2/fuzz_check.h"

using namespace ikesuite;
using namespace ikesuite::v2;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  ParseOptions decoder;
  decoder.reject_unknown_critical = false;
  for (const ParseOptions& options : {ParseOptions{}, decoder}) {
    auto m = parse(input, options);
    if (!m.ok()) {
      // Every failure says where: an offset inside the datagram.
      FUZZ_CHECK(m.error().offset().has_value() && *m.error().offset() <= size, "error offset");
      (void)m.error().message();
      continue;
    }
    (void)summary(*m);
    auto bytes = serialize(*m);
    FUZZ_CHECK(bytes.ok(), "a parsed message serializes");
    FUZZ_CHECK(bytes->size() == size, "re-serialized size");
  }
  return 0;
}
