#include "tests/sa/netns_child.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace ikesuite::sa::testing {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s[i + 1] == 'n' ? '\n' : s[i + 1];
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

void write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::string Facts::get(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? "<missing " + key + ">" : it->second;
}

long long Facts::num(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return -1;
  return std::strtoll(it->second.c_str(), nullptr, 0);
}

std::string Facts::serialize() const {
  std::string out;
  for (const auto& [k, v] : values_) out += escape(k) + "=" + escape(v) + "\n";
  return out;
}

Facts Facts::parse(const std::string& text) {
  Facts f;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    f.values_[unescape(line.substr(0, eq))] = unescape(line.substr(eq + 1));
  }
  return f;
}

ChildResult run_in_new_netns(const std::function<void(Facts&)>& body, int timeout_seconds) {
  ChildResult result;
  if (geteuid() != 0) {
    result.skip = "XFRM tests need root (CAP_SYS_ADMIN for a network namespace, CAP_NET_ADMIN "
                  "for XFRM); run the suite as root, as CI does";
    return result;
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    result.failure = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  pid_t pid = fork();
  if (pid < 0) {
    result.failure = std::string("fork: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return result;
  }
  if (pid == 0) {
    close(fds[0]);
    Facts facts;
    if (unshare(CLONE_NEWNET) != 0) {
      facts.set("__unshare_errno", errno);
    } else {
      body(facts);
    }
    write_all(fds[1], facts.serialize());
    close(fds[1]);
    // No atexit handlers, no gtest teardown: the parent owns the test. The namespace dies
    // with its last process, taking every SA and policy the body made with it.
    _exit(0);
  }
  close(fds[1]);

  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r <= 0) continue;  // EINTR or the deadline: the loop re-checks
    char buf[4096];
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    result.failure =
        "the netns child did not finish within " + std::to_string(timeout_seconds) + " s";
    return result;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    result.failure = WIFSIGNALED(status)
                         ? "the netns child died of signal " + std::to_string(WTERMSIG(status))
                         : "the netns child exited with " + std::to_string(WEXITSTATUS(status));
    return result;
  }
  result.facts = Facts::parse(text);
  if (result.facts.has("__unshare_errno")) {
    result.skip = "cannot create a network namespace here (unshare: " +
                  std::string(std::strerror(static_cast<int>(result.facts.num("__unshare_errno")))) +
                  ")";
  }
  return result;
}

}  // namespace ikesuite::sa::testing
