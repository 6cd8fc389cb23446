// Two reference engines, moon and sun, on the simulated network and a virtual clock: the
// in-process shape of strongSwan's moon/sun test topology (seed 001).
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "engine/base/log.h"
#include "engine/base/random.h"
#include "engine/clock/event_loop.h"
#include "engine/ikev2/engine.h"
#include "engine/net/sim_network.h"
#include "engine/sa/fault_injector.h"
#include "engine/sa/memory_backend.h"

namespace ikesuite::ikev2::testing {

struct LogLine {
  Time t;
  LogGroup group;
  int level;
  std::string text;
};

class CapturingLogger final : public Logger {
 public:
  explicit CapturingLogger(const Clock& clock) : clock_(clock) {}
  void log(LogGroup group, int level, std::string_view text) override {
    lines.push_back({clock_.now(), group, level, std::string(text)});
  }
  bool enabled(LogGroup, int level) const override { return level <= 4; }
  // Index of the first line at or after `from` matching `re`, or -1.
  int find(const std::string& re, size_t from = 0) const {
    std::regex r(re);
    for (size_t i = from; i < lines.size(); ++i)
      if (std::regex_search(lines[i].text, r)) return static_cast<int>(i);
    return -1;
  }
  bool has(const std::string& re) const { return find(re) >= 0; }
  std::string dump() const {
    std::string out;
    for (const auto& l : lines)
      out += format_seconds(l.t) + " [" + std::string(name(l.group)) + "] " + l.text + "\n";
    return out;
  }
  std::vector<LogLine> lines;

 private:
  const Clock& clock_;
};

struct Host {
  std::string name;
  std::unique_ptr<SeededRandom> rng;
  std::unique_ptr<CapturingLogger> log;
  sa::MemoryBackend* memory = nullptr;
  std::unique_ptr<sa::FaultInjector> kernel;
  std::unique_ptr<net::Transport> transport;
  std::unique_ptr<Engine> engine;
};

class TwoHosts {
 public:
  explicit TwoHosts(uint64_t seed = 1) : loop_(), net_(loop_, seed), seed_(seed) {}

  Host& add(const std::string& name, const std::string& address, Settings settings = {},
            Credentials creds = {}, Observer* observer = nullptr) {
    auto h = std::make_unique<Host>();
    h->name = name;
    h->rng = std::make_unique<SeededRandom>(seed_ * 1000 + hosts_.size() + 1);
    h->log = std::make_unique<CapturingLogger>(loop_);
    auto mem = std::make_unique<sa::MemoryBackend>(loop_, loop_, *h->rng);
    h->memory = mem.get();
    h->kernel = std::make_unique<sa::FaultInjector>(std::move(mem), h->log.get());
    auto t = net_.attach(name, {*IpAddress::parse(address)});
    h->transport = std::move(*t);
    Env env{loop_, loop_, *h->rng, *h->log, *h->kernel, *h->transport, observer};
    env.wall_offset = std::chrono::duration_cast<Duration>(
        std::chrono::system_clock::now().time_since_epoch());
    h->engine = std::make_unique<Engine>(env, std::move(settings), std::move(creds));
    Engine* engine = h->engine.get();
    h->transport->set_receiver([engine](const net::Datagram& d) { engine->on_datagram(d); });
    h->kernel->set_expire_handler([engine](const sa::ExpireEvent& e) { engine->on_expire(e); });
    hosts_.push_back(std::move(h));
    return *hosts_.back();
  }

  clock::VirtualEventLoop& loop() { return loop_; }
  net::SimNetwork& net() { return net_; }
  void run_for(double secs) { loop_.run_until(loop_.now() + seconds(secs)); }

 private:
  clock::VirtualEventLoop loop_;
  net::SimNetwork net_;
  uint64_t seed_;
  std::vector<std::unique_ptr<Host>> hosts_;
};

}  // namespace ikesuite::ikev2::testing
