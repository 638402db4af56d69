#include "client/cli/table.h"

#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

TEST(TableTest, AlignsColumnsWithTwoSpaces) {
  Table table({"code", "name", "level", "parent"});
  table.AddRow({"BO", "Bolivia", "country", ""});
  table.AddRow({"LPZ", "La Paz", "department", "BO"});
  EXPECT_EQ(table.ToText(),
            "CODE  NAME     LEVEL       PARENT\n"
            "BO    Bolivia  country     -\n"
            "LPZ   La Paz   department  BO\n");
  EXPECT_EQ(table.row_count(), 2u);
}

TEST(TableTest, HeaderOnlyWhenEmpty) {
  Table table({"id", "name"});
  EXPECT_EQ(table.ToText(), "ID  NAME\n");
  EXPECT_EQ(table.ToCsv(), "id,name\n");
}

TEST(TableTest, NoTrailingSpaces) {
  Table table({"id", "name"});
  table.AddRow({"a-very-long-id", "x"});
  const std::string text = table.ToText();
  EXPECT_EQ(text, "ID              NAME\na-very-long-id  x\n");
  EXPECT_EQ(text.find(" \n"), std::string::npos);
}

TEST(TableTest, WidthCountsCodePointsNotBytes) {
  Table table({"name", "id"});
  table.AddRow({"Núñez", "1"});
  table.AddRow({"Nunez", "2"});
  EXPECT_EQ(table.ToText(),
            "NAME   ID\n"
            "Núñez  1\n"
            "Nunez  2\n");
}

TEST(TableTest, ControlCharactersDoNotBreakRows) {
  Table table({"name", "id"});
  table.AddRow({"a\nb\tc", "1"});
  EXPECT_EQ(table.ToText(), "NAME   ID\na b c  1\n");
}

TEST(TableTest, CsvKeepsCellsAsTheyAre) {
  Table table({"id", "name"});
  table.AddRow({"1", "Perez, Juan"});
  table.AddRow({"2", ""});
  EXPECT_EQ(table.ToCsv(), "id,name\n1,\"Perez, Juan\"\n2,\n");
}

}  // namespace
}  // namespace pacto::cli
