// One run of the deterministic nemesis (tests/nemesis/nemesis_test.cc runs many):
// five nodes in three regions (BO national x2, LPZ x2, SCZ x1), each a real Replica
// with its own skewed, partly drifting clock, take random writes of every kind while
// the test cuts the federation into random partitions (one department cut off for the
// whole run), breaks, duplicates and swaps replication messages, crash-restarts nodes
// dropping every unsynced byte, truncates logs with a small retention, lets one clock
// leap an hour ahead, and has a sixth, empty node join late through one seed after
// the logs were truncated. Then it heals a line topology, quiesces, checks that the
// line alone converged the federation, heals everything, and checks every invariant
// (invariants.h) on every node.
//
// Everything derives from `seed`: the run replays exactly.
#ifndef PACTO_TESTS_NEMESIS_SCENARIO_H_
#define PACTO_TESTS_NEMESIS_SCENARIO_H_

#include <cstdint>
#include <map>
#include <string>

#include "tests/nemesis/nemesis_world.h"
#include "tests/support/sim_transport.h"

namespace pacto {

struct ScenarioOptions {
  int steps = 250;  // random actions before the heal
};

struct ScenarioResult {
  std::string digest;  // of the converged federation
  uint64_t acked = 0;
  uint64_t attempted = 0;
  uint64_t conflicts = 0;      // records holding several versions at the end (on one node)
  uint64_t orphans = 0;        // officer terms / formation records left by an erasure (one node)
  uint64_t isolated_acks = 0;  // writes acknowledged by nodes of the cut-off region
  uint64_t person_erasures = 0;
  bool clock_leap = false;
  bool joined_by_snapshot = false;
  std::map<std::string, uint64_t> acked_by_kind;
  NemesisWorld::Stats world;
  SimTransport::Stats transport;
};

// Runs one seed, reporting broken invariants through gtest.
ScenarioResult RunScenario(uint64_t seed, const ScenarioOptions& options);

}  // namespace pacto

#endif  // PACTO_TESTS_NEMESIS_SCENARIO_H_
