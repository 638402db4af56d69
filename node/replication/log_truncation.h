// Dropping the oldest log entries, so the log stays bounded. An entry goes only when
// every known peer's vector covers it (they all have it), or when the log holds more
// than `retain` entries after it (a bound for the disk; a peer that far behind takes
// a snapshot instead). Only a prefix is ever dropped, so the log stays contiguous,
// and nothing of the registry's state is touched: truncation cannot bring back a
// deleted or superseded record. Erasures are tombstones that stay for good (they hold
// no personal data), so no late write can resurrect what they erased. In secure mode
// a dropped entry that wrote a version still held is kept aside as that version's
// evidence (entry_evidence.h): snapshots must carry it.
#ifndef PACTO_NODE_REPLICATION_LOG_TRUNCATION_H_
#define PACTO_NODE_REPLICATION_LOG_TRUNCATION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "node/registry/replica.h"
#include "node/store/version_vector.h"

namespace pacto {

struct TruncationResult {
  uint64_t removed = 0;
  uint64_t oldest_position = 0;  // of the first entry left (= log_next when empty)
};

// Runs through the commit pipeline; removes at most `max_entries` per call.
absl::StatusOr<TruncationResult> TruncateLog(Replica& replica,
                                             const std::vector<VersionVector>& peer_vectors,
                                             uint64_t retain, uint64_t max_entries = 50000);

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_LOG_TRUNCATION_H_
