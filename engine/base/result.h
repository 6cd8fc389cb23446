// Errors as values. clang 14 cannot compile libstdc++ 12's <expected>, so ikesuite carries its
// own small Result<T>. No exception crosses engine/: every failure is a Result holding an Error
// that says what went wrong, where (a context path and a byte offset for codec errors) and
// which notify the protocol would answer with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ikesuite {

enum class ErrorCode : uint8_t {
  kTruncated,       // fewer bytes than a field or length needs
  kLength,          // a length field disagrees with its container or its rules
  kMalformed,       // a value is out of range or structurally wrong
  kUnsupported,     // well-formed but not something we implement (critical payload, version)
  kTrailingBytes,   // bytes left over after a structure that must fill its container
  kLimit,           // a bound we enforce (count of payloads, size) was exceeded
  kCrypto,          // an OpenSSL call failed or a key/parameter was rejected
  kIntegrity,       // ICV/HMAC/AUTH/HASH mismatch
  kConfig,          // configuration error (connections, proposals, files)
  kState,           // message or request not valid in the current state
  kSystem,          // an OS call failed (errno in sys_errno)
  kNotFound,        // lookup found nothing
  kInternal,        // broken invariant
};

std::string_view to_string(ErrorCode code);

class [[nodiscard]] Error {
 public:
  Error(ErrorCode code, std::string reason) : code_(code), reason_(std::move(reason)) {}
  Error(ErrorCode code, std::string reason, size_t offset)
      : code_(code), reason_(std::move(reason)), offset_(offset) {}

  ErrorCode code() const { return code_; }
  const std::string& reason() const { return reason_; }
  // Absolute byte offset into the datagram being parsed, when the error came from the codec.
  std::optional<size_t> offset() const { return offset_; }
  // Context path, outermost first: "IKEv2 message > SA > proposal #1 > transform #3".
  const std::vector<std::string>& context() const { return context_; }
  // The notify type (IKEv2 or IKEv1 numbering, depending on who raised it) that a protocol
  // engine should answer with, and its notification data.
  std::optional<uint16_t> notify() const { return notify_; }
  const std::vector<uint8_t>& notify_data() const { return notify_data_; }
  int sys_errno() const { return errno_; }

  // Adds an outer context (called while an error unwinds through nested parsers).
  Error&& within(std::string ctx) && {
    context_.insert(context_.begin(), std::move(ctx));
    return std::move(*this);
  }
  Error& within(std::string ctx) & {
    context_.insert(context_.begin(), std::move(ctx));
    return *this;
  }
  Error&& with_notify(uint16_t type, std::vector<uint8_t> data = {}) && {
    notify_ = type;
    notify_data_ = std::move(data);
    return std::move(*this);
  }
  Error&& with_errno(int e) && {
    errno_ = e;
    return std::move(*this);
  }
  Error&& at(size_t offset) && {
    if (!offset_) offset_ = offset;
    return std::move(*this);
  }

  // "SA > proposal #1 at offset 40: truncated: ..." — one line, for logs and reports.
  std::string message() const;

 private:
  ErrorCode code_;
  std::string reason_;
  std::optional<size_t> offset_;
  std::vector<std::string> context_;
  std::optional<uint16_t> notify_;
  std::vector<uint8_t> notify_data_;
  int errno_ = 0;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

  T value_or(T other) const& { return ok() ? value() : std::move(other); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)) {}  // NOLINT

  bool ok() const { return !err_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *err_; }
  Error&& error() && { return std::move(*err_); }

 private:
  std::optional<Error> err_;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace ikesuite

#define IKESUITE_CONCAT_INNER(a, b) a##b
#define IKESUITE_CONCAT(a, b) IKESUITE_CONCAT_INNER(a, b)

// Propagates the error of a Result expression; otherwise discards its value.
#define TRY(expr)                                                          \
  do {                                                                     \
    auto&& try_result_ = (expr);                                           \
    if (!try_result_.ok()) return std::move(try_result_).error();          \
  } while (0)

// Propagates the error of a Result expression, adding a context label.
#define TRY_IN(expr, ctx)                                                  \
  do {                                                                     \
    auto&& try_result_ = (expr);                                           \
    if (!try_result_.ok()) return std::move(try_result_).error().within(ctx); \
  } while (0)

// Declares or assigns `lhs` from a Result expression, propagating its error.
#define TRY_ASSIGN(lhs, expr) TRY_ASSIGN_IMPL(IKESUITE_CONCAT(try_tmp_, __LINE__), lhs, expr)
#define TRY_ASSIGN_IMPL(tmp, lhs, expr)                \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).error();        \
  lhs = std::move(tmp).value()
