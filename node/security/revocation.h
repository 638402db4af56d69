// Token revocation records (DESIGN §6): how an operator withdraws bearer tokens with
// no central server. A revocation is a record of the registry (RECORD_TYPE_TOKEN_
// REVOCATION, message pacto.v1.TokenRevocation) written through the one apply path,
// so it is signed by its origin node, replicates like any record and is audited.
//
// Semantics:
//   - A revocation is homed in a region R: the revoking operator's token region or a
//     region below it. Only an operator whose token covers R may write it, only on a
//     node whose region covers R, and peers refuse a replicated one whose origin's
//     certified region does not cover R (region authority, DESIGN §5.9).
//   - It only ever applies to tokens whose region R covers (R itself or below it),
//     so no operator can revoke anything outside their subtree, whatever they name.
//   - By token id: the token whose TokenClaims.id is `token_id` is refused.
//   - By subject: every token of `subject` issued at or before `revoked_at` is
//     refused; a token minted for the subject later works.
//   - A revocation is never withdrawn; revoking again updates it (a subject's
//     `revoked_at` moves forward). Concurrent versions all count: any live version of
//     a revocation revokes.
//
// Ids are derived, not random: id = "rv-" + the first 24 hex digits of
// SHA-256(region "\n" kind "\n" target), kind "token" or "subject". A node checking a
// token reads, for each region of the token's region chain, the two ids that could
// revoke it: a few point reads, no scan, no cache to invalidate.
//
// Thread-safe (pure functions).
#ifndef PACTO_NODE_SECURITY_REVOCATION_H_
#define PACTO_NODE_SECURITY_REVOCATION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pacto/v1/token.pb.h"

namespace pacto {

inline constexpr absl::string_view kRevocationPrefix = "rv";
inline constexpr size_t kMaxRevocationReasonBytes = 800;  // 200 characters of UTF-8

enum class RevocationKind { kTokenId, kSubject };

// The record id of the revocation homed in `region` of `target` (a token id or a
// subject).
std::string RevocationId(absl::string_view region, RevocationKind kind, absl::string_view target);

// Checks a revocation's form: exactly one of a token id (1 to 64 lower-case hex digits)
// and a subject (IsTokenSubject), a region code, a reason of at most
// kMaxRevocationReasonBytes bytes, revoked_at > 0, and the id its content derives.
// INVALID_ARGUMENT naming the field otherwise.
absl::Status ValidateRevocation(const v1::TokenRevocation& revocation);

// A stored or replicated revocation value, decoded and validated.
absl::StatusOr<v1::TokenRevocation> ParseRevocation(absl::string_view bytes);

// Whether `revocation` withdraws the token with `claims`, region aside (the caller
// only asks revocations whose region covers the token's).
bool Revokes(const v1::TokenRevocation& revocation, const v1::TokenClaims& claims);

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_REVOCATION_H_
