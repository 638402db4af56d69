// The receiving side of one sync with one peer: pull what this node lacks (or take a
// snapshot when the peer says the log no longer holds it, then pull the rest), apply
// it through the commit pipeline, and learn the peer's identity, vector and peers.
//
// Progress is durable as it goes: each batch is committed before the next is read,
// and the version vector committed with it is where the next session starts, so an
// interrupted session resumes where it stopped, never from zero and never skipping.
#ifndef PACTO_NODE_REPLICATION_PULL_SESSION_H_
#define PACTO_NODE_REPLICATION_PULL_SESSION_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "node/registry/replica.h"
#include "node/replication/peer_directory.h"
#include "node/replication/rejection_counts.h"
#include "node/replication/transport.h"
#include "pacto/v1/replication.pb.h"

namespace pacto {

struct SessionOutcome {
  uint64_t applied = 0;  // entries new here
  uint64_t skipped = 0;  // entries already here
  uint64_t bytes_received = 0;
  uint64_t snapshot_records = 0;  // > 0 when a snapshot was taken
  v1::PullDone done;              // the peer's closing message
};

struct SessionOptions {
  uint32_t max_batch_bytes = 0;  // 0: the peer's default
  uint32_t max_chunk_bytes = 0;  // of a snapshot; 0: the peer's default
  // How many snapshot-then-pull rounds one session may take before giving up.
  int max_rounds = 3;
  // Counts what the peer sent that this node refused (rejection.h; every refusal is
  // logged too); may be null. Must outlive the call.
  RejectionCounts* rejections = nullptr;
};

// Pulls from the peer at `address`. `peers` learns the peer and its peer list.
absl::StatusOr<SessionOutcome> PullFrom(Replica& replica, PeerDirectory& peers,
                                        Transport& transport, const std::string& address,
                                        const SessionOptions& options = {});

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_PULL_SESSION_H_
