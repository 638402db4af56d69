// Wall-clock time behind an interface, so tests can move time by hand (skew, leap
// forward) while the node uses the system clock. Implementations are thread-safe.
#ifndef PACTO_NODE_BASE_CLOCK_H_
#define PACTO_NODE_BASE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pacto {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The process's real clock. Never null; lives for the whole process.
const Clock* SystemClock();

// A clock that only moves when told to.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  void Set(absl::Time t);
  void Advance(absl::Duration d);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pacto

#endif  // PACTO_NODE_BASE_CLOCK_H_
