// Page sizes and page tokens of list calls. A token is the base64 of the last key
// returned, so a page continues exactly after it even when records were added or
// removed in between.
#ifndef PACTO_NODE_REGISTRY_PAGINATION_H_
#define PACTO_NODE_REGISTRY_PAGINATION_H_

#include <string>

#include "absl/status/statusor.h"

namespace pacto {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// The page size to use: the default for 0, capped at the maximum; INVALID_ARGUMENT
// for a negative size.
absl::StatusOr<int> PageSize(int requested);

std::string EncodePageToken(absl::string_view last_key);
// INVALID_ARGUMENT naming page_token when malformed.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token);

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_PAGINATION_H_
