// What the pacto CLI says when it cannot get through to a node that runs with mutual
// TLS (issue 12, item 8), and how it words a refusal by role (item 7): the real `pacto`
// binary against a real secure pacto-node, with certificates made by deploy/certs.sh.
// A failed handshake must not read as a bare "Socket closed": the error line says the
// handshake failed, why it likely did, and which flags (and variables) fix it.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/security/federation_certs.h"

namespace pacto {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class CliHandshakeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir();
    certs_ = new FederationCerts(dir_->Sub("certs"), {"n1:BO"});
    ASSERT_TRUE(certs_->ok()) << certs_->error();
    foreign_ = new FederationCerts(dir_->Sub("foreign"), {"n9:BO"});
    ASSERT_TRUE(foreign_->ok()) << foreign_->error();
  }
  static void TearDownTestSuite() {
    delete foreign_;
    delete certs_;
    delete dir_;
  }

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<NodeProcess>> node =
        StartSecureNode(*certs_, "n1", scratch_.Sub("data"), {"--http", "off"});
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
  }

  // Runs `pacto --node ADDR --timeout 10s args...`, which must fail with one error line.
  std::string ErrorLine(std::vector<std::string> args) {
    args.insert(args.begin(), {"--node", node_->address(), "--timeout", "10s"});
    CommandResult r = RunCli(args);
    const std::string described =
        absl::StrCat("pacto ", absl::StrJoin(args, " "), "\nexit ", r.exit_code,
                     "\nstdout: ", r.out, "\nstderr: ", r.err);
    EXPECT_NE(r.exit_code, 0) << described;
    EXPECT_EQ(r.out, "") << described;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << described;
    return r.err;
  }

  static ScratchDir* dir_;
  static FederationCerts* certs_;
  static FederationCerts* foreign_;
  ScratchDir scratch_;
  std::unique_ptr<NodeProcess> node_;
};

ScratchDir* CliHandshakeTest::dir_ = nullptr;
FederationCerts* CliHandshakeTest::certs_ = nullptr;
FederationCerts* CliHandshakeTest::foreign_ = nullptr;

TEST_F(CliHandshakeTest, PlaintextToATlsNodeNamesTheTlsFlags) {
  const std::string token = certs_->Token("enroller", "BO");
  EXPECT_THAT(
      ErrorLine({"--token", token, "region", "list"}),
      AllOf(StartsWith("error: UNAVAILABLE: "), HasSubstr("handshake failed"), HasSubstr("--ca"),
            HasSubstr("PACTO_CA"), HasSubstr("--cert"), HasSubstr("--key")));
}

TEST_F(CliHandshakeTest, NoClientCertificateNamesCertAndKey) {
  const std::string token = certs_->Token("enroller", "BO");
  EXPECT_THAT(ErrorLine({"--token", token, "--ca", certs_->File("ca.crt"), "region", "list"}),
              AllOf(StartsWith("error: UNAVAILABLE: "), HasSubstr("TLS handshake failed"),
                    HasSubstr("client certificate"), HasSubstr("--cert"), HasSubstr("PACTO_CERT")));
}

TEST_F(CliHandshakeTest, AnotherFederationsCaNamesTheCa) {
  const std::string token = certs_->Token("enroller", "BO");
  EXPECT_THAT(ErrorLine({"--token", token, "--ca", foreign_->File("ca.crt"), "--cert",
                         certs_->File("client.crt"), "--key", certs_->File("client.key"), "region",
                         "list"}),
              AllOf(StartsWith("error: UNAVAILABLE: "), HasSubstr("TLS handshake failed"),
                    HasSubstr("--ca")));
}

TEST_F(CliHandshakeTest, AnotherFederationsClientCertificateIsNamed) {
  const std::string token = certs_->Token("enroller", "BO");
  EXPECT_THAT(ErrorLine({"--token", token, "--ca", certs_->File("ca.crt"), "--cert",
                         foreign_->File("client.crt"), "--key", foreign_->File("client.key"),
                         "region", "list"}),
              AllOf(StartsWith("error: UNAVAILABLE: "), HasSubstr("TLS handshake failed"),
                    HasSubstr("--cert")));
}

// Once through, a refusal by role reads as English: "an enroller token", "an operator".
TEST_F(CliHandshakeTest, RoleRefusalsUseTheRightArticle) {
  const std::vector<std::string> tls = {"--ca",   certs_->File("ca.crt"),
                                        "--cert", certs_->File("client.crt"),
                                        "--key",  certs_->File("client.key")};
  std::vector<std::string> args = tls;
  args.insert(args.end(), {"--token", certs_->Token("enroller", "BO"), "node", "sync"});
  EXPECT_THAT(ErrorLine(args),
              AllOf(StartsWith("error: PERMISSION_DENIED: an enroller token may not call"),
                    ::testing::Not(HasSubstr("a enroller"))));
  args = tls;
  args.insert(args.end(), {"--token", certs_->Token("reporter", "BO"), "region", "add", "XX",
                           "--name", "X", "--parent", "BO"});
  EXPECT_THAT(ErrorLine(args), StartsWith("error: PERMISSION_DENIED: a reporter token may not"));
}

}  // namespace
}  // namespace pacto
