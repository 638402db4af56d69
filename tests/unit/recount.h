// Test oracle for the derived data the apply path maintains incrementally
// (node/store/derived_data.h, tallies.h): recomputes counters, per-chapter and
// per-person tallies and secondary indexes from nothing but a full scan of the records
// family (each record's winning value), and reads what the node actually stored, in
// the same shape, so a test can compare the two with one EXPECT_EQ after any step.
//
// Definitions (DESIGN §2.1, §3), over live records' winning values:
//   chapters            live chapter records
//   persons             live person records
//   active_members      distinct persons with at least one active membership
//   federation_members  distinct persons with an active membership in a "connected"
//                       chapter: a live chapter of level pact, or a live chapter whose
//                       active affiliation's parent is connected
//   level/<level>       live chapters of that level
//   region/<code>/<c>   the same counters for the region's subtree: chapters homed in
//                       the region or a descendant (following live region records'
//                       parents), distinct persons with an active membership in such
//                       a chapter, and of those the federation members
//   sector/<s>/chapters, sector/<s>/active_members   chapters of the sector, and
//                       distinct persons with an active membership in one of them
//   chapter/<id>/active_memberships, chapter/<id>/connected   (ChapterTally)
//   person/<id>/active, person/<id>/connected,
//   person/<id>/region/<code>/active, .../connected          (PersonTally)
//   person/<id>/sector/<s>/active
// Counts that are zero are left out on both sides, so "never written" and "back to
// zero" compare equal.
//
// Usage:
//   EXPECT_EQ(*ReadStoredCounts(db), *RecountFromRecords(db));
//   EXPECT_EQ(*ReadStoredIndexes(db), *RebuildIndexes(db));
//   EXPECT_EQ(*ReadStoredDigest(db), *RecomputeDigest(db));
//
// Reads committed data only (no WriteTxn); call between commits. Thread-compatible.
#ifndef PACTO_TESTS_UNIT_RECOUNT_H_
#define PACTO_TESTS_UNIT_RECOUNT_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "node/store/database.h"
#include "node/store/digest.h"

namespace pacto {

// Counter name → value; names as described above. Zero values omitted.
using CountMap = std::map<std::string, int64_t>;

// Recomputes every count from the records family.
absl::StatusOr<CountMap> RecountFromRecords(const Database& db);

// What the node stored in the tallies family, in the same names.
absl::StatusOr<CountMap> ReadStoredCounts(const Database& db);

// A name's value in `counts` (0 when absent). E.g. Count(c, "active_members").
int64_t Count(const CountMap& counts, absl::string_view name);

// Only the federation-wide counters ("chapters", "persons", "active_members",
// "federation_members" and "level/..."), for compact expectations.
CountMap GlobalCounts(const CountMap& counts);

// Index key → value, as the indexes family should hold it / holds it.
using IndexMap = std::map<std::string, std::string>;
absl::StatusOr<IndexMap> RebuildIndexes(const Database& db);
absl::StatusOr<IndexMap> ReadStoredIndexes(const Database& db);

// The registry digest summed from scratch over the records family (digest.h), and the
// one the apply path last committed to the metadata family.
absl::StatusOr<Digest> RecomputeDigest(const Database& db);
absl::StatusOr<Digest> ReadStoredDigest(const Database& db);

}  // namespace pacto

#endif  // PACTO_TESTS_UNIT_RECOUNT_H_
