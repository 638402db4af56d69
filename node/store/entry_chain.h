// The links of an origin's hash chain (DESIGN §5, invariant 9). Each entry an origin
// signs carries, as its prev_hash, the EntryChainHash of the origin's previous entry:
// the SHA-256 of that entry as signed (values left out), its signature included. So a
// valid signature on one entry vouches for every entry before it that the chain links
// to, and a receiver of a run of one origin's entries checks one signature, on the
// run's last entry, and the links and value hashes of the rest: a forged, altered,
// replayed or reordered entry anywhere in the run breaks a link or the signature.
#ifndef PACTO_NODE_STORE_ENTRY_CHAIN_H_
#define PACTO_NODE_STORE_ENTRY_CHAIN_H_

#include <string>

#include "absl/status/status.h"
#include "pacto/v1/log.pb.h"

namespace pacto {

// The prev_hash the origin's next entry carries after `entry` (signed).
std::string EntryChainHash(const v1::Entry& entry);

// Every PUT op that carries its value matches the value hash its origin signed
// (redacted ops carry none). PERMISSION_DENIED, tagged Rejection::kSignature, otherwise.
absl::Status CheckValueHashes(const v1::Entry& entry);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_ENTRY_CHAIN_H_
