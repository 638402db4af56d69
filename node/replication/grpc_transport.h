// The replication transport over gRPC: one channel per peer address, kept open. A
// channel whose connection attempts failed waits a growing time (gRPC's reconnection
// backoff, up to minutes) before trying again and fails calls at once meanwhile;
// ResetBackoff ends that wait when the peer is known to be back.
#ifndef PACTO_NODE_REPLICATION_GRPC_TRANSPORT_H_
#define PACTO_NODE_REPLICATION_GRPC_TRANSPORT_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "node/replication/transport.h"
#include "pacto/v1/replication.grpc.pb.h"

namespace pacto {

class GrpcTransport : public Transport {
 public:
  struct Options {
    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
    absl::Duration pull_deadline = absl::Minutes(30);  // a large catch-up takes a while
    absl::Duration notify_deadline = absl::Seconds(1);
  };

  explicit GrpcTransport(Options options) : options_(std::move(options)) {}

  std::unique_ptr<Incoming<v1::PullResponse>> Pull(const std::string& address,
                                                   const v1::PullRequest& request) override;
  std::unique_ptr<Incoming<v1::SnapshotChunk>> Snapshot(
      const std::string& address, const v1::SnapshotRequest& request) override;
  absl::Status Notify(const std::string& address, const v1::NotifyRequest& request) override;
  void ResetBackoff(const std::string& address) override;

 private:
  v1::Replication::Stub* StubFor(const std::string& address);

  const Options options_;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::unique_ptr<v1::Replication::Stub>> stubs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_GRPC_TRANSPORT_H_
