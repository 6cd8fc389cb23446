// fuzz_ikev1_<payload>: one payload body (the bytes after the generic payload header) of the
// type IKEV1_FUZZ_PAYLOAD_TYPE, set per target in CMakeLists.txt.
#include <cstddef>
#include <cstdint>

#include "fuzz/wire_ikev1/fuzz_check.h"

#ifndef IKEV1_FUZZ_PAYLOAD_TYPE
#error "IKEV1_FUZZ_PAYLOAD_TYPE must name the payload type to fuzz"
#endif

using namespace ikesuite;
using namespace ikesuite::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr auto kType = static_cast<PayloadType>(IKEV1_FUZZ_PAYLOAD_TYPE);
  auto body = parse_body(kType, ByteView(data, size));
  fuzz::check_error(body, size);
  if (body.ok()) fuzz::check_body(kType, *body);
  return 0;
}
