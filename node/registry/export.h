// Exporting the members of a region's subtree as rows `member import` takes back
// (chapter, name, national_id, birth_date, since): person data, so it is a separate,
// region-scoped path from the federation-wide reports. Streams in batches; memory
// stays bounded whatever the region's size.
#ifndef PACTO_NODE_REGISTRY_EXPORT_H_
#define PACTO_NODE_REGISTRY_EXPORT_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "node/registry/caller.h"
#include "node/store/database.h"
#include "pacto/v1/registry.pb.h"

namespace pacto {

// NOT_FOUND naming region when it is unknown. `emit` returns false when the caller
// has gone. Each row's person as `caller` may see it (person_scope.h).
absl::Status ExportMembers(const Database& db, const v1::ExportMembersRequest& request,
                           const Caller& caller,
                           const std::function<bool(const v1::ExportMembersResponse&)>& emit,
                           uint64_t* rows_sent, int batch_rows = 1000);

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_EXPORT_H_
