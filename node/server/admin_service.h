// The gRPC Admin service: what an operator asks of their node.
#ifndef PACTO_NODE_SERVER_ADMIN_SERVICE_H_
#define PACTO_NODE_SERVER_ADMIN_SERVICE_H_

#include <functional>
#include <optional>

#include "node/admin/backup.h"
#include "node/admin/revocations.h"
#include "node/admin/status.h"
#include "node/security/call_guard.h"
#include "node/security/scope_resolver.h"
#include "pacto/v1/admin.grpc.pb.h"

namespace pacto {

class AdminService final : public v1::Admin::CallbackService {
 public:
  struct Deps {
    const Database* db = nullptr;
    // The peer directory, once replication runs (null before).
    std::function<const PeerDirectory*()> peers_provider;
    // Runs a sync round with every peer and returns the results; blocking.
    std::function<v1::SyncResponse()> sync_now;
    std::function<NodeFacts()> facts;  // called on RPC threads
    const CallGuard* guard = nullptr;
    const ScopeResolver* resolver = nullptr;  // for the audit trail
    BackupTaker* backups = nullptr;
    TokenRevocations* revocations = nullptr;
  };
  // Everything in `deps` must outlive the service.
  explicit AdminService(Deps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* c, const v1::StatusRequest* q,
                                   v1::StatusResponse* r) override;
  grpc::ServerUnaryReactor* Peers(grpc::CallbackServerContext* c, const v1::PeersRequest* q,
                                  v1::PeersResponse* r) override;
  grpc::ServerUnaryReactor* Sync(grpc::CallbackServerContext* c, const v1::SyncRequest* q,
                                 v1::SyncResponse* r) override;
  grpc::ServerUnaryReactor* Audit(grpc::CallbackServerContext* c, const v1::AuditRequest* q,
                                  v1::AuditResponse* r) override;
  grpc::ServerUnaryReactor* Backup(grpc::CallbackServerContext* c, const v1::BackupRequest* q,
                                   v1::BackupResponse* r) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* c,
                                        const v1::RevokeTokenRequest* q,
                                        v1::RevokeTokenResponse* r) override;
  grpc::ServerUnaryReactor* ListRevocations(grpc::CallbackServerContext* c,
                                            const v1::ListRevocationsRequest* q,
                                            v1::ListRevocationsResponse* r) override;

 private:
  // True when the call may go on; otherwise it has been finished with the refusal.
  bool Allowed(grpc::CallbackServerContext* c, grpc::ServerUnaryReactor* reactor,
               absl::string_view name, const google::protobuf::Message* q) const;
  // The caller when the call may go on; otherwise nullopt, the call finished.
  std::optional<Principal> Caller(grpc::CallbackServerContext* c, grpc::ServerUnaryReactor* reactor,
                                  absl::string_view name, const google::protobuf::Message* q) const;

  const Deps deps_;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_ADMIN_SERVICE_H_
