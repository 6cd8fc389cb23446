// ike-refd as users run it: two daemons from one scenario file, moon and sun on 127.0.0.1
// and 127.0.0.2, driven over their control sockets through a full life cycle, plus the
// errors a wrong command line or scenario gets.
#include <gtest/gtest.h>
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/refd/control_server.h"

extern char** environ;

namespace ikesuite::refd {
namespace {

using nlohmann::json;

const std::string kScenario = std::string(IKESUITE_SOURCE_DIR) + "/tests/refd/data/loopback.json";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Daemon {
  pid_t pid = -1;
  std::string control, log;
};

class RefdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ikesuite-refd-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (auto& d : daemons_)
      if (d.pid > 0) {
        ::kill(d.pid, SIGKILL);
        ::waitpid(d.pid, nullptr, 0);
      }
    std::system(("rm -rf " + dir_).c_str());
  }

  static pid_t spawn(const std::vector<std::string>& args, const std::string& out_path) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid = -1;
    posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
  }

  // Runs ike-refd to completion; returns its exit status and output.
  static std::pair<int, std::string> run(const std::vector<std::string>& args, const std::string& out) {
    std::vector<std::string> full{IKE_REFD_PATH};
    full.insert(full.end(), args.begin(), args.end());
    pid_t pid = spawn(full, out);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out)};
  }

  Daemon& start(const std::string& host) {
    Daemon d;
    d.control = dir_ + "/" + host + ".ctl";
    d.log = dir_ + "/" + host + ".log";
    d.pid = spawn({IKE_REFD_PATH, "--scenario", kScenario, "--host", host, "--control",
                   d.control, "--log", d.log},
                  dir_ + "/" + host + ".out");
    daemons_.push_back(d);
    // Up when the control socket answers.
    for (int i = 0; i < 200; ++i) {
      if (control_request(d.control, {{"cmd", "stats"}}, 200).ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return daemons_.back();
  }

  static json ask(const Daemon& d, const json& request) {
    auto r = control_request(d.control, request);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    return r.ok() ? *r : json{{"ok", false}};
  }

  // Polls list-sas until `pred` holds for it (5 s at most).
  static bool wait_for(const Daemon& d, const std::function<bool(const json&)>& pred) {
    for (int i = 0; i < 200; ++i) {
      json sas = ask(d, {{"cmd", "list-sas"}});
      if (pred(sas["sas"])) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }

  static bool established(const json& sas) {
    return sas.size() == 1 && sas[0]["state"] == "ESTABLISHED" && sas[0]["children"].size() == 1 &&
           sas[0]["children"][0]["state"] == "INSTALLED";
  }

  std::string dir_;
  std::deque<Daemon> daemons_;  // references to its elements stay valid
};

TEST_F(RefdTest, TwoDaemonsEstablishRekeyAndTerminateOverTheControlSockets) {
  Daemon& moon = start("moon");
  Daemon& sun = start("sun");
  json conns = ask(moon, {{"cmd", "list-conns"}});
  ASSERT_EQ(conns["conns"].size(), 1u);
  EXPECT_EQ(conns["conns"][0]["name"], "net-net");
  EXPECT_EQ(conns["conns"][0]["remote_port"], 15500);

  EXPECT_EQ(ask(moon, {{"cmd", "initiate"}, {"conn", "net-net"}})["ok"], true);
  ASSERT_TRUE(wait_for(moon, established)) << read_file(moon.log);
  ASSERT_TRUE(wait_for(sun, established)) << read_file(sun.log);
  json m = ask(moon, {{"cmd", "list-sas"}})["sas"][0];
  json s = ask(sun, {{"cmd", "list-sas"}})["sas"][0];
  EXPECT_EQ(m["spi_i"], s["spi_i"]);
  EXPECT_EQ(m["remote"], "127.0.0.2[15500]");
  EXPECT_EQ(m["children"][0]["spi_in"], s["children"][0]["spi_out"]);
  const uint32_t old_spi = m["children"][0]["spi_in"];

  EXPECT_EQ(ask(moon, {{"cmd", "rekey"}, {"conn", "net-net"}, {"sa", "child"}})["ok"], true);
  ASSERT_TRUE(wait_for(sun, [&](const json& sas) {
    for (const auto& c : sas[0]["children"])
      if (c["state"] == "INSTALLED" && c["spi_out"] != old_spi) return true;
    return false;
  })) << read_file(sun.log);

  EXPECT_EQ(ask(moon, {{"cmd", "terminate"}, {"conn", "net-net"}, {"sa", "ike"}})["ok"], true);
  ASSERT_TRUE(wait_for(sun, [](const json& sas) { return sas.empty(); })) << read_file(sun.log);
  const std::string sun_log = read_file(sun.log);
  EXPECT_NE(sun_log.find("received DELETE for IKE_SA net-net[1]"), std::string::npos) << sun_log;
  EXPECT_NE(sun_log.find("listening on 127.0.0.2[4500], 127.0.0.2[15500]"), std::string::npos)
      << sun_log;

  // shutdown: answered, then the daemon exits 0 and removes its socket.
  EXPECT_EQ(ask(moon, {{"cmd", "shutdown"}})["ok"], true);
  int status = 0;
  ASSERT_EQ(::waitpid(moon.pid, &status, 0), moon.pid);
  moon.pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(::access(moon.control.c_str(), F_OK), 0);
  // SIGTERM ends the other one cleanly too.
  ::kill(sun.pid, SIGTERM);
  ASSERT_EQ(::waitpid(sun.pid, &status, 0), sun.pid);
  sun.pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_F(RefdTest, InjectedInstallFaultReachesThePeerAsAnErrorNotify) {
  Daemon& moon = start("moon");
  Daemon& sun = start("sun");
  // Seed 002: the responder's kernel refuses the inbound SA.
  json f = ask(sun, {{"cmd", "fault"}, {"op", "add-sa"}, {"direction", "in"}, {"errno", "EINVAL"}});
  ASSERT_EQ(f["ok"], true) << f.dump();
  EXPECT_EQ(ask(moon, {{"cmd", "initiate"}, {"conn", "net-net"}})["ok"], true);
  ASSERT_TRUE(wait_for(moon, [](const json& sas) {
    return sas.size() == 1 && sas[0]["state"] == "ESTABLISHED" && sas[0]["children"].empty();
  })) << read_file(moon.log) << read_file(sun.log);
  EXPECT_NE(read_file(moon.log).find("N(NO_PROP)"), std::string::npos);
  EXPECT_NE(read_file(sun.log).find("unable to add SAD entry"), std::string::npos);
}

TEST_F(RefdTest, BadRequestsAreAnsweredWithReasons) {
  Daemon& moon = start("moon");
  auto error = [&](const json& r) { return ask(moon, r).value("error", std::string()); };
  EXPECT_NE(error({{"cmd", "fly"}}).find("unknown cmd 'fly'"), std::string::npos);
  EXPECT_NE(error({{"cmd", "initiate"}}).find("missing \"conn\""), std::string::npos);
  EXPECT_NE(error({{"cmd", "initiate"}, {"conn", "nope"}}).find("nope"), std::string::npos);
  EXPECT_NE(error({{"cmd", "rekey"}, {"conn", "net-net"}, {"sa", "both"}}).find("\"sa\""),
            std::string::npos);
  EXPECT_NE(error({{"cmd", "fault"}, {"op", "add-sa"}}).find("errno"), std::string::npos);
  EXPECT_NE(error({{"cmd", "fault"}, {"op", "explode"}, {"errno", 1}}).find("unknown op"),
            std::string::npos);
  EXPECT_NE(error({{"cmd", "fault"}, {"op", "add-sa"}, {"errno", "ENOSUCH"}}).find("ENOSUCH"),
            std::string::npos);
  // The daemon is still there.
  EXPECT_EQ(ask(moon, {{"cmd", "stats"}})["running"], true);
}

TEST_F(RefdTest, CommandLineAndScenarioErrorsNameTheProblem) {
  auto [rc1, out1] = run({"--scenario", kScenario, "--host", "venus"}, dir_ + "/1.out");
  EXPECT_EQ(rc1, 1);
  EXPECT_NE(out1.find("has no host 'venus' (hosts: moon, sun)"), std::string::npos) << out1;

  std::ofstream(dir_ + "/broken.json") << "{\"name\": \"broken\", \"hosts\": ";
  auto [rc2, out2] = run({"--scenario", dir_ + "/broken.json", "--host", "moon"}, dir_ + "/2.out");
  EXPECT_EQ(rc2, 1);
  EXPECT_NE(out2.find("broken.json"), std::string::npos) << out2;
  EXPECT_NE(out2.find("does not load"), std::string::npos) << out2;

  auto [rc3, out3] = run({"--host", "moon"}, dir_ + "/3.out");
  EXPECT_EQ(rc3, 2);
  EXPECT_NE(out3.find("--scenario FILE and --host NAME are required"), std::string::npos);

  auto [rc4, out4] = run({"--control", dir_ + "/none.ctl", "ctl", "{\"cmd\":\"stats\"}"},
                         dir_ + "/4.out");
  EXPECT_EQ(rc4, 3);
  EXPECT_NE(out4.find("connect to control socket"), std::string::npos) << out4;
}

}  // namespace
}  // namespace ikesuite::refd
