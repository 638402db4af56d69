// A running pacto-node: its database, apply path, commit pipeline, registry, gRPC
// server (Registry, Reports, Admin, health, reflection) and HTTP endpoint, wired
// together from a NodeConfig. main() only parses flags, starts a Node and waits for
// a signal.
//
// Thread-safe.
#ifndef PACTO_NODE_SERVER_NODE_H_
#define PACTO_NODE_SERVER_NODE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "node/domain/national_id.h"
#include "pacto/v1/config.pb.h"

namespace pacto {

class AdminService;

class Node {
 public:
  // Opens the data dir and starts serving. Refuses with an operator-readable message:
  // a locked, foreign (other node id) or corrupt data dir, a port in use, bad keys, a
  // wrong encryption key (before touching the data), a certificate that disagrees
  // with --node-id or --region (node_security.h).
  static absl::StatusOr<std::unique_ptr<Node>> Start(const v1::NodeConfig& config);

  // Shuts down if still running.
  ~Node();

  // Stops taking calls, drains the ones in flight and the queued writes, flushes the
  // database. Idempotent.
  void Shutdown();

  const std::string& node_id() const;
  int grpc_port() const;
  int http_port() const;  // 0 when HTTP is off
  // The home region it runs as (its certificate's when TLS is on).
  const std::string& region() const;
  // No TLS, no authentication (node_security.h).
  bool development_mode() const;
  // Data at rest is encrypted.
  bool encrypted() const;

 private:
  struct Parts;
  struct DataDirPlan;
  explicit Node(std::unique_ptr<Parts> parts);

  // The steps of Start, in order.
  // The node's config and security settings; with TLS, its id and region from its
  // certificate.
  static absl::Status LoadIdentity(const v1::NodeConfig& flags, Parts& parts);
  // The federation key, the backup root, and a restore into the data dir if asked.
  static absl::StatusOr<DataDirPlan> PrepareDataDir(Parts& parts);
  static absl::Status OpenReplica(Parts& parts, FederationKey key);
  // The call guard, the node's event log, backups and token revocations.
  static absl::Status OpenAdministration(Parts& parts, DataDirPlan plan);
  static absl::Status BuildServices(Parts& parts);
  static std::unique_ptr<AdminService> MakeAdminService(Parts& parts);
  static absl::Status StartGrpc(Parts& parts);
  // Builds peers, transport, endpoint and syncer once the gRPC port is bound.
  static absl::Status StartReplication(Parts& parts, int bound_port);
  static absl::Status StartHttp(Parts& parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_NODE_H_
