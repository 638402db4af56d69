// Turning a member CSV file into the rows `pacto member import` sends (DESIGN §2.1).
//
// The first record is the header. Columns are matched by name, trimmed and
// case-insensitively: `chapter` and `name` are required, `national_id`, `birth_date`,
// `since` and `membership_id` optional, any other column is ignored. A file written by
// `pacto member export` has them all, so re-importing it skips (ALREADY_EXISTS) the
// memberships the node already holds and adds the rest. Every later record becomes one
// ImportRow whose `line` is the record's line in the file (the header being line 1,
// the first data row is normally line 2). Each value loses the single quote an export
// puts in front of a cell a spreadsheet would run as a formula (formula_cells.h), so
// an exported "=1+1", written '=1+1, is sent as =1+1; values are otherwise sent as they
// are; the node trims and validates them.
//
// A record is rejected here, and not sent, when the CSV reader finds it malformed or
// when it has more fields than the header (unless the extra ones are all blank: a
// stray comma would otherwise shift a value into the wrong column). A record with
// fewer fields than the header is kept; its missing trailing values are empty.
#ifndef PACTO_CLIENT_CLI_IMPORT_PLAN_H_
#define PACTO_CLIENT_CLI_IMPORT_PLAN_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pacto/v1/registry.pb.h"

namespace pacto::cli {

struct ImportPlan {
  // The rows to send, in file order.
  std::vector<v1::ImportRow> rows;
  // The rows rejected here, in line order: code INVALID_ARGUMENT, message
  // "csv: ..." (e.g. "csv: quote inside an unquoted field (field 2)").
  std::vector<v1::RowError> rejects;

  // Data rows in the file.
  uint64_t total() const { return rows.size() + rejects.size(); }
};

// Reads the CSV `text`. Fails with INVALID_ARGUMENT, before anything is sent, when the
// text has no header, the header is malformed, names a column twice, or lacks a
// required column.
absl::StatusOr<ImportPlan> PlanImport(absl::string_view text);

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_IMPORT_PLAN_H_
