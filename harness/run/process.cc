#include "harness/run/process.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace ikesuite::harness::run {

namespace {

// Where the child failed before exec, reported through the status pipe.
enum Stage : int { kNetns = 1, kUnshare, kMountPrivate, kBind, kOutput, kCwd, kExec };

const char* stage_text(int stage) {
  switch (stage) {
    case kNetns: return "cannot enter the network namespace";
    case kUnshare: return "cannot create a private mount namespace";
    case kMountPrivate: return "cannot make the mounts private";
    case kBind: return "cannot bind-mount";
    case kOutput: return "cannot open the output file";
    case kCwd: return "cannot change to the working folder";
    case kExec: return "cannot execute";
  }
  return "failed";
}

struct Prepared {
  std::vector<std::string> argv_store, env_store;
  std::vector<char*> argv, envp;
  std::string netns_path;
};

Prepared prepare(const std::vector<std::string>& argv, const SpawnOptions& o) {
  Prepared p;
  p.argv_store = argv;
  for (auto& a : p.argv_store) p.argv.push_back(a.data());
  p.argv.push_back(nullptr);
  // The harness's environment with the options' entries replacing those of the same name.
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& x : o.env) replaced = replaced || x.substr(0, x.find('=')) == key;
    if (!replaced) p.env_store.push_back(entry);
  }
  for (const auto& x : o.env) p.env_store.push_back(x);
  for (auto& e : p.env_store) p.envp.push_back(e.data());
  p.envp.push_back(nullptr);
  if (!o.netns.empty()) p.netns_path = "/run/netns/" + o.netns;
  return p;
}

[[noreturn]] void child_fail(int fd, int stage) {
  int msg[2] = {stage, errno};
  ssize_t ignored = ::write(fd, msg, sizeof msg);
  (void)ignored;
  _exit(127);
}

// Runs in the child between fork and exec: only system calls, no allocation.
[[noreturn]] void child(const Prepared& p, const SpawnOptions& o, int status_fd, int out_fd,
                        pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(126);  // the harness is already gone
  setpgid(0, 0);  // its own group, so terminate() reaches what it forks
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (!p.netns_path.empty()) {
    int fd = ::open(p.netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) child_fail(status_fd, kNetns);
    ::close(fd);
  }
  if (o.private_mounts) {
    if (unshare(CLONE_NEWNS) != 0) child_fail(status_fd, kUnshare);
    if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) child_fail(status_fd, kMountPrivate);
    // /sys as the namespace sees it, as `ip netns exec` does (daemons read /sys/class/net).
    if (!p.netns_path.empty() && umount2("/sys", MNT_DETACH) == 0)
      (void)mount("sysfs", "/sys", "sysfs", 0, nullptr);
    for (const auto& [src, dst] : o.binds)
      if (mount(src.c_str(), dst.c_str(), nullptr, MS_BIND, nullptr) != 0) child_fail(status_fd, kBind);
  }
  int in = ::open("/dev/null", O_RDONLY);
  if (in >= 0) dup2(in, 0);
  if (out_fd < 0) {
    out_fd = o.output_path.empty() ? ::open("/dev/null", O_WRONLY)
                                   : ::open(o.output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (out_fd < 0) child_fail(status_fd, kOutput);
  }
  dup2(out_fd, 1);
  dup2(out_fd, 2);
  // Nothing of the harness's (sockets, pcap handles, other runs' pipes) leaks into the
  // daemon: the status pipe moves to 3, everything above it closes.
  if (status_fd != 3) {
    dup2(status_fd, 3);
    fcntl(3, F_SETFD, FD_CLOEXEC);
  }
  syscall(SYS_close_range, 4u, ~0u, 0u);
  if (!o.cwd.empty() && chdir(o.cwd.c_str()) != 0) child_fail(3, kCwd);
  execvpe(p.argv[0], p.argv.data(), p.envp.data());
  child_fail(3, kExec);
}

// Forks; returns the pid once exec succeeded.
Result<pid_t> fork_exec(const std::vector<std::string>& argv, const SpawnOptions& o, int out_fd) {
  if (argv.empty()) return Error(ErrorCode::kConfig, "no command to run");
  Prepared p = prepare(argv, o);
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0)
    return Error(ErrorCode::kSystem, std::string("pipe: ") + std::strerror(errno)).with_errno(errno);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return Error(ErrorCode::kSystem, "fork for " + command_text(argv) + ": " + std::strerror(e)).with_errno(e);
  }
  if (pid == 0) child(p, o, pipefd[1], out_fd, parent);
  ::close(pipefd[1]);
  int msg[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(pipefd[0], msg, sizeof msg);
  } while (n < 0 && errno == EINTR);
  ::close(pipefd[0]);
  if (n == static_cast<ssize_t>(sizeof msg)) {
    int status = 0;
    waitpid(pid, &status, 0);
    std::string where = o.netns.empty() ? "" : " in network namespace " + o.netns;
    return Error(ErrorCode::kSystem, command_text(argv) + where + ": " + stage_text(msg[0]) + ": " +
                                         std::strerror(msg[1]))
        .with_errno(msg[1]);
  }
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string command_text(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t'\"$;&|<>(){}*?\\") == std::string::npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
}

std::optional<std::string> find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (access(name.c_str(), X_OK) == 0) return name;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  // Daemons live in sbin folders that a user's PATH may lack.
  dirs += ":/usr/sbin:/sbin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty()) {
      std::string full = dir + "/" + name;
      if (access(full.c_str(), X_OK) == 0) return full;
    }
    start = end + 1;
  }
  return std::nullopt;
}

Result<std::unique_ptr<Process>> Process::spawn(const std::vector<std::string>& argv,
                                                const SpawnOptions& options) {
  TRY_ASSIGN(pid_t pid, fork_exec(argv, options, -1));
  return std::unique_ptr<Process>(new Process(pid, command_text(argv)));
}

Process::~Process() { terminate(); }

void Process::reap(int status) { status_ = decode_status(status); }

bool Process::running() {
  if (status_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reap(status);
    return false;
  }
  return r == 0;
}

std::optional<int> Process::exit_status() {
  (void)running();
  return status_;
}

void Process::terminate(std::chrono::milliseconds grace) {
  if (!running()) {
    // Whatever it forked may outlive it: the group goes too.
    kill(-pid_, SIGKILL);
    return;
  }
  kill(-pid_, SIGTERM);
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) {
      kill(-pid_, SIGKILL);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  int status = 0;
  if (waitpid(pid_, &status, 0) == pid_) reap(status);
}

Result<CommandResult> run_command(const std::vector<std::string>& argv, const SpawnOptions& options,
                                  std::chrono::milliseconds timeout) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    return Error(ErrorCode::kSystem, std::string("pipe: ") + std::strerror(errno)).with_errno(errno);
  auto pid = fork_exec(argv, options, out[1]);
  ::close(out[1]);
  if (!pid.ok()) {
    ::close(out[0]);
    return pid.error();
  }
  CommandResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd pfd{out[0], POLLIN, 0};
    int r = poll(&pfd, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    // A chatty command cannot exhaust memory.
    if (result.output.size() < (1u << 20)) result.output.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  if (result.timed_out) {
    kill(-*pid, SIGKILL);
    kill(*pid, SIGKILL);
    waitpid(*pid, &status, 0);
    result.status = -1;
    return result;
  }
  // The output closed: the command (or its last child holding the pipe) is done.
  while (waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = decode_status(status);
  return result;
}

Status run_checked(const std::vector<std::string>& argv, const SpawnOptions& options,
                   std::chrono::milliseconds timeout) {
  TRY_ASSIGN(auto r, run_command(argv, options, timeout));
  if (r.timed_out)
    return Error(ErrorCode::kSystem, command_text(argv) + " did not finish within " +
                                         std::to_string(timeout.count() / 1000) + " s");
  if (r.status != 0) {
    std::string out = r.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return Error(ErrorCode::kSystem, command_text(argv) + " failed (exit " + std::to_string(r.status) +
                                         ")" + (out.empty() ? "" : ": " + out));
  }
  return {};
}

}  // namespace ikesuite::harness::run
