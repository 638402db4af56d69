#include "node/server/replication_service.h"

#include "node/server/grpc_status.h"

namespace pacto {

grpc::Status ReplicationService::Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                                      grpc::ServerWriter<v1::PullResponse>* writer) {
  ReplicationEndpoint* endpoint = endpoint_.load();
  if (endpoint == nullptr) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting up");
  return ToGrpc(endpoint->Pull(*request, [&](const v1::PullResponse& response) {
    return !context->IsCancelled() && writer->Write(response);
  }));
}

grpc::Status ReplicationService::Snapshot(grpc::ServerContext* context,
                                          const v1::SnapshotRequest* request,
                                          grpc::ServerWriter<v1::SnapshotChunk>* writer) {
  ReplicationEndpoint* endpoint = endpoint_.load();
  if (endpoint == nullptr) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting up");
  return ToGrpc(endpoint->Snapshot(*request, [&](const v1::SnapshotChunk& chunk) {
    return !context->IsCancelled() && writer->Write(chunk);
  }));
}

grpc::Status ReplicationService::Notify(grpc::ServerContext*, const v1::NotifyRequest* request,
                                        v1::NotifyResponse*) {
  ReplicationEndpoint* endpoint = endpoint_.load();
  if (endpoint == nullptr) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting up");
  endpoint->Notify(*request);
  return grpc::Status::OK;
}

}  // namespace pacto
