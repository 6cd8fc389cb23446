// A Libreswan host in netns mode: pluto 4.x, extracted next to strongSwan by
// scripts/libreswan-extract.sh (Debian's package conflicts with strongSwan's), run in the
// host's network namespace and in a private mount namespace with the extracted usr/libexec
// bind-mounted on /usr/libexec (pluto runs /usr/libexec/ipsec/addconn), driven with whack.
//
//   <workdir>/ipsec.conf, ipsec.secrets   rendered by libreswan_config.h
//   <workdir>/nss/                          an empty NSS database (certutil -N)
//   <workdir>/run/pluto.ctl                 whack's control socket
//   env.log_path (or <workdir>/pluto.log)   pluto's stderr log, read back every 20 ms
//
// What is reported, from pluto's log (pluto_log.h has the state mapping): LogLines stamped
// with pluto's own timestamps in scenario time, StateChanges with charon's state names and
// pluto's state serials as unique ids, and failed kernel SA installs as backend events.
// sas() asks `whack --showstates`, sa_dump() `whack --status` plus the netns's XFRM tables.
//
// Actions: initiate/rekey/terminate run whack with --asynchronous as child processes, so the
// event loop never waits for an exchange. initiate(ike_only) turns on pluto's global
// impairment omit-v2-ike-auth-child (there is no per-connection childless option in 4.10);
// a connection with childless=force does the same when it is initiated. Terminating a Child
// SA deletes the connection's newest Child SA state (whack --deletestate). Faults,
// misbehaviour and traffic are reference-host features: kUnsupported.
//
// Keys: none are reported. pluto 4.10 keeps SK_e and SK_a as NSS symmetric keys that it
// never extracts; even `--debug crypt --debug private` only dumps SK_pi/SK_pr (measured), so
// a Libreswan host's IKE traffic is decrypted with the keys of its peer (a ref or strongSwan
// host), which hold the same SK_e/SK_a.
#pragma once

#include <memory>
#include <string>

#include "engine/base/result.h"
#include "harness/run/daemon_env.h"
#include "harness/run/host.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::peers {

// `libreswan_root` is the folder scripts/libreswan-extract.sh prints (pluto is
// <root>/usr/libexec/ipsec/pluto). Fails when the host's configuration cannot be expressed
// for pluto (the error names the key and where it was written) or pluto is missing.
Result<std::unique_ptr<harness::run::ScenarioHost>> create_libreswan_host(
    const harness::Host& host, harness::run::DaemonHostEnv env, std::string libreswan_root);

// The default extraction folder: $IKESUITE_LIBRESWAN_DIR or /opt/ikesuite/libreswan.
std::string default_libreswan_root();

}  // namespace ikesuite::peers
