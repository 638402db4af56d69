#include "node/registry/lookups.h"

#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"

namespace pacto {

const char* RecordNoun(v1::RecordType type) {
  switch (type) {
    case v1::RECORD_TYPE_REGION:
      return "region";
    case v1::RECORD_TYPE_CHAPTER:
      return "chapter";
    case v1::RECORD_TYPE_AFFILIATION:
      return "affiliation";
    case v1::RECORD_TYPE_PERSON:
      return "person";
    case v1::RECORD_TYPE_MEMBERSHIP:
      return "membership";
    case v1::RECORD_TYPE_OFFICER_TERM:
      return "officer term";
    case v1::RECORD_TYPE_FORMATION:
      return "formation record";
    case v1::RECORD_TYPE_TOKEN_REVOCATION:
      return "token revocation";
    default:
      return "record";
  }
}

absl::Status MissingRecord(v1::RecordType type, absl::string_view field, absl::string_view id,
                           Ref ref) {
  std::string message = absl::StrCat(field, ": no ", RecordNoun(type), " '", id, "'");
  return ref == Ref::kAddressed ? absl::NotFoundError(message)
                                : absl::InvalidArgumentError(message);
}

absl::StatusOr<std::string> ActiveParent(WriteTxn& txn, const std::string& chapter) {
  v1::Affiliation affiliation;
  PACTO_ASSIGN_OR_RETURN(bool live,
                         ReadLive(txn, v1::RECORD_TYPE_AFFILIATION, chapter, &affiliation));
  if (!live || affiliation.status() != "active") return std::string();
  return affiliation.parent();
}

absl::StatusOr<bool> IsAncestorOrSelf(WriteTxn& txn, const std::string& ancestor,
                                      const std::string& chapter) {
  absl::flat_hash_set<std::string> seen;
  std::string current = chapter;
  while (!current.empty() && seen.insert(current).second) {
    if (current == ancestor) return true;
    PACTO_ASSIGN_OR_RETURN(current, ActiveParent(txn, current));
  }
  return false;
}

}  // namespace pacto
