// How each Pacto response reads as text: the table or field list a command prints when
// neither --json nor --csv asks for something else. Column and key names are the
// proto's field names, so the text, CSV and JSON outputs name things alike.
//
// Pure functions; no I/O.
#ifndef PACTO_CLIENT_CLI_VIEWS_H_
#define PACTO_CLIENT_CLI_VIEWS_H_

#include <cstdint>
#include <string>

#include "client/cli/field_list.h"
#include "client/cli/table.h"
#include "google/protobuf/map.h"
#include "pacto/v1/admin.pb.h"
#include "pacto/v1/model.pb.h"
#include "pacto/v1/registry.pb.h"
#include "pacto/v1/reports.pb.h"

namespace pacto::cli {

// code, name, level, parent.
Table RegionsTable(const v1::ListRegionsResponse& response);
// id, name, level, region, sector, status, parent.
Table ChaptersTable(const v1::ListChaptersResponse& response);
// id, name (the person's), status, since.
Table MembersTable(const v1::ListMembersResponse& response);
// id, role, membership_id, person_id, start_date, end_date.
Table OfficersTable(const v1::ListOfficersResponse& response);
// id, course, date, membership_id, chapter_id.
Table FormationTable(const v1::ListFormationResponse& response);
// metric, value: chapters, active_members, federation_members, persons, then one
// "chapters_by_level.LEVEL" row per level.
Table SummaryTable(const v1::SummaryResponse& response);

// `pacto report conflicts`: one row per version (or per semantic conflict).
Table ConflictsTable(const v1::ConflictsResponse& response);

// `pacto node peers`: each peer, its state, its last sync and who is behind whom.
Table PeersTable(const v1::PeersResponse& response);
// One row per change: the record, when, kind, principal and origin node (origin:seq).
Table AuditTable(const v1::AuditResponse& response);
// `pacto node sync`: each peer and how the round went.
Table SyncTable(const v1::SyncResponse& response);
// Adds the rows saying how fresh the summary is (for CSV): "as_of_node"; when the
// node sends a header, "as_of", "stale_after" and "stale_regions" (codes joined by
// ";"); then one "version_vector.ORIGIN" row per origin, sorted.
void AddFreshnessRows(const v1::SummaryResponse& response, Table* table);

FieldList ChapterFields(const v1::Chapter& chapter);
// child, parent, since, status, and one "history" line per past affiliation,
// "PARENT from SINCE to UNTIL".
FieldList AffiliationFields(const v1::Affiliation& affiliation);
FieldList MembershipFields(const v1::Membership& membership);
FieldList RemovalFields(const v1::RemoveMemberResponse& response);
// node_id, region, version, listen, data_dir, development_mode, uptime, records,
// log_entries, digest, version_vector.
FieldList StatusFields(const v1::StatusResponse& status);

// "n1=42 n2=17", origins sorted; "" when empty.
std::string VersionVectorText(const google::protobuf::Map<std::string, uint64_t>& vector);

// The freshness line under the summary: "as of node n1 (n1=42 n2=17)", or
// "as of node n1" when the vector is empty.
std::string AsOfLine(const v1::SummaryResponse& response);

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_VIEWS_H_
