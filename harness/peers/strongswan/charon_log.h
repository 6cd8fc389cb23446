// Reading charon's file log (the filelog section charon_config.h renders: UTC time with
// milliseconds, thread, group with level, IKE SA name):
//
//   2026-11-23 18:21:11.467 12[IKE2] <net-net|1> IKE_SA net-net[1] state change: CONNECTING => ESTABLISHED
//
// into what the runner hears from every host: log lines, IKE/Child SA state changes, SA
// backend operations (charon's CHD/KNL/ESP lines around an SA install) and the keys of each
// IKE SA and ESP SA (the ike=4 and chd=4 hex dumps), so that the trace can decrypt.
//
// The parser is fed complete lines in file order and keeps what it needs across lines
// per charon thread (a hex dump continues on the thread that began it) and per IKE SA
// (proposals, keys, the Child SA being installed). A line that does not parse is skipped; a
// hex dump cut short is dropped rather than reported as a key.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/time.h"
#include "harness/run/host.h"

namespace ikesuite::peers {

namespace run = harness::run;

// One line of charon's file log.
struct CharonLine {
  Time unix_time{0};      // from "YYYY-MM-DD HH:MM:SS.mmm" (UTC)
  int thread = 0;
  std::string group;      // "IKE", "CHD", "KNL", "ESP", ...
  int level = 0;
  std::string ike_name;   // "<net-net|1>": the IKE SA the thread works for, if any
  uint32_t ike_id = 0;
  std::string text;       // the message, without the IKE SA prefix
};
std::optional<CharonLine> parse_charon_line(std::string_view line);

// The LogGroup a charon group is reported as: the eleven groups ikesuite knows map to
// themselves; libipsec's ESP counts as KNL (it is the SA backend); TLS and the TNC groups
// as LIB.
LogGroup log_group_of(std::string_view charon_group);

// "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519" as charon logs a selected
// proposal.
struct SelectedProposal {
  std::string protocol;  // "IKE", "ESP", "AH"
  v2::EncrId encr = v2::EncrId::Null;
  uint16_t encr_key_bits = 0;
  bool has_encr = false;
  v2::IntegId integ = v2::IntegId::None;
};
std::optional<SelectedProposal> parse_selected_proposal(std::string_view text);

// Keys of an IKE SA found in the log, before its SPIs are known (charon does not log them;
// the host asks swanctl --list-sas for the SA with this unique id).
struct FoundIkeKeys {
  std::string conn;
  uint32_t unique_id = 0;
  run::IkeKeys keys;  // spi_i and spi_r are 0
};

class CharonLogParser {
 public:
  struct Sink {
    std::function<void(const CharonLine&, const run::LogLine&)> on_line;
    std::function<void(const run::StateChange&)> on_state;  // host and generation unset
    std::function<void(const run::BackendEvent&)> on_backend;
    std::function<void(const FoundIkeKeys&)> on_ike_keys;
    std::function<void(const run::EspKeys&)> on_esp_keys;
  };
  // `origin`: the Unix time of scenario time zero (every time reported is t - origin).
  CharonLogParser(Time origin, Sink sink);

  // One line, without its newline.
  void feed(std::string_view line);
  // Settles operations still waiting for a possible failure line (at the end of the log).
  void flush();

  // The SAs and policies the daemon's backend holds, as its log tells (added and not yet
  // deleted).
  run::BackendSnapshot snapshot(Time t) const;
  // The daemon died: its userspace SAs (kernel-libipsec) are gone with it.
  void vanish();
  // A new daemon starts: what the parser knew of threads and IKE SAs is void (unique ids
  // start from 1 again); the SA table stays (what the kernel holds).
  void restart();

 private:
  struct Dump {
    std::string what;  // "Sk_ei", "encr_i", ...
    uint32_t ike_id = 0;
    size_t size = 0;
    Bytes bytes;
  };
  struct ChildKeys {
    bool initiator = true;  // this host's role in the exchange that made the keys
    Bytes encr_i, encr_r, integ_i, integ_r;
  };
  struct IkeContext {
    std::string conn;
    bool initiator = true;  // role in the last exchange parsed (request: responder)
    std::optional<SelectedProposal> ike_proposal;
    std::optional<SelectedProposal> child_proposal;
    std::map<std::string, Bytes> ike_keys;  // "Sk_ei" ... for the IKE SA being made
    ChildKeys child;
    std::string child_conn;
    uint32_t child_id = 0;
  };
  struct ThreadState {
    std::optional<Dump> dump;
    std::optional<run::BackendEvent> pending;  // an SA/policy operation awaiting its outcome
    std::optional<harness::Direction> adding_dir;  // "adding inbound ESP SA"
    harness::IpsecProtocol adding_proto = harness::IpsecProtocol::kEsp;
    bool registering = false;  // "registering outbound ESP SA": keys known, added later
    std::optional<std::pair<sa::Selector, sa::Direction>> pending_policy;
    int last_errno = 0;
    std::string last_error;
  };

  void handle(const CharonLine& l, Time t);
  bool continue_dump(ThreadState& th, const CharonLine& l);
  void finish_dump(const Dump& d);
  bool start_dump(ThreadState& th, const CharonLine& l);
  void handle_state(const CharonLine& l, Time t);
  bool handle_backend(ThreadState& th, const CharonLine& l, Time t);
  void settle(ThreadState& th);
  void emit_esp_keys(const CharonLine& l, bool inbound, uint32_t spi, const IpAddress& src,
                     const IpAddress& dst);

  Time origin_;
  Sink sink_;
  std::map<int, ThreadState> threads_;
  std::map<uint32_t, IkeContext> contexts_;
  std::map<uint32_t, std::pair<std::string, uint32_t>> sa_owner_;  // SPI -> (conn, reqid)
  std::map<uint32_t, IpAddress> sa_src_;                           // SPI -> source
  std::map<sa::SaKey, sa::SaEntry> sas_;
  std::map<std::pair<sa::Selector, sa::Direction>, sa::PolicySpec> policies_;
  std::map<uint32_t, std::string> reqid_conn_;
  std::set<std::pair<uint32_t, IpAddress>> esp_keys_sent_;
};

}  // namespace ikesuite::peers
