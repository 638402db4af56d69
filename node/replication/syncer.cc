#include "node/replication/syncer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "node/base/log.h"
#include "node/replication/log_truncation.h"

namespace pacto {
namespace {

constexpr absl::Duration kSchedulerTick = absl::Milliseconds(20);

}  // namespace

namespace {

Syncer::Options CountingRejections(Syncer::Options options, RejectionCounts* counts) {
  options.session.rejections = counts;
  return options;
}

}  // namespace

Syncer::Syncer(Replica* replica, PeerDirectory* peers, Transport* transport, Options options)
    : replica_(replica),
      peers_(peers),
      transport_(transport),
      options_(CountingRejections(std::move(options), &rejections_)) {
  scheduler_ = std::thread([this] { SchedulerLoop(); });
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

Syncer::~Syncer() { Stop(); }

void Syncer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  scheduler_.join();
  for (std::thread& worker : workers_) worker.join();
}

void Syncer::RequestPull(const std::string& address) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || running_.count(address) ||
      std::find(ready_.begin(), ready_.end(), address) != ready_.end()) {
    return;
  }
  ready_.push_back(address);
  next_due_[address] = absl::InfiniteFuture();  // rescheduled when the session ends
}

void Syncer::LocalCommit() {
  absl::MutexLock lock(&mu_);
  if (notify_at_ == absl::InfiniteFuture()) notify_at_ = absl::Now() + options_.notify_delay;
}

SyncerStats Syncer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void Syncer::SchedulerLoop() {
  while (true) {
    bool notify = false, truncate = false;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), kSchedulerTick);
      if (stopping_) return;
      const absl::Time now = absl::Now();
      for (const v1::PeerRecord& peer : peers_->List()) {
        const std::string& address = peer.info().address();
        auto [it, added] = next_due_.try_emplace(address, now);  // a new peer: at once
        if (it->second > now || running_.count(address)) continue;
        ready_.push_back(address);
        it->second = absl::InfiniteFuture();
      }
      if (notify_at_ <= now) {
        notify = true;
        notify_at_ = absl::InfiniteFuture();
      }
      if (truncate_at_ <= now) {
        truncate = true;
        truncate_at_ = now + options_.truncate_every;
      }
    }
    if (notify) NotifyPeers();
    if (truncate) Truncate();
  }
}

void Syncer::WorkerLoop() {
  while (true) {
    std::string address;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Syncer* s)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) { return s->stopping_ || !s->ready_.empty(); },
          this));
      if (stopping_) return;
      address = ready_.front();
      ready_.erase(ready_.begin());
      if (!running_.insert(address).second) continue;
    }
    absl::Status status = RunSession(address);
    absl::MutexLock lock(&mu_);
    running_.erase(address);
    std::optional<v1::PeerRecord> peer = peers_->Get(address);
    absl::Duration wait = options_.interval;
    if (!status.ok() && peer.has_value()) {
      const int doublings = std::min<int>(20, std::max<int>(0, peer->failures() - 1));
      wait = std::min(options_.max_backoff, options_.first_backoff * (1 << doublings));
    }
    next_due_[address] = absl::Now() + wait;
  }
}

absl::Status Syncer::RunSession(const std::string& address) {
  absl::StatusOr<SessionOutcome> outcome =
      PullFrom(*replica_, *peers_, *transport_, address, options_.session);
  if (!outcome.ok()) {
    peers_->RecordFailure(address, std::string(outcome.status().message()), absl::Now());
    std::optional<v1::PeerRecord> peer = peers_->Get(address);
    // A peer's trouble is logged when it starts, not at every retry.
    if (peer.has_value() && peer->failures() == 1) {
      LogWarning("sync failed",
                 {{"peer", address}, {"error", std::string(outcome.status().message())}});
    }
  }
  absl::MutexLock lock(&mu_);
  stats_.sessions++;
  if (!outcome.ok()) {
    stats_.failures++;
    return outcome.status();
  }
  stats_.entries_applied += outcome->applied;
  stats_.bytes_received += outcome->bytes_received;
  if (outcome->snapshot_records > 0) stats_.snapshots++;
  return absl::OkStatus();
}

std::vector<std::pair<std::string, absl::Status>> Syncer::SyncNow() {
  std::vector<std::pair<std::string, absl::Status>> results;
  for (const v1::PeerRecord& peer : peers_->List()) {
    const std::string& address = peer.info().address();
    {
      absl::MutexLock lock(&mu_);
      auto free = [this, &address]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || running_.count(address) == 0;
      };
      mu_.Await(absl::Condition(&free));
      if (stopping_) break;
      running_.insert(address);
    }
    absl::Status status = RunSession(address);
    {
      absl::MutexLock lock(&mu_);
      running_.erase(address);
      next_due_[address] = absl::Now() + options_.interval;
    }
    results.emplace_back(address, std::move(status));
  }
  return results;
}

void Syncer::Truncate() {
  std::vector<VersionVector> vectors;
  for (const v1::PeerRecord& peer : peers_->List()) {
    vectors.push_back(VersionVector::FromProto(peer.their_vector()));
  }
  absl::StatusOr<TruncationResult> result = TruncateLog(*replica_, vectors, options_.log_retention);
  if (!result.ok()) {
    LogWarning("log truncation failed", {{"error", std::string(result.status().message())}});
    return;
  }
  absl::MutexLock lock(&mu_);
  stats_.log_entries_truncated += result->removed;
}

void Syncer::NotifyPeers() {
  v1::NotifyRequest request;
  *request.mutable_caller() = peers_->self();
  uint64_t sent = 0;
  for (const v1::PeerRecord& peer : peers_->List()) {
    // Peers that are failing are left to their backoff.
    if (peer.failures() > 0) continue;
    if (transport_->Notify(peer.info().address(), request).ok()) ++sent;
  }
  absl::MutexLock lock(&mu_);
  stats_.notifies_sent += sent;
}

}  // namespace pacto
