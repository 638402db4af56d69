#include "node/replication/batch_apply.h"

#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "node/store/applier.h"
#include "node/store/rejection.h"
#include "node/store/sha256.h"
#include "node/store/version_vector.h"

namespace pacto {

absl::Status ApplyBatch(CommitPipeline& pipeline, HybridClock& hlc,
                        const std::vector<v1::Entry>& entries, const std::string& principal,
                        BatchResult* result) {
  BatchResult counted;
  // A refusal after the first write rolls the group back under a status of the
  // pipeline's own: its reason is put back on it below.
  std::optional<Rejection> refused;
  absl::Status status = pipeline.Execute(
      [&](WriteContext& ctx) -> absl::Status {
        // Everything that can refuse an entry is checked before the first is applied:
        // a batch lands whole or not at all (a redacted op and what replaced it travel
        // in one batch), and a refusal must not roll back other writers' work.
        VersionVector vv = ctx.applier().version_vector();
        // origin -> the prev_hash its next entry must carry (nullopt: not checkable)
        std::map<std::string, std::optional<std::string>> chain;
        // entry -> its origin's certified region, once its signature checked
        std::map<const v1::Entry*, std::string> verified;
        const bool secure = ctx.applier().secure();
        for (const v1::Entry& entry : entries) {
          if (entry.origin().empty() || entry.seq() == 0) {
            return Rejected(Rejection::kMalformed,
                            absl::InvalidArgumentError("entry: origin and seq are required"));
          }
          if (absl::Status clock = hlc.Observe(entry.hlc()); !clock.ok()) {
            return Rejected(Rejection::kClock, absl::FailedPreconditionError(absl::StrCat(
                                                   "entry ", entry.origin(), ":", entry.seq(),
                                                   " refused: ", clock.message())));
          }
          if (absl::Status ops = Applier::ValidateOps(entry); !ops.ok()) {
            return Rejected(
                Rejection::kMalformed,
                absl::Status(ops.code(), absl::StrCat("entry ", entry.origin(), ":", entry.seq(),
                                                      ": ", ops.message())));
          }
          const uint64_t have = vv.Get(entry.origin());
          if (entry.seq() > have + 1) {
            return absl::FailedPreconditionError(absl::StrCat("entry ", entry.origin(), ":",
                                                              entry.seq(), " arrived before ",
                                                              entry.origin(), ":", have + 1));
          }
          if (entry.seq() != have + 1) continue;
          vv.Set(entry.origin(), entry.seq());
          // Region authority (secure mode): signature and hash chain once, here, so a
          // forged entry is refused before anything lands; regions here and again in
          // ApplyEntry, since what the entries before it in this batch write is not
          // applied yet.
          if (!secure) continue;
          auto link = chain.find(entry.origin());
          if (link == chain.end()) {
            link =
                chain.emplace(entry.origin(), ctx.applier().ChainLink(entry.origin(), entry.seq()))
                    .first;
          }
          absl::StatusOr<std::string> region =
              ctx.applier().VerifyOrigin(entry, link->second ? &*link->second : nullptr);
          absl::Status authority =
              region.ok() ? ctx.applier().CheckRegions(ctx.txn(), entry, *region) : region.status();
          if (!authority.ok()) return authority;
          link->second = Sha256(entry.signature());
          verified[&entry] = *std::move(region);
        }
        for (const v1::Entry& entry : entries) {
          bool applied = false;
          auto region = verified.find(&entry);
          absl::Status s = ctx.applier().ApplyEntry(
              ctx.txn(), entry, &applied, region == verified.end() ? nullptr : &region->second);
          if (!s.ok()) {
            absl::Status named(s.code(), absl::StrCat("entry ", entry.origin(), ":", entry.seq(),
                                                      ": ", s.message()));
            refused = RejectionOf(s);
            return refused ? Rejected(*refused, named) : named;
          }
          (applied ? counted.applied : counted.skipped)++;
        }
        return absl::OkStatus();
      },
      principal);
  if (result != nullptr) *result = counted;
  if (refused && !RejectionOf(status)) status = Rejected(*refused, status);
  return status;
}

}  // namespace pacto
