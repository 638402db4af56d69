#include "node/store/write_txn.h"

#include <memory>

#include "node/store/keys.h"

namespace pacto {

WriteTxn::WriteTxn(Database* db) : db_(db) {}

WriteTxn::Overlay& WriteTxn::OverlayOf(rocksdb::ColumnFamilyHandle* cf) {
  const uint32_t id = cf->GetID();
  if (id >= overlays_.size()) overlays_.resize(id + 1);
  return overlays_[id];
}

const WriteTxn::Overlay* WriteTxn::FindOverlay(rocksdb::ColumnFamilyHandle* cf) const {
  const uint32_t id = cf->GetID();
  return id < overlays_.size() && !overlays_[id].empty() ? &overlays_[id] : nullptr;
}

absl::StatusOr<bool> WriteTxn::Get(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                                   std::string* value) {
  for (const WriteTxn* txn = this; txn != nullptr; txn = txn == this ? parent_ : nullptr) {
    const Overlay* overlay = txn->FindOverlay(cf);
    if (overlay == nullptr) continue;
    auto it = overlay->find(ToView(key));
    if (it != overlay->end()) {
      if (!it->second) return false;
      *value = *it->second;
      return true;
    }
  }
  rocksdb::Status s = db_->db()->Get(rocksdb::ReadOptions(), cf, key, value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "reading during apply");
  return true;
}

void WriteTxn::Put(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                   const rocksdb::Slice& value) {
  auto& slot = OverlayOf(cf)[std::string(key.data(), key.size())];
  if (slot) bytes_ -= slot->size();
  slot = std::string(value.data(), value.size());
  bytes_ += key.size() + value.size();
  ++writes_;
}

void WriteTxn::Delete(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key) {
  OverlayOf(cf)[std::string(key.data(), key.size())] = std::nullopt;
  bytes_ += key.size();
  ++writes_;
}

size_t WriteTxn::Count() const {
  size_t n = 0;
  for (const Overlay& overlay : overlays_) n += overlay.size();
  return n;
}

absl::Status WriteTxn::Scan(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                            const std::function<bool(absl::string_view, absl::string_view)>& fn) {
  std::string end = prefix;
  // The first key after every key that starts with `prefix`.
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return ScanRange(cf, prefix, end, fn);
}

absl::Status WriteTxn::ScanRange(
    rocksdb::ColumnFamilyHandle* cf, const std::string& begin, const std::string& end,
    const std::function<bool(absl::string_view, absl::string_view)>& fn) {
  auto in_range = [&](absl::string_view key) { return end.empty() || key < end; };
  // This group's writes over the parent group's, for the range.
  Overlay merged;
  const Overlay* sources[] = {parent_ != nullptr ? parent_->FindOverlay(cf) : nullptr,
                              FindOverlay(cf)};
  for (const Overlay* source : sources) {
    if (source == nullptr) continue;
    for (auto it = source->lower_bound(begin); it != source->end() && in_range(it->first); ++it) {
      merged[it->first] = it->second;
    }
  }
  auto mine = merged.begin();
  std::unique_ptr<rocksdb::Iterator> theirs(db_->db()->NewIterator(rocksdb::ReadOptions(), cf));
  theirs->Seek(begin);
  auto theirs_valid = [&] { return theirs->Valid() && in_range(ToView(theirs->key())); };

  while (true) {
    const bool a = mine != merged.end(), b = theirs_valid();
    if (!a && !b) break;
    // Take the smaller key; on a tie this group's write hides the database's.
    int order = !a ? 1 : !b ? -1 : absl::string_view(mine->first).compare(ToView(theirs->key()));
    if (order <= 0) {
      if (order == 0) theirs->Next();
      if (mine->second && !fn(mine->first, *mine->second)) break;
      ++mine;
    } else {
      if (!fn(ToView(theirs->key()), ToView(theirs->value()))) break;
      theirs->Next();
    }
  }
  return FromRocks(theirs->status(), "scanning during apply");
}

absl::Status WriteTxn::Commit(bool sync) {
  // The batch is built in key order, one write per key: consecutive memtable inserts
  // then land next to each other, which makes RocksDB's skiplist insert reuse most of
  // its search path (about twice as cheap as inserting in arrival order).
  rocksdb::WriteBatch batch(bytes_ + 64 * Count() + 64);
  for (size_t id = 0; id < overlays_.size(); ++id) {
    if (overlays_[id].empty()) continue;
    rocksdb::ColumnFamilyHandle* cf = db_->FamilyById(static_cast<uint32_t>(id));
    for (const auto& [key, value] : overlays_[id]) {
      rocksdb::Status s = value ? batch.Put(cf, key, *value) : batch.Delete(cf, key);
      if (!s.ok()) return FromRocks(s, "building a write batch");
    }
  }
  rocksdb::WriteOptions options;
  options.sync = sync;
  return FromRocks(db_->db()->Write(options, &batch), "committing a write batch");
}

void WriteTxn::Clear() {
  parent_ = nullptr;
  bytes_ = 0;
  for (Overlay& overlay : overlays_) overlay.clear();
}

}  // namespace pacto
