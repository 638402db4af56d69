// SHA-256 over OpenSSL: value hashes, record digests and the per-origin hash chain of
// signed entries. Thread-safe.
#ifndef PACTO_NODE_STORE_SHA256_H_
#define PACTO_NODE_STORE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pacto {

inline constexpr size_t kSha256Bytes = 32;

// The 32-byte digest of `data`.
std::string Sha256(absl::string_view data);

// The same, into `out` (kSha256Bytes), without allocating: for the apply path, which
// hashes every record it writes.
void Sha256Into(absl::string_view data, unsigned char* out);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_SHA256_H_
