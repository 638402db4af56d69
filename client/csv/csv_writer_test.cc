#include "client/csv/csv_writer.h"

#include "client/csv/csv_reader.h"
#include "client/csv/formula_cells.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto {
namespace {

TEST(CsvWriterTest, PlainFieldsAreUnchanged) {
  EXPECT_EQ(CsvField("abc"), "abc");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("Núñez"), "Núñez");
  EXPECT_EQ(CsvField("a b"), "a b");
}

TEST(CsvWriterTest, SpecialFieldsAreQuoted) {
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("a\nb"), "\"a\nb\"");
  EXPECT_EQ(CsvField("a\rb"), "\"a\rb\"");
  EXPECT_EQ(CsvField(" lead"), "\" lead\"");
  EXPECT_EQ(CsvField("trail "), "\"trail \"");
}

TEST(CsvWriterTest, Lines) {
  EXPECT_EQ(CsvLine({"id", "name"}), "id,name\n");
  EXPECT_EQ(CsvLine({"a", "", "c"}), "a,,c\n");
  EXPECT_EQ(CsvLine({""}), "\"\"\n");
  EXPECT_EQ(CsvLine({"", ""}), ",\n");
}

TEST(CsvWriterTest, ReaderReadsBackWhatWriterWrites) {
  const std::vector<std::vector<std::string>> rows = {
      {"id", "name", "note"},          {"1", "Juana Azurduy", "said \"no\", twice"},
      {"2", "", "line one\nline two"}, {""},
      {" spaced ", "\r\n", "\""},
  };
  std::string text;
  for (const auto& row : rows) text += CsvLine(row);
  std::vector<CsvRecord> records = ReadCsv(text);
  ASSERT_EQ(records.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_TRUE(records[i].status.ok()) << i;
    // A cell beginning with CR is neutralised (formula_cells.h); unguarding undoes it.
    std::vector<std::string> fields;
    for (const std::string& cell : records[i].fields) fields.push_back(UnguardFormulaCell(cell));
    EXPECT_EQ(fields, rows[i]) << i;
  }
}

}  // namespace
}  // namespace pacto
