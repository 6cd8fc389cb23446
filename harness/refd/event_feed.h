// The event stream of ike-refd's "subscribe" request (commands.h): every event the host
// reports (events_json.h) is numbered, kept for replays and queued for each subscriber.
//
// A subscriber never stalls the daemon: its socket is written without blocking, what does
// not fit waits in a buffer flushed on a short timer, and a subscriber whose buffer grows
// beyond the backlog limit is sent {"event":"overflow","resume":N} (N: the first event it
// did not get, to subscribe again from) and disconnected, its backlog discarded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/base/result.h"
#include "engine/clock/event_loop.h"

namespace ikesuite::refd {

class EventFeed {
 public:
  static constexpr size_t kDefaultMaxHistory = 1000000;          // events kept for replays
  static constexpr size_t kDefaultMaxBacklog = 8 * 1024 * 1024;  // bytes queued per subscriber
  // How long a disconnecting subscriber gets to read the overflow notice.
  static constexpr Duration kCloseGrace = std::chrono::seconds(2);

  EventFeed(clock::RealEventLoop& loop, size_t max_history = kDefaultMaxHistory,
            size_t max_backlog = kDefaultMaxBacklog);
  ~EventFeed();  // closes every subscriber
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  // Numbers `event` ("seq"), keeps it and queues it for every subscriber.
  void publish(nlohmann::json event);

  // A subscribe request on connection `fd` (a connected non-blocking stream socket the
  // caller no longer reads): {"replay":true} first sends the kept events, {"from":N} the
  // kept events from number N on. A bad request is answered with an error and leaves `fd`
  // to the caller (false); otherwise the feed owns `fd`, answers
  // {"ok":true,"next":N,"replayed":R,"lost":L} (N: the number of the first live event, L:
  // asked-for events no longer kept) and then streams the events.
  bool attach(int fd, const nlohmann::json& request, nlohmann::json* error_answer);

  size_t subscribers() const { return subs_.size(); }
  uint64_t next_seq() const { return next_seq_; }
  uint64_t first_kept_seq() const { return first_seq_; }

 private:
  struct Subscriber {
    std::string out;        // lines not yet written; `sent` bytes of it already were
    size_t sent = 0;
    bool answer_pending = true;  // the subscribe answer is the first line of `out`
    bool mid_line = false;       // the last write ended inside a line
    uint64_t queued_events = 0;  // event lines not completely written
    size_t allowance = 0;        // replayed bytes, allowed on top of the backlog limit
    bool closing = false;
    Time close_by{0};
  };

  void queue(int fd, Subscriber& s, const std::string& line);
  void overflow(int fd, Subscriber& s);
  // Writes what the socket takes; false if the subscriber is gone (and was dropped).
  bool flush(int fd);
  void flush_all();
  void arm_timer();
  void drain(int fd);
  void drop(int fd);

  clock::RealEventLoop& loop_;
  size_t max_history_;
  size_t max_backlog_;
  std::deque<std::string> history_;  // lines of events first_seq_ ... next_seq_ - 1
  uint64_t first_seq_ = 0;
  uint64_t next_seq_ = 0;
  std::map<int, Subscriber> subs_;
  bool timer_armed_ = false;
  TimerId timer_ = 0;
};

}  // namespace ikesuite::refd
