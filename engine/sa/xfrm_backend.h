// The 'xfrm' SA backend: the Linux kernel's SAD and SPD through XFRM netlink (libmnl), in
// whatever network namespace the process is in (netns mode runs one host per namespace).
//
// Requests go over one NETLINK_XFRM socket and are answered synchronously (the kernel acks
// every request); expire events arrive on a second socket joined to the XFRMNLGRP_EXPIRE
// multicast group, which the owner watches on its event loop (FdWatcher) or polls
// (expire_fd() + process_expire_events()).
//
// Kernel refusals come back as kernel-shaped Errors (kernel_error.h) carrying the errno and
// the kernel's extended-ack text when it sent one:
//   "add SA ESP 0xc14f1c0a 192.168.0.2 => 192.168.0.1: Protocol not supported (errno 93)
//    [Requested type not found]"
// which is what a kernel without ESP (this project's CI machines) answers to every ESP SA, as
// strongSwan's "received netlink error: Protocol not supported (93)" in the interop notes.
//
// Mapping (strongSwan's kernel_netlink plugin makes the same choices):
//  - algorithms by kernel name (algorithms.h) in XFRMA_ALG_CRYPT, XFRMA_ALG_AUTH_TRUNC or
//    XFRMA_ALG_AEAD; UDP encapsulation (RFC 3948) in XFRMA_ENCAP as ESP-in-UDP;
//  - ESN (RFC 4303 2.2.1), or a replay window beyond the legacy 32-bit bitmap, in
//    XFRMA_REPLAY_ESN_VAL; otherwise the legacy replay_window field;
//  - lifetimes in xfrm_lifetime_cfg, 0 ("none") as XFRM_INF for byte and packet limits;
//  - a tunnel-mode SA without a selector gets XFRM_STATE_AF_UNSPEC (any inner family);
//  - an add_sa on an SPI this backend allocated is an UPDSA of the larval state;
//  - update_sa re-installs the SA: GETSA for its keys and settings, then NEWSA of the moved
//    state and DELSA of the old one (DELSA first when the identity stays the same).
// The kernel does not store an SA's direction or the engine's label; the backend keeps
// them for SAs it installed and reports them in listings.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "engine/base/log.h"
#include "engine/sa/fd_watcher.h"
#include "engine/sa/sa_backend.h"

struct mnl_socket;
struct nlmsghdr;

namespace ikesuite::sa {

struct XfrmOptions {
  // The SPI range sent with XFRM_MSG_ALLOCSPI. RFC 4303 2.1 reserves 1..255.
  uint32_t spi_min = 0x100;
  uint32_t spi_max = 0xffffffff;
  // Where the expire socket is registered; without one the owner calls
  // process_expire_events() when expire_fd() is readable. Must outlive the backend.
  FdWatcher* watcher = nullptr;
  // KNL lines: level 2 for every change, level 1 for events the kernel sends unasked.
  Logger* logger = nullptr;
};

class XfrmBackend final : public SaBackend {
 public:
  // Opens both netlink sockets in the current network namespace and, with a watcher,
  // registers the expire socket. Fails with the socket errno (EPROTONOSUPPORT without XFRM
  // netlink; a missing CAP_NET_ADMIN shows up as EPERM on the first request instead) or the
  // watcher's error.
  static Result<std::unique_ptr<XfrmBackend>> open(XfrmOptions options = {});
  ~XfrmBackend() override;
  XfrmBackend(const XfrmBackend&) = delete;
  XfrmBackend& operator=(const XfrmBackend&) = delete;

  std::string_view kind() const override { return "xfrm"; }
  Result<uint32_t> allocate_spi(Protocol protocol, const IpAddress& src,
                                const IpAddress& dst) override;
  Status add_sa(const SaSpec& spec) override;
  Status update_sa(const SaKey& key, const SaUpdate& update) override;
  Status delete_sa(const SaKey& key) override;
  Status add_policy(const PolicySpec& policy) override;
  Status delete_policy(const Selector& selector, Direction direction) override;
  // Dumps of the kernel's tables (every ESP/AH SA and main-type policy in the namespace,
  // not only this backend's), in the kernel's order. A failing dump yields an empty list;
  // dump_sas()/dump_policies() report the error.
  std::vector<SaEntry> list_sas() const override;
  std::vector<PolicySpec> list_policies() const override;
  std::optional<SaEntry> find_sa(const SaKey& key) const override;
  // The kernel's larval states: SPIs allocated and not yet used by an SA.
  std::vector<SpiReservation> list_reserved_spis() const override;
  void set_expire_handler(std::function<void(const ExpireEvent&)> handler) override;

  Result<std::vector<SaEntry>> dump_sas() const;
  Result<std::vector<PolicySpec>> dump_policies() const;

  // The expire socket (non-blocking), readable when XFRM_MSG_EXPIRE messages wait.
  int expire_fd() const;
  // Reads every waiting expire message and hands each to the expire handler; returns how
  // many events were delivered.
  size_t process_expire_events();

 private:
  struct Side {
    std::string label;
    bool inbound = false;
  };
  XfrmBackend(mnl_socket* requests, mnl_socket* events, XfrmOptions options);

  // Sends one request and reads its answers until the ack, error or end of dump; data
  // messages go to `on_data`. Kernel errors become kernel_error(what, errno, extack).
  Status transact(nlmsghdr* request, std::string_view what,
                  const std::function<Status(const nlmsghdr*)>& on_data) const;
  Status send_sa(const SaSpec& spec, uint16_t type, std::string_view what);
  Status remove_sa(const SaKey& key, std::string_view what);
  Result<std::optional<SaEntry>> get_sa(const SaKey& key, std::string_view what) const;
  // Dumps the SAD, splitting full SAs from larval states.
  Status dump_states(std::vector<SaEntry>* sas, std::vector<SpiReservation>* larval) const;
  void decorate(SaEntry& entry) const;
  void forget(const SaKey& key);
  void log(int level, const std::string& text) const;

  mnl_socket* requests_;
  mnl_socket* events_;
  XfrmOptions options_;
  mutable uint32_t seq_ = 0;
  std::function<void(const ExpireEvent&)> handler_;
  std::map<SaKey, Side> side_;
  std::set<SaKey> allocated_;     // SPIs this backend allocated and has not used yet
  std::set<SaKey> soft_expired_;  // SAs the kernel sent a soft expire for
};

}  // namespace ikesuite::sa
