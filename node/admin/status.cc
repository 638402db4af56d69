#include "node/admin/status.h"

#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/version.h"
#include "node/base/hlc.h"
#include "node/store/committed_state.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"

namespace pacto {

namespace {

std::string FormatMillis(int64_t ms) {
  return ms == 0
             ? ""
             : absl::FormatTime(absl::RFC3339_sec, absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

// Entries `a` has that `b` lacks.
uint64_t Ahead(const VersionVector& a, const VersionVector& b) {
  uint64_t n = 0;
  for (const auto& [origin, seq] : a.entries()) {
    const uint64_t theirs = b.Get(origin);
    if (seq > theirs) n += seq - theirs;
  }
  return n;
}

}  // namespace

absl::StatusOr<v1::StatusResponse> BuildStatus(const Database& db, const NodeFacts& facts,
                                               const PeerDirectory* peers) {
  ReadView view(&db);
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  v1::StatusResponse out;
  out.set_node_id(db.node_id());
  out.set_region(facts.region);
  out.set_digest(state.digest.ToHex());
  state.version_vector.ToProto(out.mutable_version_vector());
  out.set_log_entries(state.log_next);
  uint64_t records = 0;
  db.db()->GetIntProperty(db.records(), "rocksdb.estimate-num-keys", &records);
  out.set_records(records);
  out.set_data_dir(db.path());
  out.set_development_mode(facts.development_mode);
  out.set_version(kPactoVersion);
  out.set_uptime_seconds(static_cast<uint64_t>(absl::ToInt64Seconds(absl::Now() - facts.started)));
  out.set_listen(facts.listen);
  out.set_advertise(facts.advertise);
  // The oldest entry still in the log.
  PACTO_RETURN_IF_ERROR(
      view.Scan(db.log(), std::string(kLogEntryPrefix), "",
                [&](absl::string_view key, absl::string_view value) {
                  if (key.size() != 8) return false;
                  const uint64_t oldest = GetBigEndian64(key);
                  out.set_log_oldest_position(oldest);
                  out.set_log_retained(state.log_next - oldest);
                  v1::Entry entry;
                  if (entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                    out.set_log_oldest_time(FormatMillis(HybridClock::Millis(entry.hlc())));
                  }
                  return false;
                }));
  if (peers != nullptr) {
    for (const v1::PeerRecord& peer : peers->List()) {
      out.set_peers_known(out.peers_known() + 1);
      if (peer.failures() > 0) out.set_peers_failing(out.peers_failing() + 1);
    }
  }
  return out;
}

absl::StatusOr<v1::PeersResponse> BuildPeers(const Database& db, const PeerDirectory& peers) {
  ReadView view(&db);
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  v1::PeersResponse out;
  for (const v1::PeerRecord& peer : peers.List()) {
    v1::PeerStatus* row = out.add_peers();
    row->set_address(peer.info().address());
    row->set_node_id(peer.info().node_id());
    row->set_region(peer.info().region());
    row->set_state(peer.failures() > 0 ? "failing" : peer.last_success_ms() > 0 ? "ok" : "new");
    row->set_last_sync(FormatMillis(peer.last_success_ms()));
    row->set_last_error(peer.last_error());
    row->set_failures(peer.failures());
    row->set_seed(peer.seed());
    const VersionVector theirs = VersionVector::FromProto(peer.their_vector());
    row->set_peer_behind(Ahead(state.version_vector, theirs));
    row->set_we_are_behind(Ahead(theirs, state.version_vector));
  }
  return out;
}

}  // namespace pacto
