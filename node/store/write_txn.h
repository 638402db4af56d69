// The writes of one group commit, readable before they are committed: the apply path
// reads through it, so each write sees every earlier write of the same group.
//
// Writes go to an in-memory ordered overlay per column family that reads consult
// before the database; Commit turns the overlays into one RocksDB WriteBatch, in key
// order, one write per key. (RocksDB's WriteBatchWithIndex does much the same with a
// skiplist, at about three times the cost per write on the import path.) Keys and
// values live in an arena freed whole by Clear, so a write allocates nothing of its
// own; point reads and writes find a key by hash, and only written keys are kept in
// order (walking an ordered map per read was a third of the apply thread's time).
//
// Reads of the records and tallies families that reach the database are remembered
// (found or absent) until Clear: the apply path reads a record, then reads it again
// to write it. This is sound because every write to those families goes through the
// commit pipeline's two WriteTxns, whose writes reads see first (see SetParent).
//
// Not thread-safe: owned and used by the commit pipeline's thread.
#ifndef PACTO_NODE_STORE_WRITE_TXN_H_
#define PACTO_NODE_STORE_WRITE_TXN_H_

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
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

  // Scan for callbacks that can fail: `fn` answers true to go on, false to stop, or an
  // error, which ends the scan and is returned.
  absl::Status ScanChecked(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                           const std::function<absl::StatusOr<bool>(absl::string_view key,
                                                                    absl::string_view value)>& fn);

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
  // A key's state in this group: written (a value or a deletion), or only read from
  // the database and remembered. Values point into the arena.
  struct Slot {
    enum State : uint8_t { kPut, kDeleted, kReadFound, kReadAbsent };
    const char* data = nullptr;
    uint32_t size = 0;
    State state = kPut;
    bool written() const { return state == kPut || state == kDeleted; }
    bool present() const { return state == kPut || state == kReadFound; }
    absl::string_view value() const { return absl::string_view(data, size); }
  };
  // Every key the group touched, by hash (point reads and writes cost one probe),
  // and the written ones in key order (for scans and the batch).
  struct Overlay {
    absl::flat_hash_map<absl::string_view, Slot*> index;
    absl::btree_map<absl::string_view, Slot*> written;
  };

  // Bump allocation in blocks, reused group after group.
  class Arena {
   public:
    absl::string_view Copy(absl::string_view bytes);
    void Reset();

   private:
    static constexpr size_t kBlock = 256 << 10;
    std::vector<std::unique_ptr<char[]>> blocks_;  // kBlock bytes each
    std::vector<std::unique_ptr<char[]>> large_;   // one value each
    size_t current_ = 0;                           // the block being filled
    char* next_ = nullptr;
    size_t left_ = 0;
  };

  Overlay& OverlayOf(rocksdb::ColumnFamilyHandle* cf);
  const Overlay* FindOverlay(rocksdb::ColumnFamilyHandle* cf) const;
  // The slot for `key`, added (neither written nor found) when absent; `*key_copy`
  // is the key as the overlay holds it.
  Slot& SlotOf(Overlay& overlay, absl::string_view key, absl::string_view* key_copy);
  void Write(rocksdb::ColumnFamilyHandle* cf, absl::string_view key, Slot::State state,
             absl::string_view value);

  Database* const db_;
  const WriteTxn* parent_ = nullptr;
  size_t bytes_ = 0;
  size_t written_keys_ = 0;
  uint64_t writes_ = 0;
  Arena arena_;
  std::deque<Slot> slots_;         // the overlays' slots: stable addresses
  std::vector<Overlay> overlays_;  // by column family id
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_WRITE_TXN_H_
