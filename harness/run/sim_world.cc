#include "harness/run/sim_world.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>

#include "engine/clock/event_loop.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/proposal.h"
#include "engine/net/sim_network.h"
#include "engine/net/transport.h"
#include "engine/wire/ikev2/message.h"
#include "harness/run/flood.h"
#include "harness/run/ref_config.h"
#include "harness/run/ref_host.h"
#include "harness/run/world.h"

namespace ikesuite::harness::run {

namespace {

namespace fs = std::filesystem;

// Link parameters over the defaults, as the simulated network takes them.
net::Impairment to_impairment(const LinkParams& p, const LinkParams& defaults) {
  net::Impairment i;
  auto pick = [](const auto& own, const auto& fallback) { return own ? own : fallback; };
  if (auto v = pick(p.loss, defaults.loss)) i.loss = *v;
  if (auto v = pick(p.duplicate, defaults.duplicate)) i.duplicate = *v;
  if (auto v = pick(p.reorder, defaults.reorder)) i.reorder = *v;
  if (auto v = pick(p.reorder_delay, defaults.reorder_delay)) i.reorder_delay = *v;
  if (auto v = pick(p.delay, defaults.delay)) i.delay = *v;
  if (auto v = pick(p.jitter, defaults.jitter)) i.jitter = *v;
  // A path that is down carries nothing (as if every datagram were lost on it).
  if (auto v = pick(p.down, defaults.down); v && *v) i.loss = 1.0;
  return i;
}

net::NatSpec to_nat(const Nat& n) {
  net::NatSpec s;
  s.name = n.name;
  s.inside = n.inside;
  s.public_address = n.public_address;
  s.mapping_timeout = n.mapping_timeout;
  // RFC 4787 terms for the classic names.
  switch (n.type) {
    case NatType::kFullCone:
      s.mapping = net::NatMapping::kEndpointIndependent;
      s.filtering = net::NatFiltering::kEndpointIndependent;
      break;
    case NatType::kAddressRestricted:
      s.mapping = net::NatMapping::kEndpointIndependent;
      s.filtering = net::NatFiltering::kAddressDependent;
      break;
    case NatType::kPortRestricted:
      s.mapping = net::NatMapping::kEndpointIndependent;
      s.filtering = net::NatFiltering::kAddressAndPortDependent;
      break;
    case NatType::kSymmetric:
      s.mapping = net::NatMapping::kAddressAndPortDependent;
      s.filtering = net::NatFiltering::kAddressAndPortDependent;
      break;
  }
  return s;
}


class SimWorld;

// A host's transport that enforces the path MTU (the simulated network carries datagrams of
// any size): a datagram larger than the path's MTU is lost as with DF set, after it was seen
// on the sender's segment.
class MtuTransport final : public net::Transport {
 public:
  MtuTransport(SimWorld& world, std::string host, std::unique_ptr<net::Transport> inner)
      : world_(world), host_(std::move(host)), inner_(std::move(inner)) {}
  Status send(const Endpoint& src, const Endpoint& dst, ByteView ike) override;
  Status send_udp(const Endpoint& src, const Endpoint& dst, ByteView udp_payload) override;
  void set_receiver(std::function<void(const net::Datagram&)> receiver) override {
    inner_->set_receiver(std::move(receiver));
  }
  std::vector<Endpoint> local_endpoints() const override { return inner_->local_endpoints(); }

 private:
  SimWorld& world_;
  std::string host_;
  std::unique_ptr<net::Transport> inner_;
};

// The loop exists before the World base that keeps a reference to it.
struct VirtualLoopHolder {
  clock::VirtualEventLoop virtual_loop;
};

class SimWorld final : private VirtualLoopHolder, public World {
 public:
  SimWorld(const Scenario& s, const WorldOptions& wo, Duration wall_offset, reports::ScenarioResult& result)
      : World(s, wo, result, virtual_loop), wall_offset_(wall_offset), net_(virtual_loop, seed_) {}

  // The MTU of the path from a host to an address; nullopt: unlimited.
  std::optional<uint32_t> mtu(const std::string& from, const IpAddress& dst) const {
    std::string to = host_of(dst);
    auto it = mtus_.find({from, to});
    if (it != mtus_.end()) return it->second;
    return default_mtu_;
  }
  std::string host_of(const IpAddress& a) const {
    if (const Host* h = s_.host_by_address(a)) return h->name;
    for (const auto& n : s_.network.nats)
      if (n.public_address == a && n.inside.size() == 1) return n.inside.front();
    return {};
  }
  void mtu_drop(const std::string& from, const Endpoint& src, const Endpoint& dst, ByteView udp,
                uint32_t mtu) {
    trace_->on_mtu_drop(now(), from, host_of(dst.addr), src, dst, udp, mtu);
  }

 protected:
  Status setup_network() override;
  Status attach_trace() override {
    net_.add_tap([this](const net::WireEvent& e) { trace_->on_wire(e); });
    return {};
  }
  Result<std::unique_ptr<ScenarioHost>> make_host(const Host& h, HostListener listener) override;
  void run_until(Time end) override { virtual_loop.run_until(end); }
  Status network_action(const Action& a) override;

 private:
  Status set_link(const Action& a);
  Status flood(const Action& a);

  Duration wall_offset_;
  net::SimNetwork net_;
  std::map<std::pair<std::string, std::string>, uint32_t> mtus_;
  std::optional<uint32_t> default_mtu_;
};

Status MtuTransport::send(const Endpoint& src, const Endpoint& dst, ByteView ike) {
  Bytes udp = net::frame_ike(src.port, dst.port, ike);
  return send_udp(src, dst, udp);
}

Status MtuTransport::send_udp(const Endpoint& src, const Endpoint& dst, ByteView udp_payload) {
  if (auto limit = world_.mtu(host_, dst.addr)) {
    size_t ip = udp_payload.size() + 8 + (dst.addr.is_v4() ? 20 : 40);
    if (ip > *limit) {
      world_.mtu_drop(host_, src, dst, udp_payload, *limit);
      return {};
    }
  }
  return inner_->send_udp(src, dst, udp_payload);
}

Status SimWorld::setup_network() {
  const Network& n = s_.network;
  TRY(net_.set_default_impairment(to_impairment(n.defaults, {})));
  default_mtu_ = n.defaults.mtu;
  for (const auto& l : n.links) {
    TRY(net_.set_impairment(l.a, l.b, to_impairment(l.params, n.defaults), l.bidirectional));
    auto m = l.params.mtu ? l.params.mtu : n.defaults.mtu;
    if (m) {
      mtus_[{l.a, l.b}] = *m;
      if (l.bidirectional) mtus_[{l.b, l.a}] = *m;
    }
  }
  for (const auto& nat : n.nats) TRY(net_.add_nat(to_nat(nat)));
  // Blackhole addresses belong to nobody: the network drops datagrams to them (no route).
  return {};
}

Result<std::unique_ptr<ScenarioHost>> SimWorld::make_host(const Host& h, HostListener listener) {
  if (h.implementation != Implementation::kRef)
    return Error(ErrorCode::kUnsupported, "host '" + h.name + "': implementation " +
                                              std::string(name(h.implementation)) +
                                              " runs in netns mode only");
  Duration wall = wall_offset_;
  if (wall == Duration{0})
    wall = std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch());
  RefHostEnv env{loop_, seed_, wall, {}, {}, std::move(listener), {}};
  std::string host_name = h.name;
  std::vector<IpAddress> addresses = h.addresses;
  env.make_transport = [this, host_name, addresses]() -> Result<std::unique_ptr<net::Transport>> {
    TRY_ASSIGN(auto inner, net_.attach(host_name, addresses));
    return std::unique_ptr<net::Transport>(new MtuTransport(*this, host_name, std::move(inner)));
  };
  if (!o_.folder.empty()) env.log_path = o_.folder + "/" + h.name + ".log";
  TRY_ASSIGN(auto host, RefHost::create(h, std::move(env)));
  return std::unique_ptr<ScenarioHost>(std::move(host));
}

Status SimWorld::network_action(const Action& a) {
  switch (a.kind) {
    case ActionKind::kImpair:
    case ActionKind::kPartition:
    case ActionKind::kHeal: return set_link(a);
    case ActionKind::kHostDown: return net_.set_host_up(a.host, false);
    case ActionKind::kHostUp: return net_.set_host_up(a.host, true);
    case ActionKind::kFlood: return flood(a);
    default: return {};
  }
}

Status SimWorld::set_link(const Action& a) {
  switch (a.kind) {
    case ActionKind::kImpair: {
      net::Impairment imp = to_impairment(a.link, s_.network.defaults);
      if (a.link_default) {
        TRY(net_.set_default_impairment(imp));
        if (a.link.mtu) default_mtu_ = *a.link.mtu;
        return {};
      }
      if (!a.link_a.empty()) {
        // Unset parameters keep the path's current values.
        net::Impairment current = net_.impairment(a.link_a, a.link_b);
        if (a.link.loss) current.loss = *a.link.loss;
        if (a.link.duplicate) current.duplicate = *a.link.duplicate;
        if (a.link.reorder) current.reorder = *a.link.reorder;
        if (a.link.reorder_delay) current.reorder_delay = *a.link.reorder_delay;
        if (a.link.delay) current.delay = *a.link.delay;
        if (a.link.jitter) current.jitter = *a.link.jitter;
        if (a.link.down) current.loss = *a.link.down ? 1.0 : (a.link.loss ? *a.link.loss : 0.0);
        TRY(net_.set_impairment(a.link_a, a.link_b, current, a.link_bidirectional));
        if (a.link.mtu) {
          mtus_[{a.link_a, a.link_b}] = *a.link.mtu;
          if (a.link_bidirectional) mtus_[{a.link_b, a.link_a}] = *a.link.mtu;
        }
        return {};
      }
      // Every path.
      TRY(net_.set_default_impairment(imp));
      for (const auto& x : s_.hosts)
        for (const auto& y : s_.hosts)
          if (x.name != y.name) TRY(net_.set_impairment(x.name, y.name, imp, false));
      if (a.link.mtu) {
        default_mtu_ = *a.link.mtu;
        mtus_.clear();
      }
      return {};
    }
    case ActionKind::kPartition:
    case ActionKind::kHeal: {
      std::vector<std::pair<std::string, std::string>> pairs;
      if (!a.link_a.empty()) {
        pairs.emplace_back(a.link_a, a.link_b);
      } else {
        for (size_t i = 0; i < s_.hosts.size(); ++i)
          for (size_t j = i + 1; j < s_.hosts.size(); ++j) pairs.emplace_back(s_.hosts[i].name, s_.hosts[j].name);
      }
      for (const auto& [x, y] : pairs) {
        if (a.kind == ActionKind::kPartition)
          net_.partition(x, y);
        else
          net_.heal(x, y);
      }
      return {};
    }
    default: return {};
  }
}

Status SimWorld::flood(const Action& a) {
  TRY_ASSIGN(auto datagrams, flood_datagrams(s_, a, seed_));
  for (auto& d : datagrams)
    loop_.schedule(d.at, [this, d = std::move(d)] { (void)net_.inject(d.src, d.dst, d.udp, "flood"); });
  return {};
}

}  // namespace

std::string scenario_folder(const std::string& file, const std::string& scenario_name) {
  fs::path p = fs::path(file).lexically_normal();
  std::vector<std::string> parts;
  for (const auto& part : p) parts.push_back(part.string());
  for (size_t i = parts.size(); i-- > 0;) {
    if (parts[i] != "scenarios") continue;
    std::string out;
    for (size_t j = i + 1; j + 1 < parts.size(); ++j) out += parts[j] + "/";
    return out + scenario_name;
  }
  return scenario_name;
}

reports::ScenarioResult run_sim(const Scenario& scenario, const SimOptions& options) {
  reports::ScenarioResult result = new_result(scenario, options.seed, "sim");
  WorldOptions wo;
  wo.folder = options.folder;
  wo.report_root = options.report_root;
  wo.seed = options.seed;
  wo.known_deviations = options.known_deviations;
  try {
    SimWorld world(scenario, wo, options.wall_offset, result);
    world.run();
  } catch (const std::exception& e) {
    result.status = reports::kError;
    result.error = std::string("the run threw: ") + e.what();
  }
  write_result(result, wo);
  return result;
}

}  // namespace ikesuite::harness::run
