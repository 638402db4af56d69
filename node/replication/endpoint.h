// The serving side of replication, independent of the wire: answers a peer's pull,
// snapshot and notify. The gRPC service and the in-process test transport both call
// it. It learns each caller as a peer (one seed suffices to join) and, when a caller
// has entries this node lacks, asks for a pull back, so every session works both ways.
// A caller this node failed to reach gets a pull back too: it is reachable again, and
// its entries should not wait out the backoff of the failed attempts.
//
// Thread-safe.
#ifndef PACTO_NODE_REPLICATION_ENDPOINT_H_
#define PACTO_NODE_REPLICATION_ENDPOINT_H_

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "node/replication/log_shipper.h"
#include "node/replication/peer_directory.h"
#include "node/store/database.h"
#include "pacto/v1/replication.pb.h"

namespace pacto {

struct EndpointStats {
  std::atomic<uint64_t> pulls_served{0};
  std::atomic<uint64_t> entries_sent{0};
  std::atomic<uint64_t> bytes_sent{0};
  std::atomic<uint64_t> snapshots_served{0};
};

class ReplicationEndpoint {
 public:
  // `wants_pull(address)` is called when a caller has something this node lacks, or
  // notified that it has, or is a peer whose sessions have been failing; it should
  // schedule a pull from that address soon.
  ReplicationEndpoint(const Database* db, PeerDirectory* peers, v1::NodeInfo self,
                      std::function<void(const std::string&)> wants_pull);

  absl::Status Pull(const v1::PullRequest& request,
                    const std::function<bool(const v1::PullResponse&)>& emit);
  absl::Status Snapshot(const v1::SnapshotRequest& request,
                        const std::function<bool(const v1::SnapshotChunk&)>& emit);
  void Notify(const v1::NotifyRequest& request);

  const EndpointStats& stats() const { return stats_; }

 private:
  void Learn(const v1::NodeInfo& caller);
  // Whether this node's last session with the peer at `address` failed.
  bool Failing(const std::string& address) const;
  // The heard-from times worth telling `caller`: those that moved a minute or more
  // since it was last told (freshness is about hours; a no-op sync stays small).
  google::protobuf::Map<std::string, int64_t> HeardFor(const std::string& caller);

  const Database* const db_;
  PeerDirectory* const peers_;
  const v1::NodeInfo self_;
  const std::function<void(const std::string&)> wants_pull_;
  EndpointStats stats_;
  absl::Mutex mu_;
  std::map<std::string, std::map<std::string, int64_t>> told_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_ENDPOINT_H_
