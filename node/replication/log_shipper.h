// The sending side of a pull (replication.proto): finds where in this node's log the
// entries a caller lacks begin, and streams them, in log order and with values filled
// in, in batches of bounded size. Entries the caller already has (its version vector
// covers them) are skipped, so a session costs what the caller lacks, not what the
// log holds. When an entry the caller lacks is no longer in the log (truncated, or it
// reached this node by snapshot), the caller is told to take a snapshot instead.
//
// Thread-safe: each call reads its own snapshot of the database.
#ifndef PACTO_NODE_REPLICATION_LOG_SHIPPER_H_
#define PACTO_NODE_REPLICATION_LOG_SHIPPER_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "node/store/database.h"
#include "pacto/v1/replication.pb.h"

namespace pacto {

inline constexpr uint32_t kDefaultBatchBytes = 1 << 20;

struct ShipStats {
  uint64_t entries = 0;
  uint64_t batches = 0;
  uint64_t bytes = 0;  // serialized size of every message emitted
  bool snapshot_needed = false;
};

// Serves one pull. `emit` sends one message and returns false when the caller has
// gone; serving then stops with CANCELLED. `done` is filled by the caller-facing
// layer (identity, peers) and sent last, with this node's vector added.
absl::Status ShipLog(const Database& db, const v1::PullRequest& request, v1::PullDone done,
                     const std::function<bool(const v1::PullResponse&)>& emit, ShipStats* stats);

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_LOG_SHIPPER_H_
