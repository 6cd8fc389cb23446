// Wall-clock loop on epoll. One timerfd (CLOCK_MONOTONIC, absolute) is armed for the earliest
// of the next timer and the run_until() deadline, so timers keep nanosecond resolution where
// epoll_wait's own timeout has milliseconds; an eventfd wakes the loop for post() and stop()
// from other threads. Each round dispatches ready descriptors, then posted callbacks, then
// due timers.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/clock/event_loop.h"

namespace ikesuite::clock {

namespace {

// epoll data tokens: the loop's own descriptors, then one fresh token per watch() so a stale
// readiness report for an unwatched (and possibly reused) fd number is recognised.
constexpr uint64_t kTimerToken = 1;
constexpr uint64_t kWakeToken = 2;
constexpr uint64_t kFirstWatchToken = 16;

Time read_clock(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

Time saturating_add(Time t, Duration d) {
  if (d > Duration::zero() && t > Time::zero() && d > Time::max() - t) return Time::max();
  if (d < Duration::zero() && t < Time::zero() && d < Time::min() - t) return Time::min();
  return t + d;
}

std::string errno_text(int e) {
  const char* d = ::strerrordesc_np(e);
  return d ? std::string(d) : "errno " + std::to_string(e);
}

Error system_error(const std::string& what, int e) {
  return Error(ErrorCode::kSystem, what + ": " + errno_text(e)).with_errno(e);
}

struct Entry {
  Time due;  // CLOCK_MONOTONIC
  TimerId id;
};

struct Later {
  bool operator()(const Entry& a, const Entry& b) const {
    if (a.due != b.due) return a.due > b.due;
    return a.id > b.id;
  }
};

// Reads a timerfd/eventfd counter until it is empty; EINTR is retried, EAGAIN ends it.
void drain(int fd) {
  uint64_t value = 0;
  for (;;) {
    ssize_t n = ::read(fd, &value, sizeof value);
    if (n < 0 && errno == EINTR) continue;
    return;
  }
}

}  // namespace

struct RealEventLoop::Impl {
  int epfd = -1;
  int timerfd = -1;
  int wakefd = -1;
  std::optional<Error> init_error;

  TimerId next_id = 1;
  std::vector<Entry> heap;
  std::unordered_map<TimerId, std::function<void()>> live;
  // What the timerfd is armed for (Time::max() when disarmed).
  Time armed = Time::max();

  struct Watch {
    int fd;
    std::shared_ptr<std::function<void()>> fn;
  };
  uint64_t next_token = kFirstWatchToken;
  std::unordered_map<uint64_t, Watch> watches;  // by token
  std::unordered_map<int, uint64_t> fd_tokens;  // fd -> token

  mutable std::mutex posted_mutex;
  std::deque<std::function<void()>> posted;
  std::atomic<bool> stop_requested{false};
  bool running = false;

  Impl() {
    if (auto e = open_descriptors()) fail(e->first, e->second);
  }

  // The step that failed and its errno, if any.
  std::optional<std::pair<const char*, int>> open_descriptors() {
    epfd = ::epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) return std::pair{"epoll_create1", errno};
    timerfd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timerfd < 0) return std::pair{"timerfd_create", errno};
    wakefd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakefd < 0) return std::pair{"eventfd", errno};
    if (!add_to_epoll(timerfd, kTimerToken)) return std::pair{"epoll_ctl timerfd", errno};
    if (!add_to_epoll(wakefd, kWakeToken)) return std::pair{"epoll_ctl eventfd", errno};
    return std::nullopt;
  }

  ~Impl() {
    for (int fd : {epfd, timerfd, wakefd})
      if (fd >= 0) ::close(fd);
  }

  void fail(const std::string& what, int e) {
    init_error = system_error(what, e);
    for (int* fd : {&epfd, &timerfd, &wakefd}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
  }

  bool add_to_epoll(int fd, uint64_t token) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = token;
    return ::epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
  }

  void wake() {
    uint64_t one = 1;
    for (;;) {
      ssize_t n = ::write(wakefd, &one, sizeof one);
      // EAGAIN means the counter is saturated: the loop is certainly woken already.
      if (n < 0 && errno == EINTR) continue;
      return;
    }
  }

  bool posted_empty() const {
    std::lock_guard lock(posted_mutex);
    return posted.empty();
  }

  bool idle() const { return live.empty() && watches.empty() && posted_empty(); }

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

  Time earliest_timer() {
    skip_dead();
    return heap.empty() ? Time::max() : heap.front().due;
  }

  void arm(Time when) {
    if (when == armed) return;
    itimerspec spec{};
    if (when != Time::max()) {
      // An absolute expiry of zero would disarm the timer; anything already due fires at once.
      Time t = std::max(when, Time{1});
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(t);
      spec.it_value.tv_sec = static_cast<time_t>(secs.count());
      spec.it_value.tv_nsec = static_cast<long>((t - secs).count());
    }
    if (::timerfd_settime(timerfd, TFD_TIMER_ABSTIME, &spec, nullptr) == 0) armed = when;
  }

  // Runs the callbacks of one readiness round; returns how many ran.
  size_t dispatch_fds(const std::vector<uint64_t>& tokens) {
    size_t count = 0;
    for (uint64_t token : tokens) {
      if (stop_requested.load()) break;
      auto it = watches.find(token);
      if (it == watches.end()) continue;  // unwatched earlier in this round
      // A copy keeps the callback alive if it unwatches itself.
      auto fn = it->second.fn;
      (*fn)();
      ++count;
    }
    return count;
  }

  size_t run_posted() {
    std::deque<std::function<void()>> batch;
    {
      std::lock_guard lock(posted_mutex);
      batch.swap(posted);
    }
    size_t count = 0;
    while (!batch.empty()) {
      if (stop_requested.load()) {
        // Keep what did not run, ahead of anything posted meanwhile.
        std::lock_guard lock(posted_mutex);
        while (!batch.empty()) {
          posted.push_front(std::move(batch.back()));
          batch.pop_back();
        }
        break;
      }
      auto fn = std::move(batch.front());
      batch.pop_front();
      fn();
      ++count;
    }
    return count;
  }

  size_t run_due_timers() {
    // Timers scheduled by these callbacks wait for the next round even if already due, so
    // a callback that keeps rescheduling itself cannot starve the descriptors.
    TimerId last = next_id - 1;
    Time now = read_clock(CLOCK_MONOTONIC);
    size_t count = 0;
    while (!stop_requested.load()) {
      skip_dead();
      if (heap.empty() || heap.front().due > now || heap.front().id > last) break;
      Entry e = heap.front();
      std::pop_heap(heap.begin(), heap.end(), Later{});
      heap.pop_back();
      auto it = live.find(e.id);
      std::function<void()> fn = std::move(it->second);
      live.erase(it);
      fn();
      ++count;
    }
    return count;
  }

  size_t run_loop(std::optional<Time> deadline) {
    if (running || init_error) return 0;
    running = true;
    size_t count = 0;
    bool first = true;
    std::vector<uint64_t> ready;
    epoll_event events[64];
    for (;;) {
      if (stop_requested.load() || idle()) break;
      Time now = read_clock(CLOCK_MONOTONIC);
      // run_until() with a deadline already past still makes one non-blocking round.
      if (deadline && now >= *deadline && !first) break;
      first = false;
      Time next = earliest_timer();
      Time wake_at = deadline ? std::min(next, *deadline) : next;
      arm(wake_at);
      int timeout = (wake_at <= now || !posted_empty()) ? 0 : -1;
      int n = ::epoll_wait(epfd, events, 64, timeout);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;  // EBADF/EINVAL: the loop's own descriptors are broken; nothing can run
      }
      ready.clear();
      for (int i = 0; i < n; ++i) {
        uint64_t token = events[i].data.u64;
        if (token == kTimerToken) {
          drain(timerfd);
          armed = Time::max();  // an expired absolute timer stays disarmed
        } else if (token == kWakeToken) {
          drain(wakefd);
        } else {
          ready.push_back(token);
        }
      }
      count += dispatch_fds(ready);
      count += run_posted();
      count += run_due_timers();
    }
    stop_requested.store(false);
    running = false;
    return count;
  }
};

RealEventLoop::RealEventLoop() : impl_(std::make_unique<Impl>()) {}

Result<std::unique_ptr<RealEventLoop>> RealEventLoop::create() {
  auto loop = std::make_unique<RealEventLoop>();
  if (loop->impl_->init_error) return *loop->impl_->init_error;
  return loop;
}

RealEventLoop::~RealEventLoop() = default;

Status RealEventLoop::status() const {
  if (impl_->init_error) return *impl_->init_error;
  return ok_status();
}

Time RealEventLoop::now() const {
  return read_clock(CLOCK_REALTIME);
}

TimerId RealEventLoop::schedule(Duration delay, std::function<void()> fn) {
  if (delay < Duration::zero()) delay = Duration::zero();
  TimerId id = impl_->next_id++;
  impl_->live.emplace(id, std::move(fn));
  impl_->heap.push_back(Entry{saturating_add(read_clock(CLOCK_MONOTONIC), delay), id});
  std::push_heap(impl_->heap.begin(), impl_->heap.end(), Later{});
  return id;
}

void RealEventLoop::cancel(TimerId id) {
  if (impl_->live.erase(id) > 0) impl_->maybe_compact();
}

size_t RealEventLoop::run_until(Time deadline) {
  // Converted once: later wall-clock steps must not move the deadline.
  Time mono_now = read_clock(CLOCK_MONOTONIC);
  Time real_now = now();
  Time mono = deadline <= real_now ? mono_now : saturating_add(mono_now, deadline - real_now);
  if (deadline == Time::max()) mono = Time::max();
  return impl_->run_loop(mono);
}

size_t RealEventLoop::run() {
  return impl_->run_loop(std::nullopt);
}

void RealEventLoop::stop() {
  impl_->stop_requested.store(true);
  if (impl_->wakefd >= 0) impl_->wake();
}

void RealEventLoop::post(std::function<void()> fn) {
  {
    std::lock_guard lock(impl_->posted_mutex);
    impl_->posted.push_back(std::move(fn));
  }
  if (impl_->wakefd >= 0) impl_->wake();
}

size_t RealEventLoop::pending() const {
  std::lock_guard lock(impl_->posted_mutex);
  return impl_->live.size() + impl_->posted.size();
}

Status RealEventLoop::watch(int fd, std::function<void()> on_readable) {
  if (impl_->init_error) return *impl_->init_error;
  auto fn = std::make_shared<std::function<void()>>(std::move(on_readable));
  auto known = impl_->fd_tokens.find(fd);
  if (known != impl_->fd_tokens.end()) {
    uint64_t token = known->second;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = token;
    // MOD fails with ENOENT when the fd was closed (and epoll forgot it) without unwatch();
    // the number may now name another file, which is registered afresh.
    if (::epoll_ctl(impl_->epfd, EPOLL_CTL_MOD, fd, &ev) != 0 &&
        (errno != ENOENT || ::epoll_ctl(impl_->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)) {
      int e = errno;
      unwatch(fd);
      return system_error("epoll_ctl watch fd " + std::to_string(fd), e);
    }
    impl_->watches.find(token)->second.fn = std::move(fn);
    return ok_status();
  }
  uint64_t token = impl_->next_token++;
  if (!impl_->add_to_epoll(fd, token))
    return system_error("epoll_ctl watch fd " + std::to_string(fd), errno);
  impl_->watches.emplace(token, Impl::Watch{fd, std::move(fn)});
  impl_->fd_tokens.emplace(fd, token);
  return ok_status();
}

void RealEventLoop::unwatch(int fd) {
  auto it = impl_->fd_tokens.find(fd);
  if (it == impl_->fd_tokens.end()) return;
  // Fails harmlessly (EBADF, ENOENT) when the fd was closed first.
  ::epoll_ctl(impl_->epfd, EPOLL_CTL_DEL, fd, nullptr);
  impl_->watches.erase(it->second);
  impl_->fd_tokens.erase(it);
}

size_t RealEventLoop::watched() const {
  return impl_->watches.size();
}

}  // namespace ikesuite::clock
