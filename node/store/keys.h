// How pacto-node lays its data out in RocksDB (DESIGN §4). One database, five column
// families:
//
//   default  metadata: the data dir's identity, version vector, digest, log cursor
//   records  type byte + id              → RecordState (every concurrent version)
//   indexes  kind byte + owner \0 member → small value (see IndexKind)
//   log      'e' + position (u64 BE)     → Entry, in this node's apply order
//            'd' + origin \0 seq (u64 BE) → position (u64 BE), to find a dot
//            'v' + origin \0 seq (u64 BE) → Entry, signed, kept aside as the evidence
//                                          of a version whose entry is not in the log
//                                          (it came in a snapshot, or was truncated)
//   tallies  counters and per-chapter / per-person tallies (see tallies.h)
//
// Big-endian integers keep numeric order equal to byte order.
#ifndef PACTO_NODE_STORE_KEYS_H_
#define PACTO_NODE_STORE_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "pacto/v1/log.pb.h"
#include "rocksdb/slice.h"

namespace pacto {

inline constexpr char kRecordsFamily[] = "records";
inline constexpr char kIndexesFamily[] = "indexes";
inline constexpr char kLogFamily[] = "log";
inline constexpr char kTalliesFamily[] = "tallies";

// Debian's Abseil has its own string_view, distinct from std::string_view.
inline absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

void PutBigEndian64(std::string* out, uint64_t v);
uint64_t GetBigEndian64(absl::string_view in);  // REQUIRES: in.size() >= 8

// --- records ---
std::string RecordKey(v1::RecordType type, absl::string_view id);
// The prefix shared by every record of `type`.
std::string RecordTypePrefix(v1::RecordType type);
// Splits a record key; false when malformed.
bool ParseRecordKey(absl::string_view key, v1::RecordType* type, std::string* id);

// --- indexes ---
enum class IndexKind : char {
  kChaptersByRegion = 'r',   // region → chapter
  kChildrenByParent = 'k',   // parent chapter → child chapter (active affiliations)
  kMembersByChapter = 'c',   // chapter → membership; value: MemberIndexValue
  kMembersByPerson = 'p',    // person → membership; value: MemberIndexValue
  kOfficersByChapter = 'o',  // chapter → officer term
  kOfficersByPerson = 'q',   // person → officer term
  kFormationByPerson = 'f',  // person → formation record
  kConflicts = 'x',          // "" → key of a record holding concurrent versions
  kMultiMembers = 'y',       // "" → person with two or more active memberships
};
std::string IndexKey(IndexKind kind, absl::string_view owner, absl::string_view member);
std::string IndexPrefix(IndexKind kind, absl::string_view owner);
// The member part of an index key that starts with `prefix`.
absl::string_view IndexMember(absl::string_view key, absl::string_view prefix);

// --- log ---
std::string LogKey(uint64_t position);
inline constexpr absl::string_view kLogEntryPrefix = "e";
std::string DotKey(absl::string_view origin, uint64_t seq);
std::string EvidenceKey(absl::string_view origin, uint64_t seq);

// --- metadata (default family) ---
inline constexpr char kIdentityKey[] = "identity";
inline constexpr char kDigestKey[] = "digest";
inline constexpr char kLogNextKey[] = "log_next";
inline constexpr char kVersionVectorPrefix[] = "vv/";
inline constexpr char kOriginStatePrefix[] = "origin/";    // + origin → OriginState
inline constexpr char kOriginCertPrefix[] = "cert/";       // + node id → PEM certificate
inline constexpr char kStagedSnapshotKey[] = "snapshot";   // → StagedSnapshot
inline constexpr char kStagedChunkPrefix[] = "snapshot/";  // + big-endian index → chunk
std::string VersionVectorKey(absl::string_view origin);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_KEYS_H_
