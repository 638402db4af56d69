// The affiliation tree: from every pact down (or from one chapter), each chapter with
// its active memberships and those of its whole subtree; chapters whose chain of
// active affiliations does not reach a pact come after, under their topmost chapter,
// marked broken. Reads every chapter, affiliation and chapter tally once (three
// sequential scans) and rolls counts up in memory: time in proportion to chapters,
// never to members.
#ifndef PACTO_NODE_REPORTS_TREE_H_
#define PACTO_NODE_REPORTS_TREE_H_

#include <functional>

#include "node/reports/report_context.h"

namespace pacto {

// Calls `emit` with chunks of at most `chunk_rows` rows, the header in the first.
// NOT_FOUND naming root when the root chapter is unknown.
absl::Status BuildTree(const ReportContext& ctx, const v1::TreeRequest& request,
                       const std::function<bool(const v1::TreeResponse&)>& emit,
                       int chunk_rows = 2000);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_TREE_H_
