// Emitting a local write's ops. A local write supersedes every version of the record
// that this node holds when the write is applied (WriteContext::Emit): the writer has
// seen them all, so an ordinary write after a conflict resolves it.
#ifndef PACTO_NODE_REGISTRY_RECORD_WRITER_H_
#define PACTO_NODE_REGISTRY_RECORD_WRITER_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message_lite.h"
#include "node/store/commit_pipeline.h"

namespace pacto {

absl::Status EmitPut(WriteContext& ctx, v1::RecordType type, const std::string& id,
                     const google::protobuf::MessageLite& value, const std::string& home_region);

// Erasure on request: a tombstone that wins over concurrent versions.
absl::Status EmitErase(WriteContext& ctx, v1::RecordType type, const std::string& id,
                       const std::string& home_region);

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_RECORD_WRITER_H_
