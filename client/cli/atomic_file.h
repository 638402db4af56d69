// Writing a file so that it is either left as it was or replaced by the complete new
// contents, never seen half written: the bytes go to a temporary file next to the
// target ("DIR/.NAME.XXXXXX"), which Commit() syncs and renames over it. A writer
// destroyed before Commit() (an error part way) removes its temporary file.
//
// The file is created readable and writable by its owner only (mode 0600), as
// mkstemp makes it: `pacto member export` writes person data. Replacing an existing
// file gives it that mode too.
//
// Example:
//   PACTO_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file, AtomicFile::Create(path));
//   PACTO_RETURN_IF_ERROR(file->Append("a,b\n"));
//   PACTO_RETURN_IF_ERROR(file->Commit());
//
// Not thread-safe.
#ifndef PACTO_CLIENT_CLI_ATOMIC_FILE_H_
#define PACTO_CLIENT_CLI_ATOMIC_FILE_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pacto::cli {

class AtomicFile {
 public:
  // Creates the temporary file. Fails (with the system's reason and the path) when
  // the target's directory does not exist or is not writable, or `path` names a
  // directory.
  static absl::StatusOr<std::unique_ptr<AtomicFile>> Create(const std::string& path);

  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  // Removes the temporary file unless Commit() succeeded.
  ~AtomicFile();

  // Appends `data` to the temporary file. REQUIRES: Commit() has not been called.
  absl::Status Append(absl::string_view data);

  // Flushes the temporary file to disk, renames it over the target and syncs the
  // directory. After a failure the target is as it was. Call at most once.
  absl::Status Commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  AtomicFile(std::string path, std::string temp_path, int fd);

  const std::string path_;
  const std::string temp_path_;
  int fd_;  // -1 once closed
  bool committed_ = false;
};

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_ATOMIC_FILE_H_
