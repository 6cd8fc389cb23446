// Discrete-event loop: a min-heap of (due time, timer id). Ids grow monotonically, so they
// double as the scheduling sequence number and events due at the same instant run in the
// order they were scheduled. Cancelled timers leave their heap entry behind (removing from
// the middle of a heap is costly); such entries are skipped when they surface, and the heap
// is rebuilt when they outnumber the live ones.
#include <algorithm>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/clock/event_loop.h"

namespace ikesuite::clock {

namespace {

struct Entry {
  Time due;
  TimerId id;
};

// std::push_heap builds a max-heap; "greater" puts the earliest (due, id) on top.
struct Later {
  bool operator()(const Entry& a, const Entry& b) const {
    if (a.due != b.due) return a.due > b.due;
    return a.id > b.id;
  }
};

Time saturating_add(Time now, Duration delay) {
  if (delay < Duration::zero()) delay = Duration::zero();
  // now + delay can only overflow when now is positive.
  if (now > Time::zero() && delay > Time::max() - now) return Time::max();
  return now + delay;
}

}  // namespace

struct VirtualEventLoop::Impl {
  Time now;
  TimerId next_id = 1;
  std::vector<Entry> heap;
  std::unordered_map<TimerId, std::function<void()>> live;
  bool stop_requested = false;
  bool running = false;

  // Drops cancelled entries from the top so heap.front() is a live event (if any).
  void skip_dead() {
    while (!heap.empty() && !live.contains(heap.front().id)) {
      std::pop_heap(heap.begin(), heap.end(), Later{});
      heap.pop_back();
    }
  }

  void maybe_compact() {
    if (heap.size() < 64 || heap.size() < 2 * live.size()) return;
    std::erase_if(heap, [this](const Entry& e) { return !live.contains(e.id); });
    std::make_heap(heap.begin(), heap.end(), Later{});
  }

  // Pops the next live event with due <= limit and runs it. False if there is none.
  bool run_one(Time limit) {
    skip_dead();
    if (heap.empty() || heap.front().due > limit) return false;
    Entry e = heap.front();
    std::pop_heap(heap.begin(), heap.end(), Later{});
    heap.pop_back();
    auto it = live.find(e.id);
    // Moved out before the call: the callback may schedule (rehashing `live`) or cancel
    // itself, and must find itself already gone.
    std::function<void()> fn = std::move(it->second);
    live.erase(it);
    if (e.due > now) now = e.due;
    fn();
    return true;
  }

  size_t run_events(Time limit, bool advance_to_limit) {
    if (running) return 0;
    running = true;
    size_t count = 0;
    while (!stop_requested && run_one(limit)) ++count;
    bool stopped = stop_requested;
    stop_requested = false;
    running = false;
    if (!stopped && advance_to_limit && limit > now) now = limit;
    return count;
  }
};

VirtualEventLoop::VirtualEventLoop(Time start) : impl_(std::make_unique<Impl>()) {
  impl_->now = start;
}

VirtualEventLoop::~VirtualEventLoop() = default;

Time VirtualEventLoop::now() const {
  return impl_->now;
}

TimerId VirtualEventLoop::schedule(Duration delay, std::function<void()> fn) {
  TimerId id = impl_->next_id++;
  impl_->live.emplace(id, std::move(fn));
  impl_->heap.push_back(Entry{saturating_add(impl_->now, delay), id});
  std::push_heap(impl_->heap.begin(), impl_->heap.end(), Later{});
  return id;
}

void VirtualEventLoop::cancel(TimerId id) {
  if (impl_->live.erase(id) > 0) impl_->maybe_compact();
}

size_t VirtualEventLoop::run_until(Time deadline) {
  return impl_->run_events(deadline, true);
}

size_t VirtualEventLoop::run() {
  return impl_->run_events(Time::max(), false);
}

void VirtualEventLoop::stop() {
  impl_->stop_requested = true;
}

void VirtualEventLoop::post(std::function<void()> fn) {
  schedule(Duration::zero(), std::move(fn));
}

size_t VirtualEventLoop::pending() const {
  return impl_->live.size();
}

bool VirtualEventLoop::step() {
  if (impl_->running) return false;
  // A stop() raised by the event itself concerns this step only; one issued before it is
  // left for the next run().
  bool stop_before = impl_->stop_requested;
  impl_->running = true;
  bool ran = impl_->run_one(Time::max());
  impl_->running = false;
  impl_->stop_requested = stop_before;
  return ran;
}

std::optional<Time> VirtualEventLoop::next_event_time() const {
  // skip_dead() mutates only bookkeeping, not observable state.
  impl_->skip_dead();
  if (impl_->heap.empty()) return std::nullopt;
  return impl_->heap.front().due;
}

}  // namespace ikesuite::clock
