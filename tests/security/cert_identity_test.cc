// Identities in certificates (node/security/cert_identity.h).
#include "node/security/cert_identity.h"

#include "gtest/gtest.h"

namespace pacto {
namespace {

TEST(CertIdentityTest, ParsesNodeAndClientUris) {
  absl::StatusOr<CertIdentity> node = ParseIdentityUri("pacto://node/n-1.lpz?region=LPZ");
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(node->kind, CertIdentity::Kind::kNode);
  EXPECT_EQ(node->name, "n-1.lpz");
  EXPECT_EQ(node->region, "LPZ");
  absl::StatusOr<CertIdentity> client = ParseIdentityUri("pacto://client/form_server");
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(client->kind, CertIdentity::Kind::kClient);
  EXPECT_EQ(client->name, "form_server");
  EXPECT_EQ(client->region, "");
}

TEST(CertIdentityTest, RefusesMalformedUris) {
  for (const char* bad : {"pacto://node/n1", "pacto://node/?region=LPZ", "pacto://node/n1?region=",
                          "pacto://node/n1?region=lpz", "pacto://node/n 1?region=LPZ",
                          "pacto://node/n1?region=LPZ&x=1", "pacto://client/", "pacto://client/a/b",
                          "spiffe://pacto/node/n1", "https://node/n1?region=LPZ"}) {
    EXPECT_FALSE(ParseIdentityUri(bad).ok()) << bad;
  }
}

TEST(CertIdentityTest, ExactlyOnePactoUri) {
  EXPECT_TRUE(IdentityFromUris({"https://example.org", "pacto://client/c"}).ok());
  EXPECT_EQ(IdentityFromUris({}).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(IdentityFromUris({"https://example.org"}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(IdentityFromUris({"pacto://client/a", "pacto://node/n1?region=BO"}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(IdentityFromUris({"pacto://node/n1"}).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace pacto
