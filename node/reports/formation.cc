#include "node/reports/formation.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/dates.h"
#include "node/reports/chunked_stream.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"

namespace pacto {
namespace {

// Whole years from `birth` to `today`.
int AgeOn(absl::CivilDay birth, absl::CivilDay today) {
  int age = static_cast<int>(today.year() - birth.year());
  if (today.month() < birth.month() ||
      (today.month() == birth.month() && today.day() < birth.day())) {
    --age;
  }
  return age;
}

struct PersonFacts {
  bool young = false;
  uint32_t courses = 0;
};

// One run of the report: what it has learnt of each person (read once each) and the
// distinct people it has counted per region, for the roll-up.
class FormationCount {
 public:
  FormationCount(const ReadView& view, int age_limit, absl::CivilDay today)
      : view_(view), age_limit_(age_limit), today_(today) {}

  // The row of one live chapter, whose region's chain upward is `chain`; its people
  // count towards every region of the chain.
  absl::Status FillChapterRow(const std::string& chapter_id, const v1::Chapter& chapter,
                              const std::vector<std::string>& chain, v1::FormationRow* row) {
    row->set_scope("chapter");
    row->set_id(chapter_id);
    row->set_name(chapter.name());
    row->set_region(chapter.region());
    PACTO_ASSIGN_OR_RETURN(std::set<std::string> members, ActiveMembersOf(chapter_id));
    for (const std::string& person : members) {
      PACTO_ASSIGN_OR_RETURN(PersonFacts f, FactsOf(person));
      row->set_courses(row->courses() + f.courses);
      for (const std::string& r : chain) region_members_[r].insert(person);
      if (!f.young) continue;
      row->set_young_active_members(row->young_active_members() + 1);
      for (const std::string& r : chain) region_young_[r].insert(person);
      if (f.courses > 0) {
        row->set_young_formed(row->young_formed() + 1);
        for (const std::string& r : chain) region_formed_[r].insert(person);
      }
    }
    SetCoverage(row);
    return absl::OkStatus();
  }

  // The roll-up row of region `code`: distinct people of its whole subtree.
  void FillRegionRow(const std::string& code, const v1::Region& region, v1::FormationRow* row) {
    row->set_scope("region");
    row->set_id(code);
    row->set_name(region.name());
    row->set_region(code);
    row->set_young_active_members(static_cast<uint32_t>(region_young_[code].size()));
    row->set_young_formed(static_cast<uint32_t>(region_formed_[code].size()));
    uint32_t courses = 0;
    for (const std::string& person : region_members_[code]) courses += people_[person].courses;
    row->set_courses(courses);
    SetCoverage(row);
  }

 private:
  static void SetCoverage(v1::FormationRow* row) {
    if (row->young_active_members() > 0) {
      row->set_coverage(static_cast<double>(row->young_formed()) / row->young_active_members());
    }
  }

  absl::StatusOr<std::set<std::string>> ActiveMembersOf(const std::string& chapter_id) const {
    std::set<std::string> members;
    PACTO_RETURN_IF_ERROR(view_.Scan(view_.db().indexes(),
                                     IndexPrefix(IndexKind::kMembersByChapter, chapter_id), "",
                                     [&](absl::string_view, absl::string_view value) {
                                       if (!value.empty() && value[0] == kActiveMark) {
                                         members.emplace(value.substr(1));
                                       }
                                       return true;
                                     }));
    return members;
  }

  absl::StatusOr<PersonFacts> FactsOf(const std::string& person) {
    auto it = people_.find(person);
    if (it != people_.end()) return it->second;
    PersonFacts f;
    v1::Person p;
    PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(view_, v1::RECORD_TYPE_PERSON, person, &p));
    if (live && !p.birth_date().empty()) {
      absl::StatusOr<absl::CivilDay> birth = ParseDate("birth_date", p.birth_date());
      f.young = birth.ok() && AgeOn(*birth, today_) < age_limit_;
    }
    PACTO_RETURN_IF_ERROR(view_.Scan(view_.db().indexes(),
                                     IndexPrefix(IndexKind::kFormationByPerson, person), "",
                                     [&](absl::string_view, absl::string_view) {
                                       ++f.courses;
                                       return true;
                                     }));
    people_[person] = f;
    return f;
  }

  const ReadView& view_;
  const int age_limit_;
  const absl::CivilDay today_;
  std::map<std::string, PersonFacts> people_;
  std::map<std::string, std::set<std::string>> region_young_, region_formed_, region_members_;
};

// Region `code` and its ancestors, nearest first; a cycle is cut where it repeats.
std::vector<std::string> ChainUp(const std::map<std::string, v1::Region>& regions,
                                 const std::string& code) {
  std::vector<std::string> chain;
  for (std::string r = code;
       !r.empty() && regions.count(r) && std::find(chain.begin(), chain.end(), r) == chain.end();
       r = regions.at(r).parent()) {
    chain.push_back(r);
  }
  return chain;
}

}  // namespace

absl::Status BuildFormation(const ReportContext& ctx, const v1::FormationRequest& request,
                            const std::function<bool(const v1::FormationResponse&)>& emit,
                            int chunk_rows) {
  if (request.age_limit() < 0) return absl::InvalidArgumentError("age_limit: must not be negative");
  const int age_limit = request.age_limit() == 0 ? 30 : request.age_limit();
  ReadView view(ctx.db);
  ChunkedStream<v1::FormationResponse> out(emit, chunk_rows);
  PACTO_ASSIGN_OR_RETURN(*out.chunk().mutable_header(),
                         BuildHeader(ctx, view, request.stale_after()));
  PACTO_ASSIGN_OR_RETURN(RegionScope scope, ResolveRegionScope(view, request.region()));
  FormationCount count(view, age_limit, absl::ToCivilDay(ctx.now, absl::UTCTimeZone()));

  for (const std::string& code : scope.codes) {
    const std::vector<std::string> chain = ChainUp(scope.regions, code);
    PACTO_ASSIGN_OR_RETURN(std::vector<std::string> chapters, ChaptersHomedIn(view, code));
    for (const std::string& chapter_id : chapters) {
      v1::Chapter chapter;
      PACTO_ASSIGN_OR_RETURN(bool live,
                             ReadLive(view, v1::RECORD_TYPE_CHAPTER, chapter_id, &chapter));
      if (!live) continue;
      PACTO_RETURN_IF_ERROR(
          count.FillChapterRow(chapter_id, chapter, chain, out.chunk().add_rows()));
      PACTO_RETURN_IF_ERROR(out.RowAdded());
    }
  }
  // The region rows last, once every chapter below them is counted.
  for (const std::string& code : scope.codes) {
    count.FillRegionRow(code, scope.regions.at(code), out.chunk().add_rows());
    PACTO_RETURN_IF_ERROR(out.RowAdded());
  }
  return out.Finish();
}

}  // namespace pacto
