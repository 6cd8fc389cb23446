// How a backend that owns a file descriptor (the xfrm backend's expire socket) asks its
// owner's event loop to call it back when the descriptor is readable, without depending on
// a particular loop. RealEventLoop's watch()/unwatch() fit it through LoopFdWatcher.
#pragma once

#include <functional>
#include <type_traits>
#include <utility>

#include "engine/base/result.h"

namespace ikesuite::sa {

class FdWatcher {
 public:
  virtual ~FdWatcher() = default;
  // Calls `on_readable` on the loop's thread whenever `fd` is readable, until unwatch(fd).
  // Fails when the loop cannot watch it (a loop that failed to start, fd exhaustion).
  virtual Status watch(int fd, std::function<void()> on_readable) = 0;
  virtual void unwatch(int fd) = 0;
};

// Adapts any loop with watch(int, std::function<void()>) and unwatch(int) members, whether
// its watch() reports a Status or nothing.
template <typename Loop>
class LoopFdWatcher final : public FdWatcher {
 public:
  explicit LoopFdWatcher(Loop& loop) : loop_(loop) {}
  Status watch(int fd, std::function<void()> on_readable) override {
    if constexpr (std::is_void_v<decltype(std::declval<Loop&>().watch(fd, on_readable))>) {
      loop_.watch(fd, std::move(on_readable));
      return ok_status();
    } else {
      return loop_.watch(fd, std::move(on_readable));
    }
  }
  void unwatch(int fd) override { loop_.unwatch(fd); }

 private:
  Loop& loop_;
};

}  // namespace ikesuite::sa
