// pluto's log read back as the harness's LogLines, StateChanges and SA backend events.
//
// pluto (--stderrlog, timestamps on) writes "Nov 23 18:22:36.455017: <text>" in local time;
// the year is the one of the run's origin. Lines of one state carry its serial number:
// "\"net-net\" #3: initiator established IKE SA; ...".
//
// pluto has no notion of charon's SA states, so the tracker derives them from what pluto
// logs at its default level (no debugging needed), and reports them with charon's names:
//
//   pluto log line (state #N of conn C)                  IKE SA #N               Child SA #N
//   "initiating IKEv2 connection", "initiating IKEv1     CREATED => CONNECTING
//     Main Mode"/"Aggressive Mode", "sent IKE_SA_INIT
//     reply", "responding to Main/Aggressive Mode"
//   "initiating rekey to replace IKE SA #M"              #N CREATED => CONNECTING,
//                                                        #M ESTABLISHED => REKEYING
//   "... established IKE SA", "ISAKMP SA established",   => ESTABLISHED
//     "IKE SA established"
//   "initiator|responder rekeyed IKE SA #M"              #N => ESTABLISHED, #M => REKEYED
//   "initiating Quick Mode", "initiating Child SA using                          CREATED (no
//     IKE SA #M", "initiating rekey to replace Child SA                          report)
//     #M" (old: INSTALLED => REKEYING)
//   "netlink response for Add SA ..." (install fails)                            => INSTALLING
//   "established Child SA", "IPsec SA established"                               => INSTALLING,
//                                                                                 => INSTALLED
//   "rekeyed Child SA #M"                                                        #M => REKEYED
//   "deleting state (STATE_X) ... and sending            => DELETING,            => DELETING,
//     notification"                                        => DESTROYING         => DELETED,
//                                                                                => DESTROYING
//   "deleting state (STATE_X)" without notification      => DESTROYING           => DESTROYING
//     ("... and NOT sending notification")
//   "CHILD SA encountered fatal error", "state                                   => DESTROYING
//     transition '...' failed" (pluto drops the state
//     without a delete line)
//
// A serial is an IKE SA or a Child SA by the line that first names it, or by the STATE_
// name of its delete line (STATE_V2_ESTABLISHED_CHILD_SA, STATE_QUICK_*, *IPSEC*: Child).
// pluto_state_name() maps pluto's STATE_ names (whack --showstates) the same way.
//
// The failing kernel install ("netlink response for Add SA esp.c1a5f00d@192.168.0.1:
// Protocol not supported (errno 93)") is also reported as a failed add-SA backend event.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/time.h"
#include "harness/run/host.h"
#include "harness/run/host_log.h"
#include "harness/run/recording_backend.h"

namespace ikesuite::peers {

// A line split into its timestamp (Unix time; `year` fills in what pluto leaves out, in
// local time) and its text. Lines without a timestamp (what pluto prints before its log is
// set up) give nullopt for the time.
struct PlutoLine {
  std::optional<Time> unix_time;
  std::string text;
};
PlutoLine split_pluto_line(std::string_view line, int year);

// The log group a line belongs to (for LogLine::group).
LogGroup pluto_line_group(std::string_view text);

// The charon name of a pluto state: {ike, "ESTABLISHED"} for STATE_V2_ESTABLISHED_IKE_SA.
struct PlutoState {
  bool ike = true;
  std::string name;
};
std::optional<PlutoState> pluto_state_name(std::string_view state);

// The serial, connection and text after "#N: " of a state's line, if it is one.
struct StateLine {
  std::string conn;
  uint32_t serial = 0;
  std::string body;
};
std::optional<StateLine> parse_state_line(std::string_view text);

class PlutoStateTracker {
 public:
  struct Output {
    std::vector<harness::run::StateChange> changes;  // t, conn, ike, unique_id, from, to
    std::vector<harness::run::BackendEvent> backend;
  };
  // Feeds one line's text at scenario time t.
  Output feed(Time t, std::string_view text);

  struct Sa {
    bool ike = true;
    std::string conn;
    std::string state;
    uint32_t parent = 0;  // Child SAs: the IKE SA's serial, when pluto named it
  };
  // Every SA the log says exists, by serial.
  const std::map<uint32_t, Sa>& sas() const { return sas_; }
  void clear() { sas_.clear(); }

 private:
  void move(Output& out, Time t, uint32_t serial, const std::string& conn, bool ike, const std::string& to);
  std::map<uint32_t, Sa> sas_;
};

// `whack --showstates` (or the state lines of --status) as snapshots: IKE SAs with their
// Child SAs ("IKE SA #1" / "isakmp#1" names the parent).
std::vector<harness::run::IkeSnapshot> parse_showstates(std::string_view output);

}  // namespace ikesuite::peers
