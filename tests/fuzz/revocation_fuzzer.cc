// Fuzz target: token revocation records as they arrive from peers and are read back
// from the database (node/security/revocation.h).
//
// Input: a serialized v1::TokenRevocation, as an op's value carries it. Whatever
// ParseRevocation accepts must validate, keep the id its content derives, survive a
// re-serialization unchanged and revoke exactly what its kind says: its own token id,
// or its subject's tokens issued up to revoked_at and none after. Every refusal is
// INVALID_ARGUMENT. Must never crash.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "node/security/revocation.h"

namespace pacto {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "revocation_fuzzer: %s\n", what.c_str());
  std::abort();
}

void Check(absl::string_view input) {
  absl::StatusOr<v1::TokenRevocation> parsed = ParseRevocation(input);
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) {
      Fail(absl::StrCat("ParseRevocation answered ", parsed.status().ToString()));
    }
    return;
  }
  const v1::TokenRevocation& r = *parsed;
  if (!ValidateRevocation(r).ok()) Fail("accepted a revocation that fails validation");
  if (!absl::StartsWith(r.id(), "rv-") || r.id().size() != 27) Fail("malformed id accepted");
  absl::StatusOr<v1::TokenRevocation> again = ParseRevocation(r.SerializeAsString());
  if (!again.ok() || again->SerializeAsString() != r.SerializeAsString()) {
    Fail("a re-serialized revocation reads differently");
  }
  v1::TokenClaims claims;
  claims.set_region(r.region());
  if (!r.token_id().empty()) {
    if (RevocationId(r.region(), RevocationKind::kTokenId, r.token_id()) != r.id()) {
      Fail("id not derived from the token id");
    }
    claims.set_id(r.token_id());
    if (!Revokes(r, claims)) Fail("does not revoke its own token id");
    claims.set_id(r.token_id() + "0");
    claims.set_subject("someone");
    if (Revokes(r, claims)) Fail("revokes another token id");
  } else {
    claims.set_subject(r.subject());
    claims.set_id("0123456789abcdef");
    claims.set_issued_at(r.revoked_at());
    if (!Revokes(r, claims)) Fail("spares a token of its subject issued at revoked_at");
    if (r.revoked_at() < INT64_MAX) {
      claims.set_issued_at(r.revoked_at() + 1);
      if (Revokes(r, claims)) Fail("revokes a token issued after it");
    }
    claims.set_issued_at(1);
    claims.set_subject(r.subject() + "x");
    if (Revokes(r, claims)) Fail("revokes another subject");
  }
}

}  // namespace
}  // namespace pacto

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pacto::Check(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
