// The JSON form of what a reference host reports and what it can be asked, shared by ike-refd
// (which writes it on its control socket) and the harness's remote host (which reads it back
// into the same structures the in-process RefHost hands its HostListener).
//
// Event lines of a subscription (commands.h, "subscribe"), one JSON object per line:
//
//   {"event":"log","seq":4,"t_us":1795000000123456,"group":"IKE","level":1,"text":"..."}
//   {"event":"state","seq":5,"t_us":...,"host":"moon","generation":1,"ike":true,
//    "conn":"net-net","unique_id":1,"from":"CONNECTING","to":"ESTABLISHED"}
//   {"event":"backend","seq":6,"t_us":...,"op":"add-sa","direction":"in","protocol":"esp",
//    "spi":3232235521,"dst":"192.168.0.1","ok":true,"errno":0,"error":"","conn":"net-net",
//    "reqid":1,"injected":false,"text":"add SA ESP 0xc0a80001 ..."}
//   {"event":"ike-keys","seq":7,"spi_i":...,"spi_r":...,"encr":12,"encr_key_bits":256,
//    "integ":12,"sk_ei":"<hex>","sk_er":"<hex>","sk_ai":"<hex>","sk_ar":"<hex>"}
//   {"event":"ikev1-keys","seq":8,"cookie_i":...,"cookie_r":...,"encr":7,"encr_key_bits":256,
//    "hash":4,"ka":"<hex>","skeyid_d":"<hex>","skeyid_a":"<hex>"}
//   {"event":"esp-keys","seq":9,"src":"127.0.0.1","dst":"127.0.0.2","spi":...,"encr":12,
//    "integ":12,"encr_key":"<hex>","integ_key":"<hex>"}
//   {"event":"invariant","seq":10,"what":"..."}
//   {"event":"overflow","seq":11}   the subscriber fell behind; the daemon disconnects it
//
// Times are microseconds on the daemon's clock (the Unix epoch: ike-refd runs on the real
// clock); algorithms are their IANA numbers (IKEv2 Transform IDs, RFC 7296 §3.3.2; IKEv1
// Oakley attribute values, RFC 2409 Appendix A); keys are lower-case hex. "seq" numbers the
// daemon's events from 0 in the order they happened, so a subscriber that reconnects can ask
// for the events from where it stopped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/base/result.h"
#include "harness/run/host.h"

namespace ikesuite::refd {

enum class EventKind : uint8_t {
  kLog,
  kState,
  kBackend,
  kIkeKeys,
  kIkev1Keys,
  kEspKeys,
  kInvariant,
  kOverflow,
};
std::string_view name(EventKind k);  // "log", "state", "backend", "ike-keys", ...

// One parsed event line: `kind` says which member holds it.
struct Event {
  EventKind kind = EventKind::kLog;
  uint64_t seq = 0;
  harness::run::LogLine log;
  harness::run::StateChange state;
  harness::run::BackendEvent backend;
  harness::run::IkeKeys ike_keys;
  harness::run::Ikev1Keys ikev1_keys;
  harness::run::EspKeys esp_keys;
  std::string what;  // invariant
};

// Event objects (without "seq": the daemon numbers them as it publishes them).
nlohmann::json log_event(const harness::run::LogLine& line);
nlohmann::json state_event(const harness::run::StateChange& change);
nlohmann::json backend_event(const harness::run::BackendEvent& event);
nlohmann::json ike_keys_event(const harness::run::IkeKeys& keys);
nlohmann::json ikev1_keys_event(const harness::run::Ikev1Keys& keys);
nlohmann::json esp_keys_event(const harness::run::EspKeys& keys);
nlohmann::json invariant_event(const std::string& what);
nlohmann::json overflow_event();

// An event object or line back. Unknown kinds, missing or mistyped fields and values out of
// range are kMalformed errors that name the event kind and the field.
Result<Event> parse_event(const nlohmann::json& object);
Result<Event> parse_event_line(std::string_view line);

// Answers of the "backend" and "sas" requests. A snapshot's "t_us" and each SA's "added_us"
// and "first_use_us" are on the daemon's clock too.
nlohmann::json backend_snapshot_json(const harness::run::BackendSnapshot& snapshot);
Result<harness::run::BackendSnapshot> parse_backend_snapshot(const nlohmann::json& object);
nlohmann::json ike_snapshots_json(const std::vector<harness::run::IkeSnapshot>& sas);
Result<std::vector<harness::run::IkeSnapshot>> parse_ike_snapshots(const nlohmann::json& array);

// Time <-> the microseconds of the JSON form (sub-microsecond digits are dropped).
int64_t to_us(Time t);
Time from_us(int64_t us);

}  // namespace ikesuite::refd
