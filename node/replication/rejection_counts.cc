#include "node/replication/rejection_counts.h"

namespace pacto {

bool RejectionCounts::Count(const absl::Status& status) {
  std::optional<Rejection> reason = RejectionOf(status);
  if (!reason.has_value()) return false;
  counts_[static_cast<size_t>(*reason)].fetch_add(1, std::memory_order_relaxed);
  return true;
}

std::vector<std::pair<std::string, uint64_t>> RejectionCounts::Get() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (Rejection reason : kAllRejections) {
    out.emplace_back(std::string(RejectionName(reason)),
                     counts_[static_cast<size_t>(reason)].load(std::memory_order_relaxed));
  }
  return out;
}

}  // namespace pacto
