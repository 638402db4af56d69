// Names and message types of records and ops, shared by the apply path, reports and
// audit: one place that knows which model message each record type holds.
#ifndef PACTO_NODE_STORE_RECORD_KINDS_H_
#define PACTO_NODE_STORE_RECORD_KINDS_H_

#include <memory>
#include <string>

#include "google/protobuf/message.h"
#include "pacto/v1/log.pb.h"

namespace pacto {

// An empty model message for `type`; null for an unknown type.
std::unique_ptr<google::protobuf::Message> NewRecordMessage(v1::RecordType type);

// "chapter", "officer_term", ...
std::string RecordTypeName(v1::RecordType type);

// "put", "delete", "erase"; "unknown" otherwise.
std::string OpKindName(v1::Op::Kind kind);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_RECORD_KINDS_H_
