#include "engine/base/ip.h"

#include <arpa/inet.h>

#include <cstring>

namespace ikesuite {

IpAddress IpAddress::v4(uint32_t host_order) {
  IpAddress a;
  a.family_ = Family::kV4;
  a.bytes_[0] = static_cast<uint8_t>(host_order >> 24);
  a.bytes_[1] = static_cast<uint8_t>(host_order >> 16);
  a.bytes_[2] = static_cast<uint8_t>(host_order >> 8);
  a.bytes_[3] = static_cast<uint8_t>(host_order);
  return a;
}

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return v4(uint32_t{a} << 24 | uint32_t{b} << 16 | uint32_t{c} << 8 | d);
}

IpAddress IpAddress::v6(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.family_ = Family::kV6;
  a.bytes_ = bytes;
  return a;
}

std::optional<IpAddress> IpAddress::from_bytes(ByteView bytes) {
  IpAddress a;
  if (bytes.size() == 4) {
    a.family_ = Family::kV4;
  } else if (bytes.size() == 16) {
    a.family_ = Family::kV6;
  } else {
    return std::nullopt;
  }
  std::memcpy(a.bytes_.data(), bytes.data(), bytes.size());
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes_.data()) == 1) {
    a.family_ = Family::kV4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes_.data()) == 1) {
    a.family_ = Family::kV6;
    return a;
  }
  return std::nullopt;
}

IpAddress IpAddress::any(Family f) {
  IpAddress a;
  a.family_ = f;
  return a;
}

uint32_t IpAddress::v4_host_order() const {
  return uint32_t{bytes_[0]} << 24 | uint32_t{bytes_[1]} << 16 | uint32_t{bytes_[2]} << 8 |
         bytes_[3];
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    inet_ntop(AF_INET, bytes_.data(), buf, sizeof buf);
  } else if (is_v6()) {
    inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
  } else {
    return "%any";
  }
  return buf;
}

IpAddress IpAddress::masked(unsigned prefix) const {
  IpAddress out = *this;
  unsigned bits = static_cast<unsigned>(size() * 8);
  for (unsigned i = prefix; i < bits; ++i) out.bytes_[i / 8] &= static_cast<uint8_t>(~(0x80u >> (i % 8)));
  return out;
}

IpAddress IpAddress::last_in(unsigned prefix) const {
  IpAddress out = *this;
  unsigned bits = static_cast<unsigned>(size() * 8);
  for (unsigned i = prefix; i < bits; ++i) out.bytes_[i / 8] |= static_cast<uint8_t>(0x80u >> (i % 8));
  return out;
}

std::string Endpoint::to_string() const {
  return addr.to_string() + "[" + std::to_string(port) + "]";
}

Result<Subnet> Subnet::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return Error(ErrorCode::kConfig, "not an IP address: '" + std::string(text) + "'");
  unsigned max = static_cast<unsigned>(addr->size() * 8);
  unsigned prefix = max;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3)
      return Error(ErrorCode::kConfig, "bad prefix length in '" + std::string(text) + "'");
    prefix = 0;
    for (char c : digits) {
      if (c < '0' || c > '9')
        return Error(ErrorCode::kConfig, "bad prefix length in '" + std::string(text) + "'");
      prefix = prefix * 10 + static_cast<unsigned>(c - '0');
    }
    if (prefix > max)
      return Error(ErrorCode::kConfig, "prefix longer than the address in '" + std::string(text) + "'");
  }
  return Subnet{addr->masked(prefix), prefix};
}

bool Subnet::contains(const IpAddress& a) const {
  if (a.family() != addr.family()) return false;
  return a.masked(prefix) == addr.masked(prefix);
}

std::string Subnet::to_string() const {
  return addr.to_string() + "/" + std::to_string(prefix);
}

}  // namespace ikesuite
