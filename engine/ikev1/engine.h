// The IKEv1 reference engine: initiator and responder of Main Mode (PSK and signatures),
// Aggressive Mode, Quick Mode and Informational exchanges (RFC 2408, RFC 2409, RFC 2407),
// with NAT traversal (RFC 3947), dead peer detection (RFC 3706), lifetimes and rekeying, for
// one host. Like the IKEv2 engine it does no I/O of its own and reads no clock: datagrams come
// in through on_datagram(), time and timers through the Clock and Timers it is given, SAs go to
// the SA backend and what it sends goes to the Transport. Its API is the IKEv2 engine's, name
// for name, so a host can hold both engines on one transport and one SA backend and route each
// datagram by the major version in its header.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/base/log.h"
#include "engine/base/random.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/ikev1/config.h"
#include "engine/ikev1/impair.h"
#include "engine/ikev1/observer.h"
#include "engine/ikev1/sa.h"
#include "engine/ikev2/engine.h"
#include "engine/net/transport.h"
#include "engine/sa/sa_backend.h"

namespace ikesuite::ikev1 {

struct Env {
  const Clock& clock;
  Timers& timers;
  Random& rng;
  Logger& log;
  sa::SaBackend& kernel;
  net::Transport& net;
  Observer* observer = nullptr;
  // Added to clock.now() to get the Unix time certificates are checked against.
  Duration wall_offset{0};
};

// Listings in the IKEv2 engine's shape: spi_i/spi_r are the cookies CKY-I/CKY-R.
using ikev2::ChildSaInfo;
using ikev2::IkeSaInfo;

class Engine {
 public:
  Engine(Env env, Settings settings, Credentials credentials);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Adds a connection (ipsec.conf "conn" with keyexchange=ikev1). auto=route is refused.
  Status add_connection(PeerConfig config);
  // Brings up the connections marked auto=start.
  void start();

  // Brings up the connection: Main (or Aggressive) Mode, then a Quick Mode per CHILD_SA
  // config; over an established ISAKMP SA of the connection, the Quick Modes only.
  Status initiate(const std::string& conn);
  // A new Quick Mode replacing each installed CHILD_SA (the old ones are deleted after).
  Status rekey_child(const std::string& conn);
  // A new phase 1 (IKEv1 has no ISAKMP SA rekeying: reauthentication) that adopts the
  // CHILD_SAs; the old ISAKMP SA is deleted after.
  Status rekey_ike(const std::string& conn);
  // Deletes the CHILD_SAs (INFORMATIONAL Delete, RFC 2408 §3.15).
  Status terminate_child(const std::string& conn);
  // Deletes the CHILD_SAs and the ISAKMP SA.
  Status terminate_ike(const std::string& conn);
  // Drops every SA without telling the peer (a crash); the engine stays usable.
  void reset();

  // Feeds a datagram received by the transport (ISAKMP, major version 1).
  void on_datagram(const net::Datagram& datagram);
  // Feeds an expire event of the SA backend. Events for SAs of other engines are ignored.
  void on_expire(const sa::ExpireEvent& event);

  std::vector<IkeSaInfo> list_sas() const;
  std::vector<const PeerConfig*> connections() const;
  Impairments& impairments();

  struct Stats {
    uint64_t received = 0, sent = 0, retransmits = 0, dropped = 0, integrity_failures = 0;
  };
  const Stats& stats() const;
  // For the fuzzers and tests: every ISAKMP SA with its internals (read only).
  std::vector<const IkeSa*> ike_sas() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikesuite::ikev1
