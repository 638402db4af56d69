#include "node/replication/snapshot.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/store/committed_state.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "node/store/record_state.h"

namespace pacto {

absl::Status ShipSnapshot(const Database& db, size_t chunk_bytes,
                          const std::function<bool(const v1::SnapshotChunk&)>& emit,
                          uint64_t* records_sent) {
  if (chunk_bytes == 0) chunk_bytes = kSnapshotChunkBytes;
  ReadView view(&db);
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  v1::SnapshotChunk chunk;
  state.version_vector.ToProto(chunk.mutable_version_vector());
  chunk.set_first(true);
  size_t bytes = 0;
  bool gone = false;
  absl::Status bad;
  *records_sent = 0;
  PACTO_RETURN_IF_ERROR(
      view.Scan(db.records(), "", "", [&](absl::string_view key, absl::string_view value) {
        v1::SnapshotRecord* record = chunk.add_records();
        v1::RecordType type;
        std::string id;
        if (!ParseRecordKey(key, &type, &id) || !record->mutable_state()->ParseFromArray(
                                                    value.data(), static_cast<int>(value.size()))) {
          bad = absl::DataLossError("malformed record while taking a snapshot");
          return false;
        }
        record->set_type(type);
        record->set_id(std::move(id));
        ++*records_sent;
        bytes += value.size() + key.size();
        if (bytes < chunk_bytes) return true;
        if (!emit(chunk)) {
          gone = true;
          return false;
        }
        chunk.Clear();
        bytes = 0;
        return true;
      }));
  PACTO_RETURN_IF_ERROR(bad);
  if (gone) return absl::CancelledError("the receiver went away");
  chunk.set_last(true);
  if (!emit(chunk)) return absl::CancelledError("the receiver went away");
  return absl::OkStatus();
}

absl::Status SnapshotMerger::Add(const v1::SnapshotChunk& chunk) {
  if (finished_) return absl::FailedPreconditionError("the snapshot is already complete");
  if (chunk.first() == started_) {
    return absl::InvalidArgumentError("snapshot: chunks out of order");
  }
  if (chunk.first()) {
    remote_vv_ = VersionVector::FromProto(chunk.version_vector());
    started_ = true;
  }
  const VersionVector& remote_vv = remote_vv_;
  std::map<std::string, const v1::SnapshotRecord*> theirs;
  for (const v1::SnapshotRecord& record : chunk.records()) {
    if (record.type() == v1::RECORD_TYPE_UNSPECIFIED || !v1::RecordType_IsValid(record.type()) ||
        record.id().empty()) {
      return absl::InvalidArgumentError("snapshot: a record without a type and id");
    }
    theirs[RecordKey(record.type(), record.id())] = &record;
  }
  for (const v1::SnapshotRecord& record : chunk.records()) {
    // Every change, superseded ones included: a pull would have refused their entries.
    for (const v1::Change& change : record.state().history()) {
      if (absl::Status clock = hlc_->Observe(change.hlc()); !clock.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("snapshot: change ", change.dot().origin(), ":", change.dot().seq(),
                         " refused: ", clock.message()));
      }
    }
    for (const v1::Version& version : record.state().versions()) {
      if (absl::Status clock = hlc_->Observe(version.hlc()); !clock.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("snapshot: version ", version.dot().origin(), ":", version.dot().seq(),
                         " refused: ", clock.message()));
      }
    }
  }
  const std::string end = chunk.last() || theirs.empty() ? "" : theirs.rbegin()->first + '\0';
  const v1::RecordState empty;
  uint64_t merged = 0;
  absl::Status s = pipeline_->Execute(
      [&](WriteContext& ctx) -> absl::Status {
        // Merges one record now, or holds it back when the merge would end it here.
        auto merge = [&](v1::RecordType type, const std::string& id,
                         const v1::RecordState& remote) -> absl::Status {
          v1::RecordState local;
          PACTO_ASSIGN_OR_RETURN(bool existed, ReadState(ctx.txn(), type, id, &local));
          if (existed && IsLive(local) &&
              !IsLive(
                  MergeStates(local, remote, ctx.applier().version_vector(), remote_vv, type))) {
            removals_.push_back(Removal{type, id, remote});
            return absl::OkStatus();
          }
          return ctx.applier().MergeRecord(ctx.txn(), type, id, remote, remote_vv);
        };
        // This node's records in the range that the sender does not have.
        std::vector<std::pair<v1::RecordType, std::string>> mine_only;
        PACTO_RETURN_IF_ERROR(ctx.txn().ScanRange(ctx.txn().database()->records(), next_key_, end,
                                                  [&](absl::string_view key, absl::string_view) {
                                                    if (theirs.find(std::string(key)) ==
                                                        theirs.end()) {
                                                      v1::RecordType type;
                                                      std::string id;
                                                      if (ParseRecordKey(key, &type, &id))
                                                        mine_only.emplace_back(type, std::move(id));
                                                    }
                                                    return true;
                                                  }));
        for (const auto& [type, id] : mine_only) PACTO_RETURN_IF_ERROR(merge(type, id, empty));
        for (const auto& [key, record] : theirs) {
          PACTO_RETURN_IF_ERROR(merge(record->type(), record->id(), record->state()));
          ++merged;
        }
        if (!chunk.last()) return absl::OkStatus();
        // What referred to a record ends before the record does.
        std::stable_sort(removals_.begin(), removals_.end(),
                         [](const Removal& a, const Removal& b) { return a.type > b.type; });
        for (const Removal& removal : removals_) {
          PACTO_RETURN_IF_ERROR(ctx.applier().MergeRecord(ctx.txn(), removal.type, removal.id,
                                                          removal.remote, remote_vv));
        }
        ctx.applier().MergeVersionVector(remote_vv);
        return absl::OkStatus();
      },
      principal_);
  PACTO_RETURN_IF_ERROR(s);
  records_ += merged;
  next_key_ = end;
  finished_ = chunk.last();
  return absl::OkStatus();
}

}  // namespace pacto
