// The federation summary report (DESIGN §2.1): chapters, active members and
// federation members, answered from counters the apply path keeps, so it costs the
// same for ten members or three million.
#ifndef PACTO_NODE_REPORTS_SUMMARY_H_
#define PACTO_NODE_REPORTS_SUMMARY_H_

#include <string>

#include "absl/status/statusor.h"
#include "node/store/database.h"
#include "pacto/v1/reports.pb.h"

namespace pacto {

// Thread-safe; reads one snapshot.
absl::StatusOr<v1::SummaryResponse> BuildSummary(const Database& db);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_SUMMARY_H_
