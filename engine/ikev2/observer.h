// What the engine reports beyond its log lines: typed state changes, the keys of every SA (so
// the harness can decrypt the wire and write Wireshark's key tables), and broken invariants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/ikev2/state.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::ikev2 {

struct IkeSaRef {
  std::string name;    // connection name
  uint32_t unique_id;  // the [n] of the logs
  uint64_t spi_i;
  uint64_t spi_r;
};

struct ChildSaRef {
  std::string name;
  uint32_t unique_id;  // the {n} of the logs
  uint32_t ike_unique_id;
  uint32_t spi_in;
  uint32_t spi_out;
};

// IKE SA keys, in the shape of Wireshark's ikev2_decryption_table.
struct IkeKeysEvent {
  IkeSaRef sa;
  v2::EncrId encr;
  uint16_t encr_key_bits;
  v2::IntegId integ;  // None for AEAD
  Bytes sk_ei, sk_er, sk_ai, sk_ar;
};

// ESP/AH keys of one direction, in the shape of Wireshark's esp_sa table.
struct ChildKeysEvent {
  ChildSaRef sa;
  bool inbound;
  IpAddress src, dst;
  uint32_t spi;
  v2::EncrId encr;
  uint16_t encr_key_bits;
  v2::IntegId integ;
  Bytes encr_key, integ_key;
  bool udp_encap;
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_ike_state(const IkeSaRef& sa, IkeSaState from, IkeSaState to) {
    (void)sa, (void)from, (void)to;
  }
  virtual void on_child_state(const ChildSaRef& sa, ChildSaState from, ChildSaState to) {
    (void)sa, (void)from, (void)to;
  }
  virtual void on_ike_keys(const IkeKeysEvent& keys) { (void)keys; }
  virtual void on_child_keys(const ChildKeysEvent& keys) { (void)keys; }
  // An engine bug: a transition the tables forbid, a state that should be impossible.
  virtual void on_invariant_violation(std::string_view what) { (void)what; }
};

}  // namespace ikesuite::ikev2
