// Where backups may go: the one directory the node's operator configured
// (--backup-dir, `backup_dir` in the config), and nothing outside it.
//
// A remote caller (`pacto node backup NAME`) names a sub-directory of it: "nightly",
// "2026/12". A name is 1 to 8 parts separated by '/', each 1 to 64 letters, digits,
// '.', '_' or '-' and starting with a letter or digit, so "..", "." and empty parts
// cannot be written (INVALID_ARGUMENT naming `dir`). An absolute path is accepted only
// when it lies below the directory as configured or as resolved, and is then read as
// the name below it; any other absolute path is PERMISSION_DENIED. The name is checked
// before anything is created, so a refused name writes nothing.
//
// Symbolic links: the configured directory is resolved once, when the node starts
// (realpath), and held open. A name is then walked from that descriptor one part at
// a time with openat(O_NOFOLLOW | O_DIRECTORY): a part that is a symbolic link (to
// anywhere, even inside) or not a directory is PERMISSION_DENIED, and missing parts
// are created (mode 0700) the same way, so nothing is created above a refused part.
// The walk ends with a descriptor of the backup's own directory, and RocksDB is given
// /proc/self/fd/N of it: renaming or swapping a part for a symlink after the check
// cannot redirect the writes (no check-then-use race). Backup files inside it are
// written by the node alone; a directory the node created is 0700, and pacto-node
// runs with umask 077 (node/main.cc), so its files are 0600.
//
// Thread-safe (immutable after Open); the descriptor is closed by the destructor.
#ifndef PACTO_NODE_ADMIN_BACKUP_ROOT_H_
#define PACTO_NODE_ADMIN_BACKUP_ROOT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pacto {

// An open directory below the root, kept open while the backup uses it.
class BackupTarget {
 public:
  BackupTarget(int fd, std::string path);
  ~BackupTarget();
  BackupTarget(BackupTarget&& other) noexcept;
  BackupTarget& operator=(BackupTarget&&) = delete;
  BackupTarget(const BackupTarget&) = delete;

  // Where it is on the node's machine (resolved root + "/" + name), for messages.
  const std::string& path() const { return path_; }
  // The path to hand to RocksDB: /proc/self/fd/N, the very directory that was
  // checked, whatever happens to its name meanwhile.
  std::string io_path() const;

 private:
  int fd_ = -1;
  std::string path_;
};

class BackupRoot {
 public:
  // Resolves `configured` (created, mode 0700, when missing) and opens it. Errors
  // name --backup-dir.
  static absl::StatusOr<std::unique_ptr<BackupRoot>> Open(const std::string& configured);
  ~BackupRoot();
  BackupRoot(const BackupRoot&) = delete;
  BackupRoot& operator=(const BackupRoot&) = delete;

  // The resolved directory (no symbolic link in it).
  const std::string& path() const { return resolved_; }

  // The relative name `requested` stands for (see above), or the error; errors name
  // `field` (the request's "dir", or "--restore-from").
  absl::StatusOr<std::string> Name(absl::string_view requested,
                                   absl::string_view field = "dir") const;

  // Opens the directory `requested` names, creating missing parts when `create`
  // (a backup) or refusing them with NOT_FOUND when not (a restore).
  absl::StatusOr<BackupTarget> Resolve(absl::string_view requested, bool create,
                                       absl::string_view field = "dir") const;

 private:
  BackupRoot(int fd, std::string configured, std::string resolved);

  const int fd_;
  const std::string configured_;  // lexically normal, absolute
  const std::string resolved_;
};

}  // namespace pacto

#endif  // PACTO_NODE_ADMIN_BACKUP_ROOT_H_
