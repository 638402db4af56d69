// The nemesis test's random writes, and the ledger of what every node acknowledged.
//
// Writes of every kind go through a node's Registry, as a client's would: regions,
// chapters (some with a parent), concurrent updates of a few "hot" chapters from
// different nodes, affiliation changes, enrolments with and without national ids
// (a small pool of ids, so one person is enrolled in two partitions), transfers,
// ends, erasures, officer terms, formation records and small import batches with
// bad rows. Ids come from the test's pools, so a write may name a record its node has
// not seen yet: refusals are normal and counted; only internal errors fail the test.
//
// For each acknowledged write the ledger keeps its dot (origin, sequence), its ops as
// the node logged them, and the writer's version vector just before it (what the
// write saw, which an erasure supersedes). For each person version it keeps the
// person's name, so the checks can tell which names an erasure must have removed.
//
// Not thread-safe.
#ifndef PACTO_TESTS_NEMESIS_WORKLOAD_H_
#define PACTO_TESTS_NEMESIS_WORKLOAD_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "node/store/version_vector.h"
#include "pacto/v1/log.pb.h"
#include "tests/nemesis/nemesis_world.h"

namespace pacto {

struct AckedWrite {
  std::string node;
  std::string what;  // the kind of write, for messages
  v1::Dot dot;
  std::vector<v1::Op> ops;  // as logged: type, id, kind (no values)
  VersionVector seen;       // the writer's vector just before the write
};

// One version of a person record and the name it carries.
struct PersonName {
  std::string person;
  v1::Dot dot;
  std::string name;
};

struct Ledger {
  std::vector<AckedWrite> acked;
  std::vector<PersonName> names;
  uint64_t attempted = 0;
  uint64_t refused = 0;
  std::map<std::string, uint64_t> acked_by_kind;
};

class Workload {
 public:
  explicit Workload(NemesisWorld* world);

  // Regions BO, LPZ and SCZ, and the top of the structure (a pact, a confederation
  // and a federation per department), written on `national`.
  void Bootstrap(SimNode& national);
  // One random write on `node`.
  void RandomWrite(SimNode& node);

  const Ledger& ledger() const { return ledger_; }

 private:
  struct ChapterRef {
    std::string id;
    std::string region;
    int rank = 0;  // ChapterLevelRank
  };

  // Runs one registry write on `node` and, when acknowledged, records it.
  template <typename Response, typename Call>
  bool Write(SimNode& node, const std::string& what, Call call, Response* out);
  void RecordAck(SimNode& node, const std::string& what, const VersionVector& seen, uint64_t seq);

  void AddRegion(SimNode& node);
  void AddChapter(SimNode& node);
  void UpdateChapter(SimNode& node);
  void ChangeAffiliation(SimNode& node);
  void Enrol(SimNode& node);
  void Import(SimNode& node);
  void Transfer(SimNode& node);
  void End(SimNode& node);
  void Remove(SimNode& node);
  void AppointOfficer(SimNode& node);
  void RecordFormation(SimNode& node);

  std::string AddChapterOn(SimNode& node, const std::string& name, const std::string& level,
                           const std::string& region, const std::string& parent);
  const ChapterRef& PickChapter(bool hot);
  // A chapter of higher rank than `rank`, or null when there is none.
  const ChapterRef* PickParent(int rank);
  // A membership, preferably one `node` holds.
  std::string PickMembership(SimNode& node);
  std::string PickNationalId();
  std::string NewName();
  std::string HomeRegionFor(SimNode& node);

  NemesisWorld* const world_;
  Ledger ledger_;
  std::vector<std::string> regions_;  // codes of regions created
  std::vector<ChapterRef> chapters_;
  std::vector<std::string> memberships_;
  std::vector<std::string> national_ids_;
  uint64_t names_ = 0;
};

}  // namespace pacto

#endif  // PACTO_TESTS_NEMESIS_WORKLOAD_H_
