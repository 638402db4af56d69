// The one conversion from grpc::Status to absl::Status. Abseil's status codes are
// gRPC's codes, so the code carries over unchanged and the message is kept as it is.
#ifndef PACTO_CLIENT_LIB_STATUS_FROM_GRPC_H_
#define PACTO_CLIENT_LIB_STATUS_FROM_GRPC_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace pacto {

// OK for an OK status; otherwise the same code (UNKNOWN for a code outside gRPC's
// range) and the same message.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace pacto

#endif  // PACTO_CLIENT_LIB_STATUS_FROM_GRPC_H_
