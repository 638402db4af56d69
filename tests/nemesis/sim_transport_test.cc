// The simulated transport's faults, each on its own, between two real nodes: a cut
// link refuses calls, a broken stream leaves durable progress that the next session
// resumes from, duplicated batches are skipped, swapped batches are refused by the
// apply path, long streams are windowed, snapshots flow, and bytes are counted.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "node/registry/registry.h"
#include "tests/nemesis/nemesis_world.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

class SimTransportTest : public ::testing::Test {
 protected:
  SimTransportTest() : world_(dir_.path(), 7, absl::FromUnixSeconds(1750000000)) {
    a_ = &AddNode("a");
    b_ = &AddNode("b");
  }

  SimNode& AddNode(const std::string& id) {
    SimNode::Options options;
    options.node_id = id;
    options.region = "BO";
    return world_.AddNode(options);
  }

  // `n` entries written on b: a region, a chapter and n - 2 enrolments.
  void WriteOnB(int n) {
    v1::AddRegionRequest region;
    region.mutable_region()->set_code("BO");
    region.mutable_region()->set_name("Bolivia");
    ASSERT_TRUE(Await<v1::Region>([&](v1::Region* out, auto done) {
                  b_->registry().AddRegion(region, "t", out, done);
                }).ok());
    v1::AddChapterRequest chapter;
    chapter.set_name("Sindicato Agrario");
    chapter.set_level("sindicato");
    chapter.set_region("BO");
    absl::StatusOr<v1::Chapter> c = Await<v1::Chapter>(
        [&](v1::Chapter* out, auto done) { b_->registry().AddChapter(chapter, "t", out, done); });
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < n - 2; ++i) {
      v1::EnrolMemberRequest enrol;
      enrol.set_chapter(c->id());
      enrol.set_name(absl::StrCat("Persona ", i));
      ASSERT_TRUE(Await<v1::Membership>([&](v1::Membership* out, auto done) {
                    b_->registry().EnrolMember(enrol, "t", out, done);
                  }).ok());
    }
    ASSERT_EQ(b_->State().version_vector.Get("b"), static_cast<uint64_t>(n));
  }

  uint64_t HasOfB(SimNode& node) { return node.State().version_vector.Get("b"); }

  TempDir dir_;
  NemesisWorld world_;
  SimNode* a_;
  SimNode* b_;
};

TEST_F(SimTransportTest, ACutLinkRefusesCallsUntilHealed) {
  WriteOnB(3);
  world_.transport().Cut("a.sim:7400", "b.sim:7400");
  absl::StatusOr<SessionOutcome> cut = world_.Sync(*a_, *b_);
  ASSERT_FALSE(cut.ok());
  EXPECT_TRUE(absl::IsUnavailable(cut.status())) << cut.status();
  v1::NotifyRequest notify;
  *notify.mutable_caller() = a_->info();
  EXPECT_TRUE(absl::IsUnavailable(world_.transport().Notify(b_->address(), notify)));
  EXPECT_EQ(world_.transport().TotalBytes(), 0u) << "nothing crosses a cut link";
  EXPECT_EQ(HasOfB(*a_), 0u);

  world_.transport().Heal("b.sim:7400", "a.sim:7400");
  ASSERT_TRUE(world_.Sync(*a_, *b_).ok());
  EXPECT_EQ(HasOfB(*a_), 3u);
  EXPECT_GT(world_.transport().BytesSent(b_->address(), a_->address()), 0u);
}

TEST_F(SimTransportTest, ABrokenStreamKeepsItsProgressAndTheNextSessionResumes) {
  WriteOnB(40);
  SimTransport::Faults faults;
  faults.break_probability = 1;  // every stream breaks after 0 to 2 messages
  world_.transport().SetFaults(faults);
  SessionOptions small;
  small.max_batch_bytes = 200;
  uint64_t before = 0;
  int sessions = 0, progressed = 0;
  while (HasOfB(*a_) < 40 && sessions < 200) {
    ++sessions;
    absl::StatusOr<SessionOutcome> outcome = world_.Sync(*a_, *b_, small);
    const uint64_t now = HasOfB(*a_);
    EXPECT_GE(now, before) << "progress went backwards";
    if (!outcome.ok()) {
      EXPECT_TRUE(absl::IsUnavailable(outcome.status())) << outcome.status();
    } else {
      EXPECT_EQ(outcome->skipped, 0u) << "a resumed session re-sent what had arrived";
    }
    progressed += now > before;
    before = now;
  }
  EXPECT_EQ(HasOfB(*a_), 40u);
  EXPECT_GT(world_.transport().stats().breaks, 0u);
  EXPECT_GT(progressed, 1) << "no session that broke left durable progress";
  EXPECT_EQ(a_->State().digest, b_->State().digest);
}

TEST_F(SimTransportTest, DuplicatedBatchesAreSkipped) {
  WriteOnB(12);
  SimTransport::Faults faults;
  faults.duplicate_probability = 1;
  world_.transport().SetFaults(faults);
  SessionOptions small;
  small.max_batch_bytes = 200;
  absl::StatusOr<SessionOutcome> outcome = world_.Sync(*a_, *b_, small);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->applied, 12u);
  EXPECT_EQ(outcome->skipped, 12u) << "every batch came twice";
  EXPECT_EQ(a_->State().digest, b_->State().digest);
}

TEST_F(SimTransportTest, SwappedBatchesAreRefusedAndTheSessionRetried) {
  WriteOnB(12);
  SimTransport::Faults faults;
  faults.swap_probability = 1;
  world_.transport().SetFaults(faults);
  SessionOptions small;
  small.max_batch_bytes = 200;
  absl::StatusOr<SessionOutcome> outcome = world_.Sync(*a_, *b_, small);
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(outcome.status())) << outcome.status();
  EXPECT_TRUE(absl::StrContains(outcome.status().message(), "arrived before")) << outcome.status();
  EXPECT_EQ(world_.transport().stats().swaps, 1u);
  EXPECT_EQ(world_.stats().refused_out_of_order, 1u);
  EXPECT_EQ(HasOfB(*a_), 0u) << "the out-of-order batch was applied";

  world_.transport().SetFaults({});
  outcome = world_.Sync(*a_, *b_, small);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(HasOfB(*a_), 12u);
  EXPECT_EQ(a_->State().digest, b_->State().digest);
}

TEST_F(SimTransportTest, LongStreamsArriveWholeAndInOrder) {
  WriteOnB(80);
  SessionOptions small;
  small.max_batch_bytes = 64;  // about one entry per message: many windows
  absl::StatusOr<SessionOutcome> outcome = world_.Sync(*a_, *b_, small);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->applied, 80u);
  EXPECT_GT(world_.transport().stats().messages, 3 * SimTransport::kWindow);
  EXPECT_EQ(a_->State().digest, b_->State().digest);
  // Every response byte the session counted crossed the b -> a direction, and the
  // request went the other way.
  EXPECT_EQ(world_.transport().BytesSent(b_->address(), a_->address()), outcome->bytes_received);
  EXPECT_GT(world_.transport().BytesSent(a_->address(), b_->address()), 0u);
}

TEST_F(SimTransportTest, ANodeBehindATruncatedLogCatchesUpBySnapshot) {
  WriteOnB(30);
  absl::StatusOr<TruncationResult> truncated = world_.Truncate(*b_, 0);
  ASSERT_TRUE(truncated.ok());
  EXPECT_EQ(truncated->removed, 30u);
  SessionOptions small;
  small.max_batch_bytes = 200;
  absl::StatusOr<SessionOutcome> outcome = world_.Sync(*a_, *b_, small);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_GT(outcome->snapshot_records, 0u);
  EXPECT_EQ(HasOfB(*a_), 30u);
  EXPECT_EQ(a_->State().digest, b_->State().digest);
}

}  // namespace
}  // namespace pacto
