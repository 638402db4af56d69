// A consistent, read-only view of the database at one moment (a RocksDB snapshot), for
// queries that read several keys and must not see a write land half way through.
//
// Cheap to create; not thread-safe; must not outlive the Database.
#ifndef PACTO_NODE_STORE_READ_VIEW_H_
#define PACTO_NODE_STORE_READ_VIEW_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "node/store/database.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {

class ReadView {
 public:
  explicit ReadView(const Database* db);
  ~ReadView();
  ReadView(const ReadView&) = delete;
  ReadView& operator=(const ReadView&) = delete;

  const Database& db() const { return *db_; }
  const rocksdb::ReadOptions& options() const { return options_; }

  // Reads a key; false when absent.
  absl::StatusOr<bool> Get(rocksdb::ColumnFamilyHandle* cf, const std::string& key,
                           std::string* value) const;

  // Calls `fn(key_suffix, value)` for each key beginning with `prefix`, in order,
  // starting strictly after `prefix + after` when `after` is non-empty. `fn` returns
  // false to stop.
  absl::Status Scan(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                    const std::string& after,
                    const std::function<bool(absl::string_view, absl::string_view)>& fn) const;

  // Scan for callbacks that can fail: `fn` answers true to go on, false to stop, or an
  // error, which ends the scan and is returned.
  using CheckedVisitor =
      std::function<absl::StatusOr<bool>(absl::string_view key_suffix, absl::string_view value)>;
  absl::Status ScanChecked(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                           const std::string& after, const CheckedVisitor& fn) const;

 private:
  const Database* const db_;
  const rocksdb::Snapshot* const snapshot_;
  rocksdb::ReadOptions options_;
};

// ReadState (record_io.h) for a ReadView, so ReadLive works on one.
absl::StatusOr<bool> ReadState(const ReadView& view, v1::RecordType type, absl::string_view id,
                               v1::RecordState* state);

// The one way to read many records: calls `fn(id, record)` with the decoded winning
// value of every live record of `type` in the view, in id order, starting strictly
// after `after` when it is not empty. `fn` answers like a CheckedVisitor (true: go on).
// A stored state that does not parse is DATA_LOSS, never skipped.
//   PACTO_RETURN_IF_ERROR(ScanLive<v1::Chapter>(view, v1::RECORD_TYPE_CHAPTER, "",
//       [&](absl::string_view id, v1::Chapter& c) -> absl::StatusOr<bool> { ...; return true; }));
template <typename T>
absl::Status ScanLive(
    const ReadView& view, v1::RecordType type, const std::string& after,
    const std::function<absl::StatusOr<bool>(absl::string_view id, T& record)>& fn) {
  return view.ScanChecked(
      view.db().records(), RecordTypePrefix(type), after,
      [&](absl::string_view id, absl::string_view stored) -> absl::StatusOr<bool> {
        T record;
        absl::StatusOr<bool> live = DecodeStoredWinner(stored, &record);
        if (!live.ok() || !*live) return live.ok() ? absl::StatusOr<bool>(true) : live;
        return fn(id, record);
      });
}

}  // namespace pacto

#endif  // PACTO_NODE_STORE_READ_VIEW_H_
