// Mutual TLS, certificates and tokens against real pacto-node processes (DESIGN §6),
// with certificates made by deploy/certs.sh: who can connect at all (no certificate,
// another federation's CA, a revoked or expired certificate), which tokens pass, what
// a node refuses at start-up, nodes replicating over mutual TLS while a node of another
// federation cannot, a node's own region authority, and certificates reloaded without
// a restart.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "pacto/v1/admin.grpc.pb.h"
#include "pacto/v1/registry.grpc.pb.h"
#include "tests/security/federation_certs.h"

namespace pacto {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A call that needs an enroller token: ListRegions.
grpc::Status ListRegions(const std::shared_ptr<grpc::Channel>& channel, const std::string& token) {
  grpc::ClientContext context;
  PrepareContext(&context, token);
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  v1::ListRegionsResponse response;
  return v1::Registry::NewStub(channel)->ListRegions(&context, v1::ListRegionsRequest(), &response);
}

std::string Describe(const grpc::Status& s) {
  return absl::StrCat(s.error_code(), " ", s.error_message());
}

class TransportSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir();
    // One federation with two nodes and a few clients; a second, foreign one.
    certs_ = new FederationCerts(dir_->Sub("certs"), {"n1:BO", "n2:LPZ"},
                                 {"--client", "doomed", "--client", "later"});
    ASSERT_TRUE(certs_->ok()) << certs_->error();
    CommandResult expired =
        certs_->Run({"--valid-from", "20200101000000Z", "--valid-until", "20200102000000Z",
                     "--client", "expired", certs_->dir(), "n-old:BO"});
    ASSERT_EQ(expired.exit_code, 0) << expired.err;
    CommandResult revoked = certs_->Run({"revoke", certs_->dir(), "doomed"});
    ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
    foreign_ = new FederationCerts(dir_->Sub("foreign"), {"n3:BO"});
    ASSERT_TRUE(foreign_->ok()) << foreign_->error();
  }
  static void TearDownTestSuite() {
    delete foreign_;
    delete certs_;
    delete dir_;
  }

  std::unique_ptr<NodeProcess> Start(const std::string& name, std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--http", "off", "--sync-interval", "200ms"});
    absl::StatusOr<std::unique_ptr<NodeProcess>> node =
        StartSecureNode(*certs_, name, scratch_.Sub("data-" + name), extra);
    EXPECT_TRUE(node.ok()) << node.status();
    return node.ok() ? *std::move(node) : nullptr;
  }

  // pacto-node with `args` that must refuse to start; returns its stderr.
  std::string Refused(std::vector<std::string> args) {
    args.insert(args.end(), {"--data-dir", scratch_.Sub("refused"), "--listen", "127.0.0.1:0",
                             "--http", "off"});
    CommandResult r = RunCommand(NodeBinary(), args, "", absl::Seconds(20));
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_FALSE(std::filesystem::exists(scratch_.Sub("refused") + "/CURRENT"))
        << "a refused node created its data dir";
    return r.err;
  }

  static ScratchDir* dir_;
  static FederationCerts* certs_;
  static FederationCerts* foreign_;
  ScratchDir scratch_;
};

ScratchDir* TransportSecurityTest::dir_ = nullptr;
FederationCerts* TransportSecurityTest::certs_ = nullptr;
FederationCerts* TransportSecurityTest::foreign_ = nullptr;

TEST_F(TransportSecurityTest, OnlyValidCertificatesOfTheFederationConnect) {
  std::unique_ptr<NodeProcess> node = Start("n1");
  ASSERT_NE(node, nullptr);
  const std::string address = node->address();
  const std::string token = certs_->Token("enroller", "BO");

  EXPECT_TRUE(ListRegions(certs_->Channel(address, "client"), token).ok());
  EXPECT_TRUE(ListRegions(certs_->Channel(address, "later"), token).ok());
  struct Refusal {
    const char* what;
    std::shared_ptr<grpc::Channel> channel;
  };
  for (const Refusal& refusal : {
           Refusal{"no client certificate", certs_->Channel(address, "")},
           Refusal{"another federation's certificate",
                   foreign_->Channel(address, "client", certs_->File("ca.crt"))},
           Refusal{"a revoked certificate", certs_->Channel(address, "doomed")},
           Refusal{"an expired certificate", certs_->Channel(address, "expired")},
           Refusal{"plaintext", grpc::CreateChannel(address, grpc::InsecureChannelCredentials())},
       }) {
    grpc::Status s = ListRegions(refusal.channel, token);
    EXPECT_EQ(s.error_code(), grpc::UNAVAILABLE) << refusal.what << ": " << Describe(s);
  }
  // The client refuses a node that another federation's CA vouches for, too.
  EXPECT_EQ(
      ListRegions(certs_->Channel(address, "client", foreign_->File("ca.crt")), token).error_code(),
      grpc::UNAVAILABLE);

  // A revocation takes effect on the running node at its next handshake.
  CommandResult revoke = certs_->Run({"revoke", certs_->dir(), "later"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_EQ(ListRegions(certs_->Channel(address, "later"), token).error_code(), grpc::UNAVAILABLE);
  EXPECT_TRUE(ListRegions(certs_->Channel(address, "client"), token).ok());
  EXPECT_EQ(node->Stop(), 0) << node->Log();
}

TEST_F(TransportSecurityTest, TokensMustBeValid) {
  std::unique_ptr<NodeProcess> node = Start("n1");
  ASSERT_NE(node, nullptr);
  auto channel = certs_->Channel(node->address(), "client");
  EXPECT_TRUE(ListRegions(channel, certs_->Token("enroller", "LPZ")).ok());

  const std::string expired =
      certs_->Token("enroller", "LPZ", absl::Hours(1), "old", absl::Now() - absl::Hours(2));
  const std::string forged = foreign_->Token("enroller", "LPZ");
  std::string tampered = certs_->Token("reporter", "LPZ");
  tampered[tampered.size() - 10] = tampered[tampered.size() - 10] == 'A' ? 'B' : 'A';
  for (const auto& [what, token] : std::vector<std::pair<std::string, std::string>>{
           {"no token", ""},
           {"an expired token", expired},
           {"a token of another federation's key", forged},
           {"a tampered token", tampered},
           {"not a token", "hello"}}) {
    grpc::Status s = ListRegions(channel, token);
    EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED) << what << ": " << Describe(s);
  }
  grpc::Status s = ListRegions(channel, expired);
  EXPECT_THAT(s.error_message(), HasSubstr("expired"));
  {  // Metadata that is not "Bearer ...".
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Basic ", certs_->Token("enroller", "BO")));
    v1::ListRegionsResponse response;
    EXPECT_EQ(v1::Registry::NewStub(channel)
                  ->ListRegions(&context, v1::ListRegionsRequest(), &response)
                  .error_code(),
              grpc::UNAUTHENTICATED);
  }
  channel.reset();  // (a live channel would hold up the stop)
  EXPECT_EQ(node->Stop(), 0) << node->Log();
}

TEST_F(TransportSecurityTest, StartUpRefusals) {
  std::vector<std::string> n1 = certs_->NodeFlags("n1");
  auto with = [&](std::vector<std::string> flags, const std::vector<std::string>& more) {
    flags.insert(flags.end(), more.begin(), more.end());
    return flags;
  };
  // The certificate says BO.
  std::string err = Refused(with(n1, {"--region", "LPZ"}));
  EXPECT_THAT(err, HasSubstr("--region LPZ")) << err;
  EXPECT_THAT(err, HasSubstr("region BO")) << err;
  err = Refused(with(n1, {"--node-id", "n2"}));
  EXPECT_THAT(err, HasSubstr("--node-id n2")) << err;
  // Another node's key with this certificate.
  std::vector<std::string> mixed = n1;
  mixed[3] = certs_->File("n2.key");
  EXPECT_THAT(Refused(mixed), HasSubstr("is not the key of"));
  EXPECT_THAT(Refused(certs_->NodeFlags("client")), HasSubstr("client certificate"));
  EXPECT_THAT(Refused(certs_->NodeFlags("n-old")), HasSubstr("expired"));
  EXPECT_THAT(Refused({"--tls-cert", certs_->File("n1.crt")}), HasSubstr("go together"));
  EXPECT_THAT(Refused({"--tls-cert", certs_->File("n1.crt"), "--tls-key", certs_->File("n1.key"),
                       "--tls-ca", certs_->File("ca.crt")}),
              HasSubstr("--token-pubkey"));
  EXPECT_THAT(Refused({"--token-pubkey", certs_->File("token.pub")}), HasSubstr("plaintext"));
  EXPECT_THAT(Refused(with(n1, {"--tls-reload-interval", "0s"})),
              HasSubstr("--tls-reload-interval"));

  // Matching flags are fine, and the certificate's identity is the node's.
  std::unique_ptr<NodeProcess> node = Start("n1", {"--region", "bo", "--node-id", "n1"});
  ASSERT_NE(node, nullptr);
  EXPECT_THAT(node->Log(), HasSubstr("node=n1 region=BO"));
  EXPECT_THAT(node->Log(), Not(HasSubstr("development mode")));
  EXPECT_EQ(node->Stop(), 0) << node->Log();
}

TEST_F(TransportSecurityTest, DevelopmentModeSaysSo) {
  absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
      {.data_dir = scratch_.Sub("dev"), .node_id = "d1", .region = "BO", .extra_args = {}});
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_THAT((*node)->Log(), HasSubstr("development mode: plaintext gRPC, no authentication"));
  EXPECT_EQ((*node)->Stop(), 0);
}

// Enrols through the CLI, as an operator would hand it out: token minted offline, TLS
// flags; returns the new membership id.
std::string CliEnrol(const FederationCerts& certs, const std::string& address,
                     const std::vector<std::string>& command) {
  std::vector<std::string> args = {"--node",  address,
                                   "--ca",    certs.File("ca.crt"),
                                   "--cert",  certs.File("client.crt"),
                                   "--key",   certs.File("client.key"),
                                   "--token", certs.Token("enroller", "BO", absl::Hours(1), "ana")};
  args.insert(args.end(), command.begin(), command.end());
  CommandResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(command, " ") << ": " << r.err;
  return std::string(absl::StripSuffix(r.out, "\n"));
}

TEST_F(TransportSecurityTest, NodesReplicateOverMutualTlsAndForeignNodesCannot) {
  std::unique_ptr<NodeProcess> n1 = Start("n1");
  ASSERT_NE(n1, nullptr);
  std::unique_ptr<NodeProcess> n2 = Start("n2", {"--peers", n1->address()});
  ASSERT_NE(n2, nullptr);

  // The CLI, end to end: a token minted offline by `pacto token mint`.
  CommandResult minted = RunCli({"token", "mint", "--signing-key", certs_->File("token.key"),
                                 "--role", "operator", "--region", "BO", "--subject", "olga"});
  ASSERT_EQ(minted.exit_code, 0) << minted.err;
  const std::string operator_token(absl::StripSuffix(minted.out, "\n"));

  CliEnrol(*certs_, n1->address(), {"region", "add", "BO", "--name", "Bolivia"});
  CliEnrol(*certs_, n1->address(), {"region", "add", "LPZ", "--name", "La Paz", "--parent", "BO"});
  CliEnrol(*certs_, n1->address(), {"region", "add", "CBB", "--name", "Cbba", "--parent", "BO"});
  std::vector<std::string> tls = {"--node",  n2->address(),
                                  "--ca",    certs_->File("ca.crt"),
                                  "--cert",  certs_->File("client.crt"),
                                  "--key",   certs_->File("client.key"),
                                  "--token", operator_token};
  // Wait until n2 has the regions: what it refuses to apply is region authority's
  // business (region_authority_test), not this test's.
  auto audit_on_n2 = [&](const std::string& record) {
    std::vector<std::string> args = tls;
    args.insert(args.end(), {"audit", "--record", record, "--json"});
    CommandResult seen;
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline) {
      seen = RunCli(args);
      if (seen.exit_code == 0) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return seen;
  };
  ASSERT_EQ(audit_on_n2("CBB").exit_code, 0) << n2->Log();
  const std::string chapter = CliEnrol(
      *certs_, n1->address(),
      {"chapter", "add", "--name", "Sindicato Uno", "--region", "LPZ", "--level", "sindicato"});
  const std::string member =
      CliEnrol(*certs_, n1->address(), {"member", "enrol", "--chapter", chapter, "--name", "Ana"});

  // It reaches n2 over mutual TLS, with who wrote it.
  CommandResult seen = audit_on_n2(member);
  ASSERT_EQ(seen.exit_code, 0) << seen.err << "\nn1: " << n1->Log() << "\nn2: " << n2->Log();
  EXPECT_THAT(seen.out, HasSubstr("\"principal\":\"ana\"")) << seen.out;
  EXPECT_THAT(seen.out, HasSubstr("\"origin\":\"n1\"")) << seen.out;
  EXPECT_THAT(seen.out, HasSubstr("\"home_region\":\"LPZ\"")) << seen.out;

  // n2 (LPZ) originates writes for LPZ only, whatever the token covers.
  grpc::ClientContext context;
  PrepareContext(&context, certs_->Token("enroller", "BO"));
  v1::AddChapterRequest q;
  q.set_name("Fuera");
  q.set_region("CBB");
  q.set_level("sindicato");
  v1::Chapter r;
  grpc::Status s =
      v1::Registry::NewStub(certs_->Channel(n2->address(), "client"))->AddChapter(&context, q, &r);
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("this node"));

  // A node of another federation reaches no one and learns nothing.
  absl::StatusOr<std::unique_ptr<NodeProcess>> rogue =
      StartSecureNode(*foreign_, "n3", scratch_.Sub("data-n3"),
                      {"--http", "off", "--sync-interval", "200ms", "--peers", n1->address()});
  ASSERT_TRUE(rogue.ok()) << rogue.status();
  absl::SleepFor(absl::Milliseconds(800));
  grpc::ClientContext status_context;
  PrepareContext(&status_context, foreign_->Token("operator", "BO"));
  v1::StatusResponse status;
  ASSERT_TRUE(v1::Admin::NewStub(foreign_->Channel((*rogue)->address(), "client"))
                  ->Status(&status_context, v1::StatusRequest(), &status)
                  .ok());
  EXPECT_EQ(status.records(), 0u);
  EXPECT_FALSE(status.version_vector().contains("n1"));
  // Peers hold connections to each other, which a clean stop would wait out.
  (*rogue)->Kill();
  n2->Kill();
  n1->Kill();
}

// Renewed certificates take effect without a restart: the node's files are swapped for
// another CA's, and after the reload interval only that CA's clients get in.
TEST_F(TransportSecurityTest, CertificatesReloadWithoutRestart) {
  const std::string files = scratch_.Sub("tls");
  std::filesystem::create_directories(files);
  auto install = [&](const FederationCerts& from) {
    for (const char* name : {"n1.crt", "n1.key", "ca.crt"}) {
      const std::string tmp = absl::StrCat(files, "/.", name);
      std::filesystem::copy_file(from.File(name), tmp,
                                 std::filesystem::copy_options::overwrite_existing);
      std::filesystem::rename(tmp, absl::StrCat(files, "/", name));
    }
  };
  install(*certs_);
  FederationCerts renewed(scratch_.Sub("renewed"), {"n1:BO"});
  ASSERT_TRUE(renewed.ok()) << renewed.error();
  std::vector<std::string> flags = {"--tls-cert",
                                    files + "/n1.crt",
                                    "--tls-key",
                                    files + "/n1.key",
                                    "--tls-ca",
                                    files + "/ca.crt",
                                    "--token-pubkey",
                                    certs_->File("token.pub"),
                                    "--tls-reload-interval",
                                    "1s",
                                    "--http",
                                    "off"};
  absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
      {.data_dir = scratch_.Sub("data"), .node_id = "", .region = "", .extra_args = flags});
  ASSERT_TRUE(node.ok()) << node.status();
  const std::string address = (*node)->address();
  const std::string token = certs_->Token("enroller", "BO");
  ASSERT_TRUE(ListRegions(certs_->Channel(address, "client"), token).ok());

  install(renewed);
  bool switched = false;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!switched && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(200));
    switched = ListRegions(renewed.Channel(address, "client"), token).ok();
  }
  EXPECT_TRUE(switched) << (*node)->Log();
  EXPECT_EQ(ListRegions(certs_->Channel(address, "client"), token).error_code(), grpc::UNAVAILABLE);
  EXPECT_EQ((*node)->Stop(), 0) << (*node)->Log();
}

}  // namespace
}  // namespace pacto
