// Whether a verified token has been revoked, as this node's registry says now
// (revocation.h has the semantics). Every authenticated call asks it after the token
// cache (token_cache.h), so a revocation takes effect on the first call after it is
// applied here, from a local write or a sync, cached token or not; long streams ask
// again on every batch (CallGuard::Recheck).
//
// Cost: for each region of the token's region chain (at most a handful), two point
// reads of derived ids. Reads the database directly, outside any snapshot.
//
// Thread-safe; `db` and `resolver` must outlive the checker.
#ifndef PACTO_NODE_SECURITY_REVOCATION_CHECK_H_
#define PACTO_NODE_SECURITY_REVOCATION_CHECK_H_

#include "absl/status/status.h"
#include "node/security/scope_resolver.h"
#include "node/store/database.h"
#include "pacto/v1/token.pb.h"

namespace pacto {

class RevocationChecker {
 public:
  RevocationChecker(const Database* db, const ScopeResolver* resolver)
      : db_(db), resolver_(resolver) {}

  // OK when no revocation held here withdraws the token with `claims`;
  // UNAUTHENTICATED "token revoked" otherwise (INTERNAL when the reads fail).
  absl::Status Check(const v1::TokenClaims& claims) const;

 private:
  const Database* const db_;
  const ScopeResolver* const resolver_;
};

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_REVOCATION_CHECK_H_
