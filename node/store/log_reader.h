// Reading the operation log back as entries that can be shipped. The stored log keeps
// ops without values; an op's value is the version of its record that carries the
// entry's dot. When that version is gone (superseded or erased since), the op goes out
// marked redacted, and whatever replaced it follows later in this log, so a node
// that applies the rest of the log up to the replacements ends with the same record.
// Until then the receiver holds a placeholder where a value was: a shipper must not
// end a batch (the unit a receiver applies atomically) between the two.
#ifndef PACTO_NODE_STORE_LOG_READER_H_
#define PACTO_NODE_STORE_LOG_READER_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "node/store/read_view.h"
#include "pacto/v1/log.pb.h"

namespace pacto {

// Fills in the values of `entry`'s PUT ops from the records in `view`. For each op it
// had to redact, appends to `replacements` (when given) the dots of the versions its
// record holds now: what a receiver must also apply before it shows that record.
absl::Status FillValues(const ReadView& view, v1::Entry* entry,
                        std::vector<v1::Dot>* replacements = nullptr);

// Visits log entries from `position` on, in this node's apply order, values filled
// in: `fn(position, entry, replacements)` answers true to go on, false to stop, or an
// error, which ends the read and is returned.
using LogVisitor = std::function<absl::StatusOr<bool>(uint64_t, v1::Entry&,
                                                      const std::vector<v1::Dot>& replacements)>;
absl::Status ReadLogForShipping(const ReadView& view, uint64_t position, const LogVisitor& fn);

// The same without the replacements.
absl::Status ReadLog(const ReadView& view, uint64_t position,
                     const std::function<bool(uint64_t, v1::Entry&)>& fn);

// The log position of the entry written as origin:seq; false when not in the log.
absl::StatusOr<bool> FindInLog(const ReadView& view, absl::string_view origin, uint64_t seq,
                               uint64_t* position);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_LOG_READER_H_
