#include "client/cli/import_report.h"

#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

v1::RowError Error(uint64_t line, const std::string& code, const std::string& message) {
  v1::RowError error;
  error.set_line(line);
  error.set_code(code);
  error.set_message(message);
  return error;
}

TEST(ImportReportTest, MergesLocalRejectsSortedByLine) {
  v1::ImportMembersResponse from_node;
  from_node.set_accepted(1997);
  from_node.set_rejected(2);
  *from_node.add_errors() = Error(12, "INVALID_ARGUMENT", "name: must not be empty");
  *from_node.add_errors() = Error(40, "INVALID_ARGUMENT", "chapter: no chapter 'ch-x'");
  const v1::ImportMembersResponse merged = MergeImportResults(
      from_node, {Error(7, "INVALID_ARGUMENT", "csv: quote inside an unquoted field (field 2)")});

  EXPECT_EQ(merged.accepted(), 1997u);
  EXPECT_EQ(merged.rejected(), 3u);
  ASSERT_EQ(merged.errors_size(), 3);
  EXPECT_EQ(merged.errors(0).line(), 7u);
  EXPECT_EQ(merged.errors(1).line(), 12u);
  EXPECT_EQ(merged.errors(2).line(), 40u);

  EXPECT_EQ(FormatImportReport(merged, 2000),
            "line 7: INVALID_ARGUMENT: csv: quote inside an unquoted field (field 2)\n"
            "line 12: INVALID_ARGUMENT: name: must not be empty\n"
            "line 40: INVALID_ARGUMENT: chapter: no chapter 'ch-x'\n"
            "imported 1997 of 2000 rows; 3 rejected\n");

  absl::Status outcome = ImportOutcome(merged, 2000);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(outcome.message(), "3 of 2000 rows rejected; the other 1997 were imported");
}

// Importing an export again: the memberships already there are the only rejects.
// A node that stops reading early still says how many rows it read: the report
// counts exactly what landed and what never did.
TEST(ImportReportTest, StoppedImportCountsEveryRow) {
  v1::ImportMembersResponse from_node;
  from_node.set_accepted(880);
  from_node.set_rejected(0);
  *from_node.mutable_stopped() =
      Error(902, "INVALID_ARGUMENT", "rows: at most 10000 rows per message, got 10001");
  const v1::ImportMembersResponse merged =
      MergeImportResults(from_node, {Error(5, "INVALID_ARGUMENT", "name: 20971520 bytes")});
  EXPECT_EQ(FormatImportReport(merged, 1000),
            "line 5: INVALID_ARGUMENT: name: 20971520 bytes\n"
            "line 902: the node stopped the import here: INVALID_ARGUMENT: rows: at most 10000 "
            "rows per message, got 10001\n"
            "imported 880 of 1000 rows; 1 rejected; 119 not imported\n");
  absl::Status outcome = ImportOutcome(merged, 1000);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(outcome.message(),
            "the node stopped the import at line 902 (rows: at most 10000 rows per message, got "
            "10001): 880 of 1000 rows were imported, 1 rejected, 119 not imported");
}

TEST(ImportReportTest, RowsAlreadyThereAreNotInvalid) {
  v1::ImportMembersResponse from_node;
  from_node.set_accepted(1);
  from_node.set_rejected(2);
  *from_node.add_errors() =
      Error(2, "ALREADY_EXISTS", "membership_id: membership mb-1 already exists");
  *from_node.add_errors() =
      Error(3, "ALREADY_EXISTS", "membership_id: membership mb-2 already exists");
  absl::Status outcome = ImportOutcome(MergeImportResults(from_node, {}), 3);
  EXPECT_EQ(outcome.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(outcome.message(), "2 of 3 rows already there; the other 1 were imported");
  // One bad row among them makes the whole outcome a bad-input one.
  *from_node.add_errors() = Error(4, "INVALID_ARGUMENT", "name: must not be empty");
  from_node.set_rejected(3);
  EXPECT_EQ(ImportOutcome(MergeImportResults(from_node, {}), 4).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ImportReportTest, AllImported) {
  v1::ImportMembersResponse from_node;
  from_node.set_accepted(2000);
  const v1::ImportMembersResponse merged = MergeImportResults(from_node, {});
  EXPECT_EQ(FormatImportReport(merged, 2000), "imported 2000 of 2000 rows; 0 rejected\n");
  EXPECT_TRUE(ImportOutcome(merged, 2000).ok());
}

TEST(ImportReportTest, OnlyLocalRejects) {
  const v1::ImportMembersResponse merged =
      MergeImportResults(v1::ImportMembersResponse(), {Error(2, "INVALID_ARGUMENT", "csv: x")});
  EXPECT_EQ(FormatImportReport(merged, 1),
            "line 2: INVALID_ARGUMENT: csv: x\nimported 0 of 1 rows; 1 rejected\n");
  EXPECT_EQ(ImportOutcome(merged, 1).message(), "1 of 1 rows rejected; the other 0 were imported");
}

TEST(ImportReportTest, SortIsStableWithinALine) {
  v1::ImportMembersResponse from_node;
  *from_node.add_errors() = Error(5, "INVALID_ARGUMENT", "first");
  *from_node.add_errors() = Error(3, "INVALID_ARGUMENT", "x");
  *from_node.add_errors() = Error(5, "INVALID_ARGUMENT", "second");
  const v1::ImportMembersResponse merged = MergeImportResults(from_node, {});
  ASSERT_EQ(merged.errors_size(), 3);
  EXPECT_EQ(merged.errors(0).message(), "x");
  EXPECT_EQ(merged.errors(1).message(), "first");
  EXPECT_EQ(merged.errors(2).message(), "second");
}

}  // namespace
}  // namespace pacto::cli
