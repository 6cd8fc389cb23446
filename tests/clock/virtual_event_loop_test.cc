#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/clock/event_loop.h"

namespace ikesuite::clock {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(VirtualEventLoop, RunsByTimeThenBySchedulingOrder) {
  VirtualEventLoop loop;
  std::vector<std::string> order;
  std::vector<Time> times;
  auto note = [&](std::string what) {
    return [&, what] {
      order.push_back(what);
      times.push_back(loop.now());
    };
  };
  loop.schedule(milliseconds(30), note("c"));
  loop.schedule(milliseconds(10), note("a1"));
  loop.schedule(milliseconds(20), note("b"));
  loop.schedule(milliseconds(10), note("a2"));
  loop.schedule(milliseconds(0), note("zero"));
  loop.schedule(milliseconds(10), note("a3"));
  EXPECT_EQ(loop.pending(), 6u);
  EXPECT_EQ(loop.run(), 6u);
  EXPECT_EQ(order, (std::vector<std::string>{"zero", "a1", "a2", "a3", "b", "c"}));
  EXPECT_EQ(times, (std::vector<Time>{Time{0}, milliseconds(10), milliseconds(10), milliseconds(10),
                                      milliseconds(20), milliseconds(30)}));
  EXPECT_EQ(loop.now(), milliseconds(30));
  EXPECT_EQ(loop.pending(), 0u);
}

TEST(VirtualEventLoop, StartsAtTheGivenTime) {
  VirtualEventLoop loop(seconds(100));
  EXPECT_EQ(loop.now(), seconds(100));
  Time seen{0};
  loop.schedule(seconds(1), [&] { seen = loop.now(); });
  loop.run();
  EXPECT_EQ(seen, seconds(101));
}

TEST(VirtualEventLoop, NegativeDelayCountsAsZero) {
  VirtualEventLoop loop(seconds(5));
  std::vector<int> order;
  loop.schedule(Duration::zero(), [&] { order.push_back(1); });
  loop.schedule(-seconds(3), [&] { order.push_back(2); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(loop.now(), seconds(5));  // time never runs backwards
}

TEST(VirtualEventLoop, HugeDelaySaturates) {
  VirtualEventLoop loop(seconds(1));
  loop.schedule(Duration::max(), [] {});
  EXPECT_EQ(loop.next_event_time(), Time::max());
  EXPECT_TRUE(loop.step());
  EXPECT_EQ(loop.now(), Time::max());
}

TEST(VirtualEventLoop, TimerIdsAreNeverNoTimer) {
  VirtualEventLoop loop;
  TimerId a = loop.schedule(seconds(1), [] {});
  TimerId b = loop.schedule(seconds(1), [] {});
  EXPECT_NE(a, kNoTimer);
  EXPECT_NE(b, kNoTimer);
  EXPECT_NE(a, b);
}

TEST(VirtualEventLoop, CancelPendingTimer) {
  VirtualEventLoop loop;
  int fired = 0;
  TimerId a = loop.schedule(seconds(1), [&] { fired += 1; });
  loop.schedule(seconds(2), [&] { fired += 10; });
  EXPECT_EQ(loop.pending(), 2u);
  loop.cancel(a);
  EXPECT_EQ(loop.pending(), 1u);
  EXPECT_EQ(loop.run(), 1u);
  EXPECT_EQ(fired, 10);
}

TEST(VirtualEventLoop, CancelIsANoOpForFiredUnknownAndCancelledTimers) {
  VirtualEventLoop loop;
  int fired = 0;
  TimerId a = loop.schedule(seconds(1), [&] { ++fired; });
  loop.run();
  EXPECT_EQ(fired, 1);
  loop.cancel(a);         // fired
  loop.cancel(kNoTimer);  // never a timer
  loop.cancel(12345);     // unknown
  TimerId b = loop.schedule(seconds(1), [&] { ++fired; });
  loop.cancel(b);
  loop.cancel(b);  // twice
  EXPECT_EQ(loop.pending(), 0u);
  EXPECT_EQ(loop.run(), 0u);
  EXPECT_EQ(fired, 1);
}

TEST(VirtualEventLoop, CallbackCancelsATimerDueAtTheSameInstant) {
  VirtualEventLoop loop;
  std::vector<int> order;
  TimerId second = kNoTimer;
  loop.schedule(seconds(1), [&] {
    order.push_back(1);
    loop.cancel(second);
  });
  second = loop.schedule(seconds(1), [&] { order.push_back(2); });
  loop.schedule(seconds(1), [&] { order.push_back(3); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
}

TEST(VirtualEventLoop, CallbackCancellingItselfIsHarmless) {
  VirtualEventLoop loop;
  TimerId self = kNoTimer;
  int fired = 0;
  self = loop.schedule(seconds(1), [&] {
    ++fired;
    loop.cancel(self);
  });
  loop.run();
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(loop.pending(), 0u);
}

TEST(VirtualEventLoop, TimersScheduledFromCallbacks) {
  VirtualEventLoop loop;
  std::vector<std::pair<std::string, Time>> seen;
  auto note = [&](std::string what) { seen.emplace_back(std::move(what), loop.now()); };
  loop.schedule(seconds(1), [&] {
    note("outer");
    // Due now: after what is already due at this instant.
    loop.schedule(Duration::zero(), [&] {
      note("inner-now");
      loop.schedule(seconds(5), [&] { note("inner-inner"); });
    });
    loop.schedule(seconds(2), [&] { note("inner-later"); });
  });
  loop.schedule(seconds(1), [&] { note("sibling"); });
  loop.schedule(seconds(3), [&] { note("existing"); });
  loop.run();
  // "existing" was scheduled before "inner-later": at 3 s it goes first.
  std::vector<std::pair<std::string, Time>> want{
      {"outer", seconds(1)},    {"sibling", seconds(1)},     {"inner-now", seconds(1)},
      {"existing", seconds(3)}, {"inner-later", seconds(3)}, {"inner-inner", seconds(6)}};
  EXPECT_EQ(seen, want);
}

TEST(VirtualEventLoop, RunUntilRunsDueEventsAndLeavesTheClockAtTheDeadline) {
  VirtualEventLoop loop;
  std::vector<int> fired;
  loop.schedule(seconds(1), [&] { fired.push_back(1); });
  loop.schedule(seconds(2), [&] { fired.push_back(2); });  // exactly at the deadline: runs
  loop.schedule(seconds(3), [&] { fired.push_back(3); });
  EXPECT_EQ(loop.run_until(seconds(2)), 2u);
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
  EXPECT_EQ(loop.now(), seconds(2));
  EXPECT_EQ(loop.pending(), 1u);

  // Nothing due before the deadline: time still moves to it.
  EXPECT_EQ(loop.run_until(milliseconds(2500)), 0u);
  EXPECT_EQ(loop.now(), milliseconds(2500));

  // Runs out of events before the deadline: the clock reads the deadline.
  EXPECT_EQ(loop.run_until(seconds(10)), 1u);
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(loop.now(), seconds(10));

  // A deadline in the past neither runs anything nor turns the clock back.
  loop.schedule(seconds(1), [&] { fired.push_back(4); });
  EXPECT_EQ(loop.run_until(seconds(5)), 0u);
  EXPECT_EQ(loop.now(), seconds(10));
  EXPECT_EQ(loop.pending(), 1u);
}

TEST(VirtualEventLoop, PeriodicTimerUnderRunUntil) {
  VirtualEventLoop loop;
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    loop.schedule(seconds(1), tick);
  };
  loop.schedule(seconds(1), tick);
  loop.run_until(seconds(10));
  EXPECT_EQ(ticks, 10);
  EXPECT_EQ(loop.now(), seconds(10));
  EXPECT_EQ(loop.next_event_time(), seconds(11));
}

TEST(VirtualEventLoop, StopFromACallbackEndsTheRunAfterThatEvent) {
  VirtualEventLoop loop;
  std::vector<int> fired;
  loop.schedule(seconds(1), [&] { fired.push_back(1); });
  loop.schedule(seconds(2), [&] {
    fired.push_back(2);
    loop.stop();
  });
  loop.schedule(seconds(2), [&] { fired.push_back(3); });
  loop.schedule(seconds(4), [&] { fired.push_back(4); });
  EXPECT_EQ(loop.run_until(seconds(10)), 2u);
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
  EXPECT_EQ(loop.now(), seconds(2));  // stopped: not moved to the deadline
  // The request was used up: the next run goes on.
  EXPECT_EQ(loop.run(), 2u);
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3, 4}));
}

TEST(VirtualEventLoop, StopBeforeRunMakesTheNextRunReturnAtOnce) {
  VirtualEventLoop loop;
  int fired = 0;
  loop.schedule(seconds(1), [&] { ++fired; });
  loop.stop();
  EXPECT_EQ(loop.run_until(seconds(5)), 0u);
  EXPECT_EQ(loop.now(), Time{0});
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(loop.run_until(seconds(5)), 1u);
  EXPECT_EQ(fired, 1);
}

TEST(VirtualEventLoop, StopInsideAStepConcernsThatStepOnly) {
  VirtualEventLoop loop;
  int fired = 0;
  loop.schedule(seconds(1), [&] {
    ++fired;
    loop.stop();
  });
  loop.schedule(seconds(2), [&] { ++fired; });
  EXPECT_TRUE(loop.step());
  EXPECT_EQ(loop.run(), 1u);
  EXPECT_EQ(fired, 2);
}

TEST(VirtualEventLoop, RunReturnsWhenNothingIsLeft) {
  VirtualEventLoop loop;
  EXPECT_EQ(loop.run(), 0u);
  EXPECT_EQ(loop.now(), Time{0});
  loop.schedule(seconds(7), [] {});
  EXPECT_EQ(loop.run(), 1u);
  EXPECT_EQ(loop.now(), seconds(7));  // run() leaves the clock at the last event
}

TEST(VirtualEventLoop, StepRunsOneEventAtATime) {
  VirtualEventLoop loop;
  std::vector<int> fired;
  loop.schedule(seconds(2), [&] { fired.push_back(2); });
  loop.schedule(seconds(1), [&] { fired.push_back(1); });
  EXPECT_EQ(loop.next_event_time(), seconds(1));
  EXPECT_TRUE(loop.step());
  EXPECT_EQ(fired, (std::vector<int>{1}));
  EXPECT_EQ(loop.now(), seconds(1));
  EXPECT_TRUE(loop.step());
  EXPECT_EQ(loop.now(), seconds(2));
  EXPECT_FALSE(loop.step());
  EXPECT_EQ(loop.next_event_time(), std::nullopt);
}

TEST(VirtualEventLoop, PostRunsAfterEventsAlreadyDueNow) {
  VirtualEventLoop loop;
  std::vector<std::string> order;
  loop.schedule(seconds(1), [&] {
    order.push_back("first");
    loop.post([&] { order.push_back("posted"); });
  });
  loop.schedule(seconds(1), [&] { order.push_back("second"); });
  loop.schedule(seconds(2), [&] { order.push_back("later"); });
  loop.run();
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second", "posted", "later"}));
}

TEST(VirtualEventLoop, NestedRunFromACallbackDoesNothing) {
  VirtualEventLoop loop;
  size_t nested = 99;
  loop.schedule(seconds(1), [&] { nested = loop.run(); });
  loop.schedule(seconds(2), [] {});
  EXPECT_EQ(loop.run(), 2u);
  EXPECT_EQ(nested, 0u);
}

TEST(VirtualEventLoop, ManyCancelledTimersDoNotDisturbOrder) {
  VirtualEventLoop loop;
  std::vector<int> fired;
  std::vector<TimerId> ids;
  for (int i = 0; i < 2000; ++i)
    ids.push_back(loop.schedule(milliseconds(2000 - i), [&fired, i] { fired.push_back(i); }));
  for (int i = 0; i < 2000; ++i)
    if (i % 100 != 0) loop.cancel(ids[static_cast<size_t>(i)]);
  EXPECT_EQ(loop.pending(), 20u);
  EXPECT_EQ(loop.run(), 20u);
  std::vector<int> want;
  for (int i = 1900; i >= 0; i -= 100) want.push_back(i);
  EXPECT_EQ(fired, want);
}

TEST(VirtualEventLoop, TenSecondLifetimeCostsNoWallTime) {
  VirtualEventLoop loop;
  int expired = 0;
  loop.schedule(seconds(10), [&] { ++expired; });
  auto start = std::chrono::steady_clock::now();
  loop.run();
  EXPECT_EQ(expired, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(1));
}

}  // namespace
}  // namespace ikesuite::clock
