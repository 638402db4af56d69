// pacto member export --region CODE FILE.csv [--all]: the node streams the members of
// the region's subtree and each chunk is written as it arrives (export_csv.h), into a
// temporary file renamed into place once the export is complete (atomic_file.h); FILE
// "-" writes the CSV to stdout instead.
#include <cstdint>
#include <memory>

#include "absl/strings/str_cat.h"
#include "client/cli/atomic_file.h"
#include "client/cli/commands.h"
#include "client/cli/export_csv.h"
#include "client/cli/json.h"
#include "common/status_macros.h"
#include "google/protobuf/wrappers.pb.h"

namespace pacto::cli {
namespace {

absl::StatusOr<std::string> JsonString(const std::string& value) {
  google::protobuf::StringValue wrapped;
  wrapped.set_value(value);
  return ToJson(wrapped);
}

// Stdout carries the CSV, so the count goes to stderr.
absl::Status ExportToStdout(CommandContext& ctx, const v1::ExportMembersRequest& request) {
  if (ctx.printer.format() == OutputFormat::kJson) {
    return absl::InvalidArgumentError(
        "member export: --json cannot be used with FILE '-', which prints the CSV on stdout");
  }
  std::ostream& out = ctx.printer.out();
  uint64_t rows = 0;
  out << ExportCsvHeader();
  absl::Status status =
      ctx.client.StreamExportMembers(request, [&](const v1::ExportMembersResponse& chunk) {
        out << ExportCsvRows(chunk);
        rows += chunk.rows_size();
        return out ? absl::OkStatus() : absl::InternalError("cannot write to stdout");
      });
  out << std::flush;
  PACTO_RETURN_IF_ERROR(status);
  ctx.err << "exported " << rows << " members of region " << request.region() << " to stdout"
          << std::endl;
  return absl::OkStatus();
}

absl::Status MemberExport(CommandContext& ctx) {
  const std::string& path = ctx.operands[0];
  v1::ExportMembersRequest request;
  request.set_region(ctx.args.Get("region"));
  request.set_include_ended(ctx.args.Has("all"));
  if (path == "-") return ExportToStdout(ctx, request);

  PACTO_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file, AtomicFile::Create(path));
  PACTO_RETURN_IF_ERROR(file->Append(ExportCsvHeader()));
  uint64_t rows = 0;
  PACTO_RETURN_IF_ERROR(
      ctx.client.StreamExportMembers(request, [&](const v1::ExportMembersResponse& chunk) {
        rows += chunk.rows_size();
        return file->Append(ExportCsvRows(chunk));
      }));
  PACTO_RETURN_IF_ERROR(file->Commit());

  if (ctx.printer.format() == OutputFormat::kJson) {
    PACTO_ASSIGN_OR_RETURN(const std::string region, JsonString(request.region()));
    PACTO_ASSIGN_OR_RETURN(const std::string file_name, JsonString(path));
    ctx.printer.out() << "{\"region\":" << region << ",\"file\":" << file_name
                      << ",\"rows\":" << rows << "}\n"
                      << std::flush;
    return absl::OkStatus();
  }
  ctx.printer.out() << "exported " << rows << " members of region " << request.region() << " to "
                    << path << '\n'
                    << std::flush;
  return absl::OkStatus();
}

}  // namespace

CommandSpec MemberExportCommand() {
  return {.name = "member export",
          .usage = "--region CODE FILE.csv [--all]",
          .summary =
              "Write the members of a region's subtree to FILE.csv, which member import "
              "takes back (--all: ended memberships too; FILE - for stdout).",
          .operands = {"FILE.csv"},
          .required_flags = {"region"},
          .optional_flags = {"all"},
          .run = MemberExport};
}

}  // namespace pacto::cli
