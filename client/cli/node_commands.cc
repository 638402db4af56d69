// pacto node status
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status NodeStatus(CommandContext& ctx) {
  PACTO_ASSIGN_OR_RETURN(v1::StatusResponse status, ctx.client.Status(v1::StatusRequest()));
  return ctx.printer.PrintFields(StatusFields(status), status);
}

}  // namespace

std::vector<CommandSpec> NodeCommands() {
  return {
      {.name = "node status",
       .summary = "The node's id, region, version, digest and version vector.",
       .run = NodeStatus},
  };
}

}  // namespace pacto::cli
