// Feeds a generated federation (federation_generator.h) through a node's Registry —
// the real write path, validation, commit pipeline and apply included — and records
// the ids the node gave each generator key.
//
// Phase by phase: every write of a phase is submitted at once (the commit pipeline
// groups them into shared commits), and the next phase starts when all are
// acknowledged. Any refused write fails the feed with a message naming the phase, the
// write and the node's error; so does a person key that two enrolments resolved to
// two different people.
#ifndef PACTO_TESTS_REPORTS_FEDERATION_FEEDER_H_
#define PACTO_TESTS_REPORTS_FEDERATION_FEEDER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "node/registry/registry.h"
#include "tests/reports/federation_generator.h"

namespace pacto {

struct FeedResult {
  IdMap ids;            // generator key → node id
  uint64_t writes = 0;  // acknowledged writes
};

absl::StatusOr<FeedResult> FeedFederation(Registry& registry, const std::vector<Phase>& phases);

}  // namespace pacto

#endif  // PACTO_TESTS_REPORTS_FEDERATION_FEEDER_H_
