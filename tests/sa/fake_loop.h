// A minimal discrete-event clock and timer queue for the SA tests: time moves only when the
// test says so, and timers due at the same instant run in the order they were scheduled.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "engine/base/time.h"

namespace ikesuite::sa::testing {

class FakeLoop final : public Clock, public Timers {
 public:
  Time now() const override { return now_; }

  TimerId schedule(Duration delay, std::function<void()> fn) override {
    TimerId id = next_id_++;
    queue_.emplace(std::make_pair(now_ + delay, id), std::move(fn));
    return id;
  }

  void cancel(TimerId id) override {
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (it->first.second == id) {
        queue_.erase(it);
        return;
      }
    }
  }

  // Runs every timer due up to `deadline`, advancing the clock to each, then to `deadline`.
  size_t run_until(Time deadline) {
    size_t ran = 0;
    while (!queue_.empty() && queue_.begin()->first.first <= deadline) {
      auto node = queue_.extract(queue_.begin());
      now_ = node.key().first;
      node.mapped()();
      ++ran;
    }
    if (deadline > now_) now_ = deadline;
    return ran;
  }
  size_t advance(Duration d) { return run_until(now_ + d); }
  // Runs timers due now (delay-zero deliveries) without moving the clock.
  size_t run_due() { return run_until(now_); }
  size_t pending() const { return queue_.size(); }

 private:
  Time now_{0};
  TimerId next_id_ = 1;
  std::map<std::pair<Time, TimerId>, std::function<void()>> queue_;
};

}  // namespace ikesuite::sa::testing
