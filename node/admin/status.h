// The node status an operator sees with `pacto node status`.
#ifndef PACTO_NODE_ADMIN_STATUS_H_
#define PACTO_NODE_ADMIN_STATUS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node/store/database.h"
#include "pacto/v1/admin.pb.h"

namespace pacto {

struct NodeFacts {
  std::string region;
  std::string listen;
  bool development_mode = false;
  absl::Time started;
};

// Thread-safe; reads one snapshot.
absl::StatusOr<v1::StatusResponse> BuildStatus(const Database& db, const NodeFacts& facts);

}  // namespace pacto

#endif  // PACTO_NODE_ADMIN_STATUS_H_
