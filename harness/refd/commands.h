// The requests ike-refd's control socket understands, one JSON object each, and their
// answers. Every answer has "ok"; a failed one has "error" saying what and why.
//
//   {"cmd":"initiate","conn":"net-net"}                 swanctl --initiate --child net-net
//   {"cmd":"rekey","conn":"net-net","sa":"child"}       swanctl --rekey (sa: child | ike)
//   {"cmd":"terminate","conn":"net-net","sa":"ike"}     swanctl --terminate
//   {"cmd":"list-sas"}                                  swanctl --list-sas, as JSON (IKEv2)
//   {"cmd":"list-conns"}                                swanctl --list-conns, as JSON
//   {"cmd":"sas"}                                       every IKE SA of both engines with its
//        Child SAs and states: {"ok":true,"running":true,"sas":[{"conn","unique_id","state",
//        "children":[{"conn","unique_id","state"}]}]} (events_json.h, the checks' snapshot)
//   {"cmd":"backend"}                                   the SA backend's tables:
//        {"ok":true,"backend":{"t_us","sas":[...],"policies":[...],"reqid_conn":{"1":"net-net"}}}
//        (events_json.h: every SaEntry and PolicySpec field, keys in hex)
//   {"cmd":"fault","op":"add-sa","direction":"in","errno":"EINVAL","nth":1,"times":1}
//   {"cmd":"clear-faults"}
//   {"cmd":"misbehave","conn":"net-net","clear":false,"impair":[{"impair":"drop_message",...}]}
//        from now on the engine misbehaves as a scenario's misbehave action says: "impair"
//        is the action's list in the scenario file's form, checked by the scenario loader
//        against this host ("conn" optional; "clear": true first forgets earlier ones)
//   {"cmd":"traffic","conn":"net-net","bytes":1000,"packets":10,"direction":"both"}
//        counts traffic on the connection's installed Child SAs (direction: in|out|both)
//   {"cmd":"sa-dump"}                                   ip -s xfrm state/policy of the backend
//   {"cmd":"stats"}                                     message and transport counters
//   {"cmd":"stop"}                                      the engines stop: their SAs vanish
//        without a word to the peers; the process, its backend, faults and misbehaviour stay
//   {"cmd":"start"}                                     start again after stop (a new
//        generation; faults and misbehaviour stay)
//   {"cmd":"restart"}                                   stop, then start
//   {"cmd":"subscribe","replay":true,"from":0}          turns the connection into the event
//        stream (event_feed.h, events_json.h): the answer {"ok":true,"next":N,"replayed":R,
//        "lost":L}, then one line per event. Without "replay" only new events come; with it
//        the kept history first (log, state, backend, key and invariant events since the
//        daemon started); "from" replays from that event number on (to resume after an
//        overflow). Requests written on that connection afterwards are ignored.
//   {"cmd":"shutdown"}                                  stop and exit
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/base/time.h"
#include "harness/run/ref_host.h"
#include "harness/scenario/loader.h"

namespace ikesuite::refd {

class CommandHandler {
 public:
  // `on_shutdown` is called after a shutdown request was answered.
  CommandHandler(harness::run::RefHost& host, std::function<void()> on_shutdown)
      : host_(host), on_shutdown_(std::move(on_shutdown)) {}

  // The clock the backend snapshot's time comes from (none: zero).
  void set_clock(const Clock* clock) { clock_ = clock; }
  // The scenario file the host comes from and how it was loaded: misbehave requests are
  // checked by loading it again with the request as its timeline.
  void set_scenario(std::string path, harness::LoadOptions options) {
    scenario_path_ = std::move(path);
    load_options_ = std::move(options);
  }

  nlohmann::json handle(const nlohmann::json& request);

 private:
  nlohmann::json list_sas() const;
  nlohmann::json list_conns() const;
  nlohmann::json fault(const nlohmann::json& request);
  nlohmann::json misbehave(const nlohmann::json& request);
  nlohmann::json traffic(const nlohmann::json& request);

  harness::run::RefHost& host_;
  std::function<void()> on_shutdown_;
  const Clock* clock_ = nullptr;
  std::string scenario_path_;
  harness::LoadOptions load_options_;
};

}  // namespace ikesuite::refd
