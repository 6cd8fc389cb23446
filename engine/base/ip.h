// IP addresses, UDP endpoints and subnets, independent of any socket API.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/result.h"

namespace ikesuite {

class IpAddress {
 public:
  enum class Family : uint8_t { kNone = 0, kV4 = 4, kV6 = 6 };

  IpAddress() = default;
  static IpAddress v4(uint32_t host_order);
  static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  static IpAddress v6(const std::array<uint8_t, 16>& bytes);
  // From 4 or 16 network-order bytes.
  static std::optional<IpAddress> from_bytes(ByteView bytes);
  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress any(Family f);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kV4; }
  bool is_v6() const { return family_ == Family::kV6; }
  bool empty() const { return family_ == Family::kNone; }
  size_t size() const { return is_v4() ? 4 : is_v6() ? 16 : 0; }
  // Network-order bytes (4 or 16).
  ByteView bytes() const { return ByteView(bytes_.data(), size()); }
  Bytes to_bytes() const { return Bytes(bytes().begin(), bytes().end()); }
  uint32_t v4_host_order() const;
  std::string to_string() const;

  // Address with the host bits beyond `prefix` cleared (or set, for the last address).
  IpAddress masked(unsigned prefix) const;
  IpAddress last_in(unsigned prefix) const;

  auto operator<=>(const IpAddress&) const = default;

 private:
  Family family_ = Family::kNone;
  std::array<uint8_t, 16> bytes_{};
};

struct Endpoint {
  IpAddress addr;
  uint16_t port = 0;
  std::string to_string() const;  // "192.0.2.1[500]" as strongSwan logs it
  auto operator<=>(const Endpoint&) const = default;
};

struct Subnet {
  IpAddress addr;
  unsigned prefix = 0;
  // "10.1.0.0/16", "2001:db8::/32", or a bare address (full-length prefix).
  static Result<Subnet> parse(std::string_view text);
  IpAddress first() const { return addr.masked(prefix); }
  IpAddress last() const { return addr.last_in(prefix); }
  bool contains(const IpAddress& a) const;
  std::string to_string() const;
  auto operator<=>(const Subnet&) const = default;
};

}  // namespace ikesuite
