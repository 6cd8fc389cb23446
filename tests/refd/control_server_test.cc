// The control socket on its own: framing of JSON lines, bad requests, several clients, and
// the socket file's life cycle.
#include "harness/refd/control_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace ikesuite::refd {
namespace {

using nlohmann::json;

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ikesuite-ctl-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/ctl";
    auto loop = clock::RealEventLoop::create();
    ASSERT_TRUE(loop.ok());
    loop_ = std::move(*loop);
  }
  void TearDown() override {
    server_.reset();
    std::system(("rm -rf " + dir_).c_str());
  }

  // Echoes the request back with ok=true, and counts.
  void open_server() {
    auto s = ControlServer::open(*loop_, path_, [this](const json& r) {
      ++handled_;
      if (r.value("cmd", "") == "stop") loop_->stop();
      return json{{"ok", true}, {"echo", r}};
    });
    ASSERT_TRUE(s.ok()) << s.error().message();
    server_ = std::move(*s);
  }

  // Runs the loop on this thread while `client` runs on another.
  void with_client(const std::function<void()>& client) {
    std::thread t([&] {
      client();
      loop_->post([this] { loop_->stop(); });
    });
    loop_->run_until(loop_->now() + std::chrono::seconds(10));
    t.join();
  }

  // A raw client: writes bytes, reads until `lines` newlines or EOF.
  std::string raw_exchange(const std::string& bytes, size_t lines) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path_.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return "connect failed";
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    std::string in;
    char buf[4096];
    while (static_cast<size_t>(std::count(in.begin(), in.end(), '\n')) < lines) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return in;
  }

  std::string dir_, path_;
  std::unique_ptr<clock::RealEventLoop> loop_;
  std::unique_ptr<ControlServer> server_;
  std::atomic<int> handled_{0};
};

TEST_F(ControlServerTest, AnswersEachRequestInOrderAndOnlyOwnerMayConnect) {
  open_server();
  struct stat st {};
  ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string out;
  // Two requests in one write, one split over the line end, and CRLF.
  with_client([&] {
    out = raw_exchange("{\"cmd\":\"a\"}\n{\"cmd\":\"b\"}\r\n\n{\"cmd\":\"c\"}\n", 3);
  });
  std::istringstream lines(out);
  std::string line;
  std::vector<std::string> cmds;
  while (std::getline(lines, line)) cmds.push_back(json::parse(line)["echo"]["cmd"]);
  EXPECT_EQ(cmds, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(handled_, 3);
}

TEST_F(ControlServerTest, MalformedRequestsGetAnErrorAndTheConnectionStaysUsable) {
  open_server();
  std::string out;
  with_client([&] { out = raw_exchange("not json\n[1,2]\n{\"cmd\":\"ok\"}\n", 3); });
  std::istringstream lines(out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(json::parse(line)["ok"], false);
  EXPECT_NE(json::parse(line)["error"].get<std::string>().find("one JSON object per line"),
            std::string::npos);
  std::getline(lines, line);
  EXPECT_EQ(json::parse(line)["ok"], false);
  std::getline(lines, line);
  EXPECT_EQ(json::parse(line)["echo"]["cmd"], "ok");
  EXPECT_EQ(handled_, 1);
}

TEST_F(ControlServerTest, OverlongLineIsRefusedAndDisconnected) {
  open_server();
  std::string out;
  with_client([&] { out = raw_exchange(std::string(ControlServer::kMaxLine + 10, 'x'), 1); });
  ASSERT_FALSE(out.empty());
  auto r = json::parse(out.substr(0, out.find('\n')));
  EXPECT_EQ(r["ok"], false);
  EXPECT_NE(r["error"].get<std::string>().find("longer than"), std::string::npos);
  EXPECT_EQ(handled_, 0);
}

TEST_F(ControlServerTest, ClientHelperRoundTrip) {
  open_server();
  Result<json> r = Error(ErrorCode::kInternal, "not run");
  with_client([&] { r = control_request(path_, {{"cmd", "list-sas"}}); });
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)["echo"]["cmd"], "list-sas");
}

TEST_F(ControlServerTest, StaleSocketIsReplacedButOtherFilesAreNot) {
  open_server();
  server_.reset();
  EXPECT_NE(::access(path_.c_str(), F_OK), 0) << "the socket file is removed on close";
  // A socket file left by a killed daemon.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path_.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(fd);
  open_server();
  server_.reset();
  // A regular file is someone's data: refused, left alone.
  std::ofstream(path_) << "keep me";
  auto s = ControlServer::open(*loop_, path_, [](const json&) { return json{}; });
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("not a socket"), std::string::npos);
  std::ifstream in(path_);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "keep me");
}

TEST_F(ControlServerTest, NoDaemonIsAClearError) {
  auto r = control_request(dir_ + "/nobody", {{"cmd", "list-sas"}}, 500);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("connect to control socket"), std::string::npos);
}

}  // namespace
}  // namespace ikesuite::refd
