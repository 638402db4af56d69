#include "node/store/write_txn.h"

#include <cstring>
#include <memory>

#include "node/store/keys.h"

namespace pacto {

absl::string_view WriteTxn::Arena::Copy(absl::string_view bytes) {
  if (bytes.empty()) return absl::string_view();
  char* out;
  if (bytes.size() > kBlock / 8) {
    // A large value gets a block of its own.
    large_.push_back(std::make_unique<char[]>(bytes.size()));
    out = large_.back().get();
  } else {
    if (bytes.size() > left_) {
      if (next_ != nullptr) ++current_;  // else nothing was handed out since Reset
      if (current_ >= blocks_.size()) blocks_.push_back(std::make_unique<char[]>(kBlock));
      next_ = blocks_[current_].get();
      left_ = kBlock;
    }
    out = next_;
    next_ += bytes.size();
    left_ -= bytes.size();
  }
  std::memcpy(out, bytes.data(), bytes.size());
  return absl::string_view(out, bytes.size());
}

void WriteTxn::Arena::Reset() {
  // The blocks are kept for the next group (a bulk load's groups are alike in size):
  // handing them back and taking fresh ones cost a page fault per 4 KB touched.
  large_.clear();
  current_ = 0;
  next_ = blocks_.empty() ? nullptr : blocks_[0].get();
  left_ = blocks_.empty() ? 0 : kBlock;
}

WriteTxn::WriteTxn(Database* db) : db_(db) {}

WriteTxn::Overlay& WriteTxn::OverlayOf(rocksdb::ColumnFamilyHandle* cf) {
  const uint32_t id = cf->GetID();
  if (id >= overlays_.size()) overlays_.resize(id + 1);
  return overlays_[id];
}

const WriteTxn::Overlay* WriteTxn::FindOverlay(rocksdb::ColumnFamilyHandle* cf) const {
  const uint32_t id = cf->GetID();
  return id < overlays_.size() && !overlays_[id].index.empty() ? &overlays_[id] : nullptr;
}

WriteTxn::Slot& WriteTxn::SlotOf(Overlay& overlay, absl::string_view key,
                                 absl::string_view* key_copy) {
  auto it = overlay.index.find(key);
  if (it == overlay.index.end()) {
    Slot& fresh = slots_.emplace_back();
    fresh.state = Slot::kReadAbsent;
    it = overlay.index.emplace(arena_.Copy(key), &fresh).first;
  }
  *key_copy = it->first;
  return *it->second;
}

absl::StatusOr<bool> WriteTxn::Get(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                                   std::string* value) {
  for (const WriteTxn* txn = this; txn != nullptr; txn = txn == this ? parent_ : nullptr) {
    const Overlay* overlay = txn->FindOverlay(cf);
    if (overlay == nullptr) continue;
    auto it = overlay->index.find(ToView(key));
    if (it != overlay->index.end()) {
      const Slot& slot = *it->second;
      if (!slot.present()) return false;
      value->assign(slot.data, slot.size);
      return true;
    }
  }
  rocksdb::Status s = db_->db()->Get(rocksdb::ReadOptions(), cf, key, value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading during apply");
  if (cf == db_->records() || cf == db_->tallies()) {
    absl::string_view key_copy;
    Slot& slot = SlotOf(OverlayOf(cf), ToView(key), &key_copy);
    if (s.ok()) {
      absl::string_view copy = arena_.Copy(*value);
      slot.data = copy.data();
      slot.size = static_cast<uint32_t>(copy.size());
      slot.state = Slot::kReadFound;
    } else {
      slot.state = Slot::kReadAbsent;
    }
  }
  return s.ok();
}

void WriteTxn::Write(rocksdb::ColumnFamilyHandle* cf, absl::string_view key, Slot::State state,
                     absl::string_view value) {
  Overlay& overlay = OverlayOf(cf);
  absl::string_view key_copy;
  Slot& slot = SlotOf(overlay, key, &key_copy);
  if (slot.written()) {
    bytes_ -= key.size() + slot.size;
  } else {
    ++written_keys_;
    overlay.written.emplace(key_copy, &slot);
  }
  absl::string_view copy = arena_.Copy(value);
  slot.data = copy.data();
  slot.size = static_cast<uint32_t>(copy.size());
  slot.state = state;
  bytes_ += key.size() + value.size();
  ++writes_;
}

void WriteTxn::Put(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                   const rocksdb::Slice& value) {
  Write(cf, ToView(key), Slot::kPut, ToView(value));
}

void WriteTxn::Delete(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key) {
  Write(cf, ToView(key), Slot::kDeleted, absl::string_view());
}

size_t WriteTxn::Count() const { return written_keys_; }

absl::Status WriteTxn::Scan(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                            const std::function<bool(absl::string_view, absl::string_view)>& fn) {
  std::string end = prefix;
  // The first key after every key that starts with `prefix`.
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return ScanRange(cf, prefix, end, fn);
}

absl::Status WriteTxn::ScanChecked(
    rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
    const std::function<absl::StatusOr<bool>(absl::string_view, absl::string_view)>& fn) {
  absl::Status failed;
  absl::Status scanned = Scan(cf, prefix, [&](absl::string_view key, absl::string_view value) {
    absl::StatusOr<bool> more = fn(key, value);
    if (!more.ok()) failed = more.status();
    return more.ok() && *more;
  });
  return failed.ok() ? scanned : failed;
}

absl::Status WriteTxn::ScanRange(
    rocksdb::ColumnFamilyHandle* cf, const std::string& begin, const std::string& end,
    const std::function<bool(absl::string_view, absl::string_view)>& fn) {
  auto in_range = [&](absl::string_view key) { return end.empty() || key < end; };
  // This group's writes over the parent group's, for the range. Remembered reads are
  // what the database holds, so the iterator below yields them anyway.
  absl::btree_map<absl::string_view, const Slot*> merged;
  const Overlay* sources[] = {parent_ != nullptr ? parent_->FindOverlay(cf) : nullptr,
                              FindOverlay(cf)};
  for (const Overlay* source : sources) {
    if (source == nullptr) continue;
    for (auto it = source->written.lower_bound(begin);
         it != source->written.end() && in_range(it->first); ++it) {
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
    int order = !a ? 1 : !b ? -1 : mine->first.compare(ToView(theirs->key()));
    if (order <= 0) {
      if (order == 0) theirs->Next();
      if (mine->second->present() && !fn(mine->first, mine->second->value())) break;
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
    if (overlays_[id].written.empty()) continue;
    rocksdb::ColumnFamilyHandle* cf = db_->FamilyById(static_cast<uint32_t>(id));
    for (const auto& [key, slot] : overlays_[id].written) {
      const rocksdb::Slice k(key.data(), key.size());
      rocksdb::Status s = slot->state == Slot::kPut
                              ? batch.Put(cf, k, rocksdb::Slice(slot->data, slot->size))
                              : batch.Delete(cf, k);
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
  written_keys_ = 0;
  for (Overlay& overlay : overlays_) {
    // Sized for a group like this one, so the next does not rehash as it grows.
    const size_t keys = overlay.index.size();
    overlay.index.clear();
    overlay.index.reserve(keys);
    overlay.written.clear();
  }
  slots_.clear();
  arena_.Reset();
}

}  // namespace pacto
