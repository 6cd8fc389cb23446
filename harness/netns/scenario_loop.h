// A real-time event loop whose clock reads the scenario's time: zero when the scenario
// starts. Hosts, the trace and the checks of a netns run then see the same times a sim run
// would (a rekey at 5.0 s is at 5.0 s), while the timers and watched descriptors are the
// RealEventLoop's. Also: entering a network namespace for the calling thread while a socket
// or capture is opened there (a socket stays in the namespace it was created in).
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include "engine/base/result.h"
#include "engine/clock/event_loop.h"

namespace ikesuite::harness::netns {

class ScenarioLoop final : public clock::EventLoop {
 public:
  // `origin`: the real loop's time (Unix scale) of scenario time zero.
  ScenarioLoop(clock::RealEventLoop& real, Time origin) : real_(real), origin_(origin) {}

  clock::RealEventLoop& real() { return real_; }
  Time origin() const { return origin_; }
  // Before anything was scheduled on it: scenario time starts now.
  void reset_origin(Time origin) { origin_ = origin; }

  Time now() const override { return real_.now() - origin_; }
  TimerId schedule(Duration delay, std::function<void()> fn) override {
    return real_.schedule(delay, std::move(fn));
  }
  void cancel(TimerId id) override { real_.cancel(id); }
  size_t run_until(Time deadline) override { return real_.run_until(deadline + origin_); }
  size_t run() override { return real_.run(); }
  void stop() override { real_.stop(); }
  void post(std::function<void()> fn) override { real_.post(std::move(fn)); }
  size_t pending() const override { return real_.pending(); }

 private:
  clock::RealEventLoop& real_;
  Time origin_;
};

// Runs `fn` with the calling thread inside network namespace `ns` (/run/netns/<ns>) and
// returns to the thread's own namespace afterwards.
template <typename F>
auto in_netns(const std::string& ns, F&& fn) -> decltype(fn()) {
  int self = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return Error(ErrorCode::kSystem, std::string("cannot open this thread's network namespace: ") + std::strerror(errno));
  int target = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0 || setns(target, CLONE_NEWNET) != 0) {
    int e = errno;
    if (target >= 0) ::close(target);
    ::close(self);
    return Error(ErrorCode::kSystem, "cannot enter network namespace " + ns + ": " + std::strerror(e));
  }
  ::close(target);
  auto result = fn();
  (void)setns(self, CLONE_NEWNET);
  ::close(self);
  return result;
}

}  // namespace ikesuite::harness::netns
