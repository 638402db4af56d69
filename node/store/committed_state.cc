#include "node/store/committed_state.h"

#include "common/status_macros.h"
#include "node/store/keys.h"

namespace pacto {

absl::StatusOr<CommittedState> ReadCommittedState(const ReadView& view) {
  CommittedState state;
  PACTO_RETURN_IF_ERROR(view.ScanChecked(
      view.db().meta(), kVersionVectorPrefix, "",
      [&](absl::string_view origin, absl::string_view value) -> absl::StatusOr<bool> {
        if (value.size() != 8) return absl::DataLossError("malformed version vector");
        state.version_vector.Set(origin, GetBigEndian64(value));
        return true;
      }));
  PACTO_RETURN_IF_ERROR(view.ScanChecked(
      view.db().meta(), kOriginStatePrefix, "",
      [&](absl::string_view origin, absl::string_view value) -> absl::StatusOr<bool> {
        v1::OriginState parsed;
        if (!parsed.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError("malformed origin state");
        }
        state.origins[std::string(origin)] = std::move(parsed);
        return true;
      }));
  std::string value;
  PACTO_ASSIGN_OR_RETURN(bool found, view.Get(view.db().meta(), kDigestKey, &value));
  if (found) state.digest = Digest::Decode(value);
  PACTO_ASSIGN_OR_RETURN(found, view.Get(view.db().meta(), kLogNextKey, &value));
  if (found && value.size() == 8) state.log_next = GetBigEndian64(value);
  return state;
}

}  // namespace pacto
