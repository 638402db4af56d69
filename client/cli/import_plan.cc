#include "client/cli/import_plan.h"

#include <array>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/csv/csv_reader.h"
#include "client/csv/formula_cells.h"

namespace pacto::cli {
namespace {

enum Column { kChapter, kName, kNationalId, kBirthDate, kSince, kMembershipId, kColumnCount };
constexpr std::array<absl::string_view, kColumnCount> kColumnNames = {
    "chapter", "name", "national_id", "birth_date", "since", "membership_id"};
constexpr int kNotPresent = -1;

// Field index of each known column, or kNotPresent.
using ColumnMap = std::array<int, kColumnCount>;

absl::StatusOr<ColumnMap> MatchHeader(const CsvRecord& header) {
  if (!header.status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", header.line, ": malformed header: ", header.status.message()));
  }
  ColumnMap map;
  map.fill(kNotPresent);
  std::vector<std::string> names;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.fields[i]));
    for (int c = 0; c < kColumnCount; ++c) {
      if (name != kColumnNames[c]) continue;
      if (map[c] != kNotPresent) {
        return absl::InvalidArgumentError(
            absl::StrCat("column '", name, "' appears twice in the header"));
      }
      map[c] = static_cast<int>(i);
    }
    names.push_back(std::move(name));
  }
  for (Column required : {kChapter, kName}) {
    if (map[required] == kNotPresent) {
      return absl::InvalidArgumentError(
          absl::StrCat("the header has no '", kColumnNames[required],
                       "' column (it has: ", absl::StrJoin(names, ", "), ")"));
    }
  }
  return map;
}

v1::RowError Reject(uint64_t line, absl::string_view message) {
  v1::RowError error;
  error.set_line(line);
  error.set_code("INVALID_ARGUMENT");
  error.set_message(absl::StrCat("csv: ", message));
  return error;
}

bool HasUnblankFieldFrom(const std::vector<std::string>& fields, size_t from) {
  for (size_t i = from; i < fields.size(); ++i) {
    if (!absl::StripAsciiWhitespace(fields[i]).empty()) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<ImportPlan> PlanImport(absl::string_view text) {
  CsvReader reader(text);
  CsvRecord record;
  if (!reader.Next(&record)) {
    return absl::InvalidArgumentError("the file is empty; it needs a header row");
  }
  absl::StatusOr<ColumnMap> columns = MatchHeader(record);
  if (!columns.ok()) return columns.status();
  const size_t header_fields = record.fields.size();

  ImportPlan plan;
  while (reader.Next(&record)) {
    if (!record.status.ok()) {
      plan.rejects.push_back(Reject(record.line, record.status.message()));
      continue;
    }
    if (HasUnblankFieldFrom(record.fields, header_fields)) {
      plan.rejects.push_back(
          Reject(record.line,
                 absl::StrCat("the row has ", record.fields.size(), " fields but the header has ",
                              header_fields, " (an unquoted comma in a value?)")));
      continue;
    }
    auto value = [&](Column column) -> std::string {
      const int index = (*columns)[column];
      if (index == kNotPresent || static_cast<size_t>(index) >= record.fields.size()) return "";
      return UnguardFormulaCell(record.fields[index]);
    };
    v1::ImportRow& row = plan.rows.emplace_back();
    row.set_line(record.line);
    row.set_chapter(value(kChapter));
    row.set_name(value(kName));
    row.set_national_id(value(kNationalId));
    row.set_birth_date(value(kBirthDate));
    row.set_since(value(kSince));
    row.set_membership_id(value(kMembershipId));
  }
  return plan;
}

}  // namespace pacto::cli
