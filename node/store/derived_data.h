// Secondary indexes and tallies, derived from records' winning values. The apply path
// calls OnWinnerChange whenever a record's winner changes, whether the write was local
// or replicated, so derived data always equals what a full scan of the records would
// compute (tests rebuild it and compare).
//
// Connectivity: a chapter is "connected" when its chain of active affiliations
// reaches a chapter of level pact. Affiliating or disaffiliating a chapter flips its
// whole subtree, and each active membership in a flipped chapter moves its person in
// or out of the federation-member count: the cost is proportional to the members
// under the chapter that moved, paid once, so reports never scan.
//
// Not thread-safe: owned by the apply path.
#ifndef PACTO_NODE_STORE_DERIVED_DATA_H_
#define PACTO_NODE_STORE_DERIVED_DATA_H_

#include <string>

#include "absl/status/status.h"
#include "node/store/database.h"
#include "node/store/structure_cache.h"
#include "node/store/tallies.h"
#include "node/store/write_txn.h"
#include "pacto/v1/log.pb.h"
#include "pacto/v1/model.pb.h"

namespace pacto {

// Membership index values: a status byte then the other side's id.
inline constexpr char kActiveMark = 'a';
char MembershipStatusMark(absl::string_view status);

class DerivedData {
 public:
  DerivedData(Database* db, Tallies* tallies, StructureCache* structure)
      : db_(db), tallies_(tallies), structure_(structure) {}

  // `before` and `after` are the serialized winning values, null when not live.
  absl::Status OnWinnerChange(WriteTxn& txn, v1::RecordType type, const std::string& id,
                              const std::string* before, const std::string* after);

 private:
  absl::Status OnChapter(WriteTxn& txn, const std::string& id, const std::string* before,
                         const std::string* after);
  absl::Status OnAffiliation(WriteTxn& txn, const std::string& id, const std::string* before,
                             const std::string* after);
  absl::Status OnMembership(WriteTxn& txn, const std::string& id, const std::string* before,
                            const std::string* after);
  absl::Status OnOfficerTerm(WriteTxn& txn, const std::string& id, const std::string* before,
                             const std::string* after);
  absl::Status OnFormation(WriteTxn& txn, const std::string& id, const std::string* before,
                           const std::string* after);

  // Adds `delta` (+1/-1) active memberships of `person` in `chapter` to every tally.
  absl::Status CountMembership(WriteTxn& txn, const std::string& person, const std::string& chapter,
                               int delta);
  // Moves `person` in or out of the connected tallies for one membership in a chapter
  // of `region` whose connectivity flipped.
  absl::Status CountConnected(WriteTxn& txn, const std::string& person, const std::string& region,
                              int delta);
  absl::Status AddChapterCount(WriteTxn& txn, const v1::Chapter& chapter, int delta);
  // Recomputes `chapter`'s connectivity and, where it flipped, its subtree's.
  absl::Status Reconnect(WriteTxn& txn, const std::string& chapter);

  Database* const db_;
  Tallies* const tallies_;
  StructureCache* const structure_;
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_DERIVED_DATA_H_
