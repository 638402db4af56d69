// pacto member enrol | show | list | transfer | end | remove (import: import_command.cc,
// export: export_command.cc)
#include "client/cli/all_pages.h"
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status MemberEnrol(CommandContext& ctx) {
  v1::EnrolMemberRequest request;
  request.set_chapter(ctx.args.Get("chapter"));
  request.set_name(ctx.args.Get("name"));
  request.set_national_id(ctx.args.Get("national-id"));
  request.set_birth_date(ctx.args.Get("birth-date"));
  request.set_since(ctx.args.Get("since"));
  PACTO_ASSIGN_OR_RETURN(v1::Membership membership, ctx.client.EnrolMember(request));
  return ctx.printer.PrintId(membership.id(), membership);
}

absl::Status MemberShow(CommandContext& ctx) {
  v1::GetMemberRequest request;
  request.set_id(ctx.operands[0]);
  PACTO_ASSIGN_OR_RETURN(v1::Membership membership, ctx.client.GetMember(request));
  return ctx.printer.PrintFields(MembershipFields(membership), membership);
}

absl::Status MemberList(CommandContext& ctx) {
  v1::ListMembersRequest request;
  request.set_chapter(ctx.args.Get("chapter"));
  request.set_include_ended(ctx.args.Has("all"));
  PACTO_ASSIGN_OR_RETURN(v1::ListMembersResponse all,
                         FetchAllPages(request, [&](const v1::ListMembersRequest& r) {
                           return ctx.client.ListMembers(r);
                         }));
  return ctx.printer.PrintTable(MembersTable(all), all);
}

absl::Status MemberTransfer(CommandContext& ctx) {
  v1::TransferMemberRequest request;
  request.set_id(ctx.operands[0]);
  request.set_to_chapter(ctx.args.Get("to"));
  request.set_date(ctx.args.Get("date"));
  PACTO_ASSIGN_OR_RETURN(v1::Membership membership, ctx.client.TransferMember(request));
  return ctx.printer.PrintId(membership.id(), membership);
}

absl::Status MemberEnd(CommandContext& ctx) {
  v1::EndMembershipRequest request;
  request.set_id(ctx.operands[0]);
  request.set_date(ctx.args.Get("date"));
  PACTO_ASSIGN_OR_RETURN(v1::Membership membership, ctx.client.EndMembership(request));
  return ctx.printer.PrintFields(MembershipFields(membership), membership);
}

absl::Status MemberRemove(CommandContext& ctx) {
  v1::RemoveMemberRequest request;
  request.set_id(ctx.operands[0]);
  PACTO_ASSIGN_OR_RETURN(v1::RemoveMemberResponse removed, ctx.client.RemoveMember(request));
  return ctx.printer.PrintFields(RemovalFields(removed), removed);
}

}  // namespace

std::vector<CommandSpec> MemberCommands() {
  return {
      {.name = "member enrol",
       .usage = "--chapter ID --name NAME [--national-id N] [--birth-date YYYY-MM-DD] "
                "[--since DATE]",
       .summary = "Enrol a person in a chapter; prints only the new membership id.",
       .required_flags = {"chapter", "name"},
       .optional_flags = {"national-id", "birth-date", "since"},
       .run = MemberEnrol},
      {.name = "member show",
       .usage = "ID",
       .summary = "Show a membership and its person.",
       .operands = {"ID"},
       .run = MemberShow},
      {.name = "member list",
       .usage = "--chapter ID [--all]",
       .summary = "List a chapter's active memberships (--all: ended ones too).",
       .required_flags = {"chapter"},
       .optional_flags = {"all"},
       .run = MemberList},
      {.name = "member transfer",
       .usage = "ID --to CHAPTER_ID [--date DATE]",
       .summary = "Move a membership to another chapter; prints only the NEW membership id.",
       .operands = {"ID"},
       .required_flags = {"to"},
       .optional_flags = {"date"},
       .run = MemberTransfer},
      {.name = "member end",
       .usage = "ID [--date DATE]",
       .summary = "End a membership (kept as history); prints it.",
       .operands = {"ID"},
       .optional_flags = {"date"},
       .run = MemberEnd},
      {.name = "member remove",
       .usage = "ID",
       .summary = "Erase a membership, and its person when no other membership remains; "
                  "prints what was erased.",
       .operands = {"ID"},
       .run = MemberRemove},
      MemberImportCommand(),
      MemberExportCommand(),
  };
}

}  // namespace pacto::cli
