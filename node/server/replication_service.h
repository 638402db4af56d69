// The gRPC Replication service: node-to-node pulls, snapshots and notifications,
// translated to the ReplicationEndpoint. Uses gRPC's synchronous API: its streams are
// written with flow control, so a slow peer slows the sender instead of filling memory.
#ifndef PACTO_NODE_SERVER_REPLICATION_SERVICE_H_
#define PACTO_NODE_SERVER_REPLICATION_SERVICE_H_

#include <atomic>

#include "node/replication/endpoint.h"
#include "node/security/call_guard.h"
#include "pacto/v1/replication.grpc.pb.h"

namespace pacto {

// With security on, only nodes of the federation may call (their certificates), and
// the caller's node id and region in each request are replaced by the ones its
// certificate names: the peer's own word is never taken for who it is.
class ReplicationService final : public v1::Replication::Service {
 public:
  // `guard` must outlive the service.
  explicit ReplicationService(const CallGuard* guard) : guard_(guard) {}

  // Calls answer UNAVAILABLE until SetEndpoint; the endpoint must outlive the service.
  void SetEndpoint(ReplicationEndpoint* endpoint) { endpoint_ = endpoint; }

  grpc::Status Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                    grpc::ServerWriter<v1::PullResponse>* writer) override;
  grpc::Status Snapshot(grpc::ServerContext* context, const v1::SnapshotRequest* request,
                        grpc::ServerWriter<v1::SnapshotChunk>* writer) override;
  grpc::Status Notify(grpc::ServerContext* context, const v1::NotifyRequest* request,
                      v1::NotifyResponse* response) override;

 private:
  // The caller as its certificate names it (in development mode, as it says), or the
  // refusal.
  absl::StatusOr<v1::NodeInfo> Caller(grpc::ServerContext* context, absl::string_view method,
                                      const google::protobuf::Message& request,
                                      const v1::NodeInfo& claimed) const;

  // A request admitted to be served: its caller vouched for as above, and the
  // endpoint that serves it.
  template <typename Request>
  struct Admitted {
    ReplicationEndpoint* endpoint;
    Request request;
  };
  // Checks the caller of `method` and that the node is serving; the request with its
  // caller replaced, or the status to end the call with.
  template <typename Request>
  absl::StatusOr<Admitted<Request>> Admit(grpc::ServerContext* context, absl::string_view method,
                                          const Request& request) const;

  const CallGuard* const guard_;
  std::atomic<ReplicationEndpoint*> endpoint_{nullptr};
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_REPLICATION_SERVICE_H_
