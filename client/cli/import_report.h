// The outcome of `pacto member import` (DESIGN §2.1): the node's per-row results merged
// with the rows rejected before sending, and how they read.
#ifndef PACTO_CLIENT_CLI_IMPORT_REPORT_H_
#define PACTO_CLIENT_CLI_IMPORT_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "pacto/v1/registry.pb.h"

namespace pacto::cli {

// `from_node` with the `local` rejects added: `rejected` grows by their number and
// `errors` holds both, sorted by line (stable, so the node's order is kept within a
// line).
v1::ImportMembersResponse MergeImportResults(v1::ImportMembersResponse from_node,
                                             const std::vector<v1::RowError>& local);

// One line per error, "line 12: INVALID_ARGUMENT: name: must not be empty", then
// "imported 1997 of 2000 rows; 3 rejected". When the node stopped early
// (`stopped`), a line "line 901: the node stopped the import here: CODE: why" comes
// before the count, which ends "; 100 not imported". Every line ends in "\n".
std::string FormatImportReport(const v1::ImportMembersResponse& merged, uint64_t total_rows);

// The stopped code (INVALID_ARGUMENT, ...) "the node stopped the import at line 901
// (why): 880 of 1000 rows were imported, 20 rejected, 100 not imported" when the node
// stopped early; otherwise OK when no row was rejected; ALREADY_EXISTS "3 of 2000
// rows already there; the other 1997 were imported" when every rejected row was one
// the node already holds (an export imported again); otherwise INVALID_ARGUMENT "3 of
// 2000 rows rejected; the other 1997 were imported".
absl::Status ImportOutcome(const v1::ImportMembersResponse& merged, uint64_t total_rows);

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_IMPORT_REPORT_H_
