// pacto report summary | regions | tree | formation | vacancies | freshness | duplicates |
// conflicts. Each prints its text view, its CSV table or the (merged) response as JSON
// (report_views.h).
#include <cstdint>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/all_pages.h"
#include "client/cli/commands.h"
#include "client/cli/report_views.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

// Prints `response` in the chosen format: `text(response)`, `csv(response)` as CSV, or
// the response as JSON.
template <typename Response>
absl::Status PrintReport(CommandContext& ctx, const Response& response,
                         std::string (*text)(const Response&), Table (*csv)(const Response&)) {
  switch (ctx.printer.format()) {
    case OutputFormat::kJson:
      return ctx.printer.PrintJson(response);
    case OutputFormat::kCsv:
      ctx.printer.out() << csv(response).ToCsv() << std::flush;
      return absl::OkStatus();
    case OutputFormat::kText:
      break;
  }
  ctx.printer.out() << text(response) << std::flush;
  return absl::OkStatus();
}

// The flag's value as a whole number, or 0 when it is not given.
absl::StatusOr<int32_t> IntFlag(const Args& args, absl::string_view flag) {
  if (!args.Has(flag)) return 0;
  int32_t value = 0;
  if (!absl::SimpleAtoi(args.Get(flag), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": '", args.Get(flag), "' is not a whole number"));
  }
  return value;
}

absl::Status ReportSummary(CommandContext& ctx) {
  v1::SummaryRequest request;
  request.set_stale_after(ctx.args.Get("stale-after"));
  PACTO_ASSIGN_OR_RETURN(v1::SummaryResponse summary, ctx.client.Summary(request));
  return PrintReport(ctx, summary, SummaryText, SummaryCsv);
}

absl::Status ReportRegions(CommandContext& ctx) {
  v1::RegionsRequest request;
  request.set_stale_after(ctx.args.Get("stale-after"));
  PACTO_ASSIGN_OR_RETURN(v1::RegionsResponse regions, ctx.client.Regions(request));
  return PrintReport(ctx, regions, RegionsText, RegionsCsv);
}

absl::Status ReportTree(CommandContext& ctx) {
  v1::TreeRequest request;
  request.set_root(ctx.args.Get("root"));
  PACTO_ASSIGN_OR_RETURN(const int32_t depth, IntFlag(ctx.args, "depth"));
  request.set_depth(depth);
  request.set_stale_after(ctx.args.Get("stale-after"));
  PACTO_ASSIGN_OR_RETURN(v1::TreeResponse tree, ctx.client.Tree(request));
  return PrintReport(ctx, tree, TreeText, TreeCsv);
}

absl::Status ReportFormation(CommandContext& ctx) {
  v1::FormationRequest request;
  request.set_region(ctx.args.Get("region"));
  PACTO_ASSIGN_OR_RETURN(const int32_t age_limit, IntFlag(ctx.args, "age-limit"));
  request.set_age_limit(age_limit);
  request.set_stale_after(ctx.args.Get("stale-after"));
  PACTO_ASSIGN_OR_RETURN(v1::FormationResponse formation, ctx.client.Formation(request));
  return PrintReport(ctx, formation, FormationText, FormationCsv);
}

absl::Status ReportVacancies(CommandContext& ctx) {
  v1::VacanciesRequest request;
  request.set_region(ctx.args.Get("region"));
  request.set_stale_after(ctx.args.Get("stale-after"));
  PACTO_ASSIGN_OR_RETURN(v1::VacanciesResponse vacancies, ctx.client.Vacancies(request));
  return PrintReport(ctx, vacancies, VacanciesText, VacanciesCsv);
}

absl::Status ReportFreshness(CommandContext& ctx) {
  v1::FreshnessRequest request;
  request.set_stale_after(ctx.args.Get("stale-after"));
  PACTO_ASSIGN_OR_RETURN(v1::FreshnessResponse freshness, ctx.client.Freshness(request));
  return PrintReport(ctx, freshness, FreshnessText, FreshnessCsv);
}

absl::Status ReportDuplicates(CommandContext& ctx) {
  v1::DuplicatesRequest request;
  request.set_allow_multiple_confederations(ctx.args.Has("allow-multiple-confederations"));
  request.set_stale_after(ctx.args.Get("stale-after"));
  PACTO_ASSIGN_OR_RETURN(v1::DuplicatesResponse duplicates, ctx.client.Duplicates(request));
  return PrintReport(ctx, duplicates, DuplicatesText, DuplicatesCsv);
}

Table ConflictsCsv(const v1::ConflictsResponse& response) { return ConflictsTable(response); }

absl::Status ReportConflicts(CommandContext& ctx) {
  v1::ConflictsRequest request;
  request.set_stale_after(ctx.args.Get("stale-after"));
  // Every page carries a header; the first one's is the report's (merging them would
  // repeat the stale regions).
  std::optional<v1::ReportHeader> header;
  PACTO_ASSIGN_OR_RETURN(
      v1::ConflictsResponse all,
      FetchAllPages(request,
                    [&](const v1::ConflictsRequest& r) -> absl::StatusOr<v1::ConflictsResponse> {
                      PACTO_ASSIGN_OR_RETURN(v1::ConflictsResponse page, ctx.client.Conflicts(r));
                      if (!header && page.has_header()) header = page.header();
                      page.clear_header();
                      return page;
                    }));
  if (header) *all.mutable_header() = *std::move(header);
  return PrintReport(ctx, all, ConflictsText, ConflictsCsv);
}

}  // namespace

std::vector<CommandSpec> ReportCommands() {
  return {
      {.name = "report summary",
       .usage = "[--stale-after DURATION]",
       .summary = "Federation-wide counts: chapters by level, active_members, "
                  "federation_members, persons, and by sector.",
       .optional_flags = {"stale-after"},
       .run = ReportSummary},
      {.name = "report regions",
       .usage = "[--stale-after DURATION]",
       .summary = "Chapters, active_members and federation_members of each region's "
                  "subtree, country down to community.",
       .optional_flags = {"stale-after"},
       .run = ReportRegions},
      {.name = "report tree",
       .usage = "[--root ID] [--depth N] [--stale-after DURATION]",
       .summary = "The affiliation tree with active memberships rolled up; BROKEN marks "
                  "chains not reaching a pact (--depth N: N levels below the roots).",
       .optional_flags = {"root", "depth", "stale-after"},
       .run = ReportTree},
      {.name = "report formation",
       .usage = "[--region CODE] [--age-limit N] [--stale-after DURATION]",
       .summary = "Per chapter and region: active members under N (default 30), how many "
                  "took a formation course, and the courses.",
       .optional_flags = {"region", "age-limit", "stale-after"},
       .run = ReportFormation},
      {.name = "report vacancies",
       .usage = "[--region CODE] [--stale-after DURATION]",
       .summary = "Chapters without a current officer in a role their level requires.",
       .optional_flags = {"region", "stale-after"},
       .run = ReportVacancies},
      {.name = "report freshness",
       .usage = "[--stale-after DURATION]",
       .summary = "Per origin node and region: the newest entry held here, when last heard "
                  "from, and how many entries behind.",
       .optional_flags = {"stale-after"},
       .run = ReportFreshness},
      {.name = "report duplicates",
       .usage = "[--allow-multiple-confederations] [--stale-after DURATION]",
       .summary = "People without a national id alike in name and birth date, and national "
                  "ids active in two confederations.",
       .optional_flags = {"allow-multiple-confederations", "stale-after"},
       .run = ReportDuplicates},
      {.name = "report conflicts",
       .usage = "[--stale-after DURATION]",
       .summary = "Records holding concurrent versions (every version shown, the winner "
                  "marked) and conflicts a merge revealed.",
       .optional_flags = {"stale-after"},
       .run = ReportConflicts},
  };
}

}  // namespace pacto::cli
