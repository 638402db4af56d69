// The gRPC Replication service: node-to-node pulls, snapshots and notifications,
// translated to the ReplicationEndpoint. Uses gRPC's synchronous API: its streams are
// written with flow control, so a slow peer slows the sender instead of filling memory.
#ifndef PACTO_NODE_SERVER_REPLICATION_SERVICE_H_
#define PACTO_NODE_SERVER_REPLICATION_SERVICE_H_

#include <atomic>

#include "node/replication/endpoint.h"
#include "pacto/v1/replication.grpc.pb.h"

namespace pacto {

class ReplicationService final : public v1::Replication::Service {
 public:
  // Calls answer UNAVAILABLE until SetEndpoint; the endpoint must outlive the service.
  void SetEndpoint(ReplicationEndpoint* endpoint) { endpoint_ = endpoint; }

  grpc::Status Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                    grpc::ServerWriter<v1::PullResponse>* writer) override;
  grpc::Status Snapshot(grpc::ServerContext* context, const v1::SnapshotRequest* request,
                        grpc::ServerWriter<v1::SnapshotChunk>* writer) override;
  grpc::Status Notify(grpc::ServerContext* context, const v1::NotifyRequest* request,
                      v1::NotifyResponse* response) override;

 private:
  std::atomic<ReplicationEndpoint*> endpoint_{nullptr};
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_REPLICATION_SERVICE_H_
