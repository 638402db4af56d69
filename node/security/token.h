// Bearer tokens (DESIGN §6): minted offline with the federation's Ed25519 signing key,
// checked by any node with the public key alone, so issuing access needs no server.
//
// Wire form (ASCII, no padding, at most kMaxTokenBytes):
//   pacto1.<base64url(claims)>.<base64url(signature)>
// where `claims` is the proto3 JSON of a pacto.v1.TokenClaims with the proto's field
// names, e.g.
//   {"subject":"ana","role":"enroller","region":"LPZ","issued_at":"1764288000",
//    "expires_at":"1764374400","id":"3f9a0c1d2e4b5a69"}
// and `signature` is Ed25519 over the ASCII text "pacto1.<base64url(claims)>". Anyone
// can read a token's claims (`cut -d. -f2 | base64 -d`); only the key holder can make
// one. The CLI sends it as the gRPC metadata "authorization: Bearer <token>".
//
// Thread-safe (pure functions).
#ifndef PACTO_NODE_SECURITY_TOKEN_H_
#define PACTO_NODE_SECURITY_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "node/security/ed25519.h"
#include "pacto/v1/token.pb.h"

namespace pacto {

inline constexpr absl::string_view kTokenPrefix = "pacto1.";
inline constexpr size_t kMaxTokenBytes = 2048;
// The longest a token may live; longer ones are neither minted nor accepted.
inline constexpr absl::Duration kMaxTokenLifetime = absl::Hours(24 * 366);
// How far a token's issue time may lie in a node's future (clock skew).
inline constexpr absl::Duration kTokenClockSkew = absl::Minutes(5);

enum class Role { kOperator, kEnroller, kReporter };

// "operator", "enroller" or "reporter"; INVALID_ARGUMENT otherwise.
absl::StatusOr<Role> ParseRole(absl::string_view text);
const char* RoleName(Role role);

// Claims for a new token: `subject` (empty: "<role>-<region>"), `role`, the region code
// (upper-cased), issued `now`, expiring after `ttl`, with a random id. INVALID_ARGUMENT
// naming the field for a bad role, region, subject or ttl.
absl::StatusOr<v1::TokenClaims> NewTokenClaims(absl::string_view subject, absl::string_view role,
                                               absl::string_view region, absl::Duration ttl,
                                               absl::Time now);

// The forms ValidateTokenClaims requires: a subject of 1 to 64 letters, digits, '.',
// '_', '@' or '-'; a region code of 1 to 16 upper-case letters, digits or '-'.
bool IsTokenSubject(absl::string_view s);
bool IsTokenRegion(absl::string_view s);

// Checks the claims' form: subject, role, region, and 0 < lifetime <= kMaxTokenLifetime.
absl::Status ValidateTokenClaims(const v1::TokenClaims& claims);

// The token for `claims`, signed with `key`.
absl::StatusOr<std::string> MintToken(const v1::TokenClaims& claims, const Ed25519PrivateKey& key);

// The claims of `token` when it is well formed, signed by `key`'s pair, issued no later
// than `now` + kTokenClockSkew and not expired at `now`. Every failure is
// UNAUTHENTICATED with a short reason that never echoes the token.
absl::StatusOr<v1::TokenClaims> VerifyToken(absl::string_view token, const Ed25519PublicKey& key,
                                            absl::Time now);

// The time checks of VerifyToken alone, for claims whose signature was verified before:
// `claims` when issued no later than `now` + kTokenClockSkew and not expired at `now`.
absl::StatusOr<v1::TokenClaims> CheckTokenTimes(v1::TokenClaims claims, absl::Time now);

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_TOKEN_H_
