#include "node/reports/vacancies.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/dates.h"
#include "node/domain/levels.h"
#include "node/reports/chunked_stream.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"

namespace pacto {

namespace {

// The required roles (lower-case) of `chapter`'s level that no current officer term of
// it holds, in the rule's order.
absl::StatusOr<std::vector<std::string>> MissingRoles(const ReadView& view, const std::string& id,
                                                      const std::vector<std::string>& required,
                                                      const std::string& today) {
  std::vector<std::string> terms;
  PACTO_RETURN_IF_ERROR(view.Scan(view.db().indexes(),
                                  IndexPrefix(IndexKind::kOfficersByChapter, id), "",
                                  [&](absl::string_view term, absl::string_view) {
                                    terms.emplace_back(term);
                                    return true;
                                  }));
  std::set<std::string> filled;
  for (const std::string& term_id : terms) {
    v1::OfficerTerm term;
    PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(view, v1::RECORD_TYPE_OFFICER_TERM, term_id, &term));
    if (live && term.start_date() <= today &&
        (term.end_date().empty() || term.end_date() >= today)) {
      filled.insert(term.role());
    }
  }
  std::vector<std::string> missing;
  for (const std::string& role : required) {
    if (filled.count(role) == 0) missing.push_back(role);
  }
  return missing;
}

// The node's required roles with the request's rules over them.
absl::StatusOr<RequiredRoleMap> RequiredRoles(const ReportContext& ctx,
                                              const v1::VacanciesRequest& request) {
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
  return required;
}

}  // namespace

absl::Status BuildVacancies(const ReportContext& ctx, const v1::VacanciesRequest& request,
                            const std::function<bool(const v1::VacanciesResponse&)>& emit,
                            int chunk_rows) {
  PACTO_ASSIGN_OR_RETURN(const RequiredRoleMap required, RequiredRoles(ctx, request));
  ReadView view(ctx.db);
  ChunkedStream<v1::VacanciesResponse> out(emit, chunk_rows);
  PACTO_ASSIGN_OR_RETURN(*out.chunk().mutable_header(),
                         BuildHeader(ctx, view, request.stale_after()));
  for (const auto& [level, roles] : required) {
    v1::RequiredRoles* rule = out.chunk().add_required();
    rule->set_level(level);
    for (const std::string& role : roles) rule->add_roles(role);
  }
  PACTO_ASSIGN_OR_RETURN(RegionScope scope, ResolveRegionScope(view, request.region()));
  const std::string today = FormatDate(absl::ToCivilDay(ctx.now, absl::UTCTimeZone()));
  for (const std::string& code : scope.codes) {
    PACTO_ASSIGN_OR_RETURN(std::vector<std::string> chapters, ChaptersHomedIn(view, code));
    for (const std::string& id : chapters) {
      v1::Chapter chapter;
      PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(view, v1::RECORD_TYPE_CHAPTER, id, &chapter));
      if (!live || chapter.status() == "dissolved") continue;
      auto rule = required.find(chapter.level());
      if (rule == required.end() || rule->second.empty()) continue;
      PACTO_ASSIGN_OR_RETURN(std::vector<std::string> missing,
                             MissingRoles(view, id, rule->second, today));
      if (missing.empty()) continue;
      v1::VacancyRow* row = out.chunk().add_rows();
      row->set_chapter_id(id);
      row->set_name(chapter.name());
      row->set_level(chapter.level());
      row->set_region(chapter.region());
      for (std::string& role : missing) row->add_missing_roles(std::move(role));
      PACTO_RETURN_IF_ERROR(out.RowAdded());
    }
  }
  return out.Finish();
}

}  // namespace pacto
