// fuzz_ikev1_roundtrip: parse/serialize agreement on whole messages. For every datagram
// that parses, serialize() must succeed, give a message of the same length, and parse back to
// the same value; serializing that value again must give the same bytes.
#include <cstddef>
#include <cstdint>

#include "fuzz/wire_ikev1/fuzz_check.h"

using namespace ikesuite;
using namespace ikesuite::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto m = parse(ByteView(data, size));
  if (!m.ok()) return 0;
  auto bytes = serialize(*m);
  if (!bytes.ok()) fuzz::fail("a parsed message does not serialize:", bytes.error().message());
  // Only RESERVED fields and padding inside the SA differ between an input and its canonical
  // form, never a length.
  if (bytes->size() != size) fuzz::fail("serialized length differs from the input");
  auto again = parse(*bytes);
  if (!again.ok()) fuzz::fail("a serialized message does not parse:", again.error().message());
  if (!(*again == *m)) fuzz::fail("message changed through serialize/parse");
  auto bytes2 = serialize(*again);
  if (!bytes2.ok() || *bytes2 != *bytes) fuzz::fail("serialization is not a fixed point");
  return 0;
}
