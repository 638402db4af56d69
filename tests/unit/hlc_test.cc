// Unit tests of the hybrid logical clock (node/base/hlc.h) under a manual clock.
#include "node/base/hlc.h"

#include <cstdint>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "node/base/clock.h"

namespace pacto {
namespace {

const absl::Time kStart = absl::FromUnixMillis(1717243200000);  // 2024-06-01T12:00:00Z

class HlcTest : public testing::Test {
 protected:
  ManualClock clock_{kStart};
  HybridClock hlc_{&clock_, absl::Seconds(5)};
};

TEST_F(HlcTest, PackingOrdersByMillisThenCounter) {
  EXPECT_EQ(HybridClock::Pack(1, 0), uint64_t{1} << 16);
  EXPECT_EQ(HybridClock::Pack(1, 7), (uint64_t{1} << 16) | 7);
  EXPECT_LT(HybridClock::Pack(1, 65535), HybridClock::Pack(2, 0));
  EXPECT_EQ(HybridClock::Millis(HybridClock::Pack(1717243200000, 42)), 1717243200000);
  EXPECT_EQ(HybridClock::ToTime(HybridClock::Pack(1717243200000, 42)), kStart);
}

TEST_F(HlcTest, FollowsPhysicalTime) {
  uint64_t t1 = hlc_.Now();
  EXPECT_EQ(t1, HybridClock::Pack(1717243200000, 0));
  clock_.Advance(absl::Milliseconds(250));
  uint64_t t2 = hlc_.Now();
  EXPECT_EQ(t2, HybridClock::Pack(1717243200250, 0));
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(HybridClock::ToTime(hlc_.Now()), kStart + absl::Milliseconds(250) + absl::Hours(1));
  EXPECT_EQ(hlc_.Last(), HybridClock::Pack(1717243200250 + 3600000, 0));
}

TEST_F(HlcTest, MonotonicWhenTheClockStandsStill) {
  uint64_t previous = hlc_.Now();
  for (int i = 1; i <= 1000; ++i) {
    uint64_t t = hlc_.Now();
    ASSERT_GT(t, previous);
    EXPECT_EQ(HybridClock::Millis(t), 1717243200000);
    EXPECT_EQ(t & 0xFFFF, static_cast<uint64_t>(i));
    previous = t;
  }
}

TEST_F(HlcTest, MonotonicWhenTheClockMovesBackwards) {
  clock_.Advance(absl::Seconds(10));
  const uint64_t high = hlc_.Now();
  clock_.Set(kStart - absl::Minutes(30));  // an NTP step backwards
  uint64_t previous = high;
  for (int i = 0; i < 100; ++i) {
    uint64_t t = hlc_.Now();
    ASSERT_GT(t, previous);
    EXPECT_EQ(HybridClock::Millis(t), HybridClock::Millis(high));
    previous = t;
    clock_.Advance(absl::Milliseconds(1));  // still behind
  }
  // Once physical time passes the high-water mark again, it takes over.
  clock_.Set(kStart + absl::Seconds(11));
  uint64_t t = hlc_.Now();
  EXPECT_EQ(t, HybridClock::Pack(1717243211000, 0));
  EXPECT_GT(t, previous);
}

TEST_F(HlcTest, ObserveMergesARemoteTimestamp) {
  const uint64_t local = hlc_.Now();
  // A peer 3 s ahead (within the 5 s maximum offset).
  const uint64_t remote = HybridClock::Pack(1717243203000, 9);
  ASSERT_TRUE(hlc_.Observe(remote).ok());
  EXPECT_EQ(hlc_.Last(), remote);
  const uint64_t next = hlc_.Now();
  EXPECT_GT(next, remote);
  EXPECT_GT(next, local);
  EXPECT_EQ(next, remote + 1);
  // An older remote timestamp changes nothing.
  ASSERT_TRUE(hlc_.Observe(HybridClock::Pack(1717243100000, 0)).ok());
  EXPECT_EQ(hlc_.Last(), next);
  EXPECT_EQ(hlc_.Now(), next + 1);
}

TEST_F(HlcTest, ObserveAcceptsExactlyTheMaximumOffset) {
  EXPECT_TRUE(hlc_.Observe(HybridClock::Pack(1717243205000, 0)).ok());
  EXPECT_EQ(hlc_.Last(), HybridClock::Pack(1717243205000, 0));
}

TEST_F(HlcTest, ObserveRefusesTimestampsTooFarAhead) {
  const uint64_t before = hlc_.Now();
  const uint64_t remote = HybridClock::Pack(1717243205001, 0);  // 5.001 s ahead
  absl::Status s = hlc_.Observe(remote);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "5001 ms ahead")) << s.message();
  EXPECT_TRUE(absl::StrContains(s.message(), "5000 ms")) << s.message();
  EXPECT_EQ(hlc_.Last(), before);  // the clock did not move
  EXPECT_EQ(hlc_.Now(), before + 1);

  // A day ahead: refused too.
  EXPECT_EQ(hlc_.Observe(HybridClock::Pack(1717243200000 + 86400000, 0)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(hlc_.Last(), before + 1);

  // Once local physical time catches up, the same timestamp is fine.
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(hlc_.Observe(remote).ok());
  EXPECT_EQ(hlc_.Last(), remote);
}

TEST_F(HlcTest, RestoreRaisesButNeverLowers) {
  const uint64_t logged = HybridClock::Pack(1717243260000, 3);  // a minute ahead, from the log
  hlc_.Restore(logged);
  EXPECT_EQ(hlc_.Last(), logged);
  EXPECT_EQ(hlc_.Now(), logged + 1);
  hlc_.Restore(HybridClock::Pack(1717243000000, 0));
  EXPECT_EQ(hlc_.Last(), logged + 1);
  EXPECT_EQ(hlc_.Now(), logged + 2);
}

TEST_F(HlcTest, RestoreSurvivesAClockSetBackAcrossARestart) {
  uint64_t last_before_restart = 0;
  {
    HybridClock before(&clock_, absl::Seconds(5));
    clock_.Advance(absl::Minutes(10));
    before.Now();
    last_before_restart = before.Now();
  }
  clock_.Set(kStart);  // the machine restarts with its clock ten minutes behind
  HybridClock after(&clock_, absl::Seconds(5));
  after.Restore(last_before_restart);
  EXPECT_GT(after.Now(), last_before_restart);
}

TEST_F(HlcTest, ConcurrentCallersGetDistinctIncreasingTimestamps) {
  constexpr int kThreads = 4, kPerThread = 2000;
  std::vector<std::vector<uint64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) seen[t].push_back(hlc_.Now());
    });
  }
  for (auto& th : threads) th.join();
  std::vector<uint64_t> all;
  for (const auto& v : seen) {
    for (size_t i = 1; i < v.size(); ++i) ASSERT_GT(v[i], v[i - 1]);
    all.insert(all.end(), v.begin(), v.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_EQ(hlc_.Last(), HybridClock::Pack(1717243200000, kThreads * kPerThread - 1));
}

}  // namespace
}  // namespace pacto
