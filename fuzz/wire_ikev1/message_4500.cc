// fuzz_ikev1_message_4500: a UDP payload received on port 4500 (RFC 3948 §2.2). Four zero
// bytes (the non-ESP marker) precede an IKE message; anything else is ESP or a NAT-keepalive
// and is none of the codec's business.
#include <cstddef>
#include <cstdint>

#include "engine/wire/reader.h"
#include "fuzz/wire_ikev1/fuzz_check.h"

using namespace ikesuite;
using namespace ikesuite::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wire::Reader r(ByteView(data, size));
  auto marker = r.u32();
  if (!marker.ok() || *marker != 0) return 0;  // ESP (non-zero SPI) or keepalive
  ByteView ike = r.rest();
  auto m = parse(ike);
  fuzz::check_error(m, ike.size());
  if (!m.ok()) return 0;
  for (const auto& p : m->payloads) fuzz::exercise(p.body);
  (void)summary(*m, Direction::Response);
  return 0;
}
