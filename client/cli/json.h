// Proto3 JSON as the CLI prints it with --json (DESIGN §2.1): the proto's own
// snake_case field names, every primitive field present (so a zero count still shows),
// on one line. 64-bit integers appear as strings, as proto3 JSON has them.
#ifndef PACTO_CLIENT_CLI_JSON_H_
#define PACTO_CLIENT_CLI_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace pacto::cli {

// `message` as JSON, without a trailing newline. Fails (INTERNAL) only if protobuf
// cannot convert it.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_JSON_H_
