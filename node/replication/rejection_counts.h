// Counts of replicated data this node refused, by reason (rejection.h), for the
// /metrics family pacto_replication_rejected_entries_total. A refused entry stops its
// session, and the peer offers it again at the next one: each refusal counts, so a
// rogue peer shows as a counter that keeps rising.
//
// Thread-safe.
#ifndef PACTO_NODE_REPLICATION_REJECTION_COUNTS_H_
#define PACTO_NODE_REPLICATION_REJECTION_COUNTS_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "node/store/rejection.h"

namespace pacto {

class RejectionCounts {
 public:
  // Counts `status` when it is a refusal; false otherwise.
  bool Count(const absl::Status& status);

  // Every reason with its count, zeros included, in kAllRejections order.
  std::vector<std::pair<std::string, uint64_t>> Get() const;

 private:
  std::atomic<uint64_t> counts_[kAllRejections.size()] = {};
};

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_REJECTION_COUNTS_H_
