// State snapshots (DESIGN §5): how a node catches up when the entries it lacks are no
// longer in any peer's log, and how a brand-new node starts. The sender streams its
// version vector (the snapshot's causal context) and then every record with all its
// versions, in key order; the receiver merges each record with its own using both
// vectors (MergeStates), walking its own records alongside so that one it holds and
// the sender lacks is merged too, and at the end covers what the sender covered.
// Merging is idempotent, so an interrupted snapshot is simply taken again.
//
// Chunks are checked and staged as they arrive, unseen, and merged only once the last
// is in: a snapshot that breaks off (a broken stream, a refused timestamp or
// signature) leaves nothing behind. Merging part of one let a node hold versions its
// vector did not cover; its own later writes could depend on them, and a peer pulling
// those writes from its log got them without what they depend on (nemesis seeds 1207,
// 1430).
//
// The staged chunks are then merged in order, one pipeline item each. Until that is
// done the node serves no pulls or snapshots (its vector does not yet cover what it
// shows); a crash part way leaves the staging marked complete, and the next session
// merges it again from the first chunk (merging is idempotent) before anything else.
// What the node shows never refers to what it lacks: record types come in key order
// from what is referred to (regions, chapters) to what refers (memberships, officer
// terms), and a record that stops being live is held back and merged last, in the
// reverse order, after whatever referred to it.
//
// Secure mode (region authority, DESIGN §5 invariant 9): a snapshot is no way around
// entry signatures. Every version a chunk carries comes with the signed entry that
// wrote it (entry_evidence.h) and its origin's certificate; the receiver checks the
// certificate against the federation CA, the entry's signature, that the entry wrote
// exactly that version (record, kind, timestamp, value hash), and, once the chunk's
// records are merged, that the origin's certified region covers it and agrees with
// what it writes — the checks a pulled entry gets. A chunk that fails any of them is
// refused whole (nothing of it is committed) and the session fails. The entries are
// kept as evidence, so the receiver can serve the same proof onwards.
//
// What a snapshot's signatures do not prove: that the sender left nothing out (its
// version vector, which says what it covers, is its own word, so a rogue sender can
// hide versions and records, and make the receiver drop versions its vector claims
// to have seen superseded), and the audit history (who changed a record, when), which
// travels unsigned.
#ifndef PACTO_NODE_REPLICATION_SNAPSHOT_H_
#define PACTO_NODE_REPLICATION_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "node/base/hlc.h"
#include "node/store/commit_pipeline.h"
#include "node/store/database.h"
#include "node/store/entry_authenticator.h"
#include "node/store/read_view.h"
#include "node/store/version_vector.h"
#include "pacto/v1/replication.pb.h"

namespace pacto {

inline constexpr size_t kSnapshotChunkBytes = 1 << 20;
inline constexpr char kMergingSnapshotMessage[] =
    "this node is merging a snapshot; try again shortly";

// Streams a snapshot of `db` in chunks of about `chunk_bytes` (0: the default);
// `emit` returns false when the receiver has gone.
absl::Status ShipSnapshot(const Database& db, size_t chunk_bytes,
                          const std::function<bool(const v1::SnapshotChunk&)>& emit,
                          uint64_t* records_sent);

// Whether a snapshot is being merged into the registry `view` reads: its log and
// records are then no base for a peer's pull (answer UNAVAILABLE).
absl::StatusOr<bool> MergingSnapshot(const ReadView& view);

// The receiving side. Feed it the chunks in order; each is checked and staged through
// the commit pipeline before Add returns, and the last one merges them all. Not
// thread-safe.
class SnapshotMerger {
 public:
  // `hlc` observes every timestamp the snapshot carries: a chunk holding one too far
  // ahead of this node's clock is refused, as the same write would be in a pull.
  // `authenticator` (secure mode; null in development mode) checks every version's
  // evidence; `db` keeps the origins' certificates it learns. Both must outlive the
  // merger.
  SnapshotMerger(CommitPipeline* pipeline, HybridClock* hlc, std::string principal,
                 EntryAuthenticator* authenticator = nullptr, Database* db = nullptr)
      : pipeline_(pipeline),
        hlc_(hlc),
        principal_(std::move(principal)),
        authenticator_(authenticator),
        db_(db) {}

  // Checks and stages the chunk (the first one drops whatever an earlier snapshot
  // left staged); the last one also merges the whole snapshot into the registry.
  absl::Status Add(const v1::SnapshotChunk& chunk);

  // Merges a snapshot left wholly staged (a crash during its merge); a no-op when
  // there is none. Call before pulling.
  absl::Status Resume();

  bool finished() const { return finished_; }
  uint64_t records_merged() const { return records_; }

 private:
  // A version's region check, run once the chunk's records are merged (what it
  // writes may refer to records of the same chunk).
  struct RegionCheck {
    v1::Entry entry;     // the evidence's header with the one op that wrote the version
    std::string region;  // the origin's certified region
  };
  // Structure, timestamps and (secure mode) signatures, before the chunk is staged.
  absl::Status Check(const v1::SnapshotChunk& chunk);
  // Merges one staged chunk with this node's records between the previous chunk's
  // last key and this chunk's; the last chunk also merges the rest and the vector.
  absl::Status MergeChunk(const v1::SnapshotChunk& chunk);
  // MergeChunk's steps, inside its pipeline item. Merges one record now, or holds it
  // back (removals_) when the merge would end it here.
  absl::Status MergeOrHold(WriteContext& ctx, v1::RecordType type, const std::string& id,
                           const v1::RecordState& remote);
  // Merges this node's records from next_key_ to `end` and the chunk's (`theirs`, by
  // record key); `*merged` counts the chunk's.
  absl::Status MergeRange(WriteContext& ctx,
                          const std::map<std::string, const v1::SnapshotRecord*>& theirs,
                          const std::string& end, uint64_t* merged);
  // Secure mode: keeps the chunk's entries as evidence (entry_evidence.h).
  absl::Status KeepChunkEvidence(WriteContext& ctx, const v1::SnapshotChunk& chunk);
  // After the last chunk: the merges held back, in reverse type order, then the
  // sender's vector.
  absl::Status MergeHeldBack(WriteContext& ctx);
  absl::StatusOr<bool> ReadMeta(const std::string& key, std::string* value);
  // Drops every staged chunk and the staging's marker.
  absl::Status ClearStaged();
  // Secure mode: checks every version of `chunk` against its evidence (signatures,
  // outside the commit pipeline) and returns the region checks still to run.
  absl::StatusOr<std::vector<RegionCheck>> CheckEvidence(const v1::SnapshotChunk& chunk);

  CommitPipeline* const pipeline_;
  HybridClock* const hlc_;
  const std::string principal_;
  EntryAuthenticator* const authenticator_;
  Database* const db_;
  bool started_ = false;
  VersionVector remote_vv_;  // the sender's causal context, from the first chunk
  uint64_t staged_chunks_ = 0;
  std::string next_key_;  // this node's records before it are merged
  uint64_t records_ = 0;
  bool finished_ = false;
  struct Removal {
    v1::RecordType type;
    std::string id;
    v1::RecordState remote;  // empty when the sender lacks the record
  };
  std::vector<Removal> removals_;  // merges that end a live record, held to the end
};

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_SNAPSHOT_H_
