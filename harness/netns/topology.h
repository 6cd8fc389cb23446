// The network of a netns-mode scenario: one network namespace per host, joined by veth
// pairs, with real addresses and routes, and the scenario's network conditions as nftables
// rules inside the namespaces.
//
//  - A router namespace with one veth pair per host (host side "eth0", router side
//    "r<index of the host in the scenario>"). Each host's addresses sit on its eth0 as /32
//    (/128) and a default route to the router (a gateway address whose neighbour entry is the
//    router veth's fixed MAC, so nobody has to answer ARP or NDP for whatever a host sends
//    to); the router forwards and routes each host address to its veth, so any addressing of
//    the scenario works, whatever subnets it draws from. The router is where captures are taken
//    and conditions applied: a datagram is sent when it enters the router and delivered when
//    it leaves it, and the router's forward rules drop it in between (down paths and hosts,
//    MTU as with DF set), as the simulated network drops it. The veths' own MTU is 65535, so
//    datagrams are never IP-fragmented (the simulated network has no MTU either unless the
//    scenario sets one). Loss, delay, jitter, duplication and reordering are the harness's
//    delay line (delay_line.h), which draws them from the scenario's seed as the simulated
//    network does: the last rule for such a path hands its UDP datagrams to it.
//  - A NAT is an nftables snat rule in the router (to the NAT's public address, which the
//    router owns) for the hosts inside it; conntrack's UDP timeout is the NAT's mapping
//    timeout. Linux conntrack keeps the source port where it can and admits only
//    replies from the endpoint a mapping was made for: a port-restricted cone NAT (RFC 4787:
//    endpoint-independent mapping, address-and-port-dependent filtering).
//  - Every host's inner subnets get their first address on lo (charon's kernel-libipsec
//    needs a local address inside its traffic selector, and traffic tests need a source).
//  - Blackhole addresses (and a flood's spoofed sources): a blackhole route in the router, so
//    datagrams to them are seen entering the router and are dropped there without an ICMP.
//
// Namespaces are named <prefix>-<host> (the router <prefix>-rtr), where the prefix carries
// the harness's pid ("iks<pid>x<n>"): parallel runs never collide, and a later run removes
// what a killed one left (cleanup_stale_namespaces). The destructor removes every namespace
// (and so every veth, address, route and rule) and kills what still runs inside.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/net/sim_network.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::netns {

inline constexpr const char* kNamespacePrefix = "iks";
inline constexpr const char* kHostInterface = "eth0";

// Whether this machine can run netns scenarios (root, iproute2, nft, /run/netns writable):
// nullopt, or the reason it cannot.
std::optional<std::string> netns_unavailable();

// What a scenario needs that netns mode cannot do here: nullopt, or the reason (the runner
// reports the scenario as skipped with it).
std::optional<std::string> netns_unsupported(const Scenario& s);

// The tag of scenarios that record what happens on a kernel without ESP (every ESP SA
// install fails: seed 002 for real); on a kernel with ESP they are skipped with the reason.
inline constexpr const char* kKernelWithoutEspTag = "kernel-without-esp";
// Whether this kernel installs ESP SAs through XFRM (probed once, in a scratch namespace).
bool kernel_has_esp();

// Removes namespaces of earlier runs whose harness process is gone (killing what runs in
// them), and those runs' host folders under `workroot` (<workroot>/iks<pid>x<n>); returns
// what it removed.
std::vector<std::string> cleanup_stale_namespaces(const std::string& workroot = "/tmp");

// A fresh, unique prefix for one scenario of this process.
std::string next_prefix();

class Topology {
 public:
  static Result<std::unique_ptr<Topology>> create(const Scenario& s, const std::string& prefix);
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // Removes every namespace; idempotent.
  void destroy();

  const std::string& netns_of(const std::string& host) const { return netns_.at(host); }
  const std::string& netns_of_router() const { return router_; }
  const std::string& prefix() const { return prefix_; }
  // The host a datagram to `addr` reaches (through a NAT's public address too), or "".
  std::string host_of(const IpAddress& addr) const;
  // The addresses under which `to` is reached from `from` (its own, or its NAT's public one).
  std::vector<IpAddress> addresses_seen(const std::string& from, const std::string& to) const;

  // Network conditions (timeline actions). Each call rewrites the router's rules. A path is
  // from one host to another.
  Status set_host_down(const std::string& host, bool down);
  bool host_down(const std::string& host) const { return down_hosts_.count(host) > 0; }
  Status set_path_down(const std::string& from, const std::string& to, bool down);
  Status set_path_mtu(const std::string& from, const std::string& to, std::optional<uint32_t> mtu);
  Status set_path_loss(const std::string& from, const std::string& to, double loss);
  // Delay, jitter, duplication and reordering: the parameters `p` sets, others kept.
  Status set_path_timing(const std::string& from, const std::string& to, const LinkParams& p);
  Status set_default_mtu(std::optional<uint32_t> mtu);
  // Datagrams to `subnet` are dropped silently in the router (a flood's spoofed sources).
  Status add_blackhole(const Subnet& subnet);

  // What the delay line does on the path: nullopt when the path has no loss, delay, jitter,
  // duplication or reordering.
  std::optional<net::Impairment> delay_line(const std::string& from, const std::string& to) const;
  // Whether a scenario ever puts a path on the delay line (its network or an impair action).
  static bool needs_delay_line(const Scenario& s);

 private:
  explicit Topology(const Scenario& s, std::string prefix) : s_(s), prefix_(std::move(prefix)) {}
  Status build();
  Status ip(const std::string& ns, const std::vector<std::string>& args);
  // Rewrites the router's chain of conditions from the current state.
  Status apply_rules();

  struct PathState {
    bool down = false;
    std::optional<uint32_t> mtu;
    double loss = 0;
    net::Impairment timing = no_timing();  // its loss unused: `loss` above
    bool on_delay_line() const;
  };
  static net::Impairment no_timing();
  static void apply_timing(net::Impairment& t, const LinkParams& p);
  const Scenario& s_;
  std::string prefix_;
  std::map<std::string, std::string> netns_;  // host -> namespace
  std::string router_;                        // router namespace, if any
  std::vector<std::string> created_;          // namespaces to remove
  std::set<std::string> down_hosts_;
  std::map<std::pair<std::string, std::string>, PathState> paths_;
  std::optional<uint32_t> default_mtu_;
  std::set<std::string> blackholes_;
};

}  // namespace ikesuite::harness::netns
