// The 'memory' SA backend: a model of the Linux kernel's SAD and SPD (RFC 4301 4.4) as XFRM
// keeps them, on the engine's clock. It is the default backend: sim runs need no root and no
// kernel ESP, and a 10 s lifetime costs nothing on the virtual clock.
//
// What it models, and how the kernel does it:
//  - ALLOCSPI: a random SPI in [spi_min, spi_max] (the range XFRM_MSG_ALLOCSPI carries),
//    unique among SAs and reservations for (protocol, dst); the SPI stays reserved (the
//    kernel's larval acquire state) until add_sa uses it or delete_sa releases it, or, when
//    `reservation_lifetime` is set, until it expires with a hard expire event as the larval
//    state does after net.core.xfrm_acq_expires.
//  - NEWSA/UPDSA: EINVAL for specs the kernel refuses (address families, algorithms, key
//    lengths, UDP encapsulation on AH), EEXIST for an existing (protocol, spi, dst).
//  - DELSA/UPDSA of a missing SA: ESRCH. Policies: EEXIST / ENOENT on (selector, direction).
//  - Lifetimes: the add-time soft/hard expiry fires on the Timers given (soft once, then
//    hard); use-time expiry counts from the first packet; byte and packet limits are checked
//    as account_traffic() counts traffic. A hard expire removes the SA before the handler
//    hears of it, as the kernel deletes the state before sending XFRM_MSG_EXPIRE. Deleting
//    or replacing an SA cancels its timers.
// Stricter than the kernel in two places, both engine bugs worth catching: SPI 0 is refused
// (RFC 4303 2.1 reserves it) and HMAC keys must have the hash's size (see algorithms.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "engine/base/log.h"
#include "engine/base/random.h"
#include "engine/base/time.h"
#include "engine/sa/dump.h"
#include "engine/sa/sa_backend.h"

namespace ikesuite::sa {

struct MemoryOptions {
  // The SPI range ALLOCSPI draws from. RFC 4303 2.1 reserves 1..255.
  uint32_t spi_min = 0x100;
  uint32_t spi_max = 0xffffffff;
  // How long an allocated SPI stays reserved when no SA uses it; zero keeps it until used or
  // released. The kernel's larval state lives 30 s by default (net.core.xfrm_acq_expires).
  Duration reservation_lifetime{0};
  // KNL lines at level 2 for every change, like a kernel interface's debug log.
  Logger* logger = nullptr;
};

class MemoryBackend final : public SaBackend {
 public:
  // `clock`, `timers` and `random` must outlive the backend (an EventLoop is both clock and
  // timers). The backend cancels every timer it armed when it is destroyed.
  MemoryBackend(const Clock& clock, Timers& timers, Random& random, MemoryOptions options = {});
  ~MemoryBackend() override;
  MemoryBackend(const MemoryBackend&) = delete;
  MemoryBackend& operator=(const MemoryBackend&) = delete;

  std::string_view kind() const override { return "memory"; }
  Result<uint32_t> allocate_spi(Protocol protocol, const IpAddress& src,
                                const IpAddress& dst) override;
  Status add_sa(const SaSpec& spec) override;
  Status update_sa(const SaKey& key, const SaUpdate& update) override;
  Status delete_sa(const SaKey& key) override;
  Status add_policy(const PolicySpec& policy) override;
  Status delete_policy(const Selector& selector, Direction direction) override;
  std::vector<SaEntry> list_sas() const override;
  std::vector<PolicySpec> list_policies() const override;
  std::optional<SaEntry> find_sa(const SaKey& key) const override;
  std::vector<SpiReservation> list_reserved_spis() const override;
  void set_expire_handler(std::function<void(const ExpireEvent&)> handler) override;

  // Simulated traffic through an SA (scenarios drive byte and packet lifetimes with it):
  // adds to the counters, starts the use-time clock on the first packet, and fires the soft
  // or hard expiry when a limit is reached. The expire event is delivered from a timer due
  // now, as the kernel's arrives on its own netlink message; a hard limit removes the SA at
  // once. Fails with kNotFound when there is no such SA.
  Status account_traffic(const SaKey& key, uint64_t bytes, uint64_t packets);

  // `ip -s xfrm state` / `ip xfrm policy` shaped dumps (dump.h), in install order.
  std::string dump_state(const DumpOptions& options = {}) const;
  std::string dump_policy() const;

 private:
  struct SaState {
    SaEntry entry;
    uint64_t seq = 0;  // install order, for stable listings
    TimerId soft_add = kNoTimer;
    TimerId hard_add = kNoTimer;
    TimerId soft_use = kNoTimer;
    TimerId hard_use = kNoTimer;
  };
  struct Reservation {
    IpAddress src;
    Time allocated;
    uint64_t seq = 0;
    TimerId expiry = kNoTimer;
  };
  struct PolicyKey {
    Selector selector;
    Direction direction;
    auto operator<=>(const PolicyKey&) const = default;
  };
  struct PolicyState {
    PolicySpec spec;
    uint64_t seq = 0;
  };

  bool spi_in_use(const SaKey& key) const;
  void install(const SaSpec& spec);
  void cancel_timers(SaState& state);
  TimerId arm(uint64_t seconds, const SaKey& key, uint64_t seq, bool hard);
  void on_lifetime(const SaKey& key, uint64_t seq, bool hard);
  void soft_expire(SaState& state, bool deliver_later);
  void hard_expire(const SaKey& key, bool deliver_later);
  void deliver(const ExpireEvent& event, bool later);
  void log(const std::string& text) const;

  const Clock& clock_;
  Timers& timers_;
  Random& random_;
  MemoryOptions options_;
  std::function<void(const ExpireEvent&)> handler_;
  std::map<SaKey, SaState> sas_;
  std::map<SaKey, Reservation> reserved_;
  std::map<PolicyKey, PolicyState> policies_;
  // Expire events waiting on a timer due now, by delivery number.
  std::map<uint64_t, TimerId> deliveries_;
  uint64_t next_seq_ = 1;
};

std::unique_ptr<MemoryBackend> make_memory_backend(const Clock& clock, Timers& timers,
                                                   Random& random, MemoryOptions options = {});

}  // namespace ikesuite::sa
