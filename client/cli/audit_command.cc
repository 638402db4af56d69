// pacto audit --record ID: who changed a record, when, and from which node.
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status Audit(CommandContext& ctx) {
  v1::AuditRequest request;
  request.set_record(ctx.args.Get("record"));
  PACTO_ASSIGN_OR_RETURN(v1::AuditResponse audit, ctx.client.Audit(request));
  return ctx.printer.PrintTable(AuditTable(audit), audit);
}

}  // namespace

std::vector<CommandSpec> AuditCommands() {
  return {
      {.name = "audit",
       .usage = "--record ID",
       .summary = "Every change of a record (a chapter also shows its affiliation): when, "
                  "what kind, who asked for it and which node wrote it. Operators only.",
       .required_flags = {"record"},
       .run = Audit},
  };
}

}  // namespace pacto::cli
