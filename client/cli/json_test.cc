#include "client/cli/json.h"

#include "gtest/gtest.h"
#include "pacto/v1/model.pb.h"
#include "pacto/v1/registry.pb.h"
#include "pacto/v1/reports.pb.h"

namespace pacto::cli {
namespace {

TEST(JsonTest, SnakeCaseNamesAndZeroesPresent) {
  v1::SummaryResponse summary;
  summary.set_chapters(3);
  summary.set_as_of_node("n1");
  absl::StatusOr<std::string> json = ToJson(summary);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(
      *json,
      "{\"chapters\":3,\"active_members\":0,\"federation_members\":0,\"persons\":0,"
      "\"chapters_by_level\":[],\"as_of_node\":\"n1\",\"version_vector\":{},\"by_sector\":[]}");
}

TEST(JsonTest, ChapterFields) {
  v1::Chapter chapter;
  chapter.set_id("ch-1");
  chapter.set_name("Sindicato");
  chapter.set_level("sindicato");
  chapter.set_region("LPZ");
  absl::StatusOr<std::string> json = ToJson(chapter);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json,
            "{\"id\":\"ch-1\",\"name\":\"Sindicato\",\"level\":\"sindicato\",\"sector\":\"\","
            "\"region\":\"LPZ\",\"status\":\"\",\"founded\":\"\",\"parent\":\"\"}");
}

TEST(JsonTest, Uint64IsAString) {
  v1::ImportMembersResponse response;
  response.set_accepted(2);
  absl::StatusOr<std::string> json = ToJson(response);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, "{\"accepted\":\"2\",\"rejected\":\"0\",\"errors\":[]}");
}

}  // namespace
}  // namespace pacto::cli
