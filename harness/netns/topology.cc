#include "harness/netns/topology.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/netns/delay_line.h"
#include "harness/run/process.h"

namespace ikesuite::harness::netns {

namespace {

using run::run_checked;
using run::run_command;
using run::SpawnOptions;

constexpr const char* kRouterSuffix = "rtr";
constexpr const char* kFilterTable = "ikesuite";
constexpr const char* kNatTable = "ikesuite_nat";

std::string router_if(size_t index) { return "r" + std::to_string(index); }

// The router side of host `index`'s veth gets a fixed, locally administered MAC: each host's
// default gateway is a permanent neighbour entry with it, so everything a host sends reaches
// the router whatever its destination (a blackhole address, a flood's spoofed source) without
// anyone having to answer ARP or NDP for it.
constexpr const char* kGateway4 = "169.254.0.1";
constexpr const char* kGateway6 = "fe80::1";
std::string router_mac(size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "02:69:6b:73:%02x:%02x", static_cast<unsigned>((index >> 8) & 0xff),
                static_cast<unsigned>(index & 0xff));
  return buf;
}

std::string prefix_len(const IpAddress& a) { return a.is_v4() ? "/32" : "/128"; }

// The first usable address of a subnet (the network address + 1; the address itself for a
// host prefix).
IpAddress first_host(const Subnet& s) {
  unsigned bits = s.addr.is_v4() ? 32 : 128;
  if (s.prefix >= bits) return s.addr;
  Bytes b = s.first().to_bytes();
  for (size_t i = b.size(); i-- > 0;)
    if (++b[i] != 0) break;
  return *IpAddress::from_bytes(b);
}

// A host name as a namespace name part: [A-Za-z0-9_-], at most 24 characters.
std::string safe_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  if (out.size() > 24) out.resize(24);
  return out;
}

bool process_alive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

// The harness pid in "iks<pid>x<n>-<host>", if the name is one of ours.
std::optional<pid_t> owner_of(const std::string& ns) {
  std::string p = kNamespacePrefix;
  if (ns.compare(0, p.size(), p) != 0) return std::nullopt;
  size_t i = p.size(), j = i;
  while (j < ns.size() && ns[j] >= '0' && ns[j] <= '9') ++j;
  if (j == i || j >= ns.size() || ns[j] != 'x') return std::nullopt;
  return static_cast<pid_t>(std::strtol(ns.substr(i, j - i).c_str(), nullptr, 10));
}

// Kills whatever runs inside a namespace (daemons a dead harness left) and removes it.
void remove_namespace(const std::string& ns) {
  if (auto r = run_command({"ip", "netns", "pids", ns}); r.ok() && r->status == 0) {
    std::istringstream in(r->output);
    pid_t pid;
    while (in >> pid)
      if (pid > 1) kill(pid, SIGKILL);
  }
  (void)run_command({"ip", "netns", "delete", ns});
}

std::vector<std::string> list_namespaces() {
  std::vector<std::string> out;
  DIR* d = opendir("/run/netns");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  closedir(d);
  return out;
}

// Loads an nftables script into a namespace (nft reads multi-line scripts from files only).
Status nft(const std::string& ns, const std::string& script) {
  char path[] = "/tmp/ikesuite-nft-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return Error(ErrorCode::kSystem, std::string("mkstemp: ") + std::strerror(errno)).with_errno(errno);
  size_t off = 0;
  while (off < script.size()) {
    ssize_t n = ::write(fd, script.data() + off, script.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  SpawnOptions o;
  o.netns = ns;
  Status st = run_checked({"nft", "-f", path}, o);
  ::unlink(path);
  if (!st.ok()) return Error(st.error().code(), st.error().reason() + "\nscript:\n" + script);
  return st;
}

}  // namespace

std::optional<std::string> netns_unavailable() {
  if (geteuid() != 0) return "netns mode needs root (network namespaces, veth pairs, nftables, packet capture)";
  for (const char* tool : {"ip", "nft"})
    if (!run::find_executable(tool))
      return std::string("netns mode needs '") + tool + "' (apt-get install iproute2 nftables)";
  std::string ns = std::string(kNamespacePrefix) + std::to_string(getpid()) + "xprobe";
  auto r = run_command({"ip", "netns", "add", ns});
  if (!r.ok()) return "cannot run ip: " + r.error().message();
  if (r->status != 0) return "cannot create a network namespace: " + r->output;
  remove_namespace(ns);
  return std::nullopt;
}

bool kernel_has_esp() {
  static const bool has = [] {
    std::string ns = std::string(kNamespacePrefix) + std::to_string(getpid()) + "xesp";
    if (!run_checked({"ip", "netns", "add", ns}).ok()) return false;
    SpawnOptions o;
    o.netns = ns;
    bool ok = run_checked({"ip", "xfrm", "state", "add", "src", "192.0.2.1", "dst", "192.0.2.2", "proto", "esp", "spi",
                           "0x1000", "mode", "tunnel", "enc", "cbc(aes)", "0x000102030405060708090a0b0c0d0e0f",
                           "auth-trunc", "hmac(sha256)", "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                           "128"},
                          o)
                  .ok();
    remove_namespace(ns);
    return ok;
  }();
  return has;
}

std::optional<std::string> netns_unsupported(const Scenario& s) {
  bool records_no_esp = std::find(s.tags.begin(), s.tags.end(), kKernelWithoutEspTag) != s.tags.end();
  if (records_no_esp && kernel_has_esp())
    return "the scenario records what a kernel without ESP does (every ESP SA install fails); this kernel "
           "installs ESP SAs";
  for (const auto& n : s.network.nats) {
    if (n.type == NatType::kFullCone || n.type == NatType::kAddressRestricted)
      return "NAT '" + n.name + "' is " + (n.type == NatType::kFullCone ? "full-cone" : "address-restricted") +
             ": netns mode's Linux conntrack NAT is port-restricted (or symmetric)";
    if (!n.public_address.is_v4()) return "NAT '" + n.name + "' has an IPv6 public address: netns NAT is IPv4";
  }
  return std::nullopt;
}

std::vector<std::string> cleanup_stale_namespaces(const std::string& workroot) {
  std::vector<std::string> removed;
  for (const auto& ns : list_namespaces()) {
    auto owner = owner_of(ns);
    if (!owner || *owner == getpid() || process_alive(*owner)) continue;
    remove_namespace(ns);
    removed.push_back(ns);
  }
  // Host folders (configs, sockets, a daemon's full log with key material) of dead runs.
  if (DIR* d = opendir(workroot.c_str())) {
    std::vector<std::string> stale;
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      auto owner = owner_of(name);
      if (!owner || *owner == getpid() || process_alive(*owner)) continue;
      if (name.find('-') != std::string::npos) continue;  // only iks<pid>x<n>
      stale.push_back(workroot + "/" + name);
    }
    closedir(d);
    for (const auto& path : stale) {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
      if (!ec) removed.push_back(path);
    }
  }
  return removed;
}

std::string next_prefix() {
  static std::atomic<unsigned> counter{0};
  return std::string(kNamespacePrefix) + std::to_string(getpid()) + "x" + std::to_string(++counter);
}

Result<std::unique_ptr<Topology>> Topology::create(const Scenario& s, const std::string& prefix) {
  std::unique_ptr<Topology> t(new Topology(s, prefix));
  if (Status st = t->build(); !st.ok()) {
    t->destroy();
    return st.error();
  }
  return t;
}

Topology::~Topology() { destroy(); }

void Topology::destroy() {
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) remove_namespace(*it);
  created_.clear();
}

Status Topology::ip(const std::string& ns, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip"};
  if (!ns.empty()) {
    argv.push_back("-n");
    argv.push_back(ns);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return run_checked(argv);
}

std::string Topology::host_of(const IpAddress& addr) const {
  if (const Host* h = s_.host_by_address(addr)) return h->name;
  for (const auto& n : s_.network.nats)
    if (n.public_address == addr && n.inside.size() == 1) return n.inside.front();
  return {};
}

std::vector<IpAddress> Topology::addresses_seen(const std::string& from, const std::string& to) const {
  const Host* h = s_.find_host(to);
  if (!h) return {};
  std::vector<IpAddress> out = h->addresses;
  for (const auto& n : s_.network.nats) {
    bool to_inside = std::find(n.inside.begin(), n.inside.end(), to) != n.inside.end();
    bool from_inside = std::find(n.inside.begin(), n.inside.end(), from) != n.inside.end();
    if (to_inside && !from_inside) out.push_back(n.public_address);
  }
  return out;
}

Status Topology::build() {
  router_ = prefix_ + "-" + kRouterSuffix;
  TRY(ip("", {"netns", "add", router_}));
  created_.push_back(router_);
  TRY(ip(router_, {"link", "set", "lo", "up"}));
  SpawnOptions in_router;
  in_router.netns = router_;
  // No duplicate address detection anywhere: a tentative link-local address on a fresh veth
  // holds IPv6 neighbour discovery back for a second or two, which the first datagrams of a
  // scenario would wait out.
  TRY(run_checked({"sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                   "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"},
                  in_router));
  for (size_t i = 0; i < s_.hosts.size(); ++i) {
    const Host& h = s_.hosts[i];
    std::string ns = prefix_ + "-" + safe_name(h.name);
    TRY(ip("", {"netns", "add", ns}));
    created_.push_back(ns);
    netns_[h.name] = ns;
    SpawnOptions in_host;
    in_host.netns = ns;
    TRY(run_checked({"sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"},
                    in_host));
    TRY(ip("", {"link", "add", kHostInterface, "netns", ns, "type", "veth", "peer", "name", router_if(i),
                "netns", router_}));
    TRY(ip(ns, {"link", "set", "lo", "up"}));
    for (const auto& a : h.addresses) {
      std::vector<std::string> args{"addr", "add", a.to_string() + prefix_len(a), "dev", kHostInterface};
      if (a.is_v6()) args.push_back("nodad");
      TRY(ip(ns, args));
    }
    for (const auto& sub : h.subnets) {
      IpAddress inner = first_host(sub);
      std::vector<std::string> args{"addr", "add", inner.to_string() + prefix_len(inner), "dev", "lo"};
      if (inner.is_v6()) args.push_back("nodad");
      TRY(ip(ns, args));
    }
    // The simulated network carries datagrams of any size: so do the veths (no IP
    // fragmentation on the way; a scenario's MTU is a rule in the router, as with DF set).
    TRY(ip(ns, {"link", "set", kHostInterface, "mtu", "65535", "up"}));
    TRY(ip(router_, {"link", "set", router_if(i), "address", router_mac(i), "mtu", "65535", "up"}));
    // Everything leaves through eth0 to the router (the gateway's neighbour entry is the
    // router's MAC). The source of a datagram is the host's first address of the family.
    bool v4 = false, v6 = false;
    for (const auto& a : h.addresses) {
      if (a.is_v4() && !v4) {
        v4 = true;
        TRY(ip(ns, {"neigh", "replace", kGateway4, "lladdr", router_mac(i), "dev", kHostInterface, "nud", "permanent"}));
        TRY(ip(ns, {"route", "add", "default", "via", kGateway4, "dev", kHostInterface, "onlink", "src", a.to_string()}));
      }
      if (a.is_v6() && !v6) {
        v6 = true;
        TRY(ip(ns, {"-6", "neigh", "replace", kGateway6, "lladdr", router_mac(i), "dev", kHostInterface, "nud", "permanent"}));
        TRY(ip(ns, {"-6", "route", "add", "default", "via", kGateway6, "dev", kHostInterface, "onlink", "src", a.to_string()}));
      }
      TRY(ip(router_, {"route", "add", a.to_string() + prefix_len(a), "dev", router_if(i)}));
    }
  }
  // Blackhole addresses: datagrams to them enter the router (sent) and are dropped there
  // without a word, as the simulated network drops them for want of a route.
  for (const auto& b : s_.network.blackhole) TRY(ip(router_, {"route", "add", "blackhole", b.to_string() + prefix_len(b)}));
  // NATs: the public address belongs to the router, inside hosts' datagrams leaving their
  // side are translated to it, and what reaches the public address unmapped is dropped
  // silently (no ICMP), as the simulated NAT does.
  if (!s_.network.nats.empty()) {
    std::ostringstream script;
    script << "table ip " << kNatTable << " {\n  chain translate {\n    type nat hook postrouting priority srcnat; policy accept;\n";
    std::ostringstream input, inbound;
    uint64_t timeout = 30;
    for (const auto& n : s_.network.nats) {
      TRY(ip(router_, {"addr", "add", n.public_address.to_string() + "/32", "dev", "lo"}));
      std::string saddrs, ifaces;
      for (const auto& inside : n.inside) {
        for (size_t i = 0; i < s_.hosts.size(); ++i) {
          if (s_.hosts[i].name != inside) continue;
          ifaces += (ifaces.empty() ? "" : ", ") + std::string("\"") + router_if(i) + "\"";
          for (const auto& a : s_.hosts[i].addresses)
            if (a.is_v4()) saddrs += (saddrs.empty() ? "" : ", ") + a.to_string();
        }
      }
      if (saddrs.empty()) continue;
      // Symmetric NATs pick a new port per destination; conntrack's random port does that.
      script << "    ip saddr { " << saddrs << " } oifname != { " << ifaces << " } snat to "
          << n.public_address.to_string() << (n.type == NatType::kSymmetric ? " random" : "") << "\n";
      input << "    ip daddr " << n.public_address.to_string() << " drop\n";
      // The inside is private: from outside only replies of mapped flows get in.
      inbound << "    oifname { " << ifaces << " } iifname != { " << ifaces << " } ct state != { established, related } drop\n";
      timeout = std::max<uint64_t>(1, static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(n.mapping_timeout).count()));
    }
    script << "  }\n  chain unmapped {\n    type filter hook input priority filter; policy accept;\n"
        << input.str() << "  }\n  chain private_inside {\n    type filter hook forward priority filter; policy accept;\n"
        << inbound.str() << "  }\n}\n";
    TRY(nft(router_, script.str()));
    // The mapping timeout: conntrack's UDP timeouts in the router's namespace.
    (void)run_command({"sysctl", "-q", "-w", "net.netfilter.nf_conntrack_udp_timeout=" + std::to_string(timeout),
                       "net.netfilter.nf_conntrack_udp_timeout_stream=" + std::to_string(timeout)},
                      in_router);
  }
  // Links: down and mtu from the scenario's network (loss is taken as written: see
  // apply_rules).
  for (const auto& l : s_.network.links) {
    auto set = [&](const std::string& a, const std::string& b) {
      PathState& p = paths_[{a, b}];
      if (l.params.down) p.down = *l.params.down;
      if (l.params.mtu) p.mtu = *l.params.mtu;
      p.loss = l.params.loss.value_or(s_.network.defaults.loss.value_or(0));
      apply_timing(p.timing, s_.network.defaults);
      apply_timing(p.timing, l.params);
    };
    set(l.a, l.b);
    if (l.bidirectional) set(l.b, l.a);
  }
  default_mtu_ = s_.network.defaults.mtu;
  if (double loss = s_.network.defaults.loss.value_or(0); loss > 0)
    for (const auto& a : s_.hosts)
      for (const auto& b : s_.hosts)
        if (a.name != b.name && !paths_.count({a.name, b.name})) paths_[{a.name, b.name}].loss = loss;
  net::Impairment default_timing = no_timing();
  apply_timing(default_timing, s_.network.defaults);
  if (!(default_timing == no_timing()))
    for (const auto& a : s_.hosts)
      for (const auto& b : s_.hosts)
        if (a.name != b.name && !paths_.count({a.name, b.name})) paths_[{a.name, b.name}].timing = default_timing;
  if (s_.network.defaults.down && *s_.network.defaults.down)
    for (const auto& a : s_.hosts)
      for (const auto& b : s_.hosts)
        if (a.name != b.name) paths_[{a.name, b.name}].down = true;
  return apply_rules();
}

// One forward chain in the router holds every condition: a datagram is captured as it enters
// the router (sent) and as it leaves towards its receiver (delivered), so a rule here drops it
// between the two, as the simulated network does.
Status Topology::apply_rules() {
  std::ostringstream r;
  auto index_of = [&](const std::string& host) -> size_t {
    for (size_t i = 0; i < s_.hosts.size(); ++i)
      if (s_.hosts[i].name == host) return i;
    return s_.hosts.size();
  };
  for (const auto& h : down_hosts_) {
    size_t i = index_of(h);
    r << "    iifname \"" << router_if(i) << "\" drop\n";
    r << "    oifname \"" << router_if(i) << "\" drop\n";
  }
  for (const auto& a : s_.hosts)
    for (const auto& b : s_.hosts) {
      if (a.name == b.name) continue;
      std::string match = "iifname \"" + router_if(index_of(a.name)) + "\" oifname \"" +
                          router_if(index_of(b.name)) + "\"";
      auto it = paths_.find({a.name, b.name});
      PathState p = it != paths_.end() ? it->second : PathState{};
      if (p.down) r << "    " << match << " drop\n";
      std::optional<uint32_t> mtu = p.mtu ? p.mtu : default_mtu_;
      if (mtu) r << "    " << match << " meta length > " << *mtu << " drop\n";
      // UDP on a lossy path goes to the delay line, which draws its loss from the
      // scenario's seed as the simulated network does; anything else is lost here.
      double l = p.loss;
      if (l > 0) {
        auto threshold = static_cast<uint64_t>(l * 1000000.0 + 0.5);
        r << "    " << match << " meta l4proto != udp numgen random mod 1000000 < " << threshold << " drop\n";
      }
      if (p.on_delay_line())
        r << "    " << match << " meta l4proto udp log prefix \""
          << DelayLine::prefix_for(index_of(a.name), index_of(b.name)) << "\" group " << kDelayLineGroup << " queue-threshold 1"
          << " drop\n";
    }
  std::ostringstream script;
  script << "table inet " << kFilterTable << "\ndelete table inet " << kFilterTable << "\n";
  // After a NAT's private-inside filter (priority filter), so what it drops never reaches the
  // delay line.
  script << "table inet " << kFilterTable << " {\n  chain conditions {\n    type filter hook forward priority filter + 10; policy accept;\n"
      << r.str() << "  }\n}\n";
  return nft(router_, script.str());
}

Status Topology::set_host_down(const std::string& host, bool down) {
  if (!netns_.count(host)) return Error(ErrorCode::kConfig, "no host '" + host + "'");
  if (down)
    down_hosts_.insert(host);
  else
    down_hosts_.erase(host);
  return apply_rules();
}

Status Topology::set_path_down(const std::string& from, const std::string& to, bool down) {
  paths_[{from, to}].down = down;
  return apply_rules();
}

Status Topology::set_path_mtu(const std::string& from, const std::string& to, std::optional<uint32_t> mtu) {
  paths_[{from, to}].mtu = mtu;
  return apply_rules();
}

Status Topology::set_path_loss(const std::string& from, const std::string& to, double loss) {
  paths_[{from, to}].loss = loss;
  return apply_rules();
}

net::Impairment Topology::no_timing() {
  net::Impairment t;
  t.delay = Duration::zero();  // a veth's own delay is all there is
  return t;
}

void Topology::apply_timing(net::Impairment& t, const LinkParams& p) {
  if (p.duplicate) t.duplicate = *p.duplicate;
  if (p.reorder) t.reorder = *p.reorder;
  if (p.reorder_delay) t.reorder_delay = *p.reorder_delay;
  if (p.delay) t.delay = *p.delay;
  if (p.jitter) t.jitter = *p.jitter;
}

bool Topology::PathState::on_delay_line() const {
  return loss > 0 || timing.delay > Duration::zero() || timing.jitter > Duration::zero() ||
         timing.duplicate > 0 || timing.reorder > 0;
}

bool Topology::needs_delay_line(const Scenario& s) {
  auto timed = [](const LinkParams& p) {
    auto positive = [](const std::optional<Duration>& d) { return d && *d > Duration::zero(); };
    return (p.loss && *p.loss > 0) || positive(p.delay) || positive(p.jitter) ||
           (p.duplicate && *p.duplicate > 0) || (p.reorder && *p.reorder > 0);
  };
  if (timed(s.network.defaults)) return true;
  for (const auto& l : s.network.links)
    if (timed(l.params)) return true;
  for (const auto& a : s.timeline)
    if (a.kind == ActionKind::kFlood || (a.kind == ActionKind::kImpair && timed(a.link))) return true;
  return false;
}

std::optional<net::Impairment> Topology::delay_line(const std::string& from, const std::string& to) const {
  auto it = paths_.find({from, to});
  if (it == paths_.end() || !it->second.on_delay_line()) return std::nullopt;
  net::Impairment imp = it->second.timing;
  imp.loss = it->second.loss;
  return imp;
}

Status Topology::set_path_timing(const std::string& from, const std::string& to, const LinkParams& p) {
  apply_timing(paths_[{from, to}].timing, p);
  return apply_rules();
}

Status Topology::add_blackhole(const Subnet& subnet) {
  std::string route = subnet.to_string();
  if (!blackholes_.insert(route).second) return {};
  std::vector<std::string> args{"route", "add", "blackhole", route};
  if (subnet.addr.is_v6()) args.insert(args.begin(), "-6");
  return ip(router_, args);
}

Status Topology::set_default_mtu(std::optional<uint32_t> mtu) {
  default_mtu_ = mtu;
  for (auto& [k, p] : paths_) p.mtu.reset();
  return apply_rules();
}

}  // namespace ikesuite::harness::netns
