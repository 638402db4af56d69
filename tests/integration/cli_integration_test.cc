// The pacto CLI against a real pacto-node, used only as a user would use it: every
// write and read goes through the `pacto` binary, and what it prints (text, --json,
// the error line, the exit code) is what is checked (DESIGN §2.1).
//
// --json output is parsed back into the response's own proto message, which also
// checks that the field names are the proto's snake_case ones (unknown fields fail).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "pacto/v1/admin.pb.h"
#include "pacto/v1/model.pb.h"
#include "pacto/v1/registry.pb.h"
#include "pacto/v1/reports.pb.h"
#include "tests/support/processes.h"

namespace pacto {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::string Describe(const std::vector<std::string>& args, const CommandResult& r) {
  return absl::StrCat("pacto ", absl::StrJoin(args, " "), "\nexit ", r.exit_code,
                      "\nstdout: ", r.out.substr(0, 2000), "\nstderr: ", r.err);
}

// Next year's first day: a birth date in the future on any day the test runs.
std::string NextYear() {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  return absl::StrFormat("%04d-01-01", today.year() + 1);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { StartNode(); }

  void StartNode() {
    absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
        {.data_dir = dir_.Sub("data"), .node_id = "n1", .region = "BO", .extra_args = {}});
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
  }

  // Runs `pacto --node ADDR args...`.
  CommandResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--node", node_->address()});
    return RunCli(args);
  }

  // Runs a command that must succeed; returns its stdout without the final newline.
  std::string Ok(const std::vector<std::string>& args) {
    CommandResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
    EXPECT_EQ(r.err, "") << Describe(args, r);
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  // Runs a command with --json that must succeed and parses its output as `M`.
  template <typename M>
  M Json(std::vector<std::string> args) {
    args.push_back("--json");
    const std::string out = Ok(args);
    M message;
    auto status = google::protobuf::util::JsonStringToMessage(out, &message);
    EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << out.substr(0, 2000);
    return message;
  }

  // Runs a command that must fail with `exit_code` and exactly one stderr line that
  // begins with `prefix` (e.g. "error: INVALID_ARGUMENT: name: "), printing nothing.
  void Fails(const std::vector<std::string>& args, int exit_code, const std::string& prefix) {
    CommandResult r = Cli(args);
    EXPECT_EQ(r.exit_code, exit_code) << Describe(args, r);
    EXPECT_TRUE(absl::StartsWith(r.err, prefix)) << "want prefix: " << prefix << "\n"
                                                 << Describe(args, r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << Describe(args, r);
    EXPECT_TRUE(absl::EndsWith(r.err, "\n")) << Describe(args, r);
    EXPECT_EQ(r.out, "") << Describe(args, r);
  }

  v1::SummaryResponse Summary() { return Json<v1::SummaryResponse>({"report", "summary"}); }
  v1::StatusResponse Status() { return Json<v1::StatusResponse>({"node", "status"}); }

  std::vector<std::string> MemberIds(const std::string& chapter, bool all = false) {
    std::vector<std::string> args = {"member", "list", "--chapter", chapter};
    if (all) args.push_back("--all");
    std::vector<std::string> ids;
    const v1::ListMembersResponse list = Json<v1::ListMembersResponse>(args);
    for (const v1::Membership& m : list.members()) {
      EXPECT_EQ(m.chapter_id(), chapter);
      ids.push_back(m.id());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  ScratchDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

// chapters, active_members, federation_members and persons, as one comparable value.
std::vector<uint32_t> Counts(const v1::SummaryResponse& s) {
  return {s.chapters(), s.active_members(), s.federation_members(), s.persons()};
}

std::map<std::string, uint64_t> VersionVector(const v1::StatusResponse& s) {
  return std::map<std::string, uint64_t>(s.version_vector().begin(), s.version_vector().end());
}

std::map<std::string, uint32_t> ByLevel(const v1::SummaryResponse& s) {
  std::map<std::string, uint32_t> levels;
  for (const v1::LevelCount& l : s.chapters_by_level()) {
    if (l.chapters() > 0) levels[l.level()] = l.chapters();
  }
  return levels;
}

TEST_F(CliTest, FederationTreeMembershipsAndReports) {
  // Regions: a country and two departments, one with its level derived from the parent.
  EXPECT_EQ(Ok({"region", "add", "BO", "--name", "Bolivia"}), "BO");
  EXPECT_EQ(Ok({"region", "add", "LPZ", "--name", "La Paz", "--parent", "BO"}), "LPZ");
  EXPECT_EQ(Ok({"region", "add", "CBB", "--name", "Cochabamba", "--parent", "BO", "--level",
                "department"}),
            "CBB");
  std::map<std::string, v1::Region> regions;
  const v1::ListRegionsResponse region_list = Json<v1::ListRegionsResponse>({"region", "list"});
  for (const v1::Region& r : region_list.regions()) {
    regions[r.code()] = r;
  }
  ASSERT_EQ(regions.size(), 3u);
  EXPECT_EQ(regions["BO"].level(), "country");
  EXPECT_EQ(regions["BO"].parent(), "");
  EXPECT_EQ(regions["LPZ"].level(), "department");
  EXPECT_EQ(regions["LPZ"].parent(), "BO");
  EXPECT_EQ(regions["CBB"].name(), "Cochabamba");

  // The tree: pact ← confederation ← departmental federation ← central ← sindicatos.
  // The federation is affiliated later, with `pacto affiliate`, so its subtree is not
  // connected to the pact at first.
  auto add = [&](const std::string& name, const std::string& region, const std::string& level,
                 const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"chapter",  "add",  "--name",  name,
                                     "--region", region, "--level", level};
    args.insert(args.end(), more.begin(), more.end());
    const std::string id = Ok(args);
    EXPECT_TRUE(absl::StartsWith(id, "ch-")) << id;
    EXPECT_THAT(id, Not(::testing::HasSubstr("\n")));
    return id;
  };
  const std::string pact = add("Pacto de Unidad", "BO", "pact");
  const std::string conf = add("CSUTCB", "BO", "confederation", {"--parent", pact});
  const std::string fed = add("Federación Departamental Túpac Katari", "LPZ", "federation");
  const std::string central = add("Central Agraria Achacachi", "LPZ", "central", {"--parent", fed});
  const std::string s1 = add("Sindicato Agrario Cota Cota", "LPZ", "sindicato",
                             {"--parent", central, "--sector", "agrario"});
  const std::string s2 = add("Sindicato Huarina", "LPZ", "sindicato");
  const std::string loose = add("Sindicato Independiente Quillacollo", "CBB", "sindicato");

  const v1::Affiliation s2_up = Json<v1::Affiliation>({"affiliate", s2, central});
  EXPECT_EQ(s2_up.child(), s2);
  EXPECT_EQ(s2_up.parent(), central);
  EXPECT_EQ(s2_up.status(), "active");

  const v1::Chapter s1_shown = Json<v1::Chapter>({"chapter", "show", s1});
  EXPECT_EQ(s1_shown.id(), s1);
  EXPECT_EQ(s1_shown.name(), "Sindicato Agrario Cota Cota");
  EXPECT_EQ(s1_shown.level(), "sindicato");
  EXPECT_EQ(s1_shown.region(), "LPZ");
  EXPECT_EQ(s1_shown.sector(), "agrario");
  EXPECT_EQ(s1_shown.parent(), central);
  EXPECT_EQ(Json<v1::Chapter>({"chapter", "show", fed}).parent(), "");
  EXPECT_EQ(Json<v1::Chapter>({"chapter", "show", fed}).name(),
            "Federación Departamental Túpac Katari");
  std::vector<std::string> in_lpz;
  const v1::ListChaptersResponse lpz =
      Json<v1::ListChaptersResponse>({"chapter", "list", "--region", "LPZ"});
  for (const v1::Chapter& c : lpz.chapters()) {
    in_lpz.push_back(c.id());
  }
  EXPECT_THAT(in_lpz, UnorderedElementsAre(fed, central, s1, s2));

  // Members, with and without a national id. Juan and María belong to two chapters
  // each, as one person (the national id makes the person's key).
  auto enrol = [&](const std::string& chapter, const std::string& name,
                   const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"member", "enrol", "--chapter", chapter, "--name", name};
    args.insert(args.end(), more.begin(), more.end());
    const std::string id = Ok(args);
    EXPECT_TRUE(absl::StartsWith(id, "mb-")) << id;
    return id;
  };
  const std::string juan_s1 =
      enrol(s1, "Juan Mamani", {"--national-id", "4567890", "--birth-date", "1980-05-01"});
  const std::string juan_loose = enrol(loose, "Juan Mamani", {"--national-id", "4567890"});
  const std::string maria_s1 = enrol(s1, "María Quispe", {"--national-id", "5678901"});
  const std::string maria_s2 = enrol(s2, "María Quispe", {"--national-id", "5678901"});
  const std::string pedro = enrol(loose, "Pedro Condori");
  const std::string rosa_s2 = enrol(s2, "Rosa Choque", {"--birth-date", "1995-11-30"});
  const std::string luis = enrol(s2, "Luis Apaza", {"--national-id", "6789012"});
  const std::string carla =
      enrol(s1, "Carla Huanca", {"--national-id", "7890123", "--birth-date", "1990-02-28"});
  const std::string ana = enrol(s1, "Ana Limachi");

  const v1::Membership juan = Json<v1::Membership>({"member", "show", juan_s1});
  EXPECT_EQ(juan.id(), juan_s1);
  EXPECT_EQ(juan.chapter_id(), s1);
  EXPECT_EQ(juan.status(), "active");
  EXPECT_EQ(juan.person().name(), "Juan Mamani");
  EXPECT_EQ(juan.person().national_id(), "4567890");
  EXPECT_EQ(juan.person().birth_date(), "1980-05-01");
  EXPECT_FALSE(juan.person_id().empty());
  EXPECT_EQ(Json<v1::Membership>({"member", "show", juan_loose}).person_id(), juan.person_id());
  const v1::Membership pedro_shown = Json<v1::Membership>({"member", "show", pedro});
  EXPECT_EQ(pedro_shown.person().national_id(), "");
  EXPECT_EQ(pedro_shown.person().name(), "Pedro Condori");
  EXPECT_NE(pedro_shown.person_id(), juan.person_id());
  // The text form shows the person's name too.
  EXPECT_THAT(Ok({"member", "show", maria_s2}), ::testing::HasSubstr("María Quispe"));
  EXPECT_THAT(MemberIds(s1), UnorderedElementsAre(juan_s1, maria_s1, carla, ana));
  EXPECT_THAT(MemberIds(s2), UnorderedElementsAre(maria_s2, rosa_s2, luis));

  // Nothing reaches the pact yet: everyone is active, nobody a federation member.
  // chapters, active_members, federation_members, persons:
  EXPECT_THAT(Counts(Summary()), ElementsAre(7, 7, 0, 7));

  // Affiliating the departmental federation connects its whole subtree: everyone in
  // s1 or s2 (Juan, María once, Rosa, Luis, Carla, Ana); Pedro is only in `loose`.
  const v1::Affiliation fed_up = Json<v1::Affiliation>({"affiliate", fed, conf});
  EXPECT_EQ(fed_up.parent(), conf);
  EXPECT_THAT(Counts(Summary()), ElementsAre(7, 7, 6, 7));

  // Transfer: the old membership is kept as "transferred", the new one is active.
  const std::string rosa_s1 = Ok({"member", "transfer", rosa_s2, "--to", s1});
  EXPECT_TRUE(absl::StartsWith(rosa_s1, "mb-")) << rosa_s1;
  EXPECT_NE(rosa_s1, rosa_s2);
  const v1::Membership rosa_old = Json<v1::Membership>({"member", "show", rosa_s2});
  EXPECT_EQ(rosa_old.status(), "transferred");
  EXPECT_EQ(rosa_old.transferred_to(), rosa_s1);
  EXPECT_FALSE(rosa_old.until().empty());
  const v1::Membership rosa_new = Json<v1::Membership>({"member", "show", rosa_s1});
  EXPECT_EQ(rosa_new.status(), "active");
  EXPECT_EQ(rosa_new.chapter_id(), s1);
  EXPECT_EQ(rosa_new.transferred_from(), rosa_s2);
  EXPECT_EQ(rosa_new.person_id(), rosa_old.person_id());
  EXPECT_EQ(rosa_new.person().birth_date(), "1995-11-30");

  // End: kept as history, out of the active list.
  const v1::Membership luis_ended = Json<v1::Membership>({"member", "end", luis});
  EXPECT_EQ(luis_ended.status(), "ended");
  EXPECT_EQ(Json<v1::Membership>({"member", "show", luis}).status(), "ended");
  EXPECT_THAT(MemberIds(s1), UnorderedElementsAre(juan_s1, maria_s1, carla, ana, rosa_s1));
  EXPECT_THAT(MemberIds(s2), UnorderedElementsAre(maria_s2));
  EXPECT_THAT(MemberIds(s2, /*all=*/true), UnorderedElementsAre(maria_s2, rosa_s2, luis));
  // Luis is no longer active anywhere: 6 active, 5 in the federation.
  EXPECT_THAT(Counts(Summary()), ElementsAre(7, 6, 5, 7));

  // Officers (a member of a sindicato may hold office in a body above it) and
  // formation records.
  const std::string term_ana = Ok({"officer", "appoint", "--chapter", s1, "--member", ana, "--role",
                                   "Secretaria General", "--from", "2024-01-01"});
  const std::string term_carla =
      Ok({"officer", "appoint", "--chapter", s1, "--member", carla, "--role", "Actas"});
  const std::string term_juan = Ok({"officer", "appoint", "--chapter", fed, "--member", juan_s1,
                                    "--role", "Secretario Ejecutivo"});
  std::map<std::string, v1::OfficerTerm> s1_terms;
  const v1::ListOfficersResponse s1_list =
      Json<v1::ListOfficersResponse>({"officer", "list", "--chapter", s1});
  for (const v1::OfficerTerm& t : s1_list.terms()) {
    s1_terms[t.id()] = t;
  }
  ASSERT_EQ(s1_terms.size(), 2u);
  ASSERT_EQ(s1_terms.count(term_ana), 1u);
  EXPECT_EQ(s1_terms[term_ana].membership_id(), ana);
  EXPECT_EQ(s1_terms[term_ana].start_date(), "2024-01-01");
  EXPECT_EQ(s1_terms.count(term_carla), 1u);
  const v1::ListOfficersResponse fed_terms =
      Json<v1::ListOfficersResponse>({"officer", "list", "--chapter", fed});
  ASSERT_EQ(fed_terms.terms_size(), 1);
  EXPECT_EQ(fed_terms.terms(0).id(), term_juan);
  EXPECT_EQ(fed_terms.terms(0).person_id(), juan.person_id());

  const std::string course_carla = Ok({"formation", "record", "--member", carla, "--course",
                                       "Escuela de Formación Política", "--date", "2023-06-10"});
  const std::string course_ana = Ok({"formation", "record", "--member", ana, "--course",
                                     "Historia del Movimiento Campesino", "--date", "2022-03-01"});
  const v1::ListFormationResponse carla_courses =
      Json<v1::ListFormationResponse>({"formation", "list", "--member", carla});
  ASSERT_EQ(carla_courses.records_size(), 1);
  EXPECT_EQ(carla_courses.records(0).id(), course_carla);
  EXPECT_EQ(carla_courses.records(0).course(), "Escuela de Formación Política");
  EXPECT_EQ(carla_courses.records(0).date(), "2023-06-10");

  // Erasure of Carla's only membership takes her person, office and courses with it.
  const v1::RemoveMemberResponse removed =
      Json<v1::RemoveMemberResponse>({"member", "remove", carla});
  EXPECT_EQ(removed.membership_id(), carla);
  EXPECT_TRUE(removed.person_erased());
  EXPECT_EQ(removed.officer_terms_erased(), 1u);
  EXPECT_EQ(removed.formation_records_erased(), 1u);
  Fails({"member", "show", carla}, 1, "error: NOT_FOUND: ");
  Fails({"formation", "list", "--member", carla}, 1, "error: NOT_FOUND: ");
  EXPECT_THAT(MemberIds(s1, /*all=*/true), Not(::testing::Contains(carla)));
  const v1::ListOfficersResponse s1_after =
      Json<v1::ListOfficersResponse>({"officer", "list", "--chapter", s1});
  ASSERT_EQ(s1_after.terms_size(), 1);
  EXPECT_EQ(s1_after.terms(0).id(), term_ana);
  // Enrolled again later, she is the same key (her national id) with none of the old
  // data: no birth date, no courses, no office.
  const std::string carla_again = enrol(loose, "Carla Huanca", {"--national-id", "7890123"});
  const v1::Membership carla_new = Json<v1::Membership>({"member", "show", carla_again});
  EXPECT_EQ(carla_new.person().birth_date(), "");
  EXPECT_THAT(
      Json<v1::ListFormationResponse>({"formation", "list", "--member", carla_again}).records(),
      IsEmpty());

  // Erasing one of two memberships keeps the person.
  const v1::RemoveMemberResponse juan_removed =
      Json<v1::RemoveMemberResponse>({"member", "remove", juan_loose});
  EXPECT_FALSE(juan_removed.person_erased());
  EXPECT_EQ(Json<v1::Membership>({"member", "show", juan_s1}).person().birth_date(), "1980-05-01");
  const v1::ListFormationResponse ana_courses =
      Json<v1::ListFormationResponse>({"formation", "list", "--member", ana});
  ASSERT_EQ(ana_courses.records_size(), 1);
  EXPECT_EQ(ana_courses.records(0).id(), course_ana);

  // The report, by hand: 7 chapters; active: Juan (s1), María (s1, s2: counted once),
  // Pedro (loose), Rosa (s1), Ana (s1), Carla (loose) = 6; federation members: those
  // in s1 or s2 = Juan, María, Rosa, Ana = 4; persons: those 6 and Luis (ended) = 7.
  const v1::SummaryResponse summary = Summary();
  EXPECT_THAT(Counts(summary), ElementsAre(7, 6, 4, 7));
  EXPECT_EQ(
      ByLevel(summary),
      (std::map<std::string, uint32_t>{
          {"central", 1}, {"confederation", 1}, {"federation", 1}, {"pact", 1}, {"sindicato", 3}}));
  EXPECT_EQ(summary.as_of_node(), "n1");
  // The counts are JSON numbers (they are 32-bit), not strings.
  const std::string raw_summary = Ok({"report", "summary", "--json"});
  EXPECT_THAT(raw_summary, ::testing::HasSubstr("\"chapters\":7"));
  EXPECT_THAT(raw_summary, ::testing::HasSubstr("\"active_members\":6"));
  EXPECT_THAT(raw_summary, ::testing::HasSubstr("\"federation_members\":4"));
  // The text table names the same metrics.
  const std::string text_summary = Ok({"report", "summary"});
  EXPECT_THAT(text_summary, ::testing::ContainsRegex("active_members +6"));
  EXPECT_THAT(text_summary, ::testing::ContainsRegex("federation_members +4"));

  // Node status: id, region, a digest that follows every write, and a version vector
  // that counts this node's writes.
  const v1::StatusResponse before = Status();
  EXPECT_EQ(before.node_id(), "n1");
  EXPECT_EQ(before.region(), "BO");
  EXPECT_FALSE(before.digest().empty());
  ASSERT_EQ(before.version_vector().count("n1"), 1u) << before.DebugString();
  EXPECT_GT(before.version_vector().at("n1"), 0u);
  EXPECT_EQ(
      Json<v1::Chapter>({"chapter", "update", s2, "--name", "Sindicato Agrario Huarina"}).name(),
      "Sindicato Agrario Huarina");
  const v1::StatusResponse after = Status();
  EXPECT_NE(after.digest(), before.digest());
  EXPECT_EQ(after.version_vector().at("n1"), before.version_vector().at("n1") + 1);
  // 64-bit integers are JSON strings in proto3 JSON.
  EXPECT_THAT(
      Ok({"node", "status", "--json"}),
      ::testing::HasSubstr(absl::StrCat("\"n1\":\"", after.version_vector().at("n1"), "\"")));
}

TEST_F(CliTest, BadInputIsRefusedNamingTheField) {
  Ok({"region", "add", "BO", "--name", "Bolivia"});
  const std::string pact =
      Ok({"chapter", "add", "--name", "Pacto", "--region", "BO", "--level", "pact"});
  const std::string central =
      Ok({"chapter", "add", "--name", "Central", "--region", "BO", "--level", "central"});
  const std::string s1 = Ok({"chapter", "add", "--name", "S1", "--region", "BO", "--level",
                             "sindicato", "--parent", central});
  const std::string member =
      Ok({"member", "enrol", "--chapter", s1, "--name", "Eva Ticona", "--national-id", "1234567"});
  const v1::StatusResponse before = Status();

  const std::string kInvalid = "error: INVALID_ARGUMENT: ";
  auto enrol = [&](const std::string& name, const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"member", "enrol", "--chapter", s1, "--name", name};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  // Names: empty, blank, too long (201 characters, 2 bytes each), a control character.
  // (Invalid UTF-8 has a test of its own below.)
  Fails(enrol(""), 1, kInvalid + "name: ");
  Fails(enrol("   "), 1, kInvalid + "name: ");
  std::string long_name;
  for (int i = 0; i < 201; ++i) long_name += "ñ";
  Fails(enrol(long_name), 1, kInvalid + "name: ");
  Fails(enrol(std::string("Tab\x01Name")), 1, kInvalid + "name: ");
  // A name of exactly 200 characters is fine.
  Ok(enrol(long_name.substr(2)));

  // Dates: impossible days, a future birth date, a malformed one.
  Fails(enrol("Ana", {"--birth-date", "2001-02-30"}), 1, kInvalid + "birth_date: ");
  Fails(enrol("Ana", {"--birth-date", "1990-13-45"}), 1, kInvalid + "birth_date: ");
  Fails(enrol("Ana", {"--birth-date", NextYear()}), 1, kInvalid + "birth_date: ");
  Fails(enrol("Ana", {"--birth-date", "12/05/1990"}), 1, kInvalid + "birth_date: ");
  Fails({"chapter", "add", "--name", "X", "--region", "BO", "--level", "sindicato", "--founded",
         "2019-02-29"},
        1, kInvalid + "founded: ");
  Fails({"formation", "record", "--member", member, "--course", "Curso", "--date", "2023-04-31"}, 1,
        kInvalid + "date: ");
  Fails({"member", "end", member, "--date", NextYear()}, 1, kInvalid + "date: ");
  Fails(enrol("Ana", {"--national-id", "12"}), 1, kInvalid + "national_id: ");

  // Levels and regions.
  Fails({"chapter", "add", "--name", "X", "--region", "BO", "--level", "village"}, 1,
        kInvalid + "level: ");
  Fails({"region", "add", "LPZ", "--name", "La Paz", "--parent", "BO", "--level", "galaxy"}, 1,
        kInvalid + "level: ");
  Fails({"chapter", "add", "--name", "X", "--region", "ZZ", "--level", "sindicato"}, 1,
        kInvalid + "region: ");
  Fails({"region", "add", "B O", "--name", "Espacio"}, 1, kInvalid + "code: ");
  Fails({"region", "add", "LPZ", "--name", "La Paz", "--parent", "XX"}, 1, kInvalid + "parent: ");

  // References to chapters that do not exist.
  Fails({"member", "enrol", "--chapter", "ch-doesnotexist", "--name", "Ana"}, 1,
        kInvalid + "chapter: ");
  Fails({"member", "transfer", member, "--to", "ch-doesnotexist"}, 1, kInvalid + "to_chapter: ");
  Fails({"chapter", "add", "--name", "X", "--region", "BO", "--level", "sindicato", "--parent",
         "ch-doesnotexist"},
        1, kInvalid + "parent: ");

  // The structure's rules: a parent of a lower (or the same) level, a cycle. Levels
  // strictly increase upward, so the only cycle a registry can be asked for is a
  // chapter affiliating to itself.
  Fails({"affiliate", central, s1}, 1, kInvalid + "parent: ");
  Fails({"chapter", "add", "--name", "X", "--region", "BO", "--level", "central", "--parent",
         central},
        1, kInvalid + "parent: ");
  Fails({"affiliate", pact, pact}, 1, kInvalid + "parent: ");
  Fails({"affiliate", s1, s1}, 1, kInvalid + "parent: ");

  // Missing records: NOT_FOUND.
  Fails({"member", "show", "mb-doesnotexist"}, 1, "error: NOT_FOUND: ");
  Fails({"member", "end", "mb-doesnotexist"}, 1, "error: NOT_FOUND: ");
  Fails({"member", "remove", "mb-doesnotexist"}, 1, "error: NOT_FOUND: ");
  Fails({"chapter", "show", "ch-doesnotexist"}, 1, "error: NOT_FOUND: ");
  Fails({"chapter", "update", "ch-doesnotexist", "--name", "Nuevo"}, 1, "error: NOT_FOUND: ");

  // Duplicates: ALREADY_EXISTS.
  Fails({"region", "add", "BO", "--name", "Bolivia otra vez"}, 1, "error: ALREADY_EXISTS: code: ");
  Fails(enrol("Eva Ticona", {"--national-id", "1234567"}), 1,
        "error: ALREADY_EXISTS: national_id: ");
  // The national id is normalised (dots, hyphens and spaces dropped) before it is keyed.
  Fails(enrol("Eva Ticona", {"--national-id", "1.234-567"}), 1,
        "error: ALREADY_EXISTS: national_id: ");
  Fails({"affiliate", s1, central}, 1, "error: ALREADY_EXISTS: parent: ");

  // Usage errors: exit 2, nothing sent.
  Fails({"member", "enrol", "--chapter", s1}, 2, "error: ");
  Fails({"member", "show"}, 2, "error: ");
  Fails({"member", "frobnicate"}, 2, "error: ");
  Fails({"frobnicate"}, 2, "error: ");
  Fails({"member", "list", "--chapter", s1, "--bogus"}, 2, "error: ");
  Fails({"member", "show", member, "extra"}, 2, "error: ");
  Fails({"report", "summary", "--json", "--csv"}, 2, "error: ");
  Fails({"node", "status", "--timeout", "soon"}, 2, "error: ");
  CommandResult no_command = RunCli({});
  EXPECT_EQ(no_command.exit_code, 2) << no_command.err;

  // An unreachable node: exit 1, UNAVAILABLE naming the address.
  CommandResult unreachable = RunCli({"--node", "127.0.0.1:1", "node", "status"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_TRUE(absl::StartsWith(unreachable.err, "error: UNAVAILABLE: ")) << unreachable.err;
  EXPECT_THAT(unreachable.err, ::testing::HasSubstr("127.0.0.1:1"));

  // Of all of that, only the 200-character enrolment was written.
  const v1::StatusResponse after = Status();
  EXPECT_EQ(after.version_vector().at("n1"), before.version_vector().at("n1") + 1);
  EXPECT_THAT(Counts(Summary()), ElementsAre(3, 2, 0, 2));
}

// Text that is not UTF-8 (raw bytes in argv, as a Latin-1 terminal would send them)
// is bad input like any other: INVALID_ARGUMENT naming the field, one error line.
TEST_F(CliTest, InvalidUtf8IsRefusedNamingTheField) {
  Ok({"region", "add", "BO", "--name", "Bolivia"});
  const std::string s1 =
      Ok({"chapter", "add", "--name", "S1", "--region", "BO", "--level", "sindicato"});
  const std::string kInvalid = "error: INVALID_ARGUMENT: ";
  Fails({"member", "enrol", "--chapter", s1, "--name",
         std::string("Jos\xC3\x28 Ca\xF1"
                     "ete")},
        1, kInvalid + "name: ");
  Fails({"chapter", "add", "--name", std::string("Sindicato \xD1uflo"), "--region", "BO", "--level",
         "sindicato"},
        1, kInvalid + "name: ");
  EXPECT_THAT(Counts(Summary()), ElementsAre(1, 0, 0, 0));
}

// A member file saved as Latin-1 (as spreadsheet programs often do): the row whose
// name is not UTF-8 is reported by its line, like any bad row, and every other row
// lands, in the batches before and after it alike.
TEST_F(CliTest, ImportReportsRowsThatAreNotUtf8ByLine) {
  constexpr int kRows = 1200;
  constexpr int kLatin1Line = 702;  // in the file's second batch of rows
  Ok({"region", "add", "BO", "--name", "Bolivia"});
  const std::string s1 =
      Ok({"chapter", "add", "--name", "S1", "--region", "BO", "--level", "sindicato"});
  std::string csv = "chapter,name\n";
  for (int line = 2; line < kRows + 2; ++line) {
    absl::StrAppend(&csv, s1, line == kLatin1Line ? ",Jos\xE9 Ca\xF1o " : ",Persona ", line, "\n");
  }
  const std::string csv_path = dir_.Sub("latin1.csv");
  ASSERT_TRUE(WriteFile(csv_path, csv));
  const std::vector<std::string> args = {"member", "import", csv_path};
  CommandResult r = Cli(args);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_THAT(
      r.out, ::testing::HasSubstr(absl::StrCat("line ", kLatin1Line, ": INVALID_ARGUMENT: name: ")))
      << Describe(args, r);
  EXPECT_THAT(r.out, ::testing::HasSubstr(
                         absl::StrCat("imported ", kRows - 1, " of ", kRows, " rows; 1 rejected")))
      << Describe(args, r);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << Describe(args, r);
  EXPECT_THAT(Counts(Summary()), ElementsAre(1, kRows - 1, 0, kRows - 1));
}

// A generated member CSV: good rows spread over three chapters (two connected to the
// pact, one not), and bad rows of every kind at known lines.
struct ImportCase {
  std::string csv;
  // Line → the start of its report entry: "CODE: field:".
  std::map<uint64_t, std::string> bad;
  // Chapter → the names of its good rows, sorted.
  std::map<std::string, std::vector<std::string>> names;
  // Distinct people among the good rows, and those with a row in a connected chapter.
  std::set<std::string> persons;
  std::set<std::string> federation_persons;
  int good_rows = 0;
};

// `chapters[0..1]` are connected, `chapters[2]` is not. The person enrolled before the
// import, with national id `existing_id`, is in `chapters[0]`.
ImportCase MakeImport(const std::vector<std::string>& chapters, const std::string& existing_id,
                      int rows) {
  ImportCase c;
  // An extra column is allowed and ignored.
  c.csv = "chapter,name,national_id,birth_date,notes\n";
  std::map<int, int> bad_kind;  // row index → kind
  for (int k = 0; k < 30; ++k) bad_kind[17 + k * 331] = k % 10;
  const std::string future = NextYear();
  std::map<std::string, std::string> last_id_in;  // chapter → a national id enrolled there
  std::string previous_id, previous_name, previous_chapter;
  for (int i = 0; i < rows; ++i) {
    const uint64_t line = static_cast<uint64_t>(i) + 2;
    const std::string chapter = chapters[i % 3];
    auto it = bad_kind.find(i);
    if (it != bad_kind.end()) {
      std::string row;
      switch (it->second) {
        case 0:
          row = absl::StrCat(chapter, ",,", 60000000 + i, ",1980-01-01,");
          c.bad[line] = "INVALID_ARGUMENT: name:";
          break;
        case 1:
          row = absl::StrCat(chapter, ",Fecha Imposible,,2001-02-30,");
          c.bad[line] = "INVALID_ARGUMENT: birth_date:";
          break;
        case 2:
          row = absl::StrCat(chapter, ",Mes Trece,,1990-13-45,");
          c.bad[line] = "INVALID_ARGUMENT: birth_date:";
          break;
        case 3:
          row = absl::StrCat(chapter, ",Nacido Mañana,,", future, ",");
          c.bad[line] = "INVALID_ARGUMENT: birth_date:";
          break;
        case 4:
          row = "ch-0000000000000000,Sin Sindicato,,,";
          c.bad[line] = "INVALID_ARGUMENT: chapter:";
          break;
        case 5:  // a quote inside an unquoted field
          row = absl::StrCat(chapter, ",Juan \"Chino\" Perez,,,");
          c.bad[line] = "INVALID_ARGUMENT: csv:";
          break;
        case 6:  // text after a closing quote
          row = absl::StrCat(chapter, ",\"Ana\" Maria,,,");
          c.bad[line] = "INVALID_ARGUMENT: csv:";
          break;
        case 7:  // a quoted field never closed on its line
          row = absl::StrCat(chapter, ",\"Sin Cerrar,,,");
          c.bad[line] = "INVALID_ARGUMENT: csv:";
          break;
        case 8:  // more fields than the header
          row = absl::StrCat(chapter, ",Campos De Mas,,1980-01-01,nota,sobra");
          c.bad[line] = "INVALID_ARGUMENT: csv:";
          break;
        case 9:  // someone already active in that chapter
          if (last_id_in.count(chapter) > 0 && (i / 10) % 2 == 1) {
            row = absl::StrCat(chapter, ",Repetido,", last_id_in[chapter], ",,");
          } else {
            row = absl::StrCat(chapters[0], ",Ya Inscrito,", existing_id, ",,");
          }
          c.bad[line] = "ALREADY_EXISTS: national_id:";
          break;
      }
      absl::StrAppend(&c.csv, row, "\n");
      previous_id.clear();
      continue;
    }

    std::string name = absl::StrCat("Persona Ñandú ", i);
    std::string national_id = i % 4 == 0 ? "" : absl::StrCat(70000000 + i);
    // Now and then the previous row's person again, in another chapter.
    if (i % 50 == 2 && !previous_id.empty() && previous_chapter != chapter) {
      national_id = previous_id;
      name = previous_name;
    }
    const std::string birth =
        i % 5 == 0 ? absl::StrFormat("19%02d-%02d-%02d", 50 + i % 50, 1 + i % 12, 1 + i % 28) : "";
    const std::string notes = i % 9 == 0 ? "nota libre" : "";
    if (national_id.empty() && birth.empty() && notes.empty()) {
      absl::StrAppend(&c.csv, chapter, ",", name, "\n");  // fewer fields: allowed
    } else {
      absl::StrAppend(&c.csv, chapter, ",", name, ",", national_id, ",", birth, ",", notes, "\n");
    }
    const std::string person = national_id.empty() ? absl::StrCat("row", i) : national_id;
    c.persons.insert(person);
    if (chapter != chapters[2]) c.federation_persons.insert(person);
    c.names[chapter].push_back(name);
    ++c.good_rows;
    if (!national_id.empty()) last_id_in[chapter] = national_id;
    previous_id = national_id;
    previous_name = name;
    previous_chapter = chapter;
  }
  for (auto& [chapter, names] : c.names) std::sort(names.begin(), names.end());
  return c;
}

TEST_F(CliTest, ImportReportsBadLinesLandsGoodRowsAndSurvivesRestart) {
  constexpr int kRows = 10000;
  Ok({"region", "add", "BO", "--name", "Bolivia"});
  const std::string pact =
      Ok({"chapter", "add", "--name", "Pacto", "--region", "BO", "--level", "pact"});
  const std::string fed = Ok({"chapter", "add", "--name", "Federación", "--region", "BO", "--level",
                              "federation", "--parent", pact});
  const std::vector<std::string> chapters = {
      Ok({"chapter", "add", "--name", "S-A", "--region", "BO", "--level", "sindicato", "--parent",
          fed}),
      Ok({"chapter", "add", "--name", "S-B", "--region", "BO", "--level", "sindicato", "--parent",
          fed}),
      Ok({"chapter", "add", "--name", "S-C", "--region", "BO", "--level", "sindicato"})};
  const std::string existing = Ok({"member", "enrol", "--chapter", chapters[0], "--name",
                                   "Ya Inscrito", "--national-id", "99000001"});

  const ImportCase import = MakeImport(chapters, "99000001", kRows);
  ASSERT_EQ(import.bad.size(), 30u);
  ASSERT_EQ(import.good_rows + 30, kRows);
  const std::string csv_path = dir_.Sub("members.csv");
  ASSERT_TRUE(WriteFile(csv_path, import.csv));

  const std::vector<std::string> args = {"member", "import", csv_path};
  CommandResult r = Cli(args);
  // Rejected rows make the command fail, with one error line, after the report.
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_EQ(r.err,
            absl::StrCat("error: INVALID_ARGUMENT: 30 of ", kRows, " rows rejected; the other ",
                         import.good_rows, " were imported\n"));
  std::map<uint64_t, std::string> reported;
  std::string last_line;
  for (absl::string_view line : absl::StrSplit(r.out, '\n', absl::SkipEmpty())) {
    last_line = std::string(line);
    if (!absl::ConsumePrefix(&line, "line ")) continue;
    const size_t colon = line.find(": ");
    uint64_t number = 0;
    ASSERT_TRUE(absl::SimpleAtoi(line.substr(0, colon), &number)) << line;
    EXPECT_EQ(reported.count(number), 0u) << "line " << number << " reported twice";
    reported[number] = std::string(line.substr(colon + 2));
  }
  std::vector<uint64_t> reported_lines, bad_lines;
  for (const auto& [line, message] : reported) reported_lines.push_back(line);
  for (const auto& [line, prefix] : import.bad) bad_lines.push_back(line);
  EXPECT_EQ(reported_lines, bad_lines);
  for (const auto& [line, prefix] : import.bad) {
    EXPECT_TRUE(absl::StartsWith(reported[line], prefix))
        << "line " << line << ": want " << prefix << ", reported: " << reported[line];
  }
  EXPECT_EQ(last_line,
            absl::StrCat("imported ", import.good_rows, " of ", kRows, " rows; 30 rejected"));

  // Every good row landed: the counts, and each chapter's member list, name by name.
  // The person enrolled before the import is in a connected chapter.
  const uint32_t persons = static_cast<uint32_t>(import.persons.size()) + 1;
  const uint32_t federation = static_cast<uint32_t>(import.federation_persons.size()) + 1;
  const v1::SummaryResponse summary = Summary();
  EXPECT_THAT(Counts(summary), ElementsAre(5, persons, federation, persons));
  std::map<std::string, std::vector<std::string>> listed;
  for (const std::string& chapter : chapters) {
    const v1::ListMembersResponse list =
        Json<v1::ListMembersResponse>({"member", "list", "--chapter", chapter});
    for (const v1::Membership& m : list.members()) {
      if (m.id() == existing) continue;
      EXPECT_EQ(m.status(), "active");
      listed[chapter].push_back(m.person().name());
    }
    std::sort(listed[chapter].begin(), listed[chapter].end());
    EXPECT_EQ(listed[chapter].size(), import.names.at(chapter).size()) << chapter;
    EXPECT_TRUE(listed[chapter] == import.names.at(chapter)) << chapter;
  }

  // A clean stop and a restart on the same data dir change nothing.
  const v1::StatusResponse status = Status();
  std::map<std::string, std::vector<std::string>> ids;
  for (const std::string& chapter : chapters) ids[chapter] = MemberIds(chapter, /*all=*/true);
  const std::string chapter_list = Ok({"chapter", "list", "--json"});

  EXPECT_EQ(node_->Stop(), 0) << node_->Log();
  EXPECT_THAT(node_->Log(), ::testing::HasSubstr("msg=stopped"));
  StartNode();
  const v1::StatusResponse restarted = Status();
  EXPECT_EQ(restarted.node_id(), "n1");
  EXPECT_EQ(restarted.digest(), status.digest());
  EXPECT_EQ(restarted.log_entries(), status.log_entries());
  EXPECT_EQ(VersionVector(restarted), VersionVector(status));
  const v1::SummaryResponse summary_after = Summary();
  EXPECT_EQ(Counts(summary_after), Counts(summary));
  EXPECT_EQ(ByLevel(summary_after), ByLevel(summary));
  for (const std::string& chapter : chapters) {
    EXPECT_TRUE(MemberIds(chapter, /*all=*/true) == ids[chapter]) << chapter;
  }
  EXPECT_EQ(Ok({"chapter", "list", "--json"}), chapter_list);
}

}  // namespace
}  // namespace pacto
