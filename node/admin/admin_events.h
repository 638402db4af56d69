// This node's administrative events: every backup asked of it (successful or not) and
// every restore it started from, with who, when, which name and the outcome. It is
// the audit trail of what operators did to the node itself, shown by
// `pacto node events` (Admin.Events).
//
// Why a node-local log and not `pacto audit`: `pacto audit` is the history of
// replicated records. A backup is no record: it is about one machine's disk (its
// path means something only there), a refused attempt changes nothing in the
// registry, and writing it through the commit pipeline would give every node of the
// federation a signed, replicated log entry about another node's filesystem. So the
// events live in this node's metadata family, beside its peer directory:
//
//   default  "admin_event/" + sequence (u64 BE) → pacto.v1.AdminEvent
//
// The newest kKept are kept; each is written synchronously before the caller hears
// the outcome. They travel with the data dir: a backup carries the events before it,
// and a node restored from it starts with them (and then records its restore).
// Readable by operators of the node's region (the Admin.Events access rule, like
// Backup's). Events hold principals, names and outcomes, never person data.
//
// Thread-safe.
#ifndef PACTO_NODE_ADMIN_ADMIN_EVENTS_H_
#define PACTO_NODE_ADMIN_ADMIN_EVENTS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "node/store/database.h"
#include "pacto/v1/admin.pb.h"

namespace pacto {

class AdminEventLog {
 public:
  static constexpr uint64_t kKept = 1000;
  // What List returns when asked for 0.
  static constexpr uint32_t kDefaultLimit = 100;

  // Finds the newest event of `db`, which must outlive the log.
  static absl::StatusOr<std::unique_ptr<AdminEventLog>> Open(const Database* db);

  // Stores `event`, stamped now (its time is overwritten), its name made printable
  // and cut to 256 bytes; drops the event that falls out of the newest kKept.
  absl::Status Record(v1::AdminEvent event) ABSL_LOCKS_EXCLUDED(mu_);

  // The newest `limit` events (kDefaultLimit when 0), newest first.
  absl::StatusOr<v1::EventsResponse> List(uint32_t limit) const;

 private:
  AdminEventLog(const Database* db, uint64_t next) : db_(db), next_(next) {}

  const Database* const db_;
  absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_);  // the sequence of the next event
};

}  // namespace pacto

#endif  // PACTO_NODE_ADMIN_ADMIN_EVENTS_H_
