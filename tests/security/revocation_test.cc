// Token revocation (DESIGN §6, node/security/revocation.h) against two real secure
// pacto-node processes: n2 of the root region BO and n1 of LPZ, syncing with each
// other. An operator revokes through the real `pacto` binary on one node; the other
// refuses the token once it has synced, cached or not; a later token of a revoked
// subject still works; operators of another region cannot revoke outside their
// subtree; a client stream whose token is revoked mid-way ends UNAUTHENTICATED; the
// revocations are listed and audited.
//
// The nodes sync every hour on their own, so a sync happens when the test asks for
// one (`pacto node sync`); a node may also pull sooner when told of a new write,
// which no assertion depends on.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "node/security/ed25519.h"
#include "node/security/token.h"
#include "pacto/v1/admin.grpc.pb.h"
#include "pacto/v1/registry.grpc.pb.h"
#include "pacto/v1/token.pb.h"
#include "tests/security/federation_certs.h"

namespace pacto {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RevocationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir();
    certs_ = new FederationCerts(dir_->Sub("certs"), {"n1:LPZ", "n2:BO"});
    ASSERT_TRUE(certs_->ok()) << certs_->error();
    absl::StatusOr<std::unique_ptr<NodeProcess>> n2 = StartSecureNode(
        *certs_, "n2", dir_->Sub("data-n2"), {"--http", "off", "--sync-interval", "1h"});
    ASSERT_TRUE(n2.ok()) << n2.status();
    n2_ = n2->release();
    for (auto [code, parent] :
         {std::pair<const char*, const char*>{"BO", ""}, {"LPZ", "BO"}, {"CBB", "BO"}}) {
      v1::AddRegionRequest q;
      q.mutable_region()->set_code(code);
      q.mutable_region()->set_name(code);
      q.mutable_region()->set_parent(parent);
      v1::Region r;
      grpc::ClientContext context;
      PrepareContext(&context, certs_->Token("enroller", "BO"));
      grpc::Status s = Registry(n2_)->AddRegion(&context, q, &r);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    absl::StatusOr<std::unique_ptr<NodeProcess>> n1 =
        StartSecureNode(*certs_, "n1", dir_->Sub("data-n1"),
                        {"--http", "off", "--sync-interval", "1h", "--peers", n2_->address()});
    ASSERT_TRUE(n1.ok()) << n1.status();
    n1_ = n1->release();
    // n1 takes the regions; n2 learns n1 from its pull and can pull from it after.
    SyncNode(n1_);
    SyncNode(n2_);
  }
  static void TearDownTestSuite() {
    for (NodeProcess* node : {n1_, n2_}) {
      if (node != nullptr) {
        EXPECT_EQ(node->Stop(), 0) << node->Log();
      }
      delete node;
    }
    delete certs_;
    delete dir_;
  }

  static std::shared_ptr<grpc::Channel> Channel(NodeProcess* node) {
    return certs_->Channel(node->address(), "client");
  }
  static std::unique_ptr<v1::Registry::Stub> Registry(NodeProcess* node) {
    return v1::Registry::NewStub(Channel(node));
  }

  // `pacto` with the client certificate and `token`, against `node`.
  static CommandResult Cli(NodeProcess* node, const std::string& token,
                           const std::vector<std::string>& command) {
    std::vector<std::string> args = {"--node", node->address(),
                                     "--ca",   certs_->File("ca.crt"),
                                     "--cert", certs_->File("client.crt"),
                                     "--key",  certs_->File("client.key")};
    if (!token.empty()) args.insert(args.end(), {"--token", token});
    args.insert(args.end(), command.begin(), command.end());
    return RunCli(args);
  }

  // One sync round of `node` with every peer it knows, as an operator asks for it.
  static void SyncNode(NodeProcess* node) {
    const std::string region = node == n1_ ? "LPZ" : "BO";
    CommandResult r = Cli(node, certs_->Token("operator", region), {"node", "sync"});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  }

  // Whether `node` takes `token` for a plain read: OK or the refusal.
  static grpc::Status Use(NodeProcess* node, const std::string& token) {
    grpc::ClientContext context;
    PrepareContext(&context, token);
    v1::ListRegionsResponse r;
    return Registry(node)->ListRegions(&context, v1::ListRegionsRequest(), &r);
  }

  static void ExpectRevoked(const grpc::Status& s, const std::string& where) {
    EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED) << where << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("token revoked")) << where;
  }

  // The id of a token, as its claims say (anyone can read them).
  static std::string TokenId(const std::string& token) {
    absl::StatusOr<Ed25519PublicKey> key = Ed25519PublicKey::FromPemFile(certs_->File("token.pub"));
    EXPECT_TRUE(key.ok()) << key.status();
    if (!key.ok()) return "";
    absl::StatusOr<v1::TokenClaims> claims = VerifyToken(token, *key, absl::Now());
    EXPECT_TRUE(claims.ok()) << claims.status();
    return claims.ok() ? claims->id() : "";
  }

  static ScratchDir* dir_;
  static FederationCerts* certs_;
  static NodeProcess* n1_;
  static NodeProcess* n2_;
};

ScratchDir* RevocationTest::dir_ = nullptr;
FederationCerts* RevocationTest::certs_ = nullptr;
NodeProcess* RevocationTest::n1_ = nullptr;
NodeProcess* RevocationTest::n2_ = nullptr;

TEST_F(RevocationTest, MintPrintsTheTokenAloneOnStdoutAndItsIdBeside) {
  ASSERT_NE(n1_, nullptr);
  const std::vector<std::string> mint = {
      "token",     "mint",     "--signing-key", certs_->File("token.key"),
      "--role",    "enroller", "--region",      "LPZ",
      "--subject", "ana"};
  CommandResult text = RunCli(mint);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::string token(absl::StripSuffix(text.out, "\n"));
  EXPECT_TRUE(absl::StartsWith(token, "pacto1.")) << text.out;
  EXPECT_THAT(token, Not(HasSubstr("\n")));
  EXPECT_THAT(text.err, HasSubstr(absl::StrCat("token ", TokenId(token), " for ana")));

  std::vector<std::string> json_mint = mint;
  json_mint.push_back("--json");
  CommandResult json = RunCli(json_mint);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::MintedToken minted;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &minted).ok()) << json.out;
  EXPECT_EQ(minted.claims().id(), TokenId(minted.token()));
  EXPECT_EQ(minted.claims().id().size(), 16u);
}

// A lost laptop: its token is revoked by id on n1 and refused by n1 at once, by n2
// after one sync, though both had verified (and cached) it before.
TEST_F(RevocationTest, ATokenRevokedByIdIsRefusedEverywhereAfterOneSync) {
  ASSERT_NE(n1_, nullptr);
  CommandResult minted = RunCli({"token", "mint", "--signing-key", certs_->File("token.key"),
                                 "--role", "enroller", "--region", "LPZ", "--subject", "laptop"});
  ASSERT_EQ(minted.exit_code, 0) << minted.err;
  const std::string lost(absl::StripSuffix(minted.out, "\n"));
  const std::string spare = certs_->Token("enroller", "LPZ", absl::Hours(1), "laptop");
  ASSERT_TRUE(Use(n1_, lost).ok());
  ASSERT_TRUE(Use(n2_, lost).ok());

  const std::string lpz_operator = certs_->Token("operator", "LPZ", absl::Hours(1), "rosa");
  CommandResult revoked =
      Cli(n1_, lpz_operator, {"token", "revoke", TokenId(lost), "--reason", "laptop lost"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  const std::string revocation(absl::StripSuffix(revoked.out, "\n"));
  EXPECT_TRUE(absl::StartsWith(revocation, "rv-")) << revoked.out;

  ExpectRevoked(Use(n1_, lost), "n1 right after the revocation");
  SyncNode(n2_);
  ExpectRevoked(Use(n2_, lost), "n2 after one sync");
  // The same person's other token, and everybody else's, still work.
  EXPECT_TRUE(Use(n1_, spare).ok());
  EXPECT_TRUE(Use(n2_, spare).ok());
  // The CLI says so too, on one error line.
  CommandResult refused = Cli(n2_, lost, {"region", "list"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(refused.err, HasSubstr("token revoked"));

  // Listed for operators whose region covers it, on either node.
  for (NodeProcess* node : {n1_, n2_}) {
    CommandResult list = Cli(node, certs_->Token("operator", "LPZ"), {"token", "revocations"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_THAT(list.out, HasSubstr(revocation));
    EXPECT_THAT(list.out, HasSubstr(TokenId(lost)));
    EXPECT_THAT(list.out, HasSubstr("laptop lost"));
    EXPECT_THAT(list.out, HasSubstr("rosa"));
  }
  CommandResult json =
      Cli(n2_, certs_->Token("operator", "BO"), {"token", "revocations", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::ListRevocationsResponse listed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &listed).ok()) << json.out;
  bool found = false;
  for (const v1::TokenRevocation& r : listed.revocations()) {
    if (r.id() != revocation) continue;
    found = true;
    EXPECT_EQ(r.token_id(), TokenId(lost));
    EXPECT_EQ(r.region(), "LPZ");
    EXPECT_EQ(r.reason(), "laptop lost");
    EXPECT_EQ(r.revoked_by(), "rosa");
    EXPECT_GT(r.revoked_at(), 0);
  }
  EXPECT_TRUE(found) << json.out;
  CommandResult other = Cli(n2_, certs_->Token("operator", "CBB"), {"token", "revocations"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_THAT(other.out, Not(HasSubstr(revocation)));

  // Audited, for the operators who cover it; as if missing for the others.
  CommandResult audit =
      Cli(n2_, certs_->Token("operator", "LPZ"), {"audit", "--record", revocation});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("token_revocation"));
  EXPECT_THAT(audit.out, HasSubstr("rosa"));
  EXPECT_THAT(audit.out, HasSubstr("n1:"));
  CommandResult hidden =
      Cli(n2_, certs_->Token("operator", "CBB"), {"audit", "--record", revocation});
  EXPECT_NE(hidden.exit_code, 0);
  EXPECT_THAT(hidden.err, HasSubstr("NOT_FOUND"));
}

// Every token of a subject issued up to the revocation is refused; one minted for the
// same person after it works.
TEST_F(RevocationTest, ASubjectRevocationSparesTokensMintedAfterIt) {
  ASSERT_NE(n1_, nullptr);
  const std::string first = certs_->Token("enroller", "LPZ", absl::Hours(1), "pedro");
  const std::string second = certs_->Token("operator", "LPZ", absl::Hours(1), "pedro");
  ASSERT_TRUE(Use(n2_, first).ok());
  CommandResult revoked = Cli(n1_, certs_->Token("operator", "LPZ", absl::Hours(1), "rosa"),
                              {"token", "revoke", "--subject", "pedro", "--reason", "left"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  ExpectRevoked(Use(n1_, first), "n1, first token");
  ExpectRevoked(Use(n1_, second), "n1, second token");
  SyncNode(n2_);
  ExpectRevoked(Use(n2_, first), "n2, first token");
  ExpectRevoked(Use(n2_, second), "n2, second token");
  // Minted later (its issue time lies after the revocation's, within the clock skew
  // every node allows).
  const std::string later =
      certs_->Token("enroller", "LPZ", absl::Hours(1), "pedro", absl::Now() + absl::Seconds(2));
  EXPECT_TRUE(Use(n1_, later).ok());
  EXPECT_TRUE(Use(n2_, later).ok());
  EXPECT_TRUE(Use(n2_, certs_->Token("enroller", "LPZ", absl::Hours(1), "pablo")).ok());
}

// The attacker's test: operators of CBB, and anyone who is not an operator, cannot
// withdraw LPZ's tokens, whatever they name and wherever they ask.
TEST_F(RevocationTest, NoOneRevokesOutsideTheirSubtree) {
  ASSERT_NE(n1_, nullptr);
  const std::string victim = certs_->Token("enroller", "LPZ", absl::Hours(1), "victim");
  const std::string id = TokenId(victim);
  const std::string cbb_operator = certs_->Token("operator", "CBB", absl::Hours(1), "intruder");
  struct Attempt {
    NodeProcess* node;
    std::string token;
    std::vector<std::string> command;
  };
  const std::vector<Attempt> refused = {
      {n1_, cbb_operator, {"token", "revoke", id, "--region", "LPZ"}},
      {n2_, cbb_operator, {"token", "revoke", id, "--region", "LPZ"}},
      {n2_, cbb_operator, {"token", "revoke", "--subject", "victim", "--region", "BO"}},
      // Its own region, on a node that does not originate CBB's writes.
      {n1_, cbb_operator, {"token", "revoke", id}},
      // Above one's own region.
      {n1_, certs_->Token("operator", "LPZ"), {"token", "revoke", id, "--region", "BO"}},
      // Not an operator.
      {n1_, certs_->Token("enroller", "LPZ"), {"token", "revoke", id}},
      {n1_, certs_->Token("reporter", "LPZ"), {"token", "revoke", "--subject", "victim"}},
      {n1_, certs_->Token("enroller", "LPZ"), {"token", "revocations"}},
  };
  for (const Attempt& a : refused) {
    CommandResult r = Cli(a.node, a.token, a.command);
    EXPECT_NE(r.exit_code, 0) << absl::StrJoin(a.command, " ");
    EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED")) << absl::StrJoin(a.command, " ");
  }
  // Revoking in its own region (on a node covering it) is allowed and is no attack:
  // it only ever applies to CBB's tokens.
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"token", "revoke", id},
        std::vector<std::string>{"token", "revoke", "--subject", "victim"}}) {
    CommandResult r = Cli(n2_, cbb_operator, command);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  SyncNode(n1_);
  EXPECT_TRUE(Use(n1_, victim).ok());
  EXPECT_TRUE(Use(n2_, victim).ok());
  // No token: UNAUTHENTICATED, no record written.
  CommandResult anonymous = Cli(n1_, "", {"token", "revoke", id});
  EXPECT_THAT(anonymous.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_TRUE(Use(n1_, victim).ok());
  // Bad input names the field.
  CommandResult bad = Cli(n1_, certs_->Token("operator", "LPZ"), {"token", "revoke", "not-hex!"});
  EXPECT_THAT(bad.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(bad.err, HasSubstr("token_id"));
}

// A client stream outlives no revocation: the import's next message after it stops the
// import, which ends OK with the count of what landed and `stopped` saying
// UNAUTHENTICATED "token revoked" (so the client can always report the count).
TEST_F(RevocationTest, AnImportStreamEndsWhenItsTokenIsRevoked) {
  ASSERT_NE(n1_, nullptr);
  const std::string importer = certs_->Token("enroller", "LPZ", absl::Hours(1), "importer");
  const std::string reader = certs_->Token("enroller", "LPZ", absl::Hours(1), "reader");
  v1::AddChapterRequest add;
  add.set_name("Sindicato Illimani");
  add.set_region("LPZ");
  add.set_level("sindicato");
  v1::Chapter chapter;
  {
    grpc::ClientContext context;
    PrepareContext(&context, reader);
    grpc::Status s = Registry(n1_)->AddChapter(&context, add, &chapter);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  auto members = [&]() {
    grpc::ClientContext context;
    PrepareContext(&context, reader);
    v1::ListMembersRequest q;
    q.set_chapter(chapter.id());
    v1::ListMembersResponse r;
    grpc::Status s = Registry(n1_)->ListMembers(&context, q, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.members_size();
  };

  auto stub = Registry(n1_);
  grpc::ClientContext context;
  PrepareContext(&context, importer);
  v1::ImportMembersResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportMembersRequest>> writer =
      stub->ImportMembers(&context, &response);
  auto message = [&](int line) {
    v1::ImportMembersRequest request;
    v1::ImportRow* row = request.add_rows();
    row->set_line(line);
    row->set_chapter(chapter.id());
    row->set_name(absl::StrCat("Persona ", line));
    return request;
  };
  ASSERT_TRUE(writer->Write(message(2)));
  // The first message's row lands while the token is good.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (members() < 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
  ASSERT_EQ(members(), 1);

  CommandResult revoked =
      Cli(n1_, certs_->Token("operator", "LPZ"), {"token", "revoke", TokenId(importer)});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  writer->Write(message(3));  // may fail once the server has ended the call
  writer->WritesDone();
  grpc::Status ended = writer->Finish();
  ASSERT_TRUE(ended.ok()) << ended.error_message();
  EXPECT_EQ(response.accepted(), 1u);
  EXPECT_EQ(response.stopped().code(), "UNAUTHENTICATED");
  EXPECT_THAT(response.stopped().message(), HasSubstr("token revoked"));
  EXPECT_EQ(members(), 1);
}

}  // namespace
}  // namespace pacto
