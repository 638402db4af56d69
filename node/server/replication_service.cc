#include "node/server/replication_service.h"

#include "absl/strings/match.h"
#include "node/security/method_rules.h"
#include "node/server/grpc_status.h"

namespace pacto {
namespace {

// Entries and snapshot chunks repeat ids, region codes and field tags from one record
// to the next, so a shipped batch shrinks to about half under gzip. Requests and
// every other service stay uncompressed: their messages are small.
void CompressReplicationStream(grpc::ServerContext* context) {
  context->set_compression_algorithm(GRPC_COMPRESS_GZIP);
}

}  // namespace

absl::StatusOr<v1::NodeInfo> ReplicationService::Caller(grpc::ServerContext* context,
                                                        absl::string_view method,
                                                        const google::protobuf::Message& request,
                                                        const v1::NodeInfo& claimed) const {
  absl::StatusOr<Principal> who =
      guard_->Check(*context, FullMethodName("pacto.v1.Replication", method), &request);
  if (!who.ok()) return who.status();
  v1::NodeInfo caller = claimed;
  if (who->kind == Principal::Kind::kNode) {
    caller.set_node_id(who->name.substr(sizeof("node:") - 1));
    caller.set_region(who->region);
  }
  return caller;
}

grpc::Status ReplicationService::Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                                      grpc::ServerWriter<v1::PullResponse>* writer) {
  absl::StatusOr<v1::NodeInfo> caller = Caller(context, "Pull", *request, request->caller());
  if (!caller.ok()) return ToGrpc(caller.status());
  ReplicationEndpoint* endpoint = endpoint_.load();
  if (endpoint == nullptr) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting up");
  v1::PullRequest vouched = *request;
  *vouched.mutable_caller() = *std::move(caller);
  CompressReplicationStream(context);
  return ToGrpc(endpoint->Pull(vouched, [&](const v1::PullResponse& response) {
    return !context->IsCancelled() && writer->Write(response);
  }));
}

grpc::Status ReplicationService::Snapshot(grpc::ServerContext* context,
                                          const v1::SnapshotRequest* request,
                                          grpc::ServerWriter<v1::SnapshotChunk>* writer) {
  absl::StatusOr<v1::NodeInfo> caller = Caller(context, "Snapshot", *request, request->caller());
  if (!caller.ok()) return ToGrpc(caller.status());
  ReplicationEndpoint* endpoint = endpoint_.load();
  if (endpoint == nullptr) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting up");
  v1::SnapshotRequest vouched = *request;
  *vouched.mutable_caller() = *std::move(caller);
  CompressReplicationStream(context);
  return ToGrpc(endpoint->Snapshot(vouched, [&](const v1::SnapshotChunk& chunk) {
    return !context->IsCancelled() && writer->Write(chunk);
  }));
}

grpc::Status ReplicationService::Notify(grpc::ServerContext* context,
                                        const v1::NotifyRequest* request, v1::NotifyResponse*) {
  absl::StatusOr<v1::NodeInfo> caller = Caller(context, "Notify", *request, request->caller());
  if (!caller.ok()) return ToGrpc(caller.status());
  ReplicationEndpoint* endpoint = endpoint_.load();
  if (endpoint == nullptr) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting up");
  v1::NotifyRequest vouched = *request;
  *vouched.mutable_caller() = *std::move(caller);
  endpoint->Notify(vouched);
  return grpc::Status::OK;
}

}  // namespace pacto
