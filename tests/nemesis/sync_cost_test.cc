// Invariant 7, cost follows the difference, measured in bytes on the simulated wire
// (never time): once two nodes hold the same registry of thousands of records, a sync
// costs a small, fixed number of bytes, the same when the registry doubles; one new
// write costs about its own size.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "node/registry/registry.h"
#include "tests/nemesis/nemesis_world.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

class SyncCostTest : public ::testing::Test {
 protected:
  SyncCostTest() : world_(dir_.path(), 11, absl::FromUnixSeconds(1750000000)) {}

  SimNode& AddNode(const std::string& id) {
    SimNode::Options options;
    options.node_id = id;
    options.region = "BO";
    return world_.AddNode(options);
  }

  void Setup(SimNode& node) {
    v1::AddRegionRequest region;
    region.mutable_region()->set_code("BO");
    region.mutable_region()->set_name("Bolivia");
    ASSERT_TRUE(Await<v1::Region>([&](v1::Region* out, auto done) {
                  node.registry().AddRegion(region, "t", out, done);
                }).ok());
    v1::AddChapterRequest chapter;
    chapter.set_name("Sindicato Agrario");
    chapter.set_level("sindicato");
    chapter.set_region("BO");
    absl::StatusOr<v1::Chapter> c = Await<v1::Chapter>(
        [&](v1::Chapter* out, auto done) { node.registry().AddChapter(chapter, "t", out, done); });
    ASSERT_TRUE(c.ok());
    chapter_ = c->id();
  }

  // `rows` enrolments (a person and a membership each), imported in batches of 200.
  void Import(SimNode& node, int rows) {
    for (int done_rows = 0; done_rows < rows;) {
      std::vector<v1::ImportRow> batch;
      for (int i = 0; i < 200 && done_rows < rows; ++i, ++done_rows) {
        v1::ImportRow row;
        row.set_line(i + 2);
        row.set_chapter(chapter_);
        row.set_name(absl::StrCat("Persona ", ++people_));
        row.set_national_id(absl::StrCat(3000000 + people_));
        batch.push_back(std::move(row));
      }
      absl::StatusOr<v1::ImportMembersResponse> r =
          Await<v1::ImportMembersResponse>([&](v1::ImportMembersResponse* out, auto done) {
            node.registry().ImportRows(batch, "t", out, done);
          });
      ASSERT_TRUE(r.ok()) << r.status();
      ASSERT_EQ(r->rejected(), 0u);
    }
  }

  // The bytes one session `receiver` <- `source` puts on the wire, both directions.
  uint64_t SessionBytes(SimNode& receiver, SimNode& source, uint64_t expect_applied) {
    world_.transport().ResetBytes();
    absl::StatusOr<SessionOutcome> outcome = world_.Sync(receiver, source);
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    if (outcome.ok()) {
      EXPECT_EQ(outcome->applied, expect_applied);
    }
    return world_.transport().BytesBetween(receiver.address(), source.address());
  }

  size_t Records(SimNode& node) {
    size_t n = 0;
    std::unique_ptr<rocksdb::Iterator> it(
        node.db().db()->NewIterator(rocksdb::ReadOptions(), node.db().records()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }

  TempDir dir_;
  NemesisWorld world_;
  std::string chapter_;
  int people_ = 0;
};

TEST_F(SyncCostTest, ANoOpSyncCostsAFewBytesWhateverTheRegistrySize) {
  SimNode& a = AddNode("a");
  SimNode& b = AddNode("b");
  Setup(a);
  Import(a, 1500);
  ASSERT_TRUE(world_.Quiesce(AllPairs({&a, &b}), 5).ok());
  ASSERT_GE(Records(b), 3000u);
  ASSERT_EQ(a.State().digest, b.State().digest);

  const uint64_t small_ab = SessionBytes(b, a, 0);
  const uint64_t small_ba = SessionBytes(a, b, 0);
  EXPECT_LT(small_ab, 512u);
  EXPECT_LT(small_ba, 512u);

  // One new write costs about its own size.
  Import(a, 1);
  const uint64_t one = SessionBytes(b, a, 1);
  EXPECT_LT(one, small_ab + 512);

  // Double the registry: a no-op sync costs the same bytes as before.
  Import(a, 1500);
  ASSERT_TRUE(world_.Quiesce(AllPairs({&a, &b}), 5).ok());
  ASSERT_GE(Records(b), 6000u);
  EXPECT_EQ(SessionBytes(b, a, 0), small_ab);
  EXPECT_EQ(SessionBytes(a, b, 0), small_ba);
  Import(a, 1);
  EXPECT_EQ(SessionBytes(b, a, 1), one);
}

// Nodes that know the same federation have nothing to tell each other about peers:
// the peer list travels only when the lists differ (replication.proto, peers_hash).
TEST_F(SyncCostTest, ANoOpSyncSendsNoPeerListBetweenNodesThatKnowTheSameFederation) {
  std::vector<SimNode*> nodes;
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) nodes.push_back(&AddNode(id));
  Setup(*nodes[0]);
  ASSERT_TRUE(world_.Quiesce(AllPairs(nodes), 5).ok());
  for (SimNode* node : nodes) ASSERT_EQ(node->peers().List().size(), nodes.size() - 1);

  absl::StatusOr<SessionOutcome> outcome = world_.Sync(*nodes[1], *nodes[0]);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->applied, 0u);
  EXPECT_EQ(outcome->done.peers_size(), 0)
      << "both nodes know the same " << nodes.size() << " nodes, yet a no-op sync carried "
      << outcome->done.peers_size() << " peer records (" << outcome->bytes_received
      << " bytes of response)";
}

}  // namespace
}  // namespace pacto
