// The certificates of the origins whose signed entries this node holds, kept in the
// metadata family so that the node can forward those entries, with what checks them,
// after a restart (entry_authenticator.h).
#ifndef PACTO_NODE_STORE_ORIGIN_CERTIFICATES_H_
#define PACTO_NODE_STORE_ORIGIN_CERTIFICATES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "node/store/database.h"
#include "node/store/entry_authenticator.h"
#include "node/store/read_view.h"

namespace pacto {

// Checks `pem` with `authenticator` and keeps it under the node id it certifies.
absl::StatusOr<std::string> LearnOriginCertificate(Database& db, EntryAuthenticator& authenticator,
                                                   absl::string_view pem);

// The kept certificate of `origin`, if any.
absl::StatusOr<std::optional<std::string>> ReadOriginCertificate(const ReadView& view,
                                                                 const std::string& origin);

// Hands every kept certificate to `authenticator` (start-up); one that no longer
// checks (revoked since) is skipped, so its origin's entries are refused.
absl::Status LoadOriginCertificates(const Database& db, EntryAuthenticator& authenticator);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_ORIGIN_CERTIFICATES_H_
