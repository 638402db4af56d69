#include "node/replication/batch_apply.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/store/applier.h"
#include "node/store/entry_chain.h"
#include "node/store/rejection.h"
#include "node/store/version_vector.h"
#include "pacto/v1/model.pb.h"

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
        // origin -> its last entry to apply here; its signature vouches for the rest
        std::map<std::string, const v1::Entry*> last;
        std::vector<const v1::Entry*> to_apply;
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
          if (!secure) continue;
          // Region authority (secure mode), all before anything lands: values against
          // the hashes signed, each entry's link to the one before it (entry_chain.h)...
          PACTO_RETURN_IF_ERROR(CheckValueHashes(entry));
          auto link = chain.find(entry.origin());
          if (link == chain.end()) {
            link =
                chain.emplace(entry.origin(), ctx.applier().ChainLink(entry.origin(), entry.seq()))
                    .first;
          }
          if (link->second && entry.prev_hash() != *link->second) {
            return Rejected(Rejection::kChain,
                            absl::PermissionDeniedError(absl::StrCat(
                                "entry ", entry.origin(), ":", entry.seq(),
                                " refused: it does not continue its origin's history (forked "
                                "or replayed)")));
          }
          link->second = EntryChainHash(entry);
          last[entry.origin()] = &entry;
          to_apply.push_back(&entry);
        }
        // ... one signature per origin, on its last entry, which the links tie to every
        // entry of it before (an ECDSA check costs more than applying an entry) ...
        std::map<std::string, std::string> regions;  // the origins' certified regions
        for (const auto& [origin, entry] : last) {
          PACTO_ASSIGN_OR_RETURN(regions[origin], ctx.applier().VerifyOrigin(*entry, nullptr));
        }
        // ... and regions, here and again in ApplyEntry, since what the entries before
        // one in this batch write is not applied yet.
        // A region an earlier entry adds counts already: a region tree replicated whole
        // holds a region and, after it, what is written under it.
        std::map<const v1::Entry*, std::string> verified;
        std::map<std::string, std::string> pending_regions;  // code -> parent
        for (const v1::Entry* entry : to_apply) {
          const std::string& region = regions[entry->origin()];
          PACTO_RETURN_IF_ERROR(
              ctx.applier().CheckRegions(ctx.txn(), *entry, region, &pending_regions));
          verified[entry] = region;
          for (const v1::Op& op : entry->ops()) {
            v1::Region added;
            if (op.type() == v1::RECORD_TYPE_REGION && op.kind() == v1::Op::PUT && !op.redacted() &&
                added.ParseFromString(op.value())) {
              pending_regions[added.code()] = added.parent();
            }
          }
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
