// pacto formation record | list
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status RecordFormation(CommandContext& ctx) {
  v1::RecordFormationRequest request;
  request.set_member(ctx.args.Get("member"));
  request.set_course(ctx.args.Get("course"));
  request.set_date(ctx.args.Get("date"));
  PACTO_ASSIGN_OR_RETURN(v1::FormationRecord record, ctx.client.RecordFormation(request));
  return ctx.printer.PrintId(record.id(), record);
}

absl::Status FormationList(CommandContext& ctx) {
  v1::ListFormationRequest request;
  request.set_member(ctx.args.Get("member"));
  PACTO_ASSIGN_OR_RETURN(v1::ListFormationResponse records, ctx.client.ListFormation(request));
  return ctx.printer.PrintTable(FormationTable(records), records);
}

}  // namespace

std::vector<CommandSpec> FormationCommands() {
  return {
      {.name = "formation record",
       .usage = "--member MEMBERSHIP_ID --course NAME --date DATE",
       .summary = "Record that a member took a formation course; prints only the record id.",
       .required_flags = {"member", "course", "date"},
       .run = RecordFormation},
      {.name = "formation list",
       .usage = "--member MEMBERSHIP_ID",
       .summary = "List the formation records of a member's person.",
       .required_flags = {"member"},
       .run = FormationList},
  };
}

}  // namespace pacto::cli
