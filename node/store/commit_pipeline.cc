#include "node/store/commit_pipeline.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "node/base/log.h"
#include "node/domain/dates.h"

namespace pacto {

absl::Status WriteContext::Emit(v1::Op op) {
  if (!applier_->entry_open()) {
    v1::Entry header;
    header.set_origin(node_id_);
    header.set_seq(applier_->version_vector().Get(node_id_) + 1);
    header.set_hlc(hlc_->Now());
    header.set_origin_region(node_region_);
    header.set_principal(principal_);
    absl::StatusOr<bool> opened = applier_->BeginEntry(*txn_, header);
    if (!opened.ok()) return opened.status();
    if (!*opened) return absl::InternalError("local sequence number already applied");
  }
  return applier_->ApplyOp(*txn_, std::move(op), Applier::Origin::kLocal);
}

CommitPipeline::CommitPipeline(Database* db, Applier* applier, HybridClock* hlc,
                               const Clock* clock, Options options)
    : db_(db),
      applier_(applier),
      hlc_(hlc),
      clock_(clock),
      options_(std::move(options)),
      txn_(db),
      thread_([this] { Loop(); }) {}

CommitPipeline::~CommitPipeline() { Stop(); }

void CommitPipeline::Submit(Work work, std::string principal, Done done) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(work), std::move(principal), std::move(done)});
      return;
    }
  }
  done(absl::UnavailableError("the node is shutting down"));
}

absl::Status CommitPipeline::Execute(Work work, std::string principal) {
  absl::Notification finished;
  absl::Status result;
  Submit(std::move(work), std::move(principal), [&](absl::Status s) {
    result = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

void CommitPipeline::RunExclusive(const std::function<void(Applier&)>& fn) {
  absl::Status ignored = Execute(
      [&fn](WriteContext& ctx) {
        fn(ctx.applier());
        return absl::OkStatus();
      },
      "");
  (void)ignored;
}

void CommitPipeline::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

CommitPipeline::Stats CommitPipeline::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void CommitPipeline::Loop() {
  std::vector<Item> group;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](CommitPipeline* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
            return p->stopping_ || !p->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // stopping, and everything queued is done
      while (!queue_.empty() && group.size() < options_.max_group_items) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunGroup(group);
    group.clear();
  }
}

void CommitPipeline::RunGroup(std::vector<Item>& group) {
  txn_.Clear();
  WriteContext ctx;
  ctx.txn_ = &txn_;
  ctx.applier_ = applier_;
  ctx.hlc_ = hlc_;
  ctx.clock_ = clock_;
  ctx.node_id_ = options_.node_id;
  ctx.node_region_ = options_.node_region;
  ctx.today_ = Today(*clock_);

  std::vector<absl::Status> results(group.size());
  absl::Status group_failure;
  size_t ran = 0;
  for (; ran < group.size(); ++ran) {
    Item& item = group[ran];
    ctx.principal_ = item.principal;
    absl::Status s = item.work(ctx);
    if (applier_->entry_open()) {
      if (!s.ok() && applier_->open_ops() > 0) {
        // Validation must precede the first Emit; this item broke that rule, so the
        // group's half-applied state cannot be committed.
        group_failure = absl::InternalError(
            absl::StrCat("a write failed after it began applying: ", s.message()));
        results[ran] = group_failure;
        ++ran;
        break;
      }
      absl::Status end = applier_->EndEntry(txn_);
      if (s.ok()) s = end;
    }
    results[ran] = std::move(s);
    if (txn_.ByteSize() > options_.max_group_bytes && ran + 1 < group.size()) {
      // Too big for one batch: commit what ran and requeue the rest at the front.
      ++ran;
      break;
    }
  }

  if (group_failure.ok()) {
    applier_->FlushTo(txn_);
    group_failure = txn_.Commit(options_.sync);
  }
  if (!group_failure.ok()) {
    LogError("write group rolled back", {{"error", std::string(group_failure.message())},
                                          {"writes", absl::StrCat(ran)}});
    absl::Status reload = applier_->Reload();
    if (!reload.ok()) {
      LogError("cannot reload state after a failed commit",
               {{"error", std::string(reload.message())}});
    }
    for (size_t i = 0; i < ran; ++i) {
      if (results[i].ok()) {
        results[i] = absl::AbortedError(absl::StrCat(
            "the write was rolled back with its commit group (", group_failure.message(),
            "); retry it"));
      }
    }
  }
  txn_.Clear();

  {
    absl::MutexLock lock(&mu_);
    stats_.groups++;
    stats_.items += ran;
    if (!group_failure.ok()) stats_.failed_commits++;
    // Whatever did not run goes back to the head of the queue, in order.
    for (size_t i = group.size(); i > ran; --i) queue_.push_front(std::move(group[i - 1]));
  }
  for (size_t i = 0; i < ran; ++i) group[i].done(std::move(results[i]));
}

}  // namespace pacto
