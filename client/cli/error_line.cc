#include "client/cli/error_line.h"

#include "absl/strings/str_cat.h"

namespace pacto::cli {

std::string ErrorLine(const absl::Status& status) {
  std::string line = absl::StrCat("error: ", absl::StatusCodeToString(status.code()));
  if (status.message().empty()) return line;
  line += ": ";
  for (char c : status.message()) line.push_back(c == '\n' || c == '\r' ? ' ' : c);
  return line;
}

}  // namespace pacto::cli
