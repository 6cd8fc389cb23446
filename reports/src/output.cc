#include "reports/src/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ikesuite::reports {

Status write_file_atomically(const std::string& path, const std::string& content, unsigned mode) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return Error(ErrorCode::kSystem, "cannot create " + parent.string() + ": " + ec.message());
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error(ErrorCode::kSystem, "cannot create " + tmp).with_errno(errno);
  // open() applies the umask; reports are meant to be readable by whoever collects them.
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Error(ErrorCode::kSystem, "cannot set the mode of " + tmp).with_errno(e);
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error(ErrorCode::kSystem, "cannot write " + tmp).with_errno(e);
    }
    done += static_cast<size_t>(n);
  }
  int sync_rc = ::fsync(fd);
  int sync_errno = errno;
  int close_rc = ::close(fd);
  if (sync_rc != 0 || close_rc != 0) {
    int e = sync_rc != 0 ? sync_errno : errno;
    ::unlink(tmp.c_str());
    return Error(ErrorCode::kSystem, "cannot write " + tmp).with_errno(e);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Error(ErrorCode::kSystem, "cannot rename " + tmp + " to " + path).with_errno(e);
  }
  return ok_status();
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kSystem, "cannot open " + path).with_errno(errno);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error(ErrorCode::kSystem, "cannot read " + path);
  return ss.str();
}

}  // namespace ikesuite::reports
