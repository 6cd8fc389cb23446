#include "harness/refd/remote_ref_host.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/refd/control_server.h"

namespace ikesuite::refd {
namespace {

using nlohmann::json;
using harness::run::BackendSnapshot;
using harness::run::IkeSnapshot;
using harness::run::LogLine;

constexpr ErrorCode kCodes[] = {
    ErrorCode::kTruncated, ErrorCode::kLength,   ErrorCode::kMalformed, ErrorCode::kUnsupported,
    ErrorCode::kTrailingBytes, ErrorCode::kLimit, ErrorCode::kCrypto,   ErrorCode::kIntegrity,
    ErrorCode::kConfig,    ErrorCode::kState,    ErrorCode::kSystem,    ErrorCode::kNotFound,
    ErrorCode::kInternal};

// Members of the daemon's answers, read without trusting their types.
bool is_true(const json& o, const char* key) {
  if (!o.is_object()) return false;
  auto it = o.find(key);
  return it != o.end() && it->is_boolean() && it->get<bool>();
}
std::string string_member(const json& o, const char* key) {
  if (!o.is_object()) return {};
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The last `max` bytes of a file, from a line start, for error messages.
std::string tail_of(const std::string& path, size_t max = 2000) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (text.size() > max) {
    text.erase(0, text.size() - max);
    if (auto nl = text.find('\n'); nl != std::string::npos) text.erase(0, nl + 1);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// RFC 6901 JSON pointer lookup, without exceptions: nullptr if it leads nowhere.
const json* resolve_pointer(const json& doc, const std::string& pointer) {
  const json* at = &doc;
  size_t pos = 0;
  if (pointer.empty()) return at;
  if (pointer[0] != '/') return nullptr;
  while (pos < pointer.size()) {
    size_t next = pointer.find('/', pos + 1);
    std::string token = pointer.substr(pos + 1, next == std::string::npos ? std::string::npos
                                                                          : next - pos - 1);
    std::string key;
    for (size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        key += token[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        key += token[i];
      }
    }
    if (at->is_object()) {
      auto it = at->find(key);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      if (key.empty() || key.size() > 9 || key.find_first_not_of("0123456789") != std::string::npos)
        return nullptr;
      size_t index = std::stoul(key);
      if (index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else {
      return nullptr;
    }
    if (next == std::string::npos) break;
    pos = next;
  }
  return at;
}

}  // namespace

RemoteRefHost::RemoteRefHost(const harness::Host& host, harness::run::DaemonHostEnv env,
                             RemoteRefOptions options)
    : host_(host), env_(std::move(env)), options_(std::move(options)) {
  control_path_ = env_.workdir + "/" + host_.name + ".ctl";
  output_path_ = env_.workdir + "/" + host_.name + ".out";
  log_path_ = env_.log_path.empty() ? env_.workdir + "/" + host_.name + ".log" : env_.log_path;
}

RemoteRefHost::~RemoteRefHost() { shutdown(); }

bool RemoteRefHost::daemon_alive() const { return process_ && process_->running(); }

bool RemoteRefHost::running() const { return engine_running_ && daemon_alive(); }

std::string RemoteRefHost::failure_detail() const {
  std::string out;
  std::string output = tail_of(output_path_);
  if (!output.empty()) out += "\n--- ike-refd output (" + output_path_ + ") ---\n" + output;
  std::string log = tail_of(log_path_);
  if (!log.empty()) out += "\n--- log (" + log_path_ + ") ---\n" + log;
  return out;
}

Status RemoteRefHost::spawn_daemon() {
  std::error_code ec;
  std::filesystem::create_directories(env_.workdir, ec);
  if (ec)
    return Error(ErrorCode::kSystem, "host '" + name() + "': cannot create " + env_.workdir +
                                         ": " + ec.message());
  if (control_path_.size() >= sizeof(sockaddr_un{}.sun_path))
    return Error(ErrorCode::kConfig, "host '" + name() + "': control socket path " +
                                         control_path_ + " is too long for a Unix socket");
  std::filesystem::remove(output_path_, ec);
  harness::run::SpawnOptions spawn;
  spawn.netns = env_.netns;
  spawn.output_path = output_path_;
  std::vector<std::string> argv{options_.refd_path, "--scenario", options_.scenario_path,
                                "--host",           name(),       "--control",
                                control_path_,      "--log",      log_path_,
                                "--seed",           std::to_string(env_.seed)};
  auto process = harness::run::Process::spawn(argv, spawn);
  if (!process.ok())
    return Error(process.error().code(),
                 "host '" + name() + "': cannot start ike-refd: " + process.error().message());
  process_ = std::move(*process);

  // Up when the control socket answers; an exit before that is a failed start (a scenario
  // the daemon refuses, addresses it cannot bind), explained by its own output.
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  for (;;) {
    if (!process_->running()) {
      const int status = process_->exit_status().value_or(-1);
      process_.reset();
      return Error(ErrorCode::kSystem, "host '" + name() + "': ike-refd exited with status " +
                                           std::to_string(status) + " while starting (" +
                                           harness::run::command_text(argv) + ")" +
                                           failure_detail());
    }
    if (control_request(control_path_, {{"cmd", "stats"}}, 200).ok()) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      process_->terminate();
      process_.reset();
      return Error(ErrorCode::kSystem,
                   "host '" + name() + "': ike-refd's control socket " + control_path_ +
                       " did not answer within " + std::to_string(options_.start_timeout.count()) +
                       " ms" + failure_detail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  next_seq_ = 0;
  if (Status s = subscribe(); !s.ok()) {
    shutdown();
    return s;
  }
  return {};
}

Status RemoteRefHost::start() {
  if (engine_running_ && daemon_alive())
    return Error(ErrorCode::kState, "host '" + name() + "' is already running");
  if (daemon_alive()) {
    // A stopped daemon: start its engines again (a new generation inside it).
    TRY(request_ok({{"cmd", "start"}}));
    engine_running_ = true;
    return {};
  }
  if (process_) {
    // It died: the next one's generations continue after the last one seen.
    note("ike-refd (pid " + std::to_string(process_->pid()) + ") exited with status " +
         std::to_string(process_->exit_status().value_or(-1)) + "; starting a new one");
    close_subscription();
    process_.reset();
  }
  generation_offset_ = last_generation_;
  TRY(spawn_daemon());
  engine_running_ = true;
  return {};
}

void RemoteRefHost::stop() {
  if (!engine_running_) return;
  engine_running_ = false;
  if (!daemon_alive()) return;
  if (auto r = request({{"cmd", "stop"}}); !r.ok()) note("stop: " + r.error().message());
}

void RemoteRefHost::shutdown() {
  engine_running_ = false;  // the end of the stream that follows is expected
  if (process_ && process_->running()) {
    (void)control_request(control_path_, {{"cmd", "shutdown"}}, 1000);
    // The daemon's last words (its shutdown log) arrive before it closes the stream.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
    while (sub_fd_ >= 0 && std::chrono::steady_clock::now() < until) {
      pollfd p{sub_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) read_events();
    }
  }
  close_subscription();
  if (process_) process_->terminate();
  process_.reset();
  engine_running_ = false;
}

Status RemoteRefHost::subscribe() {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error(ErrorCode::kSystem, std::string("socket: ") + std::strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, control_path_.c_str(), control_path_.size() + 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    Error e(ErrorCode::kSystem, "host '" + name() + "': subscribe: connect to " + control_path_ +
                                    ": " + std::strerror(errno));
    ::close(fd);
    return e;
  }
  const std::string line =
      json{{"cmd", "subscribe"}, {"replay", true}, {"from", next_seq_}}.dump() + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    ::close(fd);
    return Error(ErrorCode::kSystem, "host '" + name() + "': subscribe: cannot write the request");
  }
  // The answer comes at once; the history may follow in the same read.
  std::string in;
  char buf[8192];
  const auto deadline = std::chrono::steady_clock::now() + options_.request_timeout;
  while (in.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    int r = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (r < 0 && errno == EINTR) continue;
    ssize_t n = r > 0 ? ::recv(fd, buf, sizeof(buf), 0) : -1;
    if (n <= 0) {
      ::close(fd);
      return Error(ErrorCode::kSystem,
                   "host '" + name() + "': subscribe: no answer from ike-refd" +
                       (r == 0 ? " within " + std::to_string(options_.request_timeout.count()) + " ms"
                               : std::string()));
    }
    in.append(buf, static_cast<size_t>(n));
  }
  const size_t eol = in.find('\n');
  json answer = json::parse(in.substr(0, eol), nullptr, false);
  if (!is_true(answer, "ok")) {
    ::close(fd);
    return Error(ErrorCode::kSystem, "host '" + name() + "': subscribe refused: " +
                                         in.substr(0, eol));
  }
  if (auto lost = answer.find("lost"); lost != answer.end() && lost->is_number_unsigned() &&
                                        lost->get<uint64_t>() > 0)
    note("ike-refd no longer keeps " + std::to_string(lost->get<uint64_t>()) +
         " event(s) this host missed");
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  sub_fd_ = fd;
  in_ = in.substr(eol + 1);
  if (Status s = env_.loop.watch(fd, [this] { read_events(); }); !s.ok()) {
    close_subscription();
    return s;
  }
  // What came with the answer, then whatever else is already there.
  std::string pending;
  pending.swap(in_);
  size_t pos = 0, nl;
  while ((nl = pending.find('\n', pos)) != std::string::npos) {
    handle_line(std::string_view(pending).substr(pos, nl - pos));
    pos = nl + 1;
    if (sub_fd_ != fd) return {};  // an overflow notice made it resubscribe
  }
  in_ = pending.substr(pos);
  read_events();
  return {};
}

void RemoteRefHost::close_subscription() {
  if (sub_fd_ < 0) return;
  env_.loop.unwatch(sub_fd_);
  ::close(sub_fd_);
  sub_fd_ = -1;
  in_.clear();
}

void RemoteRefHost::read_events() {
  const int fd = sub_fd_;
  if (fd < 0) return;
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      // The daemon went away (shutdown, crash): nothing more will come.
      close_subscription();
      // The stream ends as the process exits: give the exit a moment to be seen.
      for (int i = 0; i < 20 && engine_running_ && daemon_alive(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (engine_running_ && !daemon_alive()) {
        engine_running_ = false;
        note("ike-refd exited unexpectedly (status " +
             std::to_string(process_ ? process_->exit_status().value_or(-1) : -1) + ")" +
             failure_detail());
      }
      return;
    }
    in_.append(buf, static_cast<size_t>(n));
    size_t pos = 0, nl;
    // handle_line may resubscribe (new fd, new buffer): stop reading this one then.
    std::string chunk;
    chunk.swap(in_);
    while ((nl = chunk.find('\n', pos)) != std::string::npos) {
      handle_line(std::string_view(chunk).substr(pos, nl - pos));
      pos = nl + 1;
      if (sub_fd_ != fd) return;
    }
    in_ = chunk.substr(pos);
    if (in_.size() > 16 * 1024 * 1024) {
      note("ike-refd sent a line longer than 16 MiB; the event stream is dropped");
      close_subscription();
      return;
    }
  }
}

void RemoteRefHost::note(const std::string& text) {
  // The harness's own remarks about the daemon go into the host's log like its lines do.
  LogLine line{env_.now ? env_.now() : Time{0}, LogGroup::kDmn, 1, "ikesuite: " + text};
  log_lines_.push_back(line);
  if (env_.listener.on_log) env_.listener.on_log(name(), line);
}

void RemoteRefHost::handle_line(std::string_view line) {
  if (line.empty()) return;
  auto ev = parse_event_line(line);
  if (!ev.ok()) {
    note("unreadable event from ike-refd (" + ev.error().message() + "): " +
         std::string(line.substr(0, 200)));
    return;
  }
  if (ev->kind == EventKind::kOverflow) {
    // The harness fell behind; pick up where it stopped on a fresh subscription.
    close_subscription();
    if (Status s = subscribe(); !s.ok()) note("resubscribing after an overflow failed: " + s.error().message());
    return;
  }
  if (ev->seq < next_seq_) return;  // already seen (a replay overlapping what came before)
  next_seq_ = ev->seq + 1;
  deliver(*ev);
}

void RemoteRefHost::deliver(const Event& ev) {
  const auto& l = env_.listener;
  switch (ev.kind) {
    case EventKind::kLog: {
      LogLine line = ev.log;
      line.t -= env_.origin;
      log_lines_.push_back(line);
      if (l.on_log) l.on_log(name(), log_lines_.back());
      break;
    }
    case EventKind::kState: {
      harness::run::StateChange c = ev.state;
      c.t -= env_.origin;
      c.host = name();
      c.generation += generation_offset_;
      last_generation_ = std::max(last_generation_, c.generation);
      if (l.on_state) l.on_state(c);
      break;
    }
    case EventKind::kBackend: {
      harness::run::BackendEvent e = ev.backend;
      e.t -= env_.origin;
      backend_events_.push_back(e);
      if (l.on_backend) l.on_backend(name(), backend_events_.back());
      break;
    }
    case EventKind::kIkeKeys:
      if (l.on_ike_keys) l.on_ike_keys(name(), ev.ike_keys);
      break;
    case EventKind::kIkev1Keys:
      if (l.on_ikev1_keys) l.on_ikev1_keys(name(), ev.ikev1_keys);
      break;
    case EventKind::kEspKeys:
      if (l.on_esp_keys) l.on_esp_keys(name(), ev.esp_keys);
      break;
    case EventKind::kInvariant:
      if (l.on_invariant) l.on_invariant(name(), ev.what);
      break;
    case EventKind::kOverflow: break;
  }
}

Result<json> RemoteRefHost::request(const json& req) const {
  if (!daemon_alive())
    return Error(ErrorCode::kState, "host '" + name() + "': ike-refd is not running");
  auto answer = control_request(control_path_, req, static_cast<int>(options_.request_timeout.count()));
  if (!answer.ok())
    return Error(answer.error().code(), "host '" + name() + "': " + answer.error().message());
  if (!answer->is_object())
    return Error(ErrorCode::kMalformed, "host '" + name() + "': ike-refd answered " + answer->dump());
  if (!is_true(*answer, "ok")) {
    ErrorCode code = ErrorCode::kSystem;
    const std::string code_name = string_member(*answer, "code");
    for (ErrorCode c : kCodes)
      if (to_string(c) == code_name) code = c;
    std::string why = string_member(*answer, "error");
    if (why.empty()) why = "ike-refd refused " + req.dump();
    return Error(code, why);
  }
  return *answer;
}

Status RemoteRefHost::request_ok(const json& req) const {
  TRY(request(req));
  return {};
}

Status RemoteRefHost::initiate(const std::string& conn, bool ike_only) {
  json req{{"cmd", "initiate"}, {"conn", conn}};
  if (ike_only) req["ike_only"] = true;
  return request_ok(req);
}

Status RemoteRefHost::rekey(const std::string& conn, harness::SaKind sa) {
  return request_ok({{"cmd", "rekey"}, {"conn", conn}, {"sa", sa == harness::SaKind::kIke ? "ike" : "child"}});
}

Status RemoteRefHost::terminate(const std::string& conn, harness::SaKind sa) {
  return request_ok(
      {{"cmd", "terminate"}, {"conn", conn}, {"sa", sa == harness::SaKind::kIke ? "ike" : "child"}});
}

Status RemoteRefHost::add_fault(const harness::FaultSpec& f) {
  json req{{"cmd", "fault"},
           {"op", std::string(harness::name(f.op))},
           {"errno", f.err},
           {"nth", f.nth},
           {"times", f.times}};
  if (f.direction) req["direction"] = std::string(harness::name(*f.direction));
  if (f.protocol) req["protocol"] = std::string(harness::name(*f.protocol));
  return request_ok(req);
}

void RemoteRefHost::clear_faults() {
  if (auto s = request_ok({{"cmd", "clear-faults"}}); !s.ok()) note("clear-faults: " + s.error().message());
}

Result<const json*> RemoteRefHost::scenario_doc() {
  if (!scenario_doc_) {
    std::ifstream in(options_.scenario_path);
    std::stringstream text;
    text << in.rdbuf();
    json doc = json::parse(text.str(), nullptr, false, /*ignore_comments=*/true);
    if (!in || doc.is_discarded())
      return Error(ErrorCode::kConfig, "cannot read the scenario file " + options_.scenario_path);
    scenario_doc_ = std::move(doc);
  }
  return &*scenario_doc_;
}

Status RemoteRefHost::misbehave(const std::vector<harness::Impairment>& impairments,
                                const std::string& conn, bool clear) {
  TRY_ASSIGN(const json* doc, scenario_doc());
  json list = json::array();
  for (const auto& imp : impairments) {
    const json* written = imp.src.pointer.empty() ? nullptr : resolve_pointer(*doc, imp.src.pointer);
    if (!written || !written->is_object())
      return Error(ErrorCode::kUnsupported,
                   "host '" + name() + "': misbehave: impairment " + std::string(harness::name(imp.kind)) +
                       " is not written in " + options_.scenario_path +
                       " (ike-refd takes impairments in the scenario file's form)");
    list.push_back(*written);
  }
  json req{{"cmd", "misbehave"}, {"impair", list}, {"clear", clear}};
  if (!conn.empty()) req["conn"] = conn;
  return request_ok(req);
}

Status RemoteRefHost::traffic(const std::string& conn, const harness::TrafficSpec& t) {
  return request_ok({{"cmd", "traffic"},
                     {"conn", conn},
                     {"bytes", t.bytes},
                     {"packets", t.packets},
                     {"direction", std::string(harness::name(t.direction))}});
}

std::vector<IkeSnapshot> RemoteRefHost::sas() const {
  if (!running()) return {};
  auto answer = request({{"cmd", "sas"}});
  if (!answer.ok() || !answer->contains("sas")) return {};
  auto sas = parse_ike_snapshots((*answer)["sas"]);
  return sas.ok() ? *sas : std::vector<IkeSnapshot>{};
}

BackendSnapshot RemoteRefHost::backend(Time now) const {
  auto answer = daemon_alive() ? request({{"cmd", "backend"}}) : Result<json>(Error(ErrorCode::kState, "gone"));
  if (answer.ok() && answer->contains("backend")) {
    auto snapshot = parse_backend_snapshot((*answer)["backend"]);
    if (snapshot.ok()) {
      for (auto& e : snapshot->sas) {
        e.added -= env_.origin;
        if (e.first_use) *e.first_use -= env_.origin;
      }
      last_backend_ = std::move(*snapshot);
    }
  }
  BackendSnapshot out = last_backend_;
  out.t = now;
  return out;
}

std::string RemoteRefHost::sa_dump() const {
  if (daemon_alive()) {
    auto answer = request({{"cmd", "sa-dump"}});
    if (answer.ok() && answer->contains("dump") && (*answer)["dump"].is_string())
      last_dump_ = (*answer)["dump"].get<std::string>();
  }
  return last_dump_;
}

Result<std::unique_ptr<harness::run::ScenarioHost>> create_remote_ref_host(
    const harness::Host& host, harness::run::DaemonHostEnv env, RemoteRefOptions options) {
  if (host.implementation != harness::Implementation::kRef)
    return Error(ErrorCode::kConfig, "host '" + host.name + "' is a " +
                                         std::string(harness::name(host.implementation)) +
                                         " host; ike-refd runs reference-engine hosts only");
  if (options.refd_path.empty())
    return Error(ErrorCode::kConfig, "host '" + host.name + "': no ike-refd program given");
  if (options.scenario_path.empty())
    return Error(ErrorCode::kConfig, "host '" + host.name + "': no scenario file given");
  if (env.workdir.empty())
    return Error(ErrorCode::kConfig, "host '" + host.name + "': no working folder given");
  return std::unique_ptr<harness::run::ScenarioHost>(
      new RemoteRefHost(host, std::move(env), std::move(options)));
}

}  // namespace ikesuite::refd
