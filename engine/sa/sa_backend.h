// The SA backend: what the engine asks of the kernel's IPsec stack (RFC 4301's SAD and SPD),
// in the shape of Linux XFRM. Implementations: MemoryBackend (a model of the kernel SAD/SPD
// with lifetimes and expire events on the engine's clock; the default) and XfrmBackend
// (XFRM netlink to the real kernel), and FaultInjector, a decorator over either that makes
// chosen operations fail with a chosen errno.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::sa {

// IP protocol numbers, as XFRM uses them.
enum class Protocol : uint8_t { ESP = 50, AH = 51 };
enum class Mode : uint8_t { Tunnel, Transport };
enum class Direction : uint8_t { In, Out, Fwd };

std::string_view name(Protocol p);   // "ESP", "AH"
std::string_view name(Mode m);       // "TUNNEL", "TRANSPORT"
std::string_view name(Direction d);  // "in", "out", "fwd"

// How XFRM identifies an SA.
struct SaKey {
  Protocol protocol = Protocol::ESP;
  uint32_t spi = 0;
  IpAddress dst;
  auto operator<=>(const SaKey&) const = default;
};

// Limits as XFRM's xfrm_lifetime_cfg: 0 means none. strongSwan puts the rekey time into the
// soft add-expiry and the lifetime into the hard one (seed 001). Add-expiry counts from the
// install, use-expiry from the first packet. The soft expiry fires at most once, whichever
// soft limit is reached first; a soft limit at or beyond its hard one never fires.
struct Lifetime {
  uint64_t soft_add_seconds = 0;
  uint64_t hard_add_seconds = 0;
  uint64_t soft_bytes = 0;
  uint64_t hard_bytes = 0;
  uint64_t soft_packets = 0;
  uint64_t hard_packets = 0;
  uint64_t soft_use_seconds = 0;
  uint64_t hard_use_seconds = 0;
  bool operator==(const Lifetime&) const = default;
};

// A traffic selector as XFRM's xfrm_selector: addresses with prefixes, IP protocol (0 any),
// ports (0 any).
struct Selector {
  Subnet src;
  Subnet dst;
  uint8_t ip_protocol = 0;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  auto operator<=>(const Selector&) const = default;
  std::string to_string() const;  // "10.1.0.0/16 === 10.2.0.0/16"
};

struct UdpEncap {
  uint16_t src_port = 4500;
  uint16_t dst_port = 4500;
  bool operator==(const UdpEncap&) const = default;
};

struct SaSpec {
  SaKey key;
  IpAddress src;
  Mode mode = Mode::Tunnel;
  uint32_t reqid = 0;
  bool inbound = false;
  // Algorithms in IKEv2 numbering (IKEv1 maps its ESP/AH IDs onto these).
  v2::EncrId encr = v2::EncrId::AES_CBC;
  Bytes encr_key;  // for AEAD and CTR, includes the salt
  v2::IntegId integ = v2::IntegId::None;
  Bytes integ_key;
  bool esn = false;
  uint32_t replay_window = 32;
  Lifetime lifetime;
  std::optional<UdpEncap> encap;
  Selector selector;
  std::string label;  // the engine's name for the Child SA ("net-net{1}"), for dumps
};

// Fields an update may change (MOBIKE/NAT-T address or port changes).
struct SaUpdate {
  std::optional<IpAddress> new_src;
  std::optional<IpAddress> new_dst;
  std::optional<UdpEncap> encap;
};

// What a policy does with matching traffic: protect it with the template's SA (XFRM action
// allow with a template), let it pass in the clear (allow, no template) or drop it (block).
enum class PolicyAction : uint8_t { Protect, Pass, Drop };
std::string_view name(PolicyAction a);  // "protect", "pass", "drop"

struct PolicySpec {
  Selector selector;
  Direction direction = Direction::Out;
  // The SA template: tunnel endpoints, protocol, mode, reqid.
  IpAddress tmpl_src;
  IpAddress tmpl_dst;
  Protocol protocol = Protocol::ESP;
  Mode mode = Mode::Tunnel;
  uint32_t reqid = 0;
  uint32_t priority = 0;
  // The template fields above matter only for Protect.
  PolicyAction action = PolicyAction::Protect;
  bool operator==(const PolicySpec&) const = default;
};

// An SA as the backend holds it, for reports and expectations.
struct SaEntry {
  SaSpec spec;
  Time added;                 // on the backend's clock (the xfrm backend: Unix time)
  uint64_t bytes = 0;         // traffic counters (the memory backend can be fed traffic)
  uint64_t packets = 0;
  std::optional<Time> first_use;  // when the first packet was counted
  bool soft_expired = false;  // the soft expire event has fired
};

// An SPI handed out by allocate_spi and not yet used by add_sa or released by delete_sa (the
// kernel's larval "acquire" state).
struct SpiReservation {
  SaKey key;
  IpAddress src;
  Time allocated;
};

struct ExpireEvent {
  SaKey key;
  uint32_t reqid = 0;
  bool hard = false;
};

enum class Operation : uint8_t { AllocSpi, AddSa, UpdateSa, DeleteSa, AddPolicy, DeletePolicy };
std::string_view name(Operation op);  // "alloc-spi", "add-sa", ...

// Every failing call returns an Error shaped like a kernel answer (see kernel_error.h): the
// reason names the operation and its target and ends in the errno text, "add SA ESP
// 0xc14f1c0a 192.168.0.2 => 192.168.0.1: Protocol not supported (errno 93)", sys_errno() is
// the errno, and the code is kNotFound for ESRCH/ENOENT, kSystem otherwise. The memory
// backend, the xfrm backend and the fault injector all answer this way, so the engine logs
// and handles a simulated failure exactly as a real one.
class SaBackend {
 public:
  virtual ~SaBackend() = default;
  // The backend's name for logs: "memory", "xfrm", "memory+faults".
  virtual std::string_view kind() const = 0;

  // XFRM_MSG_ALLOCSPI: a fresh SPI for an inbound SA from `src` to `dst`, unique among the
  // backend's SAs for (protocol, dst). The SPI is reserved until add_sa or delete_sa uses it.
  virtual Result<uint32_t> allocate_spi(Protocol protocol, const IpAddress& src,
                                        const IpAddress& dst) = 0;
  // XFRM_MSG_NEWSA (or UPDSA on a reserved SPI). Fails with EEXIST if (protocol, spi, dst)
  // exists.
  virtual Status add_sa(const SaSpec& spec) = 0;
  // Moves an SA to new addresses or encapsulation ports (MOBIKE, NAT-T). The SA is installed
  // afresh, since XFRM identifies a state by its destination and keeps neither a source nor
  // a different encapsulation through UPDSA: its add time, counters and lifetimes restart.
  // Fails with ESRCH (kNotFound) if there is no such SA.
  virtual Status update_sa(const SaKey& key, const SaUpdate& update) = 0;
  // Fails with ESRCH (kNotFound) if there is no such SA. Deleting a reserved SPI releases it.
  virtual Status delete_sa(const SaKey& key) = 0;
  // Policies are keyed by (selector, direction): adding an existing one fails with EEXIST,
  // deleting a missing one with ENOENT (kNotFound).
  virtual Status add_policy(const PolicySpec& policy) = 0;
  virtual Status delete_policy(const Selector& selector, Direction direction) = 0;

  virtual std::vector<SaEntry> list_sas() const = 0;
  virtual std::vector<PolicySpec> list_policies() const = 0;
  virtual std::optional<SaEntry> find_sa(const SaKey& key) const = 0;
  // SPIs allocated and not yet used or released.
  virtual std::vector<SpiReservation> list_reserved_spis() const { return {}; }

  // Soft and hard expiry (XFRM_MSG_EXPIRE). The memory backend fires them on its loop's
  // clock; a hard expire also removes the SA, as the kernel does, before the handler runs.
  virtual void set_expire_handler(std::function<void(const ExpireEvent&)> handler) = 0;
};

}  // namespace ikesuite::sa
