// National ids and the person keys derived from them.
//
// A person enrolled with a national id gets the id "pr-" + base32 of the first 80 bits
// of HMAC-SHA256(federation key, normalised national id). Every node of a federation
// holds the same key, so two regions that enrol one person while cut off from each
// other derive one person record; without the key the id does not reveal the number.
#ifndef PACTO_NODE_DOMAIN_NATIONAL_ID_H_
#define PACTO_NODE_DOMAIN_NATIONAL_ID_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pacto {

// Upper-cases and drops spaces, dots and hyphens; then requires 4 to 20 ASCII letters
// and digits. INVALID_ARGUMENT naming "national_id" otherwise.
absl::StatusOr<std::string> NormalizeNationalId(absl::string_view raw);

// The federation-wide secret for person keys. Immutable; thread-safe.
class FederationKey {
 public:
  // Reads a key file: at least 32 bytes of secret (raw or hex; whitespace trimmed).
  static absl::StatusOr<FederationKey> FromFile(const std::string& path);
  // The fixed development key. Never for real data: anyone can derive ids with it.
  static FederationKey Development();

  // REQUIRES: `normalized` came from NormalizeNationalId.
  std::string PersonId(absl::string_view normalized) const;

 private:
  // HMAC-SHA256 with the key's inner and outer pads already hashed: every enrolment
  // derives an id, and OpenSSL 3's one-shot HMAC() sets up the algorithm and a MAC
  // context each call, several times the cost of the hashing itself.
  struct Hmac;
  explicit FederationKey(std::string secret);
  std::string secret_;
  std::shared_ptr<const Hmac> hmac_;  // immutable, shared by copies
};

}  // namespace pacto

#endif  // PACTO_NODE_DOMAIN_NATIONAL_ID_H_
