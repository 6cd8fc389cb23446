// What the IKEv1 engine reports beyond its log lines. The interface extends the IKEv2 engine's
// Observer (SA state changes, ESP keys, invariant violations use the same events and types), so
// one observer object can serve both engines of a host; IKEv1 adds the ISAKMP SA's keys in the
// shape of Wireshark's ikev1_decryption_table and the RFC 2409 exchange states.
#pragma once

#include <cstdint>
#include <optional>

#include "engine/base/bytes.h"
#include "engine/ikev1/state.h"
#include "engine/ikev2/observer.h"
#include "engine/wire/ikev1/types.h"

namespace ikesuite::ikev1 {

using ikev2::ChildKeysEvent;
using ikev2::ChildSaRef;
using ikev2::IkeSaRef;  // spi_i/spi_r carry the ISAKMP cookies CKY-I/CKY-R

// An ISAKMP SA's keys: Wireshark decrypts IKEv1 with the initiator cookie and Ka (RFC 2409
// Appendix B), deriving the IVs itself from the KE payloads and message IDs in the capture.
struct IkeKeysEvent {
  IkeSaRef sa;
  uint64_t cookie_i = 0;
  uint64_t cookie_r = 0;
  v1::OakleyEncryption encr = v1::OakleyEncryption::AES_CBC;
  uint16_t encr_key_bits = 0;  // the Key Length attribute (0 when absent)
  v1::OakleyHash hash = v1::OakleyHash::SHA2_256;
  Bytes ka;                    // the encryption key
  Bytes skeyid_d, skeyid_a;    // for tools that verify HASH payloads or derive KEYMAT
};

// One exchange: phase 1 of an ISAKMP SA (child_unique_id 0, message ID 0) or a Quick Mode
// (the CHILD_SA it negotiates and its message ID).
struct ExchangeRef {
  IkeSaRef sa;
  uint32_t child_unique_id = 0;
  uint32_t message_id = 0;
};

class Observer : public ikev2::Observer {
 public:
  using ikev2::Observer::on_ike_keys;
  virtual void on_ike_keys(const IkeKeysEvent& keys) { (void)keys; }
  virtual void on_exchange_state(const ExchangeRef& exchange, ExchangeState from,
                                 ExchangeState to) {
    (void)exchange, (void)from, (void)to;
  }
};

}  // namespace ikesuite::ikev1
