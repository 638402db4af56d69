#include "node/server/metrics.h"

#include "absl/strings/str_cat.h"
#include "common/version.h"
#include "node/admin/status.h"
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

// One family with one sample per label set: `samples` holds (labels, value), where
// labels is the inside of the braces ("" for none).
void Family(std::string* out, absl::string_view name, absl::string_view type,
            absl::string_view help, const std::vector<std::pair<std::string, double>>& samples) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
  for (const auto& [labels, value] : samples) {
    absl::StrAppend(out, name, labels.empty() ? "" : absl::StrCat("{", labels, "}"), " ", value,
                    "\n");
  }
}

// Label values may hold any text; Prometheus wants \\, \" and \n escaped.
std::string Escape(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// A few RocksDB properties per column family and for the whole database.
void RenderRocksDb(const Database& db, std::string* out) {
  const std::vector<std::pair<const char*, rocksdb::ColumnFamilyHandle*>> families = {
      {"default", db.meta()},
      {"records", db.records()},
      {"indexes", db.indexes()},
      {"log", db.log()},
      {"tallies", db.tallies()}};
  struct PerFamily {
    const char* metric;
    const char* property;
    const char* help;
  };
  for (const PerFamily& f : {
           PerFamily{"pacto_rocksdb_estimate_num_keys", "rocksdb.estimate-num-keys",
                     "Estimated keys per column family."},
           PerFamily{"pacto_rocksdb_sst_files_bytes", "rocksdb.total-sst-files-size",
                     "Bytes of table files per column family."},
           PerFamily{"pacto_rocksdb_memtable_bytes", "rocksdb.cur-size-all-mem-tables",
                     "Bytes in memtables per column family."},
           PerFamily{"pacto_rocksdb_pending_compaction_bytes",
                     "rocksdb.estimate-pending-compaction-bytes",
                     "Bytes compaction still has to rewrite, per column family."},
       }) {
    std::vector<std::pair<std::string, double>> samples;
    for (const auto& [name, handle] : families) {
      uint64_t v = 0;
      if (db.db()->GetIntProperty(handle, f.property, &v)) {
        samples.push_back({absl::StrCat("cf=\"", name, "\""), static_cast<double>(v)});
      }
    }
    Family(out, f.metric, "gauge", f.help, samples);
  }
  for (const PerFamily& f : {
           PerFamily{"pacto_rocksdb_background_errors", "rocksdb.background-errors",
                     "Background (flush, compaction) errors since the node started."},
           PerFamily{"pacto_rocksdb_running_compactions", "rocksdb.num-running-compactions",
                     "Compactions running now."},
           PerFamily{"pacto_rocksdb_running_flushes", "rocksdb.num-running-flushes",
                     "Memtable flushes running now."},
           PerFamily{"pacto_rocksdb_block_cache_bytes", "rocksdb.block-cache-usage",
                     "Bytes in the block cache."},
       }) {
    uint64_t v = 0;
    if (db.db()->GetIntProperty(db.records(), f.property, &v)) {
      Metric(out, f.metric, "gauge", f.help, static_cast<double>(v));
    }
  }
}

// The commit pipeline's counters, and what this node is.
void RenderNode(const MetricsSources& sources, std::string* out) {
  const CommitPipeline::Stats& pipeline = sources.pipeline;
  Metric(out, "pacto_commit_groups_total", "counter",
         "Write batches committed (each one WAL sync).", static_cast<double>(pipeline.groups));
  Metric(out, "pacto_commit_items_total", "counter", "Writes run through the commit pipeline.",
         static_cast<double>(pipeline.items));
  Metric(out, "pacto_commit_failures_total", "counter", "Write batches that failed to commit.",
         static_cast<double>(pipeline.failed_commits));
  Family(out, "pacto_build_info", "gauge", "The running pacto-node's version and node id.",
         {{absl::StrCat("version=\"", kPactoVersion, "\",node_id=\"", Escape(sources.db->node_id()),
                        "\""),
           1}});
  Metric(out, "pacto_ready", "gauge",
         "1 when the node is ready for traffic (/readyz), 0 while it bootstraps.",
         sources.ready ? 1 : 0);
}

// The log and the federation-wide counters, as of `view`. What cannot be read is left
// out.
void RenderRegistry(const ReadView& view, std::string* out) {
  const Database& db = view.db();
  absl::StatusOr<CommittedState> state = ReadCommittedState(view);
  if (state.ok()) {
    Metric(out, "pacto_log_entries", "gauge", "Entries appended to the operation log.",
           static_cast<double>(state->log_next));
    double local = 0, replicated = 0;
    for (const auto& [origin, seq] : state->version_vector.entries()) {
      (origin == db.node_id() ? local : replicated) += static_cast<double>(seq);
    }
    Family(out, "pacto_writes_applied_total", "counter",
           "Writes applied (log entries; an import batch is one), by where they were made: "
           "here, or on another node and replicated.",
           {{"source=\"local\"", local}, {"source=\"replicated\"", replicated}});
  }
  absl::StatusOr<v1::StatusResponse> status = BuildStatus(db, NodeFacts(), nullptr);
  if (status.ok()) {
    Metric(out, "pacto_log_retained_entries", "gauge",
           "Log entries still held (the log is truncated below what every peer has).",
           static_cast<double>(status->log_retained()));
  }
  for (absl::string_view name : {kChaptersCounter, kActiveCounter, kFederationCounter}) {
    absl::StatusOr<int64_t> v = ReadCounter(db, GlobalCounterKey(name), view.options().snapshot);
    if (v.ok()) {
      Metric(out, absl::StrCat("pacto_", name), "gauge", "Federation-wide count.",
             static_cast<double>(*v));
    }
  }
}

// The receiving side of replication: sessions run, and what peers sent that was refused.
void RenderSyncer(const Syncer& syncer, std::string* out) {
  const SyncerStats s = syncer.stats();
  Metric(out, "pacto_sync_sessions_total", "counter", "Pull sessions this node ran.",
         static_cast<double>(s.sessions));
  Metric(out, "pacto_sync_failures_total", "counter", "Pull sessions that failed.",
         static_cast<double>(s.failures));
  Metric(out, "pacto_replicated_entries_applied_total", "counter",
         "Entries from peers applied here.", static_cast<double>(s.entries_applied));
  Metric(out, "pacto_sync_bytes_received_total", "counter", "Replication payload bytes received.",
         static_cast<double>(s.bytes_received));
  Metric(out, "pacto_snapshots_taken_total", "counter", "State snapshots merged here.",
         static_cast<double>(s.snapshots));
  Metric(out, "pacto_log_entries_truncated_total", "counter",
         "Log entries dropped because every peer had them (or past retention).",
         static_cast<double>(s.log_entries_truncated));
}

void RenderRejections(const RejectionCounts& rejections, std::string* out) {
  std::vector<std::pair<std::string, double>> samples;
  for (const auto& [reason, count] : rejections.Get()) {
    samples.push_back({absl::StrCat("reason=\"", reason, "\""), static_cast<double>(count)});
  }
  Family(out, "pacto_replication_rejected_entries_total", "counter",
         "Replicated entries and snapshot versions refused, by reason: signature, certificate "
         "(unknown, other CA, revoked), chain (forked or replayed history), region (outside "
         "the origin's certified region), evidence (a snapshot version without its signed "
         "entry), clock, malformed. Each refusal counts; a peer retrying counts again.",
         samples);
}

// The sending side of replication.
void RenderEndpoint(const ReplicationEndpoint& endpoint, std::string* out) {
  const EndpointStats& e = endpoint.stats();
  Metric(out, "pacto_pulls_served_total", "counter", "Pull sessions served to peers.",
         static_cast<double>(e.pulls_served.load()));
  Metric(out, "pacto_entries_sent_total", "counter", "Entries shipped to peers.",
         static_cast<double>(e.entries_sent.load()));
  Metric(out, "pacto_sync_bytes_sent_total", "counter", "Replication payload bytes sent.",
         static_cast<double>(e.bytes_sent.load()));
  Metric(out, "pacto_snapshots_served_total", "counter", "State snapshots sent to peers.",
         static_cast<double>(e.snapshots_served.load()));
}

// The peers this node knows, and per peer how far apart the two are and when they last
// synced.
void RenderPeers(const Database& db, const PeerDirectory& directory, std::string* out) {
  int failing = 0;
  std::vector<v1::PeerRecord> peers = directory.List();
  for (const v1::PeerRecord& p : peers) failing += p.failures() > 0 ? 1 : 0;
  Metric(out, "pacto_peers", "gauge", "Peers this node knows.", static_cast<double>(peers.size()));
  Metric(out, "pacto_peers_failing", "gauge", "Peers whose last session failed.",
         static_cast<double>(failing));
  std::vector<std::pair<std::string, double>> behind, ahead, last_sync, failures;
  absl::StatusOr<v1::PeersResponse> lag = BuildPeers(db, directory);
  if (lag.ok()) {
    for (const v1::PeerStatus& p : lag->peers()) {
      const std::string labels =
          absl::StrCat("peer=\"", Escape(p.address()), "\",node_id=\"", Escape(p.node_id()), "\"");
      behind.push_back({labels, static_cast<double>(p.peer_behind())});
      ahead.push_back({labels, static_cast<double>(p.we_are_behind())});
      failures.push_back({labels, static_cast<double>(p.failures())});
    }
  }
  for (const v1::PeerRecord& p : peers) {
    if (p.last_success_ms() == 0) continue;
    last_sync.push_back({absl::StrCat("peer=\"", Escape(p.info().address()), "\",node_id=\"",
                                      Escape(p.info().node_id()), "\""),
                         static_cast<double>(p.last_success_ms()) / 1000});
  }
  Family(out, "pacto_peer_entries_behind", "gauge",
         "Entries this node has that the peer lacks, as of the last exchange.", behind);
  Family(out, "pacto_peer_entries_ahead", "gauge",
         "Entries the peer has that this node lacks, as of the last exchange.", ahead);
  Family(out, "pacto_peer_failures", "gauge", "Sessions with the peer failed in a row.", failures);
  Family(out, "pacto_peer_last_sync_timestamp_seconds", "gauge",
         "When the last session with the peer succeeded (Unix time).", last_sync);
}

}  // namespace

std::string RenderMetrics(const MetricsSources& sources) {
  std::string out;
  RenderNode(sources, &out);
  ReadView view(sources.db);
  RenderRegistry(view, &out);
  if (sources.syncer != nullptr) RenderSyncer(*sources.syncer, &out);
  if (sources.rejections != nullptr) RenderRejections(*sources.rejections, &out);
  if (sources.endpoint != nullptr) RenderEndpoint(*sources.endpoint, &out);
  if (sources.peers != nullptr) RenderPeers(*sources.db, *sources.peers, &out);
  RenderRocksDb(*sources.db, &out);
  if (sources.rpcs != nullptr) absl::StrAppend(&out, sources.rpcs->Render());
  return out;
}

}  // namespace pacto
