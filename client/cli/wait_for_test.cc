// --wait-for's vector and the test of "has this node applied it"; the waiting itself
// runs against real nodes in the README tour test (tests/ops/readme_tour_test.sh).
#include "client/cli/wait_for.h"

#include <map>
#include <sstream>

#include "client/cli/app.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(WaitForTest, ParsesCommasAndSpaces) {
  const WantedVector want = {{"bo-1", 1552}, {"lpz-1", 2}, {"scz-1", 0}};
  EXPECT_EQ(*ParseWantedVector("bo-1=1552,lpz-1=2,scz-1=0"), want);
  EXPECT_EQ(*ParseWantedVector("bo-1=1552 lpz-1=2 scz-1=0"), want);
  EXPECT_EQ(*ParseWantedVector(" bo-1=1552, lpz-1=2 ,scz-1=0 "), want);
}

// Whatever is given, a bad vector is refused with the flag and the rule, never the value.
TEST(WaitForTest, RefusesMalformedVectorsWithoutEchoingThem) {
  for (const char* bad :
       {"", " , ", "xq-7", "xq-7=", "=5", "xq-7=-1", "xq-7=x", "xq-7=99999999999999999999999",
        "xq-7=1=2", "secret-value", "xq-7=1,xq-7=2"}) {
    absl::StatusOr<WantedVector> parsed = ParseWantedVector(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("--wait-for"));
    if (std::string(bad).size() > 3) {
      EXPECT_THAT(std::string(parsed.status().message()), Not(HasSubstr(bad)));
    }
  }
}

TEST(WaitForTest, ReachesWhenEveryOriginIsAtLeastWanted) {
  const std::map<std::string, uint64_t> have = {{"bo-1", 10}, {"lpz-1", 3}};
  EXPECT_TRUE(Reaches(have, {{"bo-1", 10}}));
  EXPECT_TRUE(Reaches(have, {{"bo-1", 9}, {"lpz-1", 3}}));
  EXPECT_TRUE(Reaches(have, {{"scz-1", 0}}));  // nothing wanted from scz-1
  EXPECT_FALSE(Reaches(have, {{"bo-1", 11}}));
  EXPECT_FALSE(Reaches(have, {{"bo-1", 1}, {"scz-1", 1}}));  // an origin it never heard of
}

// A bad flag is a usage error: nothing is sent, exit 2, one error line.
TEST(WaitForTest, BadFlagsAreUsageErrors) {
  auto run = [](const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Io io{.out = &out, .err = &err, .err_is_terminal = false, .getenv = nullptr};
    const int code = pacto::cli::Run(args, io);
    return std::make_pair(code, err.str());
  };
  auto [code, err] = run({"--wait-for", "bo-1", "report", "summary"});
  EXPECT_EQ(code, kExitUsage);
  EXPECT_THAT(err, HasSubstr("error: INVALID_ARGUMENT: --wait-for: want ORIGIN=SEQUENCE"));
  std::tie(code, err) =
      run({"--wait-for", "bo-1=1", "--wait-for-node", "x:1", "report", "summary"});
  EXPECT_EQ(code, kExitUsage);
  EXPECT_THAT(err, HasSubstr("cannot be used together"));
  std::tie(code, err) = run({"--wait-for-node", "", "report", "summary"});
  EXPECT_EQ(code, kExitUsage);
  std::tie(code, err) = run({"--wait-for", "bo-1=1", "token", "mint", "--signing-key", "k",
                             "--role", "enroller", "--region", "LPZ"});
  EXPECT_EQ(code, kExitUsage);
  EXPECT_THAT(err, HasSubstr("runs without a node"));
}

}  // namespace
}  // namespace pacto::cli
