#include "tests/reports/federation_generator.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace pacto {
namespace {

const std::vector<std::string> kLevels = {"sindicato",  "subcentral",    "central",
                                          "federation", "confederation", "pact"};
int Rank(const std::string& level) {
  auto it = std::find(kLevels.begin(), kLevels.end(), level);
  return it == kLevels.end() ? 0 : static_cast<int>(it - kLevels.begin()) + 1;
}

const std::vector<std::string> kFirstNames = {
    "juana",  "maria",  "jose",  "luis",   "rosa",  "carlos", "ana",    "pedro",
    "felipa", "evo",    "david", "teresa", "sonia", "marco",  "nilda",  "ruben",
    "celia",  "fausto", "lidia", "ramiro", "elena", "tomas",  "victor", "gloria",
    "simon",  "ines",   "julio", "dora",   "hugo",  "martha"};
const std::vector<std::string> kSurnames = {
    "mamani", "quispe", "condori",   "choque", "flores", "huanca",  "apaza",    "limachi",
    "colque", "ticona", "gutierrez", "rojas",  "vargas", "nina",    "yupanqui", "copa",
    "cruz",   "sirpa",  "laura",     "calle",  "poma",   "tarqui",  "alanoca",  "canaviri",
    "chura",  "llanos", "ortiz",     "paco",   "villca", "zeballos"};
const std::vector<std::string> kSectors = {"agrario",    "minero",     "fabril",
                                           "magisterio", "transporte", "gremial"};
const std::vector<std::string> kCourses = {"Historia del movimiento", "Economia politica",
                                           "Derechos colectivos",     "Oratoria",
                                           "Gestion comunal",         "Escuela de cuadros"};
const std::string kSecretary = "secretario general";
const std::vector<std::string> kOtherRoles = {"secretaria de actas", "tesorero",
                                              "secretario de formacion"};

// UTF-8 of an accented form of a lower-case vowel or n, upper or lower case.
std::string Accented(char c, bool upper) {
  switch (c) {
    case 'a':
      return upper ? "\xC3\x81" : "\xC3\xA1";
    case 'e':
      return upper ? "\xC3\x89" : "\xC3\xA9";
    case 'i':
      return upper ? "\xC3\x8D" : "\xC3\xAD";
    case 'o':
      return upper ? "\xC3\x93" : "\xC3\xB3";
    case 'u':
      return upper ? "\xC3\x9C" : "\xC3\xBC";  // ü
    case 'n':
      return upper ? "\xC3\x91" : "\xC3\xB1";
    default:
      return std::string(1, upper ? absl::ascii_toupper(c) : c);
  }
}

std::string TitleCase(const std::string& base) {
  std::string out = base;
  bool start = true;
  for (char& c : out) {
    if (start) c = absl::ascii_toupper(c);
    start = c == ' ';
  }
  return out;
}

class Generator {
 public:
  explicit Generator(const GeneratorOptions& options)
      : options_(options), today_(options.today), rng_(options.seed) {
    out_.phases.resize(kPhases);
  }

  GeneratedFederation Run() {
    Regions();
    Chapters();
    People();
    RememberNationalIds();
    Structure();
    Activity();
    Moves();
    Erasures();
    Returns();
    Tally();
    return std::move(out_);
  }

 private:
  // Phases: regions by level (0-4), chapters by level from the pact down (5-10),
  // enrolments (11), structure changes (12), re-affiliations (13), officer terms and
  // formation (14), transfers and ends (15), erasures (16), returns (17).
  static constexpr int kPhases = 18;
  static constexpr int kEnrolPhase = 11;

  FederationState& st() { return out_.state; }
  GenerationStats& stats() { return out_.stats; }

  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }
  std::string Day(absl::CivilDay d) { return FormatDay(d); }
  // A day in [from, to].
  absl::CivilDay Between(absl::CivilDay from, absl::CivilDay to) {
    if (to <= from) return from;
    return from + static_cast<int64_t>(Below(static_cast<uint64_t>(to - from) + 1));
  }
  absl::CivilDay YearsBefore(int years) {
    return absl::CivilDay(today_.year() - years, today_.month(), today_.day());
  }

  void Emit(int phase, Step step) {
    ApplyToModel(step, &st());
    out_.phases[phase].push_back(std::move(step));
  }

  std::string NewKey(const char* prefix) { return absl::StrCat(prefix, ++next_key_); }

  // --- structure helpers (on the model) ---
  std::string Parent(const std::string& chapter) { return st().chapters.at(chapter).parent; }
  std::string ConfederationOf(const std::string& chapter) {
    std::string c = chapter;
    for (int guard = 0; !c.empty() && guard < 10; ++guard) {
      if (st().chapters.at(c).level == "confederation") return c;
      c = Parent(c);
    }
    return "";
  }
  std::map<std::string, std::vector<std::string>> Children() {
    std::map<std::string, std::vector<std::string>> children;
    for (const auto& [id, c] : st().chapters) {
      if (!c.parent.empty()) children[c.parent].push_back(id);
    }
    return children;
  }
  std::map<std::string, std::vector<std::string>> ActiveByChapter() {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [id, m] : st().memberships) {
      if (m.status == "active") out[m.chapter].push_back(id);
    }
    return out;
  }
  bool ActiveIn(const std::string& person, const std::string& chapter) {
    for (const auto& [id, m] : st().memberships) {
      if (m.person == person && m.chapter == chapter && m.status == "active") return true;
    }
    return false;
  }
  // Chapters of `level` whose region lies within `region`'s subtree (every region
  // when it is empty).
  std::vector<std::string> ChaptersUnder(const std::string& level, const std::string& region) {
    std::vector<std::string> out;
    for (const auto& [id, c] : st().chapters) {
      if (c.level != level) continue;
      if (region.empty() || c.region == region || absl::StartsWith(c.region, region + "-")) {
        out.push_back(id);
      }
    }
    return out;
  }

  // --- regions ---
  void Regions() {
    auto add = [&](int phase, const std::string& code, const std::string& name,
                   const std::string& level, const std::string& parent) {
      Emit(phase, AddRegionStep{RegionData{code, name, level, parent}});
      regions_by_level_[level].push_back(code);
    };
    add(0, "BO", "Estado Plurinacional", "country", "");
    const int departments = 3 + static_cast<int>(Below(3));
    for (int d = 1; d <= departments; ++d) {
      const std::string dept = absl::StrCat("D", d);
      add(1, dept, absl::StrCat("Departamento ", d), "department", "BO");
      const int provinces = 2 + static_cast<int>(Below(2));
      for (int p = 1; p <= provinces; ++p) {
        const std::string prov = absl::StrCat(dept, "-P", p);
        add(2, prov, absl::StrCat("Provincia ", d, ".", p), "province", dept);
        const int municipalities = 1 + static_cast<int>(Below(3));
        for (int m = 1; m <= municipalities; ++m) {
          const std::string muni = absl::StrCat(prov, "-M", m);
          add(3, muni, absl::StrCat("Municipio ", d, ".", p, ".", m), "municipality", prov);
          const int communities = static_cast<int>(Below(3));
          for (int c = 1; c <= communities; ++c) {
            add(4, absl::StrCat(muni, "-C", c),
                absl::StrCat("Comunidad ", d, ".", p, ".", m, ".", c), "community", muni);
          }
        }
      }
    }
  }

  // --- chapters ---
  std::string AddChapter(int phase, const std::string& level, const std::string& region,
                         const std::string& sector, const std::string& parent,
                         const std::string& name) {
    const std::string key = NewKey("C");
    if (parent.empty() && level != "pact") ++stats().unaffiliated_tops;
    if (!parent.empty() && Rank(st().chapters.at(parent).level) - Rank(level) > 1) {
      ++stats().level_skips;
    }
    Emit(phase, AddChapterStep{key, name, level, region, sector, parent});
    return key;
  }
  std::string SectorFor(const std::string& parent) {
    if (!parent.empty() && !st().chapters.at(parent).sector.empty() && Chance(0.85)) {
      return st().chapters.at(parent).sector;
    }
    return Chance(0.08) ? "" : Pick(kSectors);
  }
  // A parent for a chapter of `level` in `region`: usually a chapter one level up
  // nearby, sometimes one further up (a skipped level), sometimes none.
  std::string ChooseParent(const std::vector<std::string>& near,
                           const std::vector<std::string>& skip, double p_skip, double p_none) {
    const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < p_none) return "";
    if (r < p_none + p_skip && !skip.empty()) return Pick(skip);
    if (!near.empty()) return Pick(near);
    if (!skip.empty()) return Pick(skip);
    return "";
  }

  void Chapters() {
    int made = 0;
    std::vector<std::string> pacts;
    pacts.push_back(AddChapter(5, "pact", "BO", "", "", "Pacto de Unidad"));
    if (Chance(0.5)) pacts.push_back(AddChapter(5, "pact", "BO", "", "", "Pacto del Sur"));
    made += static_cast<int>(pacts.size());

    std::vector<std::string> confederations;
    for (size_t i = 0; i < kSectors.size(); ++i) {
      std::string parent = i + 1 == kSectors.size() ? "" : pacts[i % pacts.size()];
      confederations.push_back(AddChapter(6, "confederation", "BO", kSectors[i], parent,
                                          absl::StrCat("Confederaci\xC3\xB3n ", kSectors[i])));
    }
    made += static_cast<int>(confederations.size());

    for (const std::string& dept : regions_by_level_["department"]) {
      for (int i = 0; i < 3; ++i) {
        std::string parent = ChooseParent(confederations, pacts, 0.1, 0.1);
        AddChapter(7, "federation", dept, SectorFor(parent), parent,
                   absl::StrCat("Federaci\xC3\xB3n ", dept, " ", i + 1));
        ++made;
      }
    }
    for (const std::string& prov : regions_by_level_["province"]) {
      const std::string dept = prov.substr(0, prov.find('-'));
      const int n = 2 + static_cast<int>(Below(2));
      for (int i = 0; i < n; ++i) {
        std::string parent =
            ChooseParent(ChaptersUnder("federation", dept), confederations, 0.08, 0.12);
        AddChapter(8, "central", prov, SectorFor(parent), parent,
                   absl::StrCat("Central ", prov, " ", i + 1));
        ++made;
      }
    }
    for (const std::string& muni : regions_by_level_["municipality"]) {
      const std::string prov = muni.substr(0, muni.rfind('-'));
      const std::string dept = prov.substr(0, prov.find('-'));
      const int n = 2 + static_cast<int>(Below(2));
      for (int i = 0; i < n; ++i) {
        std::string parent = ChooseParent(ChaptersUnder("central", prov),
                                          ChaptersUnder("federation", dept), 0.05, 0.1);
        AddChapter(9, "subcentral", muni, SectorFor(parent), parent,
                   absl::StrCat("Subcentral ", muni, " ", i + 1));
        ++made;
      }
    }
    // Sindicatos: the rest, in communities and municipalities.
    std::vector<std::string> homes = regions_by_level_["community"];
    for (const std::string& m : regions_by_level_["municipality"]) homes.push_back(m);
    std::map<std::string, std::vector<std::string>> subcentrals, centrals, federations;
    const int sindicatos = std::max(50, options_.chapters - made);
    for (int i = 0; i < sindicatos; ++i) {
      const std::string home = Pick(homes);
      std::vector<std::string> parts = absl::StrSplit(home, '-');
      const std::string muni = absl::StrJoin(parts.begin(), parts.begin() + 3, "-");
      const std::string prov = absl::StrJoin(parts.begin(), parts.begin() + 2, "-");
      if (subcentrals.count(muni) == 0) subcentrals[muni] = ChaptersUnder("subcentral", muni);
      if (centrals.count(prov) == 0) centrals[prov] = ChaptersUnder("central", prov);
      std::string parent;
      const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
      if (r < 0.04) {
        parent = "";
      } else if (r < 0.10 && !centrals[prov].empty()) {
        parent = Pick(centrals[prov]);  // skips the subcentral
      } else if (r < 0.12) {
        if (federations.count(parts[0]) == 0) {
          federations[parts[0]] = ChaptersUnder("federation", parts[0]);
        }
        if (!federations[parts[0]].empty()) parent = Pick(federations[parts[0]]);
      } else if (!subcentrals[muni].empty()) {
        parent = Pick(subcentrals[muni]);
      }
      AddChapter(10, "sindicato", home, SectorFor(parent), parent,
                 absl::StrCat(Chance(0.5) ? "Sindicato " : "Sindicato Agrario ", home, " ", i + 1));
    }
  }

  // --- people ---
  std::string RenderName(const std::string& base, int variant) {
    switch (variant % 5) {
      case 0:
        return TitleCase(base);
      case 1: {  // accents, title case
        std::string out;
        bool start = true;
        for (char c : base) {
          const bool accent =
              (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'n') && Chance(0.4);
          if (accent) {
            out += Accented(c, start);
          } else {
            out.push_back(start ? absl::ascii_toupper(c) : c);
          }
          start = c == ' ';
        }
        return out;
      }
      case 2: {  // upper case, accents
        std::string out;
        for (char c : base) {
          if ((c == 'o' || c == 'a' || c == 'u') && Chance(0.5)) {
            out += Accented(c, true);
          } else {
            out.push_back(absl::ascii_toupper(c));
          }
        }
        return out;
      }
      case 3: {  // surnames hyphenated
        std::string out = TitleCase(base);
        size_t last = out.rfind(' ');
        if (last != std::string::npos) out[last] = '-';
        return out;
      }
      default:  // lower case, ragged spacing
        return absl::StrCat("  ", absl::StrJoin(absl::StrSplit(base, ' '), "   "), " ");
    }
  }
  std::string RandomBase() {
    return absl::StrCat(Pick(kFirstNames), " ", Pick(kSurnames), " ", Pick(kSurnames));
  }
  std::string RandomBirth() {
    // A third are under 30; ages 16 to 79 otherwise.
    const int age =
        Chance(0.35) ? 16 + static_cast<int>(Below(14)) : 30 + static_cast<int>(Below(50));
    return Day(YearsBefore(age) - static_cast<int64_t>(Below(360)));
  }
  std::string NewNationalIdRaw(std::string* normalized) {
    std::string digits;
    do {
      digits = absl::StrCat(1000000 + Below(9000000));
    } while (!used_ids_.insert(digits).second);
    std::string raw;
    switch (Below(4)) {
      case 0:
        raw = digits;
        break;
      case 1:
        raw = absl::StrCat(digits.substr(0, 1), ".", digits.substr(1, 3), ".", digits.substr(4));
        break;
      case 2:
        raw = absl::StrCat(digits, "-lp");
        break;
      default:
        raw = absl::StrCat(" ", digits.substr(0, 3), " ", digits.substr(3), " SC");
        break;
    }
    *normalized = NormalizedNationalId(raw);
    return raw;
  }

  std::string PickChapterForMember() {
    const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.88) return Pick(sindicatos_);
    if (r < 0.99) return Pick(upper_);
    return Pick(pacts_);
  }

  // Enrols a new person; returns the person key.
  std::string Enrol(int phase, const std::string& chapter, const std::string& name,
                    const std::string& nid_raw, const std::string& birth,
                    const std::string& person_key = "") {
    const std::string person = person_key.empty() ? NewKey("P") : person_key;
    const absl::CivilDay since_floor = YearsBefore(20);
    Emit(phase, EnrolStep{NewKey("M"), person, chapter, name, nid_raw, birth,
                          Day(Between(since_floor, today_))});
    return person;
  }

  void People() {
    for (const auto& [id, c] : st().chapters) {
      if (c.level == "sindicato") {
        sindicatos_.push_back(id);
      } else if (c.level == "pact") {
        pacts_.push_back(id);
      } else {
        upper_.push_back(id);
      }
    }
    std::set<std::string> used_keys;  // base|birth of people without a national id
    auto unique_base = [&](const std::string& birth) {
      std::string base;
      do {
        base = RandomBase();
      } while (!birth.empty() && used_keys.count(absl::StrCat(base, "|", birth)) > 0);
      if (!birth.empty()) used_keys.insert(absl::StrCat(base, "|", birth));
      return base;
    };
    // Birthdays on the edge of the age limit, with and without a national id.
    const std::vector<std::string> edges = {
        Day(YearsBefore(30)),      // 30 today: not young
        Day(YearsBefore(30) + 1),  // 30 tomorrow: young
        Day(YearsBefore(30) - 1),  // 30 yesterday
        "1996-02-29",              // a leap day
    };
    std::vector<std::string> with_nid;
    const size_t edge_people = edges.size() * 2;  // each edge with and without an id
    for (size_t i = 0; i < static_cast<size_t>(options_.people); ++i) {
      const bool edge = i < edge_people;
      const bool nid = edge ? i < edges.size() : Chance(0.7);
      std::string birth;
      if (edge) {
        birth = edges[i % edges.size()];
      } else if (Chance(nid ? 0.9 : 0.85)) {
        birth = RandomBirth();
      }
      std::string normalized, raw;
      if (nid) raw = NewNationalIdRaw(&normalized);
      const std::string base = raw.empty() ? unique_base(birth) : RandomBase();
      const std::string person = Enrol(kEnrolPhase, PickChapterForMember(),
                                       RenderName(base, static_cast<int>(Below(5))), raw, birth);
      if (!raw.empty()) with_nid.push_back(person);
    }
    // Groups of people without a national id sharing a name and a birth date.
    const int groups = std::max(3, options_.people / 300);
    for (int g = 0; g < groups; ++g) {
      const std::string birth = RandomBirth();
      const std::string base = unique_base(birth);
      const int size = 2 + static_cast<int>(Below(2));
      std::vector<std::string>& group = duplicate_groups_.emplace_back();
      for (int k = 0; k < size; ++k) {
        group.push_back(
            Enrol(kEnrolPhase, PickChapterForMember(), RenderName(base, g + k), "", birth));
      }
      ++stats().duplicate_groups;
    }
    // Near misses: one name with another birth date, or without any.
    for (int k = 0; k < 3; ++k) {
      const std::string birth = RandomBirth();
      const std::string base = unique_base(birth);
      Enrol(kEnrolPhase, PickChapterForMember(), RenderName(base, k), "", birth);
      std::string other;
      do {
        other = RandomBirth();
      } while (used_keys.count(absl::StrCat(base, "|", other)) > 0);
      used_keys.insert(absl::StrCat(base, "|", other));
      Enrol(kEnrolPhase, PickChapterForMember(), RenderName(base, k + 1), "", other);
      Enrol(kEnrolPhase, PickChapterForMember(), RenderName(base, k + 2), "", "");
      Enrol(kEnrolPhase, PickChapterForMember(), RenderName(base, k + 3), "", "");
      ++stats().near_misses;
    }
    // People with a national id in a second (and a few in a third) chapter, half of
    // them under another confederation.
    std::map<std::string, std::vector<std::string>> by_confederation;
    for (const auto& [id, c] : st().chapters) by_confederation[ConfederationOf(id)].push_back(id);
    std::vector<std::string> confederations;
    for (const auto& [conf, chapters] : by_confederation) {
      if (!conf.empty()) confederations.push_back(conf);
    }
    const int multi = std::max(10, static_cast<int>(with_nid.size()) / 16);
    for (int k = 0; k < multi && !with_nid.empty(); ++k) {
      const std::string person = Pick(with_nid);
      const MembershipData* first = nullptr;
      for (const auto& [id, m] : st().memberships) {
        if (m.person == person) first = &m;
      }
      const std::string here = ConfederationOf(first->chapter);
      std::string chapter;
      if (k % 2 == 0 && confederations.size() > 1) {
        std::string other;
        do {
          other = Pick(confederations);
        } while (other == here);
        chapter = Pick(by_confederation[other]);
      } else {
        chapter = PickChapterForMember();
      }
      if (ActiveIn(person, chapter)) continue;
      const PersonData& p = st().persons.at(person);
      Emit(kEnrolPhase, EnrolStep{NewKey("M"), person, chapter, p.name, p.national_id, p.birth_date,
                                  Day(Between(YearsBefore(5), today_))});
    }
  }

  // --- structure changes after the members are in ---
  void Structure() {
    std::vector<std::string> disaffiliated;
    bool federation_done = false, central_done = false;
    std::vector<std::string> ids;
    for (const auto& [id, c] : st().chapters) ids.push_back(id);
    const std::vector<std::string> subcentrals = ChaptersUnder("subcentral", "");
    for (const std::string& id : ids) {
      const ChapterData c = st().chapters.at(id);
      const bool must =
          (c.level == "federation" && !federation_done) || (c.level == "central" && !central_done);
      const double p = c.level == "sindicato" ? 0.01 : 0.04;
      if (!c.parent.empty() && (must || Chance(p))) {
        Emit(12, DisaffiliateStep{id, c.parent});
        disaffiliated.push_back(id);
        ++stats().disaffiliated;
        federation_done |= c.level == "federation";
        central_done |= c.level == "central";
        continue;
      }
      if (c.parent.empty() && c.level == "sindicato" && Chance(0.5) && !subcentrals.empty()) {
        Emit(12, AffiliateStep{id, Pick(subcentrals)});
        ++stats().late_affiliated;
        continue;
      }
      const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
      if (r < 0.01) {
        Emit(12, UpdateChapterStep{id, absl::StrCat(c.name, " (renombrado)"), "", ""});
        ++stats().renamed;
      } else if (r < 0.02) {
        Emit(12, UpdateChapterStep{id, "", "inactive", ""});
        ++stats().inactive;
      } else if (r < 0.03) {
        Emit(12, UpdateChapterStep{id, "", "Dissolved", ""});
        ++stats().dissolved;
      } else if (r < 0.04) {
        std::string sector;
        do {
          sector = Pick(kSectors);
        } while (sector == c.sector);
        Emit(12, UpdateChapterStep{id, "", "", sector});
        ++stats().sector_changes;
      }
    }
    // Half of the disaffiliated find another parent, of any higher level.
    for (const std::string& id : disaffiliated) {
      if (!Chance(0.5)) continue;
      const int rank = Rank(st().chapters.at(id).level);
      std::vector<std::string> parents;
      for (const auto& [pid, p] : st().chapters) {
        if (Rank(p.level) > rank && Rank(p.level) <= rank + 2) parents.push_back(pid);
      }
      if (parents.empty()) continue;
      Emit(13, AffiliateStep{id, Pick(parents)});
      ++stats().reaffiliated;
    }
  }

  // An active membership in `chapter` or a chapter beneath it, or "".
  std::string OfficerMembership(const std::string& chapter,
                                const std::map<std::string, std::vector<std::string>>& active,
                                const std::map<std::string, std::vector<std::string>>& children) {
    std::string c = chapter;
    for (int depth = 0; depth < 8; ++depth) {
      auto members = active.find(c);
      if (members != active.end() && !members->second.empty()) return Pick(members->second);
      auto below = children.find(c);
      if (below == children.end() || below->second.empty()) return "";
      c = Pick(below->second);
    }
    return "";
  }

  std::string TypedRole(const std::string& role) {
    switch (Below(3)) {
      case 0:
        return role;
      case 1:
        return TitleCase(role);
      default:
        return absl::StrCat(" ", absl::AsciiStrToUpper(role), " ");
    }
  }

  void Appoint(const std::string& chapter, const std::string& membership, const std::string& role,
               absl::CivilDay start, const std::string& end) {
    Emit(14, AppointStep{NewKey("T"), chapter, membership, TypedRole(role), Day(start), end});
  }

  void Activity() {
    const auto active = ActiveByChapter();
    const auto children = Children();
    for (const auto& [id, c] : st().chapters) {
      if (!Chance(0.8)) continue;
      const std::string m = OfficerMembership(id, active, children);
      if (m.empty()) continue;
      const absl::CivilDay past = Between(YearsBefore(6), today_ - 1);
      const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
      if (r < 0.5) {
        Appoint(id, m, kSecretary, past, "");  // current, open-ended
      } else if (r < 0.62) {
        Appoint(id, m, kSecretary, past, Day(Between(today_ + 1, today_ + 700)));
      } else if (r < 0.74) {
        Appoint(id, m, kSecretary, past, Day(Between(past, today_ - 1)));  // ended
      } else if (r < 0.82) {
        Appoint(id, m, kSecretary, Between(today_ + 1, today_ + 300), "");  // not yet begun
      } else if (r < 0.88) {
        Appoint(id, m, kSecretary, past, Day(today_));  // ends today: still current
      } else if (r < 0.94) {
        Appoint(id, m, kSecretary, today_, "");  // begins today
      } else {
        // An ended term, then a current one.
        Appoint(id, m, kSecretary, YearsBefore(8), Day(YearsBefore(6)));
        Appoint(id, m, kSecretary, past, "");
      }
      for (const std::string& role : kOtherRoles) {
        if (!Chance(0.3)) continue;
        const absl::CivilDay start = Between(YearsBefore(4), today_);
        Appoint(id, m, role, start, Chance(0.3) ? Day(Between(start, today_ - 1)) : "");
      }
    }
    // Formation: more often for the young.
    std::map<std::string, std::vector<std::string>> memberships_of;
    for (const auto& [id, m] : st().memberships) memberships_of[m.person].push_back(id);
    const std::string young_after = Day(YearsBefore(30));
    for (const auto& [person, memberships] : memberships_of) {
      const PersonData& p = st().persons.at(person);
      const bool young = !p.birth_date.empty() && p.birth_date > young_after;
      if (!Chance(young ? 0.45 : 0.15)) continue;
      const int n = 1 + static_cast<int>(Below(3));
      for (int k = 0; k < n; ++k) {
        Emit(14, FormationStep{NewKey("F"), Pick(memberships), Pick(kCourses),
                               Day(Between(YearsBefore(10), today_))});
      }
    }
  }

  // --- transfers and ends: at most one per person ---
  void Moves() {
    std::set<std::string> touched;
    std::vector<std::string> ids;
    for (const auto& [id, m] : st().memberships) ids.push_back(id);
    for (const std::string& id : ids) {
      const MembershipData m = st().memberships.at(id);
      if (m.status != "active" || touched.count(m.person) > 0) continue;
      const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
      const absl::CivilDay since = ParseDay(m.since);
      if (r < 0.03) {
        const std::string to = PickChapterForMember();
        if (to == m.chapter || ActiveIn(m.person, to)) continue;
        Emit(15, TransferStep{id, NewKey("M"), to, Day(Between(since, today_))});
        touched.insert(m.person);
        ++stats().transferred;
      } else if (r < 0.07) {
        Emit(15, EndStep{id, Day(Between(since, today_))});
        touched.insert(m.person);
        ++stats().ended;
      }
    }
  }

  // --- erasures: one membership per person ---
  void Erasures() {
    std::map<std::string, std::vector<std::string>> memberships_of;
    for (const auto& [id, m] : st().memberships) memberships_of[m.person].push_back(id);
    std::set<std::string> officers;
    for (const auto& [id, t] : st().terms) officers.insert(t.membership);
    int single = 0, partial = 0, officer = 0;
    for (const auto& [person, memberships] : memberships_of) {
      const std::string& pick = Pick(memberships);
      const bool is_officer = officers.count(pick) > 0;
      double p = 0.015;
      if (memberships.size() > 1 && partial < 5) p = 0.3;
      if (is_officer && officer < 5) p = 0.2;
      if (!Chance(p)) continue;
      Emit(16, RemoveStep{pick});
      ++stats().erased;
      if (memberships.size() == 1) ++single;
      if (memberships.size() > 1) ++partial;
      if (is_officer) ++officer;
      if (st().persons.count(person) == 0) {
        ++stats().persons_erased;
        if (nids_.count(person) > 0) erased_nid_.push_back(person);
      }
    }
  }

  // --- people coming back, and re-enrolments that change a person's data ---
  void Returns() {
    for (size_t k = 0; k < erased_nid_.size(); ++k) {
      if (k > 0 && !Chance(0.4)) continue;
      const std::string& person = erased_nid_[k];
      const Remembered& r = nids_.at(person);
      Emit(17, EnrolStep{NewKey("M"), person, PickChapterForMember(), r.name, r.national_id,
                         r.birth_date, Day(today_ - 3)});
      ++stats().reenrolled;
    }
    // Three people with a national id enrol elsewhere under a corrected name and a
    // birth date they had not given.
    int renamed = 0;
    std::set<std::string> returning(erased_nid_.begin(), erased_nid_.end());
    for (const auto& [person, p] : std::map<std::string, PersonData>(st().persons)) {
      if (renamed == 3) break;
      if (p.national_id.empty() || returning.count(person) > 0) continue;
      const std::string chapter = PickChapterForMember();
      if (ActiveIn(person, chapter)) continue;
      Emit(17, EnrolStep{NewKey("M"), person, chapter, absl::StrCat(p.name, " Corregido"),
                         p.national_id, p.birth_date.empty() ? "1990-01-01" : p.birth_date,
                         Day(today_)});
      ++renamed;
    }
    for (int k = 0; k < 5; ++k) {
      std::string normalized;
      const std::string raw = NewNationalIdRaw(&normalized);
      Enrol(17, PickChapterForMember(), TitleCase(RandomBase()), raw, RandomBirth());
    }
  }

  static absl::CivilDay ParseDay(const std::string& s) {
    absl::CivilDay d;
    absl::ParseCivilTime(s, &d);
    return d;
  }

  // Remembers every person with a national id as enrolled, for returns after erasure.
  struct Remembered {
    std::string name, national_id, birth_date;
  };

  void Tally() {
    GenerationStats& s = stats();
    s.regions = static_cast<int>(st().regions.size());
    s.chapters = static_cast<int>(st().chapters.size());
    for (const auto& [id, c] : st().chapters) {
      int length = 1;
      for (std::string p = c.parent; !p.empty() && length < 10; p = Parent(p)) ++length;
      s.max_chain = std::max(s.max_chain, length);
    }
    std::set<std::string> people;
    for (const Step& step : out_.phases[kEnrolPhase]) {
      const EnrolStep& e = std::get<EnrolStep>(step);
      if (!people.insert(e.person).second) continue;
      ++s.people;
      s.without_national_id += e.national_id.empty();
      s.without_birth_date += e.birth_date.empty();
    }
    std::map<std::string, std::set<std::string>> chapters_of;
    std::map<std::string, std::set<std::string>> confederations_of;
    for (const auto& [id, m] : st().memberships) {
      if (m.status != "active") continue;
      chapters_of[m.person].insert(m.chapter);
      const std::string conf = ConfederationOf(m.chapter);
      if (!conf.empty()) confederations_of[m.person].insert(conf);
    }
    for (const auto& [p, chapters] : chapters_of) s.multi_chapter += chapters.size() > 1;
    for (const auto& [p, confs] : confederations_of) s.cross_confederation += confs.size() > 1;
    for (const std::vector<std::string>& group : duplicate_groups_) {
      s.duplicate_groups_left +=
          std::count_if(group.begin(), group.end(),
                        [&](const std::string& p) { return st().persons.count(p) > 0; }) >= 2;
    }
    s.terms = static_cast<int>(st().terms.size());
    s.formation_records = static_cast<int>(st().formation.size());
  }

  void RememberNationalIds() {
    for (const Step& step : out_.phases[kEnrolPhase]) {
      const EnrolStep& e = std::get<EnrolStep>(step);
      if (e.national_id.empty() || nids_.count(e.person) > 0) continue;
      nids_[e.person] = Remembered{e.name, e.national_id, e.birth_date};
    }
  }

  const GeneratorOptions options_;
  const absl::CivilDay today_;
  std::mt19937_64 rng_;
  GeneratedFederation out_;
  int next_key_ = 0;
  std::map<std::string, std::vector<std::string>> regions_by_level_;
  std::vector<std::string> sindicatos_, upper_, pacts_;
  std::set<std::string> used_ids_;
  std::map<std::string, Remembered> nids_;
  std::vector<std::string> erased_nid_;
  std::vector<std::vector<std::string>> duplicate_groups_;
};

}  // namespace

GeneratedFederation GenerateFederation(const GeneratorOptions& options) {
  Generator generator(options);
  return generator.Run();
}

}  // namespace pacto
