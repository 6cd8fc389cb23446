// The engine's records of IKE SAs and Child SAs. Plain data owned by the Engine; the
// protocol logic lives in the exchange handlers (exchange_*.cc).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/time.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/ikev2_keys.h"
#include "engine/crypto/prf.h"
#include "engine/crypto/sk.h"
#include "engine/ikev2/config.h"
#include "engine/ikev2/state.h"
#include "engine/sa/sa_backend.h"
#include "engine/wire/ikev2/message.h"

namespace ikesuite::ikev2 {

struct IkeSa;

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

  v2::Proposal proposal;  // the selected one, with the peer's SPI
  std::vector<v2::TrafficSelector> ts_local;
  std::vector<v2::TrafficSelector> ts_remote;

  // The negotiation's nonces and (PFS) key exchange, kept until the keys are derived.
  Bytes nonce_i;
  Bytes nonce_r;
  std::unique_ptr<crypto::KeyExchange> dh;
  v2::DhGroup dh_group = v2::DhGroup::None;

  bool in_installed = false;
  bool out_installed = false;
  bool policies_installed = false;
  bool spi_reserved = false;  // spi_in allocated in the backend but no SA added yet

  Time established_at{};
  Duration rekey_after{};  // the rekey time this Child SA was installed with
  TimerId delete_timer = kNoTimer;    // delete_rekeyed_delay, or a DELETING timeout
  TimerId retry_timer = kNoTimer;     // TEMPORARY_FAILURE retry
  // The SA this one replaced (rekey), or the SA replacing this one.
  uint32_t rekeyed_from = 0;
  uint32_t rekeyed_by = 0;
  // RFC 7296 §2.8.1: the Child SA the peer created by rekeying this one while our own rekey
  // of it was outstanding.
  uint32_t collision_with = 0;
  uint32_t rekey_retries = 0;
};

// One job of the IKE SA's task queue: an exchange we are to initiate. Only one request is
// outstanding at a time (window size 1, RFC 7296 §2.3), so jobs wait in order.
struct Job {
  enum class Kind : uint8_t {
    IkeInit,
    IkeAuth,
    CreateChild,
    RekeyChild,
    RekeyIke,
    DeleteChild,
    DeleteIke,
    Dpd,
    NotifyError,  // an INFORMATIONAL carrying an error notify (RFC 7296 §2.21)
  };
  Kind kind = Kind::IkeInit;
  const ChildConfig* child_config = nullptr;
  uint32_t child_id = 0;        // the Child SA concerned (rekey, delete)
  std::vector<uint32_t> child_ids;  // several Child SAs deleted in one exchange
  v2::NotifyType notify = v2::NotifyType::AUTHENTICATION_FAILED;
  bool expired = false;         // delete because of a hard expire
  bool reauth = false;          // delete the IKE SA to reauthenticate: initiate a new one after
};

std::string_view name(Job::Kind k);

// What we sent and are waiting an answer for.
struct Outstanding {
  Job job;
  uint32_t message_id = 0;
  v2::ExchangeType exchange = v2::ExchangeType::Informational;
  std::vector<Bytes> datagrams;  // the request as sent (several when fragmented)
  uint32_t retransmits = 0;
  TimerId timer = kNoTimer;
  // Exchange state carried from request to response.
  uint32_t new_child_id = 0;                   // CREATE_CHILD_SA: the Child SA being made
  std::unique_ptr<IkeSa> new_ike;              // CREATE_CHILD_SA: the IKE SA rekey
};

struct FragmentBuffer {
  uint32_t message_id = 0;
  uint16_t total = 0;
  v2::PayloadType first = v2::PayloadType::None;
  std::map<uint16_t, Bytes> plaintext;  // fragment number -> decrypted chunk
};

struct IkeSa {
  uint32_t unique_id = 0;  // [n]
  const PeerConfig* config = nullptr;
  IkeSaState state = IkeSaState::Created;
  bool initiator = false;  // we are the original initiator (RFC 7296 §2.2: the I flag)
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  Endpoint local;
  Endpoint remote;
  bool nat_local = false;   // we are behind a NAT
  bool nat_remote = false;  // the peer is behind a NAT
  bool on_4500 = false;     // RFC 7296 §2.23: moved to port 4500

  v2::Proposal proposal;
  std::optional<crypto::Prf> prf;
  std::optional<crypto::SkSuite> suite;
  crypto::IkeSaKeys keys;
  std::unique_ptr<crypto::KeyExchange> dh;
  v2::DhGroup dh_group = v2::DhGroup::None;
  Bytes nonce_i;
  Bytes nonce_r;
  Bytes cookie;             // a COOKIE the responder asked us to return
  Bytes init_request;       // IKE_SA_INIT messages as sent, for the AUTH octets (§2.15)
  Bytes init_response;
  Identity my_id;
  Identity peer_id;
  bool peer_fragmentation = false;
  std::vector<v2::HashAlgorithm> peer_hashes;

  uint32_t next_request_mid = 0;   // the message ID of our next request
  uint32_t expected_request_mid = 0;  // the message ID of the peer's next request
  std::optional<Outstanding> outstanding;
  std::deque<Job> queue;
  // The last response we sent, for retransmitted requests (RFC 7296 §2.1).
  std::optional<uint32_t> cached_response_mid;
  std::vector<Bytes> cached_response;
  std::optional<FragmentBuffer> fragments;

  std::vector<std::unique_ptr<ChildSa>> children;

  Time created_at{};
  Time established_at{};
  Time last_inbound{};
  Time last_outbound{};
  uint32_t keyingtry = 1;
  uint32_t init_retries = 0;  // COOKIE and INVALID_KE_PAYLOAD round trips so far
  TimerId rekey_timer = kNoTimer;
  TimerId reauth_timer = kNoTimer;
  TimerId expire_timer = kNoTimer;
  TimerId dpd_timer = kNoTimer;
  TimerId half_open_timer = kNoTimer;
  TimerId keepalive_timer = kNoTimer;
  uint32_t rekeyed_from = 0;  // the IKE SA this one replaced
  uint32_t reauth_of = 0;     // make-before-break: the IKE SA this one reauthenticates
  uint32_t rekeyed_by = 0;

  ChildSa* find_child(uint32_t unique_id);
  ChildSa* find_child_by_spi(uint32_t spi, bool inbound);
  uint64_t my_spi() const { return initiator ? spi_i : spi_r; }
  uint64_t peer_spi() const { return initiator ? spi_r : spi_i; }
};

}  // namespace ikesuite::ikev2
