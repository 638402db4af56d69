// Fuzz target: bearer token parsing and verification (node/security/token.h).
//
// Input: one mode byte, then
//   0  the text a client sends after "Bearer ": VerifyToken with the fixed public key;
//   1  claims JSON, signed here with the fixed private key, so that the claims parser
//      and the claim checks behind the signature check are reached too;
//   2  a binary v1::TokenClaims, minted with MintToken: whatever MintToken accepts,
//      VerifyToken must accept at its issue time and return unchanged.
// Whatever VerifyToken accepts must pass ValidateTokenClaims; every refusal is
// UNAUTHENTICATED. Must never crash.
//
// The key pair below exists only for fuzzing and for the seed corpus.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/message_differencer.h"
#include "node/security/ed25519.h"
#include "node/security/token.h"
#include "tests/fuzz/fuzz_token_keys.h"

namespace pacto {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "token_fuzzer: %s\n", what.c_str());
  std::abort();
}

struct Keys {
  Keys()
      : private_key(*Ed25519PrivateKey::FromPem(kFuzzTokenPrivateKeyPem)),
        public_key(*Ed25519PublicKey::FromPem(kFuzzTokenPublicKeyPem)) {}
  Ed25519PrivateKey private_key;
  Ed25519PublicKey public_key;
};

const Keys& FixedKeys() {
  static const Keys* keys = new Keys();
  return *keys;
}

// VerifyToken with the checks every answer must pass.
absl::StatusOr<v1::TokenClaims> Verify(absl::string_view token, absl::Time now) {
  absl::StatusOr<v1::TokenClaims> claims = VerifyToken(token, FixedKeys().public_key, now);
  if (claims.ok()) {
    if (absl::Status valid = ValidateTokenClaims(*claims); !valid.ok()) {
      Fail(absl::StrCat("VerifyToken accepted claims that fail validation: ", valid.ToString()));
    }
    if (claims->expires_at() <= absl::ToUnixSeconds(now)) Fail("accepted an expired token");
  } else if (claims.status().code() != absl::StatusCode::kUnauthenticated) {
    Fail(absl::StrCat("VerifyToken answered ", claims.status().ToString()));
  }
  return claims;
}

void SignAndVerify(absl::string_view json, absl::Time now) {
  const std::string signed_part = absl::StrCat(kTokenPrefix, absl::WebSafeBase64Escape(json));
  absl::StatusOr<std::string> signature = FixedKeys().private_key.Sign(signed_part);
  if (!signature.ok()) Fail(absl::StrCat("sign: ", signature.status().ToString()));
  (void)Verify(absl::StrCat(signed_part, ".", absl::WebSafeBase64Escape(*signature)), now);
}

void MintAndVerify(const v1::TokenClaims& claims) {
  absl::StatusOr<std::string> token = MintToken(claims, FixedKeys().private_key);
  if (!token.ok()) {
    if (token.status().code() != absl::StatusCode::kInvalidArgument) {
      Fail(absl::StrCat("MintToken answered ", token.status().ToString()));
    }
    return;
  }
  if (token->size() > kMaxTokenBytes) return;  // VerifyToken refuses it, rightly
  absl::StatusOr<v1::TokenClaims> back = Verify(*token, absl::FromUnixSeconds(claims.issued_at()));
  if (!back.ok()) Fail(absl::StrCat("a minted token does not verify: ", back.status().ToString()));
  if (!google::protobuf::util::MessageDifferencer::Equals(*back, claims)) {
    Fail("a minted token's claims changed on the way");
  }
}

}  // namespace
}  // namespace pacto

// Protobuf logs every string with bad UTF-8 it meets; the fuzzer feeds it thousands.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pacto;
  if (size == 0) return 0;
  const absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const absl::Time now = absl::FromUnixSeconds(1717243200);  // 2024-06-01T12:00:00Z
  switch (data[0] % 3) {
    case 0:
      (void)Verify(rest, now);
      break;
    case 1:
      SignAndVerify(rest, now);
      break;
    case 2: {
      v1::TokenClaims claims;
      if (!claims.ParseFromArray(rest.data(), static_cast<int>(rest.size()))) break;
      claims.DiscardUnknownFields();  // a token carries the known claims only
      MintAndVerify(claims);
      break;
    }
  }
  return 0;
}
