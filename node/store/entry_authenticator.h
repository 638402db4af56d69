// Region authority's hook into the apply path (DESIGN §5, invariant 9). In secure mode
// every entry is signed by its origin node and every node checks the signature, and
// that the origin's certified region covers each op's home region, before applying
// or forwarding it. The store only calls this interface; node/security/entry_signing.h
// implements it with the node's certificate and the federation CA.
//
// Thread-safe: implementations are called from the apply thread and from sessions.
#ifndef PACTO_NODE_STORE_ENTRY_AUTHENTICATOR_H_
#define PACTO_NODE_STORE_ENTRY_AUTHENTICATOR_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pacto/v1/log.pb.h"

namespace pacto {

class EntryAuthenticator {
 public:
  virtual ~EntryAuthenticator() = default;

  // Signs an entry this node wrote (ops' value hashes and prev_hash already set).
  virtual absl::Status Sign(v1::Entry* entry) const = 0;

  // Checks a replicated entry's signature and value hashes against its origin's
  // certificate; returns the origin's certified home region. PERMISSION_DENIED when
  // the origin's certificate is unknown or the signature does not check.
  virtual absl::StatusOr<std::string> Verify(const v1::Entry& entry) const = 0;

  // Learns a node's certificate (PEM) after checking it against the federation CA
  // and revocations; returns the node id it certifies.
  virtual absl::StatusOr<std::string> AddCertificate(absl::string_view pem) = 0;

  // The PEM certificate of `origin`, when known.
  virtual std::optional<std::string> Certificate(const std::string& origin) const = 0;
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_ENTRY_AUTHENTICATOR_H_
