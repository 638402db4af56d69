#include "node/replication/endpoint.h"

#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "node/replication/snapshot.h"
#include "node/store/committed_state.h"
#include "node/store/read_view.h"

namespace pacto {

ReplicationEndpoint::ReplicationEndpoint(const Database* db, PeerDirectory* peers,
                                         v1::NodeInfo self,
                                         std::function<void(const std::string&)> wants_pull)
    : db_(db), peers_(peers), self_(std::move(self)), wants_pull_(std::move(wants_pull)) {}

google::protobuf::Map<std::string, int64_t> ReplicationEndpoint::HeardFor(
    const std::string& caller) {
  constexpr int64_t kWorthTelling = 60 * 1000;
  google::protobuf::Map<std::string, int64_t> out;
  absl::MutexLock lock(&mu_);
  std::map<std::string, int64_t>& told = told_[caller];
  for (const auto& [node_id, ms] : peers_->HeardFrom()) {
    auto it = told.find(node_id);
    if (it != told.end() && ms - it->second < kWorthTelling) continue;
    out[node_id] = ms;
    told[node_id] = ms;
  }
  return out;
}

bool ReplicationEndpoint::Failing(const std::string& address) const {
  std::optional<v1::PeerRecord> peer = peers_->Get(address);
  return peer.has_value() && peer->failures() > 0;
}

void ReplicationEndpoint::Learn(const v1::NodeInfo& caller) {
  if (caller.address().empty()) return;
  peers_->Learn(caller);
}

absl::Status ReplicationEndpoint::Pull(const v1::PullRequest& request,
                                       const std::function<bool(const v1::PullResponse&)>& emit) {
  stats_.pulls_served++;
  const v1::NodeInfo& caller = request.caller();
  Learn(caller);
  const VersionVector theirs = VersionVector::FromProto(request.version_vector());
  if (!caller.address().empty()) {
    peers_->RecordTheirVector(caller.address(), theirs, absl::Now());
    // The caller has entries this node lacks: pull them back.
    ReadView view(db_);
    PACTO_ASSIGN_OR_RETURN(CommittedState mine, ReadCommittedState(view));
    if (!mine.version_vector.Dominates(theirs) || Failing(caller.address())) {
      wants_pull_(caller.address());
    }
  }
  v1::PullDone done;
  *done.mutable_callee() = self_;
  *done.mutable_heard_from() =
      HeardFor(caller.address().empty() ? caller.node_id() : caller.address());
  if (request.peers_hash() != peers_->Hash()) {
    for (v1::NodeInfo& info : peers_->Infos()) *done.add_peers() = std::move(info);
  }
  ShipStats stats;
  absl::Status s = ShipLog(*db_, request, std::move(done), emit, &stats);
  stats_.entries_sent += stats.entries;
  stats_.bytes_sent += stats.bytes;
  return s;
}

absl::Status ReplicationEndpoint::Snapshot(
    const v1::SnapshotRequest& request, const std::function<bool(const v1::SnapshotChunk&)>& emit) {
  Learn(request.caller());
  stats_.snapshots_served++;
  uint64_t records = 0;
  return ShipSnapshot(*db_, request.max_chunk_bytes(), emit, &records);
}

void ReplicationEndpoint::Notify(const v1::NotifyRequest& request) {
  Learn(request.caller());
  if (!request.caller().address().empty()) wants_pull_(request.caller().address());
}

}  // namespace pacto
