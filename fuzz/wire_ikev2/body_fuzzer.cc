// One payload body of the type IKESUITE_FUZZ_PAYLOAD_TYPE (set per target in CMakeLists.txt).
// Whatever parses must serialize to bytes that parse to the same body, and those bytes must be
// a fixed point of serialize(parse()).
#include <cstddef>
#include <cstdint>

#include "engine/wire/ikev2/message.h"
#include "fuzz/wire_ikev2/fuzz_check.h"

#ifndef IKESUITE_FUZZ_PAYLOAD_TYPE
#error "IKESUITE_FUZZ_PAYLOAD_TYPE must name the payload type"
#endif

using namespace ikesuite;
using namespace ikesuite::v2;

namespace {
constexpr PayloadType kType = static_cast<PayloadType>(IKESUITE_FUZZ_PAYLOAD_TYPE);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  ParseOptions strict;
  strict.reject_nonzero_reserved = true;
  auto body = parse_body(kType, input, 100);
  if (!body.ok()) {
    const Error& e = body.error();
    FUZZ_CHECK(e.offset().has_value() && *e.offset() >= 100 && *e.offset() <= 100 + size,
               "error offset");
    FUZZ_CHECK(!e.context().empty(), "error context");
    FUZZ_CHECK(!parse_body(kType, input, 100, strict).ok(), "strict accepts what lenient rejects");
    return 0;
  }
  FUZZ_CHECK(body_matches(kType, *body), "body alternative");
  auto bytes = serialize_body(*body);
  FUZZ_CHECK(bytes.ok(), "a parsed body serializes");
  FUZZ_CHECK(bytes->size() == size, "re-serialized size");
  auto again = parse_body(kType, *bytes, 100);
  FUZZ_CHECK(again.ok() && *again == *body, "body round trip");
  auto third = serialize_body(*again);
  FUZZ_CHECK(third.ok() && *third == *bytes, "canonical fixed point");
  // Strict parsing accepts exactly the canonical encodings.
  bool canonical = *bytes == Bytes(input.begin(), input.end());
  FUZZ_CHECK(parse_body(kType, input, 100, strict).ok() == canonical, "strict iff canonical");
  return 0;
}
