#include "client/cli/wait_for.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/cli/views.h"

namespace pacto::cli {

absl::StatusOr<WantedVector> ParseWantedVector(absl::string_view text) {
  WantedVector want;
  const std::vector<absl::string_view> pairs =
      absl::StrSplit(text, absl::ByAnyChar(", "), absl::SkipEmpty());
  for (absl::string_view pair : pairs) {
    const std::vector<absl::string_view> parts = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    uint64_t sequence = 0;
    if (parts.size() != 2 || parts[0].empty() || !absl::SimpleAtoi(parts[1], &sequence)) {
      return absl::InvalidArgumentError(
          "--wait-for: want ORIGIN=SEQUENCE pairs separated by commas, e.g. bo-1=1552,lpz-1=2");
    }
    if (!want.emplace(std::string(parts[0]), sequence).second) {
      return absl::InvalidArgumentError("--wait-for: an origin node is named twice");
    }
  }
  if (want.empty()) {
    return absl::InvalidArgumentError("--wait-for: must name at least one ORIGIN=SEQUENCE");
  }
  return want;
}

absl::StatusOr<WantedVector> CurrentVector(const Client& client) {
  absl::StatusOr<v1::SummaryResponse> summary = client.Summary(v1::SummaryRequest());
  if (!summary.ok()) return summary.status();
  return WantedVector(summary->version_vector().begin(), summary->version_vector().end());
}

absl::Status WaitForVector(const Client& client, const WantedVector& want, absl::Duration timeout,
                           absl::Duration poll) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::StatusOr<v1::SummaryResponse> summary = client.Summary(v1::SummaryRequest());
    if (!summary.ok()) return summary.status();
    if (Reaches(summary->version_vector(), want)) return absl::OkStatus();
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "--wait-for: node ", summary->as_of_node(),
          " has not applied the writes waited for within ", absl::FormatDuration(timeout),
          " (it has ", VersionVectorText(summary->version_vector()), ")"));
    }
    absl::SleepFor(poll);
  }
}

}  // namespace pacto::cli
