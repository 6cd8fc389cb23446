// Small builders for the payloads engines assemble most, and readers for the notify data
// they interpret.
#include "engine/wire/ikev2/codec_internal.h"

namespace ikesuite::v2 {

Bytes spi_bytes(uint32_t spi) {
  wire::Writer w;
  w.u32(spi);
  return std::move(w).finish().value();
}

Payload make_payload(PayloadType type, PayloadBody body, bool critical) {
  Payload p;
  p.type = type;
  p.critical = critical;
  p.body = std::move(body);
  return p;
}

Payload make_notify(NotifyType type, ByteView data, ProtocolId protocol, ByteView spi) {
  NotifyPayload n;
  n.type = type;
  n.protocol = protocol;
  n.spi.assign(spi.begin(), spi.end());
  n.data.assign(data.begin(), data.end());
  return make_payload(PayloadType::Notify, std::move(n));
}

Payload make_invalid_ke_payload(DhGroup accepted) {
  wire::Writer w;
  w.u16(static_cast<uint16_t>(accepted));
  Bytes data = std::move(w).finish().value();
  return make_notify(NotifyType::INVALID_KE_PAYLOAD, data);
}

std::optional<DhGroup> invalid_ke_group(const NotifyPayload& notify) {
  if (notify.type != NotifyType::INVALID_KE_PAYLOAD) return std::nullopt;
  wire::Reader r(notify.data);
  auto group = r.u16();
  if (!group.ok() || !r.empty()) return std::nullopt;
  return static_cast<DhGroup>(*group);
}

Payload make_signature_hash_algorithms(std::span<const HashAlgorithm> algorithms) {
  wire::Writer w;
  for (HashAlgorithm a : algorithms) w.u16(static_cast<uint16_t>(a));
  Bytes data = std::move(w).finish().value();
  return make_notify(NotifyType::SIGNATURE_HASH_ALGORITHMS, data);
}

std::optional<std::vector<HashAlgorithm>> signature_hash_algorithms(const NotifyPayload& notify) {
  if (notify.type != NotifyType::SIGNATURE_HASH_ALGORITHMS || notify.data.size() % 2 != 0)
    return std::nullopt;
  std::vector<HashAlgorithm> out;
  out.reserve(notify.data.size() / 2);
  wire::Reader r(notify.data);
  while (!r.empty()) out.push_back(static_cast<HashAlgorithm>(*r.u16()));
  return out;
}

Payload make_delete_ike() {
  DeletePayload d;
  d.protocol = ProtocolId::IKE;
  d.spi_size = 0;
  return make_payload(PayloadType::Delete, std::move(d));
}

Payload make_delete(ProtocolId protocol, std::span<const uint32_t> spis) {
  DeletePayload d;
  d.protocol = protocol;
  d.spi_size = 4;
  d.spis.reserve(spis.size());
  for (uint32_t spi : spis) d.spis.push_back(spi_bytes(spi));
  return make_payload(PayloadType::Delete, std::move(d));
}

Payload make_rekey_sa(ProtocolId protocol, uint32_t spi) {
  return make_notify(NotifyType::REKEY_SA, {}, protocol, spi_bytes(spi));
}

}  // namespace ikesuite::v2
