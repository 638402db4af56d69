// The node's /metrics page, Prometheus text format.
#ifndef PACTO_NODE_SERVER_METRICS_H_
#define PACTO_NODE_SERVER_METRICS_H_

#include <string>

#include "node/replication/endpoint.h"
#include "node/replication/peer_directory.h"
#include "node/replication/rejection_counts.h"
#include "node/replication/syncer.h"
#include "node/server/rpc_metrics.h"
#include "node/store/commit_pipeline.h"
#include "node/store/database.h"

namespace pacto {

struct MetricsSources {
  const Database* db = nullptr;
  CommitPipeline::Stats pipeline;
  // Replication, once it runs (null before).
  const Syncer* syncer = nullptr;
  const ReplicationEndpoint* endpoint = nullptr;
  const PeerDirectory* peers = nullptr;
  const RpcMetrics* rpcs = nullptr;
  // Replicated entries (and snapshot versions) refused, by reason; null: not shown.
  const RejectionCounts* rejections = nullptr;
  bool ready = false;  // what /readyz says
};

// Everything in Prometheus text format: one HELP and TYPE line per family, then its
// samples. Reads the database (committed state, RocksDB properties) without locking it.
std::string RenderMetrics(const MetricsSources& sources);

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_METRICS_H_
