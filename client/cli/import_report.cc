#include "client/cli/import_report.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pacto::cli {
namespace {

// The rows the node never read, when it stopped early.
uint64_t NotImported(const v1::ImportMembersResponse& merged, uint64_t total_rows) {
  const uint64_t counted = merged.accepted() + merged.rejected();
  return counted < total_rows ? total_rows - counted : 0;
}

// The code whose name (absl::StatusCodeToString) is `name`; UNKNOWN for any other.
absl::StatusCode CodeNamed(absl::string_view name) {
  for (int code = 1; code <= static_cast<int>(absl::StatusCode::kUnauthenticated); ++code) {
    if (absl::StatusCodeToString(static_cast<absl::StatusCode>(code)) == name) {
      return static_cast<absl::StatusCode>(code);
    }
  }
  return absl::StatusCode::kUnknown;
}

}  // namespace

v1::ImportMembersResponse MergeImportResults(v1::ImportMembersResponse from_node,
                                             const std::vector<v1::RowError>& local) {
  std::vector<v1::RowError> errors(from_node.errors().begin(), from_node.errors().end());
  errors.insert(errors.end(), local.begin(), local.end());
  std::stable_sort(errors.begin(), errors.end(), [](const v1::RowError& a, const v1::RowError& b) {
    return a.line() < b.line();
  });
  from_node.clear_errors();
  for (v1::RowError& error : errors) *from_node.add_errors() = std::move(error);
  from_node.set_rejected(from_node.rejected() + local.size());
  return from_node;
}

std::string FormatImportReport(const v1::ImportMembersResponse& merged, uint64_t total_rows) {
  std::string report;
  for (const v1::RowError& error : merged.errors()) {
    absl::StrAppend(&report, "line ", error.line(), ": ", error.code(), ": ", error.message(),
                    "\n");
  }
  if (merged.has_stopped()) {
    const v1::RowError& stopped = merged.stopped();
    absl::StrAppend(&report, "line ", stopped.line(),
                    ": the node stopped the import here: ", stopped.code(), ": ", stopped.message(),
                    "\n");
  }
  absl::StrAppend(&report, "imported ", merged.accepted(), " of ", total_rows, " rows; ",
                  merged.rejected(), " rejected");
  if (merged.has_stopped()) {
    absl::StrAppend(&report, "; ", NotImported(merged, total_rows), " not imported");
  }
  absl::StrAppend(&report, "\n");
  return report;
}

absl::Status ImportOutcome(const v1::ImportMembersResponse& merged, uint64_t total_rows) {
  if (merged.has_stopped() && merged.accepted() + merged.rejected() <= total_rows) {
    const v1::RowError& stopped = merged.stopped();
    return absl::Status(
        CodeNamed(stopped.code()),
        absl::StrCat("the node stopped the import at line ", stopped.line(), " (",
                     stopped.message(), "): ", merged.accepted(), " of ", total_rows,
                     " rows were imported, ", merged.rejected(), " rejected, ",
                     NotImported(merged, total_rows), " not imported"));
  }
  if (merged.accepted() + merged.rejected() != total_rows) {
    return absl::DataLossError(absl::StrCat("only ", merged.accepted() + merged.rejected(), " of ",
                                            total_rows, " rows were accounted for; ",
                                            merged.accepted(), " were imported"));
  }
  if (merged.rejected() == 0) return absl::OkStatus();
  const bool all_there =
      std::all_of(merged.errors().begin(), merged.errors().end(),
                  [](const v1::RowError& e) { return e.code() == "ALREADY_EXISTS"; });
  if (all_there && merged.errors_size() == static_cast<int>(merged.rejected())) {
    return absl::AlreadyExistsError(absl::StrCat(merged.rejected(), " of ", total_rows,
                                                 " rows already there; the other ",
                                                 merged.accepted(), " were imported"));
  }
  return absl::InvalidArgumentError(absl::StrCat(merged.rejected(), " of ", total_rows,
                                                 " rows rejected; the other ", merged.accepted(),
                                                 " were imported"));
}

}  // namespace pacto::cli
