// pacto member import FILE.csv: the CSV is read and checked here (import_plan.h), the
// good rows streamed to the node in batches with a progress bar on a terminal, and the
// merged per-row results reported (import_report.h).
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/cli/commands.h"
#include "client/cli/import_plan.h"
#include "client/cli/import_report.h"
#include "client/cli/progress_bar.h"
#include "client/lib/read_file.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

// `status` with what happened to the rows when the call failed. A node that stops
// reading an import part way ends it OK with its counts (ImportMembersResponse.stopped),
// so a failed call is a refusal before any row was read or a broken connection; the
// client cannot tell which, and says so.
absl::Status StreamFailed(const absl::Status& status, uint64_t sent, uint64_t total) {
  std::string what;
  if (sent == 0) {
    what = absl::StrCat("the import stopped before any of the ", total, " rows was sent");
  } else {
    what = absl::StrCat("the call failed after ", sent, " of ", total,
                        " rows were sent; those may have been imported, but the node could "
                        "not confirm how many: check with `pacto member list` before "
                        "importing again");
  }
  return absl::Status(status.code(), absl::StrCat(status.message(), "; ", what));
}

absl::Status MemberImport(CommandContext& ctx) {
  const std::string& path = ctx.operands[0];
  PACTO_ASSIGN_OR_RETURN(const std::string text, ReadFileToString(path));
  absl::StatusOr<ImportPlan> plan = PlanImport(text);
  if (!plan.ok()) {
    return absl::Status(plan.status().code(), absl::StrCat(path, ": ", plan.status().message()));
  }
  const uint64_t to_send = plan->rows.size();

  // Nothing is sent when no row is left to send: the report is the local one.
  v1::ImportMembersResponse from_node;
  if (to_send > 0) {
    std::optional<ProgressBar> bar;
    if (ctx.err_is_terminal) bar.emplace(&ctx.err, "importing", to_send);
    size_t next = 0;
    uint64_t sent = 0;
    absl::StatusOr<v1::ImportMembersResponse> result = ctx.client.ImportMembers(
        [&](v1::ImportRow* row) {
          if (next >= plan->rows.size()) return false;
          *row = std::move(plan->rows[next++]);
          return true;
        },
        [&](uint64_t rows_sent) {
          sent = rows_sent;
          if (bar) bar->Update(rows_sent);
        });
    if (bar) bar->Finish();
    if (!result.ok()) return StreamFailed(result.status(), sent, to_send);
    from_node = *std::move(result);
  }

  const v1::ImportMembersResponse merged = MergeImportResults(std::move(from_node), plan->rejects);
  if (ctx.printer.format() == OutputFormat::kJson) {
    PACTO_RETURN_IF_ERROR(ctx.printer.PrintJson(merged));
  } else {
    ctx.printer.out() << FormatImportReport(merged, plan->total()) << std::flush;
  }
  return ImportOutcome(merged, plan->total());
}

}  // namespace

CommandSpec MemberImportCommand() {
  return {.name = "member import",
          .usage = "FILE.csv",
          .summary =
              "Enrol a CSV file's rows (columns chapter, name, national_id, "
              "birth_date, since, membership_id); reports rejected rows by line.",
          .operands = {"FILE.csv"},
          .run = MemberImport};
}

}  // namespace pacto::cli
