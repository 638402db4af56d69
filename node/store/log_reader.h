// Reading the operation log back as entries that can be shipped. The stored log keeps
// ops without values; an op's value is the version of its record that carries the
// entry's dot. When that version is gone (superseded or erased since), the op goes out
// marked redacted, and whatever replaced it follows later in this log, so a node
// that applies the whole rest of the log ends with the same record.
#ifndef PACTO_NODE_STORE_LOG_READER_H_
#define PACTO_NODE_STORE_LOG_READER_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "node/store/read_view.h"
#include "pacto/v1/log.pb.h"

namespace pacto {

// Fills in the values of `entry`'s PUT ops from the records in `view`.
absl::Status FillValues(const ReadView& view, v1::Entry* entry);

// Visits log entries from `position` on, in this node's apply order, values filled
// in: `fn(position, entry)` returns false to stop.
absl::Status ReadLog(const ReadView& view, uint64_t position,
                     const std::function<bool(uint64_t, v1::Entry&)>& fn);

// The log position of the entry written as origin:seq; false when not in the log.
absl::StatusOr<bool> FindInLog(const ReadView& view, absl::string_view origin, uint64_t seq,
                               uint64_t* position);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_LOG_READER_H_
