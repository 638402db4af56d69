// pacto node status | peers | sync
#include "absl/strings/str_cat.h"
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status NodeStatus(CommandContext& ctx) {
  PACTO_ASSIGN_OR_RETURN(v1::StatusResponse status, ctx.client.Status(v1::StatusRequest()));
  return ctx.printer.PrintFields(StatusFields(status), status);
}

absl::Status NodePeers(CommandContext& ctx) {
  PACTO_ASSIGN_OR_RETURN(v1::PeersResponse peers, ctx.client.Peers(v1::PeersRequest()));
  return ctx.printer.PrintTable(PeersTable(peers), peers);
}

absl::Status NodeSync(CommandContext& ctx) {
  PACTO_ASSIGN_OR_RETURN(v1::SyncResponse sync, ctx.client.Sync(v1::SyncRequest()));
  PACTO_RETURN_IF_ERROR(ctx.printer.PrintTable(SyncTable(sync), sync));
  int failed = 0;
  for (const v1::SyncResult& r : sync.results()) failed += r.ok() ? 0 : 1;
  if (failed > 0) {
    return absl::UnavailableError(
        absl::StrCat(failed, " of ", sync.results_size(), " peers could not be synced"));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<CommandSpec> NodeCommands() {
  return {
      {.name = "node status",
       .summary = "The node's id, region, version, digest, version vector, log and peers.",
       .run = NodeStatus},
      {.name = "node peers",
       .summary = "Each peer: address, node id, region, state, last sync, who is behind whom.",
       .run = NodePeers},
      {.name = "node sync",
       .summary = "Sync with every peer now; fails when a peer could not be reached.",
       .run = NodeSync},
  };
}

}  // namespace pacto::cli
