// Reactors that end a streaming callback call at once with an error: what a handler
// returns when the call guard refuses the call before any message is exchanged.
//
// Own themselves: deleted by gRPC in OnDone.
#ifndef PACTO_NODE_SERVER_REFUSED_REACTOR_H_
#define PACTO_NODE_SERVER_REFUSED_REACTOR_H_

#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace pacto {

template <typename Response>
class RefusedWriteReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RefusedWriteReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

template <typename Request>
class RefusedReadReactor final : public grpc::ServerReadReactor<Request> {
 public:
  explicit RefusedReadReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_REFUSED_REACTOR_H_
