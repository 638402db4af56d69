#include "tests/reports/report_checks.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_join.h"
#include "node/registry/export.h"
#include "node/reports/conflicts.h"
#include "node/reports/duplicates.h"
#include "node/reports/formation.h"
#include "node/reports/regions.h"
#include "node/reports/summary.h"
#include "node/reports/tree.h"
#include "node/reports/vacancies.h"
#include "tests/reports/state_from_records.h"

namespace pacto {
namespace {

// Small chunks, so every streaming report sends several.
constexpr int kChunkRows = 97;

// Drains a streaming report; the header must come in the first chunk and only there.
template <typename Response, typename Row, typename Build>
absl::StatusOr<std::vector<Row>> Drain(const std::string& what, Build build,
                                       std::vector<Response>* chunks_out = nullptr) {
  std::vector<Response> chunks;
  absl::Status s = build([&](const Response& chunk) {
    chunks.push_back(chunk);
    return true;
  });
  if (!s.ok()) return s;
  std::vector<Row> rows;
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (i == 0 && !chunks[i].has_header()) ADD_FAILURE() << what << ": first chunk has no header";
    if (i > 0 && chunks[i].has_header())
      ADD_FAILURE() << what << ": chunk " << i << " has a header";
    for (const Row& row : chunks[i].rows()) rows.push_back(row);
  }
  if (chunks.empty()) ADD_FAILURE() << what << ": no chunk at all";
  if (chunks_out != nullptr) *chunks_out = std::move(chunks);
  return rows;
}

std::string Variant(const std::string& report, const std::string& detail) {
  return detail.empty() ? report : absl::StrCat(report, " [", detail, "]");
}

std::string TreeName(const std::string& root, int depth) {
  return Variant("tree", absl::StrCat(root.empty() ? "" : absl::StrCat("--root ", root, " "),
                                      depth > 0 ? absl::StrCat("--depth ", depth) : ""));
}

bool ConnectedIn(const FederationState& state, const std::string& chapter) {
  std::string c = chapter, top;
  for (int guard = 0; !c.empty() && guard < 16; ++guard) {
    top = c;
    c = state.chapters.at(c).parent;
  }
  return !top.empty() && state.chapters.at(top).level == "pact";
}

}  // namespace

ReportVariants PickVariants(const FederationState& state) {
  ReportVariants v;
  std::set<std::string> parents, active_chapters;
  for (const auto& [id, c] : state.chapters) {
    if (!c.parent.empty()) parents.insert(c.parent);
  }
  for (const auto& [id, m] : state.memberships) {
    if (m.status == "active") active_chapters.insert(m.chapter);
  }
  std::string pact, federation, broken_top, broken_inner, leaf;
  for (const auto& [id, c] : state.chapters) {
    const bool has_children = parents.count(id) > 0;
    if (pact.empty() && c.level == "pact" && c.parent.empty()) pact = id;
    if (federation.empty() && c.level == "federation" && has_children && ConnectedIn(state, id)) {
      federation = id;
    }
    if (broken_top.empty() && c.parent.empty() && c.level != "pact" && has_children) {
      broken_top = id;
    }
    if (broken_inner.empty() && !c.parent.empty() && !ConnectedIn(state, id)) broken_inner = id;
    if (leaf.empty() && !has_children && active_chapters.count(id) > 0) leaf = id;
  }
  v.trees = {{"", 0}, {"", 1}, {"", 3}};
  for (const std::string& root : {pact, federation, broken_top, broken_inner, leaf}) {
    if (!root.empty()) v.trees.emplace_back(root, 0);
  }
  if (!federation.empty()) v.trees.emplace_back(federation, 1);
  if (!pact.empty()) v.trees.emplace_back(pact, 2);
  std::string department, municipality, root_region;
  for (const auto& [code, r] : state.regions) {
    if (root_region.empty() && r.parent.empty()) root_region = code;
    if (department.empty() && r.level == "department") department = code;
    if (municipality.empty() && r.level == "municipality") municipality = code;
  }
  v.formation_regions = {""};
  v.vacancy_regions = {""};
  for (const std::string& r : {department, municipality}) {
    if (r.empty()) continue;
    v.formation_regions.push_back(r);
    v.vacancy_regions.push_back(r);
  }
  for (const std::string& r : {root_region, department, municipality}) {
    if (!r.empty()) v.export_regions.push_back(r);
  }
  return v;
}

// --- running ---
absl::StatusOr<v1::SummaryResponse> RunSummary(const ReportContext& ctx) {
  return BuildSummary(ctx, v1::SummaryRequest());
}

absl::StatusOr<v1::RegionsResponse> RunRegions(const ReportContext& ctx) {
  return BuildRegions(ctx, v1::RegionsRequest());
}

absl::StatusOr<std::vector<v1::TreeRow>> RunTree(const ReportContext& ctx, const std::string& root,
                                                 int depth) {
  v1::TreeRequest request;
  request.set_root(root);
  request.set_depth(depth);
  return Drain<v1::TreeResponse, v1::TreeRow>(TreeName(root, depth), [&](const auto& emit) {
    return BuildTree(ctx, request, emit, kChunkRows);
  });
}

absl::StatusOr<std::vector<v1::FormationRow>> RunFormation(const ReportContext& ctx,
                                                           const std::string& region,
                                                           int age_limit) {
  v1::FormationRequest request;
  request.set_region(region);
  request.set_age_limit(age_limit);
  return Drain<v1::FormationResponse, v1::FormationRow>(
      Variant("formation", region),
      [&](const auto& emit) { return BuildFormation(ctx, request, emit, kChunkRows); });
}

absl::StatusOr<VacanciesResult> RunVacancies(const ReportContext& ctx,
                                             const v1::VacanciesRequest& request) {
  std::vector<v1::VacanciesResponse> chunks;
  absl::StatusOr<std::vector<v1::VacancyRow>> rows = Drain<v1::VacanciesResponse, v1::VacancyRow>(
      Variant("vacancies", request.region()),
      [&](const auto& emit) { return BuildVacancies(ctx, request, emit, kChunkRows); }, &chunks);
  if (!rows.ok()) return rows.status();
  VacanciesResult result;
  result.rows = *std::move(rows);
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (i > 0 && chunks[i].required_size() > 0) {
      ADD_FAILURE() << "vacancies: chunk " << i << " repeats the rules";
    }
    for (const v1::RequiredRoles& r : chunks[i].required()) result.required.push_back(r);
  }
  return result;
}

absl::StatusOr<std::vector<v1::DuplicateRow>> RunDuplicates(const ReportContext& ctx,
                                                            bool allow_multiple_confederations) {
  v1::DuplicatesRequest request;
  request.set_allow_multiple_confederations(allow_multiple_confederations);
  absl::StatusOr<std::vector<v1::DuplicateRow>> rows =
      Drain<v1::DuplicatesResponse, v1::DuplicateRow>("duplicates", [&](const auto& emit) {
        return BuildDuplicates(ctx, request, Caller::Everything("test"), emit, kChunkRows);
      });
  if (!rows.ok()) return rows;
  for (v1::DuplicateRow& row : *rows) {
    std::sort(row.mutable_membership_ids()->begin(), row.mutable_membership_ids()->end());
  }
  return rows;
}

absl::StatusOr<std::vector<v1::Conflict>> RunConflicts(const ReportContext& ctx, int page_size) {
  std::vector<v1::Conflict> all;
  v1::ConflictsRequest request;
  request.set_page_size(page_size);
  for (int pages = 0; pages < 100000; ++pages) {
    absl::StatusOr<v1::ConflictsResponse> page = BuildConflicts(ctx, request);
    if (!page.ok()) return page.status();
    if (page->conflicts_size() > page_size) {
      ADD_FAILURE() << "conflicts: a page of " << page->conflicts_size() << " > " << page_size;
    }
    if (!page->has_header() || page->header().as_of_node() != ctx.db->node_id() ||
        page->header().stale_after().empty()) {
      ADD_FAILURE() << "conflicts: page " << pages << " has no report header";
    }
    for (const v1::Conflict& c : page->conflicts()) all.push_back(c);
    if (page->next_page_token().empty()) return all;
    request.set_page_token(page->next_page_token());
  }
  return absl::InternalError("conflicts: the pages never end");
}

absl::StatusOr<std::vector<v1::ExportRow>> RunExport(const Database& db, const std::string& region,
                                                     bool include_ended) {
  v1::ExportMembersRequest request;
  request.set_region(region);
  request.set_include_ended(include_ended);
  std::vector<v1::ExportRow> rows;
  uint64_t sent = 0;
  absl::Status s = ExportMembers(
      db, request, Caller::Everything("test"),
      [&](const v1::ExportMembersResponse& batch) {
        if (batch.rows_size() == 0) ADD_FAILURE() << "export: an empty batch";
        for (const v1::ExportRow& row : batch.rows()) rows.push_back(row);
        return true;
      },
      &sent, /*batch_rows=*/113);
  if (!s.ok()) return s;
  if (sent != rows.size()) {
    ADD_FAILURE() << "export " << region << ": rows_sent says " << sent << ", " << rows.size()
                  << " arrived";
  }
  return rows;
}

// --- comparing ---
void ExpectDepthFirst(const std::string& what,
                      const std::vector<std::tuple<std::string, std::string, uint32_t>>& rows) {
  std::vector<std::string> path;  // the ids of the current row's ancestors, by depth
  int failures = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& [id, parent, depth] = rows[i];
    if (depth > 0 && (path.size() < depth || path[depth - 1] != parent)) {
      if (failures++ < 5) {
        ADD_FAILURE() << what << ": row " << i << " (" << id << ", depth " << depth
                      << ") does not follow its parent " << parent << "'s subtree";
      }
      continue;
    }
    path.resize(depth);
    path.push_back(id);
  }
}

void ExpectSummaryMatches(const v1::SummaryResponse& actual, const v1::SummaryResponse& expected) {
  EXPECT_EQ(actual.chapters(), expected.chapters()) << "summary: chapters";
  EXPECT_EQ(actual.active_members(), expected.active_members()) << "summary: active_members";
  EXPECT_EQ(actual.federation_members(), expected.federation_members())
      << "summary: federation_members";
  EXPECT_EQ(actual.persons(), expected.persons()) << "summary: persons";
  std::vector<std::string> want_levels, got_levels;
  for (const auto& row : expected.chapters_by_level()) want_levels.push_back(row.level());
  for (const auto& row : actual.chapters_by_level()) got_levels.push_back(row.level());
  EXPECT_EQ(got_levels, want_levels)
      << "summary: chapters_by_level lists every level in rank order";
  ExpectSameRows<v1::LevelCount>(
      "summary: chapters_by_level",
      {actual.chapters_by_level().begin(), actual.chapters_by_level().end()},
      {expected.chapters_by_level().begin(), expected.chapters_by_level().end()},
      [](const v1::LevelCount& r) { return r.level(); });
  ExpectSameRows<v1::SectorCount>("summary: by_sector",
                                  {actual.by_sector().begin(), actual.by_sector().end()},
                                  {expected.by_sector().begin(), expected.by_sector().end()},
                                  [](const v1::SectorCount& r) { return r.sector(); });
}

void ExpectRegionsMatch(const std::vector<v1::RegionRow>& actual,
                        const std::vector<v1::RegionRow>& expected) {
  ExpectSameRows<v1::RegionRow>("regions", actual, expected,
                                [](const v1::RegionRow& r) { return r.code(); });
  std::vector<std::tuple<std::string, std::string, uint32_t>> order;
  for (const v1::RegionRow& r : actual) order.emplace_back(r.code(), r.parent(), r.depth());
  ExpectDepthFirst("regions", order);
}

void ExpectTreeMatches(const std::string& what, const std::vector<v1::TreeRow>& actual,
                       const std::vector<v1::TreeRow>& expected) {
  ExpectSameRows<v1::TreeRow>(what, actual, expected, [](const v1::TreeRow& r) { return r.id(); });
  std::vector<std::tuple<std::string, std::string, uint32_t>> order;
  for (const v1::TreeRow& r : actual) order.emplace_back(r.id(), r.parent(), r.depth());
  ExpectDepthFirst(what, order);
  bool seen_broken_top = false;
  int misplaced = 0;
  for (const v1::TreeRow& r : actual) {
    if (r.depth() != 0) continue;
    if (!r.broken() && seen_broken_top && misplaced++ < 5) {
      ADD_FAILURE() << what << ": pact " << r.id() << " listed after a broken chain";
    }
    seen_broken_top |= r.broken();
  }
}

void ExpectFormationMatches(const std::string& what, const std::vector<v1::FormationRow>& actual,
                            const std::vector<v1::FormationRow>& expected) {
  ExpectSameRows<v1::FormationRow>(what, actual, expected, [](const v1::FormationRow& r) {
    return absl::StrCat(r.scope(), "/", r.id());
  });
  bool regions_begun = false;
  for (const v1::FormationRow& r : actual) {
    if (r.scope() == "chapter" && regions_begun) {
      ADD_FAILURE() << what << ": chapter row " << r.id() << " after the region rows";
      break;
    }
    regions_begun |= r.scope() == "region";
  }
}

void ExpectVacanciesMatch(const std::string& what, const std::vector<v1::VacancyRow>& actual,
                          const std::vector<v1::VacancyRow>& expected) {
  ExpectSameRows<v1::VacancyRow>(what, actual, expected,
                                 [](const v1::VacancyRow& r) { return r.chapter_id(); });
}

void ExpectDuplicatesMatch(const std::string& what, const std::vector<v1::DuplicateRow>& actual,
                           const std::vector<v1::DuplicateRow>& expected) {
  ExpectSameRows<v1::DuplicateRow>(what, actual, expected, [](const v1::DuplicateRow& r) {
    std::vector<std::string> people(r.person_ids().begin(), r.person_ids().end());
    std::sort(people.begin(), people.end());
    // A person may have several discrepancies, one per membership (named in detail).
    return absl::StrCat(r.kind(), "/", absl::StrJoin(people, ","), "/",
                        r.kind() == "discrepancy" ? r.detail() : "");
  });
}

void ExpectConflictsMatch(const std::vector<v1::Conflict>& actual,
                          const std::vector<v1::Conflict>& expected) {
  std::vector<v1::Conflict> stripped;
  for (const v1::Conflict& c : actual) {
    if (c.kind() == "concurrent_versions") {
      int winners = 0;
      for (const v1::ConflictVersion& v : c.versions()) winners += v.winner();
      EXPECT_GE(c.versions_size(), 2) << "conflicts: " << c.record_id();
      EXPECT_EQ(winners, 1) << "conflicts: " << c.record_id() << " must mark one winner";
    }
    v1::Conflict s;
    s.set_kind(c.kind());
    s.set_record_type(c.record_type());
    s.set_record_id(c.record_id());
    if (c.kind() == "active_twice_in_chapter") {
      // "N active memberships in CHAPTER: m1, m2; end all but one"
      const size_t in = c.detail().find(" in "), colon = c.detail().find(':');
      if (in != std::string::npos && colon != std::string::npos && colon > in + 4) {
        s.set_detail(c.detail().substr(in + 4, colon - in - 4));
      }
    }
    stripped.push_back(s);
  }
  ExpectSameRows<v1::Conflict>("conflicts", stripped, expected, [](const v1::Conflict& c) {
    return absl::StrCat(c.kind(), "/", c.record_type(), "/", c.record_id(), "/", c.detail());
  });
}

void ExpectExportMatches(const std::string& what, const std::vector<v1::ExportRow>& actual,
                         const std::vector<v1::ExportRow>& expected) {
  ExpectSameRows<v1::ExportRow>(what, actual, expected,
                                [](const v1::ExportRow& r) { return r.membership_id(); });
}

void ExpectReportsMatch(const ReportContext& ctx, const FederationState& state,
                        const ReportVariants& variants) {
  const absl::CivilDay today = absl::ToCivilDay(ctx.now, absl::UTCTimeZone());

  absl::StatusOr<v1::SummaryResponse> summary = RunSummary(ctx);
  ASSERT_TRUE(summary.ok()) << summary.status();
  ExpectSummaryMatches(*summary, ExpectedSummary(state));

  absl::StatusOr<v1::RegionsResponse> regions = RunRegions(ctx);
  ASSERT_TRUE(regions.ok()) << regions.status();
  ExpectRegionsMatch({regions->rows().begin(), regions->rows().end()}, ExpectedRegions(state));

  for (const auto& [root, depth] : variants.trees) {
    absl::StatusOr<std::vector<v1::TreeRow>> tree = RunTree(ctx, root, depth);
    ASSERT_TRUE(tree.ok()) << TreeName(root, depth) << ": " << tree.status();
    ExpectTreeMatches(TreeName(root, depth), *tree, ExpectedTree(state, root, depth));
  }

  for (const std::string& region : variants.formation_regions) {
    absl::StatusOr<std::vector<v1::FormationRow>> rows = RunFormation(ctx, region);
    ASSERT_TRUE(rows.ok()) << rows.status();
    ExpectFormationMatches(Variant("formation", region), *rows,
                           ExpectedFormation(state, today, region));
  }
  absl::StatusOr<std::vector<v1::FormationRow>> formation_25 = RunFormation(ctx, "", 25);
  ASSERT_TRUE(formation_25.ok()) << formation_25.status();
  ExpectFormationMatches("formation [age limit 25]", *formation_25,
                         ExpectedFormation(state, today, "", 25));

  for (const std::string& region : variants.vacancy_regions) {
    v1::VacanciesRequest request;
    request.set_region(region);
    absl::StatusOr<VacanciesResult> vacancies = RunVacancies(ctx, request);
    ASSERT_TRUE(vacancies.ok()) << vacancies.status();
    ExpectVacanciesMatch(Variant("vacancies", region), vacancies->rows,
                         ExpectedVacancies(state, today, ctx.required_roles, region));
    RoleRules applied;
    for (const v1::RequiredRoles& r : vacancies->required) {
      applied[r.level()] = {r.roles().begin(), r.roles().end()};
    }
    EXPECT_EQ(applied, ctx.required_roles) << "vacancies: the rules the response says it applied";
  }

  for (bool allow : {false, true}) {
    absl::StatusOr<std::vector<v1::DuplicateRow>> rows = RunDuplicates(ctx, allow);
    ASSERT_TRUE(rows.ok()) << rows.status();
    ExpectDuplicatesMatch(Variant("duplicates", allow ? "allow multiple confederations" : ""),
                          *rows, ExpectedDuplicates(state, allow));
  }

  absl::StatusOr<std::vector<v1::Conflict>> conflicts = RunConflicts(ctx);
  ASSERT_TRUE(conflicts.ok()) << conflicts.status();
  ExpectConflictsMatch(*conflicts, ExpectedConflicts(state));

  for (size_t i = 0; i < variants.export_regions.size(); ++i) {
    const std::string& region = variants.export_regions[i];
    for (bool ended : {false, true}) {
      if (ended && i > 0) continue;
      absl::StatusOr<std::vector<v1::ExportRow>> rows = RunExport(*ctx.db, region, ended);
      ASSERT_TRUE(rows.ok()) << rows.status();
      ExpectExportMatches(Variant("export", absl::StrCat(region, ended ? " with ended" : "")),
                          *rows, ExpectedExport(state, region, ended));
    }
  }
}

void ExpectReportsMatchRecords(const Database& db, absl::Time now) {
  absl::StatusOr<FederationState> state = StateFromRecords(db);
  ASSERT_TRUE(state.ok()) << db.node_id() << ": " << state.status();
  ReportContext ctx;
  ctx.db = &db;
  ctx.now = now;
  SCOPED_TRACE(absl::StrCat("reports of ", db.node_id(), " against a recount of its records"));
  ExpectReportsMatch(ctx, *state, PickVariants(*state));
}

absl::StatusOr<std::map<std::string, std::vector<std::string>>> ReportLines(
    const ReportContext& ctx, const ReportVariants& variants) {
  std::map<std::string, std::vector<std::string>> lines;
  auto add_rows = [&](const std::string& name, const auto& rows) {
    std::vector<std::string>& out = lines[name];
    for (const auto& row : rows) out.push_back(row.ShortDebugString());
  };
  absl::StatusOr<v1::SummaryResponse> summary = RunSummary(ctx);
  if (!summary.ok()) return summary.status();
  summary->clear_header();
  summary->clear_as_of_node();
  lines["summary"] = {summary->ShortDebugString()};
  absl::StatusOr<v1::RegionsResponse> regions = RunRegions(ctx);
  if (!regions.ok()) return regions.status();
  add_rows("regions", regions->rows());
  for (const auto& [root, depth] : variants.trees) {
    absl::StatusOr<std::vector<v1::TreeRow>> rows = RunTree(ctx, root, depth);
    if (!rows.ok()) return rows.status();
    add_rows(TreeName(root, depth), *rows);
  }
  for (const std::string& region : variants.formation_regions) {
    absl::StatusOr<std::vector<v1::FormationRow>> rows = RunFormation(ctx, region);
    if (!rows.ok()) return rows.status();
    add_rows(Variant("formation", region), *rows);
  }
  for (const std::string& region : variants.vacancy_regions) {
    v1::VacanciesRequest request;
    request.set_region(region);
    absl::StatusOr<VacanciesResult> rows = RunVacancies(ctx, request);
    if (!rows.ok()) return rows.status();
    add_rows(Variant("vacancies", region), rows->rows);
    add_rows(Variant("vacancies rules", region), rows->required);
  }
  for (bool allow : {false, true}) {
    absl::StatusOr<std::vector<v1::DuplicateRow>> rows = RunDuplicates(ctx, allow);
    if (!rows.ok()) return rows.status();
    add_rows(Variant("duplicates", allow ? "allow" : ""), *rows);
  }
  absl::StatusOr<std::vector<v1::Conflict>> conflicts = RunConflicts(ctx);
  if (!conflicts.ok()) return conflicts.status();
  add_rows("conflicts", *conflicts);
  for (const std::string& region : variants.export_regions) {
    absl::StatusOr<std::vector<v1::ExportRow>> rows = RunExport(*ctx.db, region, true);
    if (!rows.ok()) return rows.status();
    add_rows(Variant("export", region), *rows);
  }
  return lines;
}

void ExpectSameLines(const std::map<std::string, std::vector<std::string>>& a,
                     const std::map<std::string, std::vector<std::string>>& b) {
  std::set<std::string> names;
  for (const auto& [name, lines] : a) names.insert(name);
  for (const auto& [name, lines] : b) names.insert(name);
  for (const std::string& name : names) {
    auto x = a.find(name);
    auto y = b.find(name);
    if (x == a.end() || y == b.end()) {
      ADD_FAILURE() << name << ": only on one node";
      continue;
    }
    EXPECT_EQ(x->second.size(), y->second.size()) << name << ": line counts differ";
    int shown = 0;
    for (size_t i = 0; i < std::min(x->second.size(), y->second.size()) && shown < 3; ++i) {
      if (x->second[i] != y->second[i]) {
        ++shown;
        ADD_FAILURE() << name << ", line " << i << ":\n  first:  " << x->second[i]
                      << "\n  second: " << y->second[i];
      }
    }
  }
}

}  // namespace pacto
