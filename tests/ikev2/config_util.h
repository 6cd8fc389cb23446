// Connection builders for engine tests (the scenario loader builds the same from JSON).
#pragma once

#include <string>
#include <vector>

#include "engine/ikev2/config.h"

namespace ikesuite::ikev2::testing {

inline v2::Proposal ike_proposal(v2::EncrId encr, uint16_t bits, v2::IntegId integ, v2::PrfId prf,
                                 v2::DhGroup dh) {
  v2::Proposal p;
  p.protocol = v2::ProtocolId::IKE;
  p.transforms.push_back(
      v2::make_transform(encr, bits ? std::optional<uint16_t>(bits) : std::nullopt));
  if (integ != v2::IntegId::None) p.transforms.push_back(v2::make_transform(integ));
  p.transforms.push_back(v2::make_transform(prf));
  p.transforms.push_back(v2::make_transform(dh));
  return p;
}

inline v2::Proposal esp_proposal(v2::EncrId encr, uint16_t bits, v2::IntegId integ,
                                 v2::DhGroup pfs = v2::DhGroup::None) {
  v2::Proposal p;
  p.protocol = v2::ProtocolId::ESP;
  p.transforms.push_back(
      v2::make_transform(encr, bits ? std::optional<uint16_t>(bits) : std::nullopt));
  if (integ != v2::IntegId::None) p.transforms.push_back(v2::make_transform(integ));
  if (pfs != v2::DhGroup::None) p.transforms.push_back(v2::make_transform(pfs));
  p.transforms.push_back(v2::make_transform(v2::EsnId::NoEsn));
  return p;
}

inline v2::Proposal default_ike() {
  return ike_proposal(v2::EncrId::AES_CBC, 128, v2::IntegId::HMAC_SHA2_256_128,
                      v2::PrfId::HMAC_SHA2_256, v2::DhGroup::MODP_2048);
}

inline v2::Proposal default_esp() {
  return esp_proposal(v2::EncrId::AES_CBC, 128, v2::IntegId::HMAC_SHA2_256_128);
}

// moon/sun net-net connection as in seed 001 (PSK instead of certificates).
inline PeerConfig net2net(const std::string& name, const std::string& left,
                          const std::string& right, const std::string& left_id,
                          const std::string& right_id, const std::string& left_subnet,
                          const std::string& right_subnet) {
  PeerConfig c;
  c.name = name;
  c.local_addr = *IpAddress::parse(left);
  c.remote_addr = *IpAddress::parse(right);
  c.local.id = *Identity::parse(left_id);
  c.remote.id = *Identity::parse(right_id);
  c.ike_proposals = {default_ike()};
  c.ike_lifetime = seconds(3600);
  c.margintime = seconds(180);
  c.keyingtries = 1;
  ChildConfig child;
  child.name = name;
  child.local_ts = {*Subnet::parse(left_subnet)};
  child.remote_ts = {*Subnet::parse(right_subnet)};
  child.esp_proposals = {default_esp()};
  child.lifetime = seconds(1200);
  child.margintime = seconds(180);
  c.children.push_back(child);
  return c;
}

inline Credentials psk(const std::string& secret, const std::vector<std::string>& ids) {
  Credentials creds;
  SharedKey k;
  for (const auto& id : ids) k.ids.push_back(*Identity::parse(id));
  k.secret = to_bytes(secret);
  creds.shared_keys.push_back(k);
  return creds;
}

}  // namespace ikesuite::ikev2::testing
