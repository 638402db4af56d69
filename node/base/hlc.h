// A hybrid logical clock (Kulkarni et al.): timestamps that follow physical time when
// clocks agree and still order causally related events when they do not.
//
// A timestamp packs milliseconds since the Unix epoch into the high 48 bits and a
// logical counter into the low 16 bits, so plain integer comparison orders them.
// Thread-safe.
#ifndef PACTO_NODE_BASE_HLC_H_
#define PACTO_NODE_BASE_HLC_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "node/base/clock.h"

namespace pacto {

class HybridClock {
 public:
  // `clock` must outlive this object. Remote timestamps more than `max_offset` ahead
  // of the local physical clock are refused by Observe().
  HybridClock(const Clock* clock, absl::Duration max_offset);

  // A timestamp for a local event, greater than every timestamp returned or observed.
  uint64_t Now();

  // Merges a timestamp received from another node, so later local events order after
  // it. Refuses (FAILED_PRECONDITION, naming the offset) a timestamp too far in the
  // future instead of dragging this clock forward with it.
  absl::Status Observe(uint64_t remote);

  // Raises the clock to at least `last`; used at start-up with the newest timestamp
  // found in the operation log, so a clock set back across a restart cannot reuse one.
  void Restore(uint64_t last);

  uint64_t Last() const;

  static uint64_t Pack(int64_t millis, uint16_t logical);
  static int64_t Millis(uint64_t hlc) { return static_cast<int64_t>(hlc >> 16); }
  static absl::Time ToTime(uint64_t hlc) { return absl::FromUnixMillis(Millis(hlc)); }

 private:
  uint64_t PhysicalNow() const;

  const Clock* const clock_;
  const absl::Duration max_offset_;
  mutable absl::Mutex mu_;
  uint64_t last_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace pacto

#endif  // PACTO_NODE_BASE_HLC_H_
