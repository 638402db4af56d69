// The one apply function (DESIGN §4): every mutation of the registry, written here or
// replicated from another node, is an Entry applied through this class. For each of
// the entry's ops it merges the new version into the record's versions, keeps the
// digest current, and updates indexes and tallies when the record's winner changes;
// then it appends the entry to the operation log (without values: see log_reader.h)
// and advances the version vector. All of it lands in the caller's WriteTxn, so one
// RocksDB write batch commits a write together with everything derived from it.
//
// Usage, remote entries:    applier.ApplyEntry(txn, entry, &applied);
// local writes, op by op (each op visible to the next one's validation):
//   applier.BeginEntry(txn, header);  applier.ApplyOp(txn, op) ...;  applier.EndEntry(txn);
// and before each commit:   applier.FlushTo(txn);
//
// Not thread-safe: owned by the commit pipeline's thread. REQUIRES: a failed commit is
// followed by Reload(), since in-memory state ran ahead of the disk.
#ifndef PACTO_NODE_STORE_APPLIER_H_
#define PACTO_NODE_STORE_APPLIER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "node/base/clock.h"
#include "node/store/database.h"
#include "node/store/derived_data.h"
#include "node/store/digest.h"
#include "node/store/entry_authenticator.h"
#include "node/store/structure_cache.h"
#include "node/store/tallies.h"
#include "node/store/version_vector.h"
#include "node/store/write_txn.h"
#include "pacto/v1/log.pb.h"

namespace pacto {

class Applier {
 public:
  // `clock` (time an entry was received, for freshness) must outlive the applier.
  // `authenticator` (secure mode; null in development mode) signs this node's entries
  // and checks region authority over replicated ones; it must outlive the applier.
  explicit Applier(Database* db, const Clock* clock = SystemClock(),
                   const EntryAuthenticator* authenticator = nullptr);

  // Loads the version vector, digest and log cursor from the database.
  absl::Status Reload();

  // Opens an entry from `header` (origin, seq, hlc, principal, origin region; its ops
  // are ignored). Returns false, and opens nothing, when this node already applied
  // it; fails with FAILED_PRECONDITION when the origin's earlier entries are missing
  // (delivery must be causal).
  absl::StatusOr<bool> BeginEntry(WriteTxn& txn, const v1::Entry& header);

  enum class Origin {
    kReplicated,  // the op names what it supersedes
    kLocal,       // written here: it supersedes every version held now, all seen
  };

  // Applies one op of the open entry.
  // REQUIRES: an open entry.
  absl::Status ApplyOp(WriteTxn& txn, v1::Op op, Origin origin = Origin::kReplicated);

  // Logs the open entry and advances the version vector. An entry without ops is
  // dropped and its sequence number is not used.
  absl::Status EndEntry(WriteTxn& txn);

  // Checks that every op of `entry` is well-formed (known type, id, kind, a value that
  // decodes as its record type) so that applying it cannot fail half way.
  static absl::Status ValidateOps(const v1::Entry& entry);

  // ValidateOps, BeginEntry, every op, EndEntry. `applied` says whether the entry was
  // new here. In secure mode the entry must also pass VerifyOrigin (skipped when the
  // caller already authenticated it — by its signature, or by a later entry's through
  // the hash chain, entry_chain.h — and passes its origin's certified region) and
  // CheckRegions.
  absl::Status ApplyEntry(WriteTxn& txn, const v1::Entry& entry, bool* applied,
                          const std::string* verified_region = nullptr);

  // Secure mode: the entry carries its origin's valid signature and continues the
  // origin's hash chain from `prev_hash` (the last_entry_hash of the origin's previous
  // entry; null when this node cannot know it: see ChainLink). Returns the origin's
  // certified region; PERMISSION_DENIED otherwise, naming the entry and what is
  // wrong. REQUIRES: an authenticator.
  absl::StatusOr<std::string> VerifyOrigin(const v1::Entry& entry,
                                           const std::string* prev_hash) const;

  // Secure mode (a no-op without an authenticator): every op's home region is covered
  // by `region` (the origin's, from VerifyOrigin) and agrees with what the op writes,
  // as far as this node's records tell. PERMISSION_DENIED otherwise. `pending_regions`
  // (region code → parent), when given, are regions written by entries not applied
  // yet that come before this one: a batch checked whole before it lands.
  absl::Status CheckRegions(WriteTxn& txn, const v1::Entry& entry, const std::string& region,
                            const std::map<std::string, std::string>* pending_regions = nullptr);

  // The prev_hash the origin's entry `seq` must carry here, or nullopt when the entry
  // before it reached this node inside a snapshot (which carries no signatures): the
  // chain starts again from there.
  std::optional<std::string> ChainLink(const std::string& origin, uint64_t seq) const;

  // The origin's state here (freshness, log floor, hash chain); null when unknown.
  const v1::OriginState* origin_state(const std::string& origin) const {
    auto it = origins_.find(origin);
    return it == origins_.end() ? nullptr : &it->second;
  }

  // Merges a record's state from another node's snapshot (its causal context
  // `remote_vv`) into this node's, through the same digest and derived-data path as
  // ApplyOp (record_state.h, MergeStates). REQUIRES: no entry open.
  absl::Status MergeRecord(WriteTxn& txn, v1::RecordType type, const std::string& id,
                           const v1::RecordState& remote, const VersionVector& remote_vv);
  // After every record of a snapshot is merged: this node now covers what it covered.
  void MergeVersionVector(const VersionVector& remote_vv);

  // Puts tallies, digest, version vector and log cursor into `txn`.
  void FlushTo(WriteTxn& txn);

  // A chapter's liveness, region, level and sector as of this point of the apply
  // path (cached; see structure_cache.h): what writes that merely reference a
  // chapter need, without decoding its record each time.
  absl::StatusOr<StructureCache::ChapterInfo> ChapterInfo(WriteTxn& txn, const std::string& id) {
    return structure_.Chapter(txn, id);
  }

  bool entry_open() const { return open_.has_value(); }
  // Whether entries are signed and checked (an authenticator was given).
  bool secure() const { return authenticator_ != nullptr; }
  size_t open_ops() const { return open_ ? open_->ops_size() : 0; }
  const VersionVector& version_vector() const { return vv_; }
  const Digest& digest() const { return digest_; }
  uint64_t log_next() const { return log_next_; }

 private:
  // Whether `ancestor` is `region` or one of its ancestors, as this node knows them.
  absl::StatusOr<bool> RegionCovers(WriteTxn& txn, const std::string& ancestor,
                                    const std::string& region,
                                    const std::map<std::string, std::string>* pending_regions);
  // The region an op's write touches, as its value or the record here says.
  absl::StatusOr<std::string> HomeRegionOf(WriteTxn& txn, const v1::Op& op);

  // Stores `after` as the record's state in place of `before`: digest, derived data
  // when the winner changes, the conflict index.
  absl::Status Replace(WriteTxn& txn, v1::RecordType type, const std::string& id,
                       const v1::RecordState& before, const v1::RecordState& after);

  Database* const db_;
  Tallies tallies_;
  StructureCache structure_;
  DerivedData derived_;

  const Clock* const clock_;
  const EntryAuthenticator* const authenticator_;
  VersionVector vv_;
  std::map<std::string, v1::OriginState> origins_;
  Digest digest_;
  uint64_t log_next_ = 0;
  bool dirty_ = false;
  std::vector<std::string> dirty_origins_;
  std::optional<v1::Entry> open_;
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_APPLIER_H_
