// Assertions shared by the IKEv1 codec tests.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "engine/wire/ikev1/message.h"

namespace ikesuite::v1::testing {

inline uint16_t code(NotifyType t) { return static_cast<uint16_t>(t); }

// Checks that `r` failed with `code`, answering with `notify`, at `offset` when given.
template <typename T>
::testing::AssertionResult fails_with(const Result<T>& r, ErrorCode error_code, NotifyType notify,
                                      std::optional<size_t> offset = std::nullopt) {
  if (r.ok()) return ::testing::AssertionFailure() << "parsed, expected an error";
  const Error& e = r.error();
  if (e.code() != error_code)
    return ::testing::AssertionFailure()
           << "error code " << to_string(e.code()) << ", expected " << to_string(error_code)
           << " (" << e.message() << ")";
  if (!e.notify() || *e.notify() != code(notify))
    return ::testing::AssertionFailure()
           << "notify " << (e.notify() ? to_string(static_cast<NotifyType>(*e.notify())) : "none")
           << ", expected " << to_string(notify) << " (" << e.message() << ")";
  if (offset && e.offset() != offset)
    return ::testing::AssertionFailure()
           << "offset " << (e.offset() ? std::to_string(*e.offset()) : "none") << ", expected "
           << *offset << " (" << e.message() << ")";
  return ::testing::AssertionSuccess();
}

// Every error of the codec says where: an offset inside [base, base + size] and a notify.
template <typename T>
::testing::AssertionResult fails_inside(const Result<T>& r, size_t base, size_t size) {
  if (r.ok()) return ::testing::AssertionFailure() << "parsed, expected an error";
  const Error& e = r.error();
  if (!e.notify()) return ::testing::AssertionFailure() << "no notify: " << e.message();
  if (!e.offset()) return ::testing::AssertionFailure() << "no offset: " << e.message();
  if (*e.offset() < base || *e.offset() > base + size)
    return ::testing::AssertionFailure() << "offset " << *e.offset() << " outside [" << base
                                         << ", " << base + size << "]: " << e.message();
  return ::testing::AssertionSuccess();
}

inline void set_u16(Bytes& b, size_t pos, uint16_t v) {
  b.at(pos) = static_cast<uint8_t>(v >> 8);
  b.at(pos + 1) = static_cast<uint8_t>(v);
}

inline void set_u32(Bytes& b, size_t pos, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b.at(pos + i) = static_cast<uint8_t>(v >> (24 - 8 * i));
}

inline Bytes prefix(const Bytes& b, size_t n) {
  return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
}

}  // namespace ikesuite::v1::testing
