// What the authorizer needs to know about the registry to place a request in the
// region tree: each region's ancestors, the region a chapter or membership is homed
// in, and the home region of any record (for the audit trail). Reads the database
// directly, outside any snapshot: a decision may race with a concurrent change of the
// same record, as any check-then-act across an RPC boundary does.
//
// Thread-safe; `db` must outlive the resolver.
#ifndef PACTO_NODE_SECURITY_SCOPE_RESOLVER_H_
#define PACTO_NODE_SECURITY_SCOPE_RESOLVER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "node/store/database.h"
#include "pacto/v1/log.pb.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {

class ScopeResolver {
 public:
  explicit ScopeResolver(const Database* db) : db_(db) {}

  // The region and its ancestors, nearest first. A region not known here yields just
  // itself; a cycle is cut where it repeats.
  absl::StatusOr<std::vector<std::string>> RegionChain(const std::string& code) const;
  // True when `region` is `ancestor` or lies below it.
  absl::StatusOr<bool> Covers(const std::string& ancestor, const std::string& region) const;
  // True when `code` is a known region with no parent.
  absl::StatusOr<bool> IsRootRegion(const std::string& code) const;

  // A live chapter's home region; nullopt when there is no such chapter.
  absl::StatusOr<std::optional<std::string>> ChapterRegion(const std::string& id) const;
  // A live membership's home region (its chapter's); nullopt when there is no such
  // membership, "" when it exists but its chapter is gone.
  absl::StatusOr<std::optional<std::string>> MembershipRegion(const std::string& id) const;

  // The home region of the record `type`/`id` with versions `state`: as the newest of
  // its changes still in the log says, else as its live value says; "" when neither
  // tells (an erased record whose log entries were truncated).
  absl::StatusOr<std::string> RecordHomeRegion(v1::RecordType type, const std::string& id,
                                               const v1::RecordState& state) const;

  // Whether `region`'s subtree covers a chapter of a membership that owns the person
  // record `person` (person_scope.h: one enrolled without `sent_person`); nullopt
  // when the person has no membership left here (then the home region decides).
  absl::StatusOr<std::optional<bool>> CoversPersonOwner(const std::string& region,
                                                        const std::string& person) const;

  // The records an audit names by `id`: a chapter id names the chapter and its
  // affiliation; mb-, pr-, of-, fr- and rv- ids a membership, person, officer term,
  // formation record or token revocation; anything else a region code (upper-cased).
  // Only records ever written here are returned.
  struct FoundRecord {
    v1::RecordType type;
    std::string id;
    v1::RecordState state;
  };
  absl::StatusOr<std::vector<FoundRecord>> FindRecords(absl::string_view id) const;

 private:
  const Database* const db_;
};

// The answer for an id that names no record (or none the caller may see): NOT_FOUND
// "record: no record 'ID'".
absl::Status NoRecordError(absl::string_view id);

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_SCOPE_RESOLVER_H_
