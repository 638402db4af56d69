// The regions report: for each region, counts over its whole subtree (country →
// department → province → municipality → community), from counters the apply path
// keeps, so it costs the number of regions, not members.
#ifndef PACTO_NODE_REPORTS_REGIONS_H_
#define PACTO_NODE_REPORTS_REGIONS_H_

#include "node/reports/report_context.h"

namespace pacto {

absl::StatusOr<v1::RegionsResponse> BuildRegions(const ReportContext& ctx,
                                                 const v1::RegionsRequest& request);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_REGIONS_H_
