// How each `pacto report ...` reads: the text a person gets by default and the table
// `--csv` prints (`--json` prints the response itself).
//
// Text: the report's tables (sections apart by a blank line; a table without rows
// is followed by "(none)"), then a blank line and the header's lines (HeaderLines). Names are shown
// last in tables of chapters, where they are long, and indented by depth in the tree and regions
// reports. CSV: one table, a header row and one row per report row, columns named and ordered as
// the proto's fields, values as the node sent them (no indentation, no rounding; lists joined by
// ";" (role names hold spaces); booleans true/false).
//
// Pure functions; no I/O.
#ifndef PACTO_CLIENT_CLI_REPORT_VIEWS_H_
#define PACTO_CLIENT_CLI_REPORT_VIEWS_H_

#include <string>

#include "client/cli/table.h"
#include "pacto/v1/reports.pb.h"

namespace pacto::cli {

// "as of node n1 at 2026-11-27T23:10:50Z (n1=42 n2=17)\n" and, when the header names
// stale regions, "stale: LPZ, SCZ (no news for 24h)\n".
std::string HeaderLines(const v1::ReportHeader& header);

// The metric table (SummaryTable), a SECTOR / CHAPTERS / ACTIVE_MEMBERS table when
// the node counts sectors, then the header's lines (AsOfLine for a node that sends
// no header).
std::string SummaryText(const v1::SummaryResponse& response);
// metric,value: SummaryTable's rows, "by_sector.SECTOR.chapters" and
// "by_sector.SECTOR.active_members" rows, then the freshness rows (AddFreshnessRows).
Table SummaryCsv(const v1::SummaryResponse& response);

// code, name (indented two spaces per depth), level, parent, chapters, active_members,
// federation_members.
std::string RegionsText(const v1::RegionsResponse& response);
Table RegionsCsv(const v1::RegionsResponse& response);

// Text: id, level, region, active_memberships, subtree_active_memberships,
// subtree_chapters, broken ("BROKEN" on chains that do not reach a pact), name
// (indented by depth). CSV: id, name, level, region, parent, depth, the three counts,
// broken.
std::string TreeText(const v1::TreeResponse& response);
Table TreeCsv(const v1::TreeResponse& response);

// Text: scope, id, region, young_active_members, young_formed, coverage (a percentage
// with one decimal; "-" when nobody is under the age limit), courses, name. CSV: the proto's order,
// coverage as a fraction.
std::string FormationText(const v1::FormationResponse& response);
Table FormationCsv(const v1::FormationResponse& response);

// Text: chapter_id, level, region, missing_roles, name; then a LEVEL / ROLES table of
// the required roles the node applied. CSV: the rows only.
std::string VacanciesText(const v1::VacanciesResponse& response);
Table VacanciesCsv(const v1::VacanciesResponse& response);

// Text: the origin nodes' table, then the regions' table. CSV: both in one table with
// a `scope` column (origin | region) and the union of their columns, a cell empty
// where its scope has no such field.
std::string FreshnessText(const v1::FreshnessResponse& response);
Table FreshnessCsv(const v1::FreshnessResponse& response);

// kind, person_ids, membership_ids, detail.
std::string DuplicatesText(const v1::DuplicatesResponse& response);
Table DuplicatesCsv(const v1::DuplicatesResponse& response);

// ConflictsTable, then the header's lines ("as of node X" from a node that sends no
// header).
std::string ConflictsText(const v1::ConflictsResponse& response);

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_REPORT_VIEWS_H_
