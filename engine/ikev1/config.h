// Configuration of the IKEv1 engine in the terms of strongSwan's ipsec.conf (one connection =
// one ISAKMP SA configuration and its IPsec SA) and strongswan.conf, as the IKEv2 engine has
// it. Identities, pre-shared keys and the small enums are the IKEv2 engine's own types: both
// engines of a host share one credential store, and IKEv1's ID types that carry identities
// (RFC 2407 §4.6.2.1: IPV4_ADDR, FQDN, USER_FQDN, IPV6_ADDR, DER_ASN1_DN, KEY_ID) have the
// numbers IKEv2 gave the same types.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/crypto/proposal.h"
#include "engine/ikev2/config.h"
#include "engine/sa/sa_backend.h"
#include "engine/wire/ikev1/message.h"

namespace ikesuite::ikev1 {

using ikev2::AuthClass;
using ikev2::Credentials;
using ikev2::DpdAction;
using ikev2::Identity;
using ikev2::SharedKey;
using ikev2::StartAction;

// The phase-1 ID payload of an identity (RFC 2407 §4.6.2: protocol and port 0).
v1::IdPayload to_id_payload(const Identity& id);
// The identity a phase-1 ID payload names; subnets, ranges and DER_ASN1_GN are refused
// (they name no peer).
Result<Identity> identity_from(const v1::IdPayload& id);

struct EndConfig {
  Identity id;
  AuthClass auth = AuthClass::Psk;  // IKEv1 has one method for both ends: local.auth == remote.auth
  // For pubkey: our certificate and key, or the CAs we trust for the peer (or its certificate).
  std::shared_ptr<const crypto::Certificate> cert;
  std::shared_ptr<const crypto::PrivateKey> key;
  std::vector<std::shared_ptr<const crypto::Certificate>> cas;
  bool send_cert = true;
};

struct ChildConfig {
  std::string name;
  // leftsubnet/rightsubnet. A Quick Mode negotiates one selector per side (IDci, IDcr): as
  // charon does, the first subnet of each list is used. Empty: the end's own address.
  std::vector<Subnet> local_ts;
  std::vector<Subnet> remote_ts;
  uint8_t ts_protocol = 0;  // leftprotoport protocol, 0 = any
  uint16_t local_port = 0;  // leftprotoport port, 0 = any
  uint16_t remote_port = 0;
  // esp=: the transforms in priority order; a PFS group in them means Quick Mode with KE.
  std::vector<crypto::V1EspTransform> esp_proposals;
  sa::Mode mode = sa::Mode::Tunnel;  // type=tunnel|transport
  // lifetime/margintime/rekeyfuzz: rekey time = lifetime - (margintime + random(0,
  // margintime * rekeyfuzz)), installed as the inbound SA's soft add-expiry (seed 001).
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
  bool aggressive = false;  // initiate Aggressive Mode; accept it as responder
  // ike=: the phase-1 transforms in priority order (RFC 2409 Appendix A attributes; the
  // authentication method follows from local.auth and the key type).
  std::vector<crypto::V1IkeTransform> ike_proposals;
  Duration ike_lifetime = seconds(10800);  // ikelifetime: the phase-1 Life Duration
  Duration margintime = seconds(540);
  double rekeyfuzz = 1.0;
  // IKEv1 ISAKMP SAs are renewed by a new phase 1 (reauthentication), whatever reauth says.
  bool rekey = true;
  uint32_t keyingtries = 3;  // 0 = %forever
  // RFC 3706: R-U-THERE after dpd_delay without traffic from the peer (when the peer sent
  // the DPD vendor ID and dpd_action is not none); dead after dpd_timeout of silence.
  Duration dpd_delay = Duration::zero();
  Duration dpd_timeout = seconds(150);
  DpdAction dpd_action = DpdAction::None;
  bool force_encap = false;  // forceencaps: make NAT-D claim a NAT so ESP goes into UDP
  bool send_initial_contact = true;
  std::vector<ChildConfig> children;
};

// strongswan.conf "charon" settings the IKEv1 engine uses (the IKEv2 engine's names).
struct Settings {
  Duration retransmit_timeout = seconds(4.0);
  double retransmit_base = 1.8;
  uint32_t retransmit_tries = 5;
  double retransmit_jitter = 0;  // percent
  Duration delete_rekeyed_delay = seconds(5);
  Duration half_open_timeout = seconds(30);
  Duration keep_alive = seconds(20);
  uint32_t nonce_size = 32;
  uint32_t max_ikev1_exchanges = 3;  // concurrent Quick Modes per ISAKMP SA
  // The first reqid this engine allocates (0 counts as 1). A host running the IKEv2 engine
  // on the same SA backend gives each engine its own range, as charon's one kernel
  // interface numbers the reqids of both versions from one counter.
  uint32_t first_reqid = 1;
};

}  // namespace ikesuite::ikev1
