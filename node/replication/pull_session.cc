#include "node/replication/pull_session.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "node/base/log.h"
#include "node/replication/batch_apply.h"
#include "node/replication/snapshot.h"
#include "node/store/committed_state.h"
#include "node/store/origin_certificates.h"
#include "node/store/read_view.h"

namespace pacto {
namespace {

absl::Status TakeSnapshot(Replica& replica, PeerDirectory& peers, Transport& transport,
                          const std::string& address, const SessionOptions& options,
                          SessionOutcome* outcome) {
  v1::SnapshotRequest request;
  *request.mutable_caller() = peers.self();
  request.set_max_chunk_bytes(options.max_chunk_bytes);
  std::unique_ptr<Incoming<v1::SnapshotChunk>> call = transport.Snapshot(address, request);
  SnapshotMerger merger(&replica.pipeline(), &replica.hlc(),
                        absl::StrCat("node:", peers.self().node_id()), replica.authenticator(),
                        &replica.db());
  v1::SnapshotChunk chunk;
  while (true) {
    PACTO_ASSIGN_OR_RETURN(bool more, call->Next(&chunk));
    if (!more) break;
    PACTO_RETURN_IF_ERROR(merger.Add(chunk));
    if (merger.finished()) break;
  }
  outcome->bytes_received += call->bytes_received();
  if (!merger.finished()) return absl::UnavailableError("the snapshot stream ended early");
  outcome->snapshot_records += merger.records_merged();
  return absl::OkStatus();
}

// A snapshot whose merge a crash cut short is finished before anything else.
absl::Status ResumeStagedSnapshot(Replica& replica, const std::string& principal) {
  SnapshotMerger staged(&replica.pipeline(), &replica.hlc(), principal, replica.authenticator(),
                        &replica.db());
  return staged.Resume();
}

// Asks for what this node lacks: everything its committed vector does not cover.
absl::StatusOr<v1::PullRequest> PullRequestFor(Replica& replica, PeerDirectory& peers,
                                               const SessionOptions& options) {
  v1::PullRequest request;
  *request.mutable_caller() = peers.self();
  {
    ReadView view(&replica.db());
    PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
    state.version_vector.ToProto(request.mutable_version_vector());
  }
  request.set_max_batch_bytes(options.max_batch_bytes);
  request.set_peers_hash(peers.Hash());
  return request;
}

// Learns the certificates a batch carries (secure mode), then applies its entries.
absl::Status ApplyPulledBatch(Replica& replica, const v1::EntryBatch& batch,
                              const std::string& principal, SessionOutcome* outcome) {
  if (EntryAuthenticator* authenticator = replica.authenticator()) {
    for (const std::string& pem : batch.origin_certificates()) {
      PACTO_RETURN_IF_ERROR(LearnOriginCertificate(replica.db(), *authenticator, pem).status());
    }
  }
  std::vector<v1::Entry> entries(batch.entries().begin(), batch.entries().end());
  BatchResult result;
  absl::Status applied = ApplyBatch(replica.pipeline(), replica.hlc(), entries, principal, &result);
  outcome->applied += result.applied;
  outcome->skipped += result.skipped;
  return applied;
}

// How a pull stream ended.
enum class PullEnd { kDone, kSnapshotNeeded, kEndedEarly };

// Applies the batches of one pull stream until its closing message (kept in
// outcome->done) or the peer's word that a snapshot is needed.
absl::StatusOr<PullEnd> ReadPull(Incoming<v1::PullResponse>& call, Replica& replica,
                                 const std::string& principal, SessionOutcome* outcome) {
  v1::PullResponse response;
  while (true) {
    PACTO_ASSIGN_OR_RETURN(bool more, call.Next(&response));
    if (!more) return PullEnd::kEndedEarly;
    switch (response.body_case()) {
      case v1::PullResponse::kBatch:
        PACTO_RETURN_IF_ERROR(ApplyPulledBatch(replica, response.batch(), principal, outcome));
        break;
      case v1::PullResponse::kSnapshotNeeded:
        return PullEnd::kSnapshotNeeded;
      case v1::PullResponse::kDone:
        outcome->done = response.done();
        return PullEnd::kDone;
      default:
        return absl::InvalidArgumentError("pull: a message with no body");
    }
  }
}

// Learns the peer's identity, vector and peers from its closing message.
void LearnFromPeer(PeerDirectory& peers, const std::string& address, const v1::PullDone& done) {
  const absl::Time now = absl::Now();
  peers.RecordSuccess(address, done.callee(), now);
  peers.RecordTheirVector(address, VersionVector::FromProto(done.version_vector()), now);
  for (const v1::NodeInfo& info : done.peers()) peers.Learn(info);
  peers.MergeHeard(done.heard_from());
}

absl::StatusOr<SessionOutcome> Pull(Replica& replica, PeerDirectory& peers, Transport& transport,
                                    const std::string& address, const SessionOptions& options) {
  SessionOutcome outcome;
  const std::string principal = absl::StrCat("node:", peers.self().node_id());
  PACTO_RETURN_IF_ERROR(ResumeStagedSnapshot(replica, principal));
  for (int round = 0; round < options.max_rounds; ++round) {
    PACTO_ASSIGN_OR_RETURN(v1::PullRequest request, PullRequestFor(replica, peers, options));
    std::unique_ptr<Incoming<v1::PullResponse>> call = transport.Pull(address, request);
    PACTO_ASSIGN_OR_RETURN(PullEnd end, ReadPull(*call, replica, principal, &outcome));
    outcome.bytes_received += call->bytes_received();
    if (end == PullEnd::kDone) {
      LearnFromPeer(peers, address, outcome.done);
      return outcome;
    }
    if (end == PullEnd::kEndedEarly) {
      return absl::UnavailableError("the pull stream ended before its last message");
    }
    PACTO_RETURN_IF_ERROR(TakeSnapshot(replica, peers, transport, address, options, &outcome));
  }
  return absl::UnavailableError(
      absl::StrCat("still behind after ", options.max_rounds, " snapshot rounds"));
}

}  // namespace

absl::StatusOr<SessionOutcome> PullFrom(Replica& replica, PeerDirectory& peers,
                                        Transport& transport, const std::string& address,
                                        const SessionOptions& options) {
  absl::StatusOr<SessionOutcome> outcome = Pull(replica, peers, transport, address, options);
  if (!outcome.ok()) {
    if (std::optional<Rejection> reason = RejectionOf(outcome.status())) {
      if (options.rejections != nullptr) options.rejections->Count(outcome.status());
      // Messages name entries and records by id and region, never person data.
      LogWarning("refused a replicated entry",
                 {{"peer", address},
                  {"reason", std::string(RejectionName(*reason))},
                  {"error", std::string(outcome.status().message())}});
    }
  }
  return outcome;
}

}  // namespace pacto
