#include "node/admin/status.h"

#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/version.h"
#include "node/store/committed_state.h"
#include "node/store/read_view.h"

namespace pacto {

absl::StatusOr<v1::StatusResponse> BuildStatus(const Database& db, const NodeFacts& facts) {
  ReadView view(&db);
  PACTO_ASSIGN_OR_RETURN(CommittedState state, ReadCommittedState(view));
  v1::StatusResponse out;
  out.set_node_id(db.node_id());
  out.set_region(facts.region);
  out.set_digest(state.digest.ToHex());
  state.version_vector.ToProto(out.mutable_version_vector());
  out.set_log_entries(state.log_next);
  uint64_t records = 0;
  db.db()->GetIntProperty(db.records(), "rocksdb.estimate-num-keys", &records);
  out.set_records(records);
  out.set_data_dir(db.path());
  out.set_development_mode(facts.development_mode);
  out.set_version(kPactoVersion);
  out.set_uptime_seconds(static_cast<uint64_t>(absl::ToInt64Seconds(absl::Now() - facts.started)));
  out.set_listen(facts.listen);
  return out;
}

}  // namespace pacto
