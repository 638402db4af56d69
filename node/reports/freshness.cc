#include "node/reports/freshness.h"

#include <algorithm>
#include <map>

#include "common/status_macros.h"
#include "node/base/hlc.h"
#include "node/store/committed_state.h"

namespace pacto {
namespace {

std::string Rfc3339(int64_t unix_ms) {
  if (unix_ms <= 0) return "";
  return absl::FormatTime(absl::RFC3339_sec, absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

struct Origin {
  std::string region;
  uint64_t seq = 0;
  int64_t newest_ms = 0;
  int64_t heard_ms = 0;
  bool direct = false;
  uint64_t behind = 0;
};

}  // namespace

absl::StatusOr<v1::FreshnessResponse> ComputeFreshness(const ReportContext& ctx,
                                                       const ReadView& view,
                                                       absl::Duration stale_after) {
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  const int64_t now_ms = absl::ToUnixMillis(ctx.now);
  std::map<std::string, Origin> origins;
  for (const auto& [id, o] : state.origins) {
    Origin& row = origins[id];
    row.region = o.region();
    row.seq = o.seq();
    row.newest_ms = HybridClock::Millis(o.newest_hlc());
    row.heard_ms = o.received_ms();
  }
  for (const auto& [id, seq] : state.version_vector.entries()) origins[id].seq = seq;
  // This node itself is as fresh as it gets.
  Origin& self = origins[ctx.db->node_id()];
  self.heard_ms = now_ms;
  self.direct = true;
  if (ctx.peers != nullptr) {
    if (self.region.empty()) self.region = ctx.peers->self().region();
    for (const auto& [id, ms] : ctx.peers->HeardFrom()) {
      Origin& row = origins[id];
      row.heard_ms = std::max(row.heard_ms, ms);
    }
    for (const v1::PeerRecord& peer : ctx.peers->List()) {
      const std::string& id = peer.info().node_id();
      if (!id.empty()) {
        Origin& row = origins[id];
        if (row.region.empty()) row.region = peer.info().region();
        if (peer.last_success_ms() > 0 && peer.last_success_ms() >= row.heard_ms) {
          row.heard_ms = peer.last_success_ms();
          row.direct = true;
        }
      }
      // What peers are known to have that this node lacks.
      for (const auto& [origin, seq] : peer.their_vector()) {
        Origin& row = origins[origin];
        const uint64_t have = state.version_vector.Get(origin);
        if (seq > have) row.behind = std::max(row.behind, seq - have);
      }
    }
  }

  v1::FreshnessResponse out;
  const int64_t stale_ms = absl::ToInt64Milliseconds(stale_after);
  std::map<std::string, v1::RegionFreshness> regions;
  std::map<std::string, int64_t> region_newest_ms, region_heard_ms;
  for (const auto& [id, o] : origins) {
    v1::OriginFreshness* row = out.add_origins();
    row->set_node_id(id);
    row->set_region(o.region);
    row->set_seq_here(o.seq);
    row->set_newest_entry(Rfc3339(o.newest_ms));
    row->set_last_heard(Rfc3339(o.heard_ms));
    row->set_direct(o.direct);
    row->set_behind(o.behind);
    row->set_stale(o.heard_ms == 0 || now_ms - o.heard_ms > stale_ms);
    if (o.region.empty()) continue;
    v1::RegionFreshness& region = regions[o.region];
    region.set_region(o.region);
    region.set_nodes(region.nodes() + 1);
    region.set_behind(region.behind() + o.behind);
    region_newest_ms[o.region] = std::max(region_newest_ms[o.region], o.newest_ms);
    region_heard_ms[o.region] = std::max(region_heard_ms[o.region], o.heard_ms);
  }
  for (auto& [code, region] : regions) {
    region.set_newest_entry(Rfc3339(region_newest_ms[code]));
    region.set_last_heard(Rfc3339(region_heard_ms[code]));
    region.set_stale(region_heard_ms[code] == 0 || now_ms - region_heard_ms[code] > stale_ms);
    *out.add_regions() = region;
  }
  return out;
}

absl::StatusOr<v1::FreshnessResponse> BuildFreshness(const ReportContext& ctx,
                                                     const v1::FreshnessRequest& request) {
  ReadView view(ctx.db);
  PACTO_ASSIGN_OR_RETURN(v1::ReportHeader header, BuildHeader(ctx, view, request.stale_after()));
  absl::Duration stale_after;
  absl::ParseDuration(header.stale_after(), &stale_after);
  PACTO_ASSIGN_OR_RETURN(v1::FreshnessResponse out, ComputeFreshness(ctx, view, stale_after));
  *out.mutable_header() = std::move(header);
  return out;
}

}  // namespace pacto
