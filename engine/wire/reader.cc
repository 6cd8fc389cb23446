#include "engine/wire/reader.h"

namespace ikesuite::wire {

Error Reader::truncated(size_t need) const {
  return Error(ErrorCode::kTruncated,
               "need " + std::to_string(need) + " byte" + (need == 1 ? "" : "s") + ", " +
                   std::to_string(remaining()) + " left",
               offset());
}

Result<uint8_t> Reader::u8() {
  if (remaining() < 1) return truncated(1);
  return data_[pos_++];
}

Result<uint16_t> Reader::u16() {
  if (remaining() < 2) return truncated(2);
  uint16_t v = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

Result<uint32_t> Reader::u24() {
  if (remaining() < 3) return truncated(3);
  uint32_t v = uint32_t{data_[pos_]} << 16 | uint32_t{data_[pos_ + 1]} << 8 | data_[pos_ + 2];
  pos_ += 3;
  return v;
}

Result<uint32_t> Reader::u32() {
  if (remaining() < 4) return truncated(4);
  uint32_t v = uint32_t{data_[pos_]} << 24 | uint32_t{data_[pos_ + 1]} << 16 |
               uint32_t{data_[pos_ + 2]} << 8 | data_[pos_ + 3];
  pos_ += 4;
  return v;
}

Result<uint64_t> Reader::u64() {
  if (remaining() < 8) return truncated(8);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | data_[pos_ + i];
  pos_ += 8;
  return v;
}

Result<ByteView> Reader::bytes(size_t n) {
  if (remaining() < n) return truncated(n);
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

Result<Bytes> Reader::copy(size_t n) {
  if (remaining() < n) return truncated(n);
  Bytes out(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
            data_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
  pos_ += n;
  return out;
}

Status Reader::skip(size_t n) {
  if (remaining() < n) return truncated(n);
  pos_ += n;
  return {};
}

Result<Reader> Reader::sub(size_t n) {
  if (remaining() < n) return truncated(n);
  Reader child(data_.subspan(pos_, n), offset());
  pos_ += n;
  return child;
}

ByteView Reader::rest() {
  ByteView v = data_.subspan(pos_);
  pos_ = data_.size();
  return v;
}

Status Reader::expect_done() const {
  if (empty()) return {};
  return Error(ErrorCode::kTrailingBytes,
               std::to_string(remaining()) + " unexpected byte" + (remaining() == 1 ? "" : "s"),
               offset());
}

}  // namespace ikesuite::wire
