// Why replicated data was refused (DESIGN §5, invariant 9; issue #5): every check that
// refuses an entry, or a version inside a snapshot, tags its status with a reason, so
// the receiving side can count refusals by reason (/metrics) and log them without
// parsing messages. The reason travels as a payload of the absl::Status.
#ifndef PACTO_NODE_STORE_REJECTION_H_
#define PACTO_NODE_STORE_REJECTION_H_

#include <array>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pacto {

enum class Rejection {
  kSignature,    // not signed, a signature that does not check, a value not matching its hash
  kCertificate,  // the origin's certificate is unknown, of another CA, or revoked
  kChain,        // does not continue its origin's hash chain: a forked or replayed history
  kRegion,       // writes outside the origin's certified region, or lies about a home region
  kEvidence,     // a snapshot version without the signed entry that wrote it
  kClock,        // stamped too far ahead of this node's clock
  kMalformed,    // ops that do not decode, no origin or sequence
};

inline constexpr std::array<Rejection, 7> kAllRejections = {
    Rejection::kSignature, Rejection::kCertificate, Rejection::kChain,    Rejection::kRegion,
    Rejection::kEvidence,  Rejection::kClock,       Rejection::kMalformed};

// "signature", "certificate", "chain", "region", "evidence", "clock", "malformed".
absl::string_view RejectionName(Rejection reason);

// `status` (not OK) tagged with `reason`.
absl::Status Rejected(Rejection reason, absl::Status status);

// The reason `status` carries, if it is a refusal.
std::optional<Rejection> RejectionOf(const absl::Status& status);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_REJECTION_H_
