// How a node reaches its peers for replication: an interface, so the daemon uses
// gRPC (grpc_transport.h) while the deterministic nemesis test runs many nodes in
// one process over a transport that drops, delays and duplicates.
#ifndef PACTO_NODE_REPLICATION_TRANSPORT_H_
#define PACTO_NODE_REPLICATION_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "pacto/v1/replication.pb.h"

namespace pacto {

// Messages arriving from a peer on one call.
template <typename Message>
class Incoming {
 public:
  virtual ~Incoming() = default;
  // The next message: true with `*out` filled, false at the end of the stream, or
  // the error that broke it.
  virtual absl::StatusOr<bool> Next(Message* out) = 0;
  // Bytes received on this call so far (payload, as serialized).
  virtual uint64_t bytes_received() const = 0;
};

// Thread-safe.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::unique_ptr<Incoming<v1::PullResponse>> Pull(const std::string& address,
                                                           const v1::PullRequest& request) = 0;
  virtual std::unique_ptr<Incoming<v1::SnapshotChunk>> Snapshot(
      const std::string& address, const v1::SnapshotRequest& request) = 0;
  virtual absl::Status Notify(const std::string& address, const v1::NotifyRequest& request) = 0;
  // The peer at `address` is reachable now (it called this node, or an operator asked
  // for a sync): the next call must try it at once, not wait out a reconnection
  // backoff left from while it was unreachable. Transports without one ignore this.
  virtual void ResetBackoff(const std::string& address) { (void)address; }
};

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_TRANSPORT_H_
