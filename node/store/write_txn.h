// The writes of one group commit, readable before they are committed: the apply path
// reads through it, so each write sees every earlier write of the same group.
//
// Writes go to an in-memory ordered overlay per column family that reads consult
// before the database; Commit turns the overlays into one RocksDB WriteBatch, in key
// order, one write per key. (RocksDB's WriteBatchWithIndex does much the same with a
// skiplist, at about three times the cost per write on the import path.)
//
// Not thread-safe: owned and used by the commit pipeline's thread.
#ifndef PACTO_NODE_STORE_WRITE_TXN_H_
#define PACTO_NODE_STORE_WRITE_TXN_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "node/store/database.h"

namespace pacto {

class WriteTxn {
 public:
  explicit WriteTxn(Database* db);

  // Reads `key` from this group's writes, then from the database. Returns false when
  // the key is absent; an error only for a storage failure.
  absl::StatusOr<bool> Get(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                           std::string* value);

  void Put(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key, const rocksdb::Slice& value);
  void Delete(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key);

  // Calls `fn(key, value)` for every key beginning with `prefix`, in key order, as the
  // database would look after this group commits. `fn` returns false to stop.
  // REQUIRES: `fn` does not write to this WriteTxn.
  absl::Status Scan(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                    const std::function<bool(absl::string_view key, absl::string_view value)>& fn);

  // Like Scan, over the keys in [begin, end); an empty `end` means no upper bound.
  absl::Status ScanRange(
      rocksdb::ColumnFamilyHandle* cf, const std::string& begin, const std::string& end,
      const std::function<bool(absl::string_view key, absl::string_view value)>& fn);

  // Reads fall through to `parent`'s writes before the database: the group before
  // this one, while it is still being committed. `parent` must stay unchanged (no
  // writes, no Clear) while this WriteTxn reads; nullptr for none.
  void SetParent(const WriteTxn* parent) { parent_ = parent; }

  // Commits every write atomically; durable (WAL synced) when `sync`. Only reads of
  // this object's own state: safe while another thread reads it through SetParent.
  absl::Status Commit(bool sync);
  void Clear();

  // Keys written, and an estimate of the bytes the batch will carry.
  size_t Count() const;
  size_t ByteSize() const { return bytes_; }
  // Puts and deletes so far (never reset by Clear): whether a piece of work wrote.
  uint64_t writes() const { return writes_; }
  Database* database() const { return db_; }

 private:
  using Overlay = absl::btree_map<std::string, std::optional<std::string>>;
  Overlay& OverlayOf(rocksdb::ColumnFamilyHandle* cf);
  const Overlay* FindOverlay(rocksdb::ColumnFamilyHandle* cf) const;

  Database* const db_;
  const WriteTxn* parent_ = nullptr;
  size_t bytes_ = 0;
  uint64_t writes_ = 0;
  std::vector<Overlay> overlays_;  // by column family id
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_WRITE_TXN_H_
