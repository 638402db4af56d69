// Probable duplicate people: (1) people without a national id whose names (folded:
// case, accents, punctuation) and birth dates match — likely one person enrolled
// twice; (2) a person with a national id active in chapters of two different
// confederations, where the federation's policy says one; (3) "discrepancy": a
// membership enrolled, from outside the person's scope, with a name or birth date
// other than the person's record holds (Membership.sent_person). Rows name ids,
// counts and field names, never names or dates. Scans the persons, the people with
// more than one active membership (an index the apply path keeps) and the memberships.
//
// Filtered to `caller`'s scope (person_scope.h), like every person-level answer:
// a row is computed on the people the caller sees and the memberships whose chapter
// they cover, as if the rest did not exist; a discrepancy is shown only to callers
// who see the person's record.
#ifndef PACTO_NODE_REPORTS_DUPLICATES_H_
#define PACTO_NODE_REPORTS_DUPLICATES_H_

#include <functional>

#include "node/registry/caller.h"
#include "node/reports/report_context.h"

namespace pacto {

absl::Status BuildDuplicates(const ReportContext& ctx, const v1::DuplicatesRequest& request,
                             const Caller& caller,
                             const std::function<bool(const v1::DuplicatesResponse&)>& emit,
                             int chunk_rows = 2000);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_DUPLICATES_H_
