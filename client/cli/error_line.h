// The CLI's error line (DESIGN §2.1): the one line `pacto` prints on stderr when a
// command fails, "error: CODE: message", CODE being the gRPC code name in upper case.
#ifndef PACTO_CLIENT_CLI_ERROR_LINE_H_
#define PACTO_CLIENT_CLI_ERROR_LINE_H_

#include <string>

#include "absl/status/status.h"

namespace pacto::cli {

// "error: INVALID_ARGUMENT: name: must not be empty" for a non-OK `status`, without a
// trailing newline; line breaks in the message become spaces so the error is one line.
// An empty message gives "error: CODE".
// REQUIRES: !status.ok().
std::string ErrorLine(const absl::Status& status);

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_ERROR_LINE_H_
