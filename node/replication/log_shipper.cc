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

bool Emit(const std::function<bool(const v1::PullResponse&)>& emit, const v1::PullResponse& r,
          ShipStats* stats) {
  stats->bytes += r.ByteSizeLong();
  return emit(r);
}

}  // namespace

absl::Status ShipLog(const Database& db, const v1::PullRequest& request, v1::PullDone done,
                     const std::function<bool(const v1::PullResponse&)>& emit, ShipStats* stats) {
  ReadView view(&db);
  PACTO_ASSIGN_OR_RETURN(bool merging, MergingSnapshot(view));
  if (merging) return absl::UnavailableError(kMergingSnapshotMessage);
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  VersionVector theirs = VersionVector::FromProto(request.version_vector());
  const uint32_t max_bytes =
      request.max_batch_bytes() == 0 ? kDefaultBatchBytes : request.max_batch_bytes();

  // The first position holding an entry they lack, over every origin they are behind on.
  uint64_t start = std::numeric_limits<uint64_t>::max();
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
      stats->snapshot_needed = true;
      v1::PullResponse response;
      response.mutable_snapshot_needed()->set_reason(absl::StrCat(
          "entry ", origin, ":", have + 1, " is no longer in this node's log; take a snapshot"));
      if (!Emit(emit, response, stats)) return absl::CancelledError("the caller went away");
      return absl::OkStatus();
    }
    start = std::min(start, position);
  }

  if (start != std::numeric_limits<uint64_t>::max()) {
    v1::PullResponse batch;
    size_t batch_bytes = 0;
    bool gone = false;
    // Versions that replaced a redacted op of this batch: the batch (applied
    // atomically by the caller) must carry them too, or the caller would show a
    // placeholder where a value was.
    std::vector<v1::Dot> awaited;
    std::set<std::string> certified;  // origins whose certificate went out already
    absl::Status failed;
    absl::Status read = ReadLogForShipping(
        view, start, [&](uint64_t, v1::Entry& entry, const std::vector<v1::Dot>& replacements) {
          if (theirs.Covers(entry.origin(), entry.seq())) return true;
          // In this log an origin's entries come in sequence order, so they now have it.
          theirs.Set(entry.origin(), entry.seq());
          for (const v1::Dot& dot : replacements) {
            if (!theirs.Covers(dot.origin(), dot.seq())) awaited.push_back(dot);
          }
          awaited.erase(std::remove_if(awaited.begin(), awaited.end(),
                                       [&](const v1::Dot& dot) {
                                         return theirs.Covers(dot.origin(), dot.seq());
                                       }),
                        awaited.end());
          // Whatever checks the entry's signature travels with it, once per session.
          if (!entry.signature().empty() && certified.insert(entry.origin()).second) {
            absl::StatusOr<std::optional<std::string>> pem =
                ReadOriginCertificate(view, entry.origin());
            if (!pem.ok()) {
              failed = pem.status();
              return false;
            }
            if (pem->has_value()) {
              batch_bytes += (*pem)->size();
              batch.mutable_batch()->add_origin_certificates(std::move(**pem));
            }
          }
          batch_bytes += entry.ByteSizeLong();
          *batch.mutable_batch()->add_entries() = std::move(entry);
          ++stats->entries;
          if (batch_bytes < max_bytes || !awaited.empty()) return true;
          ++stats->batches;
          if (!Emit(emit, batch, stats)) {
            gone = true;
            return false;
          }
          batch.Clear();
          batch_bytes = 0;
          return true;
        });
    PACTO_RETURN_IF_ERROR(read);
    PACTO_RETURN_IF_ERROR(failed);
    if (gone) return absl::CancelledError("the caller went away");
    if (batch.has_batch()) {
      ++stats->batches;
      if (!Emit(emit, batch, stats)) return absl::CancelledError("the caller went away");
    }
  }

  v1::PullResponse last;
  *last.mutable_done() = std::move(done);
  state.version_vector.ToProto(last.mutable_done()->mutable_version_vector());
  last.mutable_done()->set_entries_sent(stats->entries);
  if (!Emit(emit, last, stats)) return absl::CancelledError("the caller went away");
  return absl::OkStatus();
}

}  // namespace pacto
