#include "node/admin/audit.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "node/base/hlc.h"
#include "node/store/record_kinds.h"

namespace pacto {
absl::StatusOr<v1::AuditResponse> BuildAudit(const ScopeResolver& resolver,
                                             const v1::AuditRequest& request) {
  const std::string id(absl::StripAsciiWhitespace(request.record()));
  if (id.empty()) return absl::InvalidArgumentError("record: must not be empty");
  PACTO_ASSIGN_OR_RETURN(std::vector<ScopeResolver::FoundRecord> records, resolver.FindRecords(id));
  if (records.empty()) return NoRecordError(id);
  v1::AuditResponse response;
  for (ScopeResolver::FoundRecord& found : records) {
    v1::AuditRecord* record = response.add_records();
    record->set_type(RecordTypeName(found.type));
    record->set_id(found.id);
    PACTO_ASSIGN_OR_RETURN(*record->mutable_home_region(),
                           resolver.RecordHomeRegion(found.type, found.id, found.state));
    std::vector<const v1::Change*> changes;
    for (const v1::Change& change : found.state.history()) changes.push_back(&change);
    // The history is kept in (hlc, dot) order; sort anyway, so the trail reads in time.
    std::stable_sort(changes.begin(), changes.end(),
                     [](const v1::Change* a, const v1::Change* b) { return a->hlc() < b->hlc(); });
    for (const v1::Change* change : changes) {
      v1::AuditChange* out = record->add_changes();
      out->set_time(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", HybridClock::ToTime(change->hlc()),
                                     absl::UTCTimeZone()));
      out->set_hlc(change->hlc());
      out->set_kind(OpKindName(change->kind()));
      out->set_principal(change->principal());
      out->set_origin(change->dot().origin());
      out->set_seq(change->dot().seq());
    }
  }
  return response;
}

}  // namespace pacto
