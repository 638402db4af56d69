// How fresh this node's data is (DESIGN: reporting "always says how fresh each
// region's data is"). For every origin node: its writes held here, the newest of
// them, when this node last heard from it (a session with it, or news of it passed
// along by others), and how many of its writes some peer is known to have that this
// node lacks. Per region (the origins' home regions): the same, summed up; a region
// is stale when the last news from any of its nodes is older than a threshold.
#ifndef PACTO_NODE_REPORTS_FRESHNESS_H_
#define PACTO_NODE_REPORTS_FRESHNESS_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node/reports/report_context.h"

namespace pacto {

// The report without its header.
absl::StatusOr<v1::FreshnessResponse> ComputeFreshness(const ReportContext& ctx,
                                                       const ReadView& view,
                                                       absl::Duration stale_after);

absl::StatusOr<v1::FreshnessResponse> BuildFreshness(const ReportContext& ctx,
                                                     const v1::FreshnessRequest& request);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_FRESHNESS_H_
