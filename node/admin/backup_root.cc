#include "node/admin/backup_root.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace pacto {
namespace {

constexpr size_t kMaxParts = 8;
constexpr size_t kMaxPartBytes = 64;
constexpr int kOpenDir = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
// What BackupEngine and encryption.h keep in a backup's directory.
constexpr const char* kBackupEntries[] = {"meta", "private", "shared", "shared_checksum",
                                          "ENCRYPTION"};

absl::Status BadName(absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(
      field,
      ": a backup is named by a sub-directory of the node's --backup-dir: 1 to 8 parts "
      "separated by '/', each of 1 to 64 letters, digits, '.', '_' or '-' starting with a "
      "letter or digit (no '..', no absolute path outside --backup-dir)"));
}

bool ValidPart(absl::string_view part) {
  if (part.empty() || part.size() > kMaxPartBytes) return false;
  if (!absl::ascii_isalnum(static_cast<unsigned char>(part[0]))) return false;
  for (char c : part) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return false;
  }
  return true;
}

absl::StatusOr<std::string> CheckRelative(absl::string_view name, absl::string_view field) {
  while (absl::ConsumeSuffix(&name, "/")) {
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (name.empty() || parts.size() > kMaxParts) return BadName(field);
  for (absl::string_view part : parts) {
    if (!ValidPart(part)) return BadName(field);
  }
  return std::string(name);
}

std::string Errno(int err) { return std::strerror(err); }

// mkdir -p with mode 0700 for what it creates.
absl::Status MakeDirs(const std::string& path) {
  std::string prefix;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&prefix, "/", part);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::FailedPreconditionError(
          absl::StrCat("--backup-dir: cannot create ", prefix, ": ", Errno(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

BackupTarget::BackupTarget(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

BackupTarget::~BackupTarget() {
  if (fd_ >= 0) ::close(fd_);
}

BackupTarget::BackupTarget(BackupTarget&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

std::string BackupTarget::io_path() const {
  const std::string proc = absl::StrCat("/proc/self/fd/", fd_);
  struct stat st;
  // Without /proc the checked path is the best there is (the race comes back).
  if (::stat(proc.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return proc;
  return path_;
}

BackupRoot::BackupRoot(int fd, std::string configured, std::string resolved)
    : fd_(fd), configured_(std::move(configured)), resolved_(std::move(resolved)) {}

BackupRoot::~BackupRoot() { ::close(fd_); }

absl::StatusOr<std::unique_ptr<BackupRoot>> BackupRoot::Open(const std::string& configured) {
  if (configured.empty()) return absl::InvalidArgumentError("--backup-dir: must not be empty");
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(configured, ec).lexically_normal().string();
  while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
  if (ec || absolute == "/") {
    return absl::InvalidArgumentError("--backup-dir: must be a directory below /, not / itself");
  }
  if (absl::Status made = MakeDirs(absolute); !made.ok()) return made;
  char buffer[PATH_MAX];
  if (::realpath(absolute.c_str(), buffer) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("--backup-dir: cannot resolve ", absolute, ": ", Errno(errno)));
  }
  const std::string resolved = buffer;
  const int fd = ::open(resolved.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("--backup-dir: cannot open ", resolved, ": ", Errno(errno)));
  }
  return std::unique_ptr<BackupRoot>(new BackupRoot(fd, absolute, resolved));
}

absl::StatusOr<std::string> BackupRoot::Name(absl::string_view requested,
                                             absl::string_view field) const {
  if (!absl::StartsWith(requested, "/")) return CheckRelative(requested, field);
  std::vector<absl::string_view> parts = absl::StrSplit(requested, '/', absl::SkipEmpty());
  for (absl::string_view part : parts) {
    if (part == "." || part == "..") return BadName(field);
  }
  const std::string normal = absl::StrCat("/", absl::StrJoin(parts, "/"));
  for (const std::string* base : {&configured_, &resolved_}) {
    if (normal == *base) return BadName(field);
    absl::string_view rest = normal;
    if (absl::ConsumePrefix(&rest, *base) && absl::ConsumePrefix(&rest, "/")) {
      return CheckRelative(rest, field);
    }
  }
  return absl::PermissionDeniedError(absl::StrCat(
      field,
      ": outside the node's --backup-dir; backups go only below it (name a sub-directory: "
      "pacto node backup NAME)"));
}

absl::StatusOr<BackupTarget> BackupRoot::Resolve(absl::string_view requested, bool create,
                                                 absl::string_view field) const {
  absl::StatusOr<std::string> name = Name(requested, field);
  if (!name.ok()) return name.status();
  int dir = -1;
  auto fail = [&dir](absl::Status status) {
    if (dir >= 0) ::close(dir);
    return status;
  };
  for (absl::string_view part : absl::StrSplit(*name, '/')) {
    const std::string p(part);
    const int base = dir >= 0 ? dir : fd_;
    int next = ::openat(base, p.c_str(), kOpenDir);
    if (next < 0 && errno == ENOENT && create) {
      if (::mkdirat(base, p.c_str(), 0700) != 0 && errno != EEXIST) {
        return fail(absl::FailedPreconditionError(absl::StrCat(
            field, ": cannot create the backup's directory below --backup-dir: ", Errno(errno))));
      }
      next = ::openat(base, p.c_str(), kOpenDir);
    }
    if (next < 0) {
      const int err = errno;
      if (err == ENOENT) {
        return fail(
            absl::NotFoundError(absl::StrCat(field, ": no such backup below --backup-dir")));
      }
      if (err == ELOOP || err == ENOTDIR) {
        return fail(absl::PermissionDeniedError(absl::StrCat(
            field,
            ": a part of the name is a symbolic link or not a directory; backups never leave "
            "the node's --backup-dir and never follow a link")));
      }
      return fail(absl::FailedPreconditionError(absl::StrCat(
          field, ": cannot open the backup's directory below --backup-dir: ", Errno(err))));
    }
    if (dir >= 0) ::close(dir);
    dir = next;
  }
  // What BackupEngine opens inside must not lead elsewhere either.
  for (const char* entry : kBackupEntries) {
    struct stat st;
    if (::fstatat(dir, entry, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      return fail(absl::PermissionDeniedError(absl::StrCat(
          field, ": the backup's directory holds a symbolic link where a backup keeps its files")));
    }
  }
  return BackupTarget(dir, absl::StrCat(resolved_, "/", *name));
}

}  // namespace pacto
