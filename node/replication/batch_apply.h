// The receiving side of a pull: entries from a peer go through the commit pipeline,
// one by one, through the same apply function as local writes. Re-delivered entries
// are skipped (the version vector covers them), so a batch may be applied twice.
// An entry stamped too far in the future by its origin's clock is refused, with the
// reason, instead of dragging this node's clock forward; the batch stops there (later
// entries of that origin depend on it). In secure mode each origin's entries in a
// batch are tied together by their hash chain and one signature, the last one's, is
// checked (entry_chain.h). A refusal's status carries its reason
// (rejection.h); the caller counts and logs it.
#ifndef PACTO_NODE_REPLICATION_BATCH_APPLY_H_
#define PACTO_NODE_REPLICATION_BATCH_APPLY_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "node/base/hlc.h"
#include "node/store/commit_pipeline.h"
#include "pacto/v1/log.pb.h"

namespace pacto {

struct BatchResult {
  uint64_t applied = 0;  // new here
  uint64_t skipped = 0;  // already here
};

// Applies `entries` in order and waits until they are durable. On error, the entries
// before the failing one are applied (and durable); `result` counts them.
absl::Status ApplyBatch(CommitPipeline& pipeline, HybridClock& hlc,
                        const std::vector<v1::Entry>& entries, const std::string& principal,
                        BatchResult* result);

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_BATCH_APPLY_H_
