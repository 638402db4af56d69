// pacto region add | list
#include "client/cli/all_pages.h"
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status RegionAdd(CommandContext& ctx) {
  v1::AddRegionRequest request;
  v1::Region* region = request.mutable_region();
  region->set_code(ctx.operands[0]);
  region->set_name(ctx.args.Get("name"));
  region->set_parent(ctx.args.Get("parent"));
  region->set_level(ctx.args.Get("level"));
  PACTO_ASSIGN_OR_RETURN(v1::Region added, ctx.client.AddRegion(request));
  return ctx.printer.PrintId(added.code(), added);
}

absl::Status RegionList(CommandContext& ctx) {
  PACTO_ASSIGN_OR_RETURN(
      v1::ListRegionsResponse all,
      FetchAllPages(v1::ListRegionsRequest(),
                    [&](const v1::ListRegionsRequest& r) { return ctx.client.ListRegions(r); }));
  return ctx.printer.PrintTable(RegionsTable(all), all);
}

}  // namespace

std::vector<CommandSpec> RegionCommands() {
  return {
      {.name = "region add",
       .usage = "CODE --name NAME [--parent CODE] [--level LEVEL]",
       .summary = "Add a region; prints its code.",
       .operands = {"CODE"},
       .required_flags = {"name"},
       .optional_flags = {"parent", "level"},
       .run = RegionAdd},
      {.name = "region list",
       .summary = "List every region: code, name, level, parent.",
       .run = RegionList},
  };
}

}  // namespace pacto::cli
