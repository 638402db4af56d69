#include "node/replication/snapshot.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/store/committed_state.h"
#include "node/store/entry_evidence.h"
#include "node/store/keys.h"
#include "node/store/origin_certificates.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "node/store/record_state.h"
#include "node/store/rejection.h"

namespace pacto {

namespace {

// The certificates this node keeps, by origin (secure mode; none in development mode).
absl::StatusOr<std::map<std::string, std::string>> KeptCertificates(const ReadView& view) {
  std::map<std::string, std::string> certificates;
  PACTO_RETURN_IF_ERROR(view.Scan(view.db().meta(), kOriginCertPrefix, "",
                                  [&](absl::string_view origin, absl::string_view pem) {
                                    certificates.emplace(std::string(origin), std::string(pem));
                                    return true;
                                  }));
  return certificates;
}

// Streams every record of a view, in key order, in chunks of about `chunk_bytes`.
class SnapshotShipper {
 public:
  using Emit = std::function<bool(const v1::SnapshotChunk&)>;

  // A version of a certified origin (in `certificates`) goes out with the entry that
  // wrote it; with no certificates this costs nothing.
  SnapshotShipper(const ReadView& view, std::map<std::string, std::string> certificates,
                  size_t chunk_bytes, const Emit& emit, uint64_t* records_sent)
      : view_(view),
        certificates_(std::move(certificates)),
        chunk_bytes_(chunk_bytes),
        emit_(emit),
        records_sent_(records_sent) {}

  // `vv` (what the view covers) goes out with the first chunk.
  absl::Status Run(const VersionVector& vv) {
    vv.ToProto(chunk_.mutable_version_vector());
    chunk_.set_first(true);
    PACTO_RETURN_IF_ERROR(view_.ScanChecked(
        view_.db().records(), "", "",
        [&](absl::string_view key, absl::string_view value) { return AddRecord(key, value); }));
    chunk_.set_last(true);
    return Send();
  }

 private:
  absl::StatusOr<bool> AddRecord(absl::string_view key, absl::string_view value) {
    v1::SnapshotRecord* record = chunk_.add_records();
    v1::RecordType type;
    std::string id;
    if (!ParseRecordKey(key, &type, &id) ||
        !record->mutable_state()->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("malformed record while taking a snapshot");
    }
    record->set_type(type);
    record->set_id(std::move(id));
    if (!certificates_.empty()) PACTO_RETURN_IF_ERROR(AddEvidence(*record));
    ++*records_sent_;
    bytes_ += value.size() + key.size();
    if (bytes_ < chunk_bytes_) return true;
    PACTO_RETURN_IF_ERROR(Send());
    evidence_in_chunk_.clear();
    bytes_ = 0;
    return true;
  }

  // Adds the entries that wrote `record`'s versions to the chunk, with their origins'
  // certificates (once per snapshot).
  absl::Status AddEvidence(const v1::SnapshotRecord& record) {
    for (const v1::Version& version : record.state().versions()) {
      auto certificate = certificates_.find(version.dot().origin());
      if (certificate == certificates_.end() ||
          !evidence_in_chunk_.emplace(version.dot().origin(), version.dot().seq()).second) {
        continue;
      }
      PACTO_ASSIGN_OR_RETURN(std::optional<v1::Entry> entry, ReadEvidence(view_, version.dot()));
      if (!entry.has_value()) continue;  // a secure receiver refuses the version
      bytes_ += entry->ByteSizeLong();
      *chunk_.add_evidence() = std::move(*entry);
      if (certificates_sent_.insert(certificate->first).second) {
        bytes_ += certificate->second.size();
        chunk_.add_origin_certificates(certificate->second);
      }
    }
    return absl::OkStatus();
  }

  absl::Status Send() {
    if (!emit_(chunk_)) return absl::CancelledError("the receiver went away");
    chunk_.Clear();
    return absl::OkStatus();
  }

  const ReadView& view_;
  const std::map<std::string, std::string> certificates_;
  const size_t chunk_bytes_;
  const Emit& emit_;
  uint64_t* const records_sent_;
  std::set<std::string> certificates_sent_;
  std::set<std::pair<std::string, uint64_t>> evidence_in_chunk_;
  v1::SnapshotChunk chunk_;
  size_t bytes_ = 0;  // in chunk_
};

}  // namespace

absl::Status ShipSnapshot(const Database& db, size_t chunk_bytes,
                          const std::function<bool(const v1::SnapshotChunk&)>& emit,
                          uint64_t* records_sent) {
  if (chunk_bytes == 0) chunk_bytes = kSnapshotChunkBytes;
  ReadView view(&db);
  PACTO_ASSIGN_OR_RETURN(bool merging, MergingSnapshot(view));
  if (merging) return absl::UnavailableError(kMergingSnapshotMessage);
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  PACTO_ASSIGN_OR_RETURN(auto certificates, KeptCertificates(view));
  *records_sent = 0;
  SnapshotShipper shipper(view, std::move(certificates), chunk_bytes, emit, records_sent);
  return shipper.Run(state.version_vector);
}

namespace {

std::string StagedChunkKey(uint64_t index) {
  std::string key = kStagedChunkPrefix;
  PutBigEndian64(&key, index);
  return key;
}

// The first key after every staged chunk.
std::string StagedChunksEnd() {
  std::string end = kStagedChunkPrefix;
  ++end.back();
  return end;
}

// Staged chunks deleted per pipeline item.
constexpr size_t kClearBatchKeys = 1000;

}  // namespace

absl::StatusOr<bool> MergingSnapshot(const ReadView& view) {
  std::string bytes;
  PACTO_ASSIGN_OR_RETURN(bool found, view.Get(view.db().meta(), kStagedSnapshotKey, &bytes));
  if (!found) return false;
  v1::StagedSnapshot staged;
  if (!staged.ParseFromString(bytes)) return absl::DataLossError("malformed staged snapshot");
  return staged.complete();
}

absl::Status SnapshotMerger::Add(const v1::SnapshotChunk& chunk) {
  if (finished_) return absl::FailedPreconditionError("the snapshot is already complete");
  if (chunk.first() == started_) {
    return absl::InvalidArgumentError("snapshot: chunks out of order");
  }
  PACTO_RETURN_IF_ERROR(Check(chunk));
  if (chunk.first()) {
    // A snapshot left wholly staged is merged; anything else staged is dropped.
    PACTO_RETURN_IF_ERROR(Resume());
    PACTO_RETURN_IF_ERROR(ClearStaged());
    remote_vv_ = VersionVector::FromProto(chunk.version_vector());
    started_ = true;
  }
  // Staged, unseen: a snapshot that breaks off leaves nothing in the registry.
  PACTO_RETURN_IF_ERROR(pipeline_->Execute(
      [&](WriteContext& ctx) -> absl::Status {
        rocksdb::ColumnFamilyHandle* meta = ctx.txn().database()->meta();
        ctx.txn().Put(meta, StagedChunkKey(staged_chunks_), chunk.SerializeAsString());
        if (chunk.last()) {
          v1::StagedSnapshot staged;
          remote_vv_.ToProto(staged.mutable_version_vector());
          staged.set_complete(true);
          ctx.txn().Put(meta, kStagedSnapshotKey, staged.SerializeAsString());
        }
        return absl::OkStatus();
      },
      principal_));
  ++staged_chunks_;
  if (!chunk.last()) return absl::OkStatus();
  PACTO_RETURN_IF_ERROR(Resume());
  finished_ = true;
  return absl::OkStatus();
}

absl::Status SnapshotMerger::Resume() {
  v1::StagedSnapshot staged;
  {
    std::string bytes;
    PACTO_ASSIGN_OR_RETURN(bool found, ReadMeta(kStagedSnapshotKey, &bytes));
    if (!found || !staged.ParseFromString(bytes) || !staged.complete()) return absl::OkStatus();
  }
  remote_vv_ = VersionVector::FromProto(staged.version_vector());
  next_key_.clear();
  removals_.clear();
  records_ = 0;
  absl::Status merged = absl::OkStatus();
  for (uint64_t index = 0;; ++index) {
    std::string bytes;
    PACTO_ASSIGN_OR_RETURN(bool found, ReadMeta(StagedChunkKey(index), &bytes));
    if (!found) {
      merged = absl::DataLossError("a staged snapshot lacks its last chunk");
      break;
    }
    v1::SnapshotChunk chunk;
    if (!chunk.ParseFromString(bytes)) {
      merged = absl::DataLossError("malformed staged snapshot chunk");
      break;
    }
    merged = MergeChunk(chunk);
    if (!merged.ok() || chunk.last()) break;
  }
  // Merged, refused part way (region authority; what merged before it stays) or
  // unreadable: the staging goes. Any other failure (a write failed, a group rolled
  // back) leaves it staged, to be merged again from the first chunk next session.
  if (!merged.ok() && !RejectionOf(merged).has_value() && !absl::IsDataLoss(merged)) {
    return merged;
  }
  absl::Status cleared = ClearStaged();
  PACTO_RETURN_IF_ERROR(merged);
  return cleared;
}

absl::StatusOr<bool> SnapshotMerger::ReadMeta(const std::string& key, std::string* value) {
  bool found = false;
  PACTO_RETURN_IF_ERROR(pipeline_->Execute(
      [&](WriteContext& ctx) -> absl::Status {
        PACTO_ASSIGN_OR_RETURN(found, ctx.txn().Get(ctx.txn().database()->meta(), key, value));
        return absl::OkStatus();
      },
      principal_));
  return found;
}

absl::Status SnapshotMerger::ClearStaged() {
  bool done = false;
  while (!done) {
    PACTO_RETURN_IF_ERROR(pipeline_->Execute(
        [&](WriteContext& ctx) -> absl::Status {
          rocksdb::ColumnFamilyHandle* meta = ctx.txn().database()->meta();
          std::vector<std::string> keys;
          PACTO_RETURN_IF_ERROR(ctx.txn().ScanRange(meta, kStagedChunkPrefix, StagedChunksEnd(),
                                                    [&](absl::string_view key, absl::string_view) {
                                                      keys.emplace_back(key);
                                                      return keys.size() < kClearBatchKeys;
                                                    }));
          for (const std::string& key : keys) ctx.txn().Delete(meta, key);
          if (keys.size() < kClearBatchKeys) {
            ctx.txn().Delete(meta, kStagedSnapshotKey);
            done = true;
          }
          return absl::OkStatus();
        },
        principal_));
  }
  return absl::OkStatus();
}

absl::Status SnapshotMerger::Check(const v1::SnapshotChunk& chunk) {
  for (const v1::SnapshotRecord& record : chunk.records()) {
    if (record.type() == v1::RECORD_TYPE_UNSPECIFIED || !v1::RecordType_IsValid(record.type()) ||
        record.id().empty()) {
      return absl::InvalidArgumentError("snapshot: a record without a type and id");
    }
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
  // Signatures before anything is staged: a forged chunk is refused at once.
  if (authenticator_ != nullptr) return CheckEvidence(chunk).status();
  return absl::OkStatus();
}

absl::Status SnapshotMerger::MergeChunk(const v1::SnapshotChunk& chunk) {
  std::map<std::string, const v1::SnapshotRecord*> theirs;  // by record key
  for (const v1::SnapshotRecord& record : chunk.records()) {
    theirs[RecordKey(record.type(), record.id())] = &record;
  }
  std::vector<RegionCheck> region_checks;
  if (authenticator_ != nullptr) {
    PACTO_ASSIGN_OR_RETURN(region_checks, CheckEvidence(chunk));
  }
  const std::string end = chunk.last() || theirs.empty() ? "" : theirs.rbegin()->first + '\0';
  uint64_t merged = 0;
  std::optional<Rejection> refused;  // its reason is lost when the group rolls back
  absl::Status s = pipeline_->Execute(
      [&](WriteContext& ctx) -> absl::Status {
        PACTO_RETURN_IF_ERROR(MergeRange(ctx, theirs, end, &merged));
        // Region authority over what this chunk brought, now that what its records
        // refer to is merged: a refusal rolls the whole chunk back.
        for (const RegionCheck& check : region_checks) {
          absl::Status authority = ctx.applier().CheckRegions(ctx.txn(), check.entry, check.region);
          if (!authority.ok()) {
            refused = RejectionOf(authority);
            return authority;
          }
        }
        if (authenticator_ != nullptr) PACTO_RETURN_IF_ERROR(KeepChunkEvidence(ctx, chunk));
        if (!chunk.last()) return absl::OkStatus();
        return MergeHeldBack(ctx);
      },
      principal_);
  if (refused && !RejectionOf(s)) s = Rejected(*refused, s);
  PACTO_RETURN_IF_ERROR(s);
  records_ += merged;
  next_key_ = end;
  return absl::OkStatus();
}

absl::Status SnapshotMerger::MergeOrHold(WriteContext& ctx, v1::RecordType type,
                                         const std::string& id, const v1::RecordState& remote) {
  v1::RecordState local;
  PACTO_ASSIGN_OR_RETURN(bool existed, ReadState(ctx.txn(), type, id, &local));
  if (existed && IsLive(local) &&
      !IsLive(MergeStates(local, remote, ctx.applier().version_vector(), remote_vv_, type))) {
    removals_.push_back(Removal{type, id, remote});
    return absl::OkStatus();
  }
  return ctx.applier().MergeRecord(ctx.txn(), type, id, remote, remote_vv_);
}

absl::Status SnapshotMerger::MergeRange(
    WriteContext& ctx, const std::map<std::string, const v1::SnapshotRecord*>& theirs,
    const std::string& end, uint64_t* merged) {
  // This node's records in the range that the sender does not have.
  std::vector<std::pair<v1::RecordType, std::string>> mine_only;
  PACTO_RETURN_IF_ERROR(ctx.txn().ScanRange(ctx.txn().database()->records(), next_key_, end,
                                            [&](absl::string_view key, absl::string_view) {
                                              if (theirs.find(std::string(key)) == theirs.end()) {
                                                v1::RecordType type;
                                                std::string id;
                                                if (ParseRecordKey(key, &type, &id))
                                                  mine_only.emplace_back(type, std::move(id));
                                              }
                                              return true;
                                            }));
  const v1::RecordState empty;
  for (const auto& [type, id] : mine_only) PACTO_RETURN_IF_ERROR(MergeOrHold(ctx, type, id, empty));
  for (const auto& [key, record] : theirs) {
    PACTO_RETURN_IF_ERROR(MergeOrHold(ctx, record->type(), record->id(), record->state()));
    ++*merged;
  }
  return absl::OkStatus();
}

absl::Status SnapshotMerger::KeepChunkEvidence(WriteContext& ctx, const v1::SnapshotChunk& chunk) {
  for (const v1::Entry& entry : chunk.evidence()) {
    v1::Dot dot;
    dot.set_origin(entry.origin());
    dot.set_seq(entry.seq());
    PACTO_ASSIGN_OR_RETURN(bool held, HasEvidence(ctx.txn(), dot));
    if (!held) KeepEvidence(ctx.txn(), entry);
  }
  return absl::OkStatus();
}

absl::Status SnapshotMerger::MergeHeldBack(WriteContext& ctx) {
  // What referred to a record ends before the record does.
  std::stable_sort(removals_.begin(), removals_.end(),
                   [](const Removal& a, const Removal& b) { return a.type > b.type; });
  for (const Removal& removal : removals_) {
    PACTO_RETURN_IF_ERROR(
        ctx.applier().MergeRecord(ctx.txn(), removal.type, removal.id, removal.remote, remote_vv_));
  }
  ctx.applier().MergeVersionVector(remote_vv_);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<SnapshotMerger::RegionCheck>> SnapshotMerger::CheckEvidence(
    const v1::SnapshotChunk& chunk) {
  for (const std::string& pem : chunk.origin_certificates()) {
    PACTO_RETURN_IF_ERROR(LearnOriginCertificate(*db_, *authenticator_, pem).status());
  }
  using DotId = std::pair<std::string, uint64_t>;
  struct Proof {
    const v1::Entry* entry = nullptr;
    std::optional<std::string> region;  // the origin's certified region, once verified
    // Its last op on each record, built on first use: an import entry holds
    // thousands of ops, each backing a version of this chunk.
    std::map<std::pair<v1::RecordType, std::string>, const v1::Op*> ops;
  };
  std::map<DotId, Proof> evidence;
  for (const v1::Entry& entry : chunk.evidence()) {
    evidence[{entry.origin(), entry.seq()}].entry = &entry;
  }
  std::vector<RegionCheck> checks;
  for (const v1::SnapshotRecord& record : chunk.records()) {
    for (const v1::Version& version : record.state().versions()) {
      const DotId dot(version.dot().origin(), version.dot().seq());
      auto entry = evidence.find(dot);
      if (entry == evidence.end()) {
        return Rejected(Rejection::kEvidence,
                        absl::PermissionDeniedError(absl::StrCat(
                            "snapshot: version ", dot.first, ":", dot.second, " of ",
                            v1::RecordType_Name(record.type()), " ", record.id(),
                            " refused: it comes without the signed entry that wrote it")));
      }
      Proof& proof = entry->second;
      if (!proof.region.has_value()) {
        PACTO_ASSIGN_OR_RETURN(proof.region, authenticator_->Verify(WithoutValues(*proof.entry)));
        for (const v1::Op& op : proof.entry->ops()) proof.ops[{op.type(), op.id()}] = &op;
      }
      auto last = proof.ops.find({record.type(), record.id()});
      PACTO_ASSIGN_OR_RETURN(
          v1::Op op, OpForVersion(*proof.entry, last == proof.ops.end() ? nullptr : last->second,
                                  record.type(), record.id(), version));
      RegionCheck check;
      check.entry.set_origin(dot.first);
      check.entry.set_seq(dot.second);
      check.entry.set_hlc(version.hlc());
      *check.entry.add_ops() = std::move(op);
      check.region = *proof.region;
      checks.push_back(std::move(check));
    }
  }
  return checks;
}

}  // namespace pacto
