// Configuration of the IKEv2 engine, in the terms of strongSwan's ipsec.conf (one connection =
// one IKE SA configuration and its Child SA) and strongswan.conf (daemon-wide settings), so a
// scenario translates line for line from the configurations the seeds show.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/sa/sa_backend.h"
#include "engine/wire/ikev2/message.h"

namespace ikesuite::crypto {
class Certificate;
class PrivateKey;
}  // namespace ikesuite::crypto

namespace ikesuite::ikev2 {

// An IKE identity (RFC 7296 §3.5) as configured ("moon.strongswan.org", "@moon",
// "192.168.0.1", "carol@strongswan.org", "C=CH, O=strongSwan, CN=moon", "%any") or as received.
struct Identity {
  v2::IdType type = v2::IdType::FQDN;
  Bytes data;
  bool any = false;  // %any: matches every identity

  // Parses the strongSwan notation: an IP address, "@fqdn" or a bare name (FQDN), "user@host"
  // (RFC822), "@#hex" (KEY_ID), a DN with '=' (DER_ASN1_DN, encoded by engine/crypto), "%any".
  static Result<Identity> parse(std::string_view text);
  static Identity from_payload(const v2::IdPayload& id);
  v2::IdPayload to_payload() const { return {type, data}; }
  // As charon prints it: "moon.strongswan.org", "192.168.0.1", "C=CH, O=..., CN=moon".
  std::string to_string() const;
  bool matches(const Identity& other) const;
  bool operator==(const Identity&) const = default;
};

enum class AuthClass : uint8_t { Psk, PubKey, Null };
enum class StartAction : uint8_t { None, Start, Route };
enum class DpdAction : uint8_t { None, Clear, Hold, Restart };
enum class Fragmentation : uint8_t { No, Yes, Accept, Force };
enum class Childless : uint8_t { Allow, Force, Never };

struct EndConfig {
  Identity id;
  AuthClass auth = AuthClass::Psk;
  // For pubkey: our certificate and key, or the CAs we trust for the peer.
  std::shared_ptr<const crypto::Certificate> cert;
  std::shared_ptr<const crypto::PrivateKey> key;
  std::vector<std::shared_ptr<const crypto::Certificate>> cas;
  // RFC 7427 digital signatures (auth method 14) instead of the classic methods.
  bool rfc7427 = true;
  bool send_cert = true;
};

struct ChildConfig {
  std::string name;
  std::vector<Subnet> local_ts;   // leftsubnet (empty: our own address)
  std::vector<Subnet> remote_ts;  // rightsubnet (empty: the peer's address)
  uint8_t ts_protocol = 0;        // leftprotoport: 0 = any
  std::vector<v2::Proposal> esp_proposals;  // protocol ESP (or AH); a DH transform = PFS
  sa::Mode mode = sa::Mode::Tunnel;
  // ipsec.conf lifetime/margintime/rekeyfuzz: strongSwan's rekey time is
  // lifetime - (margintime + random(0, margintime * rekeyfuzz)) (seed 001).
  Duration lifetime = seconds(3600);
  Duration margintime = seconds(540);
  double rekeyfuzz = 1.0;
  uint64_t life_bytes = 0;
  uint64_t life_packets = 0;
  bool rekey = true;
  StartAction start_action = StartAction::None;
  DpdAction close_action = DpdAction::None;
  uint32_t replay_window = 32;
};

struct PeerConfig {
  std::string name;
  IpAddress local_addr;   // left (empty: %any)
  IpAddress remote_addr;  // right (empty: %any, responder only)
  uint16_t local_port = 500;
  uint16_t remote_port = 500;
  EndConfig local;
  EndConfig remote;
  std::vector<v2::Proposal> ike_proposals;  // protocol IKE
  Duration ike_lifetime = seconds(10800);   // ikelifetime
  Duration margintime = seconds(540);       // margintime applies to the IKE SA too
  double rekeyfuzz = 1.0;
  bool reauth = false;   // reauthenticate instead of rekeying the IKE SA
  bool rekey = true;
  uint32_t keyingtries = 3;  // 0 = %forever
  Duration dpd_delay = Duration::zero();
  Duration dpd_timeout = seconds(150);
  DpdAction dpd_action = DpdAction::None;
  Fragmentation fragmentation = Fragmentation::Yes;
  Childless childless = Childless::Allow;
  bool force_encap = false;
  bool send_initial_contact = true;
  std::vector<ChildConfig> children;  // ipsec.conf: exactly one; scenarios may add more
};

// strongswan.conf "charon" settings that change protocol behaviour.
struct Settings {
  Duration retransmit_timeout = seconds(4.0);
  double retransmit_base = 1.8;
  uint32_t retransmit_tries = 5;
  double retransmit_jitter = 0;  // percent
  Duration delete_rekeyed_delay = seconds(5);
  uint32_t cookie_threshold = 10;      // half-open SAs before we demand COOKIEs
  uint32_t block_threshold = 5;        // half-open SAs per peer address before refusing
  uint32_t init_limit_half_open = 0;   // 0 = no limit
  size_t fragment_size = 1280;         // IP datagram size limit before RFC 7383 fragmenting
  Duration half_open_timeout = seconds(30);
  Duration keep_alive = seconds(20);   // NAT keepalive interval
  bool make_before_break = false;
  uint32_t nonce_size = 32;
};

// Pre-shared keys as ipsec.secrets lists them: a secret and the identities it serves.
struct SharedKey {
  std::vector<Identity> ids;  // empty = any
  Bytes secret;
};

struct Credentials {
  std::vector<SharedKey> shared_keys;
  // The best shared key for this pair of identities, as charon picks it (an entry naming both
  // ids beats one naming one of them, which beats one naming none).
  const SharedKey* find_psk(const Identity& me, const Identity& other) const;
};

}  // namespace ikesuite::ikev2
