#include "node/store/rejection.h"

#include "absl/strings/cord.h"

namespace pacto {
namespace {

constexpr absl::string_view kPayloadUrl = "type.pacto.dev/pacto.Rejection";

}  // namespace

absl::string_view RejectionName(Rejection reason) {
  switch (reason) {
    case Rejection::kSignature:
      return "signature";
    case Rejection::kCertificate:
      return "certificate";
    case Rejection::kChain:
      return "chain";
    case Rejection::kRegion:
      return "region";
    case Rejection::kEvidence:
      return "evidence";
    case Rejection::kClock:
      return "clock";
    case Rejection::kMalformed:
      return "malformed";
  }
  return "unknown";
}

absl::Status Rejected(Rejection reason, absl::Status status) {
  status.SetPayload(kPayloadUrl, absl::Cord(RejectionName(reason)));
  return status;
}

std::optional<Rejection> RejectionOf(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  for (Rejection reason : kAllRejections) {
    if (*payload == RejectionName(reason)) return reason;
  }
  return std::nullopt;
}

}  // namespace pacto
