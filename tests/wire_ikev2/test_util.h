// Helpers shared by the IKEv2 codec tests: error assertions with the code, offset, context and
// notify a codec error must carry, truncation sweeps, and round-trip checks.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/wire/ikev2/message.h"

namespace ikesuite::v2::testing {

inline constexpr uint16_t kInvalidSyntax = static_cast<uint16_t>(NotifyType::INVALID_SYNTAX);

inline std::string context_of(const Error& e) {
  std::string out;
  for (const auto& c : e.context()) out += (out.empty() ? "" : " > ") + c;
  return out;
}

// The error carries `code`, `offset`, INVALID_SYNTAX (or `notify`) and, when given, exactly
// the context path `context` ("SA > proposal #2 > transform #3 (ENCR)").
template <typename T>
::testing::AssertionResult has_error(const Result<T>& r, ErrorCode code, size_t offset,
                                     const std::string& context = "",
                                     std::optional<uint16_t> notify = kInvalidSyntax) {
  if (r.ok()) return ::testing::AssertionFailure() << "parsed, expected " << to_string(code);
  const Error& e = r.error();
  if (e.code() != code)
    return ::testing::AssertionFailure() << "code " << to_string(e.code()) << ", expected "
                                         << to_string(code) << " (" << e.message() << ")";
  if (e.offset() != offset)
    return ::testing::AssertionFailure()
           << "offset " << (e.offset() ? std::to_string(*e.offset()) : "none") << ", expected "
           << offset << " (" << e.message() << ")";
  if (!context.empty() && context_of(e) != context)
    return ::testing::AssertionFailure() << "context '" << context_of(e) << "', expected '"
                                         << context << "' (" << e.message() << ")";
  if (e.notify() != notify)
    return ::testing::AssertionFailure()
           << "notify " << (e.notify() ? std::to_string(*e.notify()) : "none") << ", expected "
           << (notify ? std::to_string(*notify) : "none") << " (" << e.message() << ")";
  return ::testing::AssertionSuccess();
}

inline Bytes prefix(const Bytes& b, size_t n) {
  return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
}

// A payload (generic header + body) of `type` as one-payload chain: every strict prefix must
// fail cleanly, with kTruncated at the payload start while the generic header is incomplete,
// and kLength at the Payload Length field once it is there.
inline void expect_payload_prefixes_fail(PayloadType type, const Bytes& payload,
                                         size_t base = 1000) {
  for (size_t n = 0; n < payload.size(); ++n) {
    auto r = parse_chain(type, prefix(payload, n), base);
    if (n < 4) {
      EXPECT_TRUE(has_error(r, ErrorCode::kTruncated, base)) << "prefix of " << n << " bytes";
    } else {
      EXPECT_TRUE(has_error(r, ErrorCode::kLength, base + 2)) << "prefix of " << n << " bytes";
    }
  }
  auto whole = parse_chain(type, payload, base);
  EXPECT_TRUE(whole.ok()) << whole.error().message();
}

// A self-delimiting body (its own counts and lengths say where it ends): every strict prefix
// must fail with kTruncated or kLength, at an offset inside the prefix, with INVALID_SYNTAX.
inline void expect_body_prefixes_fail(PayloadType type, const Bytes& body, size_t base = 500) {
  for (size_t n = 0; n < body.size(); ++n) {
    auto r = parse_body(type, prefix(body, n), base);
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes parsed";
    const Error& e = r.error();
    EXPECT_TRUE(e.code() == ErrorCode::kTruncated || e.code() == ErrorCode::kLength)
        << "prefix of " << n << ": " << e.message();
    ASSERT_TRUE(e.offset().has_value()) << e.message();
    EXPECT_GE(*e.offset(), base) << e.message();
    EXPECT_LE(*e.offset(), base + n) << e.message();
    EXPECT_EQ(e.notify(), kInvalidSyntax) << e.message();
    ASSERT_FALSE(e.context().empty());
    EXPECT_EQ(e.context().front(), to_string(type));
  }
}

// Parses a body, checks it serializes back to the same bytes, returns it.
template <typename T>
T body_roundtrip(PayloadType type, const Bytes& body) {
  auto parsed = parse_body(type, body, 0);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message();
  if (!parsed.ok()) return T{};
  auto bytes = serialize_body(*parsed);
  EXPECT_TRUE(bytes.ok()) << bytes.error().message();
  if (bytes.ok()) {
    EXPECT_EQ(to_hex(*bytes), to_hex(body));
  }
  const T* v = std::get_if<T>(&*parsed);
  EXPECT_NE(v, nullptr) << "wrong body alternative";
  return v ? *v : T{};
}

// The generic header around a body: Next Payload, critical bit, Payload Length.
inline Bytes with_generic_header(const Bytes& body, uint8_t next = 0, bool critical = false) {
  Bytes out{next, static_cast<uint8_t>(critical ? 0x80 : 0),
            static_cast<uint8_t>((body.size() + 4) >> 8), static_cast<uint8_t>(body.size() + 4)};
  append(out, body);
  return out;
}

// serialize(m) parses back to m, up to the two fields serialize() computes, and serializing
// that again gives the same bytes.
inline ::testing::AssertionResult roundtrips(const Message& m) {
  auto bytes = serialize(m);
  if (!bytes.ok()) return ::testing::AssertionFailure() << "serialize: " << bytes.error().message();
  auto back = parse(*bytes);
  if (!back.ok()) return ::testing::AssertionFailure() << "parse: " << back.error().message();
  Message expected = m;
  expected.header.length = static_cast<uint32_t>(bytes->size());
  expected.header.next_payload = m.payloads.empty() ? PayloadType::None : m.payloads.front().type;
  if (!(*back == expected)) return ::testing::AssertionFailure() << "parsed message differs";
  auto again = serialize(*back);
  if (!again.ok() || *again != *bytes)
    return ::testing::AssertionFailure() << "re-serialization is not a fixed point";
  return ::testing::AssertionSuccess();
}

// A header for tests.
inline Header test_header(ExchangeType exchange, uint32_t message_id, bool response,
                          bool initiator = true) {
  Header h;
  h.spi_i = 0x1122334455667788ULL;
  h.spi_r = exchange == ExchangeType::IkeSaInit && !response ? 0 : 0x99aabbccddeeff00ULL;
  h.exchange = exchange;
  h.flags = static_cast<uint8_t>((initiator ? kFlagInitiator : 0) | (response ? kFlagResponse : 0));
  h.message_id = message_id;
  return h;
}

}  // namespace ikesuite::v2::testing
