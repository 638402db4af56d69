// One node of the simulated federation the nemesis test runs: a real Replica in its
// own data dir on a DropUnsyncedFileSystem, its own ManualClock, its PeerDirectory
// and its ReplicationEndpoint. Sessions are run by the test (nemesis_world.h), never
// by background threads.
//
// The node's clock follows the test's true time with an offset and a drift:
//   clock = true + offset + drift * (true - start)
// and a test can make it leap (a badly set clock) with Leap().
//
// Not thread-safe: driven by the test thread.
#ifndef PACTO_TESTS_NEMESIS_SIM_NODE_H_
#define PACTO_TESTS_NEMESIS_SIM_NODE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node/base/clock.h"
#include "node/registry/replica.h"
#include "node/replication/endpoint.h"
#include "node/replication/peer_directory.h"
#include "node/store/committed_state.h"
#include "tests/support/drop_unsynced_fs.h"

namespace pacto {

class SimNode {
 public:
  struct Options {
    std::string node_id;
    std::string region;
    std::string address;
    std::string path;  // the data dir
    std::vector<std::string> seeds;
    absl::Duration clock_offset;
    double clock_drift = 0;  // 0.01: gains 1% on true time
    absl::Duration max_clock_offset = absl::Minutes(5);
  };
  // Called by the endpoint with a caller's address when this node should pull from it.
  using WantsPull = std::function<void(const std::string& address)>;

  SimNode(Options options, absl::Time true_now, WantsPull wants_pull);
  ~SimNode();
  SimNode(const SimNode&) = delete;
  SimNode& operator=(const SimNode&) = delete;

  // Opens (or reopens) the replica, the peer directory and the endpoint.
  absl::Status Open();
  // A power cut: later writes vanish, the replica closes without flushing, every byte
  // that was never synced is dropped. Open() brings the node back.
  void Crash();
  // A clean shutdown.
  void Close();
  bool open() const { return replica_ != nullptr; }
  // Writes the memtables to table files (RocksDB does not flush on its own here).
  absl::Status Flush();

  // Moves the node's clock to follow `true_now`.
  void SetTrueTime(absl::Time true_now);
  // Sets the clock `d` off its course from now on (a badly set clock; negative undoes).
  // Takes effect at once, and stays for every later SetTrueTime.
  void Leap(absl::Duration d) {
    leap_ += d;
    clock_.Advance(d);
  }

  const std::string& id() const { return options_.node_id; }
  const std::string& region() const { return options_.region; }
  const std::string& address() const { return options_.address; }
  Replica& replica() { return *replica_; }
  Registry& registry() { return replica_->registry(); }
  const Database& db() const { return replica_->db(); }
  PeerDirectory& peers() { return *peers_; }
  ReplicationEndpoint* endpoint() { return endpoint_.get(); }
  ManualClock& clock() { return clock_; }
  v1::NodeInfo info() const;

  // The version vector, digest and log cursor as committed.
  CommittedState State() const;

 private:
  const Options options_;
  const absl::Time start_;
  const WantsPull wants_pull_;
  absl::Duration leap_;
  ManualClock clock_;
  std::shared_ptr<DropUnsyncedFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<Replica> replica_;
  std::unique_ptr<PeerDirectory> peers_;
  std::unique_ptr<ReplicationEndpoint> endpoint_;
};

}  // namespace pacto

#endif  // PACTO_TESTS_NEMESIS_SIM_NODE_H_
