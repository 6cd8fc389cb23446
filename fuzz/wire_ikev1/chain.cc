// fuzz_ikev1_chain: a decrypted body as the engine hands it to parse_chain(): the first byte
// is the first payload's type (the header's Next Payload), the rest the plaintext, padding
// allowed. What parses must serialize back to the same chain without the padding.
#include <cstddef>
#include <cstdint>

#include "engine/wire/reader.h"
#include "fuzz/wire_ikev1/fuzz_check.h"

using namespace ikesuite;
using namespace ikesuite::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wire::Reader r(ByteView(data, size));
  auto first = r.u8();
  if (!first.ok()) return 0;
  ByteView plain = r.rest();
  ParseOptions options;
  options.allow_padding = true;
  auto chain = parse_chain(static_cast<PayloadType>(*first), plain, Header::kSize, options);
  fuzz::check_error(chain, Header::kSize + plain.size());
  if (!chain.ok()) return 0;
  if (chain->padding > plain.size()) fuzz::fail("more padding than input");
  for (const auto& p : chain->payloads) fuzz::exercise(p.body);
  (void)payload_labels(chain->payloads);
  auto bytes = serialize_chain(chain->payloads);
  if (!bytes.ok()) fuzz::fail("a parsed chain does not serialize:", bytes.error().message());
  // RESERVED bytes are normalized, lengths never: the sizes must agree.
  if (bytes->size() + chain->padding != plain.size()) fuzz::fail("chain size changed");
  PayloadType again_first =
      chain->payloads.empty() ? PayloadType::None : chain->payloads.front().type;
  auto again = parse_chain(again_first, *bytes);
  if (!again.ok()) fuzz::fail("a serialized chain does not parse:", again.error().message());
  if (again->payloads != chain->payloads) fuzz::fail("chain changed through serialize/parse");
  return 0;
}
