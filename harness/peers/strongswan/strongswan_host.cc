#include "harness/peers/strongswan/strongswan_host.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "engine/base/file.h"
#include "harness/peers/strongswan/charon_config.h"
#include "harness/peers/strongswan/charon_log.h"
#include "harness/peers/strongswan/swanctl_sas.h"
#include "harness/run/host_log.h"
#include "harness/run/process.h"

namespace ikesuite::peers {
namespace {

using harness::Host;
using harness::Implementation;
using harness::SaKind;
using run::DaemonHostEnv;

// How often the log file is read: state changes reach the runner within this.
constexpr Duration kLogPoll = std::chrono::milliseconds(10);
// charon is up in about 20 ms; a loaded machine gets more.
constexpr int kStartAttempts = 200;
constexpr auto kStartStep = std::chrono::milliseconds(25);
// swanctl waits this long for an exchange before detaching (it goes on in charon).
constexpr const char* kSwanctlTimeout = "20";
constexpr auto kCommandTimeout = std::chrono::milliseconds(30000);

// Folders swanctl --load-all reads next to swanctl.conf (it warns about missing ones).
constexpr const char* kSwanctlDirs[] = {"x509",    "x509ca", "x509ocsp", "x509aa", "x509ac",
                                        "x509crl", "pubkey", "private",  "rsa",    "ecdsa",
                                        "bliss",   "pkcs8",  "pkcs12"};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string last_lines(const std::string& text, size_t n) {
  size_t pos = text.size();
  for (size_t i = 0; i <= n && pos > 0; ++i) {
    size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    pos = nl;
    if (i == n) return text.substr(pos + 1);
  }
  return text;
}

std::string read_small_file(const std::string& path) {
  std::string out;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

class StrongswanHost final : public run::ScenarioHost {
 public:
  StrongswanHost(const Host& host, DaemonHostEnv env, std::string strongswan_conf,
                 std::string swanctl_conf)
      : host_(host),
        env_(std::move(env)),
        strongswan_conf_(std::move(strongswan_conf)),
        swanctl_conf_(std::move(swanctl_conf)),
        conf_path_(env_.workdir + "/strongswan.conf"),
        swanctl_path_(env_.workdir + "/swanctl/swanctl.conf"),
        vici_(env_.workdir + "/run/charon.vici"),
        charon_log_(env_.workdir + "/charon.log"),
        parser_(env_.origin, make_sink()),
        alive_(std::make_shared<int>(0)) {}

  ~StrongswanHost() override {
    stop();
    alive_.reset();  // callbacks posted by workers after this do nothing
    for (auto& w : workers_)
      if (w.thread.joinable()) w.thread.join();
    if (copy_) std::fclose(copy_);
  }

  const std::string& name() const override { return host_.name; }
  Implementation implementation() const override { return Implementation::kStrongswan; }

  Status start() override {
    if (running()) return Error(ErrorCode::kState, "host '" + name() + "' is already running");
    std::error_code ec;
    for (const char* d : kSwanctlDirs) std::filesystem::create_directories(env_.workdir + "/swanctl/" + d, ec);
    std::filesystem::create_directories(env_.workdir + "/run", ec);
    if (ec)
      return Error(ErrorCode::kSystem, "host '" + name() + "': cannot create " + env_.workdir +
                                           "/run: " + ec.message());
    std::filesystem::remove(vici_, ec);  // a stale socket from an earlier start
    TRY(write_file_atomically(conf_path_, strongswan_conf_, 0600));
    // Secrets inside: readable by root only.
    TRY(write_file_atomically(swanctl_path_, swanctl_conf_, 0600));
    // Private keys go to swanctl's private/ folder, the only place it loads them from; the
    // index keeps two keys with the same file name apart.
    int key_index = 0;
    for (const std::string& file : private_key_files(host_)) {
      std::string to = env_.workdir + "/swanctl/private/" + std::to_string(++key_index) + "-" +
                       std::filesystem::path(file).filename().string();
      std::filesystem::copy_file(file, to, std::filesystem::copy_options::overwrite_existing, ec);
      if (ec)
        return Error(ErrorCode::kSystem, "host '" + name() + "': cannot copy private key " + file +
                                             " to " + to + ": " + ec.message());
      std::filesystem::permissions(to, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                   std::filesystem::perm_options::replace, ec);
      ec.clear();
    }
    if (!copy_ && !env_.log_path.empty()) {
      copy_ = std::fopen(env_.log_path.c_str(), "a");
      if (!copy_)
        return Error(ErrorCode::kSystem, "host '" + name() + "': cannot open " + env_.log_path +
                                             ": " + std::strerror(errno));
    }

    ++generation_;
    // A new charon numbers its SAs from 1 again.
    if (generation_ > 1) parser_.restart();
    run::SpawnOptions o;
    o.netns = env_.netns;
    o.private_mounts = true;
    // charon's pid file is fixed (/var/run/charon.pid): each instance gets its own /run.
    o.binds = {{env_.workdir + "/run", "/run"}};
    o.env = {"STRONGSWAN_CONF=" + conf_path_, "TZ=UTC"};
    o.output_path = env_.workdir + "/charon.out";
    auto proc = run::Process::spawn({kCharonPath}, o);
    if (!proc.ok()) return std::move(proc).error().within("host '" + name() + "': starting charon");
    daemon_ = std::move(*proc);
    note("starting charon (" + std::string(generation_ > 1 ? "restart" : "start") + ", pid " +
         std::to_string(daemon_->pid()) + ")");

    // The daemon is up once vici answers.
    bool up = false;
    for (int i = 0; i < kStartAttempts && !up; ++i) {
      if (!daemon_->running()) break;
      if (std::filesystem::exists(vici_)) {
        auto r = run::run_command(swanctl({"--stats"}), swanctl_options(), std::chrono::milliseconds(5000));
        up = r.ok() && r->status == 0;
      }
      if (!up) std::this_thread::sleep_for(kStartStep);
    }
    if (!up) {
      std::string out = last_lines(read_small_file(env_.workdir + "/charon.out"), 10);
      stop();
      return Error(ErrorCode::kSystem, "host '" + name() + "': charon did not answer on " + vici_ +
                                           (out.empty() ? "" : ": " + out));
    }
    open_log();
    poll_log();
    auto loaded = run::run_command(swanctl({"--load-all", "--file", swanctl_path_}), swanctl_options(),
                                   kCommandTimeout);
    if (!loaded.ok() || loaded->status != 0 || loaded->output.find("failed") != std::string::npos) {
      std::string why = loaded.ok() ? last_lines(loaded->output, 10) : loaded.error().message();
      stop();
      return Error(ErrorCode::kConfig, "host '" + name() + "': swanctl --load-all failed: " + why);
    }
    return {};
  }

  void stop() override {
    if (!daemon_) return;
    poll_log();
    // SIGKILL: the daemon goes away without a word (no DELETE on the wire), the way the
    // scenario language's "stop" is meant.
    if (daemon_->running()) ::kill(daemon_->pid(), SIGKILL);
    daemon_->terminate(std::chrono::milliseconds(1000));
    daemon_.reset();
    poll_log();
    parser_.flush();
    if (libipsec()) parser_.vanish();
    if (timer_ != kNoTimer) env_.loop.cancel(timer_);
    timer_ = kNoTimer;
    if (log_fd_ >= 0) ::close(log_fd_);
    log_fd_ = -1;
    note("charon stopped");
  }

  bool running() const override { return daemon_ && daemon_->running(); }

  Status initiate(const std::string& conn, bool ike_only) override {
    TRY(check(conn));
    return run_async(swanctl({"--initiate", ike_only ? "--ike" : "--child", conn, "--timeout", kSwanctlTimeout}));
  }
  Status rekey(const std::string& conn, SaKind sa) override {
    TRY(check(conn));
    return run_async(swanctl({"--rekey", sa == SaKind::kIke ? "--ike" : "--child", conn}));
  }
  Status terminate(const std::string& conn, SaKind sa) override {
    TRY(check(conn));
    return run_async(swanctl({"--terminate", sa == SaKind::kIke ? "--ike" : "--child", conn,
                              "--timeout", kSwanctlTimeout}));
  }

  Status add_fault(const harness::FaultSpec&) override {
    return Error(ErrorCode::kUnsupported,
                 "host '" + name() + "' is a strongSwan daemon, whose SA backend cannot be "
                 "faulted; for a real install failure give it sa_backend kernel-netlink");
  }
  void clear_faults() override {}
  Status misbehave(const std::vector<harness::Impairment>&, const std::string&, bool) override {
    return Error(ErrorCode::kUnsupported,
                 "host '" + name() + "' is a strongSwan daemon, which cannot be told to "
                 "misbehave; put the impairment on a ref host");
  }
  Status traffic(const std::string&, const harness::TrafficSpec&) override {
    return Error(ErrorCode::kUnsupported,
                 "host '" + name() + "' is a strongSwan daemon: simulated traffic applies to "
                 "ref hosts (send real packets through its tunnel instead)");
  }

  std::vector<run::IkeSnapshot> sas() const override {
    std::vector<run::IkeSnapshot> out;
    if (!running()) return out;
    auto r = run::run_command(swanctl({"--list-sas", "--pretty"}), swanctl_options(), std::chrono::milliseconds(5000));
    if (!r.ok() || r->status != 0) return out;
    auto parsed = parse_list_sas(r->output);
    if (!parsed.ok()) return out;
    for (auto& sa : *parsed) out.push_back(std::move(sa.snapshot));
    return out;
  }

  run::BackendSnapshot backend(Time now) const override {
    run::BackendSnapshot s = parser_.snapshot(now);
    for (auto& e : s.sas) {
      auto it = s.reqid_conn.find(e.spec.reqid);
      const harness::Connection* c = it == s.reqid_conn.end() ? nullptr : host_.find_conn(it->second);
      if (c && c->type == harness::ConnType::kTransport) e.spec.mode = sa::Mode::Transport;
      // kernel-libipsec makes charon fake a NAT, so its ESP is always UDP-encapsulated.
      if (libipsec() || (c && c->force_encaps)) e.spec.encap = sa::UdpEncap{};
    }
    return s;
  }

  const std::vector<run::BackendEvent>& backend_events() const override { return events_; }
  const std::vector<run::LogLine>& log_lines() const override { return lines_; }

  std::string sa_dump() const override {
    std::string out;
    if (running()) {
      auto r = run::run_command(swanctl({"--list-sas"}), swanctl_options(), std::chrono::milliseconds(5000));
      if (r.ok()) out += r->output;
    }
    run::BackendSnapshot s = backend(env_.now());
    for (const auto& e : s.sas) {
      out += "src " + e.spec.src.to_string() + " dst " + e.spec.key.dst.to_string() + "\n";
      out += "\tproto " + lower(std::string(sa::name(e.spec.key.protocol))) + " spi 0x" +
             hex32(e.spec.key.spi) + " reqid " + std::to_string(e.spec.reqid) + " mode " +
             lower(std::string(sa::name(e.spec.mode))) + "\n";
      if (e.spec.encap) out += "\tencap type espinudp sport 4500 dport 4500\n";
    }
    for (const auto& p : s.policies)
      out += p.selector.to_string() + " dir " + std::string(sa::name(p.direction)) + "\n";
    return out;
  }

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  static std::string hex32(uint32_t v) {
    char b[9];
    std::snprintf(b, sizeof b, "%08x", v);
    return b;
  }

  bool libipsec() const {
    return host_.sa_backend == harness::SaBackendKind::kMemory ||
           host_.sa_backend == harness::SaBackendKind::kKernelLibipsec;
  }

  // swanctl wants --uri after the command.
  std::vector<std::string> swanctl(std::vector<std::string> args) const {
    std::vector<std::string> argv{kSwanctlPath};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--uri");
    argv.push_back("unix://" + vici_);
    return argv;
  }
  run::SpawnOptions swanctl_options() const {
    run::SpawnOptions o;
    o.env = {"STRONGSWAN_CONF=" + conf_path_};
    return o;
  }

  Status check(const std::string& conn) const {
    if (!running()) return Error(ErrorCode::kState, "host '" + name() + "' is not running");
    if (!host_.find_conn(conn))
      return Error(ErrorCode::kNotFound, "host '" + name() + "' has no connection '" + conn + "'");
    return {};
  }

  // swanctl blocks until the exchange ends: it runs on a thread of its own and its outcome
  // comes back to the loop, so the loop keeps reading the log meanwhile.
  Status run_async(std::vector<std::string> argv) {
    reap_workers();
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::weak_ptr<int> alive = alive_;
    run::SpawnOptions options = swanctl_options();
    std::string text = run::command_text(argv);
    note(text);
    clock::RealEventLoop& loop = env_.loop;
    Worker w;
    w.done = done;
    w.thread = std::thread([this, argv = std::move(argv), options, text, alive, done, &loop] {
      auto r = run::run_command(argv, options, kCommandTimeout);
      std::string outcome;
      if (!r.ok())
        outcome = r.error().message();
      else if (r->status != 0)
        outcome = "exit status " + std::to_string(r->status) + ": " + last_lines(r->output, 3);
      if (!outcome.empty()) {
        loop.post([this, alive, text, outcome] {
          if (alive.expired()) return;
          note(text + " failed: " + outcome);
        });
      }
      done->store(true);
    });
    workers_.push_back(std::move(w));
    return {};
  }

  void reap_workers() {
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // A line of the driver's own (CFG level 1), kept with charon's.
  void note(const std::string& text) {
    run::LogLine l;
    l.t = env_.now();
    l.group = LogGroup::kCfg;
    l.level = 1;
    l.text = "ikesuite: " + text;
    keep(l, "CFG", 0);
  }

  // A line for the runner and the host's log ("00:00:01.707 13[IKE] ..."): charon's own
  // file keeps the private data the scenario did not ask for.
  void keep(const run::LogLine& l, std::string_view group, int thread) {
    lines_.push_back(l);
    if (copy_) {
      char th[16];
      std::snprintf(th, sizeof th, "%02d", thread);
      std::string s = run::HostLog::format_time(l.t) + " " + th + "[" + std::string(group) + "] " + l.text + "\n";
      std::fputs(s.c_str(), copy_);
      std::fflush(copy_);
    }
    if (env_.listener.on_log) env_.listener.on_log(name(), l);
  }

  int scenario_level(const std::string& charon_group) const {
    std::string g = lower(charon_group);
    for (const auto& [n, level] : host_.log.groups)
      if (n == g) return level;
    return host_.log.default_level.value_or(run::kDefaultLogLevel);
  }

  CharonLogParser::Sink make_sink() {
    CharonLogParser::Sink s;
    s.on_line = [this](const CharonLine& cl, const run::LogLine& l) {
      // charon logs more than the scenario asked for (keys at level 4); the scenario's
      // levels decide what the runner sees and what goes to the host's log.
      if (l.level > scenario_level(cl.group)) return;
      keep(l, cl.group, cl.thread);
    };
    s.on_state = [this](const run::StateChange& c) {
      run::StateChange full = c;
      full.host = name();
      full.generation = generation_;
      if (env_.listener.on_state) env_.listener.on_state(full);
    };
    s.on_backend = [this](const run::BackendEvent& e) {
      events_.push_back(e);
      if (env_.listener.on_backend) env_.listener.on_backend(name(), e);
    };
    s.on_esp_keys = [this](const run::EspKeys& k) {
      if (env_.listener.on_esp_keys) env_.listener.on_esp_keys(name(), k);
    };
    s.on_ike_keys = [this](const FoundIkeKeys& k) { resolve_spis(k); };
    return s;
  }

  // charon does not log IKE SPIs next to the keys: swanctl knows them by the SA's unique id.
  void resolve_spis(const FoundIkeKeys& k) {
    if (!env_.listener.on_ike_keys || !running()) return;
    reap_workers();
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::weak_ptr<int> alive = alive_;
    auto argv = swanctl({"--list-sas", "--pretty", "--ike-id", std::to_string(k.unique_id)});
    run::SpawnOptions options = swanctl_options();
    clock::RealEventLoop& loop = env_.loop;
    Worker w;
    w.done = done;
    w.thread = std::thread([this, argv, options, k, alive, done, &loop] {
      auto r = run::run_command(argv, options, std::chrono::milliseconds(5000));
      std::optional<SwanctlIkeSa> found;
      if (r.ok() && r->status == 0) {
        auto parsed = parse_list_sas(r->output);
        if (parsed.ok())
          for (auto& sa : *parsed)
            if (sa.snapshot.unique_id == k.unique_id) found = sa;
      }
      loop.post([this, alive, k, found] {
        if (alive.expired()) return;
        if (!found) {
          note("keys of IKE_SA " + k.conn + "[" + std::to_string(k.unique_id) +
               "] not reported: the SA was gone before swanctl told its SPIs");
          return;
        }
        run::IkeKeys keys = k.keys;
        keys.spi_i = found->spi_i;
        keys.spi_r = found->spi_r;
        env_.listener.on_ike_keys(name(), keys);
      });
      done->store(true);
    });
    workers_.push_back(std::move(w));
  }

  void open_log() {
    if (log_fd_ < 0) log_fd_ = ::open(charon_log_.c_str(), O_RDONLY | O_CLOEXEC);
    if (log_fd_ >= 0 && log_offset_ > 0) ::lseek(log_fd_, log_offset_, SEEK_SET);
    if (timer_ == kNoTimer) schedule_poll();
  }

  void schedule_poll() {
    timer_ = env_.loop.schedule(kLogPoll, [this] {
      timer_ = kNoTimer;
      poll_log();
      if (daemon_) schedule_poll();
    });
  }

  void poll_log() {
    if (log_fd_ < 0) {
      log_fd_ = ::open(charon_log_.c_str(), O_RDONLY | O_CLOEXEC);
      if (log_fd_ < 0) return;
      ::lseek(log_fd_, log_offset_, SEEK_SET);
    }
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(log_fd_, buf, sizeof buf);
      if (n <= 0) break;
      log_offset_ += n;
      partial_.append(buf, static_cast<size_t>(n));
    }
    size_t start = 0;
    for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1)
      parser_.feed(std::string_view(partial_).substr(start, nl - start));
    partial_.erase(0, start);
  }

  const Host& host_;
  DaemonHostEnv env_;
  std::string strongswan_conf_, swanctl_conf_;
  std::string conf_path_, swanctl_path_, vici_, charon_log_;
  CharonLogParser parser_;
  std::shared_ptr<int> alive_;
  std::unique_ptr<run::Process> daemon_;
  uint32_t generation_ = 0;
  std::vector<run::LogLine> lines_;
  std::vector<run::BackendEvent> events_;
  std::vector<Worker> workers_;
  std::FILE* copy_ = nullptr;
  int log_fd_ = -1;
  off_t log_offset_ = 0;
  std::string partial_;
  TimerId timer_ = kNoTimer;
};

}  // namespace

Result<std::unique_ptr<run::ScenarioHost>> create_strongswan_host(const Host& host, DaemonHostEnv env) {
  if (host.implementation != Implementation::kStrongswan)
    return Error(ErrorCode::kConfig, "host '" + host.name + "' is not a strongSwan host");
  if (env.workdir.empty())
    return Error(ErrorCode::kConfig, "host '" + host.name + "': no working folder");
  CharonPaths paths{env.workdir + "/run/charon.vici", env.workdir + "/charon.log"};
  if (paths.vici_socket.size() >= 108)
    return Error(ErrorCode::kConfig, "host '" + host.name + "': vici socket path " +
                                         paths.vici_socket + " is too long for a Unix socket");
  auto conf = render_strongswan_conf(host, paths);
  if (!conf.ok()) return std::move(conf).error().within("host '" + host.name + "' strongswan.conf");
  auto swanctl = render_swanctl_conf(host);
  if (!swanctl.ok()) return std::move(swanctl).error().within("host '" + host.name + "' swanctl.conf");
  return std::unique_ptr<run::ScenarioHost>(
      new StrongswanHost(host, std::move(env), std::move(*conf), std::move(*swanctl)));
}

}  // namespace ikesuite::peers
