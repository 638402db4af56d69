#include "node/reports/vacancies.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/dates.h"
#include "node/domain/levels.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"

namespace pacto {

absl::Status BuildVacancies(const ReportContext& ctx, const v1::VacanciesRequest& request,
                            const std::function<bool(const v1::VacanciesResponse&)>& emit,
                            int chunk_rows) {
  RequiredRoleMap required = ctx.required_roles;
  for (const v1::RequiredRoles& r : request.required()) {
    const std::string level = absl::AsciiStrToLower(r.level());
    if (ChapterLevelRank(level) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("required: no level '", r.level(), "'"));
    }
    std::vector<std::string>& roles = required[level];
    roles.clear();
    for (const std::string& role : r.roles()) {
      roles.push_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(role)));
    }
  }
  ReadView view(ctx.db);
  v1::VacanciesResponse chunk;
  PACTO_ASSIGN_OR_RETURN(*chunk.mutable_header(), BuildHeader(ctx, view, request.stale_after()));
  for (const auto& [level, roles] : required) {
    v1::RequiredRoles* rule = chunk.add_required();
    rule->set_level(level);
    for (const std::string& role : roles) rule->add_roles(role);
  }
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
  const std::string today = FormatDate(absl::ToCivilDay(ctx.now, absl::UTCTimeZone()));
  int rows = 0;
  for (const std::string& code : scope) {
    std::vector<std::string> chapters;
    PACTO_RETURN_IF_ERROR(view.Scan(ctx.db->indexes(),
                                    IndexPrefix(IndexKind::kChaptersByRegion, code), "",
                                    [&](absl::string_view id, absl::string_view) {
                                      chapters.emplace_back(id);
                                      return true;
                                    }));
    for (const std::string& id : chapters) {
      v1::Chapter chapter;
      PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(view, v1::RECORD_TYPE_CHAPTER, id, &chapter));
      if (!live || chapter.status() == "dissolved") continue;
      auto rule = required.find(chapter.level());
      if (rule == required.end() || rule->second.empty()) continue;
      std::vector<std::string> terms;
      PACTO_RETURN_IF_ERROR(view.Scan(ctx.db->indexes(),
                                      IndexPrefix(IndexKind::kOfficersByChapter, id), "",
                                      [&](absl::string_view term, absl::string_view) {
                                        terms.emplace_back(term);
                                        return true;
                                      }));
      std::set<std::string> filled;
      for (const std::string& term_id : terms) {
        v1::OfficerTerm term;
        PACTO_ASSIGN_OR_RETURN(bool live_term,
                               ReadLive(view, v1::RECORD_TYPE_OFFICER_TERM, term_id, &term));
        if (live_term && term.start_date() <= today &&
            (term.end_date().empty() || term.end_date() >= today)) {
          filled.insert(term.role());
        }
      }
      std::vector<std::string> missing;
      for (const std::string& role : rule->second) {
        if (filled.count(role) == 0) missing.push_back(role);
      }
      if (missing.empty()) continue;
      v1::VacancyRow* row = chunk.add_rows();
      row->set_chapter_id(id);
      row->set_name(chapter.name());
      row->set_level(chapter.level());
      row->set_region(chapter.region());
      for (std::string& role : missing) row->add_missing_roles(std::move(role));
      if (++rows % chunk_rows == 0) {
        if (!emit(chunk)) return absl::CancelledError("the caller went away");
        chunk.Clear();
      }
    }
  }
  if (!emit(chunk)) return absl::CancelledError("the caller went away");
  return absl::OkStatus();
}

}  // namespace pacto
