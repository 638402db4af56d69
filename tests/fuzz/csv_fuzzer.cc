// Fuzz target: the CSV reader (client/csv) and the import planner that turns a member
// file into ImportRows (client/cli/import_plan.h).
//
// Input: the file's bytes. Checks the readers' contracts: line numbers start at 1 and
// never go backwards; a malformed record carries no fields; every well-formed record
// written back with CsvLine reads back unchanged (after UnguardFormulaCell) and starts no
// formula; PlanImport accounts for every data
// record once (sent or rejected), in line order, and fails only with
// INVALID_ARGUMENT. Must never crash.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli/import_plan.h"
#include "client/csv/csv_reader.h"
#include "client/csv/csv_writer.h"
#include "client/csv/formula_cells.h"

namespace pacto {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "csv_fuzzer: %s\n", what.c_str());
  std::abort();
}

void Expect(bool condition, const std::string& what) {
  if (!condition) Fail(what);
}

std::vector<CsvRecord> CheckReader(absl::string_view text) {
  std::vector<CsvRecord> records = ReadCsv(text);
  const uint64_t lines = 1 + static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n') +
                                                   std::count(text.begin(), text.end(), '\r'));
  uint64_t last_line = 0;
  for (const CsvRecord& record : records) {
    Expect(record.line >= 1 && record.line <= lines, "a record's line is out of range");
    Expect(record.line > last_line, "line numbers went backwards");
    last_line = record.line;
    if (!record.status.ok()) {
      Expect(record.fields.empty(), "a malformed record carries fields");
      Expect(record.status.code() == absl::StatusCode::kInvalidArgument,
             "a malformed record is not INVALID_ARGUMENT");
      continue;
    }
    Expect(!record.fields.empty(), "a well-formed record has no fields");
    // What the writer makes of a record reads back as that record. (After a first
    // line, as in a file the writer made: a leading byte order mark would be skipped.)
    // The writer neutralises formula cells, and UnguardFormulaCell undoes exactly that.
    const std::string file = absl::StrCat("h\n", CsvLine(record.fields));
    std::vector<CsvRecord> back = ReadCsv(file);
    Expect(back.size() == 2 && back[1].status.ok() && back[1].fields.size() == record.fields.size(),
           absl::StrCat("record at line ", record.line, " does not survive CsvLine"));
    for (size_t i = 0; i < record.fields.size(); ++i) {
      Expect(UnguardFormulaCell(back[1].fields[i]) == record.fields[i],
             absl::StrCat("field ", i + 1, " at line ", record.line, " does not survive CsvLine"));
      Expect(!NeedsFormulaGuard(back[1].fields[i]) || back[1].fields[i].front() == '\'',
             absl::StrCat("field ", i + 1, " at line ", record.line, " is written as a formula"));
    }
  }
  return records;
}

void CheckPlan(absl::string_view text, const std::vector<CsvRecord>& records) {
  absl::StatusOr<cli::ImportPlan> plan = cli::PlanImport(text);
  if (!plan.ok()) {
    Expect(plan.status().code() == absl::StatusCode::kInvalidArgument,
           absl::StrCat("PlanImport answered ", plan.status().ToString()));
    return;
  }
  Expect(!records.empty(), "a plan without a header");
  Expect(plan->total() == records.size() - 1, "PlanImport lost or invented rows");
  uint64_t last = records.front().line;
  for (const v1::ImportRow& row : plan->rows) {
    Expect(row.line() > last, "rows out of line order");
    last = row.line();
  }
  last = records.front().line;
  for (const v1::RowError& reject : plan->rejects) {
    Expect(reject.line() > last, "rejects out of line order");
    Expect(reject.code() == "INVALID_ARGUMENT", "a reject that is not INVALID_ARGUMENT");
    last = reject.line();
  }
}

}  // namespace
}  // namespace pacto

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  pacto::CheckPlan(text, pacto::CheckReader(text));
  return 0;
}
