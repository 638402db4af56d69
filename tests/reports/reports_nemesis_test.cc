// The reports after a nemesis run (issue 4: "aggregates equal a full recount after a
// nemesis run"), through the replication nemesis's own pieces (tests/nemesis) without
// changing them: nodes of three regions take the nemesis workload's random writes of
// every kind while partitioned, with broken, duplicated and swapped messages and
// crash-restarts that drop unsynced data; then everything heals and quiesces. On every
// node, every report must equal a recount of that node's own records
// (ExpectReportsMatchRecords, report_checks.h), and every node's reports the others'.
//
// Seeds 1-3 by default; PACTO_REPORTS_NEMESIS_SEED=N runs one seed.
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "node/domain/ids.h"
#include "tests/nemesis/nemesis_world.h"
#include "tests/nemesis/workload.h"
#include "tests/reports/report_checks.h"
#include "tests/reports/state_from_records.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

// Ids from a counter while it lives, so that a seed replays exactly.
class CountedIds {
 public:
  CountedIds() {
    auto counter = std::make_shared<uint64_t>(0);
    SetIdGeneratorForTest([counter](absl::string_view prefix) {
      return absl::StrFormat("%s-%06d", prefix, ++*counter);
    });
  }
  ~CountedIds() { SetIdGeneratorForTest(nullptr); }
};

void RunSeed(uint64_t seed) {
  SCOPED_TRACE(absl::StrCat("seed ", seed, " (PACTO_REPORTS_NEMESIS_SEED=", seed, " replays it)"));
  CountedIds ids;
  TempDir dir;
  NemesisWorld world(dir.path(), seed,
                     absl::FromCivil(absl::CivilMinute(2025, 6, 30, 10, 0), absl::UTCTimeZone()));
  const std::pair<const char*, const char*> specs[] = {
      {"n1", "BO"}, {"n2", "LPZ"}, {"n3", "SCZ"}, {"n4", "LPZ"}};
  std::vector<SimNode*> nodes;
  for (const auto& [id, region] : specs) {
    SimNode::Options options;
    options.node_id = id;
    options.region = region;
    options.seeds = {std::string(id) == "n1" ? "n2.sim:7400" : "n1.sim:7400"};
    options.clock_offset = absl::Seconds(static_cast<int64_t>(world.Below(41)) - 20);
    nodes.push_back(&world.AddNode(std::move(options)));
  }
  Workload workload(&world);
  workload.Bootstrap(*nodes[0]);
  absl::StatusOr<int> rounds = world.Quiesce(AllPairs(nodes), 10);
  ASSERT_TRUE(rounds.ok()) << rounds.status();
  SimTransport::Faults faults;
  faults.break_probability = 0.05;
  faults.duplicate_probability = 0.1;
  faults.swap_probability = 0.2;
  world.transport().SetFaults(faults);

  for (int step = 0; step < 1500; ++step) {
    world.Advance(absl::Milliseconds(world.Below(20000)));
    SimNode& node = *nodes[world.Below(nodes.size())];
    const uint64_t action = world.Below(100);
    if (action < 55) {
      workload.RandomWrite(node);
    } else if (action < 88) {
      SimNode& source = *nodes[world.Below(nodes.size())];
      if (&source != &node) (void)world.Sync(node, source);
    } else if (action < 96) {
      world.transport().HealAll();
      for (size_t i = 0; i < nodes.size(); ++i) {
        for (size_t j = i + 1; j < nodes.size(); ++j) {
          if (world.Chance(0.4)) world.transport().Cut(nodes[i]->address(), nodes[j]->address());
        }
      }
    } else {
      world.CrashRestart(node);
    }
  }
  world.Advance(absl::Hours(1));
  world.transport().HealAll();
  world.transport().SetFaults({});
  rounds = world.Quiesce(AllPairs(nodes), 20);
  ASSERT_TRUE(rounds.ok()) << rounds.status();
  std::cout << "seed " << seed << ": " << workload.ledger().acked.size()
            << " writes acknowledged of " << workload.ledger().attempted << "\n";

  for (SimNode* node : nodes) ExpectReportsMatchRecords(node->db(), world.now());

  absl::StatusOr<FederationState> state = StateFromRecords(nodes[0]->db());
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_GT(state->memberships.size(), 20u) << "the workload wrote too little to prove anything";
  const ReportVariants variants = PickVariants(*state);
  std::map<std::string, std::vector<std::string>> first;
  for (SimNode* node : nodes) {
    ReportContext ctx;
    ctx.db = &node->db();
    ctx.now = world.now();
    absl::StatusOr<std::map<std::string, std::vector<std::string>>> lines =
        ReportLines(ctx, variants);
    ASSERT_TRUE(lines.ok()) << node->id() << ": " << lines.status();
    if (node == nodes[0]) {
      first = *std::move(lines);
    } else {
      SCOPED_TRACE(absl::StrCat(nodes[0]->id(), " against ", node->id()));
      ExpectSameLines(first, *lines);
    }
  }
}

TEST(ReportsAfterNemesis, EveryReportEqualsARecountOnEveryNode) {
  if (const char* seed = std::getenv("PACTO_REPORTS_NEMESIS_SEED")) {
    RunSeed(std::stoull(seed));
    return;
  }
  for (uint64_t seed = 1; seed <= 3 && !HasFailure(); ++seed) RunSeed(seed);
}

}  // namespace
}  // namespace pacto
