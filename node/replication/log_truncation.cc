#include "node/replication/log_truncation.h"

#include "common/status_macros.h"
#include "node/store/entry_evidence.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"

namespace pacto {
namespace {

// Whether a version `entry` wrote is still held by one of the records it touched.
absl::StatusOr<bool> WroteAHeldVersion(WriteTxn& txn, const v1::Entry& entry) {
  for (const v1::Op& op : entry.ops()) {
    v1::RecordState state;
    PACTO_ASSIGN_OR_RETURN(bool found, ReadState(txn, op.type(), op.id(), &state));
    if (!found) continue;
    for (const v1::Version& version : state.versions()) {
      if (version.dot().origin() == entry.origin() && version.dot().seq() == entry.seq()) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<TruncationResult> TruncateLog(Replica& replica,
                                             const std::vector<VersionVector>& peer_vectors,
                                             uint64_t retain, uint64_t max_entries) {
  TruncationResult result;
  absl::Status status = replica.pipeline().Execute(
      [&](WriteContext& ctx) -> absl::Status {
        const uint64_t log_next = ctx.applier().log_next();
        Database* db = ctx.txn().database();
        std::vector<std::pair<std::string, std::string>> doomed;  // log key, dot key
        // Signed entries that still wrote a version held here: kept aside as that
        // version's evidence, which snapshots carry (entry_evidence.h).
        std::vector<v1::Entry> evidence;
        result.oldest_position = log_next;
        PACTO_RETURN_IF_ERROR(ctx.txn().ScanChecked(
            db->log(), std::string(kLogEntryPrefix),
            [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
              const uint64_t position = GetBigEndian64(key.substr(1));
              v1::Entry entry;
              if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                return absl::DataLossError("malformed log entry");
              }
              bool everyone_has_it = !peer_vectors.empty();
              for (const VersionVector& vv : peer_vectors) {
                everyone_has_it &= vv.Covers(entry.origin(), entry.seq());
              }
              const bool beyond_retention = log_next - position > retain;
              if ((!everyone_has_it && !beyond_retention) || doomed.size() >= max_entries) {
                result.oldest_position = position;
                return false;
              }
              doomed.emplace_back(std::string(key), DotKey(entry.origin(), entry.seq()));
              if (!entry.signature().empty()) evidence.push_back(std::move(entry));
              return true;
            }));
        for (v1::Entry& entry : evidence) {
          PACTO_ASSIGN_OR_RETURN(bool backs, WroteAHeldVersion(ctx.txn(), entry));
          if (backs) KeepEvidence(ctx.txn(), std::move(entry));
        }
        for (const auto& [log_key, dot_key] : doomed) {
          ctx.txn().Delete(db->log(), log_key);
          ctx.txn().Delete(db->log(), dot_key);
        }
        result.removed = doomed.size();
        return absl::OkStatus();
      },
      "truncation");
  PACTO_RETURN_IF_ERROR(status);
  return result;
}

}  // namespace pacto
