// A UDP payload received on port 4500 (RFC 3948 §2.2): four zero bytes (the non-ESP marker)
// start an IKE message, which is parsed; anything else is ESP (or a NAT-keepalive) and is not
// the IKE codec's to read.
#include <cstddef>
#include <cstdint>

#include "engine/wire/ikev2/message.h"
#include "engine/wire/reader.h"
#include "fuzz/wire_ikev2/fuzz_check.h"

using namespace ikesuite;
using namespace ikesuite::v2;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wire::Reader r(ByteView(data, size));
  auto marker = r.u32();
  if (!marker.ok() || *marker != 0) return 0;  // ESP (its SPI is never zero) or keepalive
  ByteView ike = r.rest();
  auto m = parse(ike);
  if (!m.ok()) {
    FUZZ_CHECK(m.error().offset().has_value() && *m.error().offset() <= ike.size(), "error offset");
    return 0;
  }
  (void)summary(*m);
  auto bytes = serialize(*m);
  FUZZ_CHECK(bytes.ok() && bytes->size() == ike.size(), "a parsed message serializes");
  return 0;
}
