#include "node/server/replication_service.h"

#include "absl/strings/match.h"
#include "node/security/method_rules.h"
#include "node/server/status_to_grpc.h"

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

template <typename Request>
absl::StatusOr<ReplicationService::Admitted<Request>> ReplicationService::Admit(
    grpc::ServerContext* context, absl::string_view method, const Request& request) const {
  absl::StatusOr<v1::NodeInfo> caller = Caller(context, method, request, request.caller());
  if (!caller.ok()) return caller.status();
  ReplicationEndpoint* endpoint = endpoint_.load();
  if (endpoint == nullptr) return absl::UnavailableError("starting up");
  Admitted<Request> admitted{endpoint, request};
  *admitted.request.mutable_caller() = *std::move(caller);
  return admitted;
}

grpc::Status ReplicationService::Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                                      grpc::ServerWriter<v1::PullResponse>* writer) {
  absl::StatusOr<Admitted<v1::PullRequest>> pull = Admit(context, "Pull", *request);
  if (!pull.ok()) return ToGrpc(pull.status());
  CompressReplicationStream(context);
  return ToGrpc(pull->endpoint->Pull(pull->request, [&](const v1::PullResponse& response) {
    return !context->IsCancelled() && writer->Write(response);
  }));
}

grpc::Status ReplicationService::Snapshot(grpc::ServerContext* context,
                                          const v1::SnapshotRequest* request,
                                          grpc::ServerWriter<v1::SnapshotChunk>* writer) {
  absl::StatusOr<Admitted<v1::SnapshotRequest>> snapshot = Admit(context, "Snapshot", *request);
  if (!snapshot.ok()) return ToGrpc(snapshot.status());
  CompressReplicationStream(context);
  return ToGrpc(
      snapshot->endpoint->Snapshot(snapshot->request, [&](const v1::SnapshotChunk& chunk) {
        return !context->IsCancelled() && writer->Write(chunk);
      }));
}

grpc::Status ReplicationService::Notify(grpc::ServerContext* context,
                                        const v1::NotifyRequest* request, v1::NotifyResponse*) {
  absl::StatusOr<Admitted<v1::NotifyRequest>> notify = Admit(context, "Notify", *request);
  if (!notify.ok()) return ToGrpc(notify.status());
  notify->endpoint->Notify(notify->request);
  return grpc::Status::OK;
}

}  // namespace pacto
