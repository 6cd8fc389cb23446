// The IKEv1 engine's records: ISAKMP SAs (IkeSa), IPsec SAs (ChildSa) and the exchanges that
// build them. Plain data owned by the Engine; the protocol logic lives in the exchange files.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/time.h"
#include "engine/crypto/cipher.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/hash.h"
#include "engine/crypto/prf.h"
#include "engine/ikev1/config.h"
#include "engine/ikev1/proposals.h"
#include "engine/ikev1/state.h"
#include "engine/ikev1/ts.h"
#include "engine/sa/sa_backend.h"
#include "engine/wire/ikev1/message.h"

namespace ikesuite::ikev1 {

struct ChildSa {
  uint32_t unique_id = 0;  // {n}
  const ChildConfig* config = nullptr;
  ChildSaState state = ChildSaState::Created;
  sa::Protocol protocol = sa::Protocol::ESP;
  uint32_t spi_in = 0;   // allocated by us: the peer sends with it
  uint32_t spi_out = 0;  // allocated by the peer
  uint32_t reqid = 0;
  sa::Mode mode = sa::Mode::Tunnel;
  bool udp_encap = false;

  crypto::V1EspTransform transform;  // the one negotiated
  TrafficSelector ts_local;
  TrafficSelector ts_remote;
  Phase2Lifetime lifetime;  // as negotiated
  // RFC 3947 §5.2: the original addresses a NATed peer announced (transport mode).
  std::optional<IpAddress> nat_oa_local;
  std::optional<IpAddress> nat_oa_remote;

  bool in_installed = false;
  bool out_installed = false;
  bool policies_installed = false;
  bool spi_reserved = false;  // spi_in allocated in the backend, no SA added yet

  Time established_at{};
  Duration rekey_after{};
  TimerId delete_timer = kNoTimer;
  uint32_t rekeyed_from = 0;  // the CHILD_SA this one replaces
  uint32_t rekeyed_by = 0;    // the CHILD_SA that replaced this one
};

// What to negotiate in a Quick Mode of ours: a new CHILD_SA of `config`, or the rekey of
// CHILD_SA `rekey_of`.
struct QuickJob {
  const ChildConfig* config = nullptr;
  uint32_t rekey_of = 0;
};

// One exchange, identified by its message ID (RFC 2408 §3.1): phase 1 (ID_PROT or AGGRESSIVE,
// message ID 0) or a Quick Mode. IKEv1 has no response flag and no message counter: each side
// retransmits its last message while it waits for the next one of the exchange, and answers a
// retransmission of the peer's last message by resending its own answer (RFC 2408 §5 and the
// way pluto and charon behave).
struct Exchange {
  v1::ExchangeType type = v1::ExchangeType::IdentityProtection;
  uint32_t message_id = 0;
  bool initiator = false;  // we sent the exchange's first message
  ExchangeState state = ExchangeState::None;
  // RFC 2409 Appendix B: the IV the next encrypted message of this exchange starts from.
  Bytes iv;

  // Retransmission of our last message while we wait for the peer's next one.
  std::vector<Bytes> last_sent;  // datagrams as sent
  uint32_t seq = 0;              // their number in the IKE SA's request or response series
  bool waiting = false;
  uint32_t retransmits = 0;
  TimerId retransmit_timer = kNoTimer;
  // SHA-256 of every datagram received in this exchange, and whether our last datagram
  // answers the last of them (then a copy of it is answered with a copy of ours).
  std::vector<Bytes> received;
  bool answered_last = false;
  TimerId linger_timer = kNoTimer;  // a finished Quick Mode is kept this long for retransmits
  Time started{};

  // Quick Mode (RFC 2409 §5.5).
  uint32_t child_id = 0;
  uint32_t rekey_of = 0;
  Bytes nonce_i;
  Bytes nonce_r;
  std::unique_ptr<crypto::KeyExchange> dh;  // PFS
  v2::DhGroup group = v2::DhGroup::None;
  Bytes g_qm;                               // g(qm)^xy
  bool send_ids = false;                    // IDci/IDcr on the wire
  std::optional<v1::IdPayload> id_ci;       // as sent/received, echoed by the responder
  std::optional<v1::IdPayload> id_cr;
  bool failed = false;                      // given up; kept only to absorb retransmits
};

struct IkeSa {
  uint32_t unique_id = 0;  // [n]
  const PeerConfig* config = nullptr;
  IkeSaState state = IkeSaState::Created;
  bool initiator = false;  // we sent the first phase-1 message (CKY-I is ours)
  bool aggressive = false;
  uint64_t cookie_i = 0;  // RFC 2408 §2.5.3: CKY-I, CKY-R
  uint64_t cookie_r = 0;
  Endpoint local;
  Endpoint remote;

  // RFC 3947 / RFC 3706 capabilities announced with vendor IDs, and the NAT situation.
  NattVersion natt = NattVersion::None;
  bool peer_dpd = false;
  bool nat_local = false;   // we are behind a NAT
  bool nat_remote = false;  // the peer is behind a NAT
  bool on_4500 = false;     // floated to port 4500 (RFC 3947 §4)

  // Negotiated phase-1 parameters and the key schedule (RFC 2409 §5).
  crypto::V1IkeTransform transform;
  v1::OakleyAuthMethod auth_method = v1::OakleyAuthMethod::PreSharedKey;
  Duration lifetime{};
  std::optional<crypto::Prf> prf;
  std::optional<crypto::Cipher> cipher;
  crypto::Hash hash = crypto::Hash::kSha256;
  std::unique_ptr<crypto::KeyExchange> dh;
  Bytes g_xi;  // the initiator's public value
  Bytes g_xr;  // the responder's
  Bytes nonce_i;
  Bytes nonce_r;
  Bytes sai_b;  // the body of the initiator's SA payload, as sent
  Bytes skeyid, skeyid_d, skeyid_a, skeyid_e;
  Bytes ka;  // the encryption key (Appendix B)
  bool keys_ready = false;
  // Appendix B: the last CBC block of phase 1, from which phase-2 IVs are derived.
  Bytes phase1_iv;
  Bytes psk;  // the pre-shared key SKEYID was made with
  Identity my_id;
  Identity peer_id;
  Bytes peer_id_body;  // Aggressive Mode: IDii as received, for HASH_I
  bool initial_contact_seen = false;

  Exchange phase1;
  std::vector<std::unique_ptr<Exchange>> quick;  // Quick Modes, by message ID
  std::deque<QuickJob> pending;                  // Quick Modes waiting to start
  std::set<uint32_t> message_ids;                // used in this ISAKMP SA (RFC 2408 §3.1)
  std::set<Bytes> informational_seen;            // digests of INFORMATIONAL messages processed
  // Messages are numbered as charon's IKEv1 task manager numbers them for its retransmission
  // log: one series for the messages we send as exchange initiator (informational ones
  // included), one for those we send as exchange responder.
  uint32_t seq_initiating = 0;
  uint32_t seq_responding = 0;

  std::vector<std::unique_ptr<ChildSa>> children;

  Time created_at{};
  Time established_at{};
  Time last_inbound{};   // the last authenticated message from the peer
  Time last_outbound{};
  uint32_t keyingtry = 1;
  TimerId rekey_timer = kNoTimer;
  TimerId expire_timer = kNoTimer;
  TimerId dpd_timer = kNoTimer;
  TimerId half_open_timer = kNoTimer;
  TimerId keepalive_timer = kNoTimer;
  // RFC 3706 §5: the sequence number of our last R-U-THERE and whether it awaits its ACK.
  uint32_t dpd_sequence = 0;
  bool dpd_outstanding = false;
  Time dpd_since{};
  uint32_t rekeyed_from = 0;  // the ISAKMP SA this reauthentication replaces
  uint32_t rekeyed_by = 0;

  ChildSa* find_child(uint32_t unique_id);
  ChildSa* find_child_by_spi(uint32_t spi, bool inbound);
  Exchange* find_quick(uint32_t message_id);
  uint64_t my_cookie() const { return initiator ? cookie_i : cookie_r; }
};

}  // namespace ikesuite::ikev1
