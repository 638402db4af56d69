// The replica-wide facts the apply path keeps in the metadata family, as committed:
// version vector, digest, log cursor. For status and report headers; the apply path
// itself keeps the live copies (applier.h).
#ifndef PACTO_NODE_STORE_COMMITTED_STATE_H_
#define PACTO_NODE_STORE_COMMITTED_STATE_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "node/store/digest.h"
#include "node/store/read_view.h"
#include "node/store/version_vector.h"

namespace pacto {

struct CommittedState {
  VersionVector version_vector;
  Digest digest;
  uint64_t log_next = 0;                           // position the next log entry will take
  std::map<std::string, v1::OriginState> origins;  // by origin node id
};

absl::StatusOr<CommittedState> ReadCommittedState(const ReadView& view);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_COMMITTED_STATE_H_
