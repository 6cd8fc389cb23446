// The machine is shared and noisy: these tests assert ordering and lower bounds, never exact
// durations, and keep their delays small.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/clock/event_loop.h"

namespace ikesuite::clock {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
      r = fds[0];
      w = fds[1];
    }
  }
  ~Pipe() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
  }
  void put(char c) const { EXPECT_EQ(::write(w, &c, 1), 1); }
  std::string take() const {
    std::string out;
    char buf[64];
    ssize_t n;
    while ((n = ::read(r, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
};

TEST(RealEventLoop, CreatesItsKernelObjects) {
  auto loop = RealEventLoop::create();
  ASSERT_TRUE(loop.ok()) << loop.error().message();
  EXPECT_TRUE((*loop)->status().ok());
}

TEST(RealEventLoop, NowIsWallClockTime) {
  RealEventLoop loop;
  auto wall = std::chrono::duration_cast<Time>(std::chrono::system_clock::now().time_since_epoch());
  EXPECT_LT(std::chrono::abs(loop.now() - wall), seconds(5));
}

TEST(RealEventLoop, TimersFireInDeadlineOrder) {
  RealEventLoop loop;
  std::vector<int> order;
  auto start = Steady::now();
  loop.schedule(milliseconds(30), [&] { order.push_back(3); });
  loop.schedule(milliseconds(10), [&] { order.push_back(1); });
  loop.schedule(milliseconds(20), [&] { order.push_back(2); });
  loop.schedule(milliseconds(20), [&] { order.push_back(22); });  // same deadline: FIFO
  EXPECT_EQ(loop.pending(), 4u);
  EXPECT_EQ(loop.run(), 4u);  // returns once nothing is left
  EXPECT_EQ(order, (std::vector<int>{1, 2, 22, 3}));
  EXPECT_GE(Steady::now() - start, milliseconds(30));
  EXPECT_EQ(loop.pending(), 0u);
}

TEST(RealEventLoop, RunReturnsAtOnceWhenIdle) {
  RealEventLoop loop;
  auto start = Steady::now();
  EXPECT_EQ(loop.run(), 0u);
  EXPECT_LT(Steady::now() - start, seconds(2));
}

TEST(RealEventLoop, CancelledTimerNeverFires) {
  RealEventLoop loop;
  int fired = 0;
  TimerId a = loop.schedule(milliseconds(5), [&] { fired += 1; });
  loop.schedule(milliseconds(10), [&] { fired += 10; });
  loop.cancel(a);
  loop.cancel(a);
  loop.cancel(kNoTimer);
  EXPECT_EQ(loop.pending(), 1u);
  EXPECT_EQ(loop.run(), 1u);
  EXPECT_EQ(fired, 10);
}

TEST(RealEventLoop, TimerCancelsAnotherFromItsCallback) {
  RealEventLoop loop;
  std::vector<int> order;
  TimerId later = kNoTimer;
  loop.schedule(milliseconds(1), [&] {
    order.push_back(1);
    loop.cancel(later);
  });
  later = loop.schedule(milliseconds(20), [&] { order.push_back(2); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1}));
}

TEST(RealEventLoop, NegativeDelayRunsAtOnce) {
  RealEventLoop loop;
  int fired = 0;
  loop.schedule(-seconds(10), [&] { ++fired; });
  loop.run();
  EXPECT_EQ(fired, 1);
}

TEST(RealEventLoop, TimersScheduledFromCallbacksRun) {
  RealEventLoop loop;
  std::vector<int> order;
  loop.schedule(milliseconds(1), [&] {
    order.push_back(1);
    loop.schedule(Duration::zero(), [&] {
      order.push_back(2);
      loop.schedule(milliseconds(2), [&] { order.push_back(3); });
    });
  });
  EXPECT_EQ(loop.run(), 3u);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(RealEventLoop, RunUntilReturnsAtTheDeadline) {
  RealEventLoop loop;
  int fired = 0;
  loop.schedule(milliseconds(5), [&] { ++fired; });
  loop.schedule(seconds(30), [&] { fired += 100; });
  auto start = Steady::now();
  EXPECT_EQ(loop.run_until(loop.now() + milliseconds(40)), 1u);
  auto took = Steady::now() - start;
  EXPECT_EQ(fired, 1);
  EXPECT_GE(took, milliseconds(39));  // allow for the realtime/monotonic conversion
  EXPECT_LT(took, seconds(20));
  EXPECT_EQ(loop.pending(), 1u);
}

TEST(RealEventLoop, RunUntilAPastDeadlineMakesOneRound) {
  RealEventLoop loop;
  int fired = 0;
  loop.schedule(Duration::zero(), [&] { ++fired; });
  loop.schedule(seconds(30), [&] { fired += 100; });
  loop.run_until(loop.now() - seconds(1));
  EXPECT_EQ(fired, 1);
}

TEST(RealEventLoop, StopFromACallback) {
  RealEventLoop loop;
  std::vector<int> order;
  loop.schedule(milliseconds(1), [&] {
    order.push_back(1);
    loop.stop();
  });
  loop.schedule(milliseconds(1), [&] { order.push_back(2); });
  EXPECT_EQ(loop.run(), 1u);
  EXPECT_EQ(order, (std::vector<int>{1}));
  EXPECT_EQ(loop.run(), 1u);  // the stop request was used up
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(RealEventLoop, WatchPipeUntilUnwatched) {
  RealEventLoop loop;
  Pipe p;
  ASSERT_GE(p.r, 0);
  std::string got;
  ASSERT_TRUE(loop.watch(p.r,
                         [&] {
                           got += p.take();
                           if (got.size() >= 3) loop.unwatch(p.r);
                         })
                  .ok());
  EXPECT_EQ(loop.watched(), 1u);
  loop.schedule(milliseconds(1), [&] { p.put('a'); });
  loop.schedule(milliseconds(3), [&] { p.put('b'); });
  loop.schedule(milliseconds(5), [&] { p.put('c'); });
  // Returns when the timers are done and the fd is unwatched.
  loop.run();
  EXPECT_EQ(got, "abc");
  EXPECT_EQ(loop.watched(), 0u);
  loop.unwatch(p.r);  // unknown now: ignored
}

TEST(RealEventLoop, UnwatchedInTheSameRoundGetsNoCallback) {
  RealEventLoop loop;
  int sv1[2], sv2[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv1), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv2), 0);
  // Both readable before the loop looks: they are reported in one epoll round.
  ASSERT_EQ(::send(sv1[1], "x", 1, 0), 1);
  ASSERT_EQ(::send(sv2[1], "y", 1, 0), 1);
  int calls = 0;
  auto first = [&](int self, int other) {
    ++calls;
    char c;
    EXPECT_EQ(::recv(self, &c, 1, 0), 1);
    loop.unwatch(self);
    loop.unwatch(other);
  };
  ASSERT_TRUE(loop.watch(sv1[0], [&] { first(sv1[0], sv2[0]); }).ok());
  ASSERT_TRUE(loop.watch(sv2[0], [&] { first(sv2[0], sv1[0]); }).ok());
  loop.run();
  EXPECT_EQ(calls, 1);
  for (int fd : {sv1[0], sv1[1], sv2[0], sv2[1]}) ::close(fd);
}

TEST(RealEventLoop, WatchAgainReplacesTheCallback) {
  RealEventLoop loop;
  Pipe p;
  std::string who;
  ASSERT_TRUE(loop.watch(p.r, [&] { who += "old"; }).ok());
  ASSERT_TRUE(loop.watch(p.r,
                         [&] {
                           who += "new";
                           p.take();
                           loop.unwatch(p.r);
                         })
                  .ok());
  EXPECT_EQ(loop.watched(), 1u);
  p.put('z');
  loop.run();
  EXPECT_EQ(who, "new");
}

TEST(RealEventLoop, FdClosedWithoutUnwatchCanBeWatchedAgain) {
  RealEventLoop loop;
  auto first = std::make_unique<Pipe>();
  int number = first->r;
  ASSERT_TRUE(loop.watch(number, [] {}).ok());
  first.reset();  // closes the fds; epoll forgets them, the loop still lists the number
  Pipe second;    // likely reuses the numbers
  int fired = 0;
  ASSERT_TRUE(loop.watch(second.r,
                         [&] {
                           ++fired;
                           second.take();
                           loop.unwatch(second.r);
                         })
                  .ok());
  if (second.r != number) loop.unwatch(number);
  second.put('q');
  loop.run();
  EXPECT_EQ(fired, 1);
}

TEST(RealEventLoop, WatchRejectsWhatEpollCannotWatch) {
  RealEventLoop loop;
  auto bad = loop.watch(-1, [] {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kSystem);
  EXPECT_EQ(bad.error().sys_errno(), EBADF);
  int file = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);  // a regular file
  ASSERT_GE(file, 0);
  auto regular = loop.watch(file, [] {});
  ASSERT_FALSE(regular.ok());
  EXPECT_EQ(regular.error().sys_errno(), EPERM);
  EXPECT_NE(regular.error().message().find("Operation not permitted"), std::string::npos);
  EXPECT_EQ(loop.watched(), 0u);
  ::close(file);
}

TEST(RealEventLoop, PostFromAnotherThreadRunsOnTheLoopThread) {
  RealEventLoop loop;
  std::thread::id loop_thread = std::this_thread::get_id();
  std::thread::id ran_on;
  std::vector<int> order;
  // Something to keep run() going until the posted callbacks arrive.
  TimerId keepalive = loop.schedule(seconds(30), [] {});
  std::thread poster([&] {
    std::this_thread::sleep_for(milliseconds(10));
    loop.post([&] {
      ran_on = std::this_thread::get_id();
      order.push_back(1);
    });
    loop.post([&] {
      order.push_back(2);
      loop.cancel(keepalive);
    });
  });
  auto start = Steady::now();
  EXPECT_EQ(loop.run(), 2u);
  poster.join();
  EXPECT_EQ(ran_on, loop_thread);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_LT(Steady::now() - start, seconds(20));
}

TEST(RealEventLoop, StopFromAnotherThreadWakesABlockedLoop) {
  RealEventLoop loop;
  Pipe p;
  ASSERT_TRUE(loop.watch(p.r, [&] { p.take(); }).ok());  // blocks forever otherwise
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(10));
    loop.stop();
  });
  auto start = Steady::now();
  loop.run();
  stopper.join();
  EXPECT_LT(Steady::now() - start, seconds(20));
}

TEST(RealEventLoop, PostedCallbacksCountAsPending) {
  RealEventLoop loop;
  loop.post([] {});
  loop.schedule(seconds(1), [] {});
  EXPECT_EQ(loop.pending(), 2u);
  loop.stop();
  EXPECT_EQ(loop.run(), 0u);  // stopped before it ran anything
  EXPECT_EQ(loop.pending(), 2u);
}

std::atomic<int> g_signals{0};
void on_signal(int) {
  g_signals.fetch_add(1);
}

TEST(RealEventLoop, SignalInterruptingTheWaitIsHarmless) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: epoll_wait fails with EINTR
  struct sigaction old {};
  ASSERT_EQ(::sigaction(SIGUSR1, &sa, &old), 0);
  RealEventLoop loop;
  int fired = 0;
  auto start = Steady::now();
  loop.schedule(milliseconds(60), [&] { ++fired; });
  pthread_t self = ::pthread_self();
  std::thread signaller([self] {
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(milliseconds(10));
      ::pthread_kill(self, SIGUSR1);
    }
  });
  EXPECT_EQ(loop.run(), 1u);
  signaller.join();
  EXPECT_EQ(fired, 1);
  EXPECT_GE(Steady::now() - start, milliseconds(60));
  EXPECT_GE(g_signals.load(), 1);
  ::sigaction(SIGUSR1, &old, nullptr);
}

TEST(RealEventLoop, BusyTimerDoesNotStarveDescriptors) {
  RealEventLoop loop;
  Pipe p;
  int ticks = 0;
  bool read = false;
  std::function<void()> tick = [&] {
    ++ticks;
    if (!read) loop.schedule(Duration::zero(), tick);
  };
  loop.schedule(Duration::zero(), tick);
  ASSERT_TRUE(loop.watch(p.r,
                         [&] {
                           p.take();
                           read = true;
                           loop.unwatch(p.r);
                         })
                  .ok());
  p.put('!');
  loop.run();
  EXPECT_TRUE(read);
  EXPECT_LT(ticks, 10);
}

}  // namespace
}  // namespace ikesuite::clock
