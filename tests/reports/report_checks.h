// Running every report on a node in-process and holding it to a recount
// (expected_reports.h), line by line, through gtest.
//
//   ReportContext ctx{&replica.db(), nullptr, now};
//   ExpectReportsMatch(ctx, state, PickVariants(state));
//
// Comparisons match rows by key (chapter id, region code, ...) and report missing,
// unexpected and differing rows, a few of each, naming the report and the variant.
// Where the order of rows is part of a report's contract (tree and regions:
// depth-first, parents before children) it is checked as well.
//
// Also the hook for the replication nemesis (tests/nemesis): after a heal, call
//   ExpectReportsMatchRecords(node.db(), now);
// on each node: it recounts from the node's own records (state_from_records.h) and
// compares every report.
#ifndef PACTO_TESTS_REPORTS_REPORT_CHECKS_H_
#define PACTO_TESTS_REPORTS_REPORT_CHECKS_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "node/reports/report_context.h"
#include "pacto/v1/registry.pb.h"
#include "pacto/v1/reports.pb.h"
#include "tests/reports/expected_reports.h"
#include "tests/reports/federation_state.h"

namespace pacto {

// The requests each report is run with besides its default one.
struct ReportVariants {
  std::vector<std::pair<std::string, int>> trees;  // (root, depth)
  std::vector<std::string> formation_regions;
  std::vector<std::string> vacancy_regions;
  std::vector<std::string> export_regions;
};

// Roots of every kind (a pact, a connected federation, the top of a broken chain, a
// broken chapter below it, a leaf), depth limits, a department and a municipality.
ReportVariants PickVariants(const FederationState& state);

// --- running reports: streams drained, the header checked to be in the first chunk
// only and then dropped ---
absl::StatusOr<v1::SummaryResponse> RunSummary(const ReportContext& ctx);
absl::StatusOr<v1::RegionsResponse> RunRegions(const ReportContext& ctx);
absl::StatusOr<std::vector<v1::TreeRow>> RunTree(const ReportContext& ctx, const std::string& root,
                                                 int depth);
absl::StatusOr<std::vector<v1::FormationRow>> RunFormation(const ReportContext& ctx,
                                                           const std::string& region,
                                                           int age_limit = 0);
struct VacanciesResult {
  std::vector<v1::VacancyRow> rows;
  std::vector<v1::RequiredRoles> required;
};
absl::StatusOr<VacanciesResult> RunVacancies(const ReportContext& ctx,
                                             const v1::VacanciesRequest& request);
// Membership ids sorted within each row.
absl::StatusOr<std::vector<v1::DuplicateRow>> RunDuplicates(const ReportContext& ctx,
                                                            bool allow_multiple_confederations);
// Every page; each must carry the report header.
absl::StatusOr<std::vector<v1::Conflict>> RunConflicts(const ReportContext& ctx, int page_size = 7);
absl::StatusOr<std::vector<v1::ExportRow>> RunExport(const Database& db, const std::string& region,
                                                     bool include_ended);

// --- comparing ---
template <typename Row>
using RowKey = std::function<std::string(const Row&)>;

// Matches rows by `key`; fails for each missing, unexpected, duplicated or differing row
// (the first `limit` of each kind are shown), naming `what`.
template <typename Row>
void ExpectSameRows(const std::string& what, const std::vector<Row>& actual,
                    const std::vector<Row>& expected, const RowKey<Row>& key, int limit = 5);

// Rows given as (id, parent, depth) in report order: each row deeper than 0 must
// follow its parent's row, with only rows of its parent's subtree in between.
void ExpectDepthFirst(const std::string& what,
                      const std::vector<std::tuple<std::string, std::string, uint32_t>>& rows);

void ExpectSummaryMatches(const v1::SummaryResponse& actual, const v1::SummaryResponse& expected);
void ExpectRegionsMatch(const std::vector<v1::RegionRow>& actual,
                        const std::vector<v1::RegionRow>& expected);
void ExpectTreeMatches(const std::string& what, const std::vector<v1::TreeRow>& actual,
                       const std::vector<v1::TreeRow>& expected);
void ExpectFormationMatches(const std::string& what, const std::vector<v1::FormationRow>& actual,
                            const std::vector<v1::FormationRow>& expected);
void ExpectVacanciesMatch(const std::string& what, const std::vector<v1::VacancyRow>& actual,
                          const std::vector<v1::VacancyRow>& expected);
void ExpectDuplicatesMatch(const std::string& what, const std::vector<v1::DuplicateRow>& actual,
                           const std::vector<v1::DuplicateRow>& expected);
// Conflicts compared on kind, record type and id, and every concurrent-versions
// conflict must show one winner among at least two versions.
void ExpectConflictsMatch(const std::vector<v1::Conflict>& actual,
                          const std::vector<v1::Conflict>& expected);
void ExpectExportMatches(const std::string& what, const std::vector<v1::ExportRow>& actual,
                         const std::vector<v1::ExportRow>& expected);

// Every report in every variant against the recount of `state`, on `ctx.now`'s day.
void ExpectReportsMatch(const ReportContext& ctx, const FederationState& state,
                        const ReportVariants& variants);

// The nemesis hook: the recount taken from `db`'s own records.
void ExpectReportsMatchRecords(const Database& db, absl::Time now);

// Every report in every variant, one line per row (headers and the answering node's
// id left out), by report name: equal on two nodes exactly when their reports are.
absl::StatusOr<std::map<std::string, std::vector<std::string>>> ReportLines(
    const ReportContext& ctx, const ReportVariants& variants);
// Fails naming the report and the first lines that differ.
void ExpectSameLines(const std::map<std::string, std::vector<std::string>>& a,
                     const std::map<std::string, std::vector<std::string>>& b);

// ---------------------------------------------------------------------------------
template <typename Row>
void ExpectSameRows(const std::string& what, const std::vector<Row>& actual,
                    const std::vector<Row>& expected, const RowKey<Row>& key, int limit) {
  std::map<std::string, const Row*> want, got;
  int shown = 0;
  for (const Row& row : expected) want[key(row)] = &row;
  for (const Row& row : actual) {
    if (!got.emplace(key(row), &row).second && shown++ < limit) {
      ADD_FAILURE() << what << ": row " << key(row) << " listed twice";
    }
  }
  int missing = 0, extra = 0, differ = 0;
  for (const auto& [k, row] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      if (missing++ < limit) ADD_FAILURE() << what << ": missing row " << row->ShortDebugString();
    } else if (it->second->SerializeAsString() != row->SerializeAsString()) {
      if (differ++ < limit) {
        ADD_FAILURE() << what << ": row " << k << "\n  node:     " << it->second->ShortDebugString()
                      << "\n  recount:  " << row->ShortDebugString();
      }
    }
  }
  for (const auto& [k, row] : got) {
    if (want.count(k) == 0 && extra++ < limit) {
      ADD_FAILURE() << what << ": unexpected row " << row->ShortDebugString();
    }
  }
  if (missing + extra + differ > 0) {
    ADD_FAILURE() << what << ": " << missing << " rows missing, " << extra << " unexpected, "
                  << differ << " different, of " << expected.size() << " expected";
  }
}

}  // namespace pacto

#endif  // PACTO_TESTS_REPORTS_REPORT_CHECKS_H_
