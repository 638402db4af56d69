#include "node/store/origin_certificates.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/base/log.h"
#include "node/store/keys.h"
#include "rocksdb/db.h"

namespace pacto {

absl::StatusOr<std::string> LearnOriginCertificate(Database& db, EntryAuthenticator& authenticator,
                                                   absl::string_view pem) {
  PACTO_ASSIGN_OR_RETURN(std::string node_id, authenticator.AddCertificate(pem));
  rocksdb::WriteOptions options;
  options.sync = true;
  rocksdb::Status s = db.db()->Put(options, db.meta(), absl::StrCat(kOriginCertPrefix, node_id),
                                   rocksdb::Slice(pem.data(), pem.size()));
  if (!s.ok()) return absl::UnavailableError(absl::StrCat("keeping a certificate: ", s.ToString()));
  return node_id;
}

absl::StatusOr<std::optional<std::string>> ReadOriginCertificate(const ReadView& view,
                                                                 const std::string& origin) {
  std::string pem;
  PACTO_ASSIGN_OR_RETURN(bool found,
                         view.Get(view.db().meta(), absl::StrCat(kOriginCertPrefix, origin), &pem));
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(std::move(pem));
}

absl::Status LoadOriginCertificates(const Database& db, EntryAuthenticator& authenticator) {
  ReadView view(&db);
  return view.Scan(
      db.meta(), kOriginCertPrefix, "", [&](absl::string_view origin, absl::string_view pem) {
        absl::StatusOr<std::string> added = authenticator.AddCertificate(pem);
        if (!added.ok()) {
          LogWarning(
              "a kept origin certificate no longer checks",
              {{"origin", std::string(origin)}, {"reason", std::string(added.status().message())}});
        }
        return true;
      });
}

}  // namespace pacto
