#include "engine/sa/memory_backend.h"

#include <algorithm>
#include <cerrno>

#include "engine/sa/algorithms.h"
#include "engine/sa/kernel_error.h"
#include "engine/sa/spec_checks.h"

namespace ikesuite::sa {
namespace {

// Lifetimes beyond this are "never": the timers count nanoseconds in 64 bits, and no run
// lasts a century.
constexpr uint64_t kMaxTimerSeconds = uint64_t{100} * 365 * 24 * 3600;

// Random draws before falling back to a scan, so a nearly full range still terminates.
constexpr int kRandomSpiTries = 64;

Duration whole_seconds(uint64_t s) { return std::chrono::seconds(static_cast<int64_t>(s)); }

template <typename Map>
auto by_seq(const Map& map) {
  std::vector<typename Map::const_pointer> out;
  for (const auto& kv : map) out.push_back(&kv);
  std::sort(out.begin(), out.end(),
            [](auto a, auto b) { return a->second.seq < b->second.seq; });
  return out;
}

}  // namespace

MemoryBackend::MemoryBackend(const Clock& clock, Timers& timers, Random& random,
                             MemoryOptions options)
    : clock_(clock), timers_(timers), random_(random), options_(options) {}

MemoryBackend::~MemoryBackend() {
  for (auto& [key, state] : sas_) cancel_timers(state);
  for (auto& [key, r] : reserved_) timers_.cancel(r.expiry);
  for (auto& [n, id] : deliveries_) timers_.cancel(id);
}

void MemoryBackend::log(const std::string& text) const {
  if (options_.logger && options_.logger->enabled(LogGroup::kKnl, 2))
    options_.logger->log(LogGroup::kKnl, 2, text);
}

bool MemoryBackend::spi_in_use(const SaKey& key) const {
  return sas_.count(key) != 0 || reserved_.count(key) != 0;
}

Result<uint32_t> MemoryBackend::allocate_spi(Protocol protocol, const IpAddress& src,
                                             const IpAddress& dst) {
  const std::string what = describe_alloc_spi(protocol, src, dst);
  if (src.empty() || dst.empty() || src.family() != dst.family())
    return kernel_error(what, EINVAL, "addresses missing or of different families");
  if (options_.spi_min > options_.spi_max)
    return kernel_error(what, EINVAL, "SPI range is empty");

  uint64_t span = uint64_t{options_.spi_max} - options_.spi_min + 1;
  SaKey key{protocol, 0, dst};
  bool found = false;
  for (int i = 0; i < kRandomSpiTries && !found; ++i) {
    key.spi = static_cast<uint32_t>(options_.spi_min + random_.uniform(span));
    found = !spi_in_use(key);
  }
  // Scan on from the last draw, wrapping once: as the kernel, fail with ENOENT only when
  // every SPI of the range is taken.
  for (uint64_t n = 0; n < span && !found; ++n) {
    key.spi = key.spi == options_.spi_max ? options_.spi_min : key.spi + 1;
    found = !spi_in_use(key);
  }
  if (!found) return kernel_error(what, ENOENT, "every SPI of the range is in use");

  Reservation r{src, clock_.now(), next_seq_++, kNoTimer};
  if (options_.reservation_lifetime > Duration::zero()) {
    // The larval state expires like a hard lifetime: the kernel deletes it and sends a hard
    // XFRM_MSG_EXPIRE for its SPI.
    r.expiry = timers_.schedule(options_.reservation_lifetime, [this, key, seq = r.seq] {
      auto it = reserved_.find(key);
      if (it == reserved_.end() || it->second.seq != seq) return;
      reserved_.erase(it);
      log("reserved SPI " + spi_hex(key.spi) + " for " + std::string(name(key.protocol)) +
          " expired unused");
      deliver(ExpireEvent{key, 0, true}, false);
    });
  }
  reserved_.emplace(key, r);
  log("allocated SPI " + spi_hex(key.spi) + " for " + std::string(name(protocol)) + " " +
      src.to_string() + " => " + dst.to_string());
  return key.spi;
}

Status MemoryBackend::add_sa(const SaSpec& spec) {
  const std::string what = describe_add_sa(spec);
  if (auto st = check_sa_spec(spec); !st) return as_kernel_error(what, st.error());
  if (spec.key.spi == 0)
    return kernel_error(what, EINVAL, "SPI 0 is reserved (RFC 4303 2.1)");
  if (auto algs = kernel_algorithms(spec); !algs) return as_kernel_error(what, algs.error());
  if (auto st = check_key_lengths(spec); !st) return as_kernel_error(what, st.error());
  if (spec.encap && spec.key.protocol != Protocol::ESP)
    return kernel_error(what, EINVAL, "UDP encapsulation is defined for ESP only (RFC 3948)");
  if (sas_.count(spec.key)) return kernel_error(what, EEXIST);

  // An SA on a reserved SPI replaces the larval state (the kernel's UPDSA path).
  if (auto r = reserved_.find(spec.key); r != reserved_.end()) {
    timers_.cancel(r->second.expiry);
    reserved_.erase(r);
  }
  install(spec);
  return ok_status();
}

void MemoryBackend::install(const SaSpec& spec) {
  SaState state;
  state.entry.spec = spec;
  state.entry.added = clock_.now();
  state.seq = next_seq_++;
  const Lifetime& lft = spec.lifetime;
  // A soft limit at or beyond the hard one never fires: the kernel checks the hard limit
  // first and deletes the state.
  if (lft.soft_add_seconds != 0 &&
      (lft.hard_add_seconds == 0 || lft.soft_add_seconds < lft.hard_add_seconds))
    state.soft_add = arm(lft.soft_add_seconds, spec.key, state.seq, false);
  if (lft.hard_add_seconds != 0) state.hard_add = arm(lft.hard_add_seconds, spec.key, state.seq, true);
  log("installed SAD entry " + std::string(name(spec.key.protocol)) + " " + spi_hex(spec.key.spi) +
      " " + spec.src.to_string() + " => " + spec.key.dst.to_string() + " reqid {" + std::to_string(spec.reqid) +
      "} mode " + std::string(name(spec.mode)) + (spec.label.empty() ? "" : " (" + spec.label + ")"));
  sas_.emplace(spec.key, std::move(state));
}

TimerId MemoryBackend::arm(uint64_t seconds, const SaKey& key, uint64_t seq, bool hard) {
  if (seconds > kMaxTimerSeconds) return kNoTimer;
  return timers_.schedule(whole_seconds(seconds),
                          [this, key, seq, hard] { on_lifetime(key, seq, hard); });
}

void MemoryBackend::cancel_timers(SaState& state) {
  for (TimerId* id : {&state.soft_add, &state.hard_add, &state.soft_use, &state.hard_use}) {
    if (*id != kNoTimer) timers_.cancel(*id);
    *id = kNoTimer;
  }
}

void MemoryBackend::on_lifetime(const SaKey& key, uint64_t seq, bool hard) {
  auto it = sas_.find(key);
  // A replaced or deleted SA cancels its timers; the check guards against a Timers that
  // runs a callback cancelled from within the same instant.
  if (it == sas_.end() || it->second.seq != seq) return;
  if (hard) {
    hard_expire(key, false);
  } else {
    soft_expire(it->second, false);
  }
}

void MemoryBackend::soft_expire(SaState& state, bool deliver_later) {
  // The kernel marks the state dying and warns once (xfrm_timer_handler, seed 001).
  if (state.entry.soft_expired) return;
  state.entry.soft_expired = true;
  const SaKey key = state.entry.spec.key;
  log("SAD entry " + std::string(name(key.protocol)) + " " + spi_hex(key.spi) + " soft expired");
  deliver(ExpireEvent{key, state.entry.spec.reqid, false}, deliver_later);
}

void MemoryBackend::hard_expire(const SaKey& key, bool deliver_later) {
  auto it = sas_.find(key);
  if (it == sas_.end()) return;
  uint32_t reqid = it->second.entry.spec.reqid;
  cancel_timers(it->second);
  sas_.erase(it);
  log("SAD entry " + std::string(name(key.protocol)) + " " + spi_hex(key.spi) +
      " hard expired and removed");
  deliver(ExpireEvent{key, reqid, true}, deliver_later);
}

void MemoryBackend::deliver(const ExpireEvent& event, bool later) {
  if (!later) {
    // A copy: the handler may replace itself through set_expire_handler.
    if (auto handler = handler_) handler(event);
    return;
  }
  uint64_t n = next_seq_++;
  TimerId id = timers_.schedule(Duration::zero(), [this, n, event] {
    deliveries_.erase(n);
    if (auto handler = handler_) handler(event);
  });
  deliveries_.emplace(n, id);
}

Status MemoryBackend::update_sa(const SaKey& key, const SaUpdate& update) {
  const std::string what = describe_sa(Operation::UpdateSa, key);
  auto it = sas_.find(key);
  if (it == sas_.end()) return kernel_error(what, ESRCH);
  SaSpec spec = it->second.entry.spec;
  if (update.new_src) spec.src = *update.new_src;
  if (update.new_dst) spec.key.dst = *update.new_dst;
  if (update.encap) {
    if (spec.key.protocol != Protocol::ESP)
      return kernel_error(what, EINVAL, "UDP encapsulation is defined for ESP only (RFC 3948)");
    spec.encap = update.encap;
  }
  if (auto st = check_sa_spec(spec); !st) return as_kernel_error(what, st.error());
  if (spec.key != key && sas_.count(spec.key)) return kernel_error(what, EEXIST);

  cancel_timers(it->second);
  sas_.erase(it);
  install(spec);
  return ok_status();
}

Status MemoryBackend::delete_sa(const SaKey& key) {
  if (auto it = sas_.find(key); it != sas_.end()) {
    cancel_timers(it->second);
    sas_.erase(it);
    log("deleted SAD entry " + std::string(name(key.protocol)) + " " + spi_hex(key.spi) +
        " dst " + key.dst.to_string());
    return ok_status();
  }
  if (auto r = reserved_.find(key); r != reserved_.end()) {
    timers_.cancel(r->second.expiry);
    reserved_.erase(r);
    log("released SPI " + spi_hex(key.spi) + " for " + std::string(name(key.protocol)));
    return ok_status();
  }
  return kernel_error(describe_sa(Operation::DeleteSa, key), ESRCH);
}

Status MemoryBackend::add_policy(const PolicySpec& policy) {
  const std::string what = describe_policy(Operation::AddPolicy, policy.selector, policy.direction);
  if (auto st = check_policy(policy); !st) return as_kernel_error(what, st.error());
  PolicyKey key{policy.selector, policy.direction};
  if (policies_.count(key)) return kernel_error(what, EEXIST);
  policies_.emplace(key, PolicyState{policy, next_seq_++});
  log("installed policy " + policy.selector.to_string() + " " +
      std::string(name(policy.direction)) + " (" + std::string(name(policy.action)) + ")");
  return ok_status();
}

Status MemoryBackend::delete_policy(const Selector& selector, Direction direction) {
  auto it = policies_.find(PolicyKey{selector, direction});
  if (it == policies_.end())
    return kernel_error(describe_policy(Operation::DeletePolicy, selector, direction), ENOENT);
  policies_.erase(it);
  log("deleted policy " + selector.to_string() + " " + std::string(name(direction)));
  return ok_status();
}

std::vector<SaEntry> MemoryBackend::list_sas() const {
  std::vector<SaEntry> out;
  for (auto* kv : by_seq(sas_)) out.push_back(kv->second.entry);
  return out;
}

std::vector<PolicySpec> MemoryBackend::list_policies() const {
  std::vector<PolicySpec> out;
  for (auto* kv : by_seq(policies_)) out.push_back(kv->second.spec);
  return out;
}

std::vector<SpiReservation> MemoryBackend::list_reserved_spis() const {
  std::vector<SpiReservation> out;
  for (auto* kv : by_seq(reserved_))
    out.push_back(SpiReservation{kv->first, kv->second.src, kv->second.allocated});
  return out;
}

std::optional<SaEntry> MemoryBackend::find_sa(const SaKey& key) const {
  auto it = sas_.find(key);
  if (it == sas_.end()) return std::nullopt;
  return it->second.entry;
}

void MemoryBackend::set_expire_handler(std::function<void(const ExpireEvent&)> handler) {
  handler_ = std::move(handler);
}

Status MemoryBackend::account_traffic(const SaKey& key, uint64_t bytes, uint64_t packets) {
  auto it = sas_.find(key);
  if (it == sas_.end())
    return Error(ErrorCode::kNotFound, "no SA " + std::string(name(key.protocol)) + " " +
                                           spi_hex(key.spi) + " dst " + key.dst.to_string() +
                                           " to count traffic on");
  SaState& state = it->second;
  SaEntry& e = state.entry;
  if (bytes == 0 && packets == 0) return ok_status();
  e.bytes += bytes;
  e.packets += packets;
  const Lifetime& lft = e.spec.lifetime;
  if (!e.first_use) {
    e.first_use = clock_.now();
    if (lft.soft_use_seconds != 0 &&
        (lft.hard_use_seconds == 0 || lft.soft_use_seconds < lft.hard_use_seconds))
      state.soft_use = arm(lft.soft_use_seconds, key, state.seq, false);
    if (lft.hard_use_seconds != 0) state.hard_use = arm(lft.hard_use_seconds, key, state.seq, true);
  }
  // xfrm_state_check_expire: the hard limits first (the state dies), then the soft ones.
  if ((lft.hard_bytes != 0 && e.bytes >= lft.hard_bytes) ||
      (lft.hard_packets != 0 && e.packets >= lft.hard_packets)) {
    hard_expire(key, true);
    return ok_status();
  }
  if ((lft.soft_bytes != 0 && e.bytes >= lft.soft_bytes) ||
      (lft.soft_packets != 0 && e.packets >= lft.soft_packets))
    soft_expire(state, true);
  return ok_status();
}

std::string MemoryBackend::dump_state(const DumpOptions& options) const {
  return format_sas(list_sas(), options);
}

std::string MemoryBackend::dump_policy() const { return format_policies(list_policies()); }

std::unique_ptr<MemoryBackend> make_memory_backend(const Clock& clock, Timers& timers,
                                                   Random& random, MemoryOptions options) {
  return std::make_unique<MemoryBackend>(clock, timers, random, options);
}

}  // namespace ikesuite::sa
