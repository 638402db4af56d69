// The commit pipeline: the one path by which writes reach the database. Work items
// submitted from RPC threads queue up; the apply thread takes all that are waiting
// (a group), runs each against one WriteTxn (each sees the ones before it), and hands
// the group to the commit thread, which writes it as one RocksDB write batch with one
// WAL sync and only then reports success to each submitter. While one group commits,
// the next one is applied on top of it (its reads see the committing group's writes),
// so applying and committing use both cores. Concurrent writers share fsyncs instead
// of queueing behind one each, and no RPC thread ever blocks on the disk.
//
// A group whose commit fails is rolled back together with the group applied on top
// of it; their writers get ABORTED and the apply path reloads its state from disk.
//
// A work item validates against the current state and then emits its ops through
// WriteContext::Emit, which applies each at once (so the next check sees it) within
// one log entry per item. Validation must come before the first Emit: an item that
// fails after emitting rolls its whole group back (the others get ABORTED).
//
// Thread-safe: Submit and Execute may be called from any thread.
#ifndef PACTO_NODE_STORE_COMMIT_PIPELINE_H_
#define PACTO_NODE_STORE_COMMIT_PIPELINE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "node/base/clock.h"
#include "node/base/hlc.h"
#include "node/store/applier.h"
#include "node/store/database.h"
#include "node/store/write_txn.h"

namespace pacto {

// What a work item sees while it runs on the pipeline thread.
class WriteContext {
 public:
  WriteTxn& txn() { return *txn_; }
  Applier& applier() { return *applier_; }
  const std::string& node_id() const { return node_id_; }
  const std::string& node_region() const { return node_region_; }
  const Clock& clock() const { return *clock_; }
  absl::CivilDay today() const { return today_; }

  // Applies `op` now as part of this item's log entry (opened on the first Emit). The
  // op supersedes every version of its record held at this moment.
  absl::Status Emit(v1::Op op);

 private:
  friend class CommitPipeline;
  WriteTxn* txn_ = nullptr;
  Applier* applier_ = nullptr;
  HybridClock* hlc_ = nullptr;
  const Clock* clock_ = nullptr;
  std::string node_id_;
  std::string node_region_;
  std::string principal_;
  absl::CivilDay today_;
};

class CommitPipeline {
 public:
  using Work = std::function<absl::Status(WriteContext&)>;
  using Done = std::function<void(absl::Status)>;

  struct Options {
    std::string node_id;
    std::string node_region;
    size_t max_group_items = 512;
    size_t max_group_bytes = 8 << 20;
    bool sync = true;  // fsync the WAL before acknowledging (always, outside benchmarks)
  };

  struct Stats {
    uint64_t groups = 0;
    uint64_t items = 0;
    uint64_t failed_commits = 0;  // groups rolled back, whatever the cause
  };

  // `db`, `applier`, `hlc` and `clock` must outlive the pipeline.
  CommitPipeline(Database* db, Applier* applier, HybridClock* hlc, const Clock* clock,
                 Options options);
  ~CommitPipeline();

  // Queues `work`; `done` runs on the pipeline thread once the work's writes are
  // durable (OK) or it failed. `principal` is recorded as the writer of its entry.
  // `rows` says how many records' worth of writes the work makes (an import batch is
  // many): a queue holding enough rows starts applying at once rather than waiting for
  // the group being committed to end. After Stop, `done` gets UNAVAILABLE at once.
  void Submit(Work work, std::string principal, Done done, size_t rows = 1);

  // Submit and wait.
  absl::Status Execute(Work work, std::string principal);

  // Runs `fn` on the pipeline thread between groups, with nothing else touching the
  // applier, and waits for it. For consistent reads of apply-path state.
  void RunExclusive(const std::function<void(Applier&)>& fn);

  // Finishes queued work, then stops the thread. Idempotent.
  void Stop();

  Stats stats() const;

 private:
  struct Item {
    Work work;
    std::string principal;
    Done done;
    size_t rows = 1;
  };

  // A group on its way through: applied, then committed.
  struct Group {
    std::vector<Item> items;
    std::vector<absl::Status> results;
    WriteTxn* txn = nullptr;
  };

  void ApplyLoop();
  void CommitLoop();
  // Runs items of `group` into its txn; returns the items that did not fit (to
  // requeue) in `rest`.
  void ApplyGroup(Group& group, std::vector<Item>* rest);
  // Waits until the commit thread is idle; returns whether its last commit failed.
  bool WaitForCommitSlot();
  static void FailGroup(Group& group, const absl::Status& cause);

  Applier* const applier_;
  HybridClock* const hlc_;
  const Clock* const clock_;
  const Options options_;
  // Two buffers: one being applied, the other being committed.
  WriteTxn txns_[2];
  int next_txn_ = 0;  // apply thread only

  mutable absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_rows_ ABSL_GUARDED_BY(mu_) = 0;  // the sum of queue_'s rows
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
  // The hand-off between the threads.
  std::optional<Group> committing_ ABSL_GUARDED_BY(mu_);
  bool last_commit_failed_ ABSL_GUARDED_BY(mu_) = false;
  bool apply_done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread apply_thread_;
  std::thread commit_thread_;
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_COMMIT_PIPELINE_H_
