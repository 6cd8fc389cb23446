#include "harness/refd/event_feed.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ikesuite::refd {
namespace {

constexpr Duration kFlushInterval = std::chrono::milliseconds(5);

}  // namespace

EventFeed::EventFeed(clock::RealEventLoop& loop, size_t max_history, size_t max_backlog)
    : loop_(loop), max_history_(std::max<size_t>(max_history, 1)), max_backlog_(max_backlog) {}

EventFeed::~EventFeed() {
  if (timer_armed_) loop_.cancel(timer_);
  while (!subs_.empty()) drop(subs_.begin()->first);
}

void EventFeed::publish(nlohmann::json event) {
  event["seq"] = next_seq_++;
  std::string line = event.dump() + "\n";
  if (history_.size() >= max_history_) {
    history_.pop_front();
    ++first_seq_;
  }
  history_.push_back(line);
  // Queue first, write afterwards: drop() in a flush must not disturb the iteration.
  std::vector<int> ready;
  for (auto& [fd, s] : subs_) {
    if (s.closing) continue;
    queue(fd, s, line);
    ready.push_back(fd);
  }
  for (int fd : ready) flush(fd);
}

void EventFeed::queue(int fd, Subscriber& s, const std::string& line) {
  s.out += line;
  ++s.queued_events;
  if (s.out.size() - s.sent > max_backlog_ + s.allowance) overflow(fd, s);
}

void EventFeed::overflow(int, Subscriber& s) {
  // Keep the line being written (the stream stays line by line) or the unsent answer, drop
  // the rest, and say where the subscriber can pick up again.
  std::string keep;
  const size_t eol = s.out.find('\n', s.sent);
  if (s.mid_line || s.answer_pending) keep = s.out.substr(s.sent, eol - s.sent + 1);
  const bool keeps_event = !s.answer_pending && s.mid_line;
  const uint64_t resume = next_seq_ - s.queued_events + (keeps_event ? 1 : 0);
  s.out = keep + nlohmann::json{{"event", "overflow"}, {"resume", resume}}.dump() + "\n";
  s.sent = 0;
  s.queued_events = keeps_event ? 1 : 0;
  s.allowance = 0;
  s.closing = true;
  s.close_by = loop_.now() + kCloseGrace;
}

bool EventFeed::attach(int fd, const nlohmann::json& request, nlohmann::json* error_answer) {
  auto fail = [&](const std::string& why) {
    if (error_answer) *error_answer = {{"ok", false}, {"error", "subscribe: " + why}};
    return false;
  };
  bool replay = false;
  uint64_t from = first_seq_;
  if (auto it = request.find("replay"); it != request.end()) {
    if (!it->is_boolean()) return fail("\"replay\" must be true or false");
    replay = it->get<bool>();
  }
  if (auto it = request.find("from"); it != request.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0)
      return fail("\"from\" must be an event number (seq)");
    from = it->get<uint64_t>();
    replay = true;
  }
  uint64_t lost = 0;
  if (replay && from < first_seq_) {
    lost = first_seq_ - from;
    from = first_seq_;
  }
  if (!replay) from = next_seq_;
  from = std::min(from, next_seq_);
  if (!loop_.watch(fd, [this, fd] { drain(fd); }).ok()) return fail("cannot watch the connection");
  Subscriber& s = subs_[fd];
  s.out = nlohmann::json{{"ok", true},
                         {"next", next_seq_},
                         {"replayed", next_seq_ - from},
                         {"lost", lost}}
              .dump() +
          "\n";
  for (uint64_t seq = from; seq < next_seq_; ++seq) {
    const std::string& line = history_[static_cast<size_t>(seq - first_seq_)];
    s.out += line;
    s.allowance += line.size();
    ++s.queued_events;
  }
  flush(fd);
  return true;
}

bool EventFeed::flush(int fd) {
  auto it = subs_.find(fd);
  if (it == subs_.end()) return false;
  Subscriber& s = it->second;
  while (s.sent < s.out.size()) {
    ssize_t n = ::send(fd, s.out.data() + s.sent, s.out.size() - s.sent,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      drop(fd);
      return false;
    }
    const size_t end = s.sent + static_cast<size_t>(n);
    for (size_t i = s.sent; i < end; ++i) {
      if (s.out[i] != '\n') continue;
      if (s.answer_pending) {
        s.answer_pending = false;
      } else if (s.queued_events > 0) {
        --s.queued_events;
      }
    }
    s.mid_line = s.out[end - 1] != '\n';
    s.allowance -= std::min(s.allowance, static_cast<size_t>(n));
    s.sent = end;
  }
  if (s.sent == s.out.size()) {
    s.out.clear();
    s.sent = 0;
    if (s.closing) {
      drop(fd);
      return false;
    }
  } else if (s.sent > 64 * 1024 && s.sent > s.out.size() / 2) {
    s.out.erase(0, s.sent);
    s.sent = 0;
  }
  if (s.closing && loop_.now() >= s.close_by) {
    drop(fd);
    return false;
  }
  if (!s.out.empty()) arm_timer();
  return true;
}

void EventFeed::flush_all() {
  std::vector<int> fds;
  for (const auto& [fd, s] : subs_) fds.push_back(fd);
  for (int fd : fds) flush(fd);
}

void EventFeed::arm_timer() {
  if (timer_armed_) return;
  timer_armed_ = true;
  timer_ = loop_.schedule(kFlushInterval, [this] {
    timer_armed_ = false;
    flush_all();
  });
}

void EventFeed::drain(int fd) {
  // Subscribers only read; what they write is discarded. The end of the connection (or an
  // error) ends the subscription.
  char buf[1024];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    drop(fd);
    return;
  }
}

void EventFeed::drop(int fd) {
  if (subs_.erase(fd) == 0) return;
  loop_.unwatch(fd);
  ::close(fd);
}

}  // namespace ikesuite::refd
