// The generator's model of the registry's writes (ApplyToModel, federation_generator.h):
// what each write leaves in the registry, written from the registry's contract
// (registry.proto, DESIGN §3) rather than from its code.
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/reports/federation_generator.h"

namespace pacto {
namespace {

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

}  // namespace

std::string NormalizedNationalId(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    if (c == ' ' || c == '.' || c == '-') continue;
    out.push_back(absl::ascii_toupper(c));
  }
  return out;
}

std::string CollapseSpaces(const std::string& text) {
  return absl::StrJoin(absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty()), " ");
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

void ApplyToModel(const Step& step, FederationState* st) {
  struct Visitor {
    FederationState* st;
    void operator()(const AddRegionStep& s) { st->regions[s.region.code] = s.region; }
    void operator()(const AddChapterStep& s) {
      st->chapters[s.key] = ChapterData{
          s.key, CollapseSpaces(s.name), s.level, s.sector, s.region, "active", s.parent};
    }
    void operator()(const AffiliateStep& s) { st->chapters.at(s.child).parent = s.parent; }
    void operator()(const DisaffiliateStep& s) { st->chapters.at(s.child).parent.clear(); }
    void operator()(const UpdateChapterStep& s) {
      ChapterData& c = st->chapters.at(s.key);
      if (!s.name.empty()) c.name = CollapseSpaces(s.name);
      if (!s.status.empty()) c.status = Lower(s.status);
      if (!s.sector.empty()) c.sector = CollapseSpaces(s.sector);
    }
    void operator()(const EnrolStep& s) {
      auto it = st->persons.find(s.person);
      if (it == st->persons.end()) {
        it = st->persons
                 .emplace(s.person,
                          PersonData{s.person, "", NormalizedNationalId(s.national_id), "", ""})
                 .first;
      }
      PersonData& p = it->second;
      p.name = CollapseSpaces(s.name);
      p.match_key = FoldName(p.name);
      if (!s.birth_date.empty()) p.birth_date = s.birth_date;
      st->memberships[s.membership] =
          MembershipData{s.membership, s.person, s.chapter, s.since, "active"};
    }
    void operator()(const TransferStep& s) {
      MembershipData& old = st->memberships.at(s.membership);
      old.status = "transferred";
      st->memberships[s.moved] = MembershipData{s.moved, old.person, s.to, s.date, "active"};
    }
    void operator()(const EndStep& s) { st->memberships.at(s.membership).status = "ended"; }
    void operator()(const RemoveStep& s) {
      const MembershipData m = st->memberships.at(s.membership);
      st->memberships.erase(s.membership);
      bool last = true;
      for (const auto& [id, other] : st->memberships) last &= other.person != m.person;
      for (auto it = st->terms.begin(); it != st->terms.end();) {
        const bool erase = it->second.person == m.person && (last || it->second.membership == m.id);
        it = erase ? st->terms.erase(it) : std::next(it);
      }
      if (!last) return;
      for (auto it = st->formation.begin(); it != st->formation.end();) {
        it = it->second.person == m.person ? st->formation.erase(it) : std::next(it);
      }
      st->persons.erase(m.person);
    }
    void operator()(const AppointStep& s) {
      const MembershipData& m = st->memberships.at(s.membership);
      st->terms[s.term] = TermData{
          s.term, s.chapter, m.person, s.membership, Lower(CollapseSpaces(s.role)), s.start, s.end};
    }
    void operator()(const FormationStep& s) {
      const MembershipData& m = st->memberships.at(s.membership);
      st->formation[s.record] = FormationData{
          s.record, m.person, s.membership, m.chapter, CollapseSpaces(s.course), s.date};
    }
  };
  std::visit(Visitor{st}, step);
}

}  // namespace pacto
