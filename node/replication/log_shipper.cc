#include "node/replication/log_shipper.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/replication/snapshot.h"
#include "node/store/committed_state.h"
#include "node/store/log_reader.h"
#include "node/store/origin_certificates.h"
#include "node/store/read_view.h"

namespace pacto {
namespace {

using Emit = std::function<bool(const v1::PullResponse&)>;

constexpr uint64_t kNothingToShip = std::numeric_limits<uint64_t>::max();

absl::Status Send(const Emit& emit, const v1::PullResponse& response, ShipStats* stats) {
  stats->bytes += response.ByteSizeLong();
  if (!emit(response)) return absl::CancelledError("the caller went away");
  return absl::OkStatus();
}

// The first log position holding an entry the caller lacks, over every origin it is
// behind on; kNothingToShip when it lacks nothing. When an entry it lacks is no longer
// in this log, names it in `*missing` ("origin:seq") instead.
absl::StatusOr<uint64_t> FirstPositionTheyLack(const ReadView& view, const CommittedState& state,
                                               const VersionVector& theirs, std::string* missing) {
  uint64_t start = kNothingToShip;
  for (const auto& [origin, seq] : state.version_vector.entries()) {
    const uint64_t have = theirs.Get(origin);
    if (seq <= have) continue;
    uint64_t position = 0;
    bool in_log = false;
    // Below the origin's floor this log has a hole (a snapshot filled it), and what
    // was logged after the hole may depend on it.
    auto floor = state.origins.find(origin);
    if (floor == state.origins.end() || have + 1 >= floor->second.log_floor()) {
      PACTO_ASSIGN_OR_RETURN(in_log, FindInLog(view, origin, have + 1, &position));
    }
    if (!in_log) {
      *missing = absl::StrCat(origin, ":", have + 1);
      return kNothingToShip;
    }
    start = std::min(start, position);
  }
  return start;
}

// Gathers the entries the caller lacks into batches of about `max_bytes` and sends
// each when full.
class LogBatcher {
 public:
  LogBatcher(const ReadView& view, VersionVector theirs, uint32_t max_bytes, const Emit& emit,
             ShipStats* stats)
      : view_(view),
        theirs_(std::move(theirs)),
        max_bytes_(max_bytes),
        emit_(emit),
        stats_(stats) {}

  // A LogVisitor: adds `entry` unless the caller has it.
  absl::StatusOr<bool> Add(v1::Entry& entry, const std::vector<v1::Dot>& replacements) {
    if (theirs_.Covers(entry.origin(), entry.seq())) return true;
    // In this log an origin's entries come in sequence order, so they now have it.
    theirs_.Set(entry.origin(), entry.seq());
    Await(replacements);
    // Whatever checks the entry's signature travels with it, once per session.
    if (!entry.signature().empty() && certified_.insert(entry.origin()).second) {
      PACTO_RETURN_IF_ERROR(AddCertificate(entry.origin()));
    }
    batch_bytes_ += entry.ByteSizeLong();
    *batch_.mutable_batch()->add_entries() = std::move(entry);
    ++stats_->entries;
    if (batch_bytes_ < max_bytes_ || !awaited_.empty()) return true;
    PACTO_RETURN_IF_ERROR(SendBatch());
    return true;
  }

  // Sends the last, partly filled batch.
  absl::Status Finish() { return batch_.has_batch() ? SendBatch() : absl::OkStatus(); }

 private:
  // Versions that replaced a redacted op of this batch: the batch (applied atomically
  // by the caller) must carry them too, or the caller would show a placeholder where
  // a value was.
  void Await(const std::vector<v1::Dot>& replacements) {
    for (const v1::Dot& dot : replacements) {
      if (!theirs_.Covers(dot.origin(), dot.seq())) awaited_.push_back(dot);
    }
    awaited_.erase(
        std::remove_if(awaited_.begin(), awaited_.end(),
                       [&](const v1::Dot& dot) { return theirs_.Covers(dot.origin(), dot.seq()); }),
        awaited_.end());
  }

  absl::Status AddCertificate(const std::string& origin) {
    PACTO_ASSIGN_OR_RETURN(std::optional<std::string> pem, ReadOriginCertificate(view_, origin));
    if (pem.has_value()) {
      batch_bytes_ += pem->size();
      batch_.mutable_batch()->add_origin_certificates(std::move(*pem));
    }
    return absl::OkStatus();
  }

  absl::Status SendBatch() {
    ++stats_->batches;
    PACTO_RETURN_IF_ERROR(Send(emit_, batch_, stats_));
    batch_.Clear();
    batch_bytes_ = 0;
    return absl::OkStatus();
  }

  const ReadView& view_;
  VersionVector theirs_;  // what the caller has, with what went out so far
  const uint32_t max_bytes_;
  const Emit& emit_;
  ShipStats* const stats_;
  v1::PullResponse batch_;
  size_t batch_bytes_ = 0;
  std::vector<v1::Dot> awaited_;
  std::set<std::string> certified_;  // origins whose certificate went out already
};

}  // namespace

absl::Status ShipLog(const Database& db, const v1::PullRequest& request, v1::PullDone done,
                     const std::function<bool(const v1::PullResponse&)>& emit, ShipStats* stats) {
  ReadView view(&db);
  PACTO_ASSIGN_OR_RETURN(bool merging, MergingSnapshot(view));
  if (merging) return absl::UnavailableError(kMergingSnapshotMessage);
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  VersionVector theirs = VersionVector::FromProto(request.version_vector());

  std::string missing;
  PACTO_ASSIGN_OR_RETURN(uint64_t start, FirstPositionTheyLack(view, state, theirs, &missing));
  if (!missing.empty()) {
    stats->snapshot_needed = true;
    v1::PullResponse response;
    response.mutable_snapshot_needed()->set_reason(
        absl::StrCat("entry ", missing, " is no longer in this node's log; take a snapshot"));
    return Send(emit, response, stats);
  }
  if (start != kNothingToShip) {
    LogBatcher batcher(
        view, std::move(theirs),
        request.max_batch_bytes() == 0 ? kDefaultBatchBytes : request.max_batch_bytes(), emit,
        stats);
    PACTO_RETURN_IF_ERROR(ReadLogForShipping(
        view, start, [&](uint64_t, v1::Entry& entry, const std::vector<v1::Dot>& replacements) {
          return batcher.Add(entry, replacements);
        }));
    PACTO_RETURN_IF_ERROR(batcher.Finish());
  }

  v1::PullResponse last;
  *last.mutable_done() = std::move(done);
  state.version_vector.ToProto(last.mutable_done()->mutable_version_vector());
  last.mutable_done()->set_entries_sent(stats->entries);
  return Send(emit, last, stats);
}

}  // namespace pacto
