#include "harness/netns/netns_run.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "engine/net/sim_network.h"
#include "engine/net/transport.h"
#include "engine/net/udp_transport.h"
#include "harness/netns/delay_line.h"
#include "harness/netns/host_factory.h"
#include "harness/netns/scenario_loop.h"
#include "harness/netns/topology.h"
#include "harness/run/flood.h"
#include "harness/run/ref_host.h"
#include "harness/run/world.h"
#include "pcaps/src/frame.h"
#include "pcaps/src/pcap_capture.h"

namespace ikesuite::harness::netns {

namespace {

namespace fs = std::filesystem;
using run::HostListener;
using run::ScenarioHost;
using run::World;
using run::WorldOptions;

// ---- interruption --------------------------------------------------------------------

std::atomic<bool> g_interrupted{false};
std::mutex g_loops_mu;
std::set<clock::RealEventLoop*> g_loops;

struct LoopRegistration {
  explicit LoopRegistration(clock::RealEventLoop* loop) : loop_(loop) {
    std::lock_guard<std::mutex> lock(g_loops_mu);
    g_loops.insert(loop_);
    if (g_interrupted) loop_->stop();
  }
  ~LoopRegistration() {
    std::lock_guard<std::mutex> lock(g_loops_mu);
    g_loops.erase(loop_);
  }
  clock::RealEventLoop* loop_;
};

// ---- the world -----------------------------------------------------------------------

// A datagram seen entering the router, not yet seen leaving it.
struct InFlight {
  uint64_t id = 0;
  Time sent{0};
  // When it counts as dropped in the router if it has not left it: a second after it
  // entered, or after the delay line's longest delay for it.
  Time deadline{0};
  bool planned = false;  // the delay line's copies of it are accounted for
  std::string from;
  std::string to;
  Endpoint src, dst;
  Bytes payload;
};

// The trace's event for a datagram in flight (at its entry time; callers set what differs).
net::WireEvent event_of(const InFlight& f, net::Fate fate) {
  net::WireEvent e;
  e.time = f.sent;
  e.datagram = f.id;
  e.fate = fate;
  e.segment = "netns";
  e.from = f.from;
  e.to = f.to;
  e.src = f.src;
  e.dst = f.dst;
  e.payload = f.payload;
  return e;
}

// A datagram the delay line took, until its entry into the router is matched (to mark the
// trace's datagram duplicated or reordered, and to expect every copy of it).
struct Planned {
  Time seen{0};  // scenario time
  std::string from;
  Bytes payload;  // the UDP payload
  std::vector<net::CopyPlan> copies;
};

// A packet read from a capture, waiting for the others of its round.
struct Captured {
  Time t{0};
  size_t host = 0;
  bool sent = false;  // entering the router from the host (else leaving towards it)
  Bytes frame;
};

// The parts that must exist before the World base (which keeps references to them).
struct NetnsParts {
  explicit NetnsParts(const NetnsOptions& o) : real(), loop(real, real.now()) {
    wo.folder = o.folder;
    wo.report_root = o.report_root;
    wo.seed = o.seed;
    wo.known_deviations = o.known_deviations;
  }
  clock::RealEventLoop real;
  ScenarioLoop loop;
  WorldOptions wo;
};

class NetnsWorld final : private NetnsParts, public World {
 public:
  NetnsWorld(const Scenario& s, const NetnsOptions& o, reports::ScenarioResult& result)
      : NetnsParts(o), World(s, wo, result, loop), opts_(o), registration_(&real) {}
  ~NetnsWorld() override { teardown(); }

 protected:
  Status setup_network() override;
  Status attach_trace() override;
  Result<std::unique_ptr<ScenarioHost>> make_host(const Host& h, HostListener listener) override;
  void run_until(Time end) override;
  Status network_action(const Action& a) override;
  void teardown() override;
  std::string implementation_text(const Host& h) const override { return implementation_label(h); }
  Duration time_tolerance() const override { return opts_.time_tolerance; }

 private:
  void on_sent(size_t host, Time t, ByteView frame);
  bool on_delivered(size_t host, Time t, ByteView frame);
  void dispatch_all();
  void sweep(bool final);
  void schedule_sweep();
  Status set_link(const Action& a);
  Status flood(const Action& a);
  // The delay line: a datagram it took is sent on as the path's impairment plans.
  void take(DelayLine::Datagram d);
  void match_planned();

  const NetnsOptions& opts_;
  LoopRegistration registration_;
  std::unique_ptr<Topology> topology_;
  std::string workdir_;
  struct HostCaptures {
    std::unique_ptr<pcap::PcapCapture> sent, delivered;
  };
  std::vector<HostCaptures> captures_;
  std::deque<InFlight> in_flight_;
  // Exits seen before their entry (a datagram from outside the scenario's hosts, or one
  // whose entry a later round reads): matched again as entries come, swept after a second.
  std::vector<Captured> early_;
  std::vector<Captured> batch_;
  std::unique_ptr<DelayLine> delay_line_;
  std::map<std::pair<size_t, size_t>, SeededRandom> path_rngs_;
  std::vector<Planned> planned_;
  uint64_t next_id_ = 0;
  std::optional<TimerId> sweeper_;
};

Status NetnsWorld::setup_network() {
  topology_ = nullptr;
  TRY_ASSIGN(topology_, Topology::create(s_, next_prefix()));
  workdir_ = opts_.workroot + "/" + topology_->prefix();
  std::error_code ec;
  fs::create_directories(workdir_, ec);
  if (ec) return Error(ErrorCode::kSystem, "cannot create " + workdir_ + ": " + ec.message());
  fs::permissions(workdir_, fs::perms::owner_all, ec);
  // Scenario time zero: the network exists, nothing runs yet.
  loop.reset_origin(real.now());
  wo.capture_epoch = loop.origin();
  return {};
}

Status NetnsWorld::attach_trace() {
  const std::string router = topology_->netns_of_router();
  for (size_t i = 0; i < s_.hosts.size(); ++i) {
    HostCaptures hc;
    for (bool sent : {true, false}) {
      pcap::CaptureOptions co;
      co.interface = "r" + std::to_string(i);
      co.filter = "udp";
      co.direction = sent ? pcap::CaptureDirection::kIn : pcap::CaptureDirection::kOut;
      co.on_packet = [this, i, sent](Time t, ByteView f) {
        batch_.push_back(Captured{t, i, sent, Bytes(f.begin(), f.end())});
      };
      auto cap = in_netns(router, [&]() -> Result<std::unique_ptr<pcap::PcapCapture>> {
        return pcap::PcapCapture::open(co);
      });
      if (!cap.ok()) return cap.error();
      (sent ? hc.sent : hc.delivered) = std::move(*cap);
    }
    captures_.push_back(std::move(hc));
  }
  for (auto& hc : captures_)
    for (auto* c : {hc.sent.get(), hc.delivered.get()})
      TRY(real.watch(c->fd(), [this] { dispatch_all(); }));
  if (Topology::needs_delay_line(s_)) {
    TRY_ASSIGN(delay_line_, DelayLine::open(router));
    TRY(real.watch(delay_line_->fd(), [this] { dispatch_all(); }));
  }
  return {};
}

// Every capture is read, whichever descriptor woke the loop, and what they held goes to the
// trace in the order the kernel stamped it (entries before exits at the same instant): one
// capture per interface and direction would otherwise reorder messages of different hosts,
// and IKEv1's IV chain follows the order of the messages on the wire.
void NetnsWorld::dispatch_all() {
  // The delay line first: a datagram it holds was in the entry capture's buffer before the
  // forward hook logged it, so its entry is read below, in this same round.
  if (delay_line_) {
    auto taken = delay_line_->read();
    if (!taken.ok())
      fail("the router's delay line failed: " + taken.error().message());
    else
      for (auto& d : *taken) take(std::move(d));
  }
  for (auto& hc : captures_)
    for (auto* c : {hc.sent.get(), hc.delivered.get()})
      if (c) (void)c->dispatch();
  if (batch_.empty()) return;
  std::vector<Captured> batch = std::move(batch_);
  batch_.clear();
  std::stable_sort(batch.begin(), batch.end(), [](const Captured& a, const Captured& b) {
    if (a.t != b.t) return a.t < b.t;
    return a.sent && !b.sent;
  });
  for (const auto& c : batch) {
    if (c.sent)
      on_sent(c.host, c.t, c.frame);
    else if (!on_delivered(c.host, c.t, c.frame))
      early_.push_back(c);
  }
  match_planned();
}

void NetnsWorld::take(DelayLine::Datagram d) {
  if (d.from >= s_.hosts.size() || d.to >= s_.hosts.size()) return;
  const std::string& from = s_.hosts[d.from].name;
  const std::string& to = s_.hosts[d.to].name;
  // The path's impairment as it is now; a datagram logged just before an impair action
  // cleared it goes on at once.
  net::Impairment imp;
  imp.delay = Duration::zero();
  if (auto now_imp = topology_->delay_line(from, to)) imp = *now_imp;
  // The simulated network's stream for the path: the same seed loses (and duplicates,
  // reorders) the same datagrams of a path as in sim mode, as long as the path carries the
  // same datagrams in the same order.
  auto rng = path_rngs_.find({d.from, d.to});
  if (rng == path_rngs_.end()) rng = path_rngs_.emplace(std::pair{d.from, d.to}, net::path_stream(seed_, from, to)).first;
  std::vector<net::CopyPlan> copies = net::plan_copies(imp, rng->second);
  auto decoded = pcap::decode_frame(pcap::LinkType::Raw, d.packet);
  Bytes payload;
  if (decoded.ok() && decoded->kind == pcap::FrameKind::kUdp) payload.assign(decoded->payload.begin(), decoded->payload.end());
  Time now_real = real.now();
  for (const auto& c : copies) {
    Duration wait = d.seen + c.delay - now_real;
    if (wait < Duration::zero()) wait = Duration::zero();
    loop.schedule(wait, [this, packet = d.packet, from, to, payload] {
      if (!delay_line_) return;
      // A receiver that went down while the datagram was on its way does not get it (the
      // simulated network checks the receiver when a datagram arrives).
      if (topology_->host_down(to)) {
        auto f = std::find_if(in_flight_.begin(), in_flight_.end(),
                              [&](const InFlight& x) { return x.from == from && x.payload == payload; });
        if (f != in_flight_.end()) {
          net::WireEvent e = event_of(*f, net::Fate::kDropped);
          e.reason = net::DropReason::kHostDown;
          trace_->on_wire(e);
          in_flight_.erase(f);
        }
        return;
      }
      if (Status st = delay_line_->send(packet); !st.ok()) fail(st.error().message());
    });
  }
  if (payload.empty()) return;
  planned_.push_back(Planned{d.seen - loop.origin(), from, std::move(payload), std::move(copies)});
}

void NetnsWorld::match_planned() {
  Time now_t = loop.now();
  for (auto p = planned_.begin(); p != planned_.end();) {
    // The oldest entry not yet accounted for, of the same bytes from the same host, that
    // entered the router before the forward hook logged the datagram: a retransmission of the
    // same bytes entering later is another datagram. (The log's time is when it was read when
    // the kernel gave none, so it is never earlier than the entry.)
    auto f = std::find_if(in_flight_.begin(), in_flight_.end(), [&](const InFlight& x) {
      return !x.planned && x.from == p->from && x.sent <= p->seen + std::chrono::milliseconds(1) &&
             x.payload == p->payload;
    });
    if (f == in_flight_.end()) {
      // Its entry was never captured (it cannot happen unless the capture lost it).
      p = now_t - p->seen > seconds(2) ? planned_.erase(p) : std::next(p);
      continue;
    }
    if (p->copies.empty()) {
      // The path lost it.
      net::WireEvent e = event_of(*f, net::Fate::kDropped);
      e.reason = net::DropReason::kLoss;
      trace_->on_wire(e);
      in_flight_.erase(f);
      p = planned_.erase(p);
      continue;
    }
    Duration longest{0};
    for (const auto& c : p->copies) longest = std::max(longest, c.delay);
    f->planned = true;
    f->deadline = f->sent + longest + seconds(1);
    net::WireEvent e = event_of(*f, net::Fate::kDuplicated);
    if (p->copies.size() > 1) {
      e.copy = 1;
      trace_->on_wire(e);
    }
    for (uint32_t c = 0; c < p->copies.size(); ++c)
      if (p->copies[c].reordered) {
        e.copy = c;
        e.fate = net::Fate::kReordered;
        trace_->on_wire(e);
      }
    // Every further copy is expected to leave the router too.
    InFlight twin = *f;
    for (size_t c = 1; c < p->copies.size(); ++c) in_flight_.push_back(twin);
    p = planned_.erase(p);
  }
}

void NetnsWorld::on_sent(size_t host, Time t, ByteView frame) {
  auto d = pcap::decode_frame(pcap::LinkType::Ethernet, frame);
  if (!d.ok() || d->kind != pcap::FrameKind::kUdp) return;
  InFlight f;
  f.id = ++next_id_;
  f.sent = t - loop.origin();
  f.deadline = f.sent + seconds(1);
  f.from = s_.hosts[host].name;
  f.to = topology_->host_of(d->dst.addr);
  f.src = d->src;
  f.dst = d->dst;
  f.payload.assign(d->payload.begin(), d->payload.end());
  trace_->on_wire_frame(event_of(f, net::Fate::kSent), frame);
  in_flight_.push_back(std::move(f));
  // Exits that were read before this entry.
  for (auto it = early_.begin(); it != early_.end();) {
    if (on_delivered(it->host, it->t, it->frame))
      it = early_.erase(it);
    else
      ++it;
  }
}

bool NetnsWorld::on_delivered(size_t host, Time t, ByteView frame) {
  auto d = pcap::decode_frame(pcap::LinkType::Ethernet, frame);
  if (!d.ok() || d->kind != pcap::FrameKind::kUdp) return true;
  const std::string& to = s_.hosts[host].name;
  Time at = t - loop.origin();
  for (auto it = in_flight_.begin(); it != in_flight_.end(); ++it) {
    // Not its own, and not one that has counted as dropped by now (a retransmission of the
    // same bytes is another datagram).
    if (it->from == to || at > it->deadline) continue;
    if (!std::equal(it->payload.begin(), it->payload.end(), d->payload.begin(), d->payload.end())) continue;
    net::WireEvent e;
    e.time = t - loop.origin();
    e.datagram = it->id;
    e.segment = "netns";
    e.from = it->from;
    e.to = to;
    e.src = d->src;
    e.dst = d->dst;
    e.payload = d->payload;
    if (!(d->src == it->src) || !(d->dst == it->dst)) {
      // A NAT translated it: its second appearance, as the receiver's side sees it.
      e.fate = net::Fate::kForwarded;
      trace_->on_wire_frame(e, frame);
    }
    e.fate = net::Fate::kDelivered;
    trace_->on_wire(e);
    in_flight_.erase(it);
    return true;
  }
  return false;
}

// Datagrams that entered the router and did not leave it within a second were dropped there
// (by a rule of the scenario, or for want of a route); exits without an entry are datagrams
// from outside the scenario's hosts.
void NetnsWorld::sweep(bool final) {
  Time now_t = loop.now();
  std::deque<InFlight> kept;
  for (auto& f : in_flight_) {
    if (!final && now_t <= f.deadline) {
      kept.push_back(std::move(f));
      continue;
    }
    net::WireEvent e = event_of(f, net::Fate::kDropped);
    e.reason = f.to.empty() ? net::DropReason::kNoRoute : net::DropReason::kLoss;
    trace_->on_wire(e);
  }
  in_flight_ = std::move(kept);
  for (const auto& x : early_) {
    if (!final && now_t - (x.t - loop.origin()) < seconds(1)) continue;
    auto d = pcap::decode_frame(pcap::LinkType::Ethernet, x.frame);
    if (!d.ok() || d->kind != pcap::FrameKind::kUdp) continue;
    net::WireEvent e;
    e.time = x.t - loop.origin();
    e.datagram = ++next_id_;
    e.fate = net::Fate::kSent;
    e.segment = "netns";
    e.from = "outside";
    e.to = s_.hosts[x.host].name;
    e.src = d->src;
    e.dst = d->dst;
    e.payload = d->payload;
    trace_->on_wire_frame(e, x.frame);
    e.fate = net::Fate::kDelivered;
    trace_->on_wire(e);
  }
  early_.erase(std::remove_if(early_.begin(), early_.end(),
                              [&](const Captured& x) { return final || now_t - (x.t - loop.origin()) >= seconds(1); }),
               early_.end());
}

Result<std::unique_ptr<ScenarioHost>> NetnsWorld::make_host(const Host& h, HostListener listener) {
  HostContext ctx{s_, h, loop, topology_->netns_of(h.name), workdir_ + "/" + h.name,
                  o_.folder.empty() ? std::string() : o_.folder + "/" + h.name + ".log",
                  seed_, std::move(listener), opts_};
  return create_host(ctx);
}

void NetnsWorld::schedule_sweep() {
  sweeper_ = loop.schedule(std::chrono::milliseconds(250), [this] {
    sweep(false);
    schedule_sweep();
  });
}

void NetnsWorld::run_until(Time end) {
  schedule_sweep();
  loop.run_until(end);
  if (sweeper_) loop.cancel(*sweeper_);
  sweeper_.reset();
  if (g_interrupted) fail("interrupted (SIGINT/SIGTERM): the scenario was stopped and its namespaces removed");
  // What the kernel still holds, then whatever never left the router was dropped there.
  dispatch_all();
  sweep(true);
}

Status NetnsWorld::set_link(const Action& a) {
  const LinkParams& p = a.link;
  std::vector<std::pair<std::string, std::string>> paths;
  if (!a.link_a.empty()) {
    paths.emplace_back(a.link_a, a.link_b);
    if (a.link_bidirectional) paths.emplace_back(a.link_b, a.link_a);
  } else {
    for (const auto& x : s_.hosts)
      for (const auto& y : s_.hosts)
        if (x.name != y.name) paths.emplace_back(x.name, y.name);
  }
  bool timing = p.delay || p.jitter || p.duplicate || p.reorder || p.reorder_delay;
  if ((timing || (p.loss && *p.loss > 0)) && !delay_line_)
    return Error(ErrorCode::kState, "the router's delay line is not open");
  for (const auto& [x, y] : paths) {
    if (p.down) TRY(topology_->set_path_down(x, y, *p.down));
    if (p.mtu) TRY(topology_->set_path_mtu(x, y, *p.mtu));
    if (p.loss) TRY(topology_->set_path_loss(x, y, *p.loss));
    if (timing) TRY(topology_->set_path_timing(x, y, p));
  }
  return {};
}

// The flood's datagrams leave the router towards their target with their spoofed sources
// (from the delay line's raw socket); the target's answers to those sources are dropped in
// the router without a word, as the simulated network drops them for want of a route.
Status NetnsWorld::flood(const Action& a) {
  if (!delay_line_) return Error(ErrorCode::kState, "the router's delay line is not open");
  TRY_ASSIGN(auto datagrams, run::flood_datagrams(s_, a, seed_));
  if (datagrams.empty()) return {};
  Subnet sources = a.flood.sources ? *a.flood.sources : *Subnet::parse("198.51.100.0/24");
  TRY(topology_->add_blackhole(sources));
  std::string to = a.host;
  for (auto& d : datagrams)
    loop.schedule(d.at, [this, d = std::move(d), to] {
      if (!delay_line_) return;
      auto udp = pcap::build_udp(d.src, d.dst, d.udp);
      if (!udp.ok()) return fail("flood: " + udp.error().message());
      auto packet = pcap::build_ip_packet(d.src.addr, d.dst.addr, pcap::kIpProtoUdp, *udp, static_cast<uint16_t>(next_id_));
      if (!packet.ok()) return fail("flood: " + packet.error().message());
      InFlight f;
      f.id = ++next_id_;
      f.sent = loop.now();
      f.deadline = f.sent + seconds(1);
      f.planned = true;
      f.from = "flood";
      f.to = to;
      f.src = d.src;
      f.dst = d.dst;
      f.payload = d.udp;
      trace_->on_wire(event_of(f, net::Fate::kSent));
      in_flight_.push_back(std::move(f));
      if (Status st = delay_line_->send(std::move(*packet)); !st.ok()) fail("flood: " + st.error().message());
    });
  return {};
}

Status NetnsWorld::network_action(const Action& a) {
  switch (a.kind) {
    case ActionKind::kImpair: return set_link(a);
    case ActionKind::kPartition:
    case ActionKind::kHeal: {
      bool down = a.kind == ActionKind::kPartition;
      if (!a.link_a.empty()) {
        TRY(topology_->set_path_down(a.link_a, a.link_b, down));
        return topology_->set_path_down(a.link_b, a.link_a, down);
      }
      for (const auto& x : s_.hosts)
        for (const auto& y : s_.hosts)
          if (x.name != y.name) TRY(topology_->set_path_down(x.name, y.name, down));
      return {};
    }
    case ActionKind::kHostDown: return topology_->set_host_down(a.host, true);
    case ActionKind::kHostUp: return topology_->set_host_down(a.host, false);
    case ActionKind::kFlood: return flood(a);
    default: return {};
  }
}

void NetnsWorld::teardown() {
  // The daemons first (they may still send while the rest goes away), then the captures,
  // then the namespaces and the hosts' folders.
  for (auto& [n, h] : hosts_)
    if (h) h->stop();
  for (auto& hc : captures_)
    for (auto* c : {hc.sent.get(), hc.delivered.get()})
      if (c) {
        if (c->fd() >= 0) real.unwatch(c->fd());
        (void)c->stop();
      }
  captures_.clear();
  if (delay_line_) {
    if (delay_line_->fd() >= 0) real.unwatch(delay_line_->fd());
    delay_line_->stop();
    delay_line_.reset();
  }
  hosts_.clear();
  if (topology_) topology_->destroy();
  if (!workdir_.empty()) {
    std::error_code ec;
    fs::remove_all(workdir_, ec);
    workdir_.clear();
  }
}

}  // namespace

reports::ScenarioResult run_netns(const Scenario& scenario, const NetnsOptions& options) {
  reports::ScenarioResult result = run::new_result(scenario, options.seed, "netns");
  auto skip = [&](std::string why) {
    result.status = reports::kSkipped;
    result.error = std::move(why);
    return result;
  };
  if (!scenario.modes.count(RunMode::kNetns)) return skip("the scenario runs in sim mode only");
  if (scenario.duration > options.max_duration)
    return skip("runs " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(scenario.duration).count()) +
                " s of scenario time, longer than netns mode's limit of " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(options.max_duration).count()) +
                " s (--netns-max-duration)");
  static const std::optional<std::string> unavailable = netns_unavailable();
  if (unavailable) return skip(*unavailable);
  if (auto why = netns_unsupported(scenario)) return skip(*why);
  for (const auto& h : scenario.hosts)
    if (auto why = host_unavailable(h, options)) return skip("host '" + h.name + "': " + *why);
  if (g_interrupted) return skip("not run: the run was interrupted");
  try {
    NetnsWorld world(scenario, options, result);
    world.run();
  } catch (const std::exception& e) {
    result.status = reports::kError;
    result.error = std::string("the run threw: ") + e.what();
  }
  WorldOptions wo;
  wo.folder = options.folder;
  wo.report_root = options.report_root;
  run::write_result(result, wo);
  return result;
}

void install_interrupt_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) continue;
        if (g_interrupted.exchange(true)) {
          // The second signal: leave now.
          signal(sig, SIG_DFL);
          pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
          raise(sig);
          _exit(128 + sig);
        }
        std::lock_guard<std::mutex> lock(g_loops_mu);
        for (auto* l : g_loops) l->stop();
      }
    }).detach();
  });
}

bool interrupted() { return g_interrupted; }

}  // namespace ikesuite::harness::netns
