#include "harness/run/flood.h"

#include <memory>

#include "engine/base/random.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/proposal.h"
#include "engine/net/transport.h"
#include "engine/wire/ikev2/message.h"
#include "harness/run/ref_config.h"
#include "harness/run/ref_host.h"

namespace ikesuite::harness::run {

Result<std::vector<FloodDatagram>> flood_datagrams(const Scenario& s, const Action& a, uint64_t seed) {
  const Host* target = s.find_host(a.host);
  if (!target || target->addresses.empty()) return Error(ErrorCode::kConfig, "flood: no target host");
  const FloodSpec& f = a.flood;
  Subnet sources = f.sources ? *f.sources : *Subnet::parse("198.51.100.0/24");
  IpAddress dst_addr = target->addresses.front();
  for (const auto& addr : target->addresses)
    if (addr.family() == sources.addr.family()) dst_addr = addr;
  std::string text = f.ike.empty() ? std::string(kDefaultIkeProposals[0]) : f.ike;
  TRY_ASSIGN(auto proposals, crypto::parse_proposals(v2::ProtocolId::IKE, text));
  if (proposals.empty()) return Error(ErrorCode::kConfig, "flood: no proposal");
  const v2::Transform* dh = proposals.front().find(v2::TransformType::DH);
  v2::DhGroup group = dh ? static_cast<v2::DhGroup>(dh->id) : v2::DhGroup::MODP_2048;
  size_t ke_size = crypto::public_value_size(group);
  if (ke_size == 0) ke_size = 256;
  SeededRandom rng = SeededRandom(seed).fork(stream_label("flood:" + a.host));
  double rate = f.rate > 0 ? f.rate : 100;
  std::vector<FloodDatagram> out;
  for (uint32_t k = 0; k < f.count; ++k) {
    // A spoofed IKE_SA_INIT request (RFC 7296 §1.2): fresh SPI, nonce and KE data from a
    // random address of the source range, as a flood of half-open SAs looks.
    v2::Message m;
    m.header.spi_i = rng.next_u64() | 1;
    m.header.exchange = v2::ExchangeType::IkeSaInit;
    m.header.flags = v2::kFlagInitiator;
    m.payloads.push_back(v2::make_payload(v2::PayloadType::SA, v2::SaPayload{proposals}));
    m.payloads.push_back(v2::make_payload(v2::PayloadType::KE, v2::KePayload{group, rng.bytes(ke_size)}));
    m.payloads.push_back(v2::make_payload(v2::PayloadType::Nonce, v2::NoncePayload{rng.bytes(32)}));
    auto bytes = v2::serialize(m);
    if (!bytes.ok()) continue;
    Bytes raw = sources.addr.to_bytes();
    unsigned host_bits = static_cast<unsigned>(raw.size() * 8) - sources.prefix;
    uint64_t span = host_bits >= 32 ? 0xffffffffull : ((1ull << host_bits) - 1);
    uint64_t pick = span > 1 ? 1 + rng.uniform(span - 1) : 0;
    for (size_t b = 0; b < 8 && b < raw.size(); ++b)
      raw[raw.size() - 1 - b] |= static_cast<uint8_t>((pick >> (8 * b)) & 0xff);
    auto src_addr = IpAddress::from_bytes(raw);
    if (!src_addr) continue;
    FloodDatagram d;
    d.at = seconds(static_cast<double>(k) / rate);
    d.src = Endpoint{*src_addr, 500};
    d.dst = Endpoint{dst_addr, f.port};
    d.udp = net::frame_ike(d.src.port, d.dst.port, *bytes);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace ikesuite::harness::run
