// The node status an operator sees with `pacto node status`.
#ifndef PACTO_NODE_ADMIN_STATUS_H_
#define PACTO_NODE_ADMIN_STATUS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node/replication/peer_directory.h"
#include "node/store/database.h"
#include "pacto/v1/admin.pb.h"

namespace pacto {

struct NodeFacts {
  std::string region;
  std::string listen;
  std::string advertise;
  bool development_mode = false;
  absl::Time started;
};

// Thread-safe; reads one snapshot. `peers` may be null (no replication).
absl::StatusOr<v1::StatusResponse> BuildStatus(const Database& db, const NodeFacts& facts,
                                               const PeerDirectory* peers);

// Each known peer, with how far each side is behind the other as of the last exchange.
absl::StatusOr<v1::PeersResponse> BuildPeers(const Database& db, const PeerDirectory& peers);

}  // namespace pacto

#endif  // PACTO_NODE_ADMIN_STATUS_H_
