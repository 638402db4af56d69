#include "node/store/tallies.h"

#include "absl/strings/str_cat.h"
#include "node/store/keys.h"

namespace pacto {
namespace {

std::string EncodeCounter(int64_t v) {
  std::string out;
  PutBigEndian64(&out, static_cast<uint64_t>(v));
  return out;
}

}  // namespace

std::string LevelCounter(absl::string_view level) { return absl::StrCat("level/", level); }

std::string GlobalCounterKey(absl::string_view name) { return absl::StrCat("g", name); }

std::string RegionCounterKey(absl::string_view region, absl::string_view name) {
  std::string key = absl::StrCat("r", region);
  key.push_back('\0');
  key.append(name.data(), name.size());
  return key;
}

std::string SectorCounterKey(absl::string_view sector, absl::string_view name) {
  std::string key = absl::StrCat("s", sector);
  key.push_back('\0');
  key.append(name.data(), name.size());
  return key;
}

std::string ChapterTallyKey(absl::string_view chapter) { return absl::StrCat("c", chapter); }
std::string PersonTallyKey(absl::string_view person) { return absl::StrCat("p", person); }

absl::StatusOr<int64_t> ReadCounter(const Database& db, const std::string& key,
                                    const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot;
  std::string value;
  rocksdb::Status s = db.db()->Get(options, db.tallies(), key, &value);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return FromRocks(s, "reading a counter");
  if (value.size() != 8) return absl::DataLossError(absl::StrCat("malformed counter ", key));
  return static_cast<int64_t>(GetBigEndian64(value));
}

absl::Status Tallies::AddCounter(const std::string& key, int64_t delta) {
  auto it = counters_.find(key);
  if (it == counters_.end()) {
    absl::StatusOr<int64_t> stored = ReadCounter(*db_, key);
    if (!stored.ok()) return stored.status();
    it = counters_.emplace(key, Counter{*stored, false}).first;
  }
  Counter& counter = it->second;
  counter.value += delta;
  if (!counter.dirty) {
    counter.dirty = true;
    dirty_counters_.emplace_back(&it->first, &counter);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ChapterTally*> Tallies::Chapter(absl::string_view chapter_id) {
  auto it = chapters_.find(chapter_id);
  if (it == chapters_.end()) {
    ChapterEntry entry;
    std::string value;
    rocksdb::Status s =
        db_->db()->Get(rocksdb::ReadOptions(), db_->tallies(), ChapterTallyKey(chapter_id), &value);
    if (s.ok()) {
      if (!entry.tally.ParseFromString(value)) {
        return absl::DataLossError(absl::StrCat("malformed chapter tally ", chapter_id));
      }
    } else if (!s.IsNotFound()) {
      return FromRocks(s, "reading a chapter tally");
    }
    it = chapters_.emplace(std::string(chapter_id), std::move(entry)).first;
  }
  ChapterEntry& entry = it->second;
  if (!entry.dirty) {
    entry.dirty = true;
    dirty_chapters_.emplace_back(&it->first, &entry);
  }
  return &entry.tally;
}

void Tallies::Flush(WriteTxn& txn) {
  for (auto& [key, counter] : dirty_counters_) {
    txn.Put(db_->tallies(), *key, EncodeCounter(counter->value));
    counter->dirty = false;
  }
  for (auto& [id, entry] : dirty_chapters_) {
    txn.Put(db_->tallies(), ChapterTallyKey(*id), entry->tally.SerializeAsString());
    entry->dirty = false;
  }
  dirty_counters_.clear();
  dirty_chapters_.clear();
}

void Tallies::Reset() {
  dirty_counters_.clear();
  dirty_chapters_.clear();
  counters_.clear();
  chapters_.clear();
}

}  // namespace pacto
