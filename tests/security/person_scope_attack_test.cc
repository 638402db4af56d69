// The attack of issue 12 item 1, through the real `pacto` binary against three real
// secure pacto-node processes (mutual TLS, tokens): an enroller of SCZ enrols a
// national id already held by a person of LPZ, with another name and birth date, to
// overwrite them or to learn who they are. The person must stay as LPZ enrolled them
// on every node; nothing of them may show in any answer or error SCZ gets; LPZ's and
// the national operators see the discrepancy in `report duplicates` (also after a
// restart) and can audit the person; SCZ's operator sees none of LPZ's ids there.
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/security/federation_certs.h"

namespace pacto {
namespace {

constexpr char kNationalId[] = "4455667";
// What SCZ must never see of the LPZ person.
constexpr char kName[] = "Quispe";
constexpr char kGivenName[] = "Ana";
constexpr char kBirthDate[] = "1980-03-04";
constexpr char kCourse[] = "Escuela Bartolina";
constexpr char kRole[] = "Secretaria de Actas";

// The first string value of `field` in proto JSON output ("" when absent).
std::string Field(const std::string& json, const std::string& field) {
  const std::string key = absl::StrCat("\"", field, "\":");
  size_t at = json.find(key);
  if (at == std::string::npos) return "";
  size_t open = json.find('"', at + key.size());
  if (open == std::string::npos) return "";
  size_t close = json.find('"', open + 1);
  return close == std::string::npos ? "" : json.substr(open + 1, close - open - 1);
}

class PersonScopeAttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = std::make_unique<FederationCerts>(
        dir_.Sub("certs"), std::vector<std::string>{"n-bo:BO", "n-lpz:LPZ", "n-scz:SCZ"});
    ASSERT_TRUE(certs_->ok()) << certs_->error();
    bo_ = Start("n-bo", {});
    ASSERT_NE(bo_, nullptr);
    lpz_ = Start("n-lpz", {"--peers", bo_->address()});
    ASSERT_NE(lpz_, nullptr);
    scz_ = Start("n-scz", {"--peers", bo_->address()});
    ASSERT_NE(scz_, nullptr);
  }

  std::unique_ptr<NodeProcess> Start(const std::string& name, std::vector<std::string> extra) {
    extra.insert(extra.end(), {"--http", "off", "--sync-interval", "200ms"});
    absl::StatusOr<std::unique_ptr<NodeProcess>> node =
        StartSecureNode(*certs_, name, dir_.Sub("data-" + name), extra);
    EXPECT_TRUE(node.ok()) << node.status();
    return node.ok() ? *std::move(node) : nullptr;
  }

  // `pacto` against `node` with a token of `role` for `region`, held by `subject`.
  CommandResult Cli(const NodeProcess& node, const std::string& role, const std::string& region,
                    const std::string& subject, const std::vector<std::string>& command) {
    std::vector<std::string> args = {
        "--node",  node.address(),
        "--ca",    certs_->File("ca.crt"),
        "--cert",  certs_->File("client.crt"),
        "--key",   certs_->File("client.key"),
        "--token", certs_->Token(role, region, absl::Hours(1), subject)};
    args.insert(args.end(), command.begin(), command.end());
    return RunCli(args);
  }

  // Like Cli, and it must succeed; its output without the final newline.
  std::string Ok(const NodeProcess& node, const std::string& role, const std::string& region,
                 const std::string& subject, const std::vector<std::string>& command) {
    CommandResult r = Cli(node, role, region, subject, command);
    EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(command, " ") << ": " << r.err;
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  // Retries a write until the node has what it depends on (replication under way).
  std::string Eventually(const NodeProcess& node, const std::string& role,
                         const std::string& region, const std::string& subject,
                         const std::vector<std::string>& command) {
    CommandResult r;
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      r = Cli(node, role, region, subject, command);
      if (r.exit_code == 0) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(command, " ") << ": " << r.err;
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  std::string Digest(const NodeProcess& node) {
    return Field(Cli(node, "operator", "BO", "olga", {"node", "status", "--json"}).out, "digest");
  }

  // Waits until the three nodes hold the same registry.
  void Converge() {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      const std::string d = Digest(*bo_);
      if (!d.empty() && d == Digest(*lpz_) && d == Digest(*scz_)) return;
      absl::SleepFor(absl::Milliseconds(200));
    }
    ADD_FAILURE() << "the nodes did not converge";
  }

  ScratchDir dir_;
  std::unique_ptr<FederationCerts> certs_;
  std::unique_ptr<NodeProcess> bo_, lpz_, scz_;
};

TEST_F(PersonScopeAttackTest, AnotherRegionsEnrollerCanNeitherChangeNorLearnAPerson) {
  Ok(*bo_, "enroller", "BO", "nacional", {"region", "add", "BO", "--name", "Bolivia"});
  Ok(*bo_, "enroller", "BO", "nacional",
     {"region", "add", "LPZ", "--name", "La Paz", "--parent", "BO", "--level", "department"});
  Ok(*bo_, "enroller", "BO", "nacional",
     {"region", "add", "SCZ", "--name", "Santa Cruz", "--parent", "BO", "--level", "department"});

  // LPZ's member, with a course and an office.
  const std::string lpz_chapter = Eventually(*lpz_, "enroller", "LPZ", "lpz-enroller",
                                             {"chapter", "add", "--name", "Sindicato Illimani",
                                              "--region", "LPZ", "--level", "sindicato"});
  const std::string ana = Ok(*lpz_, "enroller", "LPZ", "lpz-enroller",
                             {"member", "enrol", "--chapter", lpz_chapter, "--name", "Ana Quispe",
                              "--national-id", kNationalId, "--birth-date", kBirthDate});
  Ok(*lpz_, "enroller", "LPZ", "lpz-enroller",
     {"formation", "record", "--member", ana, "--course", kCourse, "--date", "2024-05-01"});
  Ok(*lpz_, "enroller", "LPZ", "lpz-enroller",
     {"officer", "appoint", "--chapter", lpz_chapter, "--member", ana, "--role", kRole});
  const std::string scz_chapter = Eventually(
      *scz_, "enroller", "SCZ", "scz-enroller",
      {"chapter", "add", "--name", "Sindicato Piray", "--region", "SCZ", "--level", "sindicato"});
  Converge();  // SCZ's node knows the LPZ person: the probe is a real collision
  const std::string person =
      Field(Ok(*bo_, "operator", "BO", "olga", {"member", "show", ana, "--json"}), "person_id");
  ASSERT_FALSE(person.empty());

  // The attack: SCZ enrols the same national id with another name and birth date.
  // What SCZ was told; `probes_ids`: the command itself names LPZ's ids (an error
  // may echo what was asked).
  struct Seen {
    CommandResult result;
    bool probes_ids = false;
  };
  std::vector<Seen> seen_by_scz;
  CommandResult probe = Cli(*scz_, "enroller", "SCZ", "scz-enroller",
                            {"member", "enrol", "--chapter", scz_chapter, "--name", "Mallory Guess",
                             "--national-id", kNationalId, "--birth-date", "1999-09-09", "--json"});
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  seen_by_scz.push_back({probe});
  const std::string mallory = Field(probe.out, "id");
  ASSERT_FALSE(mallory.empty()) << probe.out;
  EXPECT_TRUE(absl::StrContains(probe.out, "Mallory Guess")) << probe.out;
  Converge();

  // (a) The LPZ person is unchanged on every node.
  for (NodeProcess* node : {bo_.get(), lpz_.get(), scz_.get()}) {
    const std::string shown =
        Ok(*node, "operator", "BO", "olga", {"member", "show", ana, "--json"});
    EXPECT_TRUE(absl::StrContains(shown, "Ana Quispe")) << shown;
    EXPECT_TRUE(absl::StrContains(shown, kBirthDate)) << shown;
    EXPECT_FALSE(absl::StrContains(shown, "Mallory")) << shown;
  }
  EXPECT_TRUE(absl::StrContains(
      Ok(*lpz_, "enroller", "LPZ", "lpz-enroller", {"member", "show", ana, "--json"}),
      "Ana Quispe"));

  // (b) Nothing of the LPZ person in anything SCZ is told, answers and errors alike.
  for (const auto& [role, command] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"enroller", {"member", "show", mallory, "--json"}},
           {"enroller", {"member", "list", "--chapter", scz_chapter, "--json"}},
           {"enroller", {"formation", "list", "--member", mallory, "--json"}},
           {"enroller", {"officer", "list", "--chapter", scz_chapter, "--json"}},
           {"enroller", {"member", "show", ana, "--json"}},
           {"enroller", {"formation", "list", "--member", ana}},
           {"enroller", {"member", "list", "--chapter", lpz_chapter}},
           {"enroller",
            {"member", "enrol", "--chapter", scz_chapter, "--name", "Mallory Twice",
             "--national-id", kNationalId}},
           {"operator", {"report", "duplicates", "--json"}},
           {"operator", {"audit", "--record", person}},
           {"operator", {"audit", "--record", ana}},
           {"operator", {"member", "export", "--region", "SCZ", dir_.Sub("scz.csv")}},
       }) {
    const bool probes_ids =
        absl::c_linear_search(command, ana) || absl::c_linear_search(command, lpz_chapter);
    seen_by_scz.push_back({Cli(*scz_, role, "SCZ", "scz-" + role, command), probes_ids});
  }
  seen_by_scz.back().result.out += ReadFile(dir_.Sub("scz.csv"));
  EXPECT_TRUE(absl::StrContains(seen_by_scz.back().result.out, "Mallory Guess"))
      << seen_by_scz.back().result.out;
  for (const Seen& seen : seen_by_scz) {
    const std::string all = seen.result.out + seen.result.err;
    std::vector<std::string> secrets = {kName, kGivenName, kBirthDate, kCourse, kRole};
    if (!seen.probes_ids) secrets.insert(secrets.end(), {ana, lpz_chapter});
    for (const std::string& secret : secrets) {
      EXPECT_FALSE(absl::StrContains(all, secret)) << "leaked " << secret << " in: " << all;
    }
  }
  // SCZ's operator may not audit the person, and the answer is that of no record.
  CommandResult audit_scz = Cli(*scz_, "operator", "SCZ", "scz-op", {"audit", "--record", person});
  EXPECT_NE(audit_scz.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(audit_scz.err, "NOT_FOUND")) << audit_scz.err;
  // (d) SCZ's operator sees no id of LPZ's in the duplicates report.
  const std::string scz_duplicates =
      Ok(*scz_, "operator", "SCZ", "scz-op", {"report", "duplicates", "--json"});
  EXPECT_FALSE(absl::StrContains(scz_duplicates, person)) << scz_duplicates;
  EXPECT_FALSE(absl::StrContains(scz_duplicates, "discrepancy")) << scz_duplicates;

  // (c) LPZ's operator and the national operator see the discrepancy and can audit
  // the person, with who wrote it.
  const std::string lpz_duplicates =
      Ok(*lpz_, "operator", "LPZ", "lpz-op", {"report", "duplicates", "--json"});
  EXPECT_TRUE(absl::StrContains(lpz_duplicates, "discrepancy")) << lpz_duplicates;
  EXPECT_TRUE(absl::StrContains(lpz_duplicates, person)) << lpz_duplicates;
  EXPECT_TRUE(absl::StrContains(lpz_duplicates, ana)) << lpz_duplicates;
  EXPECT_FALSE(absl::StrContains(lpz_duplicates, mallory)) << lpz_duplicates;
  EXPECT_FALSE(absl::StrContains(lpz_duplicates, "Mallory")) << lpz_duplicates;
  const std::string national_duplicates =
      Ok(*bo_, "operator", "BO", "olga", {"report", "duplicates", "--json"});
  EXPECT_TRUE(absl::StrContains(national_duplicates, "discrepancy")) << national_duplicates;
  EXPECT_TRUE(absl::StrContains(national_duplicates, mallory)) << national_duplicates;
  for (NodeProcess* node : {lpz_.get(), bo_.get()}) {
    const std::string region = node == lpz_.get() ? "LPZ" : "BO";
    const std::string trail =
        Ok(*node, "operator", region, "op", {"audit", "--record", person, "--json"});
    EXPECT_TRUE(absl::StrContains(trail, "scz-enroller")) << trail;
  }

  // The record of what was sent is durable: it is still reported after a restart.
  ASSERT_EQ(lpz_->Stop(), 0);
  lpz_ = Start("n-lpz", {"--peers", bo_->address()});
  ASSERT_NE(lpz_, nullptr);
  const std::string after_restart =
      Ok(*lpz_, "operator", "LPZ", "lpz-op", {"report", "duplicates", "--json"});
  EXPECT_TRUE(absl::StrContains(after_restart, "discrepancy")) << after_restart;
}

}  // namespace
}  // namespace pacto
