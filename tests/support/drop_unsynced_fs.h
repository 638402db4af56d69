// A RocksDB FileSystem for crash tests: it remembers, for every file written, how
// many bytes had been synced, and on DropUnsyncedData() cuts each file back to that
// length, as a power cut would. Deactivate() first makes every later write vanish, so
// a test can "crash" a database that is still open, close it, drop what was never
// synced, and reopen what a real machine would have found on its disk.
//
// Modelled on the idea of RocksDB's FaultInjectionTestFS, written for this project.
// Thread-safe.
#ifndef PACTO_TESTS_SUPPORT_DROP_UNSYNCED_FS_H_
#define PACTO_TESTS_SUPPORT_DROP_UNSYNCED_FS_H_

#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace pacto {

class DropUnsyncedFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit DropUnsyncedFileSystem(std::shared_ptr<rocksdb::FileSystem> base);

  const char* Name() const override { return "DropUnsyncedFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& fname, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& target,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;

  // From now on appends and syncs are accepted and thrown away.
  void Deactivate();
  bool active() const;
  // Cuts every file back to its last synced length; reactivates.
  void DropUnsyncedData();

  // Called by the file wrappers.
  void Appended(const std::string& fname, uint64_t bytes);
  void Synced(const std::string& fname);

 private:
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
  };
  mutable absl::Mutex mu_;
  bool active_ ABSL_GUARDED_BY(mu_) = true;
  std::map<std::string, FileState> files_ ABSL_GUARDED_BY(mu_);
};

// An Env over `fs` for DatabaseOptions::env.
std::unique_ptr<rocksdb::Env> NewEnvOver(std::shared_ptr<rocksdb::FileSystem> fs);

}  // namespace pacto

#endif  // PACTO_TESTS_SUPPORT_DROP_UNSYNCED_FS_H_
