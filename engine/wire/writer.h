// A growable writer in the manner of BoringSSL's CBB: fixed-width big-endian fields, and
// length fields reserved first and filled in when the enclosed structure is complete, with a
// check that the value fits. The first overflow is sticky: finish() reports it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "engine/base/bytes.h"
#include "engine/base/result.h"

namespace ikesuite::wire {

class Writer {
 public:
  Writer() = default;

  void u8(uint8_t v) { buf_.push_back(v); }
  void u16(uint16_t v);
  void u24(uint32_t v);  // fails (sticky) when v does not fit in 24 bits
  void u32(uint32_t v);
  void u64(uint64_t v);
  void bytes(ByteView v) { buf_.insert(buf_.end(), v.begin(), v.end()); }
  void zeros(size_t n) { buf_.insert(buf_.end(), n, 0); }

  size_t size() const { return buf_.size(); }
  ByteView data() const { return buf_; }

  // Reserves a 1/2/4-byte length field at the current position and returns its position.
  size_t reserve_u8() { return reserve(1); }
  size_t reserve_u16() { return reserve(2); }
  size_t reserve_u32() { return reserve(4); }
  // Writes the number of bytes from `from` to the current end into the reserved field at `pos`
  // (plus `adjust`, which may be negative); a value that does not fit is a sticky error.
  void patch_length_u8(size_t pos, size_t from, long adjust = 0);
  void patch_length_u16(size_t pos, size_t from, long adjust = 0);
  void patch_length_u32(size_t pos, size_t from, long adjust = 0);
  // Overwrites bytes already written (next-payload fields, deliberate corruption).
  void patch_u8(size_t pos, uint8_t v);
  void patch_u16(size_t pos, uint16_t v);
  void patch_u32(size_t pos, uint32_t v);

  // Records an error (first one wins), for serializers that find an unencodable value.
  void fail(Error e);
  bool ok() const { return !error_.has_value(); }

  // The bytes written, or the first error.
  Result<Bytes> finish() &&;

 private:
  size_t reserve(size_t n);
  void patch_length(size_t pos, size_t width, size_t from, long adjust);

  Bytes buf_;
  std::optional<Error> error_;
};

}  // namespace ikesuite::wire
