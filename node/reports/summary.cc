#include "node/reports/summary.h"

#include <map>

#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/store/keys.h"
#include "node/store/tallies.h"

namespace pacto {
namespace {

absl::StatusOr<uint32_t> Count(const ReadView& view, absl::string_view name) {
  PACTO_ASSIGN_OR_RETURN(int64_t v,
                         ReadCounter(view.db(), GlobalCounterKey(name), view.options().snapshot));
  return static_cast<uint32_t>(v < 0 ? 0 : v);
}

}  // namespace

absl::StatusOr<v1::SummaryResponse> BuildSummary(const ReportContext& ctx,
                                                 const v1::SummaryRequest& request) {
  ReadView view(ctx.db);
  v1::SummaryResponse out;
  PACTO_ASSIGN_OR_RETURN(*out.mutable_header(), BuildHeader(ctx, view, request.stale_after()));
  PACTO_ASSIGN_OR_RETURN(uint32_t chapters, Count(view, kChaptersCounter));
  out.set_chapters(chapters);
  PACTO_ASSIGN_OR_RETURN(uint32_t active, Count(view, kActiveCounter));
  out.set_active_members(active);
  PACTO_ASSIGN_OR_RETURN(uint32_t federation, Count(view, kFederationCounter));
  out.set_federation_members(federation);
  PACTO_ASSIGN_OR_RETURN(uint32_t persons, Count(view, kPersonsCounter));
  out.set_persons(persons);
  for (const std::string& level : ChapterLevels()) {
    PACTO_ASSIGN_OR_RETURN(uint32_t n, Count(view, LevelCounter(level)));
    v1::LevelCount* row = out.add_chapters_by_level();
    row->set_level(level);
    row->set_chapters(n);
  }
  // Sector counters: 's' sector \0 name.
  std::map<std::string, v1::SectorCount> sectors;
  PACTO_RETURN_IF_ERROR(
      view.Scan(ctx.db->tallies(), "s", "", [&](absl::string_view rest, absl::string_view value) {
        const size_t nul = rest.find('\0');
        if (nul == absl::string_view::npos || value.size() != 8) return true;
        const std::string sector(rest.substr(0, nul));
        const absl::string_view name = rest.substr(nul + 1);
        const int64_t v = static_cast<int64_t>(GetBigEndian64(value));
        v1::SectorCount& row = sectors[sector];
        row.set_sector(sector);
        if (name == kChaptersCounter) row.set_chapters(static_cast<uint32_t>(v));
        if (name == kActiveCounter) row.set_active_members(static_cast<uint32_t>(v));
        return true;
      }));
  for (auto& [sector, row] : sectors) {
    if (row.chapters() > 0 || row.active_members() > 0) *out.add_by_sector() = std::move(row);
  }
  out.set_as_of_node(ctx.db->node_id());
  *out.mutable_version_vector() = out.header().version_vector();
  return out;
}

}  // namespace pacto
