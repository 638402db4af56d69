// State snapshots (DESIGN §5): how a node catches up when the entries it lacks are no
// longer in any peer's log, and how a brand-new node starts. The sender streams its
// version vector (the snapshot's causal context) and then every record with all its
// versions, in key order; the receiver merges each record with its own using both
// vectors (MergeStates), walking its own records alongside so that one it holds and
// the sender lacks is merged too, and at the end covers what the sender covered.
// Merging is idempotent, so an interrupted snapshot is simply taken again.
#ifndef PACTO_NODE_REPLICATION_SNAPSHOT_H_
#define PACTO_NODE_REPLICATION_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "node/store/commit_pipeline.h"
#include "node/store/database.h"
#include "node/store/version_vector.h"
#include "pacto/v1/replication.pb.h"

namespace pacto {

inline constexpr size_t kSnapshotChunkBytes = 1 << 20;

// Streams a snapshot of `db`; `emit` returns false when the receiver has gone.
absl::Status ShipSnapshot(const Database& db,
                          const std::function<bool(const v1::SnapshotChunk&)>& emit,
                          uint64_t* records_sent);

// The receiving side. Feed it the chunks in order; each is merged through the commit
// pipeline before Add returns. Not thread-safe.
class SnapshotMerger {
 public:
  SnapshotMerger(CommitPipeline* pipeline, std::string principal)
      : pipeline_(pipeline), principal_(std::move(principal)) {}

  // Merges the chunk's records and this node's records between the previous chunk's
  // last key and this chunk's; the last chunk also merges the rest and the vector.
  absl::Status Add(const v1::SnapshotChunk& chunk);

  bool finished() const { return finished_; }
  uint64_t records_merged() const { return records_; }

 private:
  CommitPipeline* const pipeline_;
  const std::string principal_;
  bool started_ = false;
  VersionVector remote_vv_;  // the sender's causal context, from the first chunk
  std::string next_key_;     // this node's records before it are merged
  uint64_t records_ = 0;
  bool finished_ = false;
};

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_SNAPSHOT_H_
