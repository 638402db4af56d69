#include "client/cli/progress_bar.h"

#include <sstream>

#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

TEST(ProgressBarTest, Render) {
  EXPECT_EQ(ProgressBar::Render("importing", 1000, 2000, 2400.4),
            "importing [############------------] 1000/2000 rows  50%  2400 rows/s");
  EXPECT_EQ(ProgressBar::Render("importing", 0, 2000, 0),
            "importing [------------------------] 0/2000 rows  0%  0 rows/s");
  EXPECT_EQ(ProgressBar::Render("importing", 2000, 2000, 10),
            "importing [########################] 2000/2000 rows  100%  10 rows/s");
  EXPECT_EQ(ProgressBar::Render("x", 0, 0, 0),
            "x [########################] 0/0 rows  100%  0 rows/s");
}

class FakeClock {
 public:
  absl::Time Now() const { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1000);
};

TEST(ProgressBarTest, RedrawsAtMostTenTimesASecondAndAlwaysAtTheEnd) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(&out, "importing", 2000, [&] { return clock.Now(); });

  clock.Advance(absl::Milliseconds(500));
  bar.Update(500);
  const std::string first =
      "\r\x1b[Kimporting [######------------------] 500/2000 rows  25%  1000 rows/s";
  EXPECT_EQ(out.str(), first);

  clock.Advance(absl::Milliseconds(50));
  bar.Update(1000);  // too soon: not drawn
  EXPECT_EQ(out.str(), first);

  clock.Advance(absl::Milliseconds(10));
  bar.Update(2000);  // the end is always drawn
  EXPECT_NE(out.str(), first);
  EXPECT_NE(out.str().find("2000/2000 rows  100%"), std::string::npos);

  bar.Finish();
  EXPECT_EQ(out.str().substr(out.str().size() - 4), "\r\x1b[K");
  const size_t size = out.str().size();
  bar.Finish();  // idempotent
  EXPECT_EQ(out.str().size(), size);
}

TEST(ProgressBarTest, FinishWithoutDrawingWritesNothing) {
  std::ostringstream out;
  ProgressBar bar(&out, "importing", 10);
  bar.Finish();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace pacto::cli
