#include "node/server/admin_service.h"

#include "node/admin/audit.h"
#include "node/security/method_rules.h"
#include "node/server/status_to_grpc.h"

namespace pacto {

namespace {

const grpc::Status kShuttingDown(grpc::UNAVAILABLE, "the node is shutting down");

}  // namespace

std::optional<Principal> AdminService::Allowed(grpc::CallbackServerContext* c,
                                               grpc::ServerUnaryReactor* reactor,
                                               absl::string_view name,
                                               const google::protobuf::Message* q) const {
  absl::StatusOr<Principal> who = deps_.guard->Check(*c, FullMethodName("pacto.v1.Admin", name), q);
  if (!who.ok()) {
    reactor->Finish(ToGrpc(who.status()));
    return std::nullopt;
  }
  return *std::move(who);
}

grpc::ServerUnaryReactor* AdminService::Status(grpc::CallbackServerContext* c,
                                               const v1::StatusRequest* q, v1::StatusResponse* r) {
  auto* reactor = c->DefaultReactor();
  if (!Allowed(c, reactor, "Status", q)) return reactor;
  absl::StatusOr<v1::StatusResponse> status =
      BuildStatus(*deps_.db, deps_.facts(), deps_.peers_provider());
  if (status.ok()) *r = *std::move(status);
  reactor->Finish(ToGrpc(status.status()));
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::Peers(grpc::CallbackServerContext* c,
                                              const v1::PeersRequest* q, v1::PeersResponse* r) {
  auto* reactor = c->DefaultReactor();
  if (!Allowed(c, reactor, "Peers", q)) return reactor;
  const PeerDirectory* directory = deps_.peers_provider();
  if (directory == nullptr) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  absl::StatusOr<v1::PeersResponse> peers = BuildPeers(*deps_.db, *directory);
  if (peers.ok()) *r = *std::move(peers);
  reactor->Finish(ToGrpc(peers.status()));
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::Sync(grpc::CallbackServerContext* c,
                                             const v1::SyncRequest* q, v1::SyncResponse* r) {
  auto* reactor = c->DefaultReactor();
  if (!Allowed(c, reactor, "Sync", q)) return reactor;
  if (!deps_.sync_now) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  // A round can take a while; callback threads must not block on it.
  if (!tasks_.Start([this, reactor, r] {
        *r = deps_.sync_now();
        reactor->Finish(grpc::Status::OK);
      })) {
    reactor->Finish(kShuttingDown);
  }
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::Audit(grpc::CallbackServerContext* c,
                                              const v1::AuditRequest* q, v1::AuditResponse* r) {
  auto* reactor = c->DefaultReactor();
  if (!Allowed(c, reactor, "Audit", q)) return reactor;
  absl::StatusOr<v1::AuditResponse> audit = BuildAudit(*deps_.resolver, *q);
  if (audit.ok()) *r = *std::move(audit);
  reactor->Finish(ToGrpc(audit.status()));
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::Backup(grpc::CallbackServerContext* c,
                                               const v1::BackupRequest* q, v1::BackupResponse* r) {
  auto* reactor = c->DefaultReactor();
  std::optional<Principal> who = Allowed(c, reactor, "Backup", q);
  if (!who) return reactor;
  // Copying a registry takes a while; callback threads must not block on it.
  const bool started = tasks_.Start([this, reactor, q, r, principal = who->name] {
    absl::StatusOr<BackupReport> report = deps_.backups->Take(q->dir(), principal);
    if (report.ok()) {
      r->set_dir(report->dir);
      r->set_backup_id(report->backup_id);
      r->set_size_bytes(report->size_bytes);
      r->set_files(report->files);
      r->set_backups_in_dir(report->backups_in_dir);
      r->set_node_id(report->node_id);
      r->set_encrypted(report->encrypted);
      r->set_verified(true);
      r->set_seconds(absl::ToDoubleSeconds(report->took));
    }
    reactor->Finish(ToGrpc(report.status()));
  });
  if (!started) reactor->Finish(kShuttingDown);
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::Events(grpc::CallbackServerContext* c,
                                               const v1::EventsRequest* q, v1::EventsResponse* r) {
  auto* reactor = c->DefaultReactor();
  if (!Allowed(c, reactor, "Events", q)) return reactor;
  absl::StatusOr<v1::EventsResponse> events = deps_.events->List(q->limit());
  if (events.ok()) *r = *std::move(events);
  reactor->Finish(ToGrpc(events.status()));
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::RevokeToken(grpc::CallbackServerContext* c,
                                                    const v1::RevokeTokenRequest* q,
                                                    v1::RevokeTokenResponse* r) {
  auto* reactor = c->DefaultReactor();
  std::optional<Principal> who = Allowed(c, reactor, "RevokeToken", q);
  if (!who.has_value()) return reactor;
  deps_.revocations->Revoke(*q, *who, r,
                            [reactor](absl::Status status) { reactor->Finish(ToGrpc(status)); });
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::ListRevocations(grpc::CallbackServerContext* c,
                                                        const v1::ListRevocationsRequest* q,
                                                        v1::ListRevocationsResponse* r) {
  auto* reactor = c->DefaultReactor();
  std::optional<Principal> who = Allowed(c, reactor, "ListRevocations", q);
  if (!who.has_value()) return reactor;
  absl::StatusOr<v1::ListRevocationsResponse> list = deps_.revocations->List(*who);
  if (list.ok()) *r = *std::move(list);
  reactor->Finish(ToGrpc(list.status()));
  return reactor;
}

}  // namespace pacto
