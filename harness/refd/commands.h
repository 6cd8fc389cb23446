// The requests ike-refd's control socket understands, one JSON object each, and their
// answers. Every answer has "ok"; a failed one has "error" saying what and why.
//
//   {"cmd":"initiate","conn":"net-net"}                 swanctl --initiate --child net-net
//   {"cmd":"rekey","conn":"net-net","sa":"child"}       swanctl --rekey (sa: child | ike)
//   {"cmd":"terminate","conn":"net-net","sa":"ike"}     swanctl --terminate
//   {"cmd":"list-sas"}                                  swanctl --list-sas, as JSON
//   {"cmd":"list-conns"}                                swanctl --list-conns, as JSON
//   {"cmd":"fault","op":"add-sa","direction":"in","errno":"EINVAL","nth":1,"times":1}
//   {"cmd":"clear-faults"}
//   {"cmd":"sa-dump"}                                   ip -s xfrm state/policy of the backend
//   {"cmd":"stats"}                                     message and transport counters
//   {"cmd":"restart"}                                   drop every SA silently, start again
//   {"cmd":"shutdown"}                                  stop and exit
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/run/ref_host.h"

namespace ikesuite::refd {

class CommandHandler {
 public:
  // `on_shutdown` is called after a shutdown request was answered.
  CommandHandler(harness::run::RefHost& host, std::function<void()> on_shutdown)
      : host_(host), on_shutdown_(std::move(on_shutdown)) {}

  nlohmann::json handle(const nlohmann::json& request);

 private:
  nlohmann::json list_sas() const;
  nlohmann::json list_conns() const;
  nlohmann::json fault(const nlohmann::json& request);

  harness::run::RefHost& host_;
  std::function<void()> on_shutdown_;
};

}  // namespace ikesuite::refd
