#include "node/admin/admin_events.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "node/store/keys.h"
#include "rocksdb/write_batch.h"

namespace pacto {
namespace {

constexpr char kEventPrefix[] = "admin_event/";
constexpr size_t kMaxNameBytes = 256;

std::string EventKey(uint64_t seq) {
  std::string key = kEventPrefix;
  PutBigEndian64(&key, seq);
  return key;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AdminEventLog>> AdminEventLog::Open(const Database* db) {
  std::unique_ptr<rocksdb::Iterator> it(db->db()->NewIterator(rocksdb::ReadOptions(), db->meta()));
  uint64_t next = 1;
  it->SeekForPrev(EventKey(UINT64_MAX));
  if (it->Valid() && it->key().starts_with(kEventPrefix)) {
    const absl::string_view key = ToView(it->key());
    if (key.size() != sizeof(kEventPrefix) - 1 + 8) {
      return absl::DataLossError("malformed administrative event key in the data dir");
    }
    next = GetBigEndian64(key.substr(sizeof(kEventPrefix) - 1)) + 1;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading administrative events");
  return std::unique_ptr<AdminEventLog>(new AdminEventLog(db, next));
}

absl::Status AdminEventLog::Record(v1::AdminEvent event) {
  // Names come from remote callers: no control bytes reach a terminal or a log.
  std::string name = absl::CHexEscape(event.name());
  if (name.size() > kMaxNameBytes) name.resize(kMaxNameBytes);
  event.set_name(std::move(name));
  event.set_time(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()));
  absl::MutexLock lock(&mu_);
  const uint64_t seq = next_;
  rocksdb::WriteBatch batch;
  batch.Put(db_->meta(), EventKey(seq), event.SerializeAsString());
  if (seq > kKept) batch.Delete(db_->meta(), EventKey(seq - kKept));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  absl::Status written = FromRocks(db_->db()->Write(sync, &batch), "recording an event");
  if (written.ok()) ++next_;
  return written;
}

absl::StatusOr<v1::EventsResponse> AdminEventLog::List(uint32_t limit) const {
  if (limit == 0) limit = kDefaultLimit;
  v1::EventsResponse response;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->meta()));
  for (it->SeekForPrev(EventKey(UINT64_MAX)); it->Valid() && it->key().starts_with(kEventPrefix) &&
                                              response.events_size() < static_cast<int>(limit);
       it->Prev()) {
    if (!response.add_events()->ParseFromArray(it->value().data(),
                                               static_cast<int>(it->value().size()))) {
      return absl::DataLossError("malformed administrative event in the data dir");
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading administrative events");
  return response;
}

}  // namespace pacto
