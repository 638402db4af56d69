#include "node/store/commit_pipeline.h"

#include <pthread.h>

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

CommitPipeline::CommitPipeline(Database* db, Applier* applier, HybridClock* hlc, const Clock* clock,
                               Options options)
    : applier_(applier),
      hlc_(hlc),
      clock_(clock),
      options_(std::move(options)),
      txns_{WriteTxn(db), WriteTxn(db)} {
  commit_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "pacto-commit");
    CommitLoop();
  });
  apply_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "pacto-apply");
    ApplyLoop();
  });
}

CommitPipeline::~CommitPipeline() { Stop(); }

void CommitPipeline::Submit(Work work, std::string principal, Done done, size_t rows) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queued_rows_ += rows;
      queue_.push_back(Item{std::move(work), std::move(principal), std::move(done), rows});
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
  if (apply_thread_.joinable()) apply_thread_.join();
  if (commit_thread_.joinable()) commit_thread_.join();
}

CommitPipeline::Stats CommitPipeline::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void CommitPipeline::FailGroup(Group& group, const absl::Status& cause) {
  for (absl::Status& result : group.results) {
    if (result.ok()) {
      result = absl::AbortedError(absl::StrCat("the write was rolled back with its commit group (",
                                               cause.message(), "); retry it"));
    }
  }
}

bool CommitPipeline::WaitForCommitSlot() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](CommitPipeline* p)
           ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return !p->committing_.has_value(); },
      this));
  bool failed = last_commit_failed_;
  last_commit_failed_ = false;
  return failed;
}

void CommitPipeline::ApplyLoop() {
  while (true) {
    Group group;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](CommitPipeline* p)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return p->stopping_ || !p->queue_.empty(); },
          this));
      if (queue_.empty()) break;  // stopping, and everything queued has been applied
      // A small queue while a group commits: let it grow until that commit ends, so
      // closed-loop writers share one sync instead of splitting into two groups. A
      // queue of many rows (import batches) is applied at once, on top of the
      // committing group: that is what keeps both cores busy during a bulk load.
      if (queued_rows_ < options_.max_group_items / 8) {
        mu_.Await(absl::Condition(
            +[](CommitPipeline* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
              return !p->committing_.has_value() ||
                     p->queued_rows_ >= p->options_.max_group_items / 8;
            },
            this));
      }
      while (!queue_.empty() && group.items.size() < options_.max_group_items) {
        queued_rows_ -= queue_.front().rows;
        group.items.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // This buffer's last group committed before the previous hand-off completed, so
    // it is free; the other buffer may still be committing and is read through.
    group.txn = &txns_[next_txn_];
    WriteTxn* previous = &txns_[1 - next_txn_];
    next_txn_ = 1 - next_txn_;
    group.txn->Clear();
    group.txn->SetParent(previous);

    std::vector<Item> rest;
    ApplyGroup(group, &rest);
    if (!rest.empty()) {
      absl::MutexLock lock(&mu_);
      for (auto it = rest.rbegin(); it != rest.rend(); ++it) {
        queued_rows_ += it->rows;
        queue_.push_front(std::move(*it));
      }
    }

    const bool previous_failed = WaitForCommitSlot();
    group.txn->SetParent(nullptr);
    if (previous_failed) {
      // This group was applied on top of writes that never reached the disk.
      FailGroup(group, absl::AbortedError("the previous commit group failed"));
      absl::Status reload = applier_->Reload();
      if (!reload.ok()) {
        LogError("cannot reload state after a failed commit",
                 {{"error", std::string(reload.message())}});
      }
      for (size_t i = 0; i < group.items.size(); ++i) group.items[i].done(group.results[i]);
      continue;
    }
    absl::MutexLock lock(&mu_);
    committing_ = std::move(group);
  }
  WaitForCommitSlot();
  absl::MutexLock lock(&mu_);
  apply_done_ = true;
}

void CommitPipeline::ApplyGroup(Group& group, std::vector<Item>* rest) {
  WriteContext ctx;
  ctx.txn_ = group.txn;
  ctx.applier_ = applier_;
  ctx.hlc_ = hlc_;
  ctx.clock_ = clock_;
  ctx.node_id_ = options_.node_id;
  ctx.node_region_ = options_.node_region;
  ctx.today_ = Today(*clock_);

  group.results.resize(group.items.size());
  absl::Status broken;
  size_t ran = 0;
  while (ran < group.items.size()) {
    Item& item = group.items[ran];
    ctx.principal_ = item.principal;
    const uint64_t writes_before = group.txn->writes();
    absl::Status s = item.work(ctx);
    if (!s.ok() && group.txn->writes() != writes_before) {
      // Validation must precede the first write; this item broke that rule (or failed
      // reading), so the group's half-applied state cannot be committed: an item's
      // writes land whole or not at all.
      broken = absl::Status(s.code(),
                            absl::StrCat("a write failed after it began applying: ", s.message()));
      group.results[ran++] = broken;
      break;
    }
    if (applier_->entry_open()) {
      absl::Status end = applier_->EndEntry(*group.txn);
      if (s.ok()) s = end;
    }
    group.results[ran++] = std::move(s);
    if (group.txn->ByteSize() > options_.max_group_bytes) break;
  }
  // Whatever did not run goes back to the head of the queue, in order.
  for (size_t i = ran; i < group.items.size(); ++i) rest->push_back(std::move(group.items[i]));
  group.items.resize(ran);
  group.results.resize(ran);

  if (broken.ok()) {
    applier_->FlushTo(*group.txn);
    return;
  }
  LogError("write group rolled back", {{"error", std::string(broken.message())}});
  {
    absl::MutexLock lock(&mu_);
    stats_.failed_commits++;
  }
  FailGroup(group, broken);
  group.txn->Clear();  // nothing of it is committed; the commit below is empty
  absl::Status reload = applier_->Reload();
  if (!reload.ok()) {
    LogError("cannot reload state after a failed write",
             {{"error", std::string(reload.message())}});
  }
}

void CommitPipeline::CommitLoop() {
  while (true) {
    Group group;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](CommitPipeline* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
            return p->committing_.has_value() || p->apply_done_;
          },
          this));
      if (!committing_.has_value()) return;
      group = std::move(*committing_);
    }
    absl::Status committed = absl::OkStatus();
    const bool wrote = group.txn->Count() > 0;
    if (wrote) committed = group.txn->Commit(options_.sync);
    if (!committed.ok()) {
      LogError("write group rolled back", {{"error", std::string(committed.message())},
                                           {"writes", absl::StrCat(group.items.size())}});
      FailGroup(group, committed);
    }
    for (size_t i = 0; i < group.items.size(); ++i)
      group.items[i].done(std::move(group.results[i]));
    absl::MutexLock lock(&mu_);
    stats_.groups++;
    stats_.items += group.items.size();
    if (!committed.ok()) {
      stats_.failed_commits++;
      last_commit_failed_ = true;
    }
    committing_.reset();
  }
}

}  // namespace pacto
