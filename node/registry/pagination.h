// Page sizes and page tokens of list calls.
//
// A page token says where the next page starts: the last key the previous page
// returned, so a page continues exactly after it even when records were added or
// removed in between. Tokens are opaque and tamper-evident: a token is
//   base64url( version 0x01 | HMAC-SHA256(secret, query || last key)[0..16) | last key )
// where `query` binds the list method and every parameter of the request except
// page_token and page_size (PageQuery), so a token handed out for one query pages
// only that query: another method, another filter, a changed or made-up token all
// fail with INVALID_ARGUMENT naming page_token, never an empty or wrong page.
//
// The secret is 32 random bytes made the first time the node hands out a token and
// kept in the data dir's meta column family (key "page_token_secret"). Why per data
// dir, not derived from the federation key: a token is only ever passed back to the
// node that issued it, so no other node needs the secret; it survives restarts (a
// client paging through a restart goes on) and travels with the node's backups; it
// does not depend on the federation key being real (development mode's key is public,
// which would let anyone forge tokens); and nothing else is keyed with it.
//
// Thread-safe.
#ifndef PACTO_NODE_REGISTRY_PAGINATION_H_
#define PACTO_NODE_REGISTRY_PAGINATION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "node/store/database.h"

namespace pacto {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// The page size to use: the default for 0, capped at the maximum; INVALID_ARGUMENT
// for a negative size.
absl::StatusOr<int> PageSize(int requested);

// What a page token is bound to: the request's message type, `scan` (the key prefix
// or other fixed name of the scan the call runs) and the request's fields other than
// page_token and page_size, deterministically serialized.
std::string PageQuery(const google::protobuf::Message& request, absl::string_view scan);

class PageTokens {
 public:
  // The tokens of `db`'s node: reads the secret, making and storing one (synced) on
  // first use. INTERNAL when the data dir cannot be read or written.
  static absl::StatusOr<PageTokens> ForDatabase(const Database& db);

  // REQUIRES: `secret` is at least 32 bytes.
  explicit PageTokens(std::string secret) : secret_(std::move(secret)) {}

  // A token for the page after `last_key` of `query`.
  std::string Encode(absl::string_view query, absl::string_view last_key) const;

  // The last key `token` carries. INVALID_ARGUMENT naming page_token when the token is
  // malformed, was altered, or was issued for another query (or by another node).
  absl::StatusOr<std::string> Decode(absl::string_view query, absl::string_view token) const;

 private:
  std::string Mac(absl::string_view query, absl::string_view last_key) const;

  std::string secret_;
};

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_PAGINATION_H_
