// Writing CSV that CsvReader (and spreadsheets) read back: RFC 4180 quoting, LF line
// ends, and every cell a spreadsheet would run as a formula neutralised
// (formula_cells.h). Every CSV the CLI writes (exports, `--csv` reports and fields)
// goes through here.
#ifndef PACTO_CLIENT_CSV_CSV_WRITER_H_
#define PACTO_CLIENT_CSV_CSV_WRITER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pacto {

// `value` as one CSV field. A value that NeedsFormulaGuard gets a single quote in front
// and is quoted (the OWASP rule: "=1+1" is written "'=1+1"); otherwise it is quoted,
// with quotes doubled, when it holds a comma, a quote, a CR or an LF, or begins or ends
// with a space, and written unchanged when not. Read a field back with CsvReader and
// UnguardFormulaCell.
std::string CsvField(absl::string_view value);

// The fields joined by commas, each as CsvField, followed by "\n". A record of one
// empty field is written as `""` so that it is not read back as a blank line.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace pacto

#endif  // PACTO_CLIENT_CSV_CSV_WRITER_H_
