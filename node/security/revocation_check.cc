#include "node/security/revocation_check.h"

#include <string>
#include <vector>

#include "common/status_macros.h"
#include "node/security/revocation.h"
#include "node/store/record_io.h"

namespace pacto {

absl::Status RevocationChecker::Check(const v1::TokenClaims& claims) const {
  PACTO_ASSIGN_OR_RETURN(std::vector<std::string> chain, resolver_->RegionChain(claims.region()));
  for (const std::string& region : chain) {
    const std::string ids[] = {RevocationId(region, RevocationKind::kTokenId, claims.id()),
                               RevocationId(region, RevocationKind::kSubject, claims.subject())};
    for (const std::string& id : ids) {
      v1::RecordState state;
      PACTO_ASSIGN_OR_RETURN(bool found, ReadState(*db_, rocksdb::ReadOptions(),
                                                   v1::RECORD_TYPE_TOKEN_REVOCATION, id, &state));
      if (!found) continue;
      // Every concurrent version counts: revocations only ever widen.
      for (const v1::Version& version : state.versions()) {
        if (version.kind() != v1::Op::PUT) continue;
        absl::StatusOr<v1::TokenRevocation> revocation = ParseRevocation(version.value());
        if (revocation.ok() && revocation->region() == region && Revokes(*revocation, claims)) {
          return absl::UnauthenticatedError(
              "token revoked: ask an operator of your region for a new one");
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace pacto
