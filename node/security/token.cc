#include "node/security/token.h"

#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace pacto {
namespace {

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("token: ", why));
}

}  // namespace

bool IsTokenSubject(absl::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '@' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

bool IsTokenRegion(absl::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<Role> ParseRole(absl::string_view text) {
  if (text == "operator") return Role::kOperator;
  if (text == "enroller") return Role::kEnroller;
  if (text == "reporter") return Role::kReporter;
  return absl::InvalidArgumentError("role: must be operator, enroller or reporter");
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kOperator:
      return "operator";
    case Role::kEnroller:
      return "enroller";
    case Role::kReporter:
      return "reporter";
  }
  return "unknown";
}

absl::Status ValidateTokenClaims(const v1::TokenClaims& claims) {
  if (!IsTokenSubject(claims.subject())) {
    return absl::InvalidArgumentError("subject: 1 to 64 letters, digits, '.', '_', '@' or '-'");
  }
  if (!ParseRole(claims.role()).ok()) {
    return absl::InvalidArgumentError("role: must be operator, enroller or reporter");
  }
  if (!IsTokenRegion(claims.region())) {
    return absl::InvalidArgumentError("region: 1 to 16 upper-case letters, digits or '-'");
  }
  // Both times are checked positive before they are subtracted: signed claims may carry
  // any int64, and the difference of two of them can overflow (found by token_fuzzer).
  if (claims.issued_at() <= 0 || claims.expires_at() <= claims.issued_at() ||
      claims.expires_at() - claims.issued_at() > absl::ToInt64Seconds(kMaxTokenLifetime)) {
    return absl::InvalidArgumentError("expires_at: must lie after issued_at, by at most 366 days");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::TokenClaims> NewTokenClaims(absl::string_view subject, absl::string_view role,
                                               absl::string_view region, absl::Duration ttl,
                                               absl::Time now) {
  if (ttl <= absl::ZeroDuration() || ttl > kMaxTokenLifetime) {
    return absl::InvalidArgumentError("ttl: must be positive and at most 366 days");
  }
  v1::TokenClaims claims;
  claims.set_region(absl::AsciiStrToUpper(region));
  claims.set_role(std::string(role));
  claims.set_subject(subject.empty() ? absl::StrCat(role, "-", claims.region())
                                     : std::string(subject));
  claims.set_issued_at(absl::ToUnixSeconds(now));
  claims.set_expires_at(claims.issued_at() + absl::ToInt64Seconds(ttl));
  unsigned char id[8];
  if (RAND_bytes(id, sizeof(id)) != 1) return absl::InternalError("no randomness for a token id");
  claims.set_id(absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(id), sizeof(id))));
  if (absl::Status valid = ValidateTokenClaims(claims); !valid.ok()) return valid;
  return claims;
}

absl::StatusOr<std::string> MintToken(const v1::TokenClaims& claims, const Ed25519PrivateKey& key) {
  if (absl::Status valid = ValidateTokenClaims(claims); !valid.ok()) return valid;
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(claims, &json, options).ok()) {
    return absl::InternalError("cannot encode the token claims");
  }
  const std::string signed_part = absl::StrCat(kTokenPrefix, absl::WebSafeBase64Escape(json));
  absl::StatusOr<std::string> signature = key.Sign(signed_part);
  if (!signature.ok()) return signature.status();
  return absl::StrCat(signed_part, ".", absl::WebSafeBase64Escape(*signature));
}

absl::StatusOr<v1::TokenClaims> VerifyToken(absl::string_view token, const Ed25519PublicKey& key,
                                            absl::Time now) {
  if (token.size() > kMaxTokenBytes) return Unauthenticated("too long");
  if (!absl::StartsWith(token, kTokenPrefix)) return Unauthenticated("not a pacto token");
  const size_t dot = token.rfind('.');
  if (dot < kTokenPrefix.size()) return Unauthenticated("malformed");
  const absl::string_view signed_part = token.substr(0, dot);
  const absl::string_view payload = signed_part.substr(kTokenPrefix.size());
  if (payload.empty() || absl::StrContains(payload, '.')) return Unauthenticated("malformed");
  std::string signature;
  if (!absl::WebSafeBase64Unescape(token.substr(dot + 1), &signature) ||
      signature.size() != kEd25519SignatureBytes) {
    return Unauthenticated("malformed signature");
  }
  // Nothing of the claims is read before the signature holds.
  if (!key.Verify(signed_part, signature)) return Unauthenticated("bad signature");
  std::string json;
  if (!absl::WebSafeBase64Unescape(payload, &json)) return Unauthenticated("malformed claims");
  v1::TokenClaims claims;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (!google::protobuf::util::JsonStringToMessage(json, &claims, options).ok() ||
      !ValidateTokenClaims(claims).ok()) {
    return Unauthenticated("malformed claims");
  }
  return CheckTokenTimes(std::move(claims), now);
}

absl::StatusOr<v1::TokenClaims> CheckTokenTimes(v1::TokenClaims claims, absl::Time now) {
  const int64_t seconds = absl::ToUnixSeconds(now);
  if (claims.issued_at() > seconds + absl::ToInt64Seconds(kTokenClockSkew)) {
    return Unauthenticated("issued in the future (check the clocks)");
  }
  if (claims.expires_at() <= seconds) {
    return Unauthenticated(
        absl::StrCat("expired at ",
                     absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(claims.expires_at()),
                                      absl::UTCTimeZone())));
  }
  return claims;
}

}  // namespace pacto
