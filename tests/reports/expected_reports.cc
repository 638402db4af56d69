#include "tests/reports/expected_reports.h"

#include <algorithm>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pacto {
namespace {

const std::vector<std::string> kLevelsInRank = {"sindicato",  "subcentral",    "central",
                                                "federation", "confederation", "pact"};

// The chain of `chapter` upward: itself, its parent, ... (stops at a repeat).
std::vector<std::string> Chain(const FederationState& state, const std::string& chapter) {
  std::vector<std::string> chain;
  std::set<std::string> seen;
  for (std::string c = chapter; !c.empty() && state.chapters.count(c) > 0 && seen.insert(c).second;
       c = state.chapters.at(c).parent) {
    chain.push_back(c);
  }
  return chain;
}

bool Connected(const FederationState& state, const std::string& chapter) {
  std::vector<std::string> chain = Chain(state, chapter);
  return !chain.empty() && state.chapters.at(chain.back()).level == "pact";
}

std::string ConfederationOf(const FederationState& state, const std::string& chapter) {
  for (const std::string& c : Chain(state, chapter)) {
    if (state.chapters.at(c).level == "confederation") return c;
  }
  return "";
}

// Region → the regions above it and itself.
std::vector<std::string> RegionChain(const FederationState& state, const std::string& code) {
  std::vector<std::string> chain;
  std::set<std::string> seen;
  for (std::string r = code; !r.empty() && state.regions.count(r) > 0 && seen.insert(r).second;
       r = state.regions.at(r).parent) {
    chain.push_back(r);
  }
  return chain;
}

int AgeOn(absl::CivilDay birth, absl::CivilDay today) {
  int age = static_cast<int>(today.year() - birth.year());
  if (std::make_pair(today.month(), today.day()) < std::make_pair(birth.month(), birth.day())) {
    --age;
  }
  return age;
}

std::map<std::string, std::vector<std::string>> ChildrenByName(const FederationState& state) {
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& [id, c] : state.chapters) {
    if (!c.parent.empty() && state.chapters.count(c.parent) > 0) children[c.parent].push_back(id);
  }
  auto by_name = [&](const std::string& a, const std::string& b) {
    return std::tie(state.chapters.at(a).name, a) < std::tie(state.chapters.at(b).name, b);
  };
  for (auto& [id, list] : children) std::sort(list.begin(), list.end(), by_name);
  return children;
}

}  // namespace

RoleRules ExpectedDefaultRoles() {
  RoleRules rules;
  for (const std::string& level : kLevelsInRank) {
    if (level != "pact") rules[level] = {"secretario general"};
  }
  return rules;
}

std::vector<std::string> RegionSubtree(const FederationState& state, const std::string& code) {
  std::vector<std::string> out;
  for (const auto& [r, region] : state.regions) {
    const std::vector<std::string> chain = RegionChain(state, r);
    if (std::find(chain.begin(), chain.end(), code) != chain.end()) out.push_back(r);
  }
  return out;
}

v1::SummaryResponse ExpectedSummary(const FederationState& state) {
  v1::SummaryResponse out;
  out.set_chapters(static_cast<uint32_t>(state.chapters.size()));
  out.set_persons(static_cast<uint32_t>(state.persons.size()));
  std::set<std::string> active, federation;
  std::map<std::string, std::set<std::string>> sector_members;
  std::map<std::string, uint32_t> sector_chapters;
  for (const auto& [id, c] : state.chapters) {
    if (!c.sector.empty()) ++sector_chapters[c.sector];
  }
  for (const auto& [id, m] : state.memberships) {
    if (m.status != "active") continue;
    active.insert(m.person);
    if (Connected(state, m.chapter)) federation.insert(m.person);
    const std::string& sector = state.chapters.at(m.chapter).sector;
    if (!sector.empty()) sector_members[sector].insert(m.person);
  }
  out.set_active_members(static_cast<uint32_t>(active.size()));
  out.set_federation_members(static_cast<uint32_t>(federation.size()));
  for (const std::string& level : kLevelsInRank) {
    v1::LevelCount* row = out.add_chapters_by_level();
    row->set_level(level);
    row->set_chapters(static_cast<uint32_t>(
        std::count_if(state.chapters.begin(), state.chapters.end(),
                      [&](const auto& entry) { return entry.second.level == level; })));
  }
  std::set<std::string> sectors;
  for (const auto& [s, n] : sector_chapters) sectors.insert(s);
  for (const auto& [s, members] : sector_members) sectors.insert(s);
  for (const std::string& s : sectors) {
    v1::SectorCount* row = out.add_by_sector();
    row->set_sector(s);
    row->set_chapters(sector_chapters[s]);
    row->set_active_members(static_cast<uint32_t>(sector_members[s].size()));
  }
  return out;
}

std::vector<v1::RegionRow> ExpectedRegions(const FederationState& state) {
  std::map<std::string, uint32_t> chapters;
  std::map<std::string, std::set<std::string>> active, federation;
  for (const auto& [id, c] : state.chapters) {
    for (const std::string& r : RegionChain(state, c.region)) ++chapters[r];
  }
  for (const auto& [id, m] : state.memberships) {
    if (m.status != "active") continue;
    const bool connected = Connected(state, m.chapter);
    for (const std::string& r : RegionChain(state, state.chapters.at(m.chapter).region)) {
      active[r].insert(m.person);
      if (connected) federation[r].insert(m.person);
    }
  }
  std::map<std::string, std::vector<std::string>> children;  // sorted by code
  std::vector<std::string> roots;
  for (const auto& [code, r] : state.regions) {
    if (r.parent.empty() || state.regions.count(r.parent) == 0) {
      roots.push_back(code);
    } else {
      children[r.parent].push_back(code);
    }
  }
  std::vector<v1::RegionRow> rows;
  std::function<void(const std::string&, uint32_t)> visit = [&](const std::string& code,
                                                                uint32_t depth) {
    const RegionData& r = state.regions.at(code);
    v1::RegionRow row;
    row.set_code(code);
    row.set_name(r.name);
    row.set_level(r.level);
    row.set_parent(r.parent);
    row.set_depth(depth);
    row.set_chapters(chapters[code]);
    row.set_active_members(static_cast<uint32_t>(active[code].size()));
    row.set_federation_members(static_cast<uint32_t>(federation[code].size()));
    rows.push_back(row);
    for (const std::string& child : children[code]) visit(child, depth + 1);
  };
  for (const std::string& root : roots) visit(root, 0);
  return rows;
}

std::vector<v1::TreeRow> ExpectedTree(const FederationState& state, const std::string& root,
                                      int depth_limit) {
  const auto children = ChildrenByName(state);
  std::map<std::string, uint32_t> memberships;
  for (const auto& [id, m] : state.memberships) {
    if (m.status == "active") ++memberships[m.chapter];
  }
  std::map<std::string, std::pair<uint32_t, uint32_t>> subtree;  // memberships, chapters
  std::function<std::pair<uint32_t, uint32_t>(const std::string&)> sum =
      [&](const std::string& id) {
        auto memo = subtree.find(id);
        if (memo != subtree.end()) return memo->second;
        std::pair<uint32_t, uint32_t> total = {memberships[id], 1};
        auto it = children.find(id);
        if (it != children.end()) {
          for (const std::string& child : it->second) {
            auto [m, c] = sum(child);
            total.first += m;
            total.second += c;
          }
        }
        subtree[id] = total;
        return total;
      };
  std::vector<v1::TreeRow> rows;
  std::function<void(const std::string&, uint32_t)> visit = [&](const std::string& id,
                                                                uint32_t depth) {
    if (depth_limit > 0 && depth > static_cast<uint32_t>(depth_limit)) return;
    const ChapterData& c = state.chapters.at(id);
    v1::TreeRow row;
    row.set_id(id);
    row.set_name(c.name);
    row.set_level(c.level);
    row.set_region(c.region);
    row.set_parent(c.parent);
    row.set_depth(depth);
    row.set_active_memberships(memberships[id]);
    auto [m, n] = sum(id);
    row.set_subtree_active_memberships(m);
    row.set_subtree_chapters(n);
    row.set_broken(!Connected(state, id));
    rows.push_back(row);
    auto it = children.find(id);
    if (it == children.end()) return;
    for (const std::string& child : it->second) visit(child, depth + 1);
  };
  if (!root.empty()) {
    if (state.chapters.count(root) > 0) visit(root, 0);
    return rows;
  }
  std::vector<std::string> pacts, broken;
  for (const auto& [id, c] : state.chapters) {
    if (!c.parent.empty()) continue;
    (c.level == "pact" ? pacts : broken).push_back(id);
  }
  auto by_name = [&](const std::string& a, const std::string& b) {
    return std::tie(state.chapters.at(a).name, a) < std::tie(state.chapters.at(b).name, b);
  };
  std::sort(pacts.begin(), pacts.end(), by_name);
  std::sort(broken.begin(), broken.end(), by_name);
  for (const std::string& id : pacts) visit(id, 0);
  for (const std::string& id : broken) visit(id, 0);
  return rows;
}

std::vector<v1::FormationRow> ExpectedFormation(const FederationState& state, absl::CivilDay today,
                                                const std::string& region, int age_limit) {
  std::vector<std::string> scope;
  if (region.empty()) {
    for (const auto& [code, r] : state.regions) scope.push_back(code);
  } else {
    scope = RegionSubtree(state, region);
  }
  const std::set<std::string> in_scope(scope.begin(), scope.end());
  std::map<std::string, uint32_t> courses;  // person → formation records
  for (const auto& [id, f] : state.formation) ++courses[f.person];
  auto young = [&](const std::string& person) {
    auto p = state.persons.find(person);
    if (p == state.persons.end() || p->second.birth_date.empty()) return false;
    absl::CivilDay birth;
    if (!absl::ParseCivilTime(p->second.birth_date, &birth)) return false;
    return AgeOn(birth, today) < age_limit;
  };
  std::map<std::string, std::set<std::string>> chapter_members, region_members;
  for (const auto& [id, m] : state.memberships) {
    if (m.status != "active") continue;
    chapter_members[m.chapter].insert(m.person);
    for (const std::string& r : RegionChain(state, state.chapters.at(m.chapter).region)) {
      region_members[r].insert(m.person);
    }
  }
  auto fill = [&](const std::set<std::string>& members, v1::FormationRow* row) {
    uint32_t n_young = 0, formed = 0, total = 0;
    for (const std::string& person : members) {
      total += courses[person];
      if (!young(person)) continue;
      ++n_young;
      if (courses[person] > 0) ++formed;
    }
    row->set_young_active_members(n_young);
    row->set_young_formed(formed);
    row->set_courses(total);
    row->set_coverage(n_young == 0 ? 0.0 : static_cast<double>(formed) / n_young);
  };
  std::vector<v1::FormationRow> rows;
  for (const auto& [id, c] : state.chapters) {
    if (in_scope.count(c.region) == 0) continue;
    v1::FormationRow row;
    row.set_scope("chapter");
    row.set_id(id);
    row.set_name(c.name);
    row.set_region(c.region);
    fill(chapter_members[id], &row);
    rows.push_back(row);
  }
  for (const std::string& code : scope) {
    v1::FormationRow row;
    row.set_scope("region");
    row.set_id(code);
    row.set_name(state.regions.at(code).name);
    row.set_region(code);
    fill(region_members[code], &row);
    rows.push_back(row);
  }
  return rows;
}

std::vector<v1::VacancyRow> ExpectedVacancies(const FederationState& state, absl::CivilDay today,
                                              const RoleRules& rules, const std::string& region) {
  const std::string day = absl::FormatCivilTime(today);
  std::set<std::string> in_scope;
  if (region.empty()) {
    for (const auto& [code, r] : state.regions) in_scope.insert(code);
  } else {
    for (const std::string& code : RegionSubtree(state, region)) in_scope.insert(code);
  }
  std::map<std::string, std::set<std::string>> filled;
  for (const auto& [id, t] : state.terms) {
    if (t.start <= day && (t.end.empty() || t.end >= day)) filled[t.chapter].insert(t.role);
  }
  std::vector<v1::VacancyRow> rows;
  for (const auto& [id, c] : state.chapters) {
    if (in_scope.count(c.region) == 0 || c.status == "dissolved") continue;
    auto rule = rules.find(c.level);
    if (rule == rules.end()) continue;
    v1::VacancyRow row;
    for (const std::string& role : rule->second) {
      if (filled[id].count(role) == 0) row.add_missing_roles(role);
    }
    if (row.missing_roles_size() == 0) continue;
    row.set_chapter_id(id);
    row.set_name(c.name);
    row.set_level(c.level);
    row.set_region(c.region);
    rows.push_back(row);
  }
  return rows;
}

std::vector<v1::DuplicateRow> ExpectedDuplicates(const FederationState& state,
                                                 bool allow_multiple_confederations) {
  std::map<std::string, std::vector<std::string>> memberships_of, active_of;
  for (const auto& [id, m] : state.memberships) {
    memberships_of[m.person].push_back(id);
    if (m.status == "active") active_of[m.person].push_back(id);
  }
  std::vector<v1::DuplicateRow> rows;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> groups;
  for (const auto& [id, p] : state.persons) {
    if (p.national_id.empty() && !p.birth_date.empty()) {
      groups[{p.match_key, p.birth_date}].push_back(id);
    }
  }
  for (const auto& [key, people] : groups) {
    if (people.size() < 2) continue;
    v1::DuplicateRow row;
    row.set_kind("same_name_and_birth_date");
    std::vector<std::string> memberships;
    for (const std::string& person : people) {
      row.add_person_ids(person);
      for (const std::string& m : memberships_of[person]) memberships.push_back(m);
    }
    std::sort(memberships.begin(), memberships.end());
    for (const std::string& m : memberships) row.add_membership_ids(m);
    row.set_detail(
        absl::StrCat(people.size(), " people without a national id share a name and birth date"));
    rows.push_back(row);
  }
  // A membership whose enroller sent another name, or a birth date they gave that
  // is not the stored one: one row each, naming the person and all its memberships.
  for (const auto& [membership, sent] : state.sent_persons) {
    const MembershipData& m = state.memberships.at(membership);
    auto stored = state.persons.find(m.person);
    if (stored == state.persons.end()) continue;
    std::vector<std::string> differ;
    if (sent.name != stored->second.name) differ.push_back("name");
    if (!sent.birth_date.empty() && sent.birth_date != stored->second.birth_date) {
      differ.push_back("birth date");
    }
    if (differ.empty()) continue;
    v1::DuplicateRow row;
    row.set_kind("discrepancy");
    row.add_person_ids(m.person);
    std::vector<std::string> memberships = memberships_of[m.person];
    std::sort(memberships.begin(), memberships.end());
    for (const std::string& id : memberships) row.add_membership_ids(id);
    row.set_detail(absl::StrCat("membership ", membership, " of chapter ", m.chapter,
                                " was enrolled with another ", absl::StrJoin(differ, " and "),
                                " than the person's record"));
    rows.push_back(row);
  }
  if (allow_multiple_confederations) return rows;
  for (const auto& [person, active] : active_of) {
    std::set<std::string> confederations;
    for (const std::string& m : active) {
      const std::string conf = ConfederationOf(state, state.memberships.at(m).chapter);
      if (!conf.empty()) confederations.insert(conf);
    }
    if (confederations.size() < 2) continue;
    v1::DuplicateRow row;
    row.set_kind("across_confederations");
    row.add_person_ids(person);
    std::vector<std::string> sorted = active;
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& m : sorted) row.add_membership_ids(m);
    row.set_detail(absl::StrCat("active under ", confederations.size(),
                                " confederations: ", absl::StrJoin(confederations, ", ")));
    rows.push_back(row);
  }
  return rows;
}

std::vector<v1::Conflict> ExpectedConflicts(const FederationState& state) {
  std::vector<v1::Conflict> out;
  for (const auto& [type, id] : state.concurrent_versions) {
    v1::Conflict c;
    c.set_kind("concurrent_versions");
    c.set_record_type(type);
    c.set_record_id(id);
    out.push_back(c);
  }
  std::map<std::pair<std::string, std::string>, int> active;  // (person, chapter) → count
  for (const auto& [id, m] : state.memberships) {
    if (m.status == "active") ++active[{m.person, m.chapter}];
  }
  for (const auto& [key, n] : active) {
    if (n < 2) continue;
    v1::Conflict c;
    c.set_kind("active_twice_in_chapter");
    c.set_record_type("person");
    c.set_record_id(key.first);
    c.set_detail(key.second);  // the chapter
    out.push_back(c);
  }
  return out;
}

std::vector<v1::ExportRow> ExpectedExport(const FederationState& state, const std::string& region,
                                          bool include_ended) {
  const std::vector<std::string> subtree = RegionSubtree(state, region);
  const std::set<std::string> in_scope(subtree.begin(), subtree.end());
  std::vector<v1::ExportRow> rows;
  for (const auto& [id, m] : state.memberships) {
    if (!include_ended && m.status != "active") continue;
    if (in_scope.count(state.chapters.at(m.chapter).region) == 0) continue;
    v1::ExportRow row;
    row.set_chapter(m.chapter);
    auto p = state.persons.find(m.person);
    if (p != state.persons.end()) {
      row.set_name(p->second.name);
      row.set_national_id(p->second.national_id);
      row.set_birth_date(p->second.birth_date);
    }
    row.set_since(m.since);
    row.set_membership_id(id);
    row.set_status(m.status);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace pacto
