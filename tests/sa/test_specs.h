// SA and policy specs for the SA tests, in the net2net topology of seed 001: moon
// 192.168.0.1 (10.1.0.0/16) and sun 192.168.0.2 (10.2.0.0/16).
#pragma once

#include <cstdint>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/sa/sa_backend.h"

namespace ikesuite::sa::testing {

inline IpAddress moon() { return IpAddress::v4(192, 168, 0, 1); }
inline IpAddress sun() { return IpAddress::v4(192, 168, 0, 2); }
inline Subnet moon_net() { return *Subnet::parse("10.1.0.0/16"); }
inline Subnet sun_net() { return *Subnet::parse("10.2.0.0/16"); }

// moon's inbound ESP SA from sun: AES-CBC-128 with HMAC-SHA2-256-128, the lifetimes of
// seed 001 (rekey at 5 s, expire at 10 s).
inline SaSpec esp_in(uint32_t spi) {
  SaSpec s;
  s.key = SaKey{Protocol::ESP, spi, moon()};
  s.src = sun();
  s.mode = Mode::Tunnel;
  s.reqid = 1;
  s.inbound = true;
  s.encr = v2::EncrId::AES_CBC;
  s.encr_key = hex("00112233445566778899aabbccddeeff");
  s.integ = v2::IntegId::HMAC_SHA2_256_128;
  s.integ_key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  s.lifetime.soft_add_seconds = 5;
  s.lifetime.hard_add_seconds = 10;
  s.label = "net-net{1}";
  return s;
}

// moon's outbound ESP SA to sun.
inline SaSpec esp_out(uint32_t spi) {
  SaSpec s = esp_in(spi);
  s.key.dst = sun();
  s.src = moon();
  s.inbound = false;
  s.lifetime.soft_add_seconds = 0;
  return s;
}

inline Selector net2net() { return Selector{moon_net(), sun_net()}; }

inline PolicySpec policy_out() {
  PolicySpec p;
  p.selector = net2net();
  p.direction = Direction::Out;
  p.tmpl_src = moon();
  p.tmpl_dst = sun();
  p.reqid = 1;
  return p;
}

inline PolicySpec policy_in(Direction d = Direction::In) {
  PolicySpec p;
  p.selector = Selector{sun_net(), moon_net()};
  p.direction = d;
  p.tmpl_src = sun();
  p.tmpl_dst = moon();
  p.reqid = 1;
  return p;
}

}  // namespace ikesuite::sa::testing
