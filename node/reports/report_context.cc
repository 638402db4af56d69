#include "node/reports/report_context.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/reports/freshness.h"
#include "node/store/committed_state.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"

namespace pacto {

RequiredRoleMap DefaultRequiredRoles() {
  RequiredRoleMap roles;
  for (const std::string& level : ChapterLevels()) {
    if (level != kPactLevel) roles[level] = {"secretario general"};
  }
  return roles;
}

absl::StatusOr<RequiredRoleMap> ParseRequiredRoles(absl::string_view text) {
  RequiredRoleMap roles;
  for (absl::string_view part : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    std::vector<absl::string_view> level_roles = absl::StrSplit(part, absl::MaxSplits(':', 1));
    if (level_roles.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("required_roles: '", part, "' is not level:role,role"));
    }
    std::string level = absl::AsciiStrToLower(absl::StripAsciiWhitespace(level_roles[0]));
    if (ChapterLevelRank(level) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("required_roles: no level '", level, "'"));
    }
    std::vector<std::string>& list = roles[level];
    for (absl::string_view role : absl::StrSplit(level_roles[1], ',', absl::SkipWhitespace())) {
      list.push_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(role)));
    }
  }
  return roles;
}

absl::StatusOr<v1::ReportHeader> BuildHeader(const ReportContext& ctx, const ReadView& view,
                                             absl::string_view stale_after) {
  absl::Duration threshold;
  const std::string text(stale_after.empty() ? kDefaultStaleAfter : stale_after);
  if (!absl::ParseDuration(text, &threshold) || threshold <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("stale_after: '", stale_after, "' is not a positive duration like 24h"));
  }
  v1::ReportHeader header;
  header.set_as_of_node(ctx.db->node_id());
  header.set_as_of(absl::FormatTime(absl::RFC3339_sec, ctx.now, absl::UTCTimeZone()));
  header.set_stale_after(text);
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  state.version_vector.ToProto(header.mutable_version_vector());
  PACTO_ASSIGN_OR_RETURN(v1::FreshnessResponse freshness, ComputeFreshness(ctx, view, threshold));
  for (const v1::RegionFreshness& region : freshness.regions()) {
    if (region.stale()) header.add_stale_regions(region.region());
  }
  return header;
}

absl::StatusOr<std::map<std::string, v1::Region>> LoadRegions(const ReadView& view) {
  std::map<std::string, v1::Region> regions;
  PACTO_RETURN_IF_ERROR(
      ScanLive<v1::Region>(view, v1::RECORD_TYPE_REGION, "",
                           [&](absl::string_view, v1::Region& region) -> absl::StatusOr<bool> {
                             regions[region.code()] = std::move(region);
                             return true;
                           }));
  return regions;
}

std::vector<std::string> Subtree(const std::map<std::string, v1::Region>& regions,
                                 const std::string& code) {
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& [c, r] : regions) children[r.parent()].push_back(c);
  std::vector<std::string> out = {code}, stack = {code};
  std::set<std::string> seen = {code};
  while (!stack.empty()) {
    std::string current = stack.back();
    stack.pop_back();
    for (const std::string& child : children[current]) {
      if (!seen.insert(child).second) continue;  // a cycle
      out.push_back(child);
      stack.push_back(child);
    }
  }
  return out;
}

absl::StatusOr<RegionScope> ResolveRegionScope(const ReadView& view, absl::string_view region) {
  RegionScope scope;
  PACTO_ASSIGN_OR_RETURN(scope.regions, LoadRegions(view));
  if (region.empty()) {
    for (const auto& [code, unused] : scope.regions) scope.codes.push_back(code);
    return scope;
  }
  const std::string code = absl::AsciiStrToUpper(region);
  if (scope.regions.count(code) == 0) {
    return absl::NotFoundError(absl::StrCat("region: no region '", region, "'"));
  }
  scope.codes = Subtree(scope.regions, code);
  return scope;
}

absl::StatusOr<std::vector<std::string>> ChaptersHomedIn(const ReadView& view,
                                                         const std::string& code) {
  std::vector<std::string> chapters;
  PACTO_RETURN_IF_ERROR(view.Scan(view.db().indexes(),
                                  IndexPrefix(IndexKind::kChaptersByRegion, code), "",
                                  [&](absl::string_view id, absl::string_view) {
                                    chapters.emplace_back(id);
                                    return true;
                                  }));
  return chapters;
}

}  // namespace pacto
