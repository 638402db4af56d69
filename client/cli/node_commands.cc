// pacto node status | peers | sync | backup | events

#include "absl/strings/numbers.h"
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
  // NAME is the node's to resolve, below its own --backup-dir; never the CLI's
  // working directory.
  v1::BackupRequest request;
  request.set_dir(ctx.operands[0]);
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

absl::Status NodeEvents(CommandContext& ctx) {
  v1::EventsRequest request;
  if (ctx.args.Has("limit")) {
    uint32_t limit = 0;
    if (!absl::SimpleAtoi(ctx.args.Get("limit"), &limit) || limit == 0) {
      return absl::InvalidArgumentError("--limit: must be a positive number of events");
    }
    request.set_limit(limit);
  }
  PACTO_ASSIGN_OR_RETURN(v1::EventsResponse events, ctx.client.Events(request));
  Table table({"time", "kind", "principal", "name", "outcome", "detail"});
  for (const v1::AdminEvent& e : events.events()) {
    table.AddRow({e.time(), e.kind(), e.principal(), e.name(), e.outcome(), e.detail()});
  }
  return ctx.printer.PrintTable(table, events);
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
       .usage = "NAME",
       .summary = "A verified online backup into NAME, a sub-directory of the node's "
                  "--backup-dir (e.g. nightly or 2026/12; restore with pacto-node "
                  "--backup-dir DIR --restore-from NAME).",
       .operands = {"NAME"},
       .run = NodeBackup},
      {.name = "node events",
       .usage = "[--limit N]",
       .summary = "The node's own administrative events, newest first: every backup asked "
                  "of it (who, name, outcome) and every restore it started from.",
       .optional_flags = {"limit"},
       .run = NodeEvents},
  };
}

}  // namespace pacto::cli
