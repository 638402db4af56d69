#include "client/csv/formula_cells.h"

#include <random>
#include <string>
#include <vector>

#include "client/csv/csv_reader.h"
#include "client/csv/csv_writer.h"
#include "gtest/gtest.h"

namespace pacto {
namespace {

TEST(FormulaCellsTest, TriggerCellsAreQuotedAndNeutralised) {
  EXPECT_EQ(CsvField("=1+1"), "\"'=1+1\"");
  EXPECT_EQ(CsvField("+1-1"), "\"'+1-1\"");
  EXPECT_EQ(CsvField("-Ana"), "\"'-Ana\"");
  EXPECT_EQ(CsvField("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(CsvField("\tx"), "\"'\tx\"");
  EXPECT_EQ(CsvField("\rx"), "\"'\rx\"");
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x/\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x/\"\",\"\"y\"\")\"");
  // A leading quote is doubled so that the reader can tell it from the guard.
  EXPECT_EQ(CsvField("'abc"), "\"''abc\"");
  EXPECT_EQ(CsvField("'"), "\"''\"");
}

TEST(FormulaCellsTest, OtherCellsAreUnchanged) {
  EXPECT_EQ(CsvField("Ana"), "Ana");
  EXPECT_EQ(CsvField("it's"), "it's");
  EXPECT_EQ(CsvField("a=b"), "a=b");
  EXPECT_EQ(CsvField("-5"), "-5");  // plain numbers stay numbers
  EXPECT_EQ(CsvField("+3.25"), "+3.25");
  EXPECT_EQ(CsvField("12"), "12");
  EXPECT_EQ(CsvField("-"), "\"'-\"");
  EXPECT_EQ(CsvField("-5."), "\"'-5.\"");
  EXPECT_EQ(CsvField("-1-1"), "\"'-1-1\"");
}

TEST(FormulaCellsTest, UnguardStripsExactlyOneGuard) {
  EXPECT_EQ(UnguardFormulaCell("'=1+1"), "=1+1");
  EXPECT_EQ(UnguardFormulaCell("''=1+1"), "'=1+1");
  EXPECT_EQ(UnguardFormulaCell("''"), "'");
  EXPECT_EQ(UnguardFormulaCell("'"), "'");
  EXPECT_EQ(UnguardFormulaCell("'abc"), "'abc");
  EXPECT_EQ(UnguardFormulaCell("=1+1"), "=1+1");  // a file not written by Pacto
  EXPECT_EQ(UnguardFormulaCell(""), "");
}

// What every spreadsheet checks: no written cell, once unquoted, begins with a
// formula character.
void ExpectNoCellStartsAFormula(const std::string& text) {
  for (const CsvRecord& record : ReadCsv(text)) {
    ASSERT_TRUE(record.status.ok()) << record.status;
    for (const std::string& cell : record.fields) {
      // A cell a spreadsheet would run is one that needs a guard and lacks it.
      EXPECT_TRUE(!NeedsFormulaGuard(cell) || cell.front() == '\'') << cell;
    }
  }
}

// Property: for any values at all, writing them with CsvLine and reading them back
// with CsvReader and UnguardFormulaCell gives the same values, and no cell of the file
// starts a formula. The alphabet is weighted towards the characters that matter.
TEST(FormulaCellsTest, RandomValuesRoundTripExactly) {
  const std::string kAlphabet = "=+-@\t\r\n'\"\", a1.9 \xC3\xB1";
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> length(0, 7);
  std::uniform_int_distribution<int> pick(0, static_cast<int>(kAlphabet.size()) - 1);
  std::uniform_int_distribution<int> width(1, 5);
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::string> values(width(rng));
    for (std::string& value : values) {
      const int n = length(rng);
      for (int i = 0; i < n; ++i) value.push_back(kAlphabet[pick(rng)]);
    }
    const std::string text = CsvLine(values);
    ExpectNoCellStartsAFormula(text);
    std::vector<CsvRecord> records = ReadCsv(text);
    ASSERT_EQ(records.size(), 1u) << "round " << round;
    ASSERT_TRUE(records[0].status.ok()) << records[0].status;
    std::vector<std::string> back;
    for (const std::string& cell : records[0].fields) back.push_back(UnguardFormulaCell(cell));
    ASSERT_EQ(back, values) << "round " << round;
  }
}

}  // namespace
}  // namespace pacto
