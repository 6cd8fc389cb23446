// Child processes of a netns run: daemons started inside a host's network namespace (and,
// for daemons with fixed paths like charon's /var/run/charon.pid, in a private mount
// namespace with folders bind-mounted over those paths), and short commands (ip, nft,
// swanctl, whack) whose exit status and output the harness reads.
//
// A daemon dies with the harness: PR_SET_PDEATHSIG sends it SIGTERM if the harness goes away
// without stopping it (crash, SIGKILL), so nothing is left running after an interrupted run.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/result.h"

namespace ikesuite::harness::run {

struct SpawnOptions {
  // The network namespace to enter (a name under /run/netns); empty: the harness's own.
  std::string netns;
  // A private mount namespace (propagation private), with these bind mounts (source, target)
  // made inside it before exec.
  bool private_mounts = false;
  std::vector<std::pair<std::string, std::string>> binds;
  // Added to (or replacing) the harness's environment: "NAME=value".
  std::vector<std::string> env;
  // stdout and stderr go here (appended); empty: /dev/null.
  std::string output_path;
  std::string cwd;
};

class Process {
 public:
  // Forks and execs argv[0] (a path, or a name looked up in PATH). The child reports a
  // failure to enter the namespaces or to exec through a pipe, so spawn() fails with the
  // reason instead of returning a process that exited at once.
  static Result<std::unique_ptr<Process>> spawn(const std::vector<std::string>& argv,
                                                const SpawnOptions& options);
  ~Process();  // terminate()
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& command() const { return command_; }
  // Whether it still runs (reaps it if it exited).
  bool running();
  // Its exit status once it exited: the code, or 128 + signal.
  std::optional<int> exit_status();
  // SIGTERM, then SIGKILL after `grace`; waits for it. Idempotent.
  void terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

 private:
  Process(pid_t pid, std::string command) : pid_(pid), command_(std::move(command)) {}
  void reap(int status);

  pid_t pid_;
  std::string command_;
  std::optional<int> status_;
};

struct CommandResult {
  int status = -1;     // exit code, or 128 + signal; -1 if it timed out and was killed
  std::string output;  // stdout and stderr together
  bool timed_out = false;
};

// Runs a command to its end (at most `timeout`) and returns its status and output. Fails
// only when it cannot be started.
Result<CommandResult> run_command(const std::vector<std::string>& argv, const SpawnOptions& options = {},
                                  std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));

// Runs a command that must succeed: a non-zero status is an error naming the command and
// quoting its output.
Status run_checked(const std::vector<std::string>& argv, const SpawnOptions& options = {},
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));

// "ip -n moon addr add ..." as text, for errors and logs.
std::string command_text(const std::vector<std::string>& argv);

// The full path of an executable found in PATH (or the path itself if it has a '/'), if any.
std::optional<std::string> find_executable(const std::string& name);

}  // namespace ikesuite::harness::run
