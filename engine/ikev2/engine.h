// The IKEv2 reference engine: initiator and responder of every exchange of RFC 7296, for one
// host. It does no I/O of its own and reads no clock: datagrams come in through on_datagram(),
// time and timers through the Clock and Timers it is given, SAs go to the SA backend, and what
// it sends goes to the Transport. The same engine runs on the simulated network, as a
// standalone daemon on real sockets, and under the fuzzers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/log.h"
#include "engine/base/random.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/ikev2/config.h"
#include "engine/ikev2/impair.h"
#include "engine/ikev2/observer.h"
#include "engine/ikev2/sa.h"
#include "engine/net/transport.h"
#include "engine/sa/sa_backend.h"

namespace ikesuite::ikev2 {

struct Env {
  const Clock& clock;
  Timers& timers;
  Random& rng;
  Logger& log;
  sa::SaBackend& kernel;
  net::Transport& net;
  Observer* observer = nullptr;
  // Added to clock.now() to get the Unix time certificates are checked against: zero for a
  // real clock, the wall-clock time of the run's start for a virtual one.
  Duration wall_offset{0};
};

// A snapshot of an SA for listings, reports and expectations.
struct ChildSaInfo {
  std::string name;
  uint32_t unique_id;
  ChildSaState state;
  uint32_t spi_in;
  uint32_t spi_out;
  std::string proposal;  // "ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ"
  std::vector<std::string> ts_local;
  std::vector<std::string> ts_remote;
  std::string mode;
};

struct IkeSaInfo {
  std::string name;
  uint32_t unique_id;
  IkeSaState state;
  bool initiator;
  uint64_t spi_i;
  uint64_t spi_r;
  Endpoint local;
  Endpoint remote;
  std::string local_id;
  std::string remote_id;
  std::string proposal;  // "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
  std::vector<ChildSaInfo> children;
};

class Engine {
 public:
  Engine(Env env, Settings settings, Credentials credentials);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Adds a connection (ipsec.conf "conn"). Connections with auto=start are initiated by
  // start(); auto=route installs trap policies (not yet supported: reported as an error).
  Status add_connection(PeerConfig config);
  // Brings up the connections marked auto=start.
  void start();

  // swanctl --initiate: brings up the connection's IKE SA and its Child SA(s) (or a new Child
  // SA over an existing IKE SA of that connection).
  Status initiate(const std::string& conn);
  // swanctl --rekey --child / --ike.
  Status rekey_child(const std::string& conn);
  Status rekey_ike(const std::string& conn);
  // swanctl --terminate --child / --ike.
  Status terminate_child(const std::string& conn);
  Status terminate_ike(const std::string& conn);
  // Drops every SA without telling the peer (a crash); the engine stays usable.
  void reset();

  // Feeds a datagram received by the transport.
  void on_datagram(const net::Datagram& datagram);
  // Feeds an expire event of the SA backend.
  void on_expire(const sa::ExpireEvent& event);

  std::vector<IkeSaInfo> list_sas() const;
  std::vector<const PeerConfig*> connections() const;
  Impairments& impairments();

  // Counters for reports and benchmarks.
  struct Stats {
    uint64_t received = 0, sent = 0, retransmits = 0, dropped = 0, integrity_failures = 0;
  };
  const Stats& stats() const;
  // For the fuzzers and tests: every IKE SA with its internals.
  std::vector<const IkeSa*> ike_sas() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikesuite::ikev2
