// Reading the records a write depends on, inside the commit pipeline, with the error
// an API caller should see when one is missing: NOT_FOUND for the record the call
// addresses ("member end ID"), INVALID_ARGUMENT naming the field for a record the
// request refers to ("--chapter ID" of an enrolment).
#ifndef PACTO_NODE_REGISTRY_LOOKUPS_H_
#define PACTO_NODE_REGISTRY_LOOKUPS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "node/store/record_io.h"
#include "node/store/write_txn.h"
#include "pacto/v1/model.pb.h"

namespace pacto {

enum class Ref { kAddressed, kReferenced };

// The noun an error message uses for a record type ("chapter", "membership", ...).
const char* RecordNoun(v1::RecordType type);

absl::Status MissingRecord(v1::RecordType type, absl::string_view field, absl::string_view id,
                           Ref ref);

template <typename T>
absl::StatusOr<T> LoadLive(WriteTxn& txn, v1::RecordType type, const std::string& id,
                           absl::string_view field, Ref ref) {
  T record;
  absl::StatusOr<bool> live = ReadLive(txn, type, id, &record);
  if (!live.ok()) return live.status();
  if (!*live) return MissingRecord(type, field, id, ref);
  return record;
}

// The chapter's current active parent, or "" when it has none.
absl::StatusOr<std::string> ActiveParent(WriteTxn& txn, const std::string& chapter);

// True when `ancestor` is `chapter` or lies on its chain of active parents.
absl::StatusOr<bool> IsAncestorOrSelf(WriteTxn& txn, const std::string& ancestor,
                                      const std::string& chapter);

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_LOOKUPS_H_
