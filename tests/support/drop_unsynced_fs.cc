#include "tests/support/drop_unsynced_fs.h"

#include <unistd.h>

namespace pacto {
namespace {

class TrackedFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string name,
              DropUnsyncedFileSystem* fs)
      : FSWritableFileOwnerWrapper(std::move(file)), name_(std::move(name)), fs_(fs) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (!fs_->active()) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus s = target()->Append(data, options, dbg);
    if (s.ok()) fs_->Appended(name_, data.size());
    return s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (!fs_->active()) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus s = target()->Append(data, options, info, dbg);
    if (s.ok()) fs_->Appended(name_, data.size());
    return s;
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (!fs_->active()) return rocksdb::IOStatus::OK();
    return target()->Flush(options, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (!fs_->active()) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus s = target()->Sync(options, dbg);
    if (s.ok()) fs_->Synced(name_);
    return s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (!fs_->active()) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus s = target()->Fsync(options, dbg);
    if (s.ok()) fs_->Synced(name_);
    return s;
  }
  rocksdb::IOStatus RangeSync(uint64_t, uint64_t, const rocksdb::IOOptions&,
                              rocksdb::IODebugContext*) override {
    // A range sync promises nothing about durability; do not count it.
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Close(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (!fs_->active()) return rocksdb::IOStatus::OK();
    return target()->Close(options, dbg);
  }

 private:
  const std::string name_;
  DropUnsyncedFileSystem* const fs_;
};

}  // namespace

DropUnsyncedFileSystem::DropUnsyncedFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(base) {}

rocksdb::IOStatus DropUnsyncedFileSystem::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& opts,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = target()->NewWritableFile(fname, opts, &file, dbg);
  if (!s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    files_[fname] = FileState{};
  }
  result->reset(new TrackedFile(std::move(file), fname, this));
  return s;
}

rocksdb::IOStatus DropUnsyncedFileSystem::ReopenWritableFile(
    const std::string& fname, const rocksdb::FileOptions& opts,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = target()->ReopenWritableFile(fname, opts, &file, dbg);
  if (!s.ok()) return s;
  uint64_t size = 0;
  target()->GetFileSize(fname, rocksdb::IOOptions(), &size, dbg);
  {
    absl::MutexLock lock(&mu_);
    files_[fname] = FileState{size, size};
  }
  result->reset(new TrackedFile(std::move(file), fname, this));
  return s;
}

rocksdb::IOStatus DropUnsyncedFileSystem::DeleteFile(const std::string& fname,
                                                     const rocksdb::IOOptions& options,
                                                     rocksdb::IODebugContext* dbg) {
  if (!active()) return rocksdb::IOStatus::OK();
  {
    absl::MutexLock lock(&mu_);
    files_.erase(fname);
  }
  return target()->DeleteFile(fname, options, dbg);
}

rocksdb::IOStatus DropUnsyncedFileSystem::RenameFile(const std::string& src,
                                                     const std::string& target_name,
                                                     const rocksdb::IOOptions& options,
                                                     rocksdb::IODebugContext* dbg) {
  if (!active()) return rocksdb::IOStatus::OK();
  rocksdb::IOStatus s = target()->RenameFile(src, target_name, options, dbg);
  if (s.ok()) {
    absl::MutexLock lock(&mu_);
    auto it = files_.find(src);
    if (it != files_.end()) {
      files_[target_name] = it->second;
      files_.erase(it);
    }
  }
  return s;
}

void DropUnsyncedFileSystem::Deactivate() {
  absl::MutexLock lock(&mu_);
  active_ = false;
}

bool DropUnsyncedFileSystem::active() const {
  absl::MutexLock lock(&mu_);
  return active_;
}

void DropUnsyncedFileSystem::DropUnsyncedData() {
  absl::MutexLock lock(&mu_);
  for (const auto& [name, state] : files_) {
    // Cutting to the synced length also trims space preallocated beyond the writes.
    // A file that is gone already (deleted by RocksDB) needs nothing.
    (void)::truncate(name.c_str(), static_cast<off_t>(state.synced));
  }
  active_ = true;
}

void DropUnsyncedFileSystem::Appended(const std::string& fname, uint64_t bytes) {
  absl::MutexLock lock(&mu_);
  files_[fname].size += bytes;
}

void DropUnsyncedFileSystem::Synced(const std::string& fname) {
  absl::MutexLock lock(&mu_);
  FileState& state = files_[fname];
  state.synced = state.size;
}

std::unique_ptr<rocksdb::Env> NewEnvOver(std::shared_ptr<rocksdb::FileSystem> fs) {
  return rocksdb::NewCompositeEnv(fs);
}

}  // namespace pacto
