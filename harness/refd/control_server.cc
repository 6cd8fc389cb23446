#include "harness/refd/control_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ikesuite::refd {
namespace {

Error sys_error(const std::string& what) {
  return Error(ErrorCode::kSystem, what + ": " + std::strerror(errno));
}

Result<sockaddr_un> unix_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path))
    return Error(ErrorCode::kConfig,
                 "control socket path '" + path + "' must be 1.." +
                     std::to_string(sizeof(addr.sun_path) - 1) + " bytes long");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::open(clock::RealEventLoop& loop,
                                                           const std::string& path,
                                                           Handler handler) {
  TRY_ASSIGN(auto addr, unix_address(path));
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    // A stale socket from a killed daemon is replaced; a regular file is never deleted.
    if (!S_ISSOCK(st.st_mode))
      return Error(ErrorCode::kConfig,
                   "control socket path '" + path + "' exists and is not a socket");
    ::unlink(path.c_str());
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return sys_error("control socket");
  const mode_t old_mask = ::umask(0177);
  const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  ::umask(old_mask);
  if (rc != 0 || ::listen(fd, 8) != 0) {
    Error e = sys_error("control socket " + path);
    ::close(fd);
    return e;
  }
  std::unique_ptr<ControlServer> server(new ControlServer(loop, path, fd, std::move(handler)));
  ControlServer* self = server.get();
  if (Status s = loop.watch(fd, [self] { self->accept_clients(); }); !s.ok()) return s.error();
  return server;
}

ControlServer::ControlServer(clock::RealEventLoop& loop, std::string path, int fd,
                             Handler handler)
    : loop_(loop), path_(std::move(path)), listen_fd_(fd), handler_(std::move(handler)) {}

ControlServer::~ControlServer() {
  while (!clients_.empty()) close_client(clients_.begin()->first);
  loop_.unwatch(listen_fd_);
  ::close(listen_fd_);
  ::unlink(path_.c_str());
}

void ControlServer::accept_clients() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: all accepted; other errors: the client is gone
    if (!loop_.watch(fd, [this, fd] { read_client(fd); }).ok()) {
      ::close(fd);
      continue;
    }
    clients_[fd];
  }
}

void ControlServer::close_client(int fd) {
  loop_.unwatch(fd);
  ::close(fd);
  clients_.erase(fd);
}

void ControlServer::write_line(int fd, const nlohmann::json& response) {
  std::string line = response.dump() + "\n";
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::send(fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The client reads slowly: wait for room rather than lose part of the answer.
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, 1000) > 0) continue;
    }
    return;  // the client went away; read_client notices and closes it
  }
}

void ControlServer::read_client(int fd) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      close_client(fd);
      return;
    }
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    it->second.append(buf, static_cast<size_t>(n));
    size_t eol;
    while ((eol = it->second.find('\n')) != std::string::npos) {
      std::string line = it->second.substr(0, eol);
      it->second.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      nlohmann::json request = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (request.is_discarded() || !request.is_object()) {
        write_line(fd, {{"ok", false},
                        {"error", "a request is one JSON object per line, e.g. "
                                  "{\"cmd\":\"list-sas\"}"}});
        continue;
      }
      auto cmd = request.find("cmd");
      if (feed_ && cmd != request.end() && cmd->is_string() && *cmd == "subscribe") {
        // From now on the connection only carries events (whatever follows the request on
        // it is not a request any more).
        nlohmann::json error;
        if (feed_->attach(fd, request, &error)) {
          clients_.erase(it);
          return;
        }
        write_line(fd, error);
        continue;
      }
      // The handler may stop the loop (shutdown) or close this server; the response is
      // written first either way.
      write_line(fd, handler_(request));
      if (clients_.find(fd) == clients_.end()) return;
    }
    if (it->second.size() > kMaxLine) {
      write_line(fd, {{"ok", false},
                      {"error", "request line longer than " + std::to_string(kMaxLine) +
                                    " bytes; closing the connection"}});
      close_client(fd);
      return;
    }
  }
}

Result<nlohmann::json> control_request(const std::string& path, const nlohmann::json& request,
                                       int timeout_ms) {
  TRY_ASSIGN(auto addr, unix_address(path));
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return sys_error("control socket");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
    return sys_error("connect to control socket " + path);
  std::string line = request.dump() + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()))
    return sys_error("write to control socket " + path);
  std::string in;
  char buf[4096];
  while (in.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r == 0)
      return Error(ErrorCode::kSystem, "no answer on control socket " + path + " within " +
                                            std::to_string(timeout_ms) + " ms");
    if (r < 0 && errno == EINTR) continue;
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error(ErrorCode::kSystem, "control socket " + path + " closed without an answer");
    in.append(buf, static_cast<size_t>(n));
  }
  nlohmann::json response =
      nlohmann::json::parse(in.substr(0, in.find('\n')), nullptr, false);
  if (response.is_discarded())
    return Error(ErrorCode::kMalformed, "control socket " + path + " answered with invalid JSON");
  return response;
}

}  // namespace ikesuite::refd
