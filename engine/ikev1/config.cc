#include "engine/ikev1/config.h"

namespace ikesuite::ikev1 {

v1::IdPayload to_id_payload(const Identity& id) {
  v1::IdPayload p;
  // RFC 2407 §4.6.2.1 numbers the identity types as IKEv2 later did (RFC822 = USER_FQDN).
  p.type = static_cast<v1::IdType>(static_cast<uint8_t>(id.type));
  p.data = id.data;
  return p;
}

Result<Identity> identity_from(const v1::IdPayload& p) {
  switch (p.type) {
    case v1::IdType::IPV4_ADDR:
    case v1::IdType::IPV6_ADDR: {
      TRY_ASSIGN(IpAddress a, p.address());
      Identity id;
      id.type = a.is_v4() ? v2::IdType::IPV4_ADDR : v2::IdType::IPV6_ADDR;
      id.data = a.to_bytes();
      return id;
    }
    case v1::IdType::FQDN:
    case v1::IdType::USER_FQDN:
    case v1::IdType::DER_ASN1_DN:
    case v1::IdType::KEY_ID: {
      if (p.data.empty())
        return Error(ErrorCode::kMalformed, v1::to_string(p.type) + " identity without data")
            .with_notify(static_cast<uint16_t>(v1::NotifyType::INVALID_ID_INFORMATION));
      Identity id;
      id.type = static_cast<v2::IdType>(static_cast<uint8_t>(p.type));
      id.data = p.data;
      return id;
    }
    default:
      return Error(ErrorCode::kUnsupported,
                   v1::to_string(p.type) + " does not identify a phase-1 peer")
          .with_notify(static_cast<uint16_t>(v1::NotifyType::INVALID_ID_INFORMATION));
  }
}

}  // namespace ikesuite::ikev1
