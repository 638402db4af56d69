// pacto node status | peers | sync | backup
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "client/cli/commands.h"
#include "client/cli/field_list.h"
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

absl::Status NodeBackup(CommandContext& ctx) {
  // The node writes the backup on its own machine; a relative DIR means the CLI's
  // working directory, which is the node's when both run on one machine.
  v1::BackupRequest request;
  std::error_code ec;
  request.set_dir(std::filesystem::absolute(ctx.operands[0], ec).lexically_normal().string());
  PACTO_ASSIGN_OR_RETURN(v1::BackupResponse backup, ctx.client.Backup(request));
  FieldList fields;
  fields.Add("dir", backup.dir());
  fields.Add("backup_id", absl::StrCat(backup.backup_id()));
  fields.Add("node_id", backup.node_id());
  fields.Add("size", absl::StrFormat("%.1f MB (%d bytes, %d files)", backup.size_bytes() / 1e6,
                                     backup.size_bytes(), backup.files()));
  fields.Add("backups_in_dir", absl::StrCat(backup.backups_in_dir()));
  fields.Add("encrypted", backup.encrypted() ? "yes" : "no");
  fields.Add("verified", backup.verified() ? "yes" : "no");
  fields.Add("took", absl::FormatDuration(
                         absl::Milliseconds(static_cast<int64_t>(backup.seconds() * 1000))));
  return ctx.printer.PrintFields(fields, backup);
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
      {.name = "node backup",
       .usage = "DIR",
       .summary = "A verified online backup into DIR on the node's machine (restore with "
                  "pacto-node --restore-from DIR).",
       .operands = {"DIR"},
       .run = NodeBackup},
  };
}

}  // namespace pacto::cli
