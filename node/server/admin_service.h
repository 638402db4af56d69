// The gRPC Admin service: what an operator asks of their node.
#ifndef PACTO_NODE_SERVER_ADMIN_SERVICE_H_
#define PACTO_NODE_SERVER_ADMIN_SERVICE_H_

#include <functional>

#include "node/admin/status.h"
#include "pacto/v1/admin.grpc.pb.h"

namespace pacto {

class AdminService final : public v1::Admin::CallbackService {
 public:
  // `db` must outlive the service; `facts` is called on RPC threads.
  AdminService(const Database* db, std::function<NodeFacts()> facts)
      : db_(db), facts_(std::move(facts)) {}

  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* c, const v1::StatusRequest* q,
                                   v1::StatusResponse* r) override;

 private:
  const Database* const db_;
  const std::function<NodeFacts()> facts_;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_ADMIN_SERVICE_H_
