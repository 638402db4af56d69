#include "client/cli/report_views.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/views.h"

namespace pacto::cli {
namespace {

enum class Audience { kPerson, kScript };

std::string Indented(absl::string_view name, uint32_t depth) {
  return absl::StrCat(std::string(2 * static_cast<size_t>(depth), ' '), name);
}

std::string Bool(bool value) { return value ? "true" : "false"; }
std::string YesNo(bool value) { return value ? "yes" : "no"; }

template <typename Strings>
std::string List(const Strings& values, Audience audience) {
  return absl::StrJoin(values, audience == Audience::kPerson ? ", " : ";");
}

// The text of `sections` (each a table's ToText or other lines), apart by blank lines,
// and then the footer after one more.
std::string Report(const std::vector<std::string>& sections, absl::string_view footer) {
  std::string text = absl::StrJoin(sections, "\n");
  if (!footer.empty()) absl::StrAppend(&text, "\n", footer);
  return text;
}

std::string Section(const Table& table) {
  std::string text = table.ToText();
  if (table.row_count() == 0) text += "(none)\n";
  return text;
}

Table Regions(const v1::RegionsResponse& response, Audience audience) {
  Table table(
      {"code", "name", "level", "parent", "chapters", "active_members", "federation_members"});
  for (const v1::RegionRow& r : response.rows()) {
    table.AddRow({r.code(),
                  audience == Audience::kPerson ? Indented(r.name(), r.depth()) : r.name(),
                  r.level(), r.parent(), absl::StrCat(r.chapters()),
                  absl::StrCat(r.active_members()), absl::StrCat(r.federation_members())});
  }
  return table;
}

// "62.5%"; empty (shown "-") when there is nobody under the age limit to cover.
std::string Percent(const v1::FormationRow& row) {
  if (row.young_active_members() == 0) return "";
  return absl::StrFormat("%.1f%%", 100 * row.coverage());
}

Table Formation(const v1::FormationResponse& response, Audience audience) {
  if (audience == Audience::kScript) {
    Table table({"scope", "id", "name", "region", "young_active_members", "young_formed",
                 "coverage", "courses"});
    for (const v1::FormationRow& r : response.rows()) {
      table.AddRow({r.scope(), r.id(), r.name(), r.region(), absl::StrCat(r.young_active_members()),
                    absl::StrCat(r.young_formed()), absl::StrCat(r.coverage()),
                    absl::StrCat(r.courses())});
    }
    return table;
  }
  Table table({"scope", "id", "region", "young_active_members", "young_formed", "coverage",
               "courses", "name"});
  for (const v1::FormationRow& r : response.rows()) {
    table.AddRow({r.scope(), r.id(), r.region(), absl::StrCat(r.young_active_members()),
                  absl::StrCat(r.young_formed()), Percent(r), absl::StrCat(r.courses()), r.name()});
  }
  return table;
}

Table Duplicates(const v1::DuplicatesResponse& response, Audience audience) {
  Table table({"kind", "person_ids", "membership_ids", "detail"});
  for (const v1::DuplicateRow& r : response.rows()) {
    table.AddRow(
        {r.kind(), List(r.person_ids(), audience), List(r.membership_ids(), audience), r.detail()});
  }
  return table;
}

}  // namespace

std::string HeaderLines(const v1::ReportHeader& header) {
  std::string lines = absl::StrCat("as of node ", header.as_of_node());
  if (!header.as_of().empty()) absl::StrAppend(&lines, " at ", header.as_of());
  const std::string vector = VersionVectorText(header.version_vector());
  if (!vector.empty()) absl::StrAppend(&lines, " (", vector, ")");
  lines.push_back('\n');
  if (!header.stale_regions().empty()) {
    absl::StrAppend(&lines, "stale: ", absl::StrJoin(header.stale_regions(), ", "));
    if (!header.stale_after().empty()) {
      absl::StrAppend(&lines, " (no news for ", header.stale_after(), ")");
    }
    lines.push_back('\n');
  }
  return lines;
}

std::string SummaryText(const v1::SummaryResponse& response) {
  std::vector<std::string> sections = {SummaryTable(response).ToText()};
  if (!response.by_sector().empty()) {
    Table sectors({"sector", "chapters", "active_members"});
    for (const v1::SectorCount& s : response.by_sector()) {
      sectors.AddRow({s.sector(), absl::StrCat(s.chapters()), absl::StrCat(s.active_members())});
    }
    sections.push_back(sectors.ToText());
  }
  return Report(sections, response.has_header() ? HeaderLines(response.header())
                                                : absl::StrCat(AsOfLine(response), "\n"));
}

Table SummaryCsv(const v1::SummaryResponse& response) {
  Table table = SummaryTable(response);
  for (const v1::SectorCount& s : response.by_sector()) {
    table.AddRow({absl::StrCat("by_sector.", s.sector(), ".chapters"), absl::StrCat(s.chapters())});
    table.AddRow({absl::StrCat("by_sector.", s.sector(), ".active_members"),
                  absl::StrCat(s.active_members())});
  }
  AddFreshnessRows(response, &table);
  return table;
}

std::string RegionsText(const v1::RegionsResponse& response) {
  return Report({Section(Regions(response, Audience::kPerson))}, HeaderLines(response.header()));
}

Table RegionsCsv(const v1::RegionsResponse& response) {
  return Regions(response, Audience::kScript);
}

std::string TreeText(const v1::TreeResponse& response) {
  Table table({"id", "level", "region", "active_memberships", "subtree_active_memberships",
               "subtree_chapters", "broken", "name"});
  for (const v1::TreeRow& r : response.rows()) {
    table.AddRow({r.id(), r.level(), r.region(), absl::StrCat(r.active_memberships()),
                  absl::StrCat(r.subtree_active_memberships()), absl::StrCat(r.subtree_chapters()),
                  r.broken() ? "BROKEN" : "", Indented(r.name(), r.depth())});
  }
  return Report({Section(table)}, HeaderLines(response.header()));
}

Table TreeCsv(const v1::TreeResponse& response) {
  Table table({"id", "name", "level", "region", "parent", "depth", "active_memberships",
               "subtree_active_memberships", "subtree_chapters", "broken"});
  for (const v1::TreeRow& r : response.rows()) {
    table.AddRow({r.id(), r.name(), r.level(), r.region(), r.parent(), absl::StrCat(r.depth()),
                  absl::StrCat(r.active_memberships()),
                  absl::StrCat(r.subtree_active_memberships()), absl::StrCat(r.subtree_chapters()),
                  Bool(r.broken())});
  }
  return table;
}

std::string FormationText(const v1::FormationResponse& response) {
  return Report({Section(Formation(response, Audience::kPerson))}, HeaderLines(response.header()));
}

Table FormationCsv(const v1::FormationResponse& response) {
  return Formation(response, Audience::kScript);
}

std::string VacanciesText(const v1::VacanciesResponse& response) {
  Table table({"chapter_id", "level", "region", "missing_roles", "name"});
  for (const v1::VacancyRow& r : response.rows()) {
    table.AddRow({r.chapter_id(), r.level(), r.region(), List(r.missing_roles(), Audience::kPerson),
                  r.name()});
  }
  std::vector<std::string> sections = {Section(table)};
  if (!response.required().empty()) {
    Table required({"level", "roles"});
    for (const v1::RequiredRoles& r : response.required()) {
      required.AddRow({r.level(), List(r.roles(), Audience::kPerson)});
    }
    sections.push_back(absl::StrCat("required roles:\n", required.ToText()));
  }
  return Report(sections, HeaderLines(response.header()));
}

Table VacanciesCsv(const v1::VacanciesResponse& response) {
  Table table({"chapter_id", "name", "level", "region", "missing_roles"});
  for (const v1::VacancyRow& r : response.rows()) {
    table.AddRow({r.chapter_id(), r.name(), r.level(), r.region(),
                  List(r.missing_roles(), Audience::kScript)});
  }
  return table;
}

std::string FreshnessText(const v1::FreshnessResponse& response) {
  Table origins(
      {"node_id", "region", "seq_here", "newest_entry", "last_heard", "direct", "behind", "stale"});
  for (const v1::OriginFreshness& o : response.origins()) {
    origins.AddRow({o.node_id(), o.region(), absl::StrCat(o.seq_here()), o.newest_entry(),
                    o.last_heard(), YesNo(o.direct()), absl::StrCat(o.behind()), YesNo(o.stale())});
  }
  Table regions({"region", "nodes", "newest_entry", "last_heard", "behind", "stale"});
  for (const v1::RegionFreshness& r : response.regions()) {
    regions.AddRow({r.region(), absl::StrCat(r.nodes()), r.newest_entry(), r.last_heard(),
                    absl::StrCat(r.behind()), YesNo(r.stale())});
  }
  return Report({Section(origins), Section(regions)}, HeaderLines(response.header()));
}

Table FreshnessCsv(const v1::FreshnessResponse& response) {
  Table table({"scope", "node_id", "region", "nodes", "seq_here", "newest_entry", "last_heard",
               "direct", "behind", "stale"});
  for (const v1::OriginFreshness& o : response.origins()) {
    table.AddRow({"origin", o.node_id(), o.region(), "", absl::StrCat(o.seq_here()),
                  o.newest_entry(), o.last_heard(), Bool(o.direct()), absl::StrCat(o.behind()),
                  Bool(o.stale())});
  }
  for (const v1::RegionFreshness& r : response.regions()) {
    table.AddRow({"region", "", r.region(), absl::StrCat(r.nodes()), "", r.newest_entry(),
                  r.last_heard(), "", absl::StrCat(r.behind()), Bool(r.stale())});
  }
  return table;
}

std::string DuplicatesText(const v1::DuplicatesResponse& response) {
  return Report({Section(Duplicates(response, Audience::kPerson))}, HeaderLines(response.header()));
}

Table DuplicatesCsv(const v1::DuplicatesResponse& response) {
  return Duplicates(response, Audience::kScript);
}

std::string ConflictsText(const v1::ConflictsResponse& response) {
  return Report({Section(ConflictsTable(response))},
                response.has_header() ? HeaderLines(response.header())
                                      : absl::StrCat("as of node ", response.as_of_node(), "\n"));
}

}  // namespace pacto::cli
