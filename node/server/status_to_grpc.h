// absl::Status → grpc::Status, once, at the RPC edge. The codes are the same numbers.
#ifndef PACTO_NODE_SERVER_STATUS_TO_GRPC_H_
#define PACTO_NODE_SERVER_STATUS_TO_GRPC_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace pacto {

inline grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_STATUS_TO_GRPC_H_
