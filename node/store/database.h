// A node's RocksDB database: opening it with its column families, checking that the
// data dir belongs to this node, and the handles everything else reads and writes
// through.
//
// Thread-safe (RocksDB is); the handles live as long as the Database.
#ifndef PACTO_NODE_STORE_DATABASE_H_
#define PACTO_NODE_STORE_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"

namespace pacto {

struct DatabaseOptions {
  std::string path;
  // The node id this data dir must belong to. Empty: take the stored one, or make one
  // up when the dir is new.
  std::string node_id;
  // For tests that inject faults below RocksDB; the default environment when null.
  rocksdb::Env* env = nullptr;
  // 32 bytes: every file is encrypted (encryption.h). Empty: plaintext.
  std::string encryption_key;
  // Memtable budget for all column families together.
  size_t write_buffer_bytes = 192 << 20;
  size_t block_cache_bytes = 64 << 20;
};

class Database {
 public:
  // Opens or creates the data dir. Refuses, with a message an operator can act on,
  // a dir locked by another process, one that belongs to another node id, one that is
  // not a pacto data dir, and a corrupt one.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* meta() const { return db_->DefaultColumnFamily(); }
  rocksdb::ColumnFamilyHandle* records() const { return records_; }
  rocksdb::ColumnFamilyHandle* indexes() const { return indexes_; }
  rocksdb::ColumnFamilyHandle* log() const { return log_; }
  rocksdb::ColumnFamilyHandle* tallies() const { return tallies_; }
  // The family whose GetID() is `id`. REQUIRES: one of the five above.
  rocksdb::ColumnFamilyHandle* FamilyById(uint32_t id) const;

  const std::string& node_id() const { return node_id_; }
  const std::string& path() const { return path_; }

  // Flushes memtables so a clean shutdown leaves no WAL to replay.
  absl::Status Flush();

 private:
  Database() = default;

  std::unique_ptr<rocksdb::Env> encrypted_env_;  // outlives db_ (declared first)
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* records_ = nullptr;
  rocksdb::ColumnFamilyHandle* indexes_ = nullptr;
  rocksdb::ColumnFamilyHandle* log_ = nullptr;
  rocksdb::ColumnFamilyHandle* tallies_ = nullptr;
  std::string node_id_;
  std::string path_;
};

// Converts a RocksDB status into an absl one (INTERNAL unless a better code fits),
// prefixed with `context`.
absl::Status FromRocks(const rocksdb::Status& s, const std::string& context);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_DATABASE_H_
