#include "client/cli/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace pacto::cli {
namespace {

// The directory holding `path` and its last component ("." for a bare name).
std::pair<std::string, std::string> SplitPath(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

// "cannot WHAT 'FILE': <errno's reason>", with a code that fits errno.
absl::Status Errno(absl::string_view what, absl::string_view file) {
  const int error = errno;
  const absl::StatusCode code = error == ENOENT ? absl::StatusCode::kNotFound
                                : error == EACCES || error == EPERM
                                    ? absl::StatusCode::kPermissionDenied
                                    : absl::StatusCode::kInternal;
  return absl::Status(code, absl::StrCat("cannot ", what, " '", file, "': ", std::strerror(error)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path) {
  const auto [dir, name] = SplitPath(path);
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "' names a directory, not a file"));
  }
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "' is a directory"));
  }
  std::string temp = absl::StrCat(dir, "/.", name, ".XXXXXX");
  std::vector<char> buffer(temp.begin(), temp.end());
  buffer.push_back('\0');
  const int fd = ::mkstemp(buffer.data());
  if (fd < 0) return Errno("create a file in", dir);
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::string(buffer.data()), fd));
}

AtomicFile::AtomicFile(std::string path, std::string temp_path, int fd)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

absl::Status AtomicFile::Append(absl::string_view data) {
  if (fd_ < 0) return absl::FailedPreconditionError("the file is closed");
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", temp_path_);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status AtomicFile::Commit() {
  if (fd_ < 0) return absl::FailedPreconditionError("the file is closed");
  if (::fsync(fd_) != 0) return Errno("sync", temp_path_);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Errno("close", temp_path_);
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) return Errno("replace", path_);
  committed_ = true;
  // The rename is durable once the directory is synced; the file is complete either way.
  const int dir = ::open(SplitPath(path_).first.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return absl::OkStatus();
}

}  // namespace pacto::cli
