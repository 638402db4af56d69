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

absl::StatusOr<SessionOutcome> Pull(Replica& replica, PeerDirectory& peers, Transport& transport,
                                    const std::string& address, const SessionOptions& options) {
  SessionOutcome outcome;
  const std::string principal = absl::StrCat("node:", peers.self().node_id());
  {
    // A snapshot whose merge a crash cut short is finished before anything else.
    SnapshotMerger staged(&replica.pipeline(), &replica.hlc(), principal, replica.authenticator(),
                          &replica.db());
    PACTO_RETURN_IF_ERROR(staged.Resume());
  }
  for (int round = 0; round < options.max_rounds; ++round) {
    v1::PullRequest request;
    *request.mutable_caller() = peers.self();
    {
      ReadView view(&replica.db());
      PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
      state.version_vector.ToProto(request.mutable_version_vector());
    }
    request.set_max_batch_bytes(options.max_batch_bytes);
    request.set_peers_hash(peers.Hash());

    std::unique_ptr<Incoming<v1::PullResponse>> call = transport.Pull(address, request);
    v1::PullResponse response;
    bool snapshot = false, done = false;
    while (!done && !snapshot) {
      absl::StatusOr<bool> more = call->Next(&response);
      if (!more.ok()) {
        outcome.bytes_received += call->bytes_received();
        return more.status();
      }
      if (!*more) break;
      switch (response.body_case()) {
        case v1::PullResponse::kBatch: {
          if (EntryAuthenticator* authenticator = replica.authenticator()) {
            for (const std::string& pem : response.batch().origin_certificates()) {
              absl::StatusOr<std::string> learned =
                  LearnOriginCertificate(replica.db(), *authenticator, pem);
              if (!learned.ok()) {
                outcome.bytes_received += call->bytes_received();
                return learned.status();
              }
            }
          }
          std::vector<v1::Entry> entries(response.batch().entries().begin(),
                                         response.batch().entries().end());
          BatchResult result;
          absl::Status applied =
              ApplyBatch(replica.pipeline(), replica.hlc(), entries, principal, &result);
          outcome.applied += result.applied;
          outcome.skipped += result.skipped;
          if (!applied.ok()) {
            outcome.bytes_received += call->bytes_received();
            return applied;
          }
          break;
        }
        case v1::PullResponse::kSnapshotNeeded:
          snapshot = true;
          break;
        case v1::PullResponse::kDone:
          outcome.done = response.done();
          done = true;
          break;
        default:
          return absl::InvalidArgumentError("pull: a message with no body");
      }
    }
    outcome.bytes_received += call->bytes_received();
    if (done) {
      const absl::Time now = absl::Now();
      peers.RecordSuccess(address, outcome.done.callee(), now);
      peers.RecordTheirVector(address, VersionVector::FromProto(outcome.done.version_vector()),
                              now);
      for (const v1::NodeInfo& info : outcome.done.peers()) peers.Learn(info);
      peers.MergeHeard(outcome.done.heard_from());
      return outcome;
    }
    if (!snapshot) return absl::UnavailableError("the pull stream ended before its last message");
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
