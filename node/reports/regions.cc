#include "node/reports/regions.h"

#include <functional>

#include "common/status_macros.h"
#include "node/store/tallies.h"

namespace pacto {
namespace {

absl::StatusOr<uint32_t> Count(const ReadView& view, const std::string& key) {
  PACTO_ASSIGN_OR_RETURN(int64_t v, ReadCounter(view.db(), key, view.options().snapshot));
  return static_cast<uint32_t>(v < 0 ? 0 : v);
}

}  // namespace

absl::StatusOr<v1::RegionsResponse> BuildRegions(const ReportContext& ctx,
                                                 const v1::RegionsRequest& request) {
  ReadView view(ctx.db);
  v1::RegionsResponse out;
  PACTO_ASSIGN_OR_RETURN(*out.mutable_header(), BuildHeader(ctx, view, request.stale_after()));
  PACTO_ASSIGN_OR_RETURN(auto regions, LoadRegions(view));
  std::map<std::string, std::vector<std::string>> children;  // sorted by code
  std::vector<std::string> roots;
  for (const auto& [code, region] : regions) {
    if (region.parent().empty() || regions.count(region.parent()) == 0) {
      roots.push_back(code);
    } else {
      children[region.parent()].push_back(code);
    }
  }
  std::set<std::string> seen;
  std::function<absl::Status(const std::string&, uint32_t)> visit =
      [&](const std::string& code, uint32_t depth) -> absl::Status {
    if (!seen.insert(code).second) return absl::OkStatus();
    const v1::Region& region = regions.at(code);
    v1::RegionRow* row = out.add_rows();
    row->set_code(code);
    row->set_name(region.name());
    row->set_level(region.level());
    row->set_parent(region.parent());
    row->set_depth(depth);
    PACTO_ASSIGN_OR_RETURN(uint32_t chapters,
                           Count(view, RegionCounterKey(code, kChaptersCounter)));
    row->set_chapters(chapters);
    PACTO_ASSIGN_OR_RETURN(uint32_t active, Count(view, RegionCounterKey(code, kActiveCounter)));
    row->set_active_members(active);
    PACTO_ASSIGN_OR_RETURN(uint32_t federation,
                           Count(view, RegionCounterKey(code, kFederationCounter)));
    row->set_federation_members(federation);
    for (const std::string& child : children[code]) {
      PACTO_RETURN_IF_ERROR(visit(child, depth + 1));
    }
    return absl::OkStatus();
  };
  for (const std::string& root : roots) PACTO_RETURN_IF_ERROR(visit(root, 0));
  return out;
}

}  // namespace pacto
