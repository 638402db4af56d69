// The CSV file `pacto member export` writes (DESIGN §2.1): a header row naming the
// columns chapter, name, national_id, birth_date, since, membership_id, status, then
// one row per exported membership, RFC 4180 quoted (csv_writer.h), "\n" line ends,
// every cell a spreadsheet would run as a formula neutralised (formula_cells.h).
// `pacto member import` takes such a file back: it reads chapter, name, national_id,
// birth_date, since and membership_id by name, each back to the value exported (a
// membership the node already holds is skipped as ALREADY_EXISTS) and ignores status.
//
// Pure functions; no I/O.
#ifndef PACTO_CLIENT_CLI_EXPORT_CSV_H_
#define PACTO_CLIENT_CLI_EXPORT_CSV_H_

#include <string>

#include "pacto/v1/registry.pb.h"

namespace pacto::cli {

// "chapter,name,national_id,birth_date,since,membership_id,status\n".
std::string ExportCsvHeader();

// One CSV line per row of `chunk`, in order, values exactly as they are.
std::string ExportCsvRows(const v1::ExportMembersResponse& chunk);

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_EXPORT_CSV_H_
