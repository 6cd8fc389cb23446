// A scenario host as the runner drives and judges it. The implementation is a field of the
// scenario, so it is an interface here: the reference engine (ref_host.h) is one; daemons
// (strongSwan, Libreswan) driven in netns mode will be others. Everything the checks need
// from a host comes through it: its log, its SA states, its SA backend's history and table.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/sa/sa_backend.h"
#include "engine/wire/ikev1/types.h"
#include "harness/run/host_log.h"
#include "harness/run/recording_backend.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::run {

// An IKE or Child SA entering a state, as the host reports it.
struct StateChange {
  Time t{0};
  std::string host;
  uint32_t generation = 0;  // which start of the host (a restart begins a new one)
  bool ike = true;
  std::string conn;
  uint32_t unique_id = 0;  // [n] or {n}
  std::string from;        // charon state names
  std::string to;
};

struct ChildSnapshot {
  std::string conn;
  uint32_t unique_id = 0;
  std::string state;
};

struct IkeSnapshot {
  std::string conn;
  uint32_t unique_id = 0;
  std::string state;
  std::vector<ChildSnapshot> children;
};

// The SA backend's tables at one moment.
struct BackendSnapshot {
  Time t{0};
  std::vector<sa::SaEntry> sas;
  std::vector<sa::PolicySpec> policies;
  std::map<uint32_t, std::string> reqid_conn;  // which connection each reqid belongs to
};

// Keys of an IKE SA or a Child SA direction, for the trace's decryption and the key tables.
struct IkeKeys {
  uint64_t spi_i = 0, spi_r = 0;
  v2::EncrId encr = v2::EncrId::AES_CBC;
  uint16_t encr_key_bits = 0;
  v2::IntegId integ = v2::IntegId::None;
  Bytes sk_ei, sk_er, sk_ai, sk_ar;
};
// An IKEv1 ISAKMP SA's keys (RFC 2409 Appendix B): the trace decrypts with Ka and IVs it
// derives from the KE payloads, Wireshark's ikev1_decryption_table wants CKY-I and Ka.
struct Ikev1Keys {
  uint64_t cookie_i = 0, cookie_r = 0;
  v1::OakleyEncryption encr = v1::OakleyEncryption::AES_CBC;
  uint16_t encr_key_bits = 0;
  v1::OakleyHash hash = v1::OakleyHash::SHA2_256;
  Bytes ka, skeyid_d, skeyid_a;
};
struct EspKeys {
  IpAddress src, dst;
  uint32_t spi = 0;
  v2::EncrId encr = v2::EncrId::AES_CBC;
  v2::IntegId integ = v2::IntegId::None;
  Bytes encr_key, integ_key;
};

// What hosts report as it happens.
struct HostListener {
  std::function<void(const std::string& host, const LogLine& line)> on_log;
  std::function<void(const StateChange& change)> on_state;
  std::function<void(const std::string& host, const BackendEvent& event)> on_backend;
  std::function<void(const std::string& host, const IkeKeys& keys)> on_ike_keys;
  std::function<void(const std::string& host, const Ikev1Keys& keys)> on_ikev1_keys;
  std::function<void(const std::string& host, const EspKeys& keys)> on_esp_keys;
  // An engine bug (a transition its tables forbid): the scenario counts as an error.
  std::function<void(const std::string& host, const std::string& what)> on_invariant;
};

class ScenarioHost {
 public:
  virtual ~ScenarioHost() = default;
  virtual const std::string& name() const = 0;
  virtual Implementation implementation() const = 0;

  // The daemon starts (connections loaded, auto=start ones initiated), stops (its SAs vanish
  // without a word and it sends nothing), or restarts.
  virtual Status start() = 0;
  virtual void stop() = 0;
  virtual bool running() const = 0;

  // swanctl --initiate / --rekey / --terminate.
  virtual Status initiate(const std::string& conn, bool ike_only) = 0;
  virtual Status rekey(const std::string& conn, SaKind sa) = 0;
  virtual Status terminate(const std::string& conn, SaKind sa) = 0;

  // Faults of the SA backend, misbehaviour, simulated traffic (ref hosts).
  virtual Status add_fault(const FaultSpec& fault) = 0;
  virtual void clear_faults() = 0;
  virtual Status misbehave(const std::vector<Impairment>& impairments, const std::string& conn,
                           bool clear) = 0;
  virtual Status traffic(const std::string& conn, const TrafficSpec& traffic) = 0;

  // What checks read.
  virtual std::vector<IkeSnapshot> sas() const = 0;
  virtual BackendSnapshot backend(Time now) const = 0;
  virtual const std::vector<BackendEvent>& backend_events() const = 0;
  virtual const std::vector<LogLine>& log_lines() const = 0;
  // `ip -s xfrm state` / `ip xfrm policy` shaped dump of the SA backend.
  virtual std::string sa_dump() const = 0;
};

}  // namespace ikesuite::harness::run
