// A RocksDB FileSystem whose syncs return at once without reaching the disk, for the
// nemesis test's many short-lived nodes. Put it under a DropUnsyncedFileSystem
// (tests/support/drop_unsynced_fs.h): that layer still records every sync and drops
// whatever was never synced when the test cuts the power, so crash semantics are
// unchanged; only the real fsyncs, which a process that never loses power does not
// need, are skipped. Never use it for data that must survive the machine.
//
// Thread-safe.
#ifndef PACTO_TESTS_NEMESIS_NO_SYNC_FS_H_
#define PACTO_TESTS_NEMESIS_NO_SYNC_FS_H_

#include <memory>

#include "rocksdb/file_system.h"

namespace pacto {

std::shared_ptr<rocksdb::FileSystem> NewNoSyncFileSystem(std::shared_ptr<rocksdb::FileSystem> base);

}  // namespace pacto

#endif  // PACTO_TESTS_NEMESIS_NO_SYNC_FS_H_
