#include "node/server/metrics.h"

#include "absl/strings/str_cat.h"
#include "node/store/committed_state.h"
#include "node/store/read_view.h"
#include "node/store/tallies.h"

namespace pacto {
namespace {

void Metric(std::string* out, absl::string_view name, absl::string_view type,
            absl::string_view help, double value) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n", name, " ",
                  value, "\n");
}

}  // namespace

std::string RenderMetrics(const Database& db, const CommitPipeline::Stats& pipeline) {
  std::string out;
  Metric(&out, "pacto_commit_groups_total", "counter",
         "Write batches committed (each one WAL sync).", static_cast<double>(pipeline.groups));
  Metric(&out, "pacto_commit_items_total", "counter", "Writes run through the commit pipeline.",
         static_cast<double>(pipeline.items));
  Metric(&out, "pacto_commit_failures_total", "counter", "Write batches that failed to commit.",
         static_cast<double>(pipeline.failed_commits));
  ReadView view(&db);
  absl::StatusOr<CommittedState> state = ReadCommittedState(view);
  if (state.ok()) {
    Metric(&out, "pacto_log_entries", "gauge", "Entries appended to the operation log.",
           static_cast<double>(state->log_next));
  }
  for (absl::string_view name : {kChaptersCounter, kActiveCounter, kFederationCounter}) {
    absl::StatusOr<int64_t> v = ReadCounter(db, GlobalCounterKey(name), view.options().snapshot);
    if (v.ok()) {
      Metric(&out, absl::StrCat("pacto_", name), "gauge", "Federation-wide count.",
             static_cast<double>(*v));
    }
  }
  return out;
}

}  // namespace pacto
