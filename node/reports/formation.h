// Formation (political education) coverage: for each chapter, and rolled up per
// region subtree, how many of its active members are under the age limit (30 by
// default), how many of those have completed at least one course, and how many
// formation records its active members hold. People (and their courses) are counted
// once per chapter and once per region however many memberships they have there. Ages change daily,
// so this report reads the members of every chapter in scope: time in proportion to
// members.
#ifndef PACTO_NODE_REPORTS_FORMATION_H_
#define PACTO_NODE_REPORTS_FORMATION_H_

#include <functional>

#include "node/reports/report_context.h"

namespace pacto {

absl::Status BuildFormation(const ReportContext& ctx, const v1::FormationRequest& request,
                            const std::function<bool(const v1::FormationResponse&)>& emit,
                            int chunk_rows = 2000);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_FORMATION_H_
