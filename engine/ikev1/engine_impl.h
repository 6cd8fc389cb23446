// The engine's internals, shared by its .cc files (one per exchange). Not part of the API.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ikev1/engine.h"
#include "engine/ikev1/keys.h"

namespace ikesuite::ikev1 {

using Payloads = std::vector<v1::Payload>;

// A received message: the header, the payloads (clear, or decrypted), and the exact bytes
// of the payload chain, which HASH_I/HASH_R (SAi_b, IDii_b) and the Quick Mode and
// Informational HASHes are computed over.
struct Received {
  const net::Datagram* datagram = nullptr;
  v1::Message message;
  Payloads payloads;
  Bytes chain;     // the payload chain as received (decrypted, without padding)
  Bytes next_iv;   // encrypted messages: the IV the exchange continues from (Appendix B)

  const v1::Payload* find(v1::PayloadType type) const;
  template <typename T>
  const T* get(v1::PayloadType type) const {
    const v1::Payload* p = find(type);
    return p ? p->as<T>() : nullptr;
  }
  std::vector<const v1::Payload*> all(v1::PayloadType type) const;
  const v1::NotifyPayload* notify(v1::NotifyType type) const;
  // The first error notify (type < 16384), if any.
  const v1::NotifyPayload* error_notify() const;
  // The body of the first payload of `type` as it was on the wire.
  std::optional<Bytes> raw_body(v1::PayloadType type) const;
  // Everything after the first payload (with generic headers): what a HASH that leads the
  // message covers (RFC 2409 §5.5, §5.7).
  std::optional<Bytes> after_first() const;
};

// One row of the dispatch table: which handler takes the peer's message of an exchange in
// the exchange's state, by our role in that exchange.
struct Route {
  ExchangeState state;
  v1::ExchangeType exchange;
  bool we_initiated;
  void (Engine::Impl::*handler)(IkeSa&, Exchange&, Received&);
  std::string_view name;
};

class Engine::Impl {
 public:
  Impl(Env env, Settings settings, Credentials credentials);
  ~Impl();

  Env env;
  Settings settings;
  Credentials creds;
  std::vector<std::unique_ptr<PeerConfig>> configs;
  std::vector<std::unique_ptr<IkeSa>> ike_sas;
  Impairments impair;
  Engine::Stats stats;
  uint32_t next_ike_id = 1;
  uint32_t next_child_id = 1;
  uint32_t next_reqid = 1;
  Bytes cookie_secret;      // RFC 2408 §2.5.3: the local secret of our cookies
  uint64_t cookie_counter = 0;
  bool destroy_pending = false;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  // --- logging, states, timers (engine.cc)
  void log(LogGroup group, int level, const std::string& text);
  std::string ike_label(const IkeSa& ike) const;       // "net-net[1]"
  std::string child_label(const ChildSa& child) const;  // "net-net{1}"
  void invariant(bool ok, std::string_view what);
  void set_state(IkeSa& ike, IkeSaState to);
  void set_state(IkeSa& ike, ChildSa& child, ChildSaState to);
  void set_state(IkeSa& ike, Exchange& ex, ExchangeState to);
  IkeSaRef ref(const IkeSa& ike) const;
  ChildSaRef ref(const IkeSa& ike, const ChildSa& child) const;
  TimerId after(Duration delay, IkeSa& ike, std::function<void(IkeSa&)> fn);
  void cancel(TimerId& id);

  // --- the ISAKMP SA table (engine.cc)
  IkeSa& create_ike_sa(const PeerConfig* config, bool initiator);
  IkeSa* find_ike_by_id(uint32_t unique_id);
  IkeSa* find_by_cookies(uint64_t cookie_i, uint64_t cookie_r);
  IkeSa* find_half_open(uint64_t cookie_i, const Endpoint& remote);
  IkeSa* find_initiating(uint64_t cookie_i);
  IkeSa* find_established(const PeerConfig* config);
  void destroy_ike(IkeSa& ike);
  void collect_garbage();
  const PeerConfig* find_config(const std::string& name) const;
  // Connections whose addresses admit this pair, best (exact) first.
  std::vector<const PeerConfig*> configs_for(const Endpoint& local, const Endpoint& remote) const;
  uint64_t new_cookie(const Endpoint& local, const Endpoint& remote);
  uint32_t new_message_id(IkeSa& ike);

  // --- sending (engine.cc)
  // One message of `ex` (phase 1 or Quick Mode), encrypted when `encrypt` (continuing ex.iv).
  // With `wait`, it is retransmitted until the peer's next message of the exchange arrives.
  void send_exchange(IkeSa& ike, Exchange& ex, Payloads payloads, bool encrypt, bool wait);
  // An INFORMATIONAL exchange of its own (RFC 2409 §5.7): HASH(1) and encrypted with a fresh
  // message ID once the keys exist, in the clear before.
  void send_informational(IkeSa& ike, Payloads payloads);
  // Protected (or clear) error notify about the ISAKMP SA or, with a protocol and SPI, about
  // an IPsec SA being negotiated.
  void send_notify(IkeSa& ike, v1::NotifyType type,
                   v1::ProtocolId protocol = v1::ProtocolId::ISAKMP, Bytes spi = {});
  // A clear notify to a first message we keep no state for.
  void send_clear_notify(const net::Datagram& to, const v1::Header& request,
                         v1::NotifyType type);
  void transmit(IkeSa& ike, const std::vector<Bytes>& datagrams, v1::ExchangeType ex,
                bool response, uint32_t mid, bool retransmit);
  void arm_retransmit(IkeSa& ike, Exchange& ex);
  void on_retransmit(IkeSa& ike, uint32_t message_id);
  void stop_waiting(IkeSa& ike, Exchange& ex);

  // --- protection (protect.cc)
  Result<Bytes> seal(IkeSa& ike, v1::Header header, const Payloads& payloads, Bytes& iv);
  Result<Received> open(IkeSa& ike, const net::Datagram& d, v1::Message message, ByteView iv);
  Bytes phase2_iv(const IkeSa& ike, uint32_t message_id) const;
  // A HASH payload followed by `payloads`, HASH = prf(SKEYID_a, M-ID | payloads) (§5.7).
  Result<Payloads> with_informational_hash(IkeSa& ike, uint32_t mid, Payloads payloads);

  // --- receiving (engine.cc)
  void on_datagram(const net::Datagram& d);
  void deliver(IkeSa& ike, const net::Datagram& d, v1::Message message);
  Exchange* exchange_for(IkeSa& ike, const v1::Header& h);
  bool duplicate(IkeSa& ike, Exchange& ex, const net::Datagram& d, const v1::Header& h);
  static const Route* route(ExchangeState state, v1::ExchangeType ex, bool we_initiated);
  void follow_peer(IkeSa& ike, const net::Datagram& d);

  // --- phase 1, shared (phase1.cc)
  // Starts Main or Aggressive Mode; nullptr when it could not even start.
  IkeSa* initiate_ike(const PeerConfig* config, uint32_t keyingtry = 1, uint32_t replacing = 0);
  void on_first_message(const net::Datagram& d, v1::Message message);
  Status make_ke_nonce(IkeSa& ike);
  Payloads ke_nonce_payloads(const IkeSa& ike) const;
  Status take_ke_nonce(IkeSa& ike, const Received& in);
  Status derive_keys(IkeSa& ike, ByteView peer_public);
  Result<Payloads> auth_payloads(IkeSa& ike, ByteView id_body);
  Status verify_auth(IkeSa& ike, const Received& in, ByteView id_body);
  Payloads vendor_ids(const IkeSa& ike) const;
  void process_vendor_ids(IkeSa& ike, const Received& in);
  Payloads nat_d_payloads(const IkeSa& ike) const;
  void process_nat_d(IkeSa& ike, const Received& in);
  Payloads cert_request_payloads(const IkeSa& ike) const;
  const PeerConfig* config_for_peer(const IkeSa& ike, const Identity& peer) const;
  Identity own_identity(const IkeSa& ike) const;
  // Checks (initiator) or chooses (responder) the phase-1 transform; the responder gets the
  // SA payload to answer with.
  Result<v1::SaPayload> accept_phase1_proposal(IkeSa& ike, const Received& in, bool as_initiator);
  void phase1_established(IkeSa& ike);
  void adopt_children(IkeSa& from, IkeSa& to);
  // The phase-1 exchange failed: tell the peer (protected once keys exist) and tear down.
  void fail_phase1(IkeSa& ike, v1::NotifyType notify, const std::string& why);
  void schedule_ike_timers(IkeSa& ike);
  void start_half_open_timer(IkeSa& ike);

  // --- Main Mode (exchange_main.cc)
  void start_main(IkeSa& ike);
  void on_main_1(IkeSa& ike, Exchange& ex, Received& in);  // responder: HDR, SA
  void on_main_2(IkeSa& ike, Exchange& ex, Received& in);  // initiator: HDR, SA
  void on_main_3(IkeSa& ike, Exchange& ex, Received& in);  // responder: KE, Ni
  void on_main_4(IkeSa& ike, Exchange& ex, Received& in);  // initiator: KE, Nr
  void on_main_5(IkeSa& ike, Exchange& ex, Received& in);  // responder: IDii, HASH_I
  void on_main_6(IkeSa& ike, Exchange& ex, Received& in);  // initiator: IDir, HASH_R

  // --- Aggressive Mode (exchange_aggressive.cc)
  void start_aggressive(IkeSa& ike);
  void on_aggressive_1(IkeSa& ike, Exchange& ex, Received& in);  // responder
  void on_aggressive_2(IkeSa& ike, Exchange& ex, Received& in);  // initiator
  void on_aggressive_3(IkeSa& ike, Exchange& ex, Received& in);  // responder

  // --- Quick Mode (exchange_quick.cc)
  void queue_quick(IkeSa& ike, QuickJob job);
  void run_pending(IkeSa& ike);
  void start_quick(IkeSa& ike, QuickJob job);
  void on_quick_1(IkeSa& ike, Exchange& ex, Received& in);  // responder: HASH(1) SA Ni ...
  void on_quick_2(IkeSa& ike, Exchange& ex, Received& in);  // initiator: HASH(2) SA Nr ...
  void on_quick_3(IkeSa& ike, Exchange& ex, Received& in);  // responder: HASH(3)
  bool verify_quick_hash(IkeSa& ike, Exchange& ex, const Received& in, int which);
  // The exchange failed: refuse with a notify about the SA being negotiated, drop its
  // CHILD_SA and keep the exchange only to absorb retransmissions.
  void quick_failed(IkeSa& ike, Exchange& ex, std::optional<v1::NotifyType> notify,
                    const std::string& why);
  void finish_exchange(IkeSa& ike, Exchange& ex);
  void remove_exchange(IkeSa& ike, uint32_t message_id);
  size_t active_quick_modes(const IkeSa& ike) const;

  // --- CHILD_SAs (child.cc)
  ChildSa& create_child(IkeSa& ike, const ChildConfig* config);
  Result<uint32_t> allocate_spi(IkeSa& ike, ChildSa& child);
  TrafficSelector local_selector(const IkeSa& ike, const ChildConfig& config) const;
  TrafficSelector remote_selector(const IkeSa& ike, const ChildConfig& config) const;
  const ChildConfig* match_child_config(const IkeSa& ike, const TrafficSelector& remote,
                                        const TrafficSelector& local) const;
  Result<ChildKeys> child_keys(IkeSa& ike, ChildSa& child, const Exchange& ex);
  Status install_sa(IkeSa& ike, ChildSa& child, bool inbound, const ChildKeys& keys);
  Status install_policies(IkeSa& ike, ChildSa& child);
  void child_established(IkeSa& ike, ChildSa& child, const ChildKeys& keys);
  void uninstall_child(IkeSa& ike, ChildSa& child, bool outbound_only = false);
  void release_spi(IkeSa& ike, ChildSa& child);
  void destroy_child(IkeSa& ike, ChildSa& child);

  // --- INFORMATIONAL (exchange_info.cc)
  void on_informational(IkeSa& ike, const net::Datagram& d, v1::Message message);
  void process_notify(IkeSa& ike, const v1::NotifyPayload& n, bool protected_message);
  void process_delete(IkeSa& ike, const v1::DeletePayload& d);
  // Sends a Delete for the CHILD_SAs (our inbound SPIs) and removes them.
  void delete_children(IkeSa& ike, const std::vector<uint32_t>& ids);
  // Deletes the CHILD_SAs and the ISAKMP SA (RFC 2408 §3.15), then drops it.
  void delete_ike(IkeSa& ike, bool with_children);
  void child_deleted(IkeSa& ike, ChildSa& child);
  void send_dpd(IkeSa& ike, bool ack, uint32_t sequence);

  // --- timers and kernel events (engine.cc)
  void on_expire(const sa::ExpireEvent& event);
  void on_rekey_timer(IkeSa& ike);
  void on_dpd_timer(IkeSa& ike);
  void on_keepalive_timer(IkeSa& ike);
  void peer_dead(IkeSa& ike, const std::string& why);
};

// Helpers used across the exchange files.
using v1::make_payload;
Bytes spi_bytes(uint32_t spi);
std::optional<uint32_t> spi_from_bytes(ByteView b);
std::string hex32(uint32_t v);   // "c14f1c0a"
std::string hex64(uint64_t v);   // "0a1b2c3d4e5f6071"
Bytes digest_of(ByteView data);  // SHA-256, for duplicate detection
// The payload chain of a clear message: everything after the 28-byte ISAKMP header.
Bytes clear_chain(ByteView datagram);

}  // namespace ikesuite::ikev1
