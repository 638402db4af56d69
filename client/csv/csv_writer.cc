#include "client/csv/csv_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "client/csv/formula_cells.h"

namespace pacto {

std::string CsvField(absl::string_view value) {
  if (NeedsFormulaGuard(value)) {
    return absl::StrCat("\"'", absl::StrReplaceAll(value, {{"\"", "\"\""}}), "\"");
  }
  const bool needs_quotes = value.find_first_of(",\"\r\n") != absl::string_view::npos ||
                            (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) return std::string(value);
  return "\"" + absl::StrReplaceAll(value, {{"\"", "\"\""}}) + "\"";
}

std::string CsvLine(const std::vector<std::string>& fields) {
  // A lone empty field would make an empty line, which readers skip.
  if (fields.size() == 1 && fields[0].empty()) return "\"\"\n";
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.push_back(',');
    line += CsvField(fields[i]);
  }
  line.push_back('\n');
  return line;
}

}  // namespace pacto
