// Bearer tokens (node/security/token.h): what a mint makes, a node accepts; every way
// of getting one wrong is UNAUTHENTICATED.
#include "node/security/token.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "node/security/token_cache.h"

namespace pacto {
namespace {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

KeyPair NewKeyPair() {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  EVP_PKEY_keygen_init(ctx);
  EVP_PKEY_keygen(ctx, &key);
  EVP_PKEY_CTX_free(ctx);
  KeyPair pair;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  pair.private_pem = BioText(bio);
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  pair.public_pem = BioText(bio);
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pair;
}

class TokenTest : public ::testing::Test {
 protected:
  TokenTest()
      : pair_(NewKeyPair()),
        private_(*Ed25519PrivateKey::FromPem(pair_.private_pem)),
        public_(*Ed25519PublicKey::FromPem(pair_.public_pem)) {}

  std::string Mint(absl::string_view role = "enroller", absl::Duration ttl = absl::Hours(1),
                   absl::Time now = kNow) {
    absl::StatusOr<v1::TokenClaims> claims = NewTokenClaims("ana", role, "lpz", ttl, now);
    EXPECT_TRUE(claims.ok()) << claims.status();
    absl::StatusOr<std::string> token = MintToken(*claims, private_);
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
  }
  void ExpectRefused(absl::string_view token, absl::Time now = kNow) {
    absl::StatusOr<v1::TokenClaims> claims = VerifyToken(token, public_, now);
    ASSERT_FALSE(claims.ok()) << token;
    EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated) << claims.status();
    if (token.size() > 30) {
      EXPECT_FALSE(absl::StrContains(claims.status().message(), token.substr(10, 20)))
          << "the error echoes the token";
    }
  }

  static constexpr absl::Time kNow = absl::FromUnixSeconds(1800000000);
  KeyPair pair_;
  Ed25519PrivateKey private_;
  Ed25519PublicKey public_;
};

TEST_F(TokenTest, MintedTokenVerifies) {
  const std::string token = Mint();
  EXPECT_TRUE(absl::StartsWith(token, kTokenPrefix));
  absl::StatusOr<v1::TokenClaims> claims = VerifyToken(token, public_, kNow + absl::Minutes(59));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject(), "ana");
  EXPECT_EQ(claims->role(), "enroller");
  EXPECT_EQ(claims->region(), "LPZ");  // upper-cased
  EXPECT_EQ(claims->expires_at() - claims->issued_at(), 3600);
  EXPECT_EQ(claims->id().size(), 16u);
}

TEST_F(TokenTest, ClaimsAreReadableJson) {
  std::vector<std::string> parts = absl::StrSplit(Mint(), '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string json;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &json));
  EXPECT_TRUE(absl::StrContains(json, "\"role\":\"enroller\"")) << json;
  EXPECT_TRUE(absl::StrContains(json, "\"region\":\"LPZ\"")) << json;
}

TEST_F(TokenTest, ExpiredIsRefused) {
  const std::string token = Mint("reporter", absl::Hours(1));
  ExpectRefused(token, kNow + absl::Hours(1));
  absl::StatusOr<v1::TokenClaims> claims = VerifyToken(token, public_, kNow + absl::Hours(2));
  EXPECT_TRUE(absl::StrContains(claims.status().message(), "expired")) << claims.status();
}

TEST_F(TokenTest, IssuedInTheFutureIsRefused) {
  ExpectRefused(Mint("reporter", absl::Hours(1), kNow + absl::Hours(1)), kNow);
  // Within the allowed skew it passes.
  EXPECT_TRUE(
      VerifyToken(Mint("reporter", absl::Hours(1), kNow + absl::Minutes(4)), public_, kNow).ok());
}

TEST_F(TokenTest, ForgedSignatureIsRefused) {
  // Signed by another federation's key.
  KeyPair other = NewKeyPair();
  Ed25519PrivateKey other_key = *Ed25519PrivateKey::FromPem(other.private_pem);
  v1::TokenClaims claims = *NewTokenClaims("ana", "operator", "BO", absl::Hours(1), kNow);
  ExpectRefused(*MintToken(claims, other_key));
}

TEST_F(TokenTest, TamperedClaimsAreRefused) {
  std::vector<std::string> parts = absl::StrSplit(Mint("reporter"), '.');
  std::string json;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &json));
  json = absl::StrReplaceAll(json, {{"reporter", "operator"}});
  ExpectRefused(absl::StrCat(parts[0], ".", absl::WebSafeBase64Escape(json), ".", parts[2]));
  // A flipped signature bit.
  std::string signature;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[2], &signature));
  signature[5] ^= 1;
  ExpectRefused(absl::StrCat(parts[0], ".", parts[1], ".", absl::WebSafeBase64Escape(signature)));
}

TEST_F(TokenTest, MalformedIsRefused) {
  const std::string good = Mint();
  for (const std::string& bad :
       {std::string(""), std::string("pacto1."), std::string("pacto1.."), std::string("Bearer"),
        absl::StrCat("pacto2", good.substr(6)), good.substr(0, good.size() - 3),
        absl::StrCat(good, "."), absl::StrCat(good, ".x"), std::string(5000, 'a'),
        absl::StrCat("pacto1.", std::string(100, '.'))}) {
    ExpectRefused(bad);
  }
}

TEST_F(TokenTest, SignedButInvalidClaimsAreRefused) {
  // A key holder who signs nonsense still gets no access.
  v1::TokenClaims claims = *NewTokenClaims("ana", "operator", "BO", absl::Hours(1), kNow);
  claims.set_role("admin");
  EXPECT_FALSE(MintToken(claims, private_).ok());
  const std::string json = R"({"subject":"ana","role":"admin","region":"BO",)"
                           R"("issued_at":"1800000000","expires_at":"1800003600","id":"x"})";
  const std::string signed_part = absl::StrCat(kTokenPrefix, absl::WebSafeBase64Escape(json));
  ExpectRefused(
      absl::StrCat(signed_part, ".", absl::WebSafeBase64Escape(*private_.Sign(signed_part))));
}

TEST_F(TokenTest, ExtremeTimesAreRefusedWithoutOverflow) {
  // Found by tests/fuzz/token_fuzzer: expires_at - issued_at overflowed int64 (UB).
  v1::TokenClaims claims = *NewTokenClaims("ana", "operator", "BO", absl::Hours(1), kNow);
  claims.set_issued_at(-9223372036854775807);
  claims.set_expires_at(9223372036854775807);
  EXPECT_EQ(ValidateTokenClaims(claims).code(), absl::StatusCode::kInvalidArgument);
  claims.set_issued_at(1);
  EXPECT_EQ(ValidateTokenClaims(claims).code(), absl::StatusCode::kInvalidArgument);
  claims.set_issued_at(9223372036854775807);
  claims.set_expires_at(-9223372036854775807);
  EXPECT_EQ(ValidateTokenClaims(claims).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TokenTest, MintRefusesBadRequests) {
  EXPECT_EQ(NewTokenClaims("ana", "admin", "BO", absl::Hours(1), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NewTokenClaims("ana", "operator", "B O", absl::Hours(1), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NewTokenClaims("a:b", "operator", "BO", absl::Hours(1), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NewTokenClaims("ana", "operator", "BO", absl::Hours(24 * 400), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NewTokenClaims("ana", "operator", "BO", -absl::Hours(1), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  // No subject: one is made from the role and region.
  EXPECT_EQ(NewTokenClaims("", "reporter", "BO", absl::Hours(1), kNow)->subject(), "reporter-BO");
}

TEST_F(TokenTest, KeysOfTheWrongKindAreRefused) {
  EXPECT_FALSE(Ed25519PublicKey::FromPem(pair_.private_pem).ok());
  EXPECT_FALSE(Ed25519PrivateKey::FromPem(pair_.public_pem).ok());
  EXPECT_FALSE(Ed25519PublicKey::FromPem("not a key").ok());
  absl::StatusOr<Ed25519PublicKey> missing = Ed25519PublicKey::FromPemFile("/nonexistent/key.pub");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(absl::StrContains(missing.status().message(), "/nonexistent/key.pub"));
}

TEST_F(TokenTest, CacheAnswersAsVerifyWould) {
  TokenCache cache(&public_);
  const std::string token = Mint("enroller", absl::Hours(1));
  ASSERT_TRUE(cache.Verify(token, kNow).ok());
  ASSERT_TRUE(cache.Verify(token, kNow + absl::Minutes(30)).ok());  // a hit
  // Expiry and issue time are checked on every hit.
  EXPECT_EQ(cache.Verify(token, kNow + absl::Hours(2)).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(cache.Verify(token, kNow - absl::Hours(1)).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Refusals are never remembered as good, and a near miss of a good token is refused.
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(cache.Verify(tampered, kNow).status().code(), absl::StatusCode::kUnauthenticated);
  }
}

}  // namespace
}  // namespace pacto
