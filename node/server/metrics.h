// The node's /metrics page, Prometheus text format.
#ifndef PACTO_NODE_SERVER_METRICS_H_
#define PACTO_NODE_SERVER_METRICS_H_

#include <string>

#include "node/store/commit_pipeline.h"
#include "node/store/database.h"

namespace pacto {

std::string RenderMetrics(const Database& db, const CommitPipeline::Stats& pipeline);

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_METRICS_H_
