// A record's concurrent versions: a multi-value register over dots.
//
// Merging a write: the versions it supersedes (the ones its writer saw) go; the write
// becomes a new version beside whatever it did not see. Causal delivery guarantees a
// write never arrives before a version it supersedes, so merging is commutative for
// concurrent writes and every node converges on the same set of versions.
//
// Erasure wins: an ERASE removes concurrent versions too, and stays for good: any
// later non-erasure write of that record is dropped on arrival, so erased data cannot
// come back through a write that had not seen the erasure, in whatever order writes
// arrive. (Ids of erasable records are never reused.) Persons are the exception: a
// person erased in one region may be enrolled again, concurrently, in another, and
// that new membership needs its person; a person value the erasure did not supersede
// therefore survives beside it, and a later enrolment may supersede the erasure.
//
// The visible value is the winner: live versions beat tombstones, then the higher
// hybrid-clock timestamp, then the higher dot. Every node picks the same winner.
#ifndef PACTO_NODE_STORE_RECORD_STATE_H_
#define PACTO_NODE_STORE_RECORD_STATE_H_

#include <cstdint>
#include <vector>

#include "node/store/version_vector.h"
#include "pacto/v1/log.pb.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {

struct MergeOutcome {
  bool changed = false;  // the set of versions changed
  bool dropped = false;  // the write lost to an erasure and left no version
  // Dots of versions removed by this merge, superseded or erased.
  std::vector<v1::Dot> removed;
};

// Merges `op`, written as `dot` at `hlc` by `principal`, into `state` and appends it
// to the record's history.
MergeOutcome MergeOp(v1::RecordState* state, const v1::Op& op, const v1::Dot& dot, uint64_t hlc,
                     const std::string& principal);

// Merges a record's state from another node's snapshot into this node's, using each
// side's version vector as its causal context: a version one side lacks although its
// vector covers the version's dot was removed there (superseded or erased) and goes;
// a version it lacks and does not cover was never seen there and stays. Erasures of
// erasable records stay for good and still win. Histories are united.
v1::RecordState MergeStates(const v1::RecordState& local, const v1::RecordState& remote,
                            const VersionVector& local_vv, const VersionVector& remote_vv,
                            v1::RecordType type);

// The winning version, or nullptr when the record has no versions at all.
const v1::Version* Winner(const v1::RecordState& state);

// True when the winner is a value (not a tombstone).
bool IsLive(const v1::RecordState& state);

// True when more than one version is held: a conflict to surface.
inline bool HasConflict(const v1::RecordState& state) { return state.versions_size() > 1; }

bool SameDot(const v1::Dot& a, const v1::Dot& b);
// Orders dots by origin, then sequence.
bool DotLess(const v1::Dot& a, const v1::Dot& b);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_RECORD_STATE_H_
