#include "client/demo/demo_federation.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto::demo {
namespace {

using ::testing::HasSubstr;

DemoFederation Generate(int members = 3000, uint64_t seed = 1) {
  DemoOptions options;
  options.members = members;
  options.seed = seed;
  absl::StatusOr<DemoFederation> demo = GenerateDemoFederation(options);
  EXPECT_TRUE(demo.ok()) << demo.status();
  return *std::move(demo);
}

// Everything in the federation as text, to compare two of them.
std::string Dump(const DemoFederation& d) {
  std::string out;
  for (const DemoRegion& r : d.regions) {
    absl::StrAppend(&out, "R ", r.code, ",", r.name, ",", r.level, ",", r.parent, "\n");
  }
  for (const DemoChapter& c : d.chapters) {
    absl::StrAppend(&out, "C ", c.name, ",", c.level, ",", c.sector, ",", c.region, ",", c.founded,
                    ",", c.parent, ",", c.expected_parent, "\n");
  }
  for (const DemoPerson& p : d.persons) {
    absl::StrAppend(&out, "P ", p.name, ",", p.national_id, ",", p.birth_date, ",", p.woman, "\n");
  }
  for (const DemoMembership& m : d.memberships) {
    absl::StrAppend(&out, "M ", m.person, ",", m.chapter, "\n");
  }
  for (const DemoOfficer& o : d.officers) {
    absl::StrAppend(&out, "O ", o.chapter, ",", o.membership, ",", o.role, ",", o.start_date, "\n");
  }
  for (const DemoFormation& f : d.formation) {
    absl::StrAppend(&out, "F ", f.membership, ",", f.course, ",", f.date, "\n");
  }
  return out;
}

int LevelRank(const std::string& level) {
  static const std::vector<std::string> levels = {"sindicato",  "subcentral",    "central",
                                                  "federation", "confederation", "pact"};
  for (size_t i = 0; i < levels.size(); ++i) {
    if (levels[i] == level) return static_cast<int>(i) + 1;
  }
  return 0;
}

// A strictly parsed "YYYY-MM-DD" that names a real day.
bool ValidDate(const std::string& text, absl::CivilDay* day) {
  if (text.size() != 10 || !absl::ParseCivilTime(text, day)) return false;
  return absl::FormatCivilTime(*day) == text;  // 2001-02-30 would normalise to 03-02
}

absl::CivilDay Day(const std::string& text) {
  absl::CivilDay day;
  EXPECT_TRUE(ValidDate(text, &day)) << text;
  return day;
}

// True when `chapter`'s chain of parents reaches the pact.
bool ReachesPact(const DemoFederation& d, int chapter) {
  for (int c = chapter; c >= 0; c = d.chapters[c].parent) {
    if (d.chapters[c].level == "pact") return true;
  }
  return false;
}

TEST(DemoFederationTest, SameSeedSameFederation) {
  EXPECT_EQ(Dump(Generate(3000, 7)), Dump(Generate(3000, 7)));
}

TEST(DemoFederationTest, OtherSeedOtherPeopleSameStructure) {
  const DemoFederation a = Generate(3000, 1);
  const DemoFederation b = Generate(3000, 2);
  EXPECT_NE(Dump(a), Dump(b));
  ASSERT_EQ(a.chapters.size(), b.chapters.size());
  for (size_t i = 0; i < a.chapters.size(); ++i) EXPECT_EQ(a.chapters[i].name, b.chapters[i].name);
}

TEST(DemoFederationTest, MembersOutOfRangeAreRejected) {
  DemoOptions options;
  options.members = MinDemoMembers() - 1;
  absl::StatusOr<DemoFederation> demo = GenerateDemoFederation(options);
  ASSERT_FALSE(demo.ok());
  EXPECT_EQ(demo.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(demo.status().message(), HasSubstr("members"));
  options.members = MinDemoMembers();
  EXPECT_TRUE(GenerateDemoFederation(options).ok());
}

TEST(DemoFederationTest, RegionsAreBoliviaItsDepartmentsAndProvinces) {
  const DemoFederation d = Generate();
  std::map<std::string, const DemoRegion*> by_code;
  for (const DemoRegion& r : d.regions) {
    if (!r.parent.empty()) {
      ASSERT_TRUE(by_code.count(r.parent)) << r.code << " comes before its parent " << r.parent;
    }
    EXPECT_TRUE(by_code.emplace(r.code, &r).second) << "duplicate region " << r.code;
  }
  std::vector<std::string> departments;
  for (const DemoRegion& r : d.regions) {
    if (r.level == "department") departments.push_back(r.code);
    if (r.level == "province") {
      EXPECT_EQ(by_code.at(r.parent)->level, "department") << r.code;
    }
  }
  EXPECT_EQ(absl::StrJoin(departments, ","), "LPZ,CBB,SCZ,ORU,PTS,CHQ,TJA,BEN,PND");
  EXPECT_EQ(by_code.at("BO")->level, "country");
  EXPECT_EQ(by_code.at("PTS")->name, "Potosí");
  for (const std::string& code : departments) {
    int provinces = 0;
    for (const DemoRegion& r : d.regions) provinces += r.parent == code;
    EXPECT_GE(provinces, 2) << code;
  }
}

TEST(DemoFederationTest, EveryParentHasAStrictlyHigherLevel) {
  const DemoFederation d = Generate();
  std::set<std::string> regions;
  for (const DemoRegion& r : d.regions) regions.insert(r.code);
  EXPECT_GT(d.chapters.size(), 100u);
  for (size_t i = 0; i < d.chapters.size(); ++i) {
    const DemoChapter& c = d.chapters[i];
    EXPECT_GT(LevelRank(c.level), 0) << c.name << ": " << c.level;
    EXPECT_TRUE(regions.count(c.region)) << c.name << ": " << c.region;
    if (c.parent < 0) continue;
    ASSERT_LT(c.parent, static_cast<int>(i)) << c.name << ": parent after child";
    EXPECT_GT(LevelRank(d.chapters[c.parent].level), LevelRank(c.level))
        << c.name << " (" << c.level << ") under " << d.chapters[c.parent].name;
  }
}

TEST(DemoFederationTest, ThePactAndTheConfederations) {
  const DemoFederation d = Generate();
  ASSERT_FALSE(d.chapters.empty());
  EXPECT_EQ(d.chapters[0].name, "Pacto de Unidad");
  EXPECT_EQ(d.chapters[0].level, "pact");
  EXPECT_EQ(d.chapters[0].region, "BO");
  std::vector<std::string> confederations;
  for (const DemoChapter& c : d.chapters) {
    if (c.level != "confederation") continue;
    EXPECT_EQ(c.parent, 0) << c.name;
    EXPECT_EQ(c.region, "BO") << c.name;
    confederations.push_back(c.name);
  }
  EXPECT_EQ(confederations.size(), 5u);
  EXPECT_THAT(absl::StrJoin(confederations, "; "),
              ::testing::AllOf(HasSubstr("CSUTCB"), HasSubstr("Bartolina Sisa"), HasSubstr("CSCIB"),
                               HasSubstr("CONAMAQ"), HasSubstr("CIDOB")));
}

TEST(DemoFederationTest, ExactlyOneFederationIsNotYetAffiliated) {
  const DemoFederation d = Generate();
  std::vector<int> roots;
  for (size_t i = 0; i < d.chapters.size(); ++i) {
    if (d.chapters[i].parent < 0) roots.push_back(static_cast<int>(i));
  }
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(d.chapters[roots[0]].level, "pact");
  const DemoChapter& pending = d.chapters[roots[1]];
  EXPECT_EQ(pending.level, "federation");
  EXPECT_EQ(pending.region, "PND");
  EXPECT_THAT(pending.name, HasSubstr("Bartolina Sisa"));
  ASSERT_GE(pending.expected_parent, 0);
  EXPECT_EQ(d.chapters[pending.expected_parent].level, "confederation");
  EXPECT_THAT(d.chapters[pending.expected_parent].name, HasSubstr("Bartolina Sisa"));
  for (size_t i = 0; i < d.chapters.size(); ++i) {
    if (static_cast<int>(i) != roots[1]) {
      EXPECT_EQ(d.chapters[i].expected_parent, -1);
    }
  }
}

TEST(DemoFederationTest, RegionsFollowTheLevels) {
  const DemoFederation d = Generate();
  std::map<std::string, std::string> level_of;
  for (const DemoRegion& r : d.regions) level_of[r.code] = r.level;
  for (const DemoChapter& c : d.chapters) {
    if (c.level == "pact" || c.level == "confederation") {
      EXPECT_EQ(level_of[c.region], "country");
    }
    if (c.level == "federation") {
      EXPECT_EQ(level_of[c.region], "department") << c.name;
    }
    if (c.level == "central" || c.level == "subcentral" || c.level == "sindicato") {
      EXPECT_EQ(level_of[c.region], "province") << c.name;
    }
  }
}

TEST(DemoFederationTest, MembersAreTheRequestedPeopleInSindicatos) {
  const DemoFederation d = Generate(3000);
  EXPECT_EQ(d.persons.size(), 3000u);
  std::vector<int> count(d.persons.size(), 0);
  std::set<std::pair<int, int>> pairs;
  for (const DemoMembership& m : d.memberships) {
    ASSERT_GE(m.person, 0);
    ASSERT_LT(m.person, static_cast<int>(d.persons.size()));
    EXPECT_EQ(d.chapters[m.chapter].level, "sindicato");
    EXPECT_TRUE(pairs.emplace(m.person, m.chapter).second) << "twice in one chapter";
    ++count[m.person];
  }
  for (int c : count) {
    EXPECT_GE(c, 1);
    EXPECT_LE(c, 2);
  }
  int with_id = 0;
  for (const DemoPerson& p : d.persons) {
    with_id += !p.national_id.empty();
    EXPECT_EQ(p.name.find("  "), std::string::npos);
    EXPECT_EQ(std::count(p.name.begin(), p.name.end(), ' '), 2) << p.name;
  }
  EXPECT_GT(with_id, 2700);  // most
  EXPECT_LT(with_id, 3000);  // not all
}

TEST(DemoFederationTest, NationalIdsAreUniqueExceptTheDeliberateDoubles) {
  const DemoFederation d = Generate(3000);
  // Import rows by national id.
  std::map<std::string, std::vector<const DemoMembership*>> rows;
  for (const DemoMembership& m : d.memberships) {
    const std::string& id = d.persons[m.person].national_id;
    if (!id.empty()) rows[id].push_back(&m);
  }
  int doubles = 0;
  for (const auto& [id, ms] : rows) {
    EXPECT_TRUE(id.size() == 6 || id.size() == 7) << id;
    if (ms.size() == 1) continue;
    ASSERT_EQ(ms.size(), 2u) << id;
    ++doubles;
    EXPECT_EQ(ms[0]->person, ms[1]->person) << "two people share " << id;
    EXPECT_NE(ms[0]->chapter, ms[1]->chapter);
    EXPECT_TRUE(d.persons[ms[0]->person].woman);
    EXPECT_THAT(d.chapters[ms[1]->chapter].name, HasSubstr("Bartolina Sisa"));
  }
  EXPECT_GE(doubles, 5);
  EXPECT_EQ(static_cast<size_t>(doubles), d.memberships.size() - d.persons.size());
  // People without a national id can be told apart within each chapter.
  std::set<std::pair<int, std::string>> keys;
  for (const DemoMembership& m : d.memberships) {
    const DemoPerson& p = d.persons[m.person];
    EXPECT_TRUE(keys.emplace(m.chapter, p.name + "|" + p.birth_date).second) << p.name;
  }
}

TEST(DemoFederationTest, AllDatesAreRealAndInThePast) {
  const DemoFederation d = Generate();
  const absl::CivilDay reference = Day(kReferenceDate);
  for (const DemoChapter& c : d.chapters) {
    if (!c.founded.empty()) {
      EXPECT_LT(Day(c.founded), reference) << c.name;
    }
  }
  for (const DemoPerson& p : d.persons) {
    const absl::CivilDay birth = Day(p.birth_date);
    EXPECT_GE(birth, absl::CivilDay(1950, 1, 1)) << p.birth_date;
    EXPECT_LE(birth, absl::CivilDay(2007, 12, 31)) << p.birth_date;
  }
  for (const DemoOfficer& o : d.officers) {
    const absl::CivilDay start = Day(o.start_date);
    EXPECT_LT(start, reference);
    const absl::CivilDay birth = Day(d.persons[d.memberships[o.membership].person].birth_date);
    EXPECT_LE(absl::CivilDay(birth.year() + 18, birth.month(), birth.day()), start)
        << "a minor as " << o.role;
  }
  for (const DemoFormation& f : d.formation) {
    const absl::CivilDay date = Day(f.date);
    EXPECT_LT(date, reference);
    const absl::CivilDay birth = Day(d.persons[d.memberships[f.membership].person].birth_date);
    EXPECT_GE(date, absl::CivilDay(birth.year() + 16, birth.month(), birth.day()));
  }
}

TEST(DemoFederationTest, OfficersHoldAMembershipInOrBeneathTheirChapter) {
  const DemoFederation d = Generate();
  std::set<int> chapters_with_officers;
  std::set<std::pair<int, std::string>> offices;
  for (const DemoOfficer& o : d.officers) {
    chapters_with_officers.insert(o.chapter);
    EXPECT_TRUE(offices.emplace(o.chapter, o.role).second) << "two " << o.role;
    EXPECT_FALSE(o.role.empty());
    bool within = false;
    for (int c = d.memberships[o.membership].chapter; c >= 0; c = d.chapters[c].parent) {
      within = within || c == o.chapter;
    }
    EXPECT_TRUE(within) << o.role << " of " << d.chapters[o.chapter].name;
  }
  int sindicatos = 0, sindicatos_with = 0, centrals = 0, centrals_with = 0;
  for (size_t i = 0; i < d.chapters.size(); ++i) {
    const bool with = chapters_with_officers.count(static_cast<int>(i)) > 0;
    if (d.chapters[i].level == "sindicato") {
      ++sindicatos;
      sindicatos_with += with;
    } else if (d.chapters[i].level == "central") {
      ++centrals;
      centrals_with += with;
    }
  }
  EXPECT_GT(sindicatos_with * 10, sindicatos * 7) << "most sindicatos have officers";
  EXPECT_LT(sindicatos_with, sindicatos) << "some have vacancies";
  EXPECT_GT(centrals_with * 10, centrals * 7) << "most centrals have officers";
}

TEST(DemoFederationTest, ManyYoungMembersHaveFormation) {
  const DemoFederation d = Generate();
  const absl::CivilDay under_30_from(1995, 1, 1);
  std::set<int> young, trained_young;
  for (size_t p = 0; p < d.persons.size(); ++p) {
    if (Day(d.persons[p].birth_date) > under_30_from) young.insert(static_cast<int>(p));
  }
  std::set<std::pair<int, std::string>> courses;
  for (const DemoFormation& f : d.formation) {
    const int person = d.memberships[f.membership].person;
    if (young.count(person)) trained_young.insert(person);
    EXPECT_TRUE(courses.emplace(person, f.course).second) << "one course twice";
  }
  EXPECT_GT(young.size(), 300u);
  EXPECT_GT(trained_young.size() * 2, young.size());
}

TEST(DemoFederationTest, SomeActiveMembersAreNotYetFederationMembers) {
  const DemoFederation d = Generate();
  std::set<int> active, federation;
  for (const DemoMembership& m : d.memberships) {
    active.insert(m.person);
    if (ReachesPact(d, m.chapter)) federation.insert(m.person);
  }
  EXPECT_EQ(active.size(), d.persons.size());
  EXPECT_GT(federation.size(), 0u);
  EXPECT_LT(federation.size(), active.size());
}

}  // namespace
}  // namespace pacto::demo
