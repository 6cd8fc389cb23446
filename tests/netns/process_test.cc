#include "harness/run/process.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace ikesuite::harness::run {
namespace {

namespace fs = std::filesystem;

TEST(Process, RunCommandReturnsStatusAndOutput) {
  auto r = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
  EXPECT_FALSE(r->timed_out);
}

TEST(Process, MissingExecutableIsAnErrorNamingIt) {
  auto r = run_command({"/nonexistent/ikesuite-no-such-tool", "x"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("ikesuite-no-such-tool"), std::string::npos);
  EXPECT_NE(r.error().message().find("cannot execute"), std::string::npos);
}

TEST(Process, MissingNamespaceIsAnErrorNamingIt) {
  SpawnOptions o;
  o.netns = "ikesuite-test-no-such-namespace";
  auto r = run_command({"true"}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("network namespace ikesuite-test-no-such-namespace"), std::string::npos);
}

TEST(Process, TimeoutKillsTheCommand) {
  auto started = std::chrono::steady_clock::now();
  auto r = run_command({"sleep", "30"}, {}, std::chrono::milliseconds(200));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->status, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(Process, RunCheckedQuotesTheFailure) {
  Status st = run_checked({"sh", "-c", "echo 'bad thing' >&2; exit 2"});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().reason().find("exit 2"), std::string::npos);
  EXPECT_NE(st.error().reason().find("bad thing"), std::string::npos);
  EXPECT_TRUE(run_checked({"true"}).ok());
}

TEST(Process, EnvironmentAndOutputFile) {
  std::string path = (fs::temp_directory_path() / ("ikesuite-process-" + std::to_string(getpid()))).string();
  fs::remove(path);
  SpawnOptions o;
  o.env = {"IKESUITE_TEST_VALUE=hello there"};
  o.output_path = path;
  auto p = Process::spawn({"sh", "-c", "echo \"$IKESUITE_TEST_VALUE\""}, o);
  ASSERT_TRUE(p.ok()) << p.error().message();
  for (int i = 0; i < 500 && (*p)->running(); ++i) usleep(10000);
  EXPECT_EQ((*p)->exit_status(), 0);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "hello there\n");
  fs::remove(path);
}

TEST(Process, TerminateEndsADaemonAndItsChildren) {
  auto p = Process::spawn({"sh", "-c", "sleep 60 & sleep 60"}, {});
  ASSERT_TRUE(p.ok());
  pid_t pid = (*p)->pid();
  EXPECT_TRUE((*p)->running());
  (*p)->terminate(std::chrono::milliseconds(500));
  EXPECT_FALSE((*p)->running());
  // The whole process group is gone.
  usleep(50000);
  EXPECT_NE(kill(-pid, 0), 0);
}

TEST(Process, CommandTextQuotes) {
  EXPECT_EQ(command_text({"ip", "-n", "moon", "addr"}), "ip -n moon addr");
  EXPECT_EQ(command_text({"sh", "-c", "a b"}), "sh -c 'a b'");
}

TEST(Process, FindExecutable) {
  EXPECT_TRUE(find_executable("sh").has_value());
  EXPECT_FALSE(find_executable("ikesuite-no-such-tool").has_value());
  EXPECT_EQ(find_executable("/bin/sh"), std::optional<std::string>("/bin/sh"));
}

}  // namespace
}  // namespace ikesuite::harness::run
