// The event loop every host runs on. One interface, two implementations:
//  - VirtualEventLoop: discrete-event time. now() jumps from event to event, so a 10 s
//    lifetime costs microseconds, and events at the same instant run in the order they were
//    scheduled, which makes every run reproducible.
//  - RealEventLoop: wall-clock time on epoll + timerfd, with file descriptors (sockets,
//    netlink, control sockets) watched on the same loop.
//
// Both are single-threaded: everything except RealEventLoop::post() and RealEventLoop::stop()
// must be called on the thread that runs the loop (or while no thread runs it).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>

#include "engine/base/result.h"
#include "engine/base/time.h"

namespace ikesuite::clock {

class EventLoop : public Clock, public Timers {
 public:
  // Runs due events until the loop is stopped, has nothing left to do, or `deadline` (on
  // this loop's clock) is reached; for a virtual loop the clock then reads `deadline`
  // (unless stopped earlier). Returns the number of events run. A call made from inside a
  // callback of the same loop runs nothing and returns 0.
  virtual size_t run_until(Time deadline) = 0;
  // Runs until stop() or until nothing is scheduled or watched.
  virtual size_t run() = 0;
  // Makes run()/run_until() return after the current event. A stop() issued while the loop
  // is not running makes the next run()/run_until() return before running anything; every
  // return from run()/run_until() clears the request.
  virtual void stop() = 0;
  // Runs `fn` on the loop as soon as possible (after events already due now).
  virtual void post(std::function<void()> fn) = 0;
  // Number of timers scheduled and callbacks posted that have not yet run or been
  // cancelled.
  virtual size_t pending() const = 0;
};

class VirtualEventLoop final : public EventLoop {
 public:
  explicit VirtualEventLoop(Time start = Time{0});
  ~VirtualEventLoop() override;
  VirtualEventLoop(const VirtualEventLoop&) = delete;
  VirtualEventLoop& operator=(const VirtualEventLoop&) = delete;

  Time now() const override;
  // A negative delay counts as zero; a delay past the end of time saturates at Time::max().
  TimerId schedule(Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  size_t run_until(Time deadline) override;
  // Runs every event, however far in the future; the clock stays at the last one.
  size_t run() override;
  void stop() override;
  void post(std::function<void()> fn) override;
  size_t pending() const override;
  // Runs exactly the next event, advancing time to it; false if none.
  bool step();
  // When the next event is due, if any.
  std::optional<Time> next_event_time() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class RealEventLoop final : public EventLoop {
 public:
  // The kernel objects (epoll, timerfd, eventfd) are created here; if that fails (descriptor
  // exhaustion), status() says why, run() returns 0 and watch() fails. create() reports the
  // failure as a value instead.
  RealEventLoop();
  static Result<std::unique_ptr<RealEventLoop>> create();
  ~RealEventLoop() override;
  RealEventLoop(const RealEventLoop&) = delete;
  RealEventLoop& operator=(const RealEventLoop&) = delete;

  Status status() const;

  Time now() const override;  // CLOCK_REALTIME since the Unix epoch
  // Timers run on CLOCK_MONOTONIC, so a wall-clock step (NTP, date -s) neither fires them
  // early nor holds them back. A negative delay counts as zero.
  TimerId schedule(Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  // `deadline` is on the CLOCK_REALTIME scale of now(); it is turned into a monotonic one on
  // entry.
  size_t run_until(Time deadline) override;
  size_t run() override;
  // Safe to call from any thread (and through post()); wakes the loop.
  void stop() override;
  // Safe to call from any thread; wakes the loop.
  void post(std::function<void()> fn) override;
  size_t pending() const override;

  // Calls `on_readable` whenever `fd` is readable (or has an error or hang-up pending, so the
  // callback's read sees it), until unwatch(fd). Watching an fd again replaces its callback.
  // Fails when the kernel refuses the fd (a regular file, a closed fd).
  Status watch(int fd, std::function<void()> on_readable);
  // Stops watching `fd`; no callback for it runs after this returns, even if it was ready in
  // the same round. Unknown fds are ignored.
  void unwatch(int fd);
  size_t watched() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikesuite::clock
