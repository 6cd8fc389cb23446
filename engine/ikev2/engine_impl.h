// The engine's internals, shared by its .cc files (one per exchange). Not part of the API.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ikev2/engine.h"
#include "engine/ikev2/proposal_select.h"

namespace ikesuite::ikev2 {

using Payloads = std::vector<v2::Payload>;

// A received message after decryption: the outer message, the payloads inside SK (or the clear
// payloads for IKE_SA_INIT), and the datagram it came in.
struct Received {
  const net::Datagram* datagram = nullptr;
  v2::Message message;
  Payloads payloads;

  const v2::Payload* find(v2::PayloadType type) const;
  template <typename T>
  const T* get(v2::PayloadType type) const {
    const v2::Payload* p = find(type);
    return p ? p->as<T>() : nullptr;
  }
  const v2::NotifyPayload* notify(v2::NotifyType type) const;
  // The first error notify (type < 16384), if any.
  const v2::NotifyPayload* error_notify() const;
  std::vector<const v2::NotifyPayload*> notifies() const;
};

// One row of the dispatch table: which handler processes which message in which state.
struct Route {
  uint32_t states;  // bit mask of IkeSaState values
  v2::ExchangeType exchange;
  bool response;
  void (Engine::Impl::*handler)(IkeSa&, Received&);
  std::string_view name;
};

constexpr uint32_t state_bit(IkeSaState s) { return 1u << static_cast<unsigned>(s); }

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
  Bytes cookie_secret;
  bool destroy_pending = false;
  // A shared flag timers check so callbacks scheduled by a destroyed engine do nothing.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  // --- logging and state (engine.cc)
  void log(LogGroup group, int level, const std::string& text);
  std::string ike_label(const IkeSa& ike) const;   // "net-net[1]"
  std::string child_label(const ChildSa& child) const;  // "net-net{1}"
  void set_state(IkeSa& ike, IkeSaState to);
  void set_state(IkeSa& ike, ChildSa& child, ChildSaState to);
  void invariant(bool ok, std::string_view what);
  IkeSaRef ref(const IkeSa& ike) const;
  ChildSaRef ref(const IkeSa& ike, const ChildSa& child) const;
  // Schedules `fn` after `delay`, dropped if the engine or the IKE SA is gone by then.
  TimerId after(Duration delay, IkeSa& ike, std::function<void(IkeSa&)> fn);
  TimerId after(Duration delay, std::function<void()> fn);
  void cancel(TimerId& id);

  // --- IKE SA table (engine.cc)
  IkeSa& create_ike_sa(const PeerConfig* config, bool initiator);
  IkeSa* find_ike(uint64_t my_spi);
  IkeSa* find_ike_by_id(uint32_t unique_id);
  // Whether another IKE SA of ike's connection is established (no INITIAL_CONTACT then).
  bool has_other_established(const IkeSa& ike) const;
  IkeSa* find_half_open(uint64_t spi_i, const Endpoint& remote);
  IkeSa* find_established(const PeerConfig* config);
  // ipsec.conf sections that differ only in their Child SA share one peer configuration in
  // charon (stroke merges them: "added child to existing configuration"), so their Child SAs
  // share an IKE SA.
  static bool same_peer(const PeerConfig& a, const PeerConfig& b);
  // Tears the IKE SA and all its Child SAs down (without telling the peer) and removes it.
  void destroy_ike(IkeSa& ike);
  void collect_garbage();
  size_t half_open_count() const;
  size_t half_open_count(const IpAddress& peer) const;
  const PeerConfig* find_config(const std::string& name) const;
  // The connection a responder uses for an IKE_SA_INIT from `remote` to `local`.
  const PeerConfig* match_config_by_address(const Endpoint& local, const Endpoint& remote) const;

  // --- jobs and the request/response machinery (engine.cc)
  void queue_job(IkeSa& ike, Job job);
  void run_queue(IkeSa& ike);
  void start_job(IkeSa& ike, Job job);
  // Sends a request of our own (encrypted unless IKE_SA_INIT) and arms the retransmission.
  void send_request(IkeSa& ike, Job job, v2::ExchangeType exchange, Payloads payloads,
                    std::function<void(Outstanding&)> fill = {});
  void send_response(IkeSa& ike, v2::ExchangeType exchange, uint32_t mid, Payloads payloads);
  // Unencrypted response outside any IKE SA (IKE_SA_INIT errors, COOKIE).
  void send_clear_response(const net::Datagram& to, const v2::Header& request,
                           Payloads payloads);
  void transmit(IkeSa& ike, const std::vector<Bytes>& datagrams, v2::ExchangeType ex,
                bool response, uint32_t mid, bool retransmit);
  void on_retransmit(IkeSa& ike);
  void request_done(IkeSa& ike);
  Result<std::vector<Bytes>> build_message(IkeSa& ike, v2::ExchangeType exchange,
                                           bool response, uint32_t mid, Payloads payloads);

  // --- protection (protect.cc)
  Result<std::vector<Bytes>> protect(IkeSa& ike, v2::Header header, const Payloads& payloads);
  // Decrypts SK, or collects SKF fragments: nullopt (no error) while fragments are missing.
  Result<std::optional<Payloads>> unprotect(IkeSa& ike, const Bytes& datagram,
                                            const v2::Message& message);

  // --- receiving (engine.cc)
  void answer_major_version(const net::Datagram& d);
  void on_datagram(const net::Datagram& datagram);
  void dispatch(IkeSa& ike, const net::Datagram& datagram, v2::Message message);
  static const Route* route(IkeSaState state, v2::ExchangeType ex, bool response);

  // --- IKE_SA_INIT (exchange_init.cc)
  IkeSa* initiate_ike(const PeerConfig* config, uint32_t keyingtry = 1,
                      std::optional<Endpoint> remote = std::nullopt);
  void reauthenticate(IkeSa& ike);
  void build_init_request(IkeSa& ike);
  void on_init_request(const net::Datagram& datagram, v2::Message message);
  void on_init_response(IkeSa& ike, Received& in);
  Status derive_ike_keys(IkeSa& ike, ByteView shared_secret);
  Status derive_ike_keys_from(IkeSa& ike, ByteView skeyseed);
  Payloads nat_detection_payloads(const IkeSa& ike, const Endpoint& local,
                                  const Endpoint& remote) const;
  void process_nat_detection(IkeSa& ike, const Received& in);
  bool cookie_required() const;
  Bytes make_cookie(const net::Datagram& datagram, const v2::Header& header,
                    ByteView nonce) const;

  // --- IKE_AUTH (exchange_auth.cc)
  void build_auth_request(IkeSa& ike);
  void fail_auth(IkeSa& ike);
  void on_auth_request(IkeSa& ike, Received& in);
  void on_auth_response(IkeSa& ike, Received& in);
  Result<v2::AuthPayload> build_auth(IkeSa& ike, bool as_initiator);
  Status verify_auth(IkeSa& ike, const Received& in, bool peer_is_initiator);
  Payloads cert_payloads(const IkeSa& ike) const;
  void established(IkeSa& ike);
  void schedule_ike_timers(IkeSa& ike);

  // --- Child SAs (child.cc)
  ChildSa& create_child(IkeSa& ike, const ChildConfig* config);
  Result<uint32_t> allocate_spi(IkeSa& ike, ChildSa& child);
  Payloads child_request_payloads(IkeSa& ike, ChildSa& child, bool rekey, bool first);
  // Responder side: selects proposal and selectors; on error the notify to send.
  Result<Payloads> child_respond(IkeSa& ike, ChildSa& child, const Received& in, bool first,
                                 ByteView ni, ByteView nr);
  // Initiator side: checks the response and installs.
  Status child_complete(IkeSa& ike, ChildSa& child, const Received& in, bool first);
  Status install_child(IkeSa& ike, ChildSa& child, bool exchange_initiator, ByteView ni,
                       ByteView nr, ByteView g_ir);
  void uninstall_child(IkeSa& ike, ChildSa& child, bool outbound_only = false);
  void release_spi(IkeSa& ike, ChildSa& child);
  // An installed Child SA (of any IKE SA) with the same selectors and mode: its reqid and
  // policies are shared. shares_policies: another installed Child SA uses child's reqid.
  ChildSa* policy_twin(const ChildSa& child);
  bool shares_policies(const ChildSa& child) const;
  void destroy_child(IkeSa& ike, ChildSa& child);
  const ChildConfig* match_child_config(const IkeSa& ike, const Received& in) const;
  std::vector<v2::TrafficSelector> local_selectors(const IkeSa& ike,
                                                   const ChildConfig& config) const;
  std::vector<v2::TrafficSelector> remote_selectors(const IkeSa& ike,
                                                    const ChildConfig& config) const;

  // --- CREATE_CHILD_SA (exchange_child.cc)
  void build_create_child(IkeSa& ike, Job job);
  void build_rekey_child(IkeSa& ike, Job job);
  void build_rekey_ike(IkeSa& ike, Job job);
  void on_create_child_request(IkeSa& ike, Received& in);
  void on_create_child_response(IkeSa& ike, Received& in);
  void respond_rekey_ike(IkeSa& ike, Received& in);
  void complete_rekey_ike(IkeSa& ike, Received& in);
  void adopt_children(IkeSa& from, IkeSa& to);

  // --- INFORMATIONAL (exchange_info.cc)
  void build_delete_child(IkeSa& ike, Job job);
  void build_delete_ike(IkeSa& ike, Job job);
  void build_dpd(IkeSa& ike, Job job);
  void build_notify_error(IkeSa& ike, Job job);
  void on_informational_request(IkeSa& ike, Received& in);
  void on_informational_response(IkeSa& ike, Received& in);
  void child_deleted(IkeSa& ike, ChildSa& child, bool we_initiated);

  // --- timers and kernel events (engine.cc)
  void on_expire(const sa::ExpireEvent& event);
  void on_rekey_ike_timer(IkeSa& ike);
  void on_dpd_timer(IkeSa& ike);
  void on_keepalive_timer(IkeSa& ike);
};

// Short helpers used across the exchange files.
using v2::make_payload;
using v2::spi_bytes;
v2::Payload notify_payload(v2::NotifyType type, ByteView data = {},
                           v2::ProtocolId protocol = v2::ProtocolId::None, ByteView spi = {});
Bytes spi_bytes64(uint64_t spi);
std::optional<uint32_t> spi_from_bytes(ByteView b);
std::string hex32(uint32_t v);  // "c14f1c0a"

}  // namespace ikesuite::ikev2
