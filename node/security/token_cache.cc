#include "node/security/token_cache.h"

#include <optional>

namespace pacto {

absl::StatusOr<v1::TokenClaims> TokenCache::Verify(absl::string_view token, absl::Time now) {
  std::optional<v1::TokenClaims> known;
  {
    absl::MutexLock lock(&mu_);
    auto it = verified_.find(token);
    if (it != verified_.end()) known = it->second;
  }
  if (!known.has_value()) {
    absl::StatusOr<v1::TokenClaims> claims = VerifyToken(token, *key_, now);
    if (!claims.ok()) return claims;
    absl::MutexLock lock(&mu_);
    if (verified_.size() >= kMaxEntries) verified_.clear();
    verified_.emplace(std::string(token), *claims);
    return claims;
  }
  // The signature held when it was stored; the times depend on `now`.
  return CheckTokenTimes(*std::move(known), now);
}

}  // namespace pacto
