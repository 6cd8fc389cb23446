// Time as the engine sees it: a point on some clock (real or virtual) and timers on it.
// The protocol core never reads a global clock; it is handed a Clock and a Timers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace ikesuite {

using Duration = std::chrono::nanoseconds;
// Time since the clock's epoch: the start of the run for a virtual clock, the Unix epoch for
// the real clock.
using Time = std::chrono::nanoseconds;

constexpr Duration seconds(double s) {
  return Duration(static_cast<int64_t>(s * 1e9));
}
constexpr double to_seconds(Duration d) { return static_cast<double>(d.count()) / 1e9; }
// "12.345678" — seconds with microsecond digits, as reports show virtual time.
std::string format_seconds(Duration d);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time now() const = 0;
};

using TimerId = uint64_t;
constexpr TimerId kNoTimer = 0;

class Timers {
 public:
  virtual ~Timers() = default;
  // Runs `fn` once, `delay` from now, on the loop's thread. Never returns kNoTimer.
  virtual TimerId schedule(Duration delay, std::function<void()> fn) = 0;
  // Cancelling an unknown, fired or already cancelled timer does nothing.
  virtual void cancel(TimerId id) = 0;
};

}  // namespace ikesuite
