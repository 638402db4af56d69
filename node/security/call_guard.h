// What every RPC handler of pacto-node calls first: who is calling (authentication)
// and may they (authorization, authorizer.h), in one step.
//
// Authentication: replication methods take the node identity from the caller's
// certificate, verified by TLS against the federation CA (cert_identity.h); every
// other method needs "authorization: Bearer <token>" metadata (token.h), whatever
// certificate the client shows. Missing, malformed, forged or expired tokens are
// UNAUTHENTICATED, and so is a token revoked by a revocation record this node holds
// (revocation_check.h): "token revoked". In development mode (no TLS) every call is allowed as
// "anonymous".
//
// Denials are logged (method, principal, code; never request contents).
//
// Thread-safe; pointers given must outlive the guard.
#ifndef PACTO_NODE_SECURITY_CALL_GUARD_H_
#define PACTO_NODE_SECURITY_CALL_GUARD_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "node/base/clock.h"
#include "node/security/authorizer.h"
#include "node/security/ed25519.h"
#include "node/security/principal.h"
#include "node/security/revocation_check.h"
#include "node/security/token_cache.h"

namespace pacto {

class CallGuard {
 public:
  // Allows everything, as "anonymous".
  static std::unique_ptr<CallGuard> Development();
  // Security on: tokens checked with `token_key` and against `revocations`,
  // decisions by `authorizer`.
  static std::unique_ptr<CallGuard> Secure(Ed25519PublicKey token_key,
                                           std::unique_ptr<Authorizer> authorizer,
                                           const RevocationChecker* revocations,
                                           const Clock* clock);

  bool development() const { return !token_key_.has_value(); }

  // The caller of `method` ("/pacto.v1.Registry/EnrolMember") with `request` (null for
  // a client-streaming call), or the status to end the call with.
  absl::StatusOr<Principal> Check(const grpc::ServerContextBase& context, absl::string_view method,
                                  const google::protobuf::Message* request) const;

  // For a call that lasts (a stream): whether `who`, authenticated when it began, may
  // still go on now. A token principal's token must be neither expired nor revoked;
  // UNAUTHENTICATED ("token revoked", "token: expired at ...") otherwise. Streams ask
  // before each batch or chunk and end with the status.
  absl::Status Recheck(const Principal& who) const;

  // One ImportMembers row (see Authorizer::AuthorizeImportRow).
  absl::Status CheckImportRow(const Principal& who, const v1::ImportRow& row,
                              Authorizer::RowCache* cache) const;

 private:
  CallGuard() = default;
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context,
                                         Access access) const;

  // Constant after construction; all empty in development mode.
  std::optional<Ed25519PublicKey> token_key_;
  std::unique_ptr<TokenCache> tokens_;  // verifies with *token_key_
  std::unique_ptr<Authorizer> authorizer_;
  const RevocationChecker* revocations_ = nullptr;
  const Clock* clock_ = nullptr;
};

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_CALL_GUARD_H_
