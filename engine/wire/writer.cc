#include "engine/wire/writer.h"

namespace ikesuite::wire {

void Writer::u16(uint16_t v) {
  buf_.push_back(static_cast<uint8_t>(v >> 8));
  buf_.push_back(static_cast<uint8_t>(v));
}

void Writer::u24(uint32_t v) {
  if (v > 0xffffff) fail(Error(ErrorCode::kLimit, "value " + std::to_string(v) + " exceeds 24 bits"));
  buf_.push_back(static_cast<uint8_t>(v >> 16));
  buf_.push_back(static_cast<uint8_t>(v >> 8));
  buf_.push_back(static_cast<uint8_t>(v));
}

void Writer::u32(uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(v >> shift));
}

void Writer::u64(uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(v >> shift));
}

size_t Writer::reserve(size_t n) {
  size_t pos = buf_.size();
  buf_.insert(buf_.end(), n, 0);
  return pos;
}

void Writer::patch_length(size_t pos, size_t width, size_t from, long adjust) {
  if (pos + width > buf_.size() || from > buf_.size()) {
    fail(Error(ErrorCode::kInternal, "length field outside the buffer"));
    return;
  }
  long long value = static_cast<long long>(buf_.size() - from) + adjust;
  unsigned long long max = width == 1 ? 0xffULL : width == 2 ? 0xffffULL : 0xffffffffULL;
  if (value < 0 || static_cast<unsigned long long>(value) > max) {
    fail(Error(ErrorCode::kLimit, "length " + std::to_string(value) + " does not fit in " +
                                      std::to_string(width * 8) + " bits",
               pos));
    return;
  }
  for (size_t i = 0; i < width; ++i)
    buf_[pos + i] = static_cast<uint8_t>(static_cast<unsigned long long>(value) >> (8 * (width - 1 - i)));
}

void Writer::patch_length_u8(size_t pos, size_t from, long adjust) { patch_length(pos, 1, from, adjust); }
void Writer::patch_length_u16(size_t pos, size_t from, long adjust) { patch_length(pos, 2, from, adjust); }
void Writer::patch_length_u32(size_t pos, size_t from, long adjust) { patch_length(pos, 4, from, adjust); }

void Writer::patch_u8(size_t pos, uint8_t v) {
  if (pos >= buf_.size()) return fail(Error(ErrorCode::kInternal, "patch outside the buffer"));
  buf_[pos] = v;
}

void Writer::patch_u16(size_t pos, uint16_t v) {
  if (pos + 2 > buf_.size()) return fail(Error(ErrorCode::kInternal, "patch outside the buffer"));
  buf_[pos] = static_cast<uint8_t>(v >> 8);
  buf_[pos + 1] = static_cast<uint8_t>(v);
}

void Writer::patch_u32(size_t pos, uint32_t v) {
  if (pos + 4 > buf_.size()) return fail(Error(ErrorCode::kInternal, "patch outside the buffer"));
  for (int i = 0; i < 4; ++i) buf_[pos + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

void Writer::fail(Error e) {
  if (!error_) error_ = std::move(e);
}

Result<Bytes> Writer::finish() && {
  if (error_) return std::move(*error_);
  return std::move(buf_);
}

}  // namespace ikesuite::wire
