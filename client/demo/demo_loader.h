// Loads the demo federation (demo_federation.h) into a node through libpacto: regions,
// chapters with their affiliations, the members as one streamed ImportMembers, then the
// officer terms and formation records, which need the membership ids the node assigned
// (read back with ListMembers, one call per chapter concerned).
//
// Loading is not transactional: it stops at the first error and leaves what it wrote.
// Regions that already exist are skipped, so a load that failed after the regions may be
// retried on the same node; everything else is written exactly once per call.
//
// Thread-safe as the Client is; a load runs up to LoadOptions::parallel_calls unary
// calls at once.
#ifndef PACTO_CLIENT_DEMO_DEMO_LOADER_H_
#define PACTO_CLIENT_DEMO_DEMO_LOADER_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/demo/demo_federation.h"
#include "client/lib/pacto_client.h"

namespace pacto::demo {

struct LoadOptions {
  // Unary calls in flight at once; the node's commit pipeline turns concurrent writes
  // into one synced batch, so a few in flight load much faster than one at a time.
  int parallel_calls = 8;
  // When set, one line per step as it completes.
  std::ostream* progress = nullptr;
};

// The first `levels` levels of the region tree (1: the country, 2: and its departments,
// 3: and their provinces). A node that replicates a region tree it receives all at once
// refuses it (docs/OPERATIONS.md, "Known problems"); sent a level at a time, the tree
// arrives whole.
struct RegionLevels {
  int levels = 0;
};

struct LoadResult {
  int regions_created = 0;
  int regions_existing = 0;
  std::vector<std::string> chapter_ids;  // per DemoFederation::chapters
  uint64_t memberships = 0;              // rows the import accepted
  int officers = 0;
  int formation = 0;
  absl::Duration import_time;
  absl::Duration elapsed;
};

// True when the node already holds chapters (Reports.Summary), as after an earlier load.
absl::StatusOr<bool> RegistryHasChapters(const Client& client);

// Writes the regions of `demo` down to `levels.levels` into the client's node, skipping
// those already there; prints one line on `out`. Does nothing, and says so, when the
// registry already has chapters (the demo is loaded).
absl::Status RunDemoRegions(const Client& client, const DemoOptions& demo_options,
                            RegionLevels levels, std::ostream& out);

// Writes `demo` into the client's node. Errors carry the node's code, with the record
// that failed named in front of its message; a rejected import row is INTERNAL (the
// demo data should always be valid).
absl::StatusOr<LoadResult> LoadDemoFederation(const Client& client, const DemoFederation& demo,
                                              const LoadOptions& options);

// What `pacto-demo` does: when the registry already has chapters, says so on `out` and
// returns OK without writing; otherwise generates the federation for `demo_options`,
// loads it with progress on `out`, and prints a short summary of what was loaded.
absl::Status RunDemo(const Client& client, const DemoOptions& demo_options, std::ostream& out);

}  // namespace pacto::demo

#endif  // PACTO_CLIENT_DEMO_DEMO_LOADER_H_
