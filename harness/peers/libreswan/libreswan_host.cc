#include "harness/peers/libreswan/libreswan_host.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <thread>

#include "harness/peers/libreswan/libreswan_config.h"
#include "harness/peers/libreswan/pluto_log.h"
#include "harness/run/process.h"

namespace ikesuite::peers {

using harness::run::BackendEvent;
using harness::run::BackendSnapshot;
using harness::run::CommandResult;
using harness::run::DaemonHostEnv;
using harness::run::IkeSnapshot;
using harness::run::LogLine;
using harness::run::Process;
using harness::run::SpawnOptions;

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr auto kStartTimeout = std::chrono::seconds(10);

Status write_file(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error(ErrorCode::kSystem, "cannot write " + path + ": " + std::strerror(errno)).with_errno(errno);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Error(ErrorCode::kSystem, "cannot write " + path + ": " + std::strerror(e)).with_errno(e);
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  ::chmod(path.c_str(), mode);
  return ok_status();
}

Status make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return Error(ErrorCode::kSystem, "cannot create " + path + ": " + std::strerror(errno)).with_errno(errno);
  return ok_status();
}

bool exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

class LibreswanHost final : public harness::run::ScenarioHost {
 public:
  LibreswanHost(const harness::Host& host, DaemonHostEnv env, std::string root, LibreswanConfig config)
      : host_(host), env_(std::move(env)), root_(std::move(root)), config_(std::move(config)) {
    std::time_t origin = static_cast<std::time_t>(
        std::chrono::duration_cast<std::chrono::seconds>(env_.origin).count());
    std::tm tm{};
    ::localtime_r(&origin, &tm);
    year_ = tm.tm_year + 1900;
  }
  ~LibreswanHost() override {
    // The listener's owner may be gone already: no reports from the final read.
    env_.listener = {};
    stop();
  }

  const std::string& name() const override { return host_.name; }
  harness::Implementation implementation() const override { return harness::Implementation::kLibreswan; }

  Status start() override;
  void stop() override;
  bool running() const override { return pluto_ != nullptr; }

  Status initiate(const std::string& conn, bool ike_only) override;
  Status rekey(const std::string& conn, harness::SaKind sa) override;
  Status terminate(const std::string& conn, harness::SaKind sa) override;

  Status add_fault(const harness::FaultSpec&) override {
    return Error(ErrorCode::kUnsupported,
                 "host '" + host_.name + "': SA backend faults are injected into the reference engine's "
                 "backend; pluto talks to the kernel's XFRM directly");
  }
  void clear_faults() override {}
  Status misbehave(const std::vector<harness::Impairment>&, const std::string&, bool) override {
    return Error(ErrorCode::kUnsupported,
                 "host '" + host_.name + "': the impairment catalogue applies to reference hosts; "
                 "pluto's own --impair options are not mapped");
  }
  Status traffic(const std::string&, const harness::TrafficSpec&) override {
    return Error(ErrorCode::kUnsupported,
                 "host '" + host_.name + "': simulated traffic counts packets on the reference "
                 "engine's memory backend; pluto uses the kernel's XFRM");
  }

  std::vector<IkeSnapshot> sas() const override;
  BackendSnapshot backend(Time now) const override {
    BackendSnapshot s;
    s.t = now;  // pluto's SAs are in the kernel (XFRM); see sa_dump()
    return s;
  }
  const std::vector<BackendEvent>& backend_events() const override { return events_; }
  const std::vector<LogLine>& log_lines() const override { return lines_; }
  std::string sa_dump() const override;

 private:
  std::string whack_path() const { return root_ + "/usr/libexec/ipsec/whack"; }
  std::string ctl_path() const { return env_.workdir + "/run/pluto.ctl"; }
  std::vector<std::string> whack(std::vector<std::string> args) const {
    std::vector<std::string> argv{whack_path(), "--ctlsocket", ctl_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  const harness::Connection* find_loaded(const std::string& conn) const {
    const auto* c = host_.find_conn(conn);
    return c && c->auto_action != harness::AutoAction::kIgnore ? c : nullptr;
  }
  Status check_running(const std::string& what) const {
    if (!pluto_) return Error(ErrorCode::kState, "host '" + host_.name + "' is not running: cannot " + what);
    return ok_status();
  }
  Status set_childless(bool on);
  // Runs whack in the background; its output joins whack.log, a failure is logged.
  Status whack_async(std::vector<std::string> args);
  void poll();
  void read_log(bool final_read);
  void handle_line(const std::string& raw);
  void add_line(Time t, LogGroup group, std::string text);

  harness::Host host_;
  DaemonHostEnv env_;
  std::string root_;
  LibreswanConfig config_;
  int year_ = 1970;
  std::unique_ptr<Process> pluto_;
  std::vector<std::unique_ptr<Process>> whacks_;
  TimerId poll_timer_ = kNoTimer;
  std::string log_file_;
  int log_fd_ = -1;
  std::string partial_;
  PlutoStateTracker tracker_;
  std::vector<LogLine> lines_;
  std::vector<BackendEvent> events_;
  uint32_t generation_ = 0;
  bool childless_impair_ = false;
};

Status LibreswanHost::start() {
  if (pluto_) return ok_status();
  const std::string& w = env_.workdir;
  TRY(make_dir(w));
  TRY(make_dir(w + "/run"));
  TRY(make_dir(w + "/ipsec.d"));
  TRY(make_dir(w + "/nss"));
  TRY(write_file(w + "/ipsec.conf", config_.ipsec_conf, 0644));
  TRY(write_file(w + "/ipsec.secrets", config_.ipsec_secrets, 0600));
  if (!exists(w + "/nss/cert9.db"))
    TRY_IN(harness::run::run_checked({"certutil", "-N", "-d", "sql:" + w + "/nss", "--empty-password"}),
           "host '" + host_.name + "': creating pluto's NSS database");
  // A previous pluto's leftovers: it refuses to start next to a pid file, and whack would
  // find the old socket.
  ::unlink((w + "/run/pluto.pid").c_str());
  ::unlink(ctl_path().c_str());

  log_file_ = env_.log_path.empty() ? w + "/pluto.log" : env_.log_path;
  if (log_fd_ < 0) {
    log_fd_ = ::open(log_file_.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (log_fd_ < 0)
      return Error(ErrorCode::kSystem, "cannot open " + log_file_ + ": " + std::strerror(errno)).with_errno(errno);
    ::lseek(log_fd_, 0, SEEK_END);  // a restart appends: read only what this pluto writes
  }

  SpawnOptions o;
  o.netns = env_.netns;
  o.private_mounts = true;
  o.binds = {{root_ + "/usr/libexec", "/usr/libexec"}};
  o.output_path = log_file_;
  o.cwd = w;
  std::vector<std::string> argv{root_ + "/usr/libexec/ipsec/pluto", "--nofork", "--stderrlog",
                                "--config", w + "/ipsec.conf", "--rundir", w + "/run",
                                "--nssdir", w + "/nss", "--secretsfile", w + "/ipsec.secrets",
                                "--ipsecdir", w + "/ipsec.d", "--dumpdir", w + "/run"};
  TRY_ASSIGN(pluto_, Process::spawn(argv, o));
  ++generation_;
  childless_impair_ = false;

  // pluto opens its control socket once the configuration is loaded (about 30 ms).
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!exists(ctl_path())) {
    if (!pluto_->running()) {
      read_log(true);
      auto status = pluto_->exit_status();
      pluto_.reset();
      return Error(ErrorCode::kSystem, "host '" + host_.name + "': pluto exited at start (status " +
                                           std::to_string(status.value_or(-1)) + "); see " + log_file_);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      return Error(ErrorCode::kSystem, "host '" + host_.name + "': pluto did not open " + ctl_path());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  TRY_IN(harness::run::run_checked(whack({"--listen"}), {}, std::chrono::milliseconds(10000)),
         "host '" + host_.name + "'");
  // The control socket opens before pluto's addconn has loaded the connections: an initiate
  // sent in between is accepted and does nothing. Ready means every loaded connection is in
  // `whack --status` (listed as "name": ...).
  for (;;) {
    auto status = harness::run::run_command(whack({"--status"}), {}, std::chrono::milliseconds(5000));
    bool all = status.ok() && status->status == 0;
    for (const auto& c : host_.conns)
      if (all && c.auto_action != harness::AutoAction::kIgnore)
        all = status->output.find("\"" + c.name + "\":") != std::string::npos;
    if (all) break;
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      return Error(ErrorCode::kSystem, "host '" + host_.name + "': pluto did not load its connections within " +
                                           std::to_string(kStartTimeout.count()) + " s; see " + log_file_);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  poll_timer_ = env_.loop.schedule(kPollInterval, [this] { poll(); });
  for (const auto& c : host_.conns)
    if (c.auto_action == harness::AutoAction::kStart) TRY(initiate(c.name, false));
  return ok_status();
}

void LibreswanHost::stop() {
  if (poll_timer_ != kNoTimer) {
    env_.loop.cancel(poll_timer_);
    poll_timer_ = kNoTimer;
  }
  if (pluto_) {
    // A stopped host vanishes without a word: no Delete notifications (SIGTERM would make
    // pluto delete its SAs and tell the peer).
    if (pluto_->running()) ::kill(pluto_->pid(), SIGKILL);
    pluto_->terminate(std::chrono::milliseconds(1000));
    pluto_.reset();
  }
  for (auto& p : whacks_) p->terminate(std::chrono::milliseconds(200));
  whacks_.clear();
  if (log_fd_ >= 0) {
    read_log(true);
    ::close(log_fd_);
    log_fd_ = -1;
  }
  tracker_.clear();
}

Status LibreswanHost::set_childless(bool on) {
  if (on == childless_impair_) return ok_status();
  TRY_IN(harness::run::run_checked(
             whack({"--impair", std::string("omit-v2-ike-auth-child:") + (on ? "yes" : "no")}), {},
             std::chrono::milliseconds(5000)),
         "host '" + host_.name + "'");
  childless_impair_ = on;
  return ok_status();
}

Status LibreswanHost::whack_async(std::vector<std::string> args) {
  SpawnOptions o;
  o.output_path = env_.workdir + "/whack.log";
  TRY_ASSIGN(auto p, Process::spawn(whack(std::move(args)), o));
  whacks_.push_back(std::move(p));
  return ok_status();
}

Status LibreswanHost::initiate(const std::string& conn, bool ike_only) {
  TRY(check_running("initiate " + conn));
  const auto* c = find_loaded(conn);
  if (!c) return Error(ErrorCode::kNotFound, "host '" + host_.name + "' has no loaded connection '" + conn + "'");
  if (c->is_ikev1() && ike_only)
    return Error(ErrorCode::kUnsupported, "conn '" + conn + "': IKEv1 has no IKE SA without a Child SA");
  if (!c->is_ikev1()) TRY(set_childless(ike_only || c->childless == harness::Childless::kForce));
  return whack_async({"--name", conn, "--initiate", "--asynchronous"});
}

Status LibreswanHost::rekey(const std::string& conn, harness::SaKind sa) {
  TRY(check_running("rekey " + conn));
  if (!find_loaded(conn))
    return Error(ErrorCode::kNotFound, "host '" + host_.name + "' has no loaded connection '" + conn + "'");
  return whack_async({"--name", conn, sa == harness::SaKind::kIke ? "--rekey-ike" : "--rekey-ipsec",
                      "--asynchronous"});
}

Status LibreswanHost::terminate(const std::string& conn, harness::SaKind sa) {
  TRY(check_running("terminate " + conn));
  if (!find_loaded(conn))
    return Error(ErrorCode::kNotFound, "host '" + host_.name + "' has no loaded connection '" + conn + "'");
  if (sa == harness::SaKind::kIke) return whack_async({"--name", conn, "--terminate"});
  // whack --terminate takes the whole connection down; one Child SA goes by its state.
  read_log(false);
  uint32_t newest = 0;
  for (const auto& [serial, s] : tracker_.sas())
    if (!s.ike && s.conn == conn && serial > newest) newest = serial;
  if (newest == 0)
    return Error(ErrorCode::kNotFound, "host '" + host_.name + "': conn '" + conn + "' has no Child SA to terminate");
  return whack_async({"--deletestate", std::to_string(newest)});
}

void LibreswanHost::poll() {
  poll_timer_ = kNoTimer;
  read_log(false);
  for (auto it = whacks_.begin(); it != whacks_.end();) {
    if ((*it)->running()) {
      ++it;
      continue;
    }
    int status = (*it)->exit_status().value_or(-1);
    if (status != 0)
      add_line(env_.now(), LogGroup::kCfg,
               "whack failed (status " + std::to_string(status) + "): " + (*it)->command() +
                   " (output in " + env_.workdir + "/whack.log)");
    it = whacks_.erase(it);
  }
  if (pluto_ && !pluto_->running()) {
    read_log(true);  // its last words
    add_line(env_.now(), LogGroup::kDmn,
             "pluto exited (status " + std::to_string(pluto_->exit_status().value_or(-1)) + ")");
    pluto_.reset();
    tracker_.clear();
  }
  if (pluto_ || !whacks_.empty()) poll_timer_ = env_.loop.schedule(kPollInterval, [this] { poll(); });
}

void LibreswanHost::read_log(bool final_read) {
  if (log_fd_ < 0) return;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(log_fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial_.append(buf, static_cast<size_t>(n));
  }
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1)
    handle_line(partial_.substr(start, nl - start));
  partial_.erase(0, start);
  if (final_read && !partial_.empty()) {
    handle_line(partial_);
    partial_.clear();
  }
}

void LibreswanHost::add_line(Time t, LogGroup group, std::string text) {
  LogLine l{t, group, 1, std::move(text)};
  lines_.push_back(l);
  if (env_.listener.on_log) env_.listener.on_log(host_.name, l);
}

void LibreswanHost::handle_line(const std::string& raw) {
  if (raw.empty()) return;
  PlutoLine pl = split_pluto_line(raw, year_);
  Time t = pl.unix_time ? *pl.unix_time - env_.origin : env_.now();
  add_line(t, pluto_line_group(pl.text), pl.text);
  auto out = tracker_.feed(t, pl.text);
  for (auto& c : out.changes) {
    c.host = host_.name;
    c.generation = generation_;
    if (env_.listener.on_state) env_.listener.on_state(c);
  }
  for (auto& e : out.backend) {
    e.direction = host_.owns(e.dst) ? harness::Direction::kIn : harness::Direction::kOut;
    events_.push_back(e);
    if (env_.listener.on_backend) env_.listener.on_backend(host_.name, e);
  }
}

std::vector<IkeSnapshot> LibreswanHost::sas() const {
  if (!pluto_) return {};
  auto r = harness::run::run_command(whack({"--showstates"}), {}, std::chrono::milliseconds(5000));
  if (r.ok() && r->status == 0) return parse_showstates(r->output);
  // whack did not answer: what the log says exists.
  std::vector<IkeSnapshot> out;
  for (const auto& [serial, s] : tracker_.sas())
    if (s.ike) out.push_back(IkeSnapshot{s.conn, serial, s.state, {}});
  for (const auto& [serial, s] : tracker_.sas()) {
    if (s.ike) continue;
    IkeSnapshot* owner = nullptr;
    for (auto& i : out)
      if (i.unique_id == s.parent || (!s.parent && i.conn == s.conn)) owner = &i;
    if (!owner) {
      out.push_back(IkeSnapshot{s.conn, 0, "none", {}});
      owner = &out.back();
    }
    owner->children.push_back({s.conn, serial, s.state});
  }
  return out;
}

std::string LibreswanHost::sa_dump() const {
  std::string out;
  auto section = [&](const std::string& title, const std::vector<std::string>& argv) {
    out += "# " + title + "\n";
    auto r = harness::run::run_command(argv, {}, std::chrono::milliseconds(5000));
    if (!r.ok()) {
      out += "(" + r.error().message() + ")\n";
    } else {
      out += r->output;
      if (!r->output.empty() && r->output.back() != '\n') out += "\n";
    }
  };
  if (pluto_) section("whack --status", whack({"--status"}));
  if (!env_.netns.empty()) {
    section("ip -s xfrm state", {"ip", "-n", env_.netns, "-s", "xfrm", "state"});
    section("ip xfrm policy", {"ip", "-n", env_.netns, "xfrm", "policy"});
  }
  return out;
}

}  // namespace

std::string default_libreswan_root() {
  const char* env = std::getenv("IKESUITE_LIBRESWAN_DIR");
  return env && *env ? env : "/opt/ikesuite/libreswan";
}

Result<std::unique_ptr<harness::run::ScenarioHost>> create_libreswan_host(const harness::Host& host,
                                                                         DaemonHostEnv env,
                                                                         std::string libreswan_root) {
  if (host.implementation != harness::Implementation::kLibreswan)
    return Error(ErrorCode::kConfig, "host '" + host.name + "' is not a Libreswan host");
  if (host.sa_backend != harness::SaBackendKind::kXfrm)
    return Error(ErrorCode::kUnsupported, "host '" + host.name + "' at " + host.src.describe() +
                                              ": pluto only uses the kernel's XFRM (sa_backend \"xfrm\")");
  TRY_ASSIGN(LibreswanConfig config, render_libreswan_config(host));
  for (const char* tool : {"/usr/libexec/ipsec/pluto", "/usr/libexec/ipsec/whack"})
    if (::access((libreswan_root + tool).c_str(), X_OK) != 0)
      return Error(ErrorCode::kNotFound, libreswan_root + tool +
                                             " not found: run scripts/libreswan-extract.sh (or set IKESUITE_LIBRESWAN_DIR)");
  if (env.workdir.empty()) return Error(ErrorCode::kConfig, "host '" + host.name + "': no working folder");
  return std::unique_ptr<harness::run::ScenarioHost>(
      new LibreswanHost(host, std::move(env), std::move(libreswan_root), std::move(config)));
}

}  // namespace ikesuite::peers
