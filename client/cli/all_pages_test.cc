#include "client/cli/all_pages.h"

#include <vector>

#include "gtest/gtest.h"
#include "pacto/v1/registry.pb.h"

namespace pacto::cli {
namespace {

TEST(FetchAllPagesTest, FollowsTokensToTheEnd) {
  std::vector<std::string> tokens_seen;
  auto fetch =
      [&](const v1::ListRegionsRequest& request) -> absl::StatusOr<v1::ListRegionsResponse> {
    EXPECT_EQ(request.page_size(), kListPageSize);
    tokens_seen.push_back(request.page_token());
    v1::ListRegionsResponse page;
    const int n = static_cast<int>(tokens_seen.size());
    page.add_regions()->set_code("R" + std::to_string(n));
    if (n < 3) page.set_next_page_token("t" + std::to_string(n));
    return page;
  };
  absl::StatusOr<v1::ListRegionsResponse> all = FetchAllPages(v1::ListRegionsRequest(), fetch);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->regions_size(), 3);
  EXPECT_EQ(all->regions(2).code(), "R3");
  EXPECT_EQ(all->next_page_token(), "");
  EXPECT_EQ(tokens_seen, (std::vector<std::string>{"", "t1", "t2"}));
}

TEST(FetchAllPagesTest, KeepsTheFilters) {
  v1::ListChaptersRequest request;
  request.set_region("LPZ");
  auto fetch = [&](const v1::ListChaptersRequest& r) -> absl::StatusOr<v1::ListChaptersResponse> {
    EXPECT_EQ(r.region(), "LPZ");
    return v1::ListChaptersResponse();
  };
  EXPECT_TRUE(FetchAllPages(request, fetch).ok());
}

TEST(FetchAllPagesTest, StopsAtTheFirstError) {
  int calls = 0;
  auto fetch = [&](const v1::ListRegionsRequest&) -> absl::StatusOr<v1::ListRegionsResponse> {
    if (++calls == 2) return absl::UnavailableError("gone");
    v1::ListRegionsResponse page;
    page.set_next_page_token("t");
    return page;
  };
  EXPECT_EQ(FetchAllPages(v1::ListRegionsRequest(), fetch).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(FetchAllPagesTest, RepeatedTokenIsAnError) {
  auto fetch = [&](const v1::ListRegionsRequest&) -> absl::StatusOr<v1::ListRegionsResponse> {
    v1::ListRegionsResponse page;
    page.set_next_page_token("same");
    return page;
  };
  EXPECT_EQ(FetchAllPages(v1::ListRegionsRequest(), fetch).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace pacto::cli
