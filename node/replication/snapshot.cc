#include "node/replication/snapshot.h"

#include <map>

#include "common/status_macros.h"
#include "node/store/committed_state.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"

namespace pacto {

absl::Status ShipSnapshot(const Database& db,
                          const std::function<bool(const v1::SnapshotChunk&)>& emit,
                          uint64_t* records_sent) {
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
        if (bytes < kSnapshotChunkBytes) return true;
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
  const std::string end = chunk.last() || theirs.empty() ? "" : theirs.rbegin()->first + '\0';
  const v1::RecordState empty;
  uint64_t merged = 0;
  absl::Status s = pipeline_->Execute(
      [&](WriteContext& ctx) -> absl::Status {
        // This node's records in the range that the sender does not have.
        std::vector<std::pair<std::string, std::string>> mine_only;
        PACTO_RETURN_IF_ERROR(
            ctx.txn().ScanRange(ctx.txn().database()->records(), next_key_, end,
                                [&](absl::string_view key, absl::string_view) {
                                  if (theirs.find(std::string(key)) == theirs.end()) {
                                    v1::RecordType type;
                                    std::string id;
                                    if (ParseRecordKey(key, &type, &id))
                                      mine_only.emplace_back(std::string(key), id);
                                  }
                                  return true;
                                }));
        for (const auto& [key, id] : mine_only) {
          v1::RecordType type;
          std::string ignored;
          ParseRecordKey(key, &type, &ignored);
          PACTO_RETURN_IF_ERROR(ctx.applier().MergeRecord(ctx.txn(), type, id, empty, remote_vv));
        }
        for (const auto& [key, record] : theirs) {
          PACTO_RETURN_IF_ERROR(ctx.applier().MergeRecord(ctx.txn(), record->type(), record->id(),
                                                          record->state(), remote_vv));
          ++merged;
        }
        if (chunk.last()) ctx.applier().MergeVersionVector(remote_vv);
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
