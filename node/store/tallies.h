// Counters that reports read without scanning: chapters, persons, active and
// federation members, federation-wide and per region (rolled up the region tree), and
// per-chapter tallies. The apply path keeps them in memory, changes them as writes are
// applied and writes the changed ones into each group commit; they are the
// authoritative copy while the node runs.
//
// Key layout in the tallies family:
//   'g' name                 → int64 counter (federation-wide)
//   'r' region \0 name       → int64 counter (the region's subtree)
//   's' sector \0 name       → int64 counter (chapters of the sector)
//   'c' chapter              → ChapterTally
//   'p' person               → PersonTally (read and written through the WriteTxn)
//
// Not thread-safe: owned by the apply path. Readers use ReadCounter on the database.
#ifndef PACTO_NODE_STORE_TALLIES_H_
#define PACTO_NODE_STORE_TALLIES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "node/store/database.h"
#include "node/store/write_txn.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {

inline constexpr absl::string_view kChaptersCounter = "chapters";
inline constexpr absl::string_view kPersonsCounter = "persons";
inline constexpr absl::string_view kActiveCounter = "active_members";
inline constexpr absl::string_view kFederationCounter = "federation_members";
std::string LevelCounter(absl::string_view level);  // chapters of one level

std::string GlobalCounterKey(absl::string_view name);
std::string RegionCounterKey(absl::string_view region, absl::string_view name);
// 's' sector \0 name: chapters and active members (distinct people) of one sector.
std::string SectorCounterKey(absl::string_view sector, absl::string_view name);
std::string ChapterTallyKey(absl::string_view chapter);
std::string PersonTallyKey(absl::string_view person);

// A committed counter's value (0 when never written).
absl::StatusOr<int64_t> ReadCounter(const Database& db, const std::string& key,
                                    const rocksdb::Snapshot* snapshot = nullptr);

class Tallies {
 public:
  explicit Tallies(Database* db) : db_(db) {}

  absl::Status AddCounter(const std::string& key, int64_t delta);
  // The chapter's tally, loaded on first use; changes through the pointer are written
  // by the next Flush. Stable until Reset().
  absl::StatusOr<v1::ChapterTally*> Chapter(absl::string_view chapter_id);

  // Puts every counter and chapter tally changed since the last Flush into `txn`.
  void Flush(WriteTxn& txn);
  // Forgets everything cached (after a failed commit the disk is the truth).
  void Reset();

 private:
  struct Counter {
    int64_t value = 0;
    bool dirty = false;
  };
  struct ChapterEntry {
    v1::ChapterTally tally;
    bool dirty = false;
  };

  Database* const db_;
  // Node-based: the dirty lists point into them. Every row of an import moves a
  // dozen counters, so a change costs one lookup and a flag, and each dirty counter
  // is written once per group commit.
  absl::node_hash_map<std::string, Counter> counters_;       // by key
  absl::node_hash_map<std::string, ChapterEntry> chapters_;  // by chapter id
  std::vector<std::pair<const std::string*, Counter*>> dirty_counters_;
  std::vector<std::pair<const std::string*, ChapterEntry*>> dirty_chapters_;
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_TALLIES_H_
