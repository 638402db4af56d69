#include "node/security/revocation.h"

#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "node/security/token.h"

namespace pacto {
namespace {

bool IsTokenId(absl::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

}  // namespace

std::string RevocationId(absl::string_view region, RevocationKind kind, absl::string_view target) {
  const std::string text = absl::StrCat(
      region, "\n", kind == RevocationKind::kTokenId ? "token" : "subject", "\n", target);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  const std::string hex =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 12));
  return absl::StrCat(kRevocationPrefix, "-", hex);
}

absl::Status ValidateRevocation(const v1::TokenRevocation& revocation) {
  const bool by_id = !revocation.token_id().empty();
  if (by_id == !revocation.subject().empty()) {
    return absl::InvalidArgumentError("token_id: give exactly one of token_id and subject");
  }
  if (by_id && !IsTokenId(revocation.token_id())) {
    return absl::InvalidArgumentError("token_id: 1 to 64 lower-case hex digits");
  }
  if (!by_id && !IsTokenSubject(revocation.subject())) {
    return absl::InvalidArgumentError("subject: 1 to 64 letters, digits, '.', '_', '@' or '-'");
  }
  if (!IsTokenRegion(revocation.region())) {
    return absl::InvalidArgumentError("region: 1 to 16 upper-case letters, digits or '-'");
  }
  if (revocation.reason().size() > kMaxRevocationReasonBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason: at most ", kMaxRevocationReasonBytes, " bytes"));
  }
  if (revocation.revoked_at() <= 0) {
    return absl::InvalidArgumentError("revoked_at: must be a positive Unix time");
  }
  const std::string id =
      by_id ? RevocationId(revocation.region(), RevocationKind::kTokenId, revocation.token_id())
            : RevocationId(revocation.region(), RevocationKind::kSubject, revocation.subject());
  if (revocation.id() != id) {
    return absl::InvalidArgumentError("id: must be derived from region, kind and target");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::TokenRevocation> ParseRevocation(absl::string_view bytes) {
  v1::TokenRevocation revocation;
  if (!revocation.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("revocation: does not decode as a TokenRevocation");
  }
  if (absl::Status valid = ValidateRevocation(revocation); !valid.ok()) return valid;
  return revocation;
}

bool Revokes(const v1::TokenRevocation& revocation, const v1::TokenClaims& claims) {
  if (!revocation.token_id().empty()) return revocation.token_id() == claims.id();
  return revocation.subject() == claims.subject() && claims.issued_at() <= revocation.revoked_at();
}

}  // namespace pacto
