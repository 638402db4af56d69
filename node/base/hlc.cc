#include "node/base/hlc.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace pacto {

HybridClock::HybridClock(const Clock* clock, absl::Duration max_offset)
    : clock_(clock), max_offset_(max_offset) {}

uint64_t HybridClock::Pack(int64_t millis, uint16_t logical) {
  return (static_cast<uint64_t>(millis) << 16) | logical;
}

uint64_t HybridClock::PhysicalNow() const { return Pack(absl::ToUnixMillis(clock_->Now()), 0); }

uint64_t HybridClock::Now() {
  uint64_t physical = PhysicalNow();
  absl::MutexLock lock(&mu_);
  // When physical time is ahead, take it; otherwise tick the logical counter. The
  // counter overflowing into the millisecond bits is harmless: order is preserved.
  last_ = std::max(last_ + 1, physical);
  return last_;
}

absl::Status HybridClock::Observe(uint64_t remote) {
  uint64_t physical = PhysicalNow();
  if (Millis(remote) - Millis(physical) > absl::ToInt64Milliseconds(max_offset_)) {
    return absl::FailedPreconditionError(
        absl::StrCat("timestamp is ", Millis(remote) - Millis(physical),
                     " ms ahead of this node's clock (maximum offset ",
                     absl::ToInt64Milliseconds(max_offset_), " ms)"));
  }
  absl::MutexLock lock(&mu_);
  last_ = std::max(last_, remote);
  return absl::OkStatus();
}

void HybridClock::Restore(uint64_t last) {
  absl::MutexLock lock(&mu_);
  last_ = std::max(last_, last);
}

uint64_t HybridClock::Last() const {
  absl::MutexLock lock(&mu_);
  return last_;
}

}  // namespace pacto
