// A scenario host's configuration in strongSwan 5.9's own files: strongswan.conf (the charon
// daemon: plugins, vici socket, file logger, the host's Settings) and swanctl.conf (the
// connections, rendered from their ipsec.conf keys the way starter would hand them to charon,
// the secrets and the CA certificates).
//
// Nothing the scenario says is silently dropped: every ipsec.conf key a connection sets
// (Connection::explicit_keys) is either rendered or reported as an error naming the key and
// where it was written.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/base/result.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::peers {

// Where the daemon's files live (absolute paths).
struct CharonPaths {
  std::string vici_socket;  // the Unix socket path (rendered as unix://<path>)
  std::string log_file;     // charon's file logger
};

// The file logger's level for each charon group: the scenario's levels, raised where the
// driver needs more (keys at ike/chd 4, SA installs at knl/esp 2, proposals at cfg 2).
struct CharonLogLevel {
  std::string group;  // strongswan.conf group name: "default", "ike", "knl", ...
  int level = 1;
};
std::vector<CharonLogLevel> charon_log_levels(const harness::LogLevels& scenario);

// strongswan.conf for `host`. Fails on a Settings key charon has no setting for.
Result<std::string> render_strongswan_conf(const harness::Host& host, const CharonPaths& paths);

// swanctl.conf for `host`: connections (auto=ignore sections are left out), secrets and
// authorities. Fails naming the first key (and its position) that swanctl cannot express.
Result<std::string> render_swanctl_conf(const harness::Host& host);

// The RSA and ECDSA key files of the host's secrets (as the loader resolved them): swanctl
// loads keys only from its private/ folder, so the host copies them there before
// `swanctl --load-all`.
std::vector<std::string> private_key_files(const harness::Host& host);

// starter's lifetimes in swanctl terms (ipsec.conf(5) "rekeymargin", "rekeyfuzz"): the
// rekey starts margin (+ up to margin * fuzz) before the lifetime ends.
struct IkeTimes {
  uint64_t rekey_time = 0;   // seconds; 0: no rekeying
  uint64_t reauth_time = 0;  // seconds; 0: no reauthentication
  uint64_t over_time = 0;
  uint64_t rand_time = 0;
};
struct ChildTimes {
  uint64_t rekey_time = 0;
  uint64_t life_time = 0;
  uint64_t rand_time = 0;
  uint64_t rekey_bytes = 0, life_bytes = 0, rand_bytes = 0;
  uint64_t rekey_packets = 0, life_packets = 0, rand_packets = 0;
};
IkeTimes ike_times(const harness::Connection& conn);
ChildTimes child_times(const harness::Connection& conn);

// A swanctl proposal list from ipsec.conf's: a trailing '!' makes the list strict, otherwise
// charon's defaults follow the configured proposals ("default"). Empty: "" (charon's
// defaults apply).
std::string swanctl_proposals(const std::vector<std::string>& ipsec_conf_list);

}  // namespace ikesuite::peers
