#include "client/csv/csv_reader.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Good records as "line: f1|f2|..." and bad ones as "line: !message", for compact
// expectations.
std::vector<std::string> Summarize(absl::string_view text) {
  std::vector<std::string> out;
  for (const CsvRecord& record : ReadCsv(text)) {
    std::string s = std::to_string(record.line) + ": ";
    if (!record.status.ok()) {
      EXPECT_EQ(record.status.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(record.fields, IsEmpty());
      s += "!" + std::string(record.status.message());
    } else {
      for (size_t i = 0; i < record.fields.size(); ++i) {
        if (i > 0) s += "|";
        s += record.fields[i];
      }
    }
    out.push_back(s);
  }
  return out;
}

TEST(CsvReaderTest, EmptyTextHasNoRecords) {
  EXPECT_THAT(Summarize(""), IsEmpty());
  EXPECT_THAT(Summarize("\n\r\n\n"), IsEmpty());
}

TEST(CsvReaderTest, PlainRecords) {
  EXPECT_THAT(Summarize("a,b,c\n1,2,3\n"), ElementsAre("1: a|b|c", "2: 1|2|3"));
}

TEST(CsvReaderTest, LastRecordWithoutLineBreak) {
  EXPECT_THAT(Summarize("a,b\n1,2"), ElementsAre("1: a|b", "2: 1|2"));
}

TEST(CsvReaderTest, EmptyFields) {
  std::vector<CsvRecord> records = ReadCsv(",a,,\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("", "a", "", ""));
  records = ReadCsv("a,\"\"");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", ""));
}

TEST(CsvReaderTest, SpacesAreKept) {
  std::vector<CsvRecord> records = ReadCsv(" a , b \n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre(" a ", " b "));
}

TEST(CsvReaderTest, QuotedFields) {
  std::vector<CsvRecord> records = ReadCsv("\"a,b\",\"say \"\"hi\"\"\",\"\"\"\"\n");
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].status.ok());
  EXPECT_THAT(records[0].fields, ElementsAre("a,b", "say \"hi\"", "\""));
}

TEST(CsvReaderTest, QuotedNewlinesKeepLineNumbersRight) {
  const std::string text =
      "chapter,name\n"             // line 1
      "ch-1,\"Juana\nAzurduy\"\n"  // lines 2-3
      "ch-2,\"a\n\nb\n\"\n"        // lines 4-7
      "ch-3,Bartolina\n";          // line 8
  EXPECT_THAT(Summarize(text), ElementsAre("1: chapter|name", "2: ch-1|Juana\nAzurduy",
                                           "4: ch-2|a\n\nb\n", "8: ch-3|Bartolina"));
}

TEST(CsvReaderTest, CrlfLineEnds) {
  const std::string text = "a,b\r\n1,\"x\r\ny\"\r\n2,3\r\n";
  std::vector<CsvRecord> records = ReadCsv(text);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b"));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_THAT(records[1].fields, ElementsAre("1", "x\r\ny"));
  EXPECT_EQ(records[2].line, 4u);
  EXPECT_THAT(records[2].fields, ElementsAre("2", "3"));
}

TEST(CsvReaderTest, LoneCrIsALineBreak) {
  EXPECT_THAT(Summarize("a,b\r1,2\r\"x\ry\"\r3,4"),
              ElementsAre("1: a|b", "2: 1|2", "3: x\ry", "5: 3|4"));
}

TEST(CsvReaderTest, Utf8BomIsSkipped) {
  std::vector<CsvRecord> records = ReadCsv(
      "\xEF\xBB\xBF"
      "chapter,name\nch-1,Ana\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("chapter", "name"));
  // Only at the very start.
  records = ReadCsv(
      "a\n\xEF\xBB\xBF"
      "b\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields[0],
            "\xEF\xBB\xBF"
            "b");
}

TEST(CsvReaderTest, BomThenQuotedHeader) {
  EXPECT_THAT(Summarize("\xEF\xBB\xBF\"chapter\",name\r\nch-1,Ana\r\n"),
              ElementsAre("1: chapter|name", "2: ch-1|Ana"));
}

TEST(CsvReaderTest, Utf8TextPassesThrough) {
  EXPECT_THAT(Summarize("ch-1,Núñez Quispe,ñandú\n"), ElementsAre("1: ch-1|Núñez Quispe|ñandú"));
}

TEST(CsvReaderTest, BlankLinesAreSkippedButCounted) {
  EXPECT_THAT(Summarize("\n\na,b\n\n\nc,d\n\n"), ElementsAre("3: a|b", "6: c|d"));
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsReportedAndTheRestKept) {
  EXPECT_THAT(Summarize("a,b\nch-1,Ju\"an\nch-2,Ana\n"),
              ElementsAre("1: a|b", "2: !quote inside an unquoted field (field 2)", "3: ch-2|Ana"));
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsReported) {
  EXPECT_THAT(Summarize("\"ab\"c,d\n1,2\n"),
              ElementsAre("1: !unexpected text after a closing quote (field 1)", "2: 1|2"));
}

TEST(CsvReaderTest, UnterminatedQuoteAtEndIsReported) {
  EXPECT_THAT(Summarize("a,b\n1,\"open"),
              ElementsAre("1: a|b", "2: !unterminated quoted field (field 2)"));
}

TEST(CsvReaderTest, UnterminatedQuoteCostsOneRecordNotTheRestOfTheFile) {
  // The quote opened on line 2 never closes; every later line is still read.
  const std::string text =
      "chapter,name\n"
      "ch-1,\"Juan\n"
      "ch-1,Maria\n"
      "ch-2,Pedro\n";
  EXPECT_THAT(Summarize(text),
              ElementsAre("1: chapter|name", "2: !unterminated quoted field (field 2)",
                          "3: ch-1|Maria", "4: ch-2|Pedro"));
}

TEST(CsvReaderTest, StrayQuotePairingWithALaterQuoteCostsOneRecord) {
  // Line 2's stray opening quote pairs with line 4's, and the text after it is then
  // malformed (seen on line 4). Reading resumes at line 3, so lines 3 and 4 are kept.
  const std::string text =
      "chapter,name\n"
      "ch-1,\"Juan\n"
      "ch-1,Maria\n"
      "ch-1,\"Pedro\",x\n"
      "ch-2,Ana\n";
  EXPECT_THAT(
      Summarize(text),
      ElementsAre("1: chapter|name", "2: !unexpected text after a closing quote (field 2, line 4)",
                  "3: ch-1|Maria", "4: ch-1|Pedro|x", "5: ch-2|Ana"));
}

TEST(CsvReaderTest, ErrorOnTheLastLineWithoutLineBreak) {
  EXPECT_THAT(Summarize("a\nb\"c"),
              ElementsAre("1: a", "2: !quote inside an unquoted field (field 1)"));
}

TEST(CsvReaderTest, MalformedCrlfRecord) {
  EXPECT_THAT(Summarize("a,b\r\n1,x\"y\r\n2,3\r\n"),
              ElementsAre("1: a|b", "2: !quote inside an unquoted field (field 2)", "3: 2|3"));
}

TEST(CsvReaderTest, ManyBadRecordsAllReported) {
  EXPECT_THAT(Summarize("h\n\"a\"b\nc\"d\n\"e\nok\n"),
              ElementsAre("1: h", "2: !unexpected text after a closing quote (field 1)",
                          "3: !quote inside an unquoted field (field 1)",
                          "4: !unterminated quoted field (field 1)", "5: ok"));
}

TEST(CsvReaderTest, RecordsMayHaveDifferingFieldCounts) {
  // Field counts are the caller's business.
  EXPECT_THAT(Summarize("a,b,c\n1\n1,2,3,4\n"), ElementsAre("1: a|b|c", "2: 1", "3: 1|2|3|4"));
}

TEST(CsvReaderTest, NextReusesTheRecord) {
  CsvReader reader("a,b\nc\"\nd\n");
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_THAT(record.fields, ElementsAre("a", "b"));
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_FALSE(record.status.ok());
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_TRUE(record.status.ok());
  EXPECT_EQ(record.line, 3u);
  EXPECT_THAT(record.fields, ElementsAre("d"));
  EXPECT_FALSE(reader.Next(&record));
  EXPECT_FALSE(reader.Next(&record));
}

TEST(CsvReaderTest, ErrorMessagesNameTheField) {
  std::vector<CsvRecord> records = ReadCsv("a,b,c\"d\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].status.message(), HasSubstr("field 3"));
}

}  // namespace
}  // namespace pacto
