// Token revocation records (node/security/revocation.h): derived ids, the form every
// stored or replicated revocation must have, and what each kind revokes.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "node/security/revocation.h"

namespace pacto {
namespace {

using ::testing::HasSubstr;

v1::TokenRevocation ById(const std::string& region, const std::string& token_id) {
  v1::TokenRevocation r;
  r.set_token_id(token_id);
  r.set_region(region);
  r.set_revoked_at(1764288000);
  r.set_revoked_by("rosa");
  r.set_id(RevocationId(region, RevocationKind::kTokenId, token_id));
  return r;
}

v1::TokenRevocation BySubject(const std::string& region, const std::string& subject) {
  v1::TokenRevocation r;
  r.set_subject(subject);
  r.set_region(region);
  r.set_revoked_at(1764288000);
  r.set_revoked_by("rosa");
  r.set_id(RevocationId(region, RevocationKind::kSubject, subject));
  return r;
}

v1::TokenClaims Claims(const std::string& id, const std::string& subject, int64_t issued_at) {
  v1::TokenClaims c;
  c.set_id(id);
  c.set_subject(subject);
  c.set_region("LPZ");
  c.set_issued_at(issued_at);
  c.set_expires_at(issued_at + 3600);
  return c;
}

TEST(RevocationRecordTest, IdsAreDerivedAndTellRegionKindAndTargetApart) {
  const std::string id = RevocationId("LPZ", RevocationKind::kTokenId, "3f9a0c1d2e4b5a69");
  EXPECT_EQ(id, RevocationId("LPZ", RevocationKind::kTokenId, "3f9a0c1d2e4b5a69"));
  EXPECT_EQ(id.rfind("rv-", 0), 0u);
  EXPECT_EQ(id.size(), 27u);
  EXPECT_NE(id, RevocationId("CBB", RevocationKind::kTokenId, "3f9a0c1d2e4b5a69"));
  EXPECT_NE(id, RevocationId("LPZ", RevocationKind::kSubject, "3f9a0c1d2e4b5a69"));
  EXPECT_NE(id, RevocationId("LPZ", RevocationKind::kTokenId, "3f9a0c1d2e4b5a6a"));
}

TEST(RevocationRecordTest, ValidationNamesTheField) {
  EXPECT_TRUE(ValidateRevocation(ById("LPZ", "3f9a0c1d2e4b5a69")).ok());
  EXPECT_TRUE(ValidateRevocation(BySubject("BO-LP", "ana.mamani@lpz")).ok());

  v1::TokenRevocation both = ById("LPZ", "3f9a");
  both.set_subject("ana");
  EXPECT_THAT(ValidateRevocation(both).message(), HasSubstr("token_id"));
  v1::TokenRevocation neither = ById("LPZ", "3f9a");
  neither.clear_token_id();
  EXPECT_THAT(ValidateRevocation(neither).message(), HasSubstr("token_id"));
  EXPECT_THAT(ValidateRevocation(ById("LPZ", "NOT-HEX")).message(), HasSubstr("token_id"));
  EXPECT_THAT(ValidateRevocation(BySubject("LPZ", "ana mamani")).message(), HasSubstr("subject"));
  EXPECT_THAT(ValidateRevocation(ById("lpz", "3f9a")).message(), HasSubstr("region"));
  v1::TokenRevocation wordy = ById("LPZ", "3f9a");
  wordy.set_reason(std::string(kMaxRevocationReasonBytes + 1, 'x'));
  EXPECT_THAT(ValidateRevocation(wordy).message(), HasSubstr("reason"));
  v1::TokenRevocation timeless = ById("LPZ", "3f9a");
  timeless.set_revoked_at(0);
  EXPECT_THAT(ValidateRevocation(timeless).message(), HasSubstr("revoked_at"));
  // A record relabelled to another region keeps its old id: refused.
  v1::TokenRevocation relabelled = ById("LPZ", "3f9a");
  relabelled.set_region("CBB");
  EXPECT_THAT(ValidateRevocation(relabelled).message(), HasSubstr("id"));
  for (const v1::TokenRevocation& bad : {both, neither, relabelled}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseRevocation(bad.SerializeAsString()).status()));
  }
  EXPECT_TRUE(absl::IsInvalidArgument(ParseRevocation("\xff\xff").status()));
}

TEST(RevocationRecordTest, ByIdRevokesThatTokenOnly) {
  const v1::TokenRevocation r = ById("LPZ", "3f9a0c1d2e4b5a69");
  EXPECT_TRUE(Revokes(r, Claims("3f9a0c1d2e4b5a69", "ana", 1)));
  EXPECT_TRUE(Revokes(r, Claims("3f9a0c1d2e4b5a69", "ana", 1864288000)));
  EXPECT_FALSE(Revokes(r, Claims("3f9a0c1d2e4b5a6a", "ana", 1)));
}

TEST(RevocationRecordTest, BySubjectRevokesTokensIssuedUntilThen) {
  const v1::TokenRevocation r = BySubject("LPZ", "ana");
  EXPECT_TRUE(Revokes(r, Claims("01", "ana", r.revoked_at() - 86400)));
  EXPECT_TRUE(Revokes(r, Claims("02", "ana", r.revoked_at())));
  EXPECT_FALSE(Revokes(r, Claims("03", "ana", r.revoked_at() + 1)));
  EXPECT_FALSE(Revokes(r, Claims("04", "pedro", r.revoked_at() - 86400)));
}

}  // namespace
}  // namespace pacto
