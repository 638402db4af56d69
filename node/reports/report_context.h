// What every report needs besides the request: the replica's data, the replication
// state that says how fresh it is, the time, and the node's report settings. Reports
// read one snapshot (ReadView) each.
#ifndef PACTO_NODE_REPORTS_REPORT_CONTEXT_H_
#define PACTO_NODE_REPORTS_REPORT_CONTEXT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node/replication/peer_directory.h"
#include "node/store/database.h"
#include "node/store/read_view.h"
#include "pacto/v1/model.pb.h"
#include "pacto/v1/reports.pb.h"

namespace pacto {

// Required officer roles by chapter level (lower-case role names).
using RequiredRoleMap = std::map<std::string, std::vector<std::string>>;

// Every level but the pact needs a general secretary.
RequiredRoleMap DefaultRequiredRoles();

// Parses "level:role one,role two;level2:role" (the --required-roles flag).
absl::StatusOr<RequiredRoleMap> ParseRequiredRoles(absl::string_view text);

struct ReportContext {
  const Database* db = nullptr;
  const PeerDirectory* peers = nullptr;  // null when replication does not run
  absl::Time now;
  RequiredRoleMap required_roles = DefaultRequiredRoles();
};

inline constexpr absl::string_view kDefaultStaleAfter = "24h";

// The header every report carries: as of when, on which node, its version vector,
// and the regions whose newest news here is older than `stale_after` (a duration;
// empty means the default). INVALID_ARGUMENT naming stale_after when malformed.
absl::StatusOr<v1::ReportHeader> BuildHeader(const ReportContext& ctx, const ReadView& view,
                                             absl::string_view stale_after);

// Region code → its parent, for every live region.
absl::StatusOr<std::map<std::string, v1::Region>> LoadRegions(const ReadView& view);

// `code` and every region below it.
std::vector<std::string> Subtree(const std::map<std::string, v1::Region>& regions,
                                 const std::string& code);

// The regions a report covers: the one asked for (any case) and its subtree, or every
// region when `region` is empty. NOT_FOUND naming `region` when it is unknown.
struct RegionScope {
  std::map<std::string, v1::Region> regions;  // every live region, by code
  std::vector<std::string> codes;             // the covered ones
};
absl::StatusOr<RegionScope> ResolveRegionScope(const ReadView& view, absl::string_view region);

// The ids of the chapters homed in region `code` (not below it), in id order.
absl::StatusOr<std::vector<std::string>> ChaptersHomedIn(const ReadView& view,
                                                         const std::string& code);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_REPORT_CONTEXT_H_
