#include "tests/reports/federation_state.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pacto {
namespace {

std::string Map(const IdMap& ids, const std::string& key) {
  if (key.empty()) return key;
  auto it = ids.find(key);
  return it == ids.end() ? key : it->second;
}

std::string Describe(const RegionData& r) {
  return absl::StrJoin({r.code, r.name, r.level, r.parent}, "|");
}
std::string Describe(const ChapterData& c) {
  return absl::StrJoin({c.id, c.name, c.level, c.sector, c.region, c.status, c.parent}, "|");
}
std::string Describe(const PersonData& p) {
  return absl::StrJoin({p.id, p.name, p.national_id, p.birth_date, p.match_key}, "|");
}
std::string Describe(const MembershipData& m) {
  return absl::StrJoin({m.id, m.person, m.chapter, m.since, m.status}, "|");
}
std::string Describe(const TermData& t) {
  return absl::StrJoin({t.id, t.chapter, t.person, t.membership, t.role, t.start, t.end}, "|");
}
std::string Describe(const FormationData& f) {
  return absl::StrJoin({f.id, f.person, f.membership, f.chapter, f.course, f.date}, "|");
}

template <typename Value>
void Diff(const std::string& what, const std::map<std::string, Value>& a,
          const std::map<std::string, Value>& b, size_t limit, std::vector<std::string>* out) {
  for (const auto& [key, value] : a) {
    if (out->size() >= limit) return;
    auto it = b.find(key);
    if (it == b.end()) {
      out->push_back(absl::StrCat(what, " only in the first: ", Describe(value)));
    } else if (Describe(value) != Describe(it->second)) {
      out->push_back(
          absl::StrCat(what, " differs: ", Describe(value), " vs ", Describe(it->second)));
    }
  }
  for (const auto& [key, value] : b) {
    if (out->size() >= limit) return;
    if (a.count(key) == 0) {
      out->push_back(absl::StrCat(what, " only in the second: ", Describe(value)));
    }
  }
}

}  // namespace

std::vector<std::string> Differences(const FederationState& a, const FederationState& b,
                                     size_t limit) {
  std::vector<std::string> out;
  Diff("region", a.regions, b.regions, limit, &out);
  Diff("chapter", a.chapters, b.chapters, limit, &out);
  Diff("person", a.persons, b.persons, limit, &out);
  Diff("membership", a.memberships, b.memberships, limit, &out);
  Diff("officer term", a.terms, b.terms, limit, &out);
  Diff("formation record", a.formation, b.formation, limit, &out);
  if (a.concurrent_versions != b.concurrent_versions && out.size() < limit) {
    out.push_back("the records holding concurrent versions differ");
  }
  return out;
}

std::string FoldName(const std::string& name) {
  // The plain letter of each code point U+00C0..U+00FF (0 for the two that are not
  // letters: the multiplication and division signs).
  static constexpr char kPlain[] =
      "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
      "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";
  std::string out;
  bool gap = false;
  auto add = [&](char letter) {
    if (gap && !out.empty()) out.push_back(' ');
    gap = false;
    out.push_back(letter);
  };
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == 0xC3 && i + 1 < name.size()) {
      const unsigned char next = static_cast<unsigned char>(name[i + 1]);
      if (next >= 0x80 && next <= 0xBF && kPlain[next - 0x80] != '\0') {
        add(kPlain[next - 0x80]);
        ++i;
        continue;
      }
    }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      add(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      add(static_cast<char>(c - 'A' + 'a'));
    } else if (c >= 0x80) {
      add(static_cast<char>(c));  // other letters kept as they are
    } else {
      gap = true;
    }
  }
  return out;
}

FederationState Translate(const FederationState& state, const IdMap& ids) {
  FederationState out;
  out.regions = state.regions;
  for (const auto& [key, c] : state.chapters) {
    ChapterData copy = c;
    copy.id = Map(ids, c.id);
    copy.parent = Map(ids, c.parent);
    out.chapters[copy.id] = std::move(copy);
  }
  for (const auto& [key, p] : state.persons) {
    PersonData copy = p;
    copy.id = Map(ids, p.id);
    out.persons[copy.id] = std::move(copy);
  }
  for (const auto& [key, m] : state.memberships) {
    MembershipData copy = m;
    copy.id = Map(ids, m.id);
    copy.person = Map(ids, m.person);
    copy.chapter = Map(ids, m.chapter);
    out.memberships[copy.id] = std::move(copy);
  }
  for (const auto& [key, t] : state.terms) {
    TermData copy = t;
    copy.id = Map(ids, t.id);
    copy.chapter = Map(ids, t.chapter);
    copy.person = Map(ids, t.person);
    copy.membership = Map(ids, t.membership);
    out.terms[copy.id] = std::move(copy);
  }
  for (const auto& [key, f] : state.formation) {
    FormationData copy = f;
    copy.id = Map(ids, f.id);
    copy.person = Map(ids, f.person);
    copy.membership = Map(ids, f.membership);
    copy.chapter = Map(ids, f.chapter);
    out.formation[copy.id] = std::move(copy);
  }
  for (const auto& [type, id] : state.concurrent_versions) {
    out.concurrent_versions.emplace(type, Map(ids, id));
  }
  return out;
}

}  // namespace pacto
