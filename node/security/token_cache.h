// Tokens already verified, so that a client sending the same token on every call costs
// one Ed25519 verification (~90 µs here) instead of one per call. Keyed by the exact
// token text: only text whose signature held is ever stored, and expiry and issue time
// are checked again on every hit, so a hit answers exactly as VerifyToken would.
//
// Bounded: at kMaxEntries it starts over empty (tokens are few and long-lived; a flood
// of distinct valid tokens only costs verifications). Thread-safe.
#ifndef PACTO_NODE_SECURITY_TOKEN_CACHE_H_
#define PACTO_NODE_SECURITY_TOKEN_CACHE_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "node/security/token.h"

namespace pacto {

class TokenCache {
 public:
  static constexpr size_t kMaxEntries = 4096;

  // `key` must outlive the cache.
  explicit TokenCache(const Ed25519PublicKey* key) : key_(key) {}

  // VerifyToken(token, key, now), remembered.
  absl::StatusOr<v1::TokenClaims> Verify(absl::string_view token, absl::Time now);

 private:
  const Ed25519PublicKey* const key_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, v1::TokenClaims> verified_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_TOKEN_CACHE_H_
