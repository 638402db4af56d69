// The gRPC Admin service: what an operator asks of their node.
//
// Sync and Backup run on threads the service owns (TaskThreads), not on gRPC's
// callback threads; StopTasks() joins them, and the node calls it after the server
// has shut down, before anything those threads use is freed.
#ifndef PACTO_NODE_SERVER_ADMIN_SERVICE_H_
#define PACTO_NODE_SERVER_ADMIN_SERVICE_H_

#include <functional>
#include <optional>

#include "node/admin/admin_events.h"
#include "node/admin/backup.h"
#include "node/admin/revocations.h"
#include "node/admin/status.h"
#include "node/base/task_threads.h"
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
    const AdminEventLog* events = nullptr;
    TokenRevocations* revocations = nullptr;
  };
  // Everything in `deps` must outlive the service.
  explicit AdminService(Deps deps) : deps_(std::move(deps)) {}
  // Joins the task threads.
  ~AdminService() override { StopTasks(); }

  // Refuses new Sync and Backup calls (UNAVAILABLE) and waits for those running.
  void StopTasks() { tasks_.Stop(); }

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
  grpc::ServerUnaryReactor* Events(grpc::CallbackServerContext* c, const v1::EventsRequest* q,
                                   v1::EventsResponse* r) override;

  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* c,
                                        const v1::RevokeTokenRequest* q,
                                        v1::RevokeTokenResponse* r) override;
  grpc::ServerUnaryReactor* ListRevocations(grpc::CallbackServerContext* c,
                                            const v1::ListRevocationsRequest* q,
                                            v1::ListRevocationsResponse* r) override;

 private:
  // The caller when the call may go on; otherwise nullopt, and the call has been
  // finished with the refusal.
  std::optional<Principal> Allowed(grpc::CallbackServerContext* c,
                                   grpc::ServerUnaryReactor* reactor, absl::string_view name,
                                   const google::protobuf::Message* q) const;

  const Deps deps_;
  TaskThreads tasks_;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_ADMIN_SERVICE_H_
