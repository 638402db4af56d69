#include "node/store/write_txn.h"

namespace pacto {

WriteTxn::WriteTxn(Database* db)
    : db_(db), batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {}

absl::StatusOr<bool> WriteTxn::Get(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                                   std::string* value) {
  rocksdb::Status s = batch_.GetFromBatchAndDB(db_->db(), rocksdb::ReadOptions(), cf, key, value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "reading during apply");
  return true;
}

void WriteTxn::Put(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                   const rocksdb::Slice& value) {
  batch_.Put(cf, key, value);
}

void WriteTxn::Delete(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key) {
  batch_.Delete(cf, key);
}

std::unique_ptr<rocksdb::Iterator> WriteTxn::NewIterator(rocksdb::ColumnFamilyHandle* cf) {
  return std::unique_ptr<rocksdb::Iterator>(
      batch_.NewIteratorWithBase(cf, db_->db()->NewIterator(rocksdb::ReadOptions(), cf)));
}

absl::Status WriteTxn::Commit(bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  return FromRocks(db_->db()->Write(options, batch_.GetWriteBatch()), "committing a write batch");
}

void WriteTxn::Clear() { batch_.Clear(); }

}  // namespace pacto
