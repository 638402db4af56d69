// A proto3 string field can only carry UTF-8: a request holding anything else would
// fail to parse on the node with a message that names nothing. The client checks
// first and answers like the node would.
#ifndef PACTO_CLIENT_LIB_UTF8_FIELDS_H_
#define PACTO_CLIENT_LIB_UTF8_FIELDS_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace pacto {

// INVALID_ARGUMENT "<field>: must be valid UTF-8" for the first string field (at any
// depth) that is not valid UTF-8; OK otherwise. The field is named by its own name,
// as the node names fields in its errors.
absl::Status CheckUtf8Fields(const google::protobuf::Message& message);

}  // namespace pacto

#endif  // PACTO_CLIENT_LIB_UTF8_FIELDS_H_
