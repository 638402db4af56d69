// Signed entries as the evidence of record versions (DESIGN §5, invariant 9, for state
// snapshots). A version of a record is what one op of one entry wrote; in secure mode
// that entry is signed by its origin over the op's value hash (entry_signing.h), so
// the entry, without values, proves the version: who wrote it, when, of what kind,
// which value (by hash) and for which home region. A snapshot therefore carries, for
// every version, the entry that wrote it, and a receiver takes no version without it.
//
// A node finds an entry in its log, or, when the entry is not there (it came inside a
// snapshot, or the log was truncated below it), in the evidence kept aside under
// EvidenceKey. Entries hold value hashes, never values, so erased data does not
// travel with them.
#ifndef PACTO_NODE_STORE_ENTRY_EVIDENCE_H_
#define PACTO_NODE_STORE_ENTRY_EVIDENCE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "node/store/read_view.h"
#include "node/store/write_txn.h"
#include "pacto/v1/log.pb.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {

// The entry that wrote `dot`, values left out; nullopt when this node holds none.
absl::StatusOr<std::optional<v1::Entry>> ReadEvidence(const ReadView& view, const v1::Dot& dot);

// Whether this node holds the entry that wrote `dot` (in its log or kept aside).
absl::StatusOr<bool> HasEvidence(WriteTxn& txn, const v1::Dot& dot);

// Keeps `entry` (signed; its values are left out here) aside as evidence.
void KeepEvidence(WriteTxn& txn, v1::Entry entry);

// The last op of `entry` on record (`type`, `id`) — the one whose version the record
// holds, since a second op of one entry on one record replaces the first one's —
// or null. Linear in the entry's ops.
const v1::Op* LastOpOn(const v1::Entry& entry, v1::RecordType type, const std::string& id);

// Checks that `op`, the last op of `entry` on record (`type`, `id`) (null when it has
// none), wrote `version`: the version's dot and timestamp are the entry's, its kind
// the op's, and a value's hash the op's value hash. Returns the op with the version's
// value filled in (or marked redacted for a placeholder). PERMISSION_DENIED, tagged
// Rejection::kEvidence, otherwise. Does not check the entry's signature.
absl::StatusOr<v1::Op> OpForVersion(const v1::Entry& entry, const v1::Op* op, v1::RecordType type,
                                    const std::string& id, const v1::Version& version);

// `entry` as a signature check wants it when its values were left out: each PUT op
// marked redacted (the signature covers value hashes only).
v1::Entry WithoutValues(v1::Entry entry);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_ENTRY_EVIDENCE_H_
