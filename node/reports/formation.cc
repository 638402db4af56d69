#include "node/reports/formation.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/dates.h"
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

}  // namespace

absl::Status BuildFormation(const ReportContext& ctx, const v1::FormationRequest& request,
                            const std::function<bool(const v1::FormationResponse&)>& emit,
                            int chunk_rows) {
  if (request.age_limit() < 0) return absl::InvalidArgumentError("age_limit: must not be negative");
  const int age_limit = request.age_limit() == 0 ? 30 : request.age_limit();
  ReadView view(ctx.db);
  v1::FormationResponse chunk;
  PACTO_ASSIGN_OR_RETURN(*chunk.mutable_header(), BuildHeader(ctx, view, request.stale_after()));
  PACTO_ASSIGN_OR_RETURN(auto regions, LoadRegions(view));
  std::vector<std::string> scope;
  if (!request.region().empty()) {
    const std::string code = absl::AsciiStrToUpper(request.region());
    if (regions.count(code) == 0) {
      return absl::NotFoundError(absl::StrCat("region: no region '", request.region(), "'"));
    }
    scope = Subtree(regions, code);
  } else {
    for (const auto& [code, region] : regions) scope.push_back(code);
  }
  const absl::CivilDay today = absl::ToCivilDay(ctx.now, absl::UTCTimeZone());

  std::map<std::string, PersonFacts> people;  // read once each
  auto facts = [&](const std::string& person) -> absl::StatusOr<PersonFacts> {
    auto it = people.find(person);
    if (it != people.end()) return it->second;
    PersonFacts f;
    v1::Person p;
    PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(view, v1::RECORD_TYPE_PERSON, person, &p));
    if (live && !p.birth_date().empty()) {
      absl::StatusOr<absl::CivilDay> birth = ParseDate("birth_date", p.birth_date());
      f.young = birth.ok() && AgeOn(*birth, today) < age_limit;
    }
    PACTO_RETURN_IF_ERROR(view.Scan(ctx.db->indexes(),
                                    IndexPrefix(IndexKind::kFormationByPerson, person), "",
                                    [&](absl::string_view, absl::string_view) {
                                      ++f.courses;
                                      return true;
                                    }));
    people[person] = f;
    return f;
  };

  // Region subtree roll-up: distinct young people and of them the formed, per region.
  std::map<std::string, std::set<std::string>> region_young, region_formed, region_members;
  int rows = 0;
  auto flush = [&]() -> bool {
    bool ok = emit(chunk);
    chunk.Clear();
    return ok;
  };
  for (const std::string& code : scope) {
    std::vector<std::string> chapters;
    PACTO_RETURN_IF_ERROR(view.Scan(ctx.db->indexes(),
                                    IndexPrefix(IndexKind::kChaptersByRegion, code), "",
                                    [&](absl::string_view id, absl::string_view) {
                                      chapters.emplace_back(id);
                                      return true;
                                    }));
    // The region's chain upward, for the roll-up.
    std::vector<std::string> chain;
    for (std::string r = code;
         !r.empty() && regions.count(r) && std::find(chain.begin(), chain.end(), r) == chain.end();
         r = regions.at(r).parent()) {
      chain.push_back(r);
    }
    for (const std::string& chapter_id : chapters) {
      v1::Chapter chapter;
      PACTO_ASSIGN_OR_RETURN(bool live,
                             ReadLive(view, v1::RECORD_TYPE_CHAPTER, chapter_id, &chapter));
      if (!live) continue;
      std::set<std::string> members;
      PACTO_RETURN_IF_ERROR(view.Scan(ctx.db->indexes(),
                                      IndexPrefix(IndexKind::kMembersByChapter, chapter_id), "",
                                      [&](absl::string_view, absl::string_view value) {
                                        if (!value.empty() && value[0] == kActiveMark) {
                                          members.emplace(value.substr(1));
                                        }
                                        return true;
                                      }));
      v1::FormationRow* row = chunk.add_rows();
      row->set_scope("chapter");
      row->set_id(chapter_id);
      row->set_name(chapter.name());
      row->set_region(chapter.region());
      for (const std::string& person : members) {
        PACTO_ASSIGN_OR_RETURN(PersonFacts f, facts(person));
        row->set_courses(row->courses() + f.courses);
        for (const std::string& r : chain) region_members[r].insert(person);
        if (!f.young) continue;
        row->set_young_active_members(row->young_active_members() + 1);
        for (const std::string& r : chain) region_young[r].insert(person);
        if (f.courses > 0) {
          row->set_young_formed(row->young_formed() + 1);
          for (const std::string& r : chain) region_formed[r].insert(person);
        }
      }
      if (row->young_active_members() > 0) {
        row->set_coverage(static_cast<double>(row->young_formed()) / row->young_active_members());
      }
      if (++rows % chunk_rows == 0 && !flush()) return absl::CancelledError("the caller went away");
    }
  }
  for (const std::string& code : scope) {
    v1::FormationRow* row = chunk.add_rows();
    row->set_scope("region");
    row->set_id(code);
    row->set_name(regions.at(code).name());
    row->set_region(code);
    row->set_young_active_members(static_cast<uint32_t>(region_young[code].size()));
    row->set_young_formed(static_cast<uint32_t>(region_formed[code].size()));
    uint32_t courses = 0;
    for (const std::string& person : region_members[code]) courses += people[person].courses;
    row->set_courses(courses);
    if (row->young_active_members() > 0) {
      row->set_coverage(static_cast<double>(row->young_formed()) / row->young_active_members());
    }
  }
  if (!flush()) return absl::CancelledError("the caller went away");
  return absl::OkStatus();
}

}  // namespace pacto
