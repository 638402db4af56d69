// Record identifiers. Ids are made up where the record is created, with no
// coordination between nodes: a type prefix and 80 random bits in lower-case
// Crockford base32 ("ch-4x7k2m9q0c1d3f5g"), so collisions across a federation are
// negligible (birthday bound ~1e-12 at three million records). A person enrolled with
// a national id instead gets an id derived from it (see national_id.h).
#ifndef PACTO_NODE_DOMAIN_IDS_H_
#define PACTO_NODE_DOMAIN_IDS_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pacto {

inline constexpr absl::string_view kChapterPrefix = "ch";
inline constexpr absl::string_view kPersonPrefix = "pr";
inline constexpr absl::string_view kMembershipPrefix = "mb";
inline constexpr absl::string_view kOfficerPrefix = "of";
inline constexpr absl::string_view kFormationPrefix = "fr";

// A new random id with `prefix`. Thread-safe.
std::string NewId(absl::string_view prefix);

// Makes NewId return ids from `generator` (nullptr: random again), so that a seeded
// test replays exactly. Process-wide; not for production code.
void SetIdGeneratorForTest(std::function<std::string(absl::string_view prefix)> generator);

// "prefix-" followed by the base32 of `bytes`.
std::string IdFromBytes(absl::string_view prefix, absl::string_view bytes);

// INVALID_ARGUMENT naming `field` unless `id` is non-empty, printable ASCII without
// spaces and at most 64 bytes. (Ids from other nodes need not carry our prefix.)
absl::Status ValidateIdSyntax(absl::string_view field, absl::string_view id);

}  // namespace pacto

#endif  // PACTO_NODE_DOMAIN_IDS_H_
