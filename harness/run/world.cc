#include "harness/run/world.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "reports/src/json.h"
#include "reports/src/output.h"

namespace ikesuite::harness::run {

namespace {

namespace fs = std::filesystem;

double secs(Time t) { return to_seconds(t); }

std::string hex_spi(uint32_t spi) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08" PRIx32, spi);
  return b;
}

}  // namespace

World::World(const Scenario& s, const WorldOptions& o, reports::ScenarioResult& result,
             clock::EventLoop& loop)
    : s_(s), o_(o), result_(result), seed_(o.seed.value_or(s.seed)), loop_(loop) {}

World::~World() = default;

std::string World::implementation_text(const Host&) const { return "ikesuite"; }

void World::fail(const std::string& why) {
  if (error_.empty()) error_ = why;
  loop_.stop();
}

void World::add_event(Time t, const std::string& host, const std::string& kind, std::string text,
                      const std::string& level) {
  reports::Event e;
  e.t = secs(t);
  e.host = host;
  e.kind = kind;
  e.text = std::move(text);
  e.level = level;
  result_.events.push_back(std::move(e));
}

Status World::setup_outputs() {
  std::set<std::string> names;
  for (const auto& h : s_.hosts) names.insert(h.name);
  if (!o_.folder.empty()) {
    std::error_code ec;
    fs::create_directories(o_.folder, ec);
    if (ec) return Error(ErrorCode::kSystem, "cannot create " + o_.folder + ": " + ec.message());
    pcap::PcapWriterOptions po;
    po.epoch = o_.capture_epoch;
    TRY_ASSIGN(auto writer, pcap::PcapWriter::open(o_.folder + "/capture.pcap", po));
    capture_.emplace(std::move(writer));
    // The scenario's folder is the Wireshark profile: WIRESHARK_CONFIG_DIR=<folder>.
    TRY_ASSIGN(auto tables, pcap::KeyTables::create(o_.folder));
    keys_.emplace(std::move(tables));
  }
  trace_ = std::make_unique<Trace>(capture_ ? &*capture_ : nullptr, names);
  trace_->set_listener([this](size_t) { poll_pending(); });
  return {};
}

HostListener World::listener_for(const Host&) {
  HostListener l;
  l.on_log = [this](const std::string&, const LogLine&) {
    if (!pending_actions_.empty() || !pending_snapshots_.empty()) poll_pending();
  };
  l.on_state = [this](const StateChange& c) {
    record_.states.push_back(c);
    std::string label = c.conn + (c.ike ? "[" : "{") + std::to_string(c.unique_id) + (c.ike ? "]" : "}");
    add_event(c.t, c.host, "state",
              std::string(c.ike ? "IKE_SA " : "CHILD_SA ") + label + " state change: " + c.from +
                  " => " + c.to);
    poll_pending();
  };
  l.on_backend = [this](const std::string& host, const BackendEvent& e) {
    std::string text = e.text + (e.ok ? "" : " failed: " + e.error);
    if (e.injected)
      add_event(e.t, host, "fault", "injected fault: " + text, "warning");
    else
      add_event(e.t, host, "sa", text, e.ok ? "info" : "error");
    poll_pending();
  };
  l.on_ike_keys = [this](const std::string&, const IkeKeys& k) {
    decode::Ikev2Keys d{k.spi_i, k.spi_r, k.encr, k.encr_key_bits, k.integ, k.sk_ei, k.sk_er, k.sk_ai, k.sk_ar};
    trace_->add_keys(d);
    if (keys_) {
      pcap::Ikev2SaKeys w;
      w.spi_i = k.spi_i;
      w.spi_r = k.spi_r;
      w.encr = k.encr;
      w.encr_key_bits = k.encr_key_bits;
      w.sk_ei = k.sk_ei;
      w.sk_er = k.sk_er;
      w.integ = k.integ;
      w.sk_ai = k.sk_ai;
      w.sk_ar = k.sk_ar;
      if (auto st = keys_->add(w); !st.ok()) notes_.push_back("IKE keys not written: " + st.error().message());
    }
  };
  l.on_ikev1_keys = [this](const std::string&, const Ikev1Keys& k) {
    decode::Ikev1Keys d{k.cookie_i, k.cookie_r, k.encr, k.encr_key_bits, k.hash, k.ka};
    trace_->add_v1_keys(d);
    if (keys_) {
      pcap::Ikev1SaKeys w;
      w.cookie_i = k.cookie_i;
      w.ka = k.ka;
      w.encr = k.encr;
      w.encr_key_bits = k.encr_key_bits;
      w.hash = k.hash;
      if (auto st = keys_->add(w); !st.ok()) notes_.push_back("IKEv1 keys not written: " + st.error().message());
    }
  };
  l.on_esp_keys = [this](const std::string&, const EspKeys& k) {
    if (!keys_) return;
    pcap::EspSaKeys w;
    w.src = k.src;
    w.dst = k.dst;
    w.spi = k.spi;
    w.encr = k.encr;
    w.encr_key = k.encr_key;
    w.integ = k.integ;
    w.integ_key = k.integ_key;
    if (auto st = keys_->add(w); !st.ok())
      notes_.push_back("ESP keys of " + hex_spi(k.spi) + " not written: " + st.error().message());
  };
  l.on_invariant = [this](const std::string& host, const std::string& what) {
    add_event(now(), host, "note", "engine invariant violated: " + what, "error");
    fail("engine invariant violated on " + host + ": " + what);
  };
  return l;
}

Status World::setup_hosts() {
  for (const auto& h : s_.hosts) {
    auto created = make_host(h, listener_for(h));
    if (!created.ok()) return created.error();
    record_.hosts[h.name] = created->get();
    hosts_[h.name] = std::move(*created);
    reports::HostInfo info;
    info.name = h.name;
    info.implementation = implementation_text(h);
    for (const auto& a : h.addresses) info.addresses.push_back(a.to_string());
    result_.hosts.push_back(std::move(info));
    if (!o_.folder.empty()) result_.artifacts["log:" + h.name] = h.name + ".log";
  }
  return {};
}

void World::schedule_at(Time t, std::function<void()> fn) {
  loop_.schedule(std::max(Duration{0}, t - now()), std::move(fn));
}

void World::schedule_timeline() {
  record_.action_times.assign(s_.timeline.size(), std::nullopt);
  for (size_t i = 0; i < s_.timeline.size(); ++i) {
    const Action& a = s_.timeline[i];
    if (a.at.absolute())
      schedule_at(Time{0} + a.at.offset, [this, i] { run_action(i); });
    else
      pending_actions_.push_back(i);
  }
  for (size_t i = 0; i < s_.expect.size(); ++i) {
    const auto* t = std::get_if<SaTableCheck>(&s_.expect[i].check);
    if (!t || !t->at) continue;
    if (t->at->absolute()) {
      std::string host = s_.expect[i].host;
      schedule_at(Time{0} + t->at->offset, [this, i, host] {
        record_.table_snapshots[i] = hosts_.at(host)->backend(now());
      });
    } else {
      pending_snapshots_.push_back(i);
    }
  }
}

// Schedules what waits for an event that has now happened. Called after every observation,
// state change, backend operation and log line while something waits.
void World::poll_pending() {
  if (polling_ || (pending_actions_.empty() && pending_snapshots_.empty())) return;
  polling_ = true;
  Time current = now();
  for (auto it = pending_actions_.begin(); it != pending_actions_.end();) {
    size_t i = *it;
    auto t = evaluator_->instant_time(s_.timeline[i].at);
    if (!t) {
      ++it;
      continue;
    }
    loop_.schedule(std::max(Duration{0}, *t - current), [this, i] { run_action(i); });
    it = pending_actions_.erase(it);
  }
  for (auto it = pending_snapshots_.begin(); it != pending_snapshots_.end();) {
    size_t i = *it;
    const auto& check = std::get<SaTableCheck>(s_.expect[i].check);
    auto t = evaluator_->instant_time(*check.at);
    if (!t) {
      ++it;
      continue;
    }
    std::string host = s_.expect[i].host;
    loop_.schedule(std::max(Duration{0}, *t - current), [this, i, host] {
      record_.table_snapshots[i] = hosts_.at(host)->backend(now());
    });
    it = pending_snapshots_.erase(it);
  }
  polling_ = false;
}

void World::run_action(size_t index) {
  const Action& a = s_.timeline[index];
  record_.action_times[index] = now();
  std::string text = std::string(name(a.kind));
  if (!a.conn.empty()) text += " " + a.conn;
  if (a.kind == ActionKind::kRekey || a.kind == ActionKind::kTerminate)
    text += a.sa == SaKind::kIke ? " (IKE SA)" : " (Child SA)";
  if (!a.id.empty()) text += " [" + a.id + "]";
  if (!a.description.empty()) text += ": " + a.description;
  if (a.kind == ActionKind::kNote) text = "note: " + a.text;
  add_event(now(), a.host, a.kind == ActionKind::kNote ? "note" : "action", text);
  Status st = do_action(a);
  if (!st.ok()) {
    const Error& e = st.error();
    std::string why = "action " + std::string(name(a.kind)) + " at " + a.src.describe() + " failed: " + e.reason();
    add_event(now(), a.host, "action", why, "error");
    // What the scenario asks for and the engine cannot do makes the run meaningless; an
    // action refused in the state of the moment (rekey without an SA) is part of the story.
    if (e.code() == ErrorCode::kUnsupported) fail(why);
  }
  poll_pending();
}

Status World::do_action(const Action& a) {
  ScenarioHost* host = nullptr;
  if (!a.host.empty()) {
    auto it = hosts_.find(a.host);
    if (it != hosts_.end()) host = it->second.get();
  }
  auto need_host = [&]() -> Status {
    if (!host) return Error(ErrorCode::kConfig, "no host '" + a.host + "'");
    return {};
  };
  switch (a.kind) {
    case ActionKind::kStart: TRY(need_host()); return host->start();
    case ActionKind::kStop: TRY(need_host()); host->stop(); return {};
    case ActionKind::kRestart:
      TRY(need_host());
      host->stop();
      return host->start();
    case ActionKind::kInitiate: TRY(need_host()); return host->initiate(a.conn, a.ike_only);
    case ActionKind::kRekey: TRY(need_host()); return host->rekey(a.conn, a.sa);
    case ActionKind::kTerminate: TRY(need_host()); return host->terminate(a.conn, a.sa);
    case ActionKind::kFault: TRY(need_host()); return host->add_fault(a.fault);
    case ActionKind::kClearFaults: TRY(need_host()); host->clear_faults(); return {};
    case ActionKind::kTraffic: TRY(need_host()); return host->traffic(a.conn, a.traffic);
    case ActionKind::kMisbehave: TRY(need_host()); return host->misbehave(a.impairments, a.conn, a.clear);
    case ActionKind::kImpair:
    case ActionKind::kPartition:
    case ActionKind::kHeal:
    case ActionKind::kHostDown:
    case ActionKind::kHostUp:
    case ActionKind::kFlood: return network_action(a);
    case ActionKind::kNote: return {};
  }
  return {};
}

void World::run() {
  auto started = std::chrono::steady_clock::now();
  Status st = setup_network();
  if (st.ok()) st = setup_outputs();
  if (st.ok()) st = attach_trace();
  if (st.ok()) {
    if (capture_) result_.artifacts["capture"] = "capture.pcap";
    if (keys_) result_.artifacts["keys"] = ".";
    evaluator_ = std::make_unique<Evaluator>(s_, record_);
    evaluator_->set_time_tolerance(time_tolerance());
    record_.trace = trace_.get();
    st = setup_hosts();
  }
  if (st.ok()) {
    // Autostarted hosts start before anything else happens at time 0.
    for (const auto& h : s_.hosts) {
      if (!h.autostart) continue;
      if (auto s = hosts_.at(h.name)->start(); !s.ok()) {
        st = Error(s.error().code(), "host '" + h.name + "' does not start: " + s.error().reason());
        break;
      }
    }
  }
  if (st.ok()) {
    schedule_timeline();
    poll_pending();
    run_until(Time{0} + s_.duration);
  }
  if (!st.ok()) fail(st.error().reason());
  finish();
  teardown();
  result_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void World::finish() {
  if (trace_) trace_->finish();
  record_.end = now();
  result_.virtual_seconds = secs(now());
  for (const auto& [n, h] : hosts_) {
    record_.final_sas[n] = h->sas();
    record_.final_tables[n] = h->backend(now());
  }
  // The messages, one per logical message of the trace (indices kept, so expectations can
  // name them).
  if (trace_) {
    for (const auto& m : trace_->messages()) {
      reports::WireMessage w;
      const auto& d = m.decoded;
      w.t = secs(m.sent);
      w.from = m.from;
      w.to = m.to;
      w.src = m.src.to_string();
      w.dst = m.dst.to_string();
      w.ike_version = d.family;
      w.exchange = d.exchange_name;
      w.response = d.response;
      w.message_id = d.message_id;
      for (const auto& p : d.payloads) w.payloads.push_back(p.label);
      w.summary = d.summary;
      w.bytes = d.bytes;
      size_t drops = 0;
      bool reordered = false;
      for (size_t di : m.datagrams) {
        const auto& dg = trace_->datagrams()[di];
        drops += dg.drops.size();
        reordered = reordered || dg.reordered;
        if (!w.frame && dg.frame) w.frame = dg.frame;
      }
      if (m.received.empty())
        w.fate = "dropped";
      else if (m.received.size() > 1)
        w.fate = "duplicated";
      else if (reordered)
        w.fate = "reordered";
      else
        w.fate = "delivered";
      w.retransmit = m.retransmit;
      w.encrypted = d.encrypted;
      w.decrypted = d.decrypted;
      std::string note = d.problem;
      if (drops > 0) {
        std::string reasons;
        for (size_t di : m.datagrams)
          for (const auto& r : trace_->datagrams()[di].drops) reasons += (reasons.empty() ? "" : ", ") + r;
        note += (note.empty() ? "" : "; ") + std::string("lost: ") + reasons;
      }
      w.note = note;
      result_.messages.push_back(std::move(w));
    }
    for (const auto& e : trace_->capture_errors()) notes_.push_back("capture: " + e);
  }
  // Log lines as events (the report shows them per host).
  for (const auto& [n, h] : hosts_) {
    const auto& lines = h->log_lines();
    size_t limit = std::min<size_t>(lines.size(), 20000);
    for (size_t i = 0; i < limit; ++i) {
      const LogLine& line = lines[i];
      add_event(line.t, n, "log", HostLog::format(line), line.level <= 1 ? "info" : "debug");
    }
  }
  std::stable_sort(result_.events.begin(), result_.events.end(),
                   [](const reports::Event& a, const reports::Event& b) { return a.t < b.t; });
  // The verdicts.
  bool all_passed = true;
  // Known deviations of the implementations present: the scenario's verdicts and the peer
  // files' entries for this scenario.
  std::map<std::string, std::string> excused;  // expectation id -> "implementation: reason"
  {
    std::set<Implementation> present;
    for (const auto& [n, h] : hosts_)
      if (h) present.insert(h->implementation());
    for (const auto& e : s_.expect)
      if (const auto* v = std::get_if<VerdictCheck>(&e.check); v && present.count(v->implementation))
        for (const auto& d : v->known_deviations)
          excused[d.expectation] = std::string(name(v->implementation)) + ": " + d.reason;
    for (const auto& d : o_.known_deviations)
      if (present.count(d.implementation))
        excused[d.expectation] = std::string(name(d.implementation)) +
                                 (d.version.empty() ? "" : " " + d.version) + ": " + d.reason;
  }
  if (evaluator_ && error_.empty()) {
    for (const auto& e : s_.expect) {
      CheckOutcome c = evaluator_->check(e);
      reports::Expectation x;
      x.id = e.id.empty() ? std::string(name(e.kind())) + "@" + e.src.describe() : e.id;
      x.description = e.description.empty() ? std::string(name(e.kind())) + " check at " + e.src.describe()
                                             : e.description;
      x.rfc = e.rfc;
      x.passed = c.passed;
      x.expected = c.expected;
      x.actual = c.actual;
      if (c.t) x.t = secs(*c.t);
      std::set<size_t> related(c.messages.begin(), c.messages.end());
      x.related_messages.assign(related.begin(), related.end());
      if (auto it = excused.find(x.id); it != excused.end()) {
        if (!x.passed) {
          // The peer does what is recorded of it: not a regression.
          x.known_deviation = it->second;
          x.passed = true;
        } else {
          notes_.push_back("expectation '" + x.id + "' passed although a known deviation is recorded for it (" +
                           it->second + "): the peer may have changed; remove the record");
        }
      }
      all_passed = all_passed && x.passed;
      result_.expectations.push_back(std::move(x));
    }
  }
  if (!error_.empty()) {
    result_.status = reports::kError;
    result_.error = error_;
  } else {
    result_.status = all_passed ? reports::kPassed : reports::kFailed;
  }
  if (keys_)
    for (const auto& n : keys_->notes()) notes_.push_back(n.sa + ": " + n.reason);
  result_.notes.insert(result_.notes.end(), notes_.begin(), notes_.end());
  if (capture_) (void)capture_->close();
  // The files written at the end.
  if (!o_.folder.empty()) {
    for (const auto& [n, h] : hosts_) {
      std::string dump = h->sa_dump();
      (void)reports::write_file_atomically(o_.folder + "/" + n + ".sa.txt", dump);
      result_.artifacts["sa:" + n] = n + ".sa.txt";
    }
    result_.artifacts["result"] = "result.json";
  }
}


reports::ScenarioResult new_result(const Scenario& s, std::optional<uint64_t> seed, const std::string& mode) {
  reports::ScenarioResult r;
  r.name = s.name;
  r.file = s.file;
  r.description = s.description;
  r.references = s.references;
  r.tags = s.tags;
  r.seed = seed.value_or(s.seed);
  r.mode = mode;
  return r;
}

void write_result(reports::ScenarioResult& result, const WorldOptions& options) {
  if (options.folder.empty()) return;
  std::string prefix = options.folder;
  if (!options.report_root.empty()) {
    std::error_code ec;
    auto rel = fs::relative(options.folder, options.report_root, ec);
    if (!ec) prefix = rel.string();
  }
  for (auto& [role, path] : result.artifacts) path = path == "." ? prefix : prefix + "/" + path;
  nlohmann::ordered_json j;
  reports::to_json(j, result);
  (void)reports::write_file_atomically(options.folder + "/result.json", j.dump(2) + "\n");
}

}  // namespace ikesuite::harness::run
