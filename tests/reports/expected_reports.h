// The reports recounted from a FederationState (federation_state.h) by brute force,
// independently of the node: no counters, no indexes, no code of node/reports. These
// are the definitions the tests hold the node to (DESIGN §2.1, §3, issue 4):
//
//   connected chapter   one whose chain of active affiliations reaches a pact (a pact
//                       itself included); the chapter's status does not matter
//   active member       a person with at least one active membership
//   federation member   a person with an active membership in a connected chapter
//   summary             live chapters (and per level, every level listed), distinct
//                       active members, distinct federation members, live persons,
//                       and per sector its chapters and distinct active members
//                       (sectors with neither left out)
//   regions             per live region, over its subtree: chapters, distinct active
//                       members and distinct federation members of chapters there
//   tree                per chapter: its active parent, depth below the row's root,
//                       its active memberships (memberships, not people), the sum
//                       over its subtree, the chapters in its subtree, and "broken"
//                       when its chain does not reach a pact; with a root only that
//                       chapter's subtree (depths from it); with a depth limit only
//                       rows at most that deep, their counts unchanged
//   formation           formation.h: per live chapter and per region subtree, the
//                       distinct active members younger than the age limit on `today`
//                       (whole years; no birth date: not young), of them those with
//                       at least one formation record, coverage = formed / young (0
//                       when none), and courses = all formation records held by the
//                       distinct active members (wherever recorded); one row per
//                       chapter homed in scope, then one per region in scope
//   vacancies           per live chapter in scope that is not dissolved and whose
//                       level has required roles: the required roles (in the rule's
//                       order) without a current term, a term being current when
//                       start <= today and (no end or end >= today)
//   duplicates          (1) live people without a national id but with a birth date
//                       sharing folded name and birth date, two or more: their ids
//                       and all their memberships; (2) people active in chapters
//                       under two or more confederations (the first confederation up
//                       each chain of active affiliations, the chapter itself
//                       included): their id and active memberships
//   conflicts           records holding several versions; people active twice in
//                       one chapter
//   export              every membership (active only, unless `include_ended`) of a
//                       chapter homed in the region's subtree, with its person's data
#ifndef PACTO_TESTS_REPORTS_EXPECTED_REPORTS_H_
#define PACTO_TESTS_REPORTS_EXPECTED_REPORTS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "pacto/v1/registry.pb.h"
#include "pacto/v1/reports.pb.h"
#include "tests/reports/federation_state.h"

namespace pacto {

// Level → required roles (lower case), as ReportContext::required_roles.
using RoleRules = std::map<std::string, std::vector<std::string>>;

// What the node's default is meant to be: every level but the pact needs a
// "secretario general".
RoleRules ExpectedDefaultRoles();

v1::SummaryResponse ExpectedSummary(const FederationState& state);
// Rows depth-first, children by code.
std::vector<v1::RegionRow> ExpectedRegions(const FederationState& state);
// Rows depth-first: pacts, then tops of broken chains; children by (name, id).
std::vector<v1::TreeRow> ExpectedTree(const FederationState& state, const std::string& root = "",
                                      int depth = 0);
std::vector<v1::FormationRow> ExpectedFormation(const FederationState& state, absl::CivilDay today,
                                                const std::string& region = "", int age_limit = 30);
std::vector<v1::VacancyRow> ExpectedVacancies(const FederationState& state, absl::CivilDay today,
                                              const RoleRules& rules,
                                              const std::string& region = "");
// Membership ids sorted within each row.
std::vector<v1::DuplicateRow> ExpectedDuplicates(const FederationState& state,
                                                 bool allow_multiple_confederations = false);
// Kind, record type and id of each conflict (versions are not recounted); for a
// person active twice in a chapter, the chapter's id as the detail.
std::vector<v1::Conflict> ExpectedConflicts(const FederationState& state);
std::vector<v1::ExportRow> ExpectedExport(const FederationState& state, const std::string& region,
                                          bool include_ended = false);

// `code` and every region below it.
std::vector<std::string> RegionSubtree(const FederationState& state, const std::string& code);

}  // namespace pacto

#endif  // PACTO_TESTS_REPORTS_EXPECTED_REPORTS_H_
