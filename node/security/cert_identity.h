// Who a certificate says its holder is. deploy/certs.sh writes the identity as a URI
// subject alternative name:
//   pacto://node/NODE_ID?region=REGION   a node of the federation
//   pacto://client/NAME                  a client (the CLI, a form server)
// A certificate carries exactly one such URI. Nodes take a peer's node id and region
// from here (its certificate, verified against the federation CA during the TLS
// handshake), never from anything the peer sends.
//
// Thread-safe (pure functions).
#ifndef PACTO_NODE_SECURITY_CERT_IDENTITY_H_
#define PACTO_NODE_SECURITY_CERT_IDENTITY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/security/auth_context.h"

namespace pacto {

struct CertIdentity {
  enum class Kind { kNode, kClient };
  Kind kind = Kind::kClient;
  std::string name;    // the node id, or the client's name
  std::string region;  // a node's home region; empty for a client
};

// Parses one identity URI. INVALID_ARGUMENT when it is not a well-formed one.
absl::StatusOr<CertIdentity> ParseIdentityUri(absl::string_view uri);

// The identity among a certificate's URI names: PERMISSION_DENIED when there is no
// pacto:// URI, or more than one.
absl::StatusOr<CertIdentity> IdentityFromUris(const std::vector<std::string>& uris);

// The URI names of a PEM certificate.
absl::StatusOr<std::vector<std::string>> CertificateUris(absl::string_view pem);

// A node's own certificate, checked at start-up: its identity, and when it expires.
struct OwnCertificate {
  CertIdentity identity;
  absl::Time not_after;
};
// Reads `cert_path` and `key_path` (PEM) and checks that the key belongs to the
// certificate, that it names a node and that it has not expired at `now`; errors are
// FAILED_PRECONDITION naming the file and what is wrong.
absl::StatusOr<OwnCertificate> ReadOwnCertificate(const std::string& cert_path,
                                                  const std::string& key_path, absl::Time now);

// The verified identity of a call's peer; UNAUTHENTICATED when the call came without
// a client certificate, PERMISSION_DENIED when the certificate names no one.
absl::StatusOr<CertIdentity> IdentityOfPeer(const grpc::AuthContext& context);

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_CERT_IDENTITY_H_
