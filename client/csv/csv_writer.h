// Writing CSV that CsvReader (and spreadsheets) read back: RFC 4180 quoting, LF line
// ends.
#ifndef PACTO_CLIENT_CSV_CSV_WRITER_H_
#define PACTO_CLIENT_CSV_CSV_WRITER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pacto {

// `value` as one CSV field: quoted, with quotes doubled, when it holds a comma, a quote,
// a CR or an LF, or begins or ends with a space; otherwise unchanged.
std::string CsvField(absl::string_view value);

// The fields joined by commas, each as CsvField, followed by "\n". A record of one
// empty field is written as `""` so that it is not read back as a blank line.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace pacto

#endif  // PACTO_CLIENT_CSV_CSV_WRITER_H_
