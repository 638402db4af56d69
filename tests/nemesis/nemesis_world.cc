#include "tests/nemesis/nemesis_world.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace pacto {
namespace {

bool IsTransportFault(const absl::Status& s) {
  return absl::IsUnavailable(s) && absl::StartsWith(s.message(), "sim:");
}
bool IsClockRefusal(const absl::Status& s) {
  return absl::IsFailedPrecondition(s) && absl::StrContains(s.message(), "ahead of this node");
}
bool IsOrderRefusal(const absl::Status& s) {
  return absl::IsFailedPrecondition(s) && absl::StrContains(s.message(), "arrived before");
}

}  // namespace

NemesisWorld::NemesisWorld(std::string dir, uint64_t seed, absl::Time start)
    : dir_(std::move(dir)), rng_(seed), now_(start), transport_(&rng_) {}

NemesisWorld::~NemesisWorld() {
  for (auto& node : nodes_) node->Close();
}

SimNode& NemesisWorld::AddNode(SimNode::Options options) {
  if (options.path.empty()) options.path = absl::StrCat(dir_, "/", options.node_id);
  if (options.address.empty()) options.address = absl::StrCat(options.node_id, ".sim:7400");
  const std::string node_id = options.node_id;
  auto node = std::make_unique<SimNode>(std::move(options), now_,
                                        [this, node_id](const std::string& address) {
                                          if (wanted_set_.insert({node_id, address}).second)
                                            wanted_.emplace_back(node_id, address);
                                        });
  absl::Status opened = node->Open();
  EXPECT_TRUE(opened.ok()) << node_id << ": " << opened;
  transport_.Attach(node->address(), node->endpoint());
  nodes_.push_back(std::move(node));
  return *nodes_.back();
}

SimNode* NemesisWorld::Find(const std::string& key) {
  for (auto& node : nodes_) {
    if (node->id() == key || node->address() == key) return node.get();
  }
  return nullptr;
}

void NemesisWorld::Advance(absl::Duration d) {
  now_ += d;
  for (auto& node : nodes_) node->SetTrueTime(now_);
}

absl::StatusOr<SessionOutcome> NemesisWorld::Sync(SimNode& receiver, SimNode& source,
                                                  const SessionOptions& options) {
  const uint64_t swaps_before = transport_.stats().swaps;
  absl::StatusOr<SessionOutcome> outcome =
      PullFrom(receiver.replica(), receiver.peers(), transport_, source.address(), options);
  const bool swapped = transport_.stats().swaps != swaps_before;
  ++stats_.sessions;
  if (outcome.ok()) {
    stats_.entries_applied += outcome->applied;
    if (outcome->snapshot_records > 0) ++stats_.snapshots;
    EXPECT_FALSE(swapped) << receiver.id() << " accepted a session from " << source.id()
                          << " whose batches arrived swapped";
    return outcome;
  }
  ++stats_.sessions_failed;
  const absl::Status& s = outcome.status();
  if (IsClockRefusal(s)) {
    ++stats_.refused_clock;
  } else if (IsOrderRefusal(s)) {
    ++stats_.refused_out_of_order;
  } else if (!IsTransportFault(s)) {
    ADD_FAILURE() << receiver.id() << " pulling from " << source.id()
                  << ": unexpected failure: " << s;
  }
  if (swapped) {
    EXPECT_TRUE(absl::IsFailedPrecondition(s))
        << receiver.id() << " pulling from " << source.id()
        << ": batches arrived swapped, yet the session ended with " << s;
  }
  return outcome;
}

void NemesisWorld::CrashRestart(SimNode& node) {
  transport_.Detach(node.address());
  node.Crash();
  ++stats_.crashes;
  absl::Status opened = node.Open();
  ASSERT_TRUE(opened.ok()) << node.id() << " did not come back after a crash: " << opened;
  transport_.Attach(node.address(), node.endpoint());
}

absl::StatusOr<TruncationResult> NemesisWorld::Truncate(SimNode& node, uint64_t retain) {
  // What the node's syncer does (syncer.cc): every known peer's last known vector.
  std::vector<VersionVector> vectors;
  for (const v1::PeerRecord& peer : node.peers().List()) {
    vectors.push_back(VersionVector::FromProto(peer.their_vector()));
  }
  absl::StatusOr<TruncationResult> result = TruncateLog(node.replica(), vectors, retain);
  if (result.ok()) {
    ++stats_.truncations;
    stats_.entries_truncated += result->removed;
  }
  return result;
}

bool NemesisWorld::TakeWantedPull(std::string* receiver, std::string* source) {
  if (wanted_.empty()) return false;
  std::tie(*receiver, *source) = wanted_.front();
  wanted_set_.erase(wanted_.front());
  wanted_.pop_front();
  return true;
}

absl::StatusOr<int> NemesisWorld::Quiesce(const std::vector<std::pair<SimNode*, SimNode*>>& pairs,
                                          int max_rounds) {
  const SimTransport::Faults saved = transport_.faults();
  transport_.SetFaults({});
  std::string last_failures;
  for (int round = 1; round <= max_rounds; ++round) {
    bool quiet = true;
    last_failures.clear();
    for (const auto& [receiver, source] : pairs) {
      absl::StatusOr<SessionOutcome> outcome = Sync(*receiver, *source);
      if (!outcome.ok()) {
        quiet = false;
        absl::StrAppend(&last_failures, "\n  ", receiver->id(), " <- ", source->id(), ": ",
                        outcome.status().ToString());
      } else if (outcome->applied > 0 || outcome->snapshot_records > 0) {
        quiet = false;
      }
    }
    if (quiet) {
      transport_.SetFaults(saved);
      return round;
    }
  }
  transport_.SetFaults(saved);
  return absl::DeadlineExceededError(
      absl::StrCat("no quiet round after ", max_rounds, " rounds; last failures:", last_failures));
}

std::vector<std::pair<SimNode*, SimNode*>> AllPairs(const std::vector<SimNode*>& nodes) {
  std::vector<std::pair<SimNode*, SimNode*>> pairs;
  for (SimNode* a : nodes) {
    for (SimNode* b : nodes) {
      if (a != b) pairs.emplace_back(a, b);
    }
  }
  return pairs;
}

}  // namespace pacto
