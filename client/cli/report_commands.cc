// pacto report summary | conflicts
#include "client/cli/all_pages.h"
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status ReportSummary(CommandContext& ctx) {
  PACTO_ASSIGN_OR_RETURN(v1::SummaryResponse summary, ctx.client.Summary(v1::SummaryRequest()));
  Table table = SummaryTable(summary);
  switch (ctx.printer.format()) {
    case OutputFormat::kJson:
      return ctx.printer.PrintJson(summary);
    case OutputFormat::kCsv:
      AddFreshnessRows(summary, &table);
      ctx.printer.out() << table.ToCsv() << std::flush;
      return absl::OkStatus();
    case OutputFormat::kText:
      break;
  }
  ctx.printer.out() << table.ToText() << AsOfLine(summary) << '\n' << std::flush;
  return absl::OkStatus();
}

absl::Status ReportConflicts(CommandContext& ctx) {
  PACTO_ASSIGN_OR_RETURN(v1::ConflictsResponse all,
                         FetchAllPages(v1::ConflictsRequest(), [&](const v1::ConflictsRequest& r) {
                           return ctx.client.Conflicts(r);
                         }));
  return ctx.printer.PrintTable(ConflictsTable(all), all);
}

}  // namespace

std::vector<CommandSpec> ReportCommands() {
  return {
      {.name = "report summary",
       .summary = "Federation-wide counts (chapters, members, persons, chapters by level), "
                  "as of the answering node.",
       .run = ReportSummary},
      {.name = "report conflicts",
       .summary = "Records holding concurrent versions (every version shown, the winner "
                  "marked) and conflicts a merge revealed.",
       .run = ReportConflicts},
  };
}

}  // namespace pacto::cli
