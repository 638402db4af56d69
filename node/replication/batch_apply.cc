#include "node/replication/batch_apply.h"

#include "absl/strings/str_cat.h"
#include "node/base/log.h"

namespace pacto {

absl::Status ApplyBatch(CommitPipeline& pipeline, HybridClock& hlc,
                        const std::vector<v1::Entry>& entries, const std::string& principal,
                        BatchResult* result) {
  BatchResult counted;
  absl::Status status = pipeline.Execute(
      [&](WriteContext& ctx) -> absl::Status {
        for (const v1::Entry& entry : entries) {
          if (absl::Status clock = hlc.Observe(entry.hlc()); !clock.ok()) {
            LogWarning("refused a replicated entry", {{"origin", entry.origin()},
                                                      {"seq", absl::StrCat(entry.seq())},
                                                      {"reason", std::string(clock.message())}});
            return absl::FailedPreconditionError(absl::StrCat(
                "entry ", entry.origin(), ":", entry.seq(), " refused: ", clock.message()));
          }
          bool applied = false;
          absl::Status s = ctx.applier().ApplyEntry(ctx.txn(), entry, &applied);
          if (!s.ok()) {
            return absl::Status(s.code(), absl::StrCat("entry ", entry.origin(), ":", entry.seq(),
                                                       ": ", s.message()));
          }
          (applied ? counted.applied : counted.skipped)++;
        }
        return absl::OkStatus();
      },
      principal);
  if (result != nullptr) *result = counted;
  return status;
}

}  // namespace pacto
