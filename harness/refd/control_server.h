// The daemon's control socket: a Unix stream socket speaking JSON lines. Each line a client
// writes is one request object; the daemon answers each with one line holding one response
// object, in order. Several clients may be connected at once; a client that sends a line
// longer than kMaxLine, or something that is not a JSON object, gets an error response
// (and, for an overlong line, is disconnected) without disturbing the others.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/base/result.h"
#include "engine/clock/event_loop.h"
#include "harness/refd/event_feed.h"

namespace ikesuite::refd {

class ControlServer {
 public:
  using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;
  static constexpr size_t kMaxLine = 64 * 1024;

  // Binds and listens on `path` (an existing socket file there is replaced, anything else
  // at that path is an error), mode 0600: whoever can connect controls the daemon.
  static Result<std::unique_ptr<ControlServer>> open(clock::RealEventLoop& loop,
                                                     const std::string& path, Handler handler);
  ~ControlServer();  // closes every connection and removes the socket file
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Where {"cmd":"subscribe"} requests go: the connection leaves the request/answer loop and
  // becomes the feed's (event_feed.h). Without a feed, subscribe goes to the handler.
  void set_feed(EventFeed* feed) { feed_ = feed; }

  const std::string& path() const { return path_; }
  size_t clients() const { return clients_.size(); }

 private:
  ControlServer(clock::RealEventLoop& loop, std::string path, int fd, Handler handler);
  void accept_clients();
  void read_client(int fd);
  void close_client(int fd);
  void write_line(int fd, const nlohmann::json& response);

  clock::RealEventLoop& loop_;
  std::string path_;
  int listen_fd_;
  Handler handler_;
  std::map<int, std::string> clients_;  // fd -> bytes of the line being read
  EventFeed* feed_ = nullptr;
};

// Sends one request and waits (up to `timeout_ms`) for its response: the client side, for
// `ike-refd ctl` and the tests.
Result<nlohmann::json> control_request(const std::string& path, const nlohmann::json& request,
                                       int timeout_ms = 10000);

}  // namespace ikesuite::refd
