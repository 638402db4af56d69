// The nemesis test's checks of DESIGN §5's invariants, on real nodes' databases.
// Each reports through gtest (ADD_FAILURE / EXPECT) naming the node and the record,
// at most a few lines per check so that one broken seed stays readable; the caller
// adds the seed with SCOPED_TRACE.
//
// Any time between commits, on one node:
//   CheckDerivedData   counters, tallies, indexes (the conflict index included) and
//                      the digest equal a recount from the records (tests/unit/recount.h)
//   CheckConflictsListed  every record holding several versions is listed
//   CheckCausality     no live record refers to a record the node has not seen (2)
//   CheckNoFutureVersions  no write from a clock too far ahead was let in
//   CheckAckedWrites   every acknowledged write (of `origin`, or of anyone) is applied
//                      there: its dot is covered, and each record it wrote holds its
//                      version or lists it in its history, superseded (3)
// After a heal and quiesce, across nodes:
//   CheckConverged     equal digests, version vectors and full dumps of the records
//                      (versions compared exactly, histories as sets) (1, 8)
//   CheckErasures      no erased record is live; a person erased and live again has a
//                      winning version no erasure saw; no name an erasure removed is
//                      left in any node's records or log, byte for byte (5, 6)
#ifndef PACTO_TESTS_NEMESIS_INVARIANTS_H_
#define PACTO_TESTS_NEMESIS_INVARIANTS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node/store/database.h"
#include "tests/nemesis/sim_node.h"
#include "tests/nemesis/workload.h"

namespace pacto {

// Failed assertions in the running test so far (gtest's HasFailure() cannot tell one
// seed's failures from an earlier seed's).
int CurrentFailureCount();

// A node's records family, for comparing nodes.
struct RecordsDump {
  std::map<std::string, std::string> versions;           // record key → versions, serialized
  std::map<std::string, std::set<std::string>> history;  // record key → changes, serialized
  size_t conflicts = 0;                                  // records with several versions
};
absl::StatusOr<RecordsDump> DumpRecords(const Database& db);

void CheckDerivedData(SimNode& node);
void CheckConflictsListed(SimNode& node);
void CheckCausality(SimNode& node);
// No version written elsewhere is stamped further ahead of this node's clock than
// its maximum offset: such writes must be refused, by every path.
void CheckNoFutureVersions(SimNode& node, absl::Duration max_offset = absl::Minutes(5));
// Only the writes originated by `origin` when it is non-empty.
void CheckAckedWrites(SimNode& node, const Ledger& ledger, const std::string& origin = "");

void CheckConverged(const std::vector<SimNode*>& nodes);
void CheckErasures(const std::vector<SimNode*>& nodes, const Ledger& ledger);

// Live officer terms and formation records whose membership is no longer live: data
// about a person written concurrently with their erasure. Counted, not failed.
size_t CountOrphans(SimNode& node);

}  // namespace pacto

#endif  // PACTO_TESTS_NEMESIS_INVARIANTS_H_
