#include "node/server/metrics.h"

#include "absl/strings/str_cat.h"
#include "node/store/committed_state.h"
#include "node/store/read_view.h"
#include "node/store/tallies.h"

namespace pacto {
namespace {

void Metric(std::string* out, absl::string_view name, absl::string_view type,
            absl::string_view help, double value) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n", name, " ",
                  value, "\n");
}

}  // namespace

std::string RenderMetrics(const MetricsSources& sources) {
  const Database& db = *sources.db;
  const CommitPipeline::Stats& pipeline = sources.pipeline;
  std::string out;
  Metric(&out, "pacto_commit_groups_total", "counter",
         "Write batches committed (each one WAL sync).", static_cast<double>(pipeline.groups));
  Metric(&out, "pacto_commit_items_total", "counter", "Writes run through the commit pipeline.",
         static_cast<double>(pipeline.items));
  Metric(&out, "pacto_commit_failures_total", "counter", "Write batches that failed to commit.",
         static_cast<double>(pipeline.failed_commits));
  ReadView view(&db);
  absl::StatusOr<CommittedState> state = ReadCommittedState(view);
  if (state.ok()) {
    Metric(&out, "pacto_log_entries", "gauge", "Entries appended to the operation log.",
           static_cast<double>(state->log_next));
  }
  for (absl::string_view name : {kChaptersCounter, kActiveCounter, kFederationCounter}) {
    absl::StatusOr<int64_t> v = ReadCounter(db, GlobalCounterKey(name), view.options().snapshot);
    if (v.ok()) {
      Metric(&out, absl::StrCat("pacto_", name), "gauge", "Federation-wide count.",
             static_cast<double>(*v));
    }
  }
  if (sources.syncer != nullptr) {
    const SyncerStats s = sources.syncer->stats();
    Metric(&out, "pacto_sync_sessions_total", "counter", "Pull sessions this node ran.",
           static_cast<double>(s.sessions));
    Metric(&out, "pacto_sync_failures_total", "counter", "Pull sessions that failed.",
           static_cast<double>(s.failures));
    Metric(&out, "pacto_replicated_entries_applied_total", "counter",
           "Entries from peers applied here.", static_cast<double>(s.entries_applied));
    Metric(&out, "pacto_sync_bytes_received_total", "counter",
           "Replication payload bytes received.", static_cast<double>(s.bytes_received));
    Metric(&out, "pacto_snapshots_taken_total", "counter", "State snapshots merged here.",
           static_cast<double>(s.snapshots));
    Metric(&out, "pacto_log_entries_truncated_total", "counter",
           "Log entries dropped because every peer had them (or past retention).",
           static_cast<double>(s.log_entries_truncated));
  }
  if (sources.endpoint != nullptr) {
    const EndpointStats& e = sources.endpoint->stats();
    Metric(&out, "pacto_pulls_served_total", "counter", "Pull sessions served to peers.",
           static_cast<double>(e.pulls_served.load()));
    Metric(&out, "pacto_entries_sent_total", "counter", "Entries shipped to peers.",
           static_cast<double>(e.entries_sent.load()));
    Metric(&out, "pacto_sync_bytes_sent_total", "counter", "Replication payload bytes sent.",
           static_cast<double>(e.bytes_sent.load()));
    Metric(&out, "pacto_snapshots_served_total", "counter", "State snapshots sent to peers.",
           static_cast<double>(e.snapshots_served.load()));
  }
  if (sources.peers != nullptr) {
    int failing = 0;
    std::vector<v1::PeerRecord> peers = sources.peers->List();
    for (const v1::PeerRecord& p : peers) failing += p.failures() > 0 ? 1 : 0;
    Metric(&out, "pacto_peers", "gauge", "Peers this node knows.",
           static_cast<double>(peers.size()));
    Metric(&out, "pacto_peers_failing", "gauge", "Peers whose last session failed.",
           static_cast<double>(failing));
  }
  return out;
}

}  // namespace pacto
