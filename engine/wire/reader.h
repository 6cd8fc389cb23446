// A bounds-checked reader over a byte span, in the manner of BoringSSL's CBS: every getter
// checks the remaining length and fails with an Error carrying the absolute offset; sub(n)
// yields a child view so a nested parser cannot read into its neighbour. This and Writer are
// the only code in ikesuite that touches packet bytes by position.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "engine/base/bytes.h"
#include "engine/base/result.h"

namespace ikesuite::wire {

class Reader {
 public:
  // `base` is the absolute offset of data[0] within the datagram, for error messages.
  explicit Reader(ByteView data, size_t base = 0) : data_(data), base_(base) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  // Absolute offset of the next byte to read.
  size_t offset() const { return base_ + pos_; }
  // Offset relative to the start of this view.
  size_t position() const { return pos_; }

  Result<uint8_t> u8();
  Result<uint16_t> u16();
  Result<uint32_t> u24();
  Result<uint32_t> u32();
  Result<uint64_t> u64();
  // A view of the next n bytes (valid as long as the underlying buffer).
  Result<ByteView> bytes(size_t n);
  Result<Bytes> copy(size_t n);
  Status skip(size_t n);
  // A child reader over the next n bytes; this reader moves past them.
  Result<Reader> sub(size_t n);
  // Everything left, consuming it.
  ByteView rest();
  ByteView peek_rest() const { return data_.subspan(pos_); }
  // Fails with kTrailingBytes unless every byte was consumed.
  Status expect_done() const;

 private:
  Error truncated(size_t need) const;

  ByteView data_;
  size_t pos_ = 0;
  size_t base_ = 0;
};

}  // namespace ikesuite::wire
