#include "harness/netns/topology.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

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

bool has_netem() {
  static const bool available = [] {
    std::string ns = std::string(kNamespacePrefix) + std::to_string(getpid()) + "xnetem";
    if (!run_checked({"ip", "netns", "add", ns}).ok()) return false;
    bool ok = run_checked({"ip", "-n", ns, "link", "set", "lo", "up"}).ok() &&
              run_checked({"tc", "-n", ns, "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"}).ok();
    remove_namespace(ns);
    return ok;
  }();
  return available;
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

std::optional<std::string> netns_unsupported(const Scenario& s) {
  auto params = [&](const LinkParams& p) -> std::optional<std::string> {
    bool zero_dup = !p.duplicate || *p.duplicate == 0;
    bool zero_reorder = !p.reorder || *p.reorder == 0;
    bool zero_delay = !p.delay && !p.jitter;
    if (zero_dup && zero_reorder && zero_delay) return std::nullopt;
    if (!has_netem())
      return "the scenario's links delay, duplicate or reorder datagrams, which needs the kernel's "
             "sch_netem (this kernel has none); loss, down, mtu, partitions and NAT work in netns mode";
    return "netns mode does not emulate delay, duplication or reordering yet (loss, down, mtu, "
           "partitions and NAT work)";
  };
  if (auto why = params(s.network.defaults)) return why;
  for (const auto& l : s.network.links)
    if (auto why = params(l.params)) return why;
  for (const auto& a : s.timeline) {
    if (a.kind == ActionKind::kFlood)
      return "flood actions send datagrams from spoofed source addresses: sim mode only";
    if (a.kind == ActionKind::kImpair)
      if (auto why = params(a.link)) return why;
  }
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
  TRY(run_checked({"sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                   "net.ipv4.conf.all.proxy_arp=1", "net.ipv4.conf.default.proxy_arp=1",
                   "net.ipv6.conf.all.proxy_ndp=1", "net.ipv6.conf.default.proxy_ndp=1"},
                  in_router));
  for (size_t i = 0; i < s_.hosts.size(); ++i) {
    const Host& h = s_.hosts[i];
    std::string ns = prefix_ + "-" + safe_name(h.name);
    TRY(ip("", {"netns", "add", ns}));
    created_.push_back(ns);
    netns_[h.name] = ns;
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
    TRY(ip(router_, {"link", "set", router_if(i), "mtu", "65535", "up"}));
    // Everything leaves through eth0; the router answers ARP (proxy) for every address it
    // routes elsewhere. The source of a datagram is the host's first address of the family.
    bool v4 = false, v6 = false;
    for (const auto& a : h.addresses) {
      if (a.is_v4() && !v4) {
        v4 = true;
        TRY(ip(ns, {"route", "add", "default", "dev", kHostInterface, "src", a.to_string()}));
      }
      if (a.is_v6() && !v6) {
        v6 = true;
        TRY(ip(ns, {"-6", "route", "add", "default", "dev", kHostInterface, "src", a.to_string()}));
      }
      TRY(ip(router_, {"route", "add", a.to_string() + prefix_len(a), "dev", router_if(i)}));
    }
  }
  // IPv6 has no proxy ARP: the router answers neighbour solicitations for each address it
  // routes elsewhere, per interface.
  for (size_t i = 0; i < s_.hosts.size(); ++i)
    for (size_t j = 0; j < s_.hosts.size(); ++j) {
      if (i == j) continue;
      for (const auto& a : s_.hosts[j].addresses)
        if (a.is_v6()) TRY(ip(router_, {"-6", "neigh", "add", "proxy", a.to_string(), "dev", router_if(i)}));
    }
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
    };
    set(l.a, l.b);
    if (l.bidirectional) set(l.b, l.a);
  }
  default_mtu_ = s_.network.defaults.mtu;
  if (double loss = s_.network.defaults.loss.value_or(0); loss > 0)
    for (const auto& a : s_.hosts)
      for (const auto& b : s_.hosts)
        if (a.name != b.name && !paths_.count({a.name, b.name})) paths_[{a.name, b.name}].loss = loss;
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
      double l = p.loss;
      if (l > 0) {
        auto threshold = static_cast<uint64_t>(l * 1000000.0 + 0.5);
        r << "    " << match << " numgen random mod 1000000 < " << threshold << " drop\n";
      }
    }
  std::ostringstream script;
  script << "table inet " << kFilterTable << "\ndelete table inet " << kFilterTable << "\n";
  script << "table inet " << kFilterTable << " {\n  chain conditions {\n    type filter hook forward priority filter; policy accept;\n"
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

Status Topology::set_default_mtu(std::optional<uint32_t> mtu) {
  default_mtu_ = mtu;
  for (auto& [k, p] : paths_) p.mtu.reset();
  return apply_rules();
}

}  // namespace ikesuite::harness::netns
