// Unit tests of node/domain: dates, free text, vocabularies, ids and national ids.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/english.h"
#include "gtest/gtest.h"
#include "node/base/clock.h"
#include "node/domain/dates.h"
#include "node/domain/ids.h"
#include "node/domain/levels.h"
#include "node/domain/national_id.h"
#include "node/domain/text.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

// --- dates -------------------------------------------------------------------------

void ExpectBadDate(absl::string_view text) {
  absl::StatusOr<absl::CivilDay> day = ParseDate("founded", text);
  ASSERT_FALSE(day.ok()) << "'" << text << "' was accepted as " << *day;
  EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument) << text;
  EXPECT_TRUE(absl::StartsWith(day.status().message(), "founded: "))
      << text << " -> " << day.status().message();
}

TEST(DatesTest, AcceptsRealDays) {
  absl::StatusOr<absl::CivilDay> day = ParseDate("founded", "1952-04-17");
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_EQ(*day, absl::CivilDay(1952, 4, 17));
  EXPECT_EQ(*ParseDate("d", "2024-12-31"), absl::CivilDay(2024, 12, 31));
  EXPECT_EQ(*ParseDate("d", "1800-01-01"), absl::CivilDay(1800, 1, 1));
}

TEST(DatesTest, RejectsImpossibleMonthsAndDays) {
  ExpectBadDate("1990-13-45");
  ExpectBadDate("1990-13-01");
  ExpectBadDate("1990-00-10");
  ExpectBadDate("1990-01-00");
  ExpectBadDate("1990-01-32");
  ExpectBadDate("1990-04-31");
  ExpectBadDate("2001-02-30");
}

TEST(DatesTest, LeapYears) {
  ExpectBadDate("2023-02-29");
  EXPECT_EQ(*ParseDate("d", "2024-02-29"), absl::CivilDay(2024, 2, 29));
  ExpectBadDate("1900-02-29");  // divisible by 100, not by 400
  EXPECT_EQ(*ParseDate("d", "2000-02-29"), absl::CivilDay(2000, 2, 29));
  ExpectBadDate("2024-02-30");
}

TEST(DatesTest, RejectsWrongWidths) {
  ExpectBadDate("");
  ExpectBadDate("2024-1-01");
  ExpectBadDate("2024-01-1");
  ExpectBadDate("24-01-01");
  ExpectBadDate("02024-01-01");
  ExpectBadDate("2024-001-01");
  ExpectBadDate("2024-01-01 ");
  ExpectBadDate(" 2024-01-01");
  ExpectBadDate("2024-01-01T00:00:00Z");
}

TEST(DatesTest, RejectsNonDigitsAndOtherSeparators) {
  ExpectBadDate("2024/01/01");
  ExpectBadDate("2024.01.01");
  ExpectBadDate("20x4-01-01");
  ExpectBadDate("2024-0a-01");
  ExpectBadDate("2024-01-0b");
  ExpectBadDate("+024-01-01");
  ExpectBadDate("2024--1-01");
  ExpectBadDate("2024-+1-01");
  ExpectBadDate("2024-01- 1");
  ExpectBadDate("\xD9\xA2\xD9\xA0-01-01");  // Arabic-Indic digits: ten bytes, not ASCII
}

TEST(DatesTest, RejectsYearsBeforeTheEarliest) {
  ExpectBadDate("1799-12-31");
  ExpectBadDate("0000-01-01");
}

// A birth date is person data: the message names the field and the rule, never the value.
TEST(DatesTest, MessageNamesFieldNotValue) {
  for (const char* bad : {"2001-02-30", "1990-13-45", "1700-01-01", "1990/01/01"}) {
    absl::StatusOr<absl::CivilDay> day = ParseDate("birth_date", bad);
    ASSERT_FALSE(day.ok());
    EXPECT_TRUE(absl::StartsWith(day.status().message(), "birth_date: "));
    EXPECT_FALSE(absl::StrContains(day.status().message(), bad)) << day.status().message();
  }
  absl::StatusOr<absl::CivilDay> future =
      ParsePastDate("birth_date", "2030-01-01", absl::CivilDay(2024, 6, 1));
  ASSERT_FALSE(future.ok());
  EXPECT_FALSE(absl::StrContains(future.status().message(), "2030")) << future.status().message();
}

TEST(DatesTest, ParsePastDateRefusesTheFuture) {
  const absl::CivilDay today(2024, 6, 1);
  EXPECT_EQ(*ParsePastDate("since", "2024-06-01", today), today);
  EXPECT_EQ(*ParsePastDate("since", "2024-05-31", today), absl::CivilDay(2024, 5, 31));
  absl::StatusOr<absl::CivilDay> tomorrow = ParsePastDate("since", "2024-06-02", today);
  ASSERT_FALSE(tomorrow.ok());
  EXPECT_EQ(tomorrow.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(tomorrow.status().message(), "since: "));
  EXPECT_TRUE(absl::StrContains(tomorrow.status().message(), "future"));
  // Malformed dates keep their own message.
  absl::StatusOr<absl::CivilDay> bad = ParsePastDate("since", "2024-02-30", today);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "since: "));
}

TEST(DatesTest, FormatAndToday) {
  EXPECT_EQ(FormatDate(absl::CivilDay(2024, 2, 9)), "2024-02-09");
  EXPECT_EQ(FormatDate(absl::CivilDay(1825, 8, 6)), "1825-08-06");
  EXPECT_EQ(*ParseDate("d", FormatDate(absl::CivilDay(1999, 12, 31))),
            absl::CivilDay(1999, 12, 31));
  // 23:30 UTC is still that day in UTC.
  ManualClock clock(
      absl::FromCivil(absl::CivilSecond(2024, 3, 10, 23, 30, 0), absl::UTCTimeZone()));
  EXPECT_EQ(Today(clock), absl::CivilDay(2024, 3, 10));
  clock.Advance(absl::Hours(1));
  EXPECT_EQ(Today(clock), absl::CivilDay(2024, 3, 11));
}

// --- text --------------------------------------------------------------------------

void ExpectBadText(absl::string_view value, absl::string_view fragment) {
  absl::StatusOr<std::string> out = CleanText("name", value);
  ASSERT_FALSE(out.ok()) << "accepted as '" << *out << "'";
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(out.status().message(), "name: ")) << out.status().message();
  EXPECT_TRUE(absl::StrContains(out.status().message(), fragment)) << out.status().message();
}

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

TEST(TextTest, TrimsAndCollapsesWhitespace) {
  EXPECT_EQ(*CleanText("name", "  Juana   Azurduy \t\n "), "Juana Azurduy");
  EXPECT_EQ(*CleanText("name", "a\t\tb\r\nc"), "a b c");
  EXPECT_EQ(*CleanText("name", "Tupac Katari"), "Tupac Katari");
  EXPECT_EQ(*CleanText("name", "Bartolina\nSisa"), "Bartolina Sisa");
  EXPECT_EQ(*CleanText("name", "\xC3\x91ustra  \xC3\xA1"), "\xC3\x91ustra \xC3\xA1");
}

TEST(TextTest, RejectsEmpty) {
  ExpectBadText("", "must not be empty");
  ExpectBadText("   ", "must not be empty");
  ExpectBadText("\t\r\n ", "must not be empty");
  EXPECT_EQ(*CleanOptionalText("sector", "   "), "");
  EXPECT_EQ(*CleanOptionalText("sector", " mining "), "mining");
}

TEST(TextTest, RejectsInvalidUtf8) {
  ExpectBadText("\xC0\xAF", "UTF-8");                  // overlong '/' (2 bytes)
  ExpectBadText("\xC1\xBF", "UTF-8");                  // overlong (2 bytes)
  ExpectBadText("\xE0\x80\xAF", "UTF-8");              // overlong '/' (3 bytes)
  ExpectBadText("\xF0\x80\x80\xAF", "UTF-8");          // overlong '/' (4 bytes)
  ExpectBadText("\xF0\x8F\xBF\xBF", "UTF-8");          // overlong U+FFFF
  ExpectBadText("a\xED\xA0\x80z", "UTF-8");            // high surrogate U+D800
  ExpectBadText("\xED\xBF\xBF", "UTF-8");              // low surrogate U+DFFF
  ExpectBadText("\xED\xA0\xBD\xED\xB8\x80", "UTF-8");  // CESU-8 surrogate pair
  ExpectBadText("\xF4\x90\x80\x80", "UTF-8");          // past U+10FFFF
  ExpectBadText("abc\xE2\x82", "UTF-8");               // truncated euro sign at the end
  ExpectBadText("\xE2\x82z", "UTF-8");                 // truncated, then ASCII
  ExpectBadText("\xF0\x9F\x98", "UTF-8");              // truncated 4-byte sequence
  ExpectBadText("\xC3", "UTF-8");                      // lone lead byte
  ExpectBadText("a\x80z", "UTF-8");                    // lone continuation byte
  ExpectBadText("\xFF", "UTF-8");
  ExpectBadText("\xF8\x88\x80\x80\x80", "UTF-8");  // 5-byte form
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));           // "modified UTF-8" NUL
  // Boundaries that are valid.
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // emoji
}

TEST(TextTest, RejectsAsciiControlCharacters) {
  ExpectBadText("a\x01z", "control");
  ExpectBadText("a\x1Bz", "control");  // ESC: terminal escape sequences
  ExpectBadText("a\x7Fz", "control");
  ExpectBadText(std::string("a\0z", 3), "control");
  ExpectBadText("a\vz", "control");
  ExpectBadText("a\fz", "control");
}

// U+0080..U+009F are control characters too (Unicode category Cc); U+009B is the
// 8-bit CSI that some terminals still interpret, U+0085 a line break.
TEST(TextTest, RejectsC1ControlCharacters) {
  ExpectBadText("a\xC2\x85z", "control");  // U+0085 NEXT LINE
  ExpectBadText("a\xC2\x9Bz", "control");  // U+009B CONTROL SEQUENCE INTRODUCER
}

// Characters that render as nothing or reorder the text around them let one name
// pass for another on screen (U+202E shows "Ana\u202Eazul" reversed); every one of them
// is refused, wherever it sits, with a message naming the field and the code point.
TEST(TextTest, RejectsInvisibleFormattingCharacters) {
  const char* const kInvisible[] = {
      "\xE2\x80\xAA",     "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD",
      "\xE2\x80\xAE",                                                      // U+202A..U+202E
      "\xE2\x81\xA6",     "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9",  // U+2066..U+2069
      "\xE2\x80\x8B",     "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x80\x8E",
      "\xE2\x80\x8F",      // U+200B..U+200F
      "\xEF\xBB\xBF",      // U+FEFF
      "\xC2\xAD",          // U+00AD soft hyphen
      "\xD8\x9C",          // U+061C
      "\xE2\x81\xA0",      // U+2060 word joiner
      "\xE2\x80\xA8",      // U+2028
      "\xF3\xA0\x80\x81",  // U+E0001 tag
  };
  for (const char* invisible : kInvisible) {
    SCOPED_TRACE(absl::CEscape(invisible));
    ExpectBadText(absl::StrCat("Ana", invisible, "Mamani"), "invisible formatting");
    ExpectBadText(absl::StrCat(invisible, "Ana"), "invisible formatting");
    ExpectBadText(absl::StrCat("Ana", invisible), "invisible formatting");
  }
  absl::StatusOr<std::string> out = CleanOptionalText("course",
                                                      "Historia\xE2\x80\xAE"
                                                      "feo");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "course: must not contain invisible formatting characters (found U+202E: "
            "bidirectional overrides, zero-width characters and the like)");
}

// Visible letters of every plane stay, and so does a name that begins with a
// spreadsheet formula character: the CSV writer neutralises those (csv_writer.h).
TEST(TextTest, KeepsVisibleTextAndLeadingFormulaCharacters) {
  EXPECT_EQ(*CleanText("name",
                       "Mar\xC3\xAD"
                       "a \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "Mar\xC3\xAD"
            "a \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(*CleanText("name", "=1+1"), "=1+1");
  EXPECT_EQ(*CleanText("name", "-Ana"), "-Ana");
  EXPECT_EQ(*CleanText("name", "@Ana"), "@Ana");
}

// --- english -------------------------------------------------------------------------

TEST(EnglishTest, ArticleFollowsTheFirstLetter) {
  EXPECT_EQ(WithArticle("operator"), "an operator");
  EXPECT_EQ(WithArticle("enroller"), "an enroller");
  EXPECT_EQ(WithArticle("reporter"), "a reporter");
  EXPECT_EQ(WithArticle("Operator"), "an Operator");
  EXPECT_EQ(WithArticle("central"), "a central");
  EXPECT_EQ(IndefiniteArticle(""), "a");
}

TEST(TextTest, LengthIsCountedInCodePoints) {
  EXPECT_EQ(*CleanText("name", Repeat("a", 200)), Repeat("a", 200));
  ExpectBadText(Repeat("a", 201), "longer than 200");
  // 200 two-, three- and four-byte code points are 400, 600 and 800 bytes: accepted.
  EXPECT_TRUE(CleanText("name", Repeat("\xC3\xB1", 200)).ok());
  EXPECT_TRUE(CleanText("name", Repeat("\xE2\x82\xAC", 200)).ok());
  EXPECT_TRUE(CleanText("name", Repeat("\xF0\x9F\x98\x80", 200)).ok());
  ExpectBadText(Repeat("\xC3\xB1", 201), "longer than 200");
  ExpectBadText(Repeat("\xF0\x9F\x98\x80", 201), "longer than 200");
  // Measured after cleaning: collapsed whitespace does not count against the limit.
  EXPECT_EQ(*CleanText("name", "a" + Repeat(" ", 500) + "b"), "a b");
  EXPECT_EQ(*CleanText("name", Repeat(" ", 100) + Repeat("x", 200) + Repeat(" ", 100)),
            Repeat("x", 200));
  // A caller's own limit.
  EXPECT_TRUE(CleanText("role", Repeat("r", 60), 60).ok());
  EXPECT_FALSE(CleanText("role", Repeat("r", 61), 60).ok());
  EXPECT_EQ(Utf8Length("\xC3\xB1"
                       "a\xE2\x82\xAC\xF0\x9F\x98\x80"),
            4u);
}

// --- levels ------------------------------------------------------------------------

TEST(LevelsTest, ChapterRanks) {
  EXPECT_EQ(ChapterLevelRank("sindicato"), 1);
  EXPECT_EQ(ChapterLevelRank("subcentral"), 2);
  EXPECT_EQ(ChapterLevelRank("central"), 3);
  EXPECT_EQ(ChapterLevelRank("federation"), 4);
  EXPECT_EQ(ChapterLevelRank("confederation"), 5);
  EXPECT_EQ(ChapterLevelRank("pact"), 6);
  EXPECT_EQ(ChapterLevelRank(kPactLevel), 6);
  EXPECT_EQ(ChapterLevelRank("union"), 0);
  EXPECT_EQ(ChapterLevelRank(""), 0);
  EXPECT_EQ(ChapterLevelRank("Pact"), 0);  // ranks take parsed (lower-case) words
  ASSERT_EQ(ChapterLevels().size(), 6u);
  for (size_t i = 0; i < ChapterLevels().size(); ++i) {
    EXPECT_EQ(ChapterLevelRank(ChapterLevels()[i]), static_cast<int>(i) + 1);
  }
}

TEST(LevelsTest, RegionRanksAndStatuses) {
  EXPECT_EQ(RegionLevelRank("country"), 1);
  EXPECT_EQ(RegionLevelRank("department"), 2);
  EXPECT_EQ(RegionLevelRank("province"), 3);
  EXPECT_EQ(RegionLevelRank("municipality"), 4);
  EXPECT_EQ(RegionLevelRank("community"), 5);
  EXPECT_EQ(RegionLevelRank("pact"), 0);
  EXPECT_EQ(RegionLevels().size(), 5u);
  EXPECT_TRUE(IsChapterStatus("active"));
  EXPECT_TRUE(IsChapterStatus("inactive"));
  EXPECT_TRUE(IsChapterStatus("dissolved"));
  EXPECT_FALSE(IsChapterStatus("ended"));
  EXPECT_FALSE(IsChapterStatus("Active"));
}

TEST(LevelsTest, ParseWordIsCaseInsensitiveAndTrims) {
  EXPECT_EQ(*ParseWord("level", "SINDICATO", ChapterLevels()), "sindicato");
  EXPECT_EQ(*ParseWord("level", "  Confederation\t", ChapterLevels()), "confederation");
  EXPECT_EQ(*ParseWord("level", "pAcT", ChapterLevels()), "pact");
  EXPECT_EQ(*ParseWord("level", "Municipality", RegionLevels()), "municipality");
}

TEST(LevelsTest, ParseWordErrorsListTheWords) {
  absl::StatusOr<std::string> bad = ParseWord("level", "union", ChapterLevels());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "level: ")) << bad.status().message();
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "'union'"));
  EXPECT_TRUE(absl::StrContains(bad.status().message(),
                                "sindicato, subcentral, central, federation, confederation, pact"))
      << bad.status().message();

  absl::StatusOr<std::string> empty = ParseWord("status", "  ", {"active", "inactive"});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(empty.status().message(), "status: "));
  EXPECT_TRUE(absl::StrContains(empty.status().message(), "active, inactive"));

  EXPECT_FALSE(ParseWord("level", "sindicatos", ChapterLevels()).ok());
  EXPECT_FALSE(ParseWord("level", "country", ChapterLevels()).ok());
}

// --- ids ---------------------------------------------------------------------------

constexpr absl::string_view kCrockford = "0123456789abcdefghjkmnpqrstvwxyz";

TEST(IdsTest, NewIdHasPrefixLengthAndAlphabet) {
  for (absl::string_view prefix :
       {kChapterPrefix, kPersonPrefix, kMembershipPrefix, kOfficerPrefix, kFormationPrefix}) {
    std::string id = NewId(prefix);
    ASSERT_TRUE(absl::StartsWith(id, absl::StrCat(prefix, "-"))) << id;
    // 80 random bits are 16 base32 characters.
    EXPECT_EQ(id.size(), prefix.size() + 1 + 16) << id;
    for (char c : id.substr(prefix.size() + 1)) {
      EXPECT_NE(kCrockford.find(c), absl::string_view::npos) << "'" << c << "' in " << id;
    }
    EXPECT_TRUE(ValidateIdSyntax("id", id).ok());
  }
  EXPECT_EQ(kChapterPrefix, "ch");
  EXPECT_EQ(kPersonPrefix, "pr");
  EXPECT_EQ(kMembershipPrefix, "mb");
}

TEST(IdsTest, NewIdsAreUnique) {
  std::set<std::string> seen;
  std::set<char> first_chars;
  for (int i = 0; i < 20000; ++i) {
    std::string id = NewId("mb");
    ASSERT_TRUE(seen.insert(id).second) << "duplicate " << id << " after " << i;
    first_chars.insert(id[3]);
  }
  // Random bits reach the whole alphabet.
  EXPECT_EQ(first_chars.size(), 32u);
}

TEST(IdsTest, IdFromBytesIsBase32) {
  EXPECT_EQ(IdFromBytes("x", std::string(10, '\0')), "x-0000000000000000");
  EXPECT_EQ(IdFromBytes("x", std::string(10, '\xff')), "x-zzzzzzzzzzzzzzzz");
  // 0xff = 11111|111 -> 'z', then 111 padded with zeros = 11100 = 28 -> 'w'.
  EXPECT_EQ(IdFromBytes("p", "\xff"), "p-zw");
  // 0x08 0x42 = 00001|00001|00001|0 -> "111" then 0 padded -> "0".
  EXPECT_EQ(IdFromBytes("p", "\x08\x42"), "p-1110");
  EXPECT_EQ(IdFromBytes("p", ""), "p-");
}

TEST(IdsTest, ValidateIdSyntax) {
  EXPECT_TRUE(ValidateIdSyntax("chapter", "ch-4x7k2m9q0c1d3f5g").ok());
  EXPECT_TRUE(ValidateIdSyntax("chapter", "node-7_from/elsewhere").ok());
  EXPECT_TRUE(ValidateIdSyntax("chapter", std::string(64, 'a')).ok());
  for (const std::string& bad :
       {std::string(), std::string(65, 'a'), std::string("ch 1"), std::string("ch\t1"),
        std::string("ch-\xC3\xB1"), std::string("ch\x7F"), std::string("a\0b", 3)}) {
    absl::Status s = ValidateIdSyntax("chapter", bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << "'" << bad << "'";
    EXPECT_TRUE(absl::StartsWith(s.message(), "chapter: ")) << s.message();
  }
}

// --- national ids ------------------------------------------------------------------

TEST(NationalIdTest, NormalisesSeparatorsAndCase) {
  EXPECT_EQ(*NormalizeNationalId("1234567"), "1234567");
  EXPECT_EQ(*NormalizeNationalId(" 12.345.67-lp "), "1234567LP");
  EXPECT_EQ(*NormalizeNationalId("ab-cd ef.gh"), "ABCDEFGH");
  EXPECT_EQ(*NormalizeNationalId("1234567lp"), *NormalizeNationalId("1.234.567-LP"));
}

TEST(NationalIdTest, LengthBounds) {
  EXPECT_EQ(*NormalizeNationalId("1234"), "1234");
  EXPECT_EQ(*NormalizeNationalId(std::string(20, '9')), std::string(20, '9'));
  // Counted after separators are dropped.
  EXPECT_EQ(*NormalizeNationalId("12-34-56-78-90-12-34-56-78-90"), "12345678901234567890");
  for (const std::string& bad : {std::string(), std::string("123"), std::string("1.2.3"),
                                 std::string("- . -"), std::string(21, '9')}) {
    absl::StatusOr<std::string> n = NormalizeNationalId(bad);
    ASSERT_FALSE(n.ok()) << "'" << bad << "' -> " << *n;
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(n.status().message(), "national_id: ")) << n.status().message();
  }
}

TEST(NationalIdTest, RejectsOtherCharacters) {
  for (const std::string& bad :
       {std::string("1234/567"), std::string("1234_567"), std::string("1234\t567"),
        std::string("12345\xC3\xA9"), std::string("1234,567"), std::string("1234+567")}) {
    absl::StatusOr<std::string> n = NormalizeNationalId(bad);
    ASSERT_FALSE(n.ok()) << "'" << bad << "' -> " << *n;
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(n.status().message(), "national_id: "));
  }
}

TEST(NationalIdTest, PersonIdIsKeyedAndOpaque) {
  const FederationKey dev = FederationKey::Development();
  const std::string number = *NormalizeNationalId("98765432");
  const std::string id = dev.PersonId(number);
  EXPECT_TRUE(absl::StartsWith(id, "pr-")) << id;
  EXPECT_EQ(id.size(), 3u + 16u);
  EXPECT_EQ(dev.PersonId(number), id);  // deterministic
  EXPECT_EQ(FederationKey::Development().PersonId(number), id);
  EXPECT_EQ(dev.PersonId(*NormalizeNationalId("98.765.432")), id);
  EXPECT_NE(dev.PersonId(*NormalizeNationalId("98765433")), id);
  EXPECT_FALSE(absl::StrContains(id, "98765432"));
  EXPECT_FALSE(absl::StrContains(id, "8765"));

  TempDir dir;
  const std::string path = dir.Sub("federation.key");
  {
    std::ofstream out(path);
    out << "3f1d2c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f00f\n";
  }
  absl::StatusOr<FederationKey> other = FederationKey::FromFile(path);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->PersonId(number), id);  // another federation derives another id
  EXPECT_EQ(other->PersonId(number), other->PersonId(number));
}

// The derivation is HMAC-SHA256 as RFC 2104 defines it (ids must not change when the
// code computing them does): checked against OpenSSL's HMAC(), for a key shorter
// than a SHA-256 block and for one longer (hashed first).
TEST(NationalIdTest, PersonIdIsHmacSha256OfTheNumber) {
  auto expected = [](const std::string& secret, const std::string& number) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(number.data()), number.size(), mac, &len);
    return IdFromBytes(kPersonPrefix, absl::string_view(reinterpret_cast<char*>(mac), 10));
  };
  const std::string number = *NormalizeNationalId("98765432");
  EXPECT_EQ(FederationKey::Development().PersonId(number),
            expected("pacto-development-federation-key-not-secret-0001", number));

  TempDir dir;
  const std::string path = dir.Sub("long.key");
  const std::string long_secret(100, 'k');
  {
    std::ofstream out(path);
    out << long_secret << "\n";
  }
  absl::StatusOr<FederationKey> long_key = FederationKey::FromFile(path);
  ASSERT_TRUE(long_key.ok()) << long_key.status();
  EXPECT_EQ(long_key->PersonId(number), expected(long_secret, number));
  EXPECT_EQ(long_key->PersonId("A1B2"), expected(long_secret, "A1B2"));
}

// Fixed known answers, computed outside this code base (Python's hmac module over the
// same key, the first 10 bytes of the MAC in the id alphabet): an oracle that shares
// none of the code it checks, so a change to the derivation or the alphabet shows here
// even when it changes the production code and a helper in the same way.
TEST(NationalIdTest, PersonIdsMatchKnownAnswers) {
  const FederationKey dev = FederationKey::Development();
  EXPECT_EQ(dev.PersonId("98765432"), "pr-6506d7dxvpm70g0c");
  EXPECT_EQ(dev.PersonId("1234567LP"), "pr-zv7kk2f9h621re49");
  EXPECT_EQ(dev.PersonId(*NormalizeNationalId("1234567-lp")), "pr-zv7kk2f9h621re49");

  TempDir dir;
  const std::string path = dir.Sub("long.key");
  {
    std::ofstream out(path);
    out << std::string(100, 'k') << "\n";
  }
  absl::StatusOr<FederationKey> long_key = FederationKey::FromFile(path);
  ASSERT_TRUE(long_key.ok()) << long_key.status();
  EXPECT_EQ(long_key->PersonId("98765432"), "pr-br0fqtf64mmkbwjv");
  EXPECT_EQ(long_key->PersonId("1234567LP"), "pr-g7hsy64n7ywq5sc4");
}

TEST(NationalIdTest, KeyFileMustHoldEnoughSecret) {
  TempDir dir;
  const std::string short_path = dir.Sub("short.key");
  {
    std::ofstream out(short_path);
    out << "too-short\n";
  }
  absl::StatusOr<FederationKey> short_key = FederationKey::FromFile(short_path);
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(short_key.status().message(), short_path));

  // 31 bytes of secret padded with whitespace: the padding does not count.
  const std::string padded_path = dir.Sub("padded.key");
  {
    std::ofstream out(padded_path);
    out << "   " << std::string(31, 'k') << "      \n\n";
  }
  EXPECT_EQ(FederationKey::FromFile(padded_path).status().code(),
            absl::StatusCode::kFailedPrecondition);

  EXPECT_EQ(FederationKey::FromFile(dir.Sub("missing.key")).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // `openssl rand -hex 32` output: 64 hex characters and a newline.
  const std::string hex_path = dir.Sub("hex.key");
  {
    std::ofstream out(hex_path);
    out << std::string(64, 'a') << "\n";
  }
  absl::StatusOr<FederationKey> hex = FederationKey::FromFile(hex_path);
  ASSERT_TRUE(hex.ok()) << hex.status();
  // Trailing whitespace is trimmed: the same secret without the newline is the same key.
  const std::string bare_path = dir.Sub("bare.key");
  {
    std::ofstream out(bare_path);
    out << std::string(64, 'a');
  }
  absl::StatusOr<FederationKey> bare = FederationKey::FromFile(bare_path);
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(hex->PersonId("12345678"), bare->PersonId("12345678"));
}

}  // namespace
}  // namespace pacto
