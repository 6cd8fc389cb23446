// A decrypted SK payload: the first byte names the first inner payload type, the rest is the
// chain. Whatever parses must serialize back to a chain that parses to the same payloads.
#include <cstddef>
#include <cstdint>

#include "engine/wire/ikev2/message.h"
#include "engine/wire/reader.h"
#include "fuzz/wire_ikev2/fuzz_check.h"

using namespace ikesuite;
using namespace ikesuite::v2;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wire::Reader r(ByteView(data, size));
  auto first = r.u8();
  if (!first.ok()) return 0;
  ByteView chain = r.rest();
  PayloadType type = static_cast<PayloadType>(*first);
  auto payloads = parse_chain(type, chain, 28);
  if (!payloads.ok()) {
    FUZZ_CHECK(
        payloads.error().offset().has_value() && *payloads.error().offset() <= 28 + chain.size(),
        "error offset");
    return 0;
  }
  FUZZ_CHECK(payloads->empty() ? type == PayloadType::None : payloads->front().type == type,
             "first type");
  auto bytes = serialize_chain(*payloads);
  FUZZ_CHECK(bytes.ok(), "a parsed chain serializes");
  FUZZ_CHECK(bytes->size() == chain.size(), "re-serialized size");
  auto again = parse_chain(type, *bytes, 28);
  FUZZ_CHECK(again.ok() && *again == *payloads, "chain round trip");
  return 0;
}
