#include "node/reports/summary.h"

#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/store/committed_state.h"
#include "node/store/read_view.h"
#include "node/store/tallies.h"

namespace pacto {
namespace {

absl::StatusOr<uint32_t> Count(const ReadView& view, absl::string_view name) {
  PACTO_ASSIGN_OR_RETURN(int64_t v,
                         ReadCounter(view.db(), GlobalCounterKey(name), view.options().snapshot));
  return static_cast<uint32_t>(v < 0 ? 0 : v);
}

}  // namespace

absl::StatusOr<v1::SummaryResponse> BuildSummary(const Database& db) {
  ReadView view(&db);
  v1::SummaryResponse out;
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
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  out.set_as_of_node(db.node_id());
  state.version_vector.ToProto(out.mutable_version_vector());
  return out;
}

}  // namespace pacto
