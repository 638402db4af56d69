// The writes of one group commit, readable before they are committed: the apply path
// reads through it, so each write sees every earlier write of the same group.
//
// Not thread-safe: owned and used by the commit pipeline's thread.
#ifndef PACTO_NODE_STORE_WRITE_TXN_H_
#define PACTO_NODE_STORE_WRITE_TXN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "node/store/database.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace pacto {

class WriteTxn {
 public:
  explicit WriteTxn(Database* db);

  // Reads `key` from this group's writes, then from the database. Returns false when
  // the key is absent; an error only for a storage failure.
  absl::StatusOr<bool> Get(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                           std::string* value);

  void Put(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
           const rocksdb::Slice& value);
  void Delete(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key);

  // An iterator over the database with this group's writes laid over it.
  std::unique_ptr<rocksdb::Iterator> NewIterator(rocksdb::ColumnFamilyHandle* cf);

  // Commits every write atomically; durable (WAL synced) when `sync`.
  absl::Status Commit(bool sync);
  void Clear();

  size_t Count() { return batch_.GetWriteBatch()->Count(); }
  size_t ByteSize() { return batch_.GetWriteBatch()->GetDataSize(); }
  Database* database() const { return db_; }

 private:
  Database* const db_;
  rocksdb::WriteBatchWithIndex batch_;
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_WRITE_TXN_H_
