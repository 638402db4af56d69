// The federation summary report (DESIGN §2.1): chapters (by level), active members,
// federation members, persons, and counts by sector, answered from counters the
// apply path keeps, so it costs the same for ten members or three million.
#ifndef PACTO_NODE_REPORTS_SUMMARY_H_
#define PACTO_NODE_REPORTS_SUMMARY_H_

#include "node/reports/report_context.h"

namespace pacto {

// Thread-safe; reads one snapshot.
absl::StatusOr<v1::SummaryResponse> BuildSummary(const ReportContext& ctx,
                                                 const v1::SummaryRequest& request);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_SUMMARY_H_
