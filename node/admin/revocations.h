// Writing and listing token revocations (node/security/revocation.h has what they
// mean). A revocation is written through the commit pipeline like any record, so it
// is durable when acknowledged, signed by this node and replicated; the caller's
// authorization (an operator whose token and node cover the revocation's region) is
// the call guard's, before Revoke is called.
//
// Thread-safe; pointers must outlive the object.
#ifndef PACTO_NODE_ADMIN_REVOCATIONS_H_
#define PACTO_NODE_ADMIN_REVOCATIONS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "node/base/clock.h"
#include "node/security/principal.h"
#include "node/security/scope_resolver.h"
#include "node/store/commit_pipeline.h"
#include "node/store/database.h"
#include "pacto/v1/admin.pb.h"

namespace pacto {

class TokenRevocations {
 public:
  using Done = std::function<void(absl::Status)>;

  TokenRevocations(const Database* db, CommitPipeline* pipeline, const ScopeResolver* resolver,
                   const Clock* clock)
      : db_(db), pipeline_(pipeline), resolver_(resolver), clock_(clock) {}

  // Writes the revocation `request` asks for, by `who`, homed in request.region or else
  // who's token region, revoked now. `done` runs once it is durable (then `out` holds
  // the record) or refused: INVALID_ARGUMENT naming the field for a bad token id,
  // subject, region or reason. Revoking the same target in the same region again
  // updates the record (a subject's revoked_at moves to now).
  void Revoke(const v1::RevokeTokenRequest& request, const Principal& who,
              v1::RevokeTokenResponse* out, Done done);

  // The revocations held here whose region `who`'s token covers (all of them in
  // development mode), ordered by region, then id.
  absl::StatusOr<v1::ListRevocationsResponse> List(const Principal& who) const;

 private:
  const Database* const db_;
  CommitPipeline* const pipeline_;
  const ScopeResolver* const resolver_;
  const Clock* const clock_;
};

}  // namespace pacto

#endif  // PACTO_NODE_ADMIN_REVOCATIONS_H_
