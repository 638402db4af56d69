// pacto-node's security settings (DESIGN §6), read and checked once at start-up from
// its configuration:
//   --tls-cert, --tls-key, --tls-ca   mutual TLS; all three or none
//   --tls-crl-dir                     revoked certificates (optional, with TLS)
//   --tls-reload-interval             how often the TLS files are read again (60s)
//   --token-pubkey                    Ed25519 public key that checks bearer tokens;
//                                     required with TLS, refused without it (tokens
//                                     would cross the network in the clear)
//   --encryption-key-file             encryption at rest (independent of the rest)
// With no TLS flags the node runs in development mode: plaintext, no authentication.
//
// In secure mode the node's id and region come from its certificate: --node-id and
// --region may be left out, and when given must agree with it, or the node refuses
// to start.
#ifndef PACTO_NODE_SECURITY_NODE_SECURITY_H_
#define PACTO_NODE_SECURITY_NODE_SECURITY_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "node/base/clock.h"
#include "node/security/call_guard.h"
#include "node/security/ed25519.h"
#include "node/security/scope_resolver.h"
#include "node/security/tls_credentials.h"
#include "node/store/entry_authenticator.h"
#include "pacto/v1/config.pb.h"

namespace pacto {

// Checks how the security flags combine, without reading any file: INVALID_ARGUMENT
// naming the flag.
absl::Status ValidateSecurityFlags(const v1::NodeConfig& config);

class NodeSecurity {
 public:
  // Reads the files the flags name and checks them (the certificate against its key
  // and against --node-id and --region, its expiry at `now`, the token key, the
  // encryption key). Errors are FAILED_PRECONDITION (or INVALID_ARGUMENT) saying
  // which flag and what to do.
  static absl::StatusOr<NodeSecurity> Load(const v1::NodeConfig& config, absl::Time now);

  bool development() const { return !tls_.has_value(); }
  bool encrypted() const { return !encryption_key_.empty(); }

  // The node id and region to run as: the certificate's in secure mode, else the
  // flags'.
  const std::string& node_id() const { return node_id_; }
  const std::string& region() const { return region_; }
  // 32 bytes, or empty for plaintext at rest.
  const std::string& encryption_key() const { return encryption_key_; }
  // When the node's certificate expires (secure mode).
  absl::Time certificate_expiry() const { return certificate_expiry_; }

  std::shared_ptr<grpc::ServerCredentials> ServerCredentials() const;
  std::shared_ptr<grpc::ChannelCredentials> PeerChannelCredentials() const;

  // Secure mode: what signs this node's entries and checks replicated ones (region
  // authority, entry_signing.h), from the TLS files. Null in development mode.
  absl::StatusOr<std::unique_ptr<EntryAuthenticator>> MakeEntryAuthenticator() const;
  // The guard every RPC handler consults. `resolver`, `revocations` and `clock` must
  // outlive it.
  std::unique_ptr<CallGuard> MakeGuard(const ScopeResolver* resolver,
                                       const RevocationChecker* revocations,
                                       const Clock* clock) const;

 private:
  NodeSecurity() = default;

  std::optional<TlsFiles> tls_;
  std::optional<Ed25519PublicKey> token_key_;
  std::string node_id_;
  std::string region_;
  std::string encryption_key_;
  absl::Time certificate_expiry_ = absl::InfiniteFuture();
};

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_NODE_SECURITY_H_
