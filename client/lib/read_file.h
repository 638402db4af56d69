// Reading a whole file into memory, with an absl::Status that names the file.
#ifndef PACTO_CLIENT_LIB_READ_FILE_H_
#define PACTO_CLIENT_LIB_READ_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pacto {

// The bytes of the file at `path`. Errors carry the errno's code (NOT_FOUND,
// PERMISSION_DENIED, ...) and read "cannot read 'PATH': REASON".
absl::StatusOr<std::string> ReadFileToString(absl::string_view path);

}  // namespace pacto

#endif  // PACTO_CLIENT_LIB_READ_FILE_H_
