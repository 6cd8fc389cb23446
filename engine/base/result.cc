#include "engine/base/result.h"

namespace ikesuite {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTruncated: return "truncated";
    case ErrorCode::kLength: return "bad length";
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kTrailingBytes: return "trailing bytes";
    case ErrorCode::kLimit: return "limit exceeded";
    case ErrorCode::kCrypto: return "crypto failure";
    case ErrorCode::kIntegrity: return "integrity check failed";
    case ErrorCode::kConfig: return "configuration error";
    case ErrorCode::kState: return "invalid state";
    case ErrorCode::kSystem: return "system error";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kInternal: return "internal error";
  }
  return "error";
}

std::string Error::message() const {
  std::string out;
  for (size_t i = 0; i < context_.size(); ++i) {
    if (i) out += " > ";
    out += context_[i];
  }
  if (offset_) {
    out += out.empty() ? "at offset " : " at offset ";
    out += std::to_string(*offset_);
  }
  if (!out.empty()) out += ": ";
  out += to_string(code_);
  if (!reason_.empty()) {
    out += ": ";
    out += reason_;
  }
  return out;
}

}  // namespace ikesuite
