#include "engine/sa/kernel_error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ikesuite::sa {

std::string errno_text(int err) {
  // strerrordesc_np (glibc 2.32) gives the untranslated text without touching errno or a
  // static buffer; the message must not depend on the locale a test or CI runs in.
  if (const char* text = strerrordesc_np(err)) return text;
  return "Unknown error " + std::to_string(err);
}

ErrorCode errno_code(int err) {
  return err == ESRCH || err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kSystem;
}

Error kernel_error(std::string_view what, int err, std::string_view detail) {
  std::string reason(what);
  reason += ": ";
  reason += errno_text(err);
  reason += " (errno ";
  reason += std::to_string(err);
  reason += ')';
  if (!detail.empty()) {
    reason += " [";
    reason += detail;
    reason += ']';
  }
  return Error(errno_code(err), std::move(reason)).with_errno(err);
}

std::string spi_hex(uint32_t spi) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", spi);
  return buf;
}

std::string describe_alloc_spi(Protocol protocol, const IpAddress& src, const IpAddress& dst) {
  return "allocate SPI " + std::string(name(protocol)) + " " + src.to_string() + " => " +
         dst.to_string();
}

std::string describe_add_sa(const SaSpec& spec) {
  return "add SA " + std::string(name(spec.key.protocol)) + " " + spi_hex(spec.key.spi) + " " +
         spec.src.to_string() + " => " + spec.key.dst.to_string();
}

std::string describe_sa(Operation op, const SaKey& key) {
  std::string verb;
  switch (op) {
    case Operation::UpdateSa: verb = "update SA "; break;
    case Operation::DeleteSa: verb = "delete SA "; break;
    case Operation::AddSa: verb = "add SA "; break;
    default: verb = std::string(name(op)) + " "; break;
  }
  return verb + std::string(name(key.protocol)) + " " + spi_hex(key.spi) + " dst " +
         key.dst.to_string();
}

std::string describe_policy(Operation op, const Selector& selector, Direction direction) {
  std::string verb = op == Operation::AddPolicy      ? "add policy "
                     : op == Operation::DeletePolicy ? "delete policy "
                                                     : std::string(name(op)) + " ";
  return verb + selector.to_string() + " " + std::string(name(direction));
}

}  // namespace ikesuite::sa
