// When a node syncs: with every known peer every --sync-interval; with a peer at
// once when it asks (Notify) or turns out to have entries this node lacks; and,
// shortly after this node commits anything, it tells its peers so that connected
// nodes see a write within a fraction of a second. A peer that fails is retried with
// exponential backoff (1 s doubling up to a bound) instead of every interval. Every
// so often it also truncates the log below what every peer has.
//
// Thread-safe. Sessions run on a few worker threads, never two with one peer at once.
#ifndef PACTO_NODE_REPLICATION_SYNCER_H_
#define PACTO_NODE_REPLICATION_SYNCER_H_

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "node/registry/replica.h"
#include "node/replication/peer_directory.h"
#include "node/replication/pull_session.h"
#include "node/replication/rejection_counts.h"
#include "node/replication/transport.h"

namespace pacto {

struct SyncerStats {
  uint64_t sessions = 0;
  uint64_t failures = 0;
  uint64_t entries_applied = 0;
  uint64_t bytes_received = 0;
  uint64_t snapshots = 0;
  uint64_t notifies_sent = 0;
  uint64_t log_entries_truncated = 0;
};

class Syncer {
 public:
  struct Options {
    absl::Duration interval = absl::Seconds(5);
    absl::Duration first_backoff = absl::Seconds(1);
    absl::Duration max_backoff = absl::Minutes(5);
    absl::Duration notify_delay = absl::Milliseconds(50);
    int workers = 3;
    SessionOptions session;
    // Log truncation (log_truncation.h): how often, and how many entries to keep even
    // when every peer has them.
    absl::Duration truncate_every = absl::Seconds(10);
    uint64_t log_retention = 1000000;
  };

  // Pointers must outlive the Syncer. Starts its threads.
  Syncer(Replica* replica, PeerDirectory* peers, Transport* transport, Options options);
  ~Syncer();

  // Pull from `address` as soon as a worker is free.
  void RequestPull(const std::string& address);
  // Something was committed here: notify peers after a short delay (coalesced).
  void LocalCommit();

  // One round with every known peer now, waiting for all of it. Returns each peer's
  // address and outcome.
  std::vector<std::pair<std::string, absl::Status>> SyncNow();

  // Stops scheduling and waits for running sessions. Idempotent.
  void Stop();

  SyncerStats stats() const;
  // What peers sent that this node refused, by reason.
  const RejectionCounts& rejections() const { return rejections_; }

 private:
  void SchedulerLoop();
  void WorkerLoop();
  absl::Status RunSession(const std::string& address);
  void NotifyPeers();
  void Truncate();
  // Whether a session with the node at `address` runs already, at any address.
  bool BusyNode(const std::string& address) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Replica* const replica_;
  PeerDirectory* const peers_;
  Transport* const transport_;
  RejectionCounts rejections_;
  const Options options_;  // options_.session counts refusals in rejections_

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, absl::Time> next_due_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> ready_ ABSL_GUARDED_BY(mu_);  // due now, waiting for a worker
  std::set<std::string> running_ ABSL_GUARDED_BY(mu_);
  absl::Time notify_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  absl::Time truncate_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  SyncerStats stats_ ABSL_GUARDED_BY(mu_);
  std::thread scheduler_;
  std::vector<std::thread> workers_;
};

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_SYNCER_H_
