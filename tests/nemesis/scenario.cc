#include "tests/nemesis/scenario.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "node/domain/ids.h"
#include "tests/nemesis/invariants.h"
#include "tests/nemesis/workload.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {
// PACTO_NEMESIS_TRACE=1: every step on stderr (writes with their dots, sessions with
// their outcome and the receiver's vector, crashes, truncations, partitions), to see
// how a failing seed got there.
bool Tracing() { return std::getenv("PACTO_NEMESIS_TRACE") != nullptr; }

// Ids from a counter, so a seed replays exactly (reset for every run).
class DeterministicIds {
 public:
  DeterministicIds() {
    auto counter = std::make_shared<std::atomic<uint64_t>>(0);
    SetIdGeneratorForTest([counter](absl::string_view prefix) {
      return absl::StrFormat("%s-%06d", prefix, ++*counter);
    });
  }
  ~DeterministicIds() { SetIdGeneratorForTest(nullptr); }
};

// The run's actors, in one place.
class Scenario {
 public:
  Scenario(uint64_t seed, const ScenarioOptions& options)
      : options_(options),
        world_(dir_.path(), seed,
               absl::FromCivil(absl::CivilMinute(2025, 6, 30, 23, 30), absl::UTCTimeZone())),
        workload_(&world_) {}

  ScenarioResult Run();

 private:
  std::vector<SimNode*> Joined() const {
    std::vector<SimNode*> out;
    for (const auto& node : world_.nodes()) out.push_back(node.get());
    return out;
  }
  SimNode& AnyNode() {
    std::vector<SimNode*> nodes = Joined();
    return *nodes[world_.Below(nodes.size())];
  }
  // Whether this run has failed so far.
  bool Failed() const { return CurrentFailureCount() > failures_at_start_; }
  bool Isolated(const SimNode& node) const { return node.region() == isolated_region_; }

  void Setup();
  // Heals everything, then cuts the federation into random groups; the isolated
  // region stays cut off from everyone else.
  void Repartition();
  void CutOffIsolatedRegion();
  void RandomSession();
  void CrashSomeone();
  void TruncateSomeone();
  void NotifySomeone();
  void JoinNewNode();
  void HealAndCheck();

  const ScenarioOptions options_;
  const int failures_at_start_ = CurrentFailureCount();
  DeterministicIds ids_;
  TempDir dir_;
  NemesisWorld world_;
  Workload workload_;
  std::string isolated_region_;
  SimNode* leaper_ = nullptr;  // the node whose clock leaps ahead, if any
  ScenarioResult result_;
};

void Scenario::Setup() {
  struct Spec {
    const char* id;
    const char* region;
  };
  const Spec specs[] = {{"n1", "BO"}, {"n2", "BO"}, {"n3", "LPZ"}, {"n4", "LPZ"}, {"n5", "SCZ"}};
  for (const Spec& spec : specs) {
    SimNode::Options options;
    options.node_id = spec.id;
    options.region = spec.region;
    options.seeds = {std::string(spec.id) == "n1" ? "n2.sim:7400" : "n1.sim:7400"};
    if (options.node_id != "n1") {
      // Skew within a minute each way; some clocks drift up to 1%.
      options.clock_offset = absl::Milliseconds(static_cast<int64_t>(world_.Below(120001)) - 60000);
      if (world_.Chance(0.5)) {
        options.clock_drift = (static_cast<double>(world_.Below(2001)) - 1000.0) / 100000.0;
      }
    }
    world_.AddNode(std::move(options));
  }
  ASSERT_FALSE(Failed());
  workload_.Bootstrap(*world_.Find("n1"));
  absl::StatusOr<int> rounds = world_.Quiesce(AllPairs(Joined()), 10);
  ASSERT_TRUE(rounds.ok()) << rounds.status();
  isolated_region_ = world_.Chance(0.5) ? "LPZ" : "SCZ";
  CutOffIsolatedRegion();
  SimTransport::Faults faults;
  faults.break_probability = 0.08;
  faults.duplicate_probability = 0.1;
  faults.swap_probability = 0.3;
  world_.transport().SetFaults(faults);
}

void Scenario::CutOffIsolatedRegion() {
  for (SimNode* a : Joined()) {
    for (SimNode* b : Joined()) {
      if (Isolated(*a) && !Isolated(*b)) world_.transport().Cut(a->address(), b->address());
    }
  }
}

void Scenario::Repartition() {
  if (Tracing()) std::cerr << "trace: repartition\n";
  world_.transport().HealAll();
  const uint64_t groups = 1 + world_.Below(3);
  std::map<std::string, uint64_t> group;
  for (SimNode* node : Joined()) group[node->id()] = world_.Below(groups);
  for (SimNode* a : Joined()) {
    for (SimNode* b : Joined()) {
      if (group[a->id()] != group[b->id()]) world_.transport().Cut(a->address(), b->address());
    }
  }
  CutOffIsolatedRegion();
}

void Scenario::RandomSession() {
  SimNode* receiver = nullptr;
  SimNode* source = nullptr;
  std::string receiver_id, source_address;
  if (world_.Chance(0.4) && world_.TakeWantedPull(&receiver_id, &source_address)) {
    receiver = world_.Find(receiver_id);
    source = world_.Find(source_address);
  }
  if (receiver == nullptr || source == nullptr || receiver == source) {
    // Mostly between nodes that can reach each other, as a syncer with backoff would.
    const bool reachable = world_.Chance(0.8);
    for (int attempt = 0; attempt < 10; ++attempt) {
      receiver = &AnyNode();
      do {
        source = &AnyNode();
      } while (source == receiver);
      if (!reachable || !world_.transport().IsCut(receiver->address(), source->address())) break;
    }
  }
  static const uint32_t kBatchBytes[] = {256, 1024, 0};
  SessionOptions options;
  options.max_batch_bytes = kBatchBytes[world_.Below(3)];
  // Small snapshot chunks, so that broken streams leave snapshots half merged.
  options.max_chunk_bytes = kBatchBytes[world_.Below(3)];
  absl::StatusOr<SessionOutcome> outcome = world_.Sync(*receiver, *source, options);
  if (Tracing()) {
    std::cerr << "trace: session " << receiver->id() << "<-" << source->id()
              << " cut=" << world_.transport().IsCut(receiver->address(), source->address()) << " "
              << (outcome.ok()
                      ? absl::StrCat("ok applied=", outcome->applied, " skipped=", outcome->skipped,
                                     " snap=", outcome->snapshot_records)
                      : outcome.status().ToString())
              << " vv=";
    const auto st = receiver->State();
    for (const auto& [o, q] : st.version_vector.entries()) std::cerr << o << ":" << q << " ";
    std::cerr << "\n";
  }
  // Whether the session ended well or broke part way.
  SCOPED_TRACE(absl::StrCat(receiver->id(), " pulled from ", source->id(), ": ",
                            outcome.ok() ? "ok" : outcome.status().ToString()));
  CheckCausality(*receiver);
  CheckNoFutureVersions(*receiver);
  (void)outcome;
}

void Scenario::CrashSomeone() {
  SimNode& node = AnyNode();
  if (Tracing()) std::cerr << "trace: crash " << node.id() << "\n";
  world_.CrashRestart(node);
  if (!node.open()) return;
  // Every write it acknowledged before the power went out is still there.
  CheckAckedWrites(node, workload_.ledger(), node.id());
  CheckDerivedData(node);
}

void Scenario::TruncateSomeone() {
  SimNode& node = AnyNode();
  const std::string digest = node.State().digest.ToHex();
  absl::StatusOr<RecordsDump> before = DumpRecords(node.db());
  absl::StatusOr<TruncationResult> truncated = world_.Truncate(node, world_.Below(12));
  if (Tracing()) std::cerr << "trace: truncate " << node.id() << "\n";
  ASSERT_TRUE(truncated.ok()) << node.id() << ": " << truncated.status();
  // Truncation drops log entries only: no record may change.
  EXPECT_EQ(node.State().digest.ToHex(), digest) << node.id() << ": truncation changed the digest";
  absl::StatusOr<RecordsDump> after = DumpRecords(node.db());
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_TRUE(before->versions == after->versions && before->history == after->history)
      << node.id() << ": truncation changed records";
}

void Scenario::NotifySomeone() {
  SimNode& from = AnyNode();
  SimNode& to = AnyNode();
  if (&from == &to) return;
  v1::NotifyRequest request;
  *request.mutable_caller() = from.info();
  (void)world_.transport().Notify(to.address(), request);  // fails when the link is cut
}

void Scenario::JoinNewNode() {
  // The seed has truncated its log: the newcomer can only start from a snapshot. (Not
  // from a node whose clock leapt ahead: its snapshot must be refused.)
  std::string seed_id = world_.Chance(0.5) ? "n1" : "n2";
  if (leaper_ != nullptr && leaper_->id() == seed_id) seed_id = seed_id == "n1" ? "n2" : "n1";
  SimNode& seed = *world_.Find(seed_id);
  ASSERT_TRUE(world_.Truncate(seed, world_.Below(3)).ok());
  SimNode::Options options;
  options.node_id = "n6";
  options.region = "BO";
  options.seeds = {seed.address()};
  options.clock_offset = absl::Seconds(static_cast<int64_t>(world_.Below(61)) - 30);
  SimNode& joiner = world_.AddNode(std::move(options));
  ASSERT_TRUE(joiner.open());
  CutOffIsolatedRegion();
  // Through its one seed; a broken stream is retried, as the syncer would.
  for (int attempt = 0; attempt < 20; ++attempt) {
    absl::StatusOr<SessionOutcome> outcome = world_.Sync(joiner, seed);
    if (outcome.ok()) {
      result_.joined_by_snapshot |= outcome->snapshot_records > 0;
      CheckNoFutureVersions(joiner);
      break;
    }
  }
  EXPECT_TRUE(joiner.State().version_vector.Get("n1") > 0)
      << "the new node learned nothing from its seed";
  // It learned every node its seed knew.
  std::set<std::string> known;
  for (const v1::PeerRecord& peer : joiner.peers().List()) known.insert(peer.info().address());
  for (const v1::NodeInfo& info : seed.peers().Infos()) {
    if (info.address() != joiner.address()) {
      EXPECT_EQ(known.count(info.address()), 1u)
          << "the new node did not learn " << info.address() << " from its seed";
    }
  }
}

void Scenario::HealAndCheck() {
  // Any clock leap is over; every stamp is in the past now, so nothing is refused.
  world_.Advance(absl::Hours(2));
  world_.transport().SetFaults({});
  std::vector<SimNode*> nodes = Joined();

  // A line: each node talks to its two neighbours only, so writes must travel
  // through others to reach the far end (invariant 8).
  std::vector<SimNode*> line = nodes;
  std::shuffle(line.begin(), line.end(), world_.rng());
  world_.transport().HealAll();
  for (size_t i = 0; i < line.size(); ++i) {
    for (size_t j = i + 2; j < line.size(); ++j) {
      world_.transport().Cut(line[i]->address(), line[j]->address());
    }
  }
  std::vector<std::pair<SimNode*, SimNode*>> line_pairs;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    line_pairs.emplace_back(line[i], line[i + 1]);
    line_pairs.emplace_back(line[i + 1], line[i]);
  }
  absl::StatusOr<int> rounds = world_.Quiesce(line_pairs, 40);
  ASSERT_TRUE(rounds.ok()) << "over a line: " << rounds.status();
  {
    SCOPED_TRACE("after quiescing over a line topology");
    CheckConverged(nodes);
  }
  if (Failed()) return;

  // Everyone with everyone: nothing is left to send.
  world_.transport().HealAll();
  rounds = world_.Quiesce(AllPairs(nodes), 10);
  ASSERT_TRUE(rounds.ok()) << rounds.status();
  EXPECT_EQ(*rounds, 1) << "the line had converged, yet full sync still changed something";

  CheckConverged(nodes);
  for (SimNode* node : nodes) {
    CheckDerivedData(*node);
    CheckConflictsListed(*node);
    CheckCausality(*node);
    CheckAckedWrites(*node, workload_.ledger());
  }
  CheckErasures(nodes, workload_.ledger());

  absl::StatusOr<RecordsDump> dump = DumpRecords(nodes[0]->db());
  ASSERT_TRUE(dump.ok());
  result_.conflicts = dump->conflicts;
  result_.orphans = CountOrphans(*nodes[0]);
  result_.digest = nodes[0]->State().digest.ToHex();
}

ScenarioResult Scenario::Run() {
  Setup();
  if (Failed()) return result_;

  const int steps = options_.steps;
  const int join_at = steps * 3 / 5 + static_cast<int>(world_.Below(steps / 5 + 1));
  // One node's clock may leap an hour ahead for a while: its entries must be refused.
  int leap_from = -1, leap_to = -1;
  if (world_.Chance(0.35)) {
    leaper_ = world_.nodes()[world_.Below(world_.nodes().size())].get();
    leap_from = static_cast<int>(world_.Below(steps / 2));
    leap_to = leap_from + 10 + static_cast<int>(world_.Below(30));
    result_.clock_leap = true;
  }
  for (int step = 0; step < steps && !Failed(); ++step) {
    world_.Advance(absl::Milliseconds(world_.Below(20000)));
    if (step == leap_from) leaper_->Leap(absl::Hours(1));
    if (step == leap_to) leaper_->Leap(-absl::Hours(1));
    if (step == join_at) JoinNewNode();
    if (Tracing() && step == join_at) std::cerr << "trace: join n6\n";
    const uint64_t action = world_.Below(100);
    if (action < 45) {
      SimNode& node = AnyNode();
      const size_t acked = workload_.ledger().acked.size();
      workload_.RandomWrite(node);
      if (Tracing() && workload_.ledger().acked.size() > acked) {
        const AckedWrite& w = workload_.ledger().acked.back();
        std::cerr << "trace: write " << w.node << " " << w.what << " " << w.dot.origin() << ":"
                  << w.dot.seq();
        for (const v1::Op& op : w.ops) std::cerr << " " << op.kind() << "/" << op.id();
        std::cerr << "\n";
      }
      if (Isolated(node)) result_.isolated_acks += workload_.ledger().acked.size() - acked;
    } else if (action < 85) {
      RandomSession();
    } else if (action < 89) {
      Repartition();
    } else if (action < 92) {
      CrashSomeone();
    } else if (action < 95) {
      TruncateSomeone();
    } else if (action < 97) {
      NotifySomeone();
    } else if (action < 98) {
      SimNode& node = AnyNode();
      EXPECT_TRUE(node.Flush().ok()) << node.id();
    } else {
      world_.Advance(absl::Seconds(30 + world_.Below(90)));
    }
  }
  if (leaper_ != nullptr && leap_to >= steps) leaper_->Leap(-absl::Hours(1));
  if (!Failed()) HealAndCheck();

  const Ledger& ledger = workload_.ledger();
  result_.acked = ledger.acked.size();
  result_.attempted = ledger.attempted;
  result_.acked_by_kind = ledger.acked_by_kind;
  for (const AckedWrite& ack : ledger.acked) {
    for (const v1::Op& op : ack.ops) {
      result_.person_erasures += op.kind() == v1::Op::ERASE && op.type() == v1::RECORD_TYPE_PERSON;
    }
  }
  result_.world = world_.stats();
  result_.transport = world_.transport().stats();
  return result_;
}

}  // namespace

ScenarioResult RunScenario(uint64_t seed, const ScenarioOptions& options) {
  Scenario scenario(seed, options);
  return scenario.Run();
}

}  // namespace pacto
