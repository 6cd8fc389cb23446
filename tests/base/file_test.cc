#include "engine/base/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ikesuite {
namespace {

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ikesuite-file-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir_;
};

TEST_F(FileTest, WritesWithExactModeDespiteUmaskAndReplacesOldContent) {
  const std::string path = dir_ + "/keys";
  mode_t old = ::umask(0);  // a permissive umask must not widen 0600
  ASSERT_TRUE(write_file_atomically(path, "first", 0600).ok());
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(write_file_atomically(path, "second, longer", 0600).ok());
  EXPECT_EQ(read(path), "second, longer");
  // No temporary file is left beside it.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(FileTest, CreatesParentsOnlyWhenAsked) {
  const std::string path = dir_ + "/a/b/report.xml";
  Status s = write_file_atomically(path, "<x/>");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find(dir_ + "/a/b/report.xml.tmp."), std::string::npos)
      << s.error().message();
  ASSERT_TRUE(write_file_atomically(path, "<x/>", 0644, true).ok());
  EXPECT_EQ(read(path), "<x/>");
}

TEST_F(FileTest, RenameOntoAFolderFailsAndLeavesNoTemporary) {
  std::filesystem::create_directory(dir_ + "/taken");
  std::ofstream(dir_ + "/taken/inside") << "x";
  Status s = write_file_atomically(dir_ + "/taken", "data");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("cannot rename"), std::string::npos);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

}  // namespace
}  // namespace ikesuite
