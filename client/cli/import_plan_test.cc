#include "client/cli/import_plan.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Row(const v1::ImportRow& row) {
  return std::to_string(row.line()) + ":" + row.chapter() + "|" + row.name() + "|" +
         row.national_id() + "|" + row.birth_date();
}

std::vector<std::string> Rows(const ImportPlan& plan) {
  std::vector<std::string> rows;
  for (const v1::ImportRow& row : plan.rows) rows.push_back(Row(row));
  return rows;
}

std::vector<std::string> Rejects(const ImportPlan& plan) {
  std::vector<std::string> rejects;
  for (const v1::RowError& e : plan.rejects) {
    rejects.push_back(std::to_string(e.line()) + ":" + e.code() + ":" + e.message());
  }
  return rejects;
}

TEST(PlanImportTest, RowsCarryTheirLineNumbers) {
  absl::StatusOr<ImportPlan> plan = PlanImport(
      "chapter,name,national_id,birth_date\n"
      "ch-1,Juana Azurduy,1234567,1780-07-12\n"
      "ch-2,Bartolina Sisa,,\n");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(Rows(*plan), testing::ElementsAre("2:ch-1|Juana Azurduy|1234567|1780-07-12",
                                                "3:ch-2|Bartolina Sisa||"));
  EXPECT_THAT(plan->rejects, IsEmpty());
  EXPECT_EQ(plan->total(), 2u);
}

TEST(PlanImportTest, HeaderMatchedByNameTrimmedAndCaseInsensitive) {
  absl::StatusOr<ImportPlan> plan = PlanImport(
      "\xEF\xBB\xBF Birth_Date ,extra, NAME,Chapter,National_ID,notes\r\n"
      "2000-01-01,x,Ana,ch-9,99,hello\r\n");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(Rows(*plan), testing::ElementsAre("2:ch-9|Ana|99|2000-01-01"));
}

TEST(PlanImportTest, OptionalColumnsMayBeAbsent) {
  absl::StatusOr<ImportPlan> plan = PlanImport("name,chapter\nAna,ch-1\n");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(Rows(*plan), testing::ElementsAre("2:ch-1|Ana||"));
}

// What `pacto member export` writes comes back with its since and membership id;
// status is not read.
TEST(PlanImportTest, AnExportFileCarriesSinceAndMembershipId) {
  absl::StatusOr<ImportPlan> plan = PlanImport(
      "chapter,name,national_id,birth_date,since,membership_id,status\n"
      "ch-1,Ana,99,2000-01-01,2020-05-01,mb-1,active\n"
      "ch-2,Eva,,,2021-01-02,,ended\n");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->rows.size(), 2u);
  EXPECT_EQ(Row(plan->rows[0]), "2:ch-1|Ana|99|2000-01-01");
  EXPECT_EQ(plan->rows[0].since(), "2020-05-01");
  EXPECT_EQ(plan->rows[0].membership_id(), "mb-1");
  EXPECT_EQ(plan->rows[1].since(), "2021-01-02");
  EXPECT_EQ(plan->rows[1].membership_id(), "");
}

TEST(PlanImportTest, ValuesAreSentAsTheyAre) {
  // The node trims and validates; an empty name must reach it to be named there.
  absl::StatusOr<ImportPlan> plan = PlanImport("chapter,name\n ch-1 ,\n");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(Rows(*plan), testing::ElementsAre("2: ch-1 |||"));
}

TEST(PlanImportTest, MissingRequiredColumnFailsBeforeAnything) {
  absl::StatusOr<ImportPlan> plan = PlanImport("chapter,nombre\nch-1,Ana\n");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(), HasSubstr("no 'name' column"));
  EXPECT_THAT(plan.status().message(), HasSubstr("chapter, nombre"));

  plan = PlanImport("name\nAna\n");
  EXPECT_THAT(plan.status().message(), HasSubstr("no 'chapter' column"));
}

TEST(PlanImportTest, EmptyFileFails) {
  EXPECT_EQ(PlanImport("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanImport("\n\n").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(PlanImport("\xEF\xBB\xBF").status().message(), HasSubstr("header"));
}

TEST(PlanImportTest, HeaderOnlyHasNoRows) {
  absl::StatusOr<ImportPlan> plan = PlanImport("chapter,name\n");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->total(), 0u);
}

TEST(PlanImportTest, DuplicateColumnFails) {
  absl::StatusOr<ImportPlan> plan = PlanImport("chapter,name,Name\n");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(), HasSubstr("'name' appears twice"));
  // Unknown columns may repeat.
  EXPECT_TRUE(PlanImport("chapter,name,x,x\n").ok());
}

TEST(PlanImportTest, MalformedHeaderFails) {
  absl::StatusOr<ImportPlan> plan = PlanImport("chapter,na\"me\nch-1,Ana\n");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(), HasSubstr("line 1: malformed header"));
}

TEST(PlanImportTest, MalformedRowsAreRejectedLocallyAndTheRestKept) {
  absl::StatusOr<ImportPlan> plan = PlanImport(
      "chapter,name\n"          // 1
      "ch-1,Ana\n"              // 2
      "ch-1,Ju\"an\n"           // 3
      "ch-1,\"Multi\nline\"\n"  // 4-5
      "ch-1,\"open\n"           // 6: never closed
      "ch-2,Luis\n");           // 7
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(Rows(*plan),
              testing::ElementsAre("2:ch-1|Ana||", "4:ch-1|Multi\nline||", "7:ch-2|Luis||"));
  EXPECT_THAT(
      Rejects(*plan),
      testing::ElementsAre("3:INVALID_ARGUMENT:csv: quote inside an unquoted field (field 2)",
                           "6:INVALID_ARGUMENT:csv: unterminated quoted field (field 2)"));
  EXPECT_EQ(plan->total(), 5u);
}

TEST(PlanImportTest, ExtraFieldsAreRejectedUnlessBlank) {
  absl::StatusOr<ImportPlan> plan = PlanImport(
      "chapter,name,national_id\n"
      "ch-1,Perez, Juan,123\n"  // an unquoted comma shifts the values
      "ch-1,Ana,1,,  \n"        // trailing blank fields are harmless
      "ch-1,Luis\n");           // missing trailing fields are empty
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(Rows(*plan), testing::ElementsAre("3:ch-1|Ana|1|", "4:ch-1|Luis||"));
  ASSERT_EQ(plan->rejects.size(), 1u);
  EXPECT_EQ(plan->rejects[0].line(), 2u);
  EXPECT_THAT(plan->rejects[0].message(), HasSubstr("4 fields but the header has 3"));
}

TEST(PlanImportTest, BlankLinesAreSkippedAndLinesStillCount) {
  absl::StatusOr<ImportPlan> plan = PlanImport("chapter,name\n\nch-1,Ana\n\n\nch-2,Luis\n");
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(Rows(*plan), testing::ElementsAre("3:ch-1|Ana||", "6:ch-2|Luis||"));
}

}  // namespace
}  // namespace pacto::cli
