// An SA backend decorator that records every operation the engine asks of the kernel, with
// its time, direction, SPI, result and errno, and every expire event the kernel reports: the
// data sa_events checks, "sa_event" event references and the report's SA notes are judged
// from. It sits on top of the FaultInjector, so injected failures are recorded as the engine
// saw them (and marked as injected).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/time.h"
#include "engine/sa/fault_injector.h"
#include "engine/sa/sa_backend.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::run {

struct BackendEvent {
  Time t{0};
  SaOp op = SaOp::kAddSa;
  // in/out for SAs (an SPI allocation is inbound), in/out/fwd for policies.
  std::optional<Direction> direction;
  std::optional<IpsecProtocol> protocol;
  // The SA (protocol, SPI, destination) for SA operations and expire events.
  uint32_t spi = 0;
  IpAddress dst;
  bool ok = true;
  int err = 0;          // errno of a failed operation
  std::string error;    // the error's text, as the engine saw it
  std::string conn;     // the connection of the Child SA, when known
  uint32_t reqid = 0;
  bool injected = false;  // the failure came from a scenario fault
  // "add SA ESP 0xc1a5f00d 192.168.0.2 => 192.168.0.1 (in)", for reports.
  std::string text;

  bool is_sa_operation() const { return op != SaOp::kAddPolicy && op != SaOp::kDeletePolicy; }
};

class RecordingBackend final : public sa::SaBackend {
 public:
  // `faults` (may be null) tells injected failures from real ones. `on_event` is called
  // with the index of each new event in events().
  RecordingBackend(sa::SaBackend& inner, const Clock& clock, const sa::FaultInjector* faults);

  void set_listener(std::function<void(size_t index)> on_event) { listener_ = std::move(on_event); }
  const std::vector<BackendEvent>& events() const { return events_; }

  std::string_view kind() const override { return inner_.kind(); }
  Result<uint32_t> allocate_spi(sa::Protocol protocol, const IpAddress& src,
                                const IpAddress& dst) override;
  Status add_sa(const sa::SaSpec& spec) override;
  Status update_sa(const sa::SaKey& key, const sa::SaUpdate& update) override;
  Status delete_sa(const sa::SaKey& key) override;
  Status add_policy(const sa::PolicySpec& policy) override;
  Status delete_policy(const sa::Selector& selector, sa::Direction direction) override;
  std::vector<sa::SaEntry> list_sas() const override { return inner_.list_sas(); }
  std::vector<sa::PolicySpec> list_policies() const override { return inner_.list_policies(); }
  std::optional<sa::SaEntry> find_sa(const sa::SaKey& key) const override {
    return inner_.find_sa(key);
  }
  std::vector<sa::SpiReservation> list_reserved_spis() const override {
    return inner_.list_reserved_spis();
  }
  void set_expire_handler(std::function<void(const sa::ExpireEvent&)> handler) override;

  // The connection a reqid belongs to, learned from the SAs installed with it.
  std::string conn_of_reqid(uint32_t reqid) const;

 private:
  struct SaFacts {
    bool inbound = false;
    std::string conn;
    uint32_t reqid = 0;
    std::vector<size_t> events;  // events about this SA whose connection was not known yet
  };
  size_t record(BackendEvent e, const Status& status, size_t fired_before);
  SaFacts& facts(const sa::SaKey& key) { return sas_[key]; }
  void learn_conn(const sa::SaKey& key, const std::string& conn, uint32_t reqid);

  sa::SaBackend& inner_;
  const Clock& clock_;
  const sa::FaultInjector* faults_;
  std::function<void(size_t)> listener_;
  std::function<void(const sa::ExpireEvent&)> handler_;
  std::vector<BackendEvent> events_;
  std::map<sa::SaKey, SaFacts> sas_;
  std::map<uint32_t, std::string> reqids_;
  std::map<std::pair<sa::Selector, sa::Direction>, std::pair<sa::Protocol, uint32_t>> policies_;
};

// The connection name of an engine label ("net-net{3}" -> "net-net").
std::string conn_of_label(std::string_view label);
IpsecProtocol to_model(sa::Protocol p);

}  // namespace ikesuite::harness::run
