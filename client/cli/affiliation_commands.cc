// pacto affiliate | disaffiliate
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status Affiliate(CommandContext& ctx) {
  v1::AffiliateRequest request;
  request.set_child(ctx.operands[0]);
  request.set_parent(ctx.operands[1]);
  request.set_since(ctx.args.Get("since"));
  PACTO_ASSIGN_OR_RETURN(v1::Affiliation affiliation, ctx.client.Affiliate(request));
  return ctx.printer.PrintFields(AffiliationFields(affiliation), affiliation);
}

absl::Status Disaffiliate(CommandContext& ctx) {
  v1::DisaffiliateRequest request;
  request.set_child(ctx.operands[0]);
  request.set_parent(ctx.operands[1]);
  request.set_until(ctx.args.Get("until"));
  PACTO_ASSIGN_OR_RETURN(v1::Affiliation affiliation, ctx.client.Disaffiliate(request));
  return ctx.printer.PrintFields(AffiliationFields(affiliation), affiliation);
}

}  // namespace

std::vector<CommandSpec> AffiliationCommands() {
  return {
      {.name = "affiliate",
       .usage = "CHILD_ID PARENT_ID [--since DATE]",
       .summary = "Affiliate a chapter to a higher-level one; prints the affiliation.",
       .operands = {"CHILD_ID", "PARENT_ID"},
       .optional_flags = {"since"},
       .run = Affiliate},
      {.name = "disaffiliate",
       .usage = "CHILD_ID PARENT_ID [--until DATE]",
       .summary = "End a chapter's active affiliation (kept as history); prints it.",
       .operands = {"CHILD_ID", "PARENT_ID"},
       .optional_flags = {"until"},
       .run = Disaffiliate},
  };
}

}  // namespace pacto::cli
