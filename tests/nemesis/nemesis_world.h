// The simulated federation the nemesis test drives: its nodes (sim_node.h), the true
// time their clocks follow, the SimTransport between them, and the sync sessions and
// crashes the test chooses. Everything runs on the test thread, in the order the test
// asks, so one seed replays exactly.
//
// Session failures are sorted: the transport's own faults (UNAVAILABLE "sim: ...")
// and the refusals the apply path must make (an out-of-order entry after a swapped
// batch, an entry stamped too far in the future) are expected and counted; anything
// else is reported as a test failure at once.
//
// Not thread-safe.
#ifndef PACTO_TESTS_NEMESIS_NEMESIS_WORLD_H_
#define PACTO_TESTS_NEMESIS_NEMESIS_WORLD_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node/replication/log_truncation.h"
#include "node/replication/pull_session.h"
#include "tests/nemesis/sim_node.h"
#include "tests/support/sim_transport.h"

namespace pacto {

class NemesisWorld {
 public:
  struct Stats {
    uint64_t sessions = 0;
    uint64_t sessions_failed = 0;
    uint64_t entries_applied = 0;
    uint64_t snapshots = 0;             // sessions that merged a snapshot
    uint64_t refused_clock = 0;         // sessions stopped at an entry from the future
    uint64_t refused_out_of_order = 0;  // sessions stopped at an out-of-order entry
    uint64_t crashes = 0;
    uint64_t truncations = 0;
    uint64_t entries_truncated = 0;
  };

  // Data dirs go under `dir`; true time starts at `start`.
  NemesisWorld(std::string dir, uint64_t seed, absl::Time start);
  ~NemesisWorld();

  // Creates, opens and attaches a node; options.path and options.address are filled
  // in from the node id when empty.
  SimNode& AddNode(SimNode::Options options);
  const std::vector<std::unique_ptr<SimNode>>& nodes() const { return nodes_; }
  SimNode* Find(const std::string& node_id_or_address);

  std::mt19937_64& rng() { return rng_; }
  uint64_t Below(uint64_t n) { return rng_() % n; }
  bool Chance(double p) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p; }
  SimTransport& transport() { return transport_; }

  absl::Time now() const { return now_; }
  // True time moves on; every node's clock follows.
  void Advance(absl::Duration d);

  // `receiver` pulls from `source` once (see the header comment for failures).
  absl::StatusOr<SessionOutcome> Sync(SimNode& receiver, SimNode& source,
                                      const SessionOptions& options = {});
  // A power cut on `node`, then a restart.
  void CrashRestart(SimNode& node);
  // Truncates `node`'s log below what every peer it knows has, keeping `retain`.
  absl::StatusOr<TruncationResult> Truncate(SimNode& node, uint64_t retain);

  // A pull an endpoint asked for (its node should pull from `source`), oldest first.
  bool TakeWantedPull(std::string* receiver, std::string* source);

  // Rounds of sessions over `pairs` (receiver, source), without faults, until one
  // round succeeds everywhere and changes nothing. Returns the rounds it took.
  absl::StatusOr<int> Quiesce(const std::vector<std::pair<SimNode*, SimNode*>>& pairs,
                              int max_rounds);

  const Stats& stats() const { return stats_; }

 private:
  const std::string dir_;
  std::mt19937_64 rng_;
  absl::Time now_;
  SimTransport transport_;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::deque<std::pair<std::string, std::string>> wanted_;
  std::set<std::pair<std::string, std::string>> wanted_set_;
  Stats stats_;
};

// All ordered pairs of distinct nodes.
std::vector<std::pair<SimNode*, SimNode*>> AllPairs(const std::vector<SimNode*>& nodes);

}  // namespace pacto

#endif  // PACTO_TESTS_NEMESIS_NEMESIS_WORLD_H_
