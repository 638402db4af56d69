#include "node/replication/syncer.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "node/base/log.h"
#include "node/replication/log_truncation.h"

namespace pacto {
namespace {

constexpr absl::Duration kSchedulerTick = absl::Milliseconds(20);

// Whether `a` is a better address than `b` for the same node: fewer failures since
// it last worked, then the one that worked last, then (for a stable choice) the first.
bool BetterAddress(const v1::PeerRecord& a, const v1::PeerRecord& b) {
  if (a.failures() != b.failures()) return a.failures() < b.failures();
  if (a.last_success_ms() != b.last_success_ms()) return a.last_success_ms() > b.last_success_ms();
  return a.info().address() < b.info().address();
}

// The addresses to pull from: one per node. A node known at two addresses (the name
// an operator configured and the address it advertises, say) ran a session at each,
// and its entries travelled twice.
std::set<std::string> OneAddressPerNode(const std::vector<v1::PeerRecord>& peers) {
  std::map<std::string, const v1::PeerRecord*> best;  // by node id
  std::set<std::string> addresses;
  for (const v1::PeerRecord& peer : peers) {
    const std::string& node = peer.info().node_id();
    if (node.empty()) {
      addresses.insert(peer.info().address());  // not yet reached: no id to compare
      continue;
    }
    auto [it, added] = best.try_emplace(node, &peer);
    if (!added && BetterAddress(peer, *it->second)) it->second = &peer;
  }
  for (const auto& [node, peer] : best) addresses.insert(peer->info().address());
  return addresses;
}

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
  // Asked for by a peer that just reached this node: it is back, whatever the last
  // attempts to reach it said.
  transport_->ResetBackoff(address);
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
      const std::vector<v1::PeerRecord> peers = peers_->List();
      const std::set<std::string> chosen = OneAddressPerNode(peers);
      for (const v1::PeerRecord& peer : peers) {
        const std::string& address = peer.info().address();
        if (chosen.count(address) == 0) continue;
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
      // One session per node at a time, whichever address asked for it.
      if (BusyNode(address)) {
        next_due_[address] = absl::Now() + options_.interval;
        continue;
      }
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

bool Syncer::BusyNode(const std::string& address) const {
  std::optional<v1::PeerRecord> peer = peers_->Get(address);
  if (!peer.has_value() || peer->info().node_id().empty()) return false;
  for (const std::string& running : running_) {
    std::optional<v1::PeerRecord> other = peers_->Get(running);
    if (other.has_value() && other->info().node_id() == peer->info().node_id()) return true;
  }
  return false;
}

std::vector<std::pair<std::string, absl::Status>> Syncer::SyncNow() {
  std::vector<std::pair<std::string, absl::Status>> results;
  const std::vector<v1::PeerRecord> peers = peers_->List();
  const std::set<std::string> chosen = OneAddressPerNode(peers);
  for (const v1::PeerRecord& peer : peers) {
    const std::string& address = peer.info().address();
    if (chosen.count(address) == 0) continue;
    {
      absl::MutexLock lock(&mu_);
      auto free = [this, &address]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || (running_.count(address) == 0 && !BusyNode(address));
      };
      mu_.Await(absl::Condition(&free));
      if (stopping_) break;
      running_.insert(address);
    }
    transport_->ResetBackoff(address);  // asked for now: not after a reconnection backoff
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
