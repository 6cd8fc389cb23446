// The subscription stream: replays and live events in order, resuming from an event number,
// a bounded history, bad requests, and a subscriber that does not read being cut off with an
// overflow notice instead of holding the daemon up.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "harness/refd/control_server.h"
#include "harness/refd/event_feed.h"
#include "harness/refd/events_json.h"

namespace ikesuite::refd {
namespace {

using nlohmann::json;

class EventFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = clock::RealEventLoop::create();
    ASSERT_TRUE(loop.ok());
    loop_ = std::move(*loop);
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    daemon_side_ = fds[0];
    client_ = fds[1];
  }
  void TearDown() override {
    if (client_ >= 0) ::close(client_);
  }

  static json event(int n) {
    return log_event({from_us(n), LogGroup::kIke, 1, "event " + std::to_string(n)});
  }

  // Lets the loop run a little and collects the complete lines the client side got.
  std::vector<json> read_lines(size_t want, int max_ms = 2000) {
    std::vector<json> out;
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
    while (out.size() < want && std::chrono::steady_clock::now() < until && !eof_) {
      loop_->run_until(loop_->now() + std::chrono::milliseconds(5));
      char buf[65536];
      ssize_t n;
      while ((n = ::recv(client_, buf, sizeof(buf), 0)) > 0) pending_.append(buf, static_cast<size_t>(n));
      if (n == 0) eof_ = true;
      size_t nl;
      while ((nl = pending_.find('\n')) != std::string::npos) {
        json j = json::parse(pending_.substr(0, nl), nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << pending_.substr(0, nl);
        out.push_back(j);
        pending_.erase(0, nl + 1);
      }
    }
    return out;
  }

  std::unique_ptr<clock::RealEventLoop> loop_;
  int daemon_side_ = -1;
  int client_ = -1;
  std::string pending_;
  bool eof_ = false;
};

TEST_F(EventFeedTest, ReplayThenLiveEventsInOrder) {
  EventFeed feed(*loop_);
  for (int i = 0; i < 3; ++i) feed.publish(event(i));
  ASSERT_TRUE(feed.attach(daemon_side_, {{"cmd", "subscribe"}, {"replay", true}}, nullptr));
  feed.publish(event(3));
  auto lines = read_lines(5);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], (json{{"ok", true}, {"next", 3}, {"replayed", 3}, {"lost", 0}}));
  for (int i = 0; i < 4; ++i) {
    auto e = parse_event(lines[static_cast<size_t>(i) + 1]);
    ASSERT_TRUE(e.ok()) << e.error().message();
    EXPECT_EQ(e->seq, static_cast<uint64_t>(i));
    EXPECT_EQ(e->log.text, "event " + std::to_string(i));
  }
  EXPECT_EQ(feed.subscribers(), 1u);
}

TEST_F(EventFeedTest, WithoutReplayOnlyNewEventsCome) {
  EventFeed feed(*loop_);
  feed.publish(event(0));
  feed.publish(event(1));
  ASSERT_TRUE(feed.attach(daemon_side_, {{"cmd", "subscribe"}}, nullptr));
  feed.publish(event(2));
  auto lines = read_lines(2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["replayed"], 0);
  EXPECT_EQ(lines[0]["next"], 2);
  EXPECT_EQ(lines[1]["seq"], 2);
  EXPECT_TRUE(read_lines(1, 100).empty());
}

TEST_F(EventFeedTest, FromResumesAndTheHistoryIsBounded) {
  EventFeed feed(*loop_, /*max_history=*/3);
  for (int i = 0; i < 5; ++i) feed.publish(event(i));
  EXPECT_EQ(feed.first_kept_seq(), 2u);
  ASSERT_TRUE(feed.attach(daemon_side_, {{"cmd", "subscribe"}, {"from", 1}}, nullptr));
  auto lines = read_lines(4);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["lost"], 1);  // event 1 is gone
  EXPECT_EQ(lines[0]["replayed"], 3);
  EXPECT_EQ(lines[1]["seq"], 2);
  EXPECT_EQ(lines[3]["seq"], 4);
}

TEST_F(EventFeedTest, BadSubscribeRequestsAreRefusedAndTheSocketStaysTheCallers) {
  EventFeed feed(*loop_);
  json error;
  EXPECT_FALSE(feed.attach(daemon_side_, {{"cmd", "subscribe"}, {"replay", "yes"}}, &error));
  EXPECT_NE(error["error"].get<std::string>().find("\"replay\""), std::string::npos);
  EXPECT_FALSE(feed.attach(daemon_side_, {{"cmd", "subscribe"}, {"from", -4}}, &error));
  EXPECT_NE(error["error"].get<std::string>().find("\"from\""), std::string::npos);
  EXPECT_EQ(feed.subscribers(), 0u);
  ::close(daemon_side_);
}

TEST_F(EventFeedTest, ASubscriberThatDoesNotReadIsCutOffWithAnOverflowNotice) {
  EventFeed feed(*loop_, EventFeed::kDefaultMaxHistory, /*max_backlog=*/8192);
  ASSERT_TRUE(feed.attach(daemon_side_, {{"cmd", "subscribe"}}, nullptr));
  // Far more than the socket and the backlog hold; publish never waits for the reader.
  const std::string big(2000, 'x');
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i)
    feed.publish(log_event({from_us(i), LogGroup::kIke, 1, big + std::to_string(i)}));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  auto lines = read_lines(100000, 3000);
  ASSERT_TRUE(eof_) << "the subscriber must be disconnected";
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0]["ok"], true);
  const json& last = lines.back();
  EXPECT_EQ(last["event"], "overflow");
  // Every line before the notice is a whole event, numbered without gaps, and the notice
  // says where to resume: right after the last one received.
  for (size_t i = 1; i + 1 < lines.size(); ++i) EXPECT_EQ(lines[i]["seq"], i - 1);
  EXPECT_EQ(last["resume"], lines.size() - 2);
  EXPECT_LT(lines.size(), 2000u);
  EXPECT_EQ(feed.subscribers(), 0u);
}

TEST_F(EventFeedTest, ASubscriberThatHangsUpIsDropped) {
  EventFeed feed(*loop_);
  ASSERT_TRUE(feed.attach(daemon_side_, {{"cmd", "subscribe"}}, nullptr));
  ::close(client_);
  client_ = -1;
  for (int i = 0; i < 20 && feed.subscribers() > 0; ++i)
    loop_->run_until(loop_->now() + std::chrono::milliseconds(5));
  EXPECT_EQ(feed.subscribers(), 0u);
  feed.publish(event(0));  // nobody to write to: fine
}

TEST_F(EventFeedTest, SubscribeThroughTheControlSocket) {
  ::close(daemon_side_);
  char tmpl[] = "/tmp/ikesuite-feed-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string path = dir + "/ctl";
  EventFeed feed(*loop_);
  auto server = ControlServer::open(*loop_, path, [](const json& r) {
    return json{{"ok", true}, {"echo", r}};
  });
  ASSERT_TRUE(server.ok()) << server.error().message();
  (*server)->set_feed(&feed);
  feed.publish(event(0));

  ::close(client_);
  client_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  ASSERT_EQ(::connect(client_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  // A bad subscribe is answered and the connection stays a request connection.
  std::string req = "{\"cmd\":\"subscribe\",\"replay\":1}\n{\"cmd\":\"subscribe\",\"replay\":true}\n";
  ASSERT_EQ(::send(client_, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  ::fcntl(client_, F_SETFL, O_NONBLOCK);
  auto lines = read_lines(3);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["ok"], false);
  EXPECT_EQ(lines[1]["ok"], true);
  EXPECT_EQ(lines[1]["replayed"], 1);
  EXPECT_EQ(lines[2]["seq"], 0);
  EXPECT_EQ(feed.subscribers(), 1u);
  EXPECT_EQ((*server)->clients(), 0u);
  feed.publish(event(1));
  auto more = read_lines(1);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0]["seq"], 1);
  server->reset();
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace ikesuite::refd
