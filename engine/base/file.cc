#include "engine/base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace ikesuite {
namespace {

// Closes and removes the temporary file on every early return.
Status fail_tmp(int fd, const std::string& tmp, const std::string& what, int err) {
  if (fd >= 0) ::close(fd);
  ::unlink(tmp.c_str());
  return Error(ErrorCode::kSystem, what + " " + tmp).with_errno(err);
}

}  // namespace

Status write_file_atomically(const std::string& path, const std::string& content, unsigned mode,
                             bool create_parents) {
  if (create_parents) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return Error(ErrorCode::kSystem, "cannot create " + parent.string() + ": " + ec.message());
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error(ErrorCode::kSystem, "cannot create " + tmp).with_errno(errno);
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0)
    return fail_tmp(fd, tmp, "cannot set the mode of", errno);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_tmp(fd, tmp, "cannot write", errno);
    done += static_cast<size_t>(n);
  }
  // fsync before rename: after a crash the name points at the old or the new content.
  if (::fsync(fd) != 0) return fail_tmp(fd, tmp, "cannot write", errno);
  if (::close(fd) != 0) return fail_tmp(-1, tmp, "cannot write", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Error(ErrorCode::kSystem, "cannot rename " + tmp + " to " + path).with_errno(e);
  }
  return ok_status();
}

}  // namespace ikesuite
