// The conflicts report: every record holding concurrent versions (from the conflict
// index the apply path keeps), all versions shown with the winner marked, then the
// semantic conflicts a merge can leave behind although each side kept the rules: a
// person active twice in one chapter (two regions enrolled them while cut off).
// (An affiliation cycle cannot arise: a parent's level must be higher than its
// child's and levels never change, so two partitions' affiliations cannot close a
// loop; two parents given to one chapter are concurrent versions of its affiliation
// record and show up as such.)
#ifndef PACTO_NODE_REPORTS_CONFLICTS_H_
#define PACTO_NODE_REPORTS_CONFLICTS_H_

#include "absl/status/statusor.h"
#include "node/reports/report_context.h"
#include "pacto/v1/reports.pb.h"

namespace pacto {

// Thread-safe; each page reads one snapshot and carries the report header. Pages walk
// the concurrent-version conflicts first, then the semantic ones, and hold at most
// `page_size` conflicts, except that one person's conflicts are never split across
// pages (a page may exceed a page size smaller than that).
absl::StatusOr<v1::ConflictsResponse> BuildConflicts(const ReportContext& ctx,
                                                     const v1::ConflictsRequest& request);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_CONFLICTS_H_
