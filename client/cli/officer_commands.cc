// pacto officer appoint | list
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status OfficerAppoint(CommandContext& ctx) {
  v1::AppointOfficerRequest request;
  request.set_chapter(ctx.args.Get("chapter"));
  request.set_member(ctx.args.Get("member"));
  request.set_role(ctx.args.Get("role"));
  request.set_start_date(ctx.args.Get("from"));
  request.set_end_date(ctx.args.Get("to"));
  PACTO_ASSIGN_OR_RETURN(v1::OfficerTerm term, ctx.client.AppointOfficer(request));
  return ctx.printer.PrintId(term.id(), term);
}

absl::Status OfficerList(CommandContext& ctx) {
  v1::ListOfficersRequest request;
  request.set_chapter(ctx.args.Get("chapter"));
  request.set_current_only(ctx.args.Has("current"));
  PACTO_ASSIGN_OR_RETURN(v1::ListOfficersResponse terms, ctx.client.ListOfficers(request));
  return ctx.printer.PrintTable(OfficersTable(terms), terms);
}

}  // namespace

std::vector<CommandSpec> OfficerCommands() {
  return {
      {.name = "officer appoint",
       .usage = "--chapter ID --member MEMBERSHIP_ID --role ROLE [--from DATE] [--to DATE]",
       .summary = "Appoint a member to a role in a chapter; prints only the term id.",
       .required_flags = {"chapter", "member", "role"},
       .optional_flags = {"from", "to"},
       .run = OfficerAppoint},
      {.name = "officer list",
       .usage = "--chapter ID [--current]",
       .summary = "List a chapter's officer terms (--current: only those running today).",
       .required_flags = {"chapter"},
       .optional_flags = {"current"},
       .run = OfficerList},
  };
}

}  // namespace pacto::cli
