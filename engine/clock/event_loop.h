// The event loop every host runs on. One interface, two implementations:
//  - VirtualEventLoop: discrete-event time. now() jumps from event to event, so a 10 s
//    lifetime costs microseconds, and events at the same instant run in the order they were
//    scheduled, which makes every run reproducible.
//  - RealEventLoop: wall-clock time on epoll + timerfd, with file descriptors (sockets,
//    netlink, control sockets) watched on the same loop.
#pragma once

#include <functional>
#include <memory>

#include "engine/base/time.h"

namespace ikesuite::clock {

class EventLoop : public Clock, public Timers {
 public:
  // Runs due events until the loop is stopped, has nothing left to do, or `deadline` (on
  // this loop's clock) is reached; for a virtual loop the clock then reads `deadline`
  // (unless stopped earlier). Returns the number of events run.
  virtual size_t run_until(Time deadline) = 0;
  // Runs until stop() or until nothing is scheduled or watched.
  virtual size_t run() = 0;
  // Makes run()/run_until() return after the current event.
  virtual void stop() = 0;
  // Runs `fn` on the loop as soon as possible (after events already due now).
  virtual void post(std::function<void()> fn) = 0;
  // Number of timers scheduled and not yet fired or cancelled.
  virtual size_t pending() const = 0;
};

class VirtualEventLoop final : public EventLoop {
 public:
  explicit VirtualEventLoop(Time start = Time{0});
  ~VirtualEventLoop() override;
  Time now() const override;
  TimerId schedule(Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  size_t run_until(Time deadline) override;
  size_t run() override;
  void stop() override;
  void post(std::function<void()> fn) override;
  size_t pending() const override;
  // Runs exactly the next due event, advancing time to it; false if none.
  bool step();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class RealEventLoop final : public EventLoop {
 public:
  RealEventLoop();
  ~RealEventLoop() override;
  Time now() const override;  // CLOCK_REALTIME since the Unix epoch
  TimerId schedule(Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  size_t run_until(Time deadline) override;
  size_t run() override;
  void stop() override;  // safe to call from a signal-handling thread via post()
  void post(std::function<void()> fn) override;
  size_t pending() const override;

  // Calls `on_readable` whenever `fd` is readable, until unwatch(fd).
  void watch(int fd, std::function<void()> on_readable);
  void unwatch(int fd);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikesuite::clock
