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
namespace {

// One batch applied inside a pipeline item. Everything that can refuse an entry is
// checked before the first is applied: a batch lands whole or not at all (a redacted
// op and what replaced it travel in one batch), and a refusal must not roll back
// other writers' work.
class BatchApplier {
 public:
  BatchApplier(WriteContext& ctx, HybridClock& hlc, const std::vector<v1::Entry>& entries)
      : ctx_(ctx), hlc_(hlc), entries_(entries) {}

  absl::Status Run() {
    PACTO_RETURN_IF_ERROR(CheckOrderAndChains());
    PACTO_RETURN_IF_ERROR(CheckSignaturesAndRegions());
    return ApplyEntries();
  }

  const BatchResult& counted() const { return counted_; }
  // Why ApplyEntry refused an entry, if it did: the reason is lost when the group rolls
  // back under a status of the pipeline's own.
  const std::optional<Rejection>& refused() const { return refused_; }

 private:
  // What an entry must be on its own: named, timely, well formed.
  absl::Status CheckEntry(const v1::Entry& entry) {
    if (entry.origin().empty() || entry.seq() == 0) {
      return Rejected(Rejection::kMalformed,
                      absl::InvalidArgumentError("entry: origin and seq are required"));
    }
    if (absl::Status clock = hlc_.Observe(entry.hlc()); !clock.ok()) {
      return Rejected(Rejection::kClock, absl::FailedPreconditionError(absl::StrCat(
                                             "entry ", entry.origin(), ":", entry.seq(),
                                             " refused: ", clock.message())));
    }
    if (absl::Status ops = Applier::ValidateOps(entry); !ops.ok()) {
      return Rejected(Rejection::kMalformed,
                      absl::Status(ops.code(), absl::StrCat("entry ", entry.origin(), ":",
                                                            entry.seq(), ": ", ops.message())));
    }
    return absl::OkStatus();
  }

  // Each entry in order after the ones before it; in secure mode, its values against
  // the hashes signed and its link to the one before it (entry_chain.h). Collects the
  // entries new here and each origin's last one.
  absl::Status CheckOrderAndChains() {
    VersionVector vv = ctx_.applier().version_vector();
    // origin -> the prev_hash its next entry must carry (nullopt: not checkable)
    std::map<std::string, std::optional<std::string>> chain;
    const bool secure = ctx_.applier().secure();
    for (const v1::Entry& entry : entries_) {
      PACTO_RETURN_IF_ERROR(CheckEntry(entry));
      const uint64_t have = vv.Get(entry.origin());
      if (entry.seq() > have + 1) {
        return absl::FailedPreconditionError(absl::StrCat("entry ", entry.origin(), ":",
                                                          entry.seq(), " arrived before ",
                                                          entry.origin(), ":", have + 1));
      }
      if (entry.seq() != have + 1) continue;
      vv.Set(entry.origin(), entry.seq());
      if (!secure) continue;
      PACTO_RETURN_IF_ERROR(CheckValueHashes(entry));
      auto link = chain.find(entry.origin());
      if (link == chain.end()) {
        link = chain.emplace(entry.origin(), ctx_.applier().ChainLink(entry.origin(), entry.seq()))
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
      last_[entry.origin()] = &entry;
      to_apply_.push_back(&entry);
    }
    return absl::OkStatus();
  }

  // Secure mode: one signature per origin, on its last entry, which the links tie to
  // every entry of it before (an ECDSA check costs more than applying an entry); then
  // regions, here and again in ApplyEntry, since what the entries before one in this
  // batch write is not applied yet. A region an earlier entry adds counts already: a
  // region tree replicated whole holds a region and, after it, what is written under it.
  absl::Status CheckSignaturesAndRegions() {
    std::map<std::string, std::string> regions;  // the origins' certified regions
    for (const auto& [origin, entry] : last_) {
      PACTO_ASSIGN_OR_RETURN(regions[origin], ctx_.applier().VerifyOrigin(*entry, nullptr));
    }
    std::map<std::string, std::string> pending_regions;  // code -> parent
    for (const v1::Entry* entry : to_apply_) {
      const std::string& region = regions[entry->origin()];
      PACTO_RETURN_IF_ERROR(
          ctx_.applier().CheckRegions(ctx_.txn(), *entry, region, &pending_regions));
      verified_[entry] = region;
      for (const v1::Op& op : entry->ops()) {
        v1::Region added;
        if (op.type() == v1::RECORD_TYPE_REGION && op.kind() == v1::Op::PUT && !op.redacted() &&
            added.ParseFromString(op.value())) {
          pending_regions[added.code()] = added.parent();
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status ApplyEntries() {
    for (const v1::Entry& entry : entries_) {
      bool applied = false;
      auto region = verified_.find(&entry);
      absl::Status s = ctx_.applier().ApplyEntry(
          ctx_.txn(), entry, &applied, region == verified_.end() ? nullptr : &region->second);
      if (!s.ok()) {
        absl::Status named(
            s.code(), absl::StrCat("entry ", entry.origin(), ":", entry.seq(), ": ", s.message()));
        refused_ = RejectionOf(s);
        return refused_ ? Rejected(*refused_, named) : named;
      }
      (applied ? counted_.applied : counted_.skipped)++;
    }
    return absl::OkStatus();
  }

  WriteContext& ctx_;
  HybridClock& hlc_;
  const std::vector<v1::Entry>& entries_;
  std::map<std::string, const v1::Entry*> last_;      // origin -> its last entry to apply here
  std::vector<const v1::Entry*> to_apply_;            // secure mode: the entries new here
  std::map<const v1::Entry*, std::string> verified_;  // entry -> its origin's region
  BatchResult counted_;
  std::optional<Rejection> refused_;
};

}  // namespace

absl::Status ApplyBatch(CommitPipeline& pipeline, HybridClock& hlc,
                        const std::vector<v1::Entry>& entries, const std::string& principal,
                        BatchResult* result) {
  BatchResult counted;
  std::optional<Rejection> refused;
  absl::Status status = pipeline.Execute(
      [&](WriteContext& ctx) -> absl::Status {
        BatchApplier batch(ctx, hlc, entries);
        absl::Status applied = batch.Run();
        counted = batch.counted();
        refused = batch.refused();
        return applied;
      },
      principal);
  if (result != nullptr) *result = counted;
  // A refusal after the first write rolls the group back under a status of the
  // pipeline's own: its reason is put back on it here.
  if (refused && !RejectionOf(status)) status = Rejected(*refused, status);
  return status;
}

}  // namespace pacto
