// Probable duplicate people: (1) people without a national id whose names (folded:
// case, accents, punctuation) and birth dates match — likely one person enrolled
// twice; (2) a person with a national id active in chapters of two different
// confederations, where the federation's policy says one. Rows name ids and counts,
// never names. Scans the persons without a national id and the people with more than
// one active membership (an index the apply path keeps).
#ifndef PACTO_NODE_REPORTS_DUPLICATES_H_
#define PACTO_NODE_REPORTS_DUPLICATES_H_

#include <functional>

#include "node/reports/report_context.h"

namespace pacto {

absl::Status BuildDuplicates(const ReportContext& ctx, const v1::DuplicatesRequest& request,
                             const std::function<bool(const v1::DuplicatesResponse&)>& emit,
                             int chunk_rows = 2000);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_DUPLICATES_H_
