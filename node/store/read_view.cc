#include "node/store/read_view.h"

#include "node/store/keys.h"
#include "node/store/record_io.h"

namespace pacto {

ReadView::ReadView(const Database* db) : db_(db), snapshot_(db->db()->GetSnapshot()) {
  options_.snapshot = snapshot_;
}

ReadView::~ReadView() { db_->db()->ReleaseSnapshot(snapshot_); }

absl::StatusOr<bool> ReadView::Get(rocksdb::ColumnFamilyHandle* cf, const std::string& key,
                                   std::string* value) const {
  rocksdb::Status s = db_->db()->Get(options_, cf, key, value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "reading");
  return true;
}

absl::Status ReadView::Scan(
    rocksdb::ColumnFamilyHandle* cf, const std::string& prefix, const std::string& after,
    const std::function<bool(absl::string_view, absl::string_view)>& fn) const {
  rocksdb::ReadOptions options = options_;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(options, cf));
  const std::string start = prefix + after;
  it->Seek(start);
  if (!after.empty() && it->Valid() && it->key() == start) it->Next();
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!fn(ToView(it->key()).substr(prefix.size()), ToView(it->value()))) break;
  }
  return FromRocks(it->status(), "scanning");
}

absl::Status ReadView::ScanChecked(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                                   const std::string& after, const CheckedVisitor& fn) const {
  absl::Status failed;
  absl::Status scanned =
      Scan(cf, prefix, after, [&](absl::string_view key, absl::string_view value) {
        absl::StatusOr<bool> more = fn(key, value);
        if (!more.ok()) failed = more.status();
        return more.ok() && *more;
      });
  return failed.ok() ? scanned : failed;
}

absl::StatusOr<bool> ReadState(const ReadView& view, v1::RecordType type, absl::string_view id,
                               v1::RecordState* state) {
  return ReadState(view.db(), view.options(), type, id, state);
}

}  // namespace pacto
