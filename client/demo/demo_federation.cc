#include "client/demo/demo_federation.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "client/demo/demo_catalog.h"

namespace pacto::demo {
namespace {

// splitmix64: tiny, and the same sequence on every platform and standard library (the
// <random> distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // In [0, n). REQUIRES: n > 0.
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  // In [lo, hi].
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& from) {
    return from[Below(static_cast<int>(from.size()))];
  }
  absl::CivilDay Day(absl::CivilDay first, absl::CivilDay last) {
    return first + Below(static_cast<int>(last - first) + 1);
  }

 private:
  uint64_t state_;
};

// Which movement a chapter belongs to: decides its officers' roles, who its members are,
// and which courses its school offers.
enum class Branch {
  kPact,
  kNational,
  kCampesino,
  kBartolina,
  kIntercultural,
  kAyllu,
  kGuarani,
  kMoxeno,
};

enum class Who { kAnyone, kWoman, kMan };

struct Role {
  const char* name;
  Who who;
};

// Offices each chapter fills, the first being its head. Ayllus and markas are led by a
// couple (chacha-warmi), Guaraní communities by their mburuvicha, Moxeño cabildos by
// their corregidor; the sindicatos have their secretariats.
std::vector<Role> RolesFor(Branch branch, const std::string& level) {
  const bool base = level == "sindicato";
  const bool federation = level == "federation";
  switch (branch) {
    case Branch::kCampesino:
    case Branch::kIntercultural:
      if (federation) return {{"secretario ejecutivo", Who::kAnyone}};
      return {{base ? "secretario general" : "secretario ejecutivo", Who::kAnyone},
              {"secretaria de actas", Who::kAnyone},
              {"secretario de hacienda", Who::kAnyone}};
    case Branch::kBartolina:
      if (federation) return {{"secretaria ejecutiva", Who::kWoman}};
      return {{base ? "secretaria general" : "secretaria ejecutiva", Who::kWoman},
              {"secretaria de actas", Who::kWoman},
              {"secretaria de hacienda", Who::kWoman}};
    case Branch::kAyllu:
      if (federation) return {};
      return {{base ? "jilaqata" : "mallku", Who::kMan}, {"mama t'alla", Who::kWoman}};
    case Branch::kGuarani:
      if (federation) return {};
      return {{base ? "mburuvicha" : "mburuvicha guasu", Who::kAnyone}};
    case Branch::kMoxeno:
      if (federation) return {};
      return {{"corregidor", Who::kAnyone}};
    case Branch::kPact:
    case Branch::kNational:
      return {};
  }
  return {};
}

// Share of women among a sindicato's members.
double WomenShare(Branch branch) {
  switch (branch) {
    case Branch::kBartolina:
      return 1.0;
    case Branch::kCampesino:
      return 0.35;
    case Branch::kIntercultural:
      return 0.4;
    default:
      return 0.5;
  }
}

// Relative size of a sindicato of `branch` among `people`.
int Weight(Branch branch, People people) {
  switch (branch) {
    case Branch::kCampesino:
      return people == People::kAymara || people == People::kQuechua ? 5 : 4;
    case Branch::kMoxeno:
      return 2;
    default:
      return 3;
  }
}

const std::vector<std::string>& BranchCourses(Branch branch) {
  static const auto* const bartolina =
      new std::vector<std::string>{"Escuela de lideresas \"Bartolina Sisa\""};
  static const auto* const ayllu =
      new std::vector<std::string>{"Justicia indígena originaria campesina"};
  static const auto* const lowland = new std::vector<std::string>{"Gestión territorial indígena"};
  static const auto* const none = new std::vector<std::string>{};
  switch (branch) {
    case Branch::kBartolina:
      return *bartolina;
    case Branch::kAyllu:
      return *ayllu;
    case Branch::kGuarani:
    case Branch::kMoxeno:
      return *lowland;
    default:
      return *none;
  }
}

absl::CivilDay ParseDay(const std::string& text) {
  absl::CivilDay day;
  absl::ParseCivilTime(text, &day);
  return day;
}

std::string Format(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// The day `years` after `day` (29 February becomes 1 March).
absl::CivilDay YearsAfter(absl::CivilDay day, int years) {
  return absl::CivilDay(day.year() + years, day.month(), day.day());
}

constexpr int kBaseMembers = 3;        // every sindicato starts with this many
constexpr int kFirstBirthYear = 1950;  // birth dates span 1950-01-01 .. 2007-12-31
constexpr int kLastBirthYear = 2007;
constexpr double kNationalIdShare = 0.94;

class Builder {
 public:
  explicit Builder(uint64_t seed) : rng_(seed ^ 0x50616374'6f2d6465ULL) {}

  // Regions and chapters: the same for every seed.
  void AddStructure();
  int sindicato_count() const { return static_cast<int>(sindicatos_.size()); }

  void AddPeople(int members);
  void AddOfficers();
  void AddFormation();

  DemoFederation Take() { return std::move(fed_); }

 private:
  struct ChapterMeta {
    Branch branch;
    People people;
  };

  void Region(std::string code, std::string name, std::string level, std::string parent) {
    fed_.regions.push_back({std::move(code), std::move(name), std::move(level), std::move(parent)});
  }
  int Chapter(std::string name, std::string level, std::string sector, std::string region,
              int parent, Branch branch, People people, std::string founded = "");
  int Sindicato(std::string name, std::string sector, std::string region, int parent, Branch branch,
                People people) {
    int index = Chapter(std::move(name), "sindicato", std::move(sector), std::move(region), parent,
                        branch, people);
    sindicatos_.push_back(index);
    return index;
  }

  DemoPerson NewPerson(People people, bool woman);
  std::string NewNationalId(int birth_year);
  void Enrol(int person, int chapter);
  // Memberships in sindicatos of `chapter`'s subtree.
  std::vector<int> MembershipsBeneath(int chapter) const;

  Rng rng_;
  DemoFederation fed_;
  std::vector<ChapterMeta> meta_;            // per chapter
  std::vector<int> sindicatos_;              // chapter indices
  std::vector<std::vector<int>> children_;   // per chapter
  std::vector<std::vector<int>> members_;    // per chapter: membership indices
  std::vector<std::set<std::string>> keys_;  // per chapter: "name|birth_date" of members
  std::set<std::string> national_ids_;
  std::vector<int> first_membership_;  // per person
};

int Builder::Chapter(std::string name, std::string level, std::string sector, std::string region,
                     int parent, Branch branch, People people, std::string founded) {
  DemoChapter chapter;
  chapter.name = std::move(name);
  chapter.level = std::move(level);
  chapter.sector = std::move(sector);
  chapter.region = std::move(region);
  chapter.founded = std::move(founded);
  chapter.parent = parent;
  fed_.chapters.push_back(std::move(chapter));
  meta_.push_back({branch, people});
  children_.emplace_back();
  members_.emplace_back();
  keys_.emplace_back();
  const int index = static_cast<int>(fed_.chapters.size()) - 1;
  if (parent >= 0) children_[parent].push_back(index);
  return index;
}

void Builder::AddStructure() {
  Region("BO", "Bolivia", "country", "");
  for (const DepartmentEntry& d : Departments()) Region(d.code, d.name, "department", "BO");
  for (const DepartmentEntry& d : Departments()) {
    for (const ProvinceEntry& p : d.provinces) Region(p.code, p.name, "province", d.code);
  }
  Region("LPZ-CAR", "Caranavi", "province", "LPZ");

  const People mixed = People::kLowland;
  const int pact = Chapter("Pacto de Unidad", "pact", "unidad", "BO", -1, Branch::kPact, mixed);
  const int csutcb =
      Chapter("Confederación Sindical Única de Trabajadores Campesinos de Bolivia (CSUTCB)",
              "confederation", "campesino", "BO", pact, Branch::kNational, mixed, "1979-06-26");
  const int cnmciob = Chapter(
      "Confederación Nacional de Mujeres Campesinas Indígenas Originarias de Bolivia "
      "\"Bartolina Sisa\"",
      "confederation", "mujeres campesinas", "BO", pact, Branch::kNational, mixed, "1980-01-10");
  const int cscib =
      Chapter("Confederación Sindical de Comunidades Interculturales de Bolivia (CSCIB)",
              "confederation", "interculturales", "BO", pact, Branch::kNational, mixed);
  const int conamaq =
      Chapter("Consejo Nacional de Ayllus y Markas del Qullasuyu (CONAMAQ)", "confederation",
              "ayllus y markas", "BO", pact, Branch::kNational, mixed, "1997-03-22");
  const int cidob =
      Chapter("Confederación de Pueblos Indígenas de Bolivia (CIDOB)", "confederation",
              "pueblos indígenas de tierras bajas", "BO", pact, Branch::kNational, mixed);

  // The campesino and Bartolina Sisa branches in every department and province.
  std::vector<std::pair<int, int>> federations;  // per department: campesino, bartolina
  for (const DepartmentEntry& d : Departments()) {
    const int campesino = Chapter(d.campesino_federation, "federation", "campesino", d.code, csutcb,
                                  Branch::kCampesino, d.people);
    // Pando's Bartolina Sisa federation has not affiliated yet: its members are active but
    // do not reach the pact.
    const bool pending = d.code == "PND";
    const int bartolina = Chapter(
        absl::StrCat("Federación Departamental de Mujeres Campesinas Indígenas Originarias ", d.of,
                     " \"Bartolina Sisa\""),
        "federation", "mujeres campesinas", d.code, pending ? -1 : cnmciob, Branch::kBartolina,
        d.people);
    if (pending) fed_.chapters[bartolina].expected_parent = cnmciob;
    federations.emplace_back(campesino, bartolina);
  }
  const std::set<std::string> with_subcentral = {"LPZ-OMA", "CBB-CHA", "PTS-CHY"};
  for (size_t i = 0; i < Departments().size(); ++i) {
    const DepartmentEntry& d = Departments()[i];
    const bool andean = d.people == People::kAymara || d.people == People::kQuechua;
    for (const ProvinceEntry& p : d.provinces) {
      const int central =
          Chapter(absl::StrCat("Central Campesina de ", p.name), "central", "campesino", p.code,
                  federations[i].first, Branch::kCampesino, d.people);
      int subcentral = -1;
      if (with_subcentral.count(p.code) > 0) {
        subcentral = Chapter(absl::StrCat("Subcentral ", p.communities[0]), "subcentral",
                             "campesino", p.code, central, Branch::kCampesino, d.people);
      }
      for (size_t c = 0; c < p.communities.size(); ++c) {
        Sindicato(
            absl::StrCat(andean ? "Sindicato Agrario " : "Sindicato Campesino ", p.communities[c]),
            "campesino", p.code, subcentral >= 0 && c < 2 ? subcentral : central,
            Branch::kCampesino, d.people);
      }
      const int women = Chapter(
          absl::StrCat("Central de Mujeres Campesinas \"Bartolina Sisa\" de ", p.name), "central",
          "mujeres campesinas", p.code, federations[i].second, Branch::kBartolina, d.people);
      for (size_t c = 0; c < p.communities.size() && c < 3; ++c) {
        Sindicato(absl::StrCat("Sindicato de Mujeres \"Bartolina Sisa\" de ", p.communities[c]),
                  "mujeres campesinas", p.code, women, Branch::kBartolina, d.people);
      }
    }
  }

  // The interculturales of Caranavi (Yungas of La Paz).
  const int caranavi =
      Chapter("Federación Sindical de Comunidades Interculturales de Caranavi", "federation",
              "interculturales", "LPZ", cscib, Branch::kIntercultural, People::kAymara);
  for (const auto& [central_name, communities] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"Alcoche", {"Alcoche", "Santa Fe"}}, {"Taipiplaya", {"Taipiplaya", "Choro"}}}) {
    const int central =
        Chapter(absl::StrCat("Central Intercultural ", central_name), "central", "interculturales",
                "LPZ-CAR", caranavi, Branch::kIntercultural, People::kAymara);
    for (const std::string& community : communities) {
      Sindicato(absl::StrCat("Sindicato Intercultural ", community), "interculturales", "LPZ-CAR",
                central, Branch::kIntercultural, People::kAymara);
    }
  }

  // The ayllus and markas of Jach'a Karangas (CONAMAQ).
  const int karangas = Chapter("Suyu Jach'a Karangas", "federation", "ayllus y markas", "ORU",
                               conamaq, Branch::kAyllu, People::kAymara);
  for (const auto& [marka, region, ayllus] :
       std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>{
           {"Curahuara de Carangas", "ORU-SAJ", {"Collana", "Taypi", "Sullka"}},
           {"Corque", "ORU-CRG", {"Collana", "Sullka"}}}) {
    const int central = Chapter(absl::StrCat("Marka ", marka), "central", "ayllus y markas", region,
                                karangas, Branch::kAyllu, People::kAymara);
    for (const std::string& ayllu : ayllus) {
      Sindicato(absl::StrCat("Ayllu ", ayllu, " (", marka, ")"), "ayllus y markas", region, central,
                Branch::kAyllu, People::kAymara);
    }
  }

  // CIDOB's peoples of the lowlands: the Guaraní of the Chaco and the Moxeño cabildos.
  const int apg = Chapter("Asamblea del Pueblo Guaraní (APG)", "federation",
                          "pueblos indígenas de tierras bajas", "SCZ", cidob, Branch::kGuarani,
                          People::kGuarani);
  for (const auto& [capitania, communities] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"Charagua Norte", {"Ipitá", "Tatarenda"}}, {"Kaami", {"Ivo", "Kuruyuki", "Ipati"}}}) {
    const int central = Chapter(absl::StrCat("Capitanía ", capitania), "central",
                                "pueblos indígenas de tierras bajas", "SCZ-COR", apg,
                                Branch::kGuarani, People::kGuarani);
    for (const std::string& community : communities) {
      Sindicato(absl::StrCat("Comunidad ", community), "pueblos indígenas de tierras bajas",
                "SCZ-COR", central, Branch::kGuarani, People::kGuarani);
    }
  }
  const int cpib =
      Chapter("Central de Pueblos Indígenas del Beni (CPIB)", "federation",
              "pueblos indígenas de tierras bajas", "BEN", cidob, Branch::kMoxeno, People::kMoxeno);
  for (const char* town :
       {"San Ignacio de Moxos", "San Lorenzo de Moxos", "San Francisco de Moxos"}) {
    // Cabildos affiliate to the CPIB directly: levels may be skipped.
    Sindicato(absl::StrCat("Cabildo Indigenal de ", town), "pueblos indígenas de tierras bajas",
              "BEN-MOX", cpib, Branch::kMoxeno, People::kMoxeno);
  }
}

std::string Builder::NewNationalId(int birth_year) {
  // Older cédulas have six digits, newer ones seven.
  const int lo = birth_year < 1970 ? 100000 : 1000000;
  const int hi = birth_year < 1970 ? 999999 : 9999999;
  while (true) {
    std::string id = absl::StrCat(rng_.Between(lo, hi));
    if (national_ids_.insert(id).second) return id;
  }
}

DemoPerson Builder::NewPerson(People people, bool woman) {
  DemoPerson person;
  person.woman = woman;
  const int year = rng_.Between(kFirstBirthYear, kLastBirthYear);
  const absl::CivilDay first(year, rng_.Between(1, 12), 1);
  const absl::CivilDay last = absl::CivilDay(first.year(), first.month() + 1, 1) - 1;
  person.birth_date = Format(rng_.Day(first, last));

  const bool young = year >= 1985;
  const std::vector<std::string>& indigenous = IndigenousGivenNames(people, woman);
  const std::string& given = young && !indigenous.empty() && rng_.Chance(0.15)
                                 ? rng_.Pick(indigenous)
                                 : rng_.Pick(GivenNames(woman, young));
  double regional = 0.7;
  if (people == People::kValley || people == People::kLowland || people == People::kAmazon) {
    regional = 0.3;
  }
  auto surname = [&]() -> const std::string& {
    return rng_.Chance(regional) ? rng_.Pick(RegionalSurnames(people))
                                 : rng_.Pick(SpanishSurnames());
  };
  const std::string& paternal = surname();
  std::string maternal = surname();
  while (maternal == paternal) maternal = surname();
  person.name = absl::StrCat(given, " ", paternal, " ", maternal);
  if (rng_.Chance(kNationalIdShare)) person.national_id = NewNationalId(year);
  return person;
}

void Builder::Enrol(int person, int chapter) {
  fed_.memberships.push_back({person, chapter});
  const int membership = static_cast<int>(fed_.memberships.size()) - 1;
  members_[chapter].push_back(membership);
  if (first_membership_.size() <= static_cast<size_t>(person)) {
    first_membership_.resize(person + 1, -1);
  }
  if (first_membership_[person] < 0) first_membership_[person] = membership;
}

void Builder::AddPeople(int members) {
  // Every sindicato gets a few members, the rest go by the sindicato's weight.
  std::vector<int> counts(sindicatos_.size(), kBaseMembers);
  std::vector<int> cumulative;
  int total_weight = 0;
  for (int s : sindicatos_) {
    total_weight += Weight(meta_[s].branch, meta_[s].people);
    cumulative.push_back(total_weight);
  }
  for (int i = kBaseMembers * sindicato_count(); i < members; ++i) {
    const int ticket = rng_.Below(total_weight);
    counts[std::upper_bound(cumulative.begin(), cumulative.end(), ticket) - cumulative.begin()]++;
  }

  for (size_t s = 0; s < sindicatos_.size(); ++s) {
    const int chapter = sindicatos_[s];
    const ChapterMeta meta = meta_[chapter];
    for (int n = 0; n < counts[s]; ++n) {
      DemoPerson person = NewPerson(meta.people, rng_.Chance(WomenShare(meta.branch)));
      // Within a sindicato a person is told apart by name and birth date too, so that
      // people without a national id can be found again after the import.
      while (!keys_[chapter].insert(absl::StrCat(person.name, "|", person.birth_date)).second) {
        if (!person.national_id.empty()) national_ids_.erase(person.national_id);
        person = NewPerson(meta.people, person.woman);
      }
      fed_.persons.push_back(std::move(person));
      Enrol(static_cast<int>(fed_.persons.size()) - 1, chapter);
    }
  }

  // Some women belong both to their community's sindicato and to the Bartolina Sisa
  // sindicato of their province: one person, two memberships, one national id.
  std::vector<int> bartolinas;
  for (int s : sindicatos_) {
    if (meta_[s].branch == Branch::kBartolina) bartolinas.push_back(s);
  }
  const int doubles = std::max(5, members / 150);
  std::set<int> doubled;
  for (int attempt = 0; static_cast<int>(doubled.size()) < doubles && attempt < 100 * doubles;
       ++attempt) {
    const int person = rng_.Below(static_cast<int>(fed_.persons.size()));
    const DemoPerson& p = fed_.persons[person];
    const int home = fed_.memberships[first_membership_[person]].chapter;
    if (!p.woman || p.national_id.empty() || meta_[home].branch != Branch::kCampesino ||
        doubled.count(person) > 0) {
      continue;
    }
    std::vector<int> nearby;
    for (int b : bartolinas) {
      if (fed_.chapters[b].region == fed_.chapters[home].region) nearby.push_back(b);
    }
    if (nearby.empty()) continue;
    const int second = rng_.Pick(nearby);
    if (!keys_[second].insert(absl::StrCat(p.name, "|", p.birth_date)).second) continue;
    doubled.insert(person);
    Enrol(person, second);
  }
}

std::vector<int> Builder::MembershipsBeneath(int chapter) const {
  std::vector<int> out;
  std::vector<int> stack = {chapter};
  while (!stack.empty()) {
    const int c = stack.back();
    stack.pop_back();
    out.insert(out.end(), members_[c].begin(), members_[c].end());
    stack.insert(stack.end(), children_[c].begin(), children_[c].end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void Builder::AddOfficers() {
  const absl::CivilDay first_start(2023, 1, 1);
  const absl::CivilDay last_start = ParseDay(kReferenceDate) - 1;
  for (size_t c = 0; c < fed_.chapters.size(); ++c) {
    const DemoChapter& chapter = fed_.chapters[c];
    std::vector<Role> roles = RolesFor(meta_[c].branch, chapter.level);
    if (roles.empty()) continue;
    // Most chapters have elected every office; the rest have vacancies.
    const double full = chapter.level == "sindicato"    ? 0.85
                        : chapter.level == "federation" ? 1
                                                        : 0.9;
    if (!rng_.Chance(full)) roles.resize(rng_.Below(static_cast<int>(roles.size())));
    if (roles.empty()) continue;

    const std::vector<int> candidates = MembershipsBeneath(static_cast<int>(c));
    if (candidates.empty()) continue;
    const absl::CivilDay start = rng_.Day(first_start, last_start);
    std::set<int> holders;  // persons
    for (const Role& role : roles) {
      for (int attempt = 0; attempt < 40; ++attempt) {
        const int membership = rng_.Pick(candidates);
        const int person = fed_.memberships[membership].person;
        const DemoPerson& p = fed_.persons[person];
        if (holders.count(person) > 0) continue;
        if (YearsAfter(ParseDay(p.birth_date), 18) > start) continue;
        if ((role.who == Who::kWoman && !p.woman) || (role.who == Who::kMan && p.woman)) continue;
        holders.insert(person);
        fed_.officers.push_back({static_cast<int>(c), membership, role.name, Format(start)});
        break;
      }
    }
  }
}

void Builder::AddFormation() {
  // Members under 30 are who the formation schools are for; a few elders attend too.
  const absl::CivilDay reference = ParseDay(kReferenceDate);
  const absl::CivilDay under_30_from = YearsAfter(reference, -30);
  const absl::CivilDay earliest(2012, 1, 1);
  for (size_t person = 0; person < fed_.persons.size(); ++person) {
    const absl::CivilDay birth = ParseDay(fed_.persons[person].birth_date);
    const bool young = birth > under_30_from;
    if (!rng_.Chance(young ? 0.6 : 0.04)) continue;
    const int membership = first_membership_[person];
    const Branch branch = meta_[fed_.memberships[membership].chapter].branch;
    std::vector<std::string> courses = GeneralCourses();
    const std::vector<std::string>& own = BranchCourses(branch);
    courses.insert(courses.end(), own.begin(), own.end());
    const absl::CivilDay from = std::max(YearsAfter(birth, 16), earliest);
    const int count = rng_.Chance(0.3) ? 2 : 1;
    for (int k = 0; k < count; ++k) {
      const int pick = rng_.Below(static_cast<int>(courses.size()));
      fed_.formation.push_back({membership, courses[pick], Format(rng_.Day(from, reference - 1))});
      courses.erase(courses.begin() + pick);
    }
  }
}

}  // namespace

int DemoFederation::FindChapter(const std::string& name) const {
  for (size_t i = 0; i < chapters.size(); ++i) {
    if (chapters[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int MinDemoMembers() {
  static const int min = [] {
    Builder builder(0);
    builder.AddStructure();
    return kBaseMembers * builder.sindicato_count();
  }();
  return min;
}

absl::StatusOr<DemoFederation> GenerateDemoFederation(const DemoOptions& options) {
  if (options.members < MinDemoMembers() || options.members > kMaxDemoMembers) {
    return absl::InvalidArgumentError(absl::StrCat("members: must be between ", MinDemoMembers(),
                                                   " and ", kMaxDemoMembers, ", not ",
                                                   options.members));
  }
  Builder builder(options.seed);
  builder.AddStructure();
  builder.AddPeople(options.members);
  builder.AddOfficers();
  builder.AddFormation();
  return builder.Take();
}

}  // namespace pacto::demo
