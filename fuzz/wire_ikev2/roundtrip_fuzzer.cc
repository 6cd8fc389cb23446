// The codec's round-trip contract on arbitrary datagrams: whatever parses serializes to a
// message that parses to the same value; re-serializing that is a fixed point; and the strict
// parse accepts exactly the canonical encodings (for which serialize(parse(x)) == x), up to the
// header flags octet, which is kept whole.
#include <cstddef>
#include <cstdint>

#include "engine/wire/ikev2/message.h"
#include "fuzz/wire_ikev2/fuzz_check.h"

using namespace ikesuite;
using namespace ikesuite::v2;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  ParseOptions keep;
  keep.reject_unknown_critical = false;
  auto m1 = parse(input, keep);
  if (!m1.ok()) return 0;
  auto b2 = serialize(*m1);
  FUZZ_CHECK(b2.ok(), "a parsed message serializes");
  auto m2 = parse(*b2, keep);
  FUZZ_CHECK(m2.ok(), "the serialization parses");
  FUZZ_CHECK(*m2 == *m1, "parse(serialize(m)) == m");
  auto b3 = serialize(*m2);
  FUZZ_CHECK(b3.ok() && *b3 == *b2, "canonical re-serialization is a fixed point");

  ParseOptions strict = keep;
  strict.reject_nonzero_reserved = true;
  // The header's flags octet is kept whole (reserved bits included), so it round-trips even
  // where the strict parse rejects it; every other reserved bit is dropped by parse().
  bool canonical = *b2 == Bytes(input.begin(), input.end());
  bool strict_ok = parse(input, strict).ok();
  if (strict_ok) FUZZ_CHECK(canonical, "strict parse accepts only canonical input");
  if (canonical && (m1->header.flags & ~(kFlagInitiator | kFlagResponse)) == 0)
    FUZZ_CHECK(strict_ok, "strict parse accepts canonical input");
  // The engine's options reject only what the decoder's keep: unknown critical payloads.
  auto engine = parse(input);
  if (!engine.ok())
    FUZZ_CHECK(
        engine.error().notify() == static_cast<uint16_t>(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD),
        "engine options reject only unknown critical payloads");
  // Every inner chain an SK payload could carry round-trips too: the summaries accept it.
  (void)summary(*m1);
  return 0;
}
