// pacto chapter add | update | list | show
#include "client/cli/all_pages.h"
#include "client/cli/commands.h"
#include "client/cli/views.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

absl::Status ChapterAdd(CommandContext& ctx) {
  v1::AddChapterRequest request;
  request.set_name(ctx.args.Get("name"));
  request.set_region(ctx.args.Get("region"));
  request.set_level(ctx.args.Get("level"));
  request.set_sector(ctx.args.Get("sector"));
  request.set_parent(ctx.args.Get("parent"));
  request.set_founded(ctx.args.Get("founded"));
  PACTO_ASSIGN_OR_RETURN(v1::Chapter chapter, ctx.client.AddChapter(request));
  return ctx.printer.PrintId(chapter.id(), chapter);
}

absl::Status ChapterUpdate(CommandContext& ctx) {
  v1::UpdateChapterRequest request;
  request.set_id(ctx.operands[0]);
  request.set_name(ctx.args.Get("name"));
  request.set_status(ctx.args.Get("status"));
  request.set_sector(ctx.args.Get("sector"));
  PACTO_ASSIGN_OR_RETURN(v1::Chapter chapter, ctx.client.UpdateChapter(request));
  return ctx.printer.PrintFields(ChapterFields(chapter), chapter);
}

absl::Status ChapterList(CommandContext& ctx) {
  v1::ListChaptersRequest request;
  request.set_region(ctx.args.Get("region"));
  request.set_level(ctx.args.Get("level"));
  PACTO_ASSIGN_OR_RETURN(v1::ListChaptersResponse all,
                         FetchAllPages(request, [&](const v1::ListChaptersRequest& r) {
                           return ctx.client.ListChapters(r);
                         }));
  return ctx.printer.PrintTable(ChaptersTable(all), all);
}

absl::Status ChapterShow(CommandContext& ctx) {
  v1::GetChapterRequest request;
  request.set_id(ctx.operands[0]);
  PACTO_ASSIGN_OR_RETURN(v1::Chapter chapter, ctx.client.GetChapter(request));
  return ctx.printer.PrintFields(ChapterFields(chapter), chapter);
}

}  // namespace

std::vector<CommandSpec> ChapterCommands() {
  return {
      {.name = "chapter add",
       .usage = "--name NAME --region CODE --level LEVEL [--sector S] [--parent ID] "
                "[--founded DATE]",
       .summary = "Add a chapter (with --parent, also affiliate it); prints only its id.",
       .required_flags = {"name", "region", "level"},
       .optional_flags = {"sector", "parent", "founded"},
       .run = ChapterAdd},
      {.name = "chapter update",
       .usage = "ID [--name N] [--status S] [--sector S]",
       .summary = "Change a chapter's name, status or sector; prints the chapter.",
       .operands = {"ID"},
       .optional_flags = {"name", "status", "sector"},
       .any_of_flags = {"name", "status", "sector"},
       .run = ChapterUpdate},
      {.name = "chapter list",
       .usage = "[--region CODE] [--level LEVEL]",
       .summary = "List chapters, optionally only those homed in a region or of a level.",
       .optional_flags = {"region", "level"},
       .run = ChapterList},
      {.name = "chapter show",
       .usage = "ID",
       .summary = "Show a chapter.",
       .operands = {"ID"},
       .run = ChapterShow},
  };
}

}  // namespace pacto::cli
