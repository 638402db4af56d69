// `pacto audit --record ID`: the audit trail of a record, from the history every record
// keeps (RecordState.history: dot, timestamp, kind and principal of each change that
// reached this node, kept after erasure). Names who and when, never what.
#ifndef PACTO_NODE_ADMIN_AUDIT_H_
#define PACTO_NODE_ADMIN_AUDIT_H_

#include "absl/status/statusor.h"
#include "node/security/scope_resolver.h"
#include "pacto/v1/admin.pb.h"

namespace pacto {

// Every record `request.record` names (see ScopeResolver::FindRecords), each with its
// home region and changes, oldest first. NOT_FOUND (NoRecordError) when it names
// none; INVALID_ARGUMENT when the id is empty.
absl::StatusOr<v1::AuditResponse> BuildAudit(const ScopeResolver& resolver,
                                             const v1::AuditRequest& request);

}  // namespace pacto

#endif  // PACTO_NODE_ADMIN_AUDIT_H_
