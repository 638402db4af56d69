#include "node/store/committed_state.h"

#include "common/status_macros.h"
#include "node/store/keys.h"

namespace pacto {

absl::StatusOr<CommittedState> ReadCommittedState(const ReadView& view) {
  CommittedState state;
  absl::Status bad;
  PACTO_RETURN_IF_ERROR(view.Scan(view.db().meta(), kVersionVectorPrefix, "",
                                  [&](absl::string_view origin, absl::string_view value) {
                                    if (value.size() != 8) {
                                      bad = absl::DataLossError("malformed version vector");
                                      return false;
                                    }
                                    state.version_vector.Set(origin, GetBigEndian64(value));
                                    return true;
                                  }));
  PACTO_RETURN_IF_ERROR(bad);
  PACTO_RETURN_IF_ERROR(
      view.Scan(view.db().meta(), kOriginStatePrefix, "",
                [&](absl::string_view origin, absl::string_view value) {
                  v1::OriginState parsed;
                  if (!parsed.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                    bad = absl::DataLossError("malformed origin state");
                    return false;
                  }
                  state.origins[std::string(origin)] = std::move(parsed);
                  return true;
                }));
  PACTO_RETURN_IF_ERROR(bad);
  std::string value;
  PACTO_ASSIGN_OR_RETURN(bool found, view.Get(view.db().meta(), kDigestKey, &value));
  if (found) state.digest = Digest::Decode(value);
  PACTO_ASSIGN_OR_RETURN(found, view.Get(view.db().meta(), kLogNextKey, &value));
  if (found && value.size() == 8) state.log_next = GetBigEndian64(value);
  return state;
}

}  // namespace pacto
