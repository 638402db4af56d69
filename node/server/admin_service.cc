#include "node/server/admin_service.h"

#include "node/server/grpc_status.h"

namespace pacto {

grpc::ServerUnaryReactor* AdminService::Status(grpc::CallbackServerContext* c,
                                               const v1::StatusRequest*, v1::StatusResponse* r) {
  auto* reactor = c->DefaultReactor();
  absl::StatusOr<v1::StatusResponse> status = BuildStatus(*db_, facts_());
  if (status.ok()) *r = *std::move(status);
  reactor->Finish(ToGrpc(status.status()));
  return reactor;
}

}  // namespace pacto
