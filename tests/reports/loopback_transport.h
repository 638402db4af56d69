// The smallest replication transport that works: addresses map to ReplicationEndpoints
// in this process, each call runs the endpoint to completion on the caller's thread
// and hands its messages back one by one. No faults, no threads: for tests that need
// one node's data on another through the real pull path (pull_session.h), not a
// network.
//
// Thread-compatible; endpoints must outlive the transport.
#ifndef PACTO_TESTS_REPORTS_LOOPBACK_TRANSPORT_H_
#define PACTO_TESTS_REPORTS_LOOPBACK_TRANSPORT_H_

#include <map>
#include <memory>
#include <string>

#include "node/replication/endpoint.h"
#include "node/replication/transport.h"

namespace pacto {

class LoopbackTransport : public Transport {
 public:
  void Attach(const std::string& address, ReplicationEndpoint* endpoint) {
    endpoints_[address] = endpoint;
  }

  std::unique_ptr<Incoming<v1::PullResponse>> Pull(const std::string& address,
                                                   const v1::PullRequest& request) override;
  std::unique_ptr<Incoming<v1::SnapshotChunk>> Snapshot(
      const std::string& address, const v1::SnapshotRequest& request) override;
  absl::Status Notify(const std::string& address, const v1::NotifyRequest& request) override;

 private:
  std::map<std::string, ReplicationEndpoint*> endpoints_;
};

}  // namespace pacto

#endif  // PACTO_TESTS_REPORTS_LOOPBACK_TRANSPORT_H_
